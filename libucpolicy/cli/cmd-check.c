/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy check [OPTIONS] FILE...: each FILE against a role. The files are checked by the
 * library's batch (ucp_checker_check_files: --jobs threads, results in file order); '-' reads
 * standard input; --same-certificate reads every file first and compares them (one thread).
 * Prints each result as it comes (output.c: the library's renderer of --format), a progress
 * line on a terminal, and a closing summary for several files.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-private.h"

static void usage_check(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy check --role ROLE [OPTIONS] FILE...\n"
            "\n"
            "Check each FILE (PEM, DER, PKCS#7 or PKCS#12; leaf first, then its chain) against ROLE.\n"
            "A FILE - reads standard input; its report names the input '-'.\n"
            "\n");
    cli_usage_common(f, false);
    fprintf(f,
            "\n"
            "Pools (Edge pool interfaces, A/V Authentication, OAuth):\n"
            "      --same-certificate   the FILEs are the certificate and key of each server of one\n"
            "                           pool (e.g. the PFX exported on each): the first FILE's report\n"
            "                           also compares every FILE with it (same certificate, same key);\n"
            "                           each other FILE is then checked on its own\n"
            "\n"
            "Batches:\n"
            "  -j, --jobs N             check N FILEs at a time (default 1; 0: one per CPU), sharing\n"
            "                           trust, intermediates and verified signatures; the output is\n"
            "                           the same as with one, in the order of the FILEs\n"
            "      --progress           show a progress line on stderr (default: for several FILEs when\n"
            "                           stderr is a terminal, unless --quiet)\n"
            "      --no-progress        never show it\n"
            "  Several FILEs end with a summary on stderr: checked N: P pass, W warning, F fail.\n");
}

/* One run of the command: the options, and what the output needs as results come. */
struct check_run {
    const struct common_opts *o;
    char **files;
    size_t n;
    size_t base; /* the index in files of the running batch's first file */
    size_t delivered;
    struct output out;
    struct progress_line progress;
};

/* The progress line: @done files of the run, and the file after them as the one being checked
 * (on one thread, exactly that file; on several, one of those being checked). */
static void show_progress(struct check_run *run, size_t done)
{
    progress_update(&run->progress, done, done < run->n ? run->files[done] : NULL);
}

/* Print the result of FILE number @k (in order): the report, or the error (@code, @message) of a
 * file that could not be read or checked. The output is what the serial loop always printed. */
static void deliver(struct check_run *run, size_t k, const ucp_report *report, ucp_status code,
                    const char *message)
{
    if (!report || !run->o->quiet)
        progress_clear(&run->progress); /* before what is printed below */
    if (report)
        output_report(&run->out, report);
    else
        output_error(&run->out, run->files[k], code, message);
    run->delivered = k + 1;
    if (run->progress.done < k + 1)
        run->progress.done = k + 1; /* a batch's progress callback has counted it already */
    if (run->progress.on) {
        fflush(stdout); /* the reports on a terminal before the line that follows them */
        show_progress(run, run->progress.done);
    }
}

/* The same for the calling thread's last error. */
static void deliver_last_error(struct check_run *run, size_t k)
{
    const ucp_error *e = ucp_error_last();
    deliver(run, k, NULL, e ? ucp_error_code(e) : UCP_E_INTERNAL, e ? ucp_error_message(e) : "unknown error");
}

static void on_file(size_t index, const char *path, ucp_report *report, const ucp_error *error, void *payload)
{
    struct check_run *run = payload;
    deliver(run, run->base + index, report, error ? ucp_error_code(error) : UCP_OK,
            error ? ucp_error_message(error) : NULL);
}

static bool on_progress(size_t done, size_t total, void *payload)
{
    struct check_run *run = payload;
    show_progress(run, run->base + done);
    return true;
}

/* Check FILEs @base to @base + @count - 1 with the library's batch. */
static void check_batch(struct check_run *run, ucp_checker *checker, const ucp_topology *topo, size_t base,
                        size_t count, unsigned jobs)
{
    run->base = base;
    ucp_checker_set_progress(checker, run->progress.on ? on_progress : NULL, run);
    if (ucp_checker_check_files(checker, (const char *const *)run->files + base, count, run->o->role, topo,
                                cli_password(), jobs, on_file, run) != UCP_OK) {
        progress_clear(&run->progress);
        cli_print_error();
        run->out.status = EXIT_USAGE;
    }
}

/* Read FILE '-' from standard input: NULL with the error delivered as FILE @k's. */
static ucp_input *read_stdin_input(struct check_run *run, size_t k, bool deliver_errors)
{
    uint8_t *data;
    size_t length;
    ucp_status code;
    const char *message;
    if (!cli_read_stdin(&data, &length, &code, &message)) {
        if (deliver_errors)
            deliver(run, k, NULL, code, message);
        else
            fprintf(stderr, "ucpolicy: %s\n", message);
        return NULL;
    }
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_data(&in, data, length, CLI_STDIN_NAME, cli_password());
    free(data);
    if (st != UCP_OK) {
        if (deliver_errors)
            deliver_last_error(run, k);
        else
            cli_print_error();
        return NULL;
    }
    return in;
}

/* Check FILE '-' (number @k) on its own. */
static void check_stdin(struct check_run *run, ucp_checker *checker, const ucp_topology *topo, size_t k)
{
    ucp_input *in = read_stdin_input(run, k, true);
    if (!in)
        return;
    ucp_report *report = NULL;
    if (ucp_checker_check(checker, in, run->o->role, topo, &report) != UCP_OK)
        deliver_last_error(run, k);
    else
        deliver(run, k, report, UCP_OK, NULL);
    ucp_report_free(report);
    ucp_input_free(in);
}

/* --same-certificate: every FILE read first (a file that cannot be read stops the command), the
 * first one checked with the comparison, each other on its own, in order. */
static void check_pool(struct check_run *run, ucp_checker *checker, const ucp_topology *topo)
{
    ucp_input **pool = calloc(run->n, sizeof *pool);
    if (!pool) {
        run->out.status = cli_out_of_memory();
        return;
    }
    size_t k = 0;
    for (; k < run->n; k++) {
        if (strcmp(run->files[k], CLI_STDIN_NAME) == 0)
            pool[k] = read_stdin_input(run, k, false); /* its error printed */
        else if (ucp_input_from_file(&pool[k], run->files[k], cli_password()) != UCP_OK)
            cli_print_error();
        if (!pool[k]) {
            run->out.status = EXIT_USAGE;
            break;
        }
    }
    if (k == run->n) {
        show_progress(run, 0);
        for (k = 0; k < run->n; k++) {
            ucp_report *report = NULL;
            ucp_status st = k == 0 ? ucp_checker_check_pool(checker, (const ucp_input *const *)pool, run->n,
                                                            run->o->role, topo, &report)
                                   : ucp_checker_check(checker, pool[k], run->o->role, topo, &report);
            if (st != UCP_OK)
                deliver_last_error(run, k);
            else
                deliver(run, k, report, UCP_OK, NULL);
            ucp_report_free(report);
        }
    }
    for (size_t i = 0; i < run->n; i++)
        ucp_input_free(pool[i]);
    free(pool);
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        COMMON_OPTIONS,
        {"same-certificate", no_argument, NULL, OPT_SAME},
        {"jobs", required_argument, NULL, 'j'},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {NULL, 0, NULL, 0},
    };
    bool same_certificate = false;
    long jobs = 1;
    enum progress_mode progress = PROGRESS_AUTO;
    struct common_opts o;
    common_init(&o);
    cli_command = "check";
    optind = 0; /* a fresh getopt state for each run (ucp_cli_main may run many times) */
    int c, st = 0;
    while (st == 0 && (c = getopt_long(argc, argv, "r:vqhj:", opts, NULL)) != -1) {
        st = common_option(&o, c, optarg);
        if (st >= 0)
            continue;
        st = 0;
        if (c == OPT_SAME) {
            same_certificate = true;
        } else if (c == OPT_PROGRESS || c == OPT_NO_PROGRESS) {
            progress = c == OPT_PROGRESS ? PROGRESS_ALWAYS : PROGRESS_NEVER;
        } else if (c == 'j') {
            char *end;
            errno = 0;
            jobs = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || jobs < 0 || jobs > 256)
                st = cli_usage_error("--jobs: '%s' is not a number of files between 0 (one per CPU) and 256", optarg);
        } else if (c == 'h') {
            usage_check(stdout);
            common_dispose(&o);
            return EXIT_PASS;
        } else {
            fprintf(stderr, "Try 'ucpolicy check --help'.\n");
            st = EXIT_USAGE;
        }
    }
    size_t n = st == 0 && optind < argc ? (size_t)(argc - optind) : 0, from_stdin = 0, stdin_at = n;
    for (size_t k = 0; k < n; k++) {
        if (strcmp(argv[optind + k], CLI_STDIN_NAME) == 0) {
            from_stdin++;
            stdin_at = stdin_at < n ? stdin_at : k;
        }
    }
    if (st == 0 && !o.role)
        st = cli_usage_error("check: --role is required (see 'ucpolicy roles')");
    else if (st == 0 && n == 0)
        st = cli_usage_error("check: no certificate file given");
    else if (st == 0 && same_certificate && n < 2)
        st = cli_usage_error("check: --same-certificate compares two or more FILEs, one per server of the pool");
    else if (st == 0 && from_stdin + (o.topology_file && strcmp(o.topology_file, CLI_STDIN_NAME) == 0) > 1)
        st = cli_usage_error("check: standard input ('-') is given %s; it can be read once",
                             from_stdin > 1 ? "as more than one FILE" : "as a FILE and as --topology");
    if (st != 0) {
        common_dispose(&o);
        return st;
    }
    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    int status = check_role(&o);
    if (status == EXIT_PASS)
        status = common_setup(&o, &topo, &checker);
    if (status != EXIT_PASS) {
        common_dispose(&o);
        return cli_finish(status);
    }
    struct check_run run = {.o = &o, .files = argv + optind, .n = n};
    progress_init(&run.progress, progress, o.quiet, n);
    if (output_begin(&run.out, &o, n)) {
        if (same_certificate) {
            check_pool(&run, checker, topo);
        } else {
            /* The files before and after '-' in batches, '-' on its own (standard input is read
             * once). */
            show_progress(&run, 0);
            if (stdin_at > 0)
                check_batch(&run, checker, topo, 0, stdin_at, (unsigned)jobs);
            if (stdin_at < n)
                check_stdin(&run, checker, topo, stdin_at);
            if (stdin_at + 1 < n)
                check_batch(&run, checker, topo, stdin_at + 1, n - stdin_at - 1, (unsigned)jobs);
        }
        progress_clear(&run.progress);
        if (run.delivered == n)
            output_end(&run.out, n > 1);
    }
    output_dispose(&run.out);
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    common_dispose(&o);
    return cli_finish(run.out.status);
}
