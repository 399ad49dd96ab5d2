/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy scan --topology FILE [OPTIONS]: every TLS endpoint a Topology Builder / Get-CsTopology
 * document lists, probed (ucp_scan_run) and checked against the role it serves with the facts of
 * its server. One fleet report: in text a table (server, port, role, result, days left, first
 * finding) and then every report in full; in JSON an object whose `endpoints` array holds, per
 * endpoint, its host, port, server, role, result and the usual report (or the error). An
 * endpoint's result is its report's, made worse by the server's verdict on the client
 * certificate as the exit status counts it (rejected: fail), or "error" without a report. In SARIF
 * and HTML one document of every report (the library's renderers). A progress line on a
 * terminal. Exit status: the worst endpoint's, as check's (3 for an endpoint that gave no
 * certificate).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-private.h"

enum { OPT_SCAN_JOBS = 1000, OPT_SCAN_TIMEOUT, OPT_SCAN_RESOLVE, OPT_SCAN_LOOPBACK };

static void usage_scan(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy scan --topology FILE [OPTIONS]\n"
            "\n"
            "Connect to every TLS, MTLS and HTTPS endpoint a Skype for Business / Lync topology lists\n"
            "(a Topology Builder .tbxml file or Get-CsTopology -AsXml output): SIP 5061, web 443 and\n"
            "4443, the Edge's internal and external ports, Mediation, Persistent Chat, Office Online\n"
            "Server. Check the certificate each presents against the role that endpoint serves, with\n"
            "the facts of its server, and report the whole deployment at once.\n"
            "\n"
            "Scan:\n"
            "      --topology FILE      the topology document ('-': standard input)\n"
            "  -j, --jobs N             endpoints probed at once (default 8, at most 64)\n"
            "      --timeout TIME       time limit of each endpoint: seconds, as for 'probe', or with a\n"
            "                           unit (500ms, 10s; default 10); also the revocation budget with --online\n"
            "      --resolve HOST:ADDRESS  connect to ADDRESS for HOST (as curl's; HOST:PORT:ADDRESS for\n"
            "                           one port); the name is still sent as the TLS server name. HOST\n"
            "                           must be a host of the topology: nothing else is connected to\n"
            "      --loopback-only      connect to loopback addresses only (every host needs --resolve)\n"
            "      --client-cert FILE   present this client certificate: PKCS#12, or PEM/DER with\n"
            "                           --client-key; each report tells whether the server refused it\n"
            "      --client-key FILE    the client certificate's private key (PEM or DER)\n"
            "      --progress, --no-progress  the progress line on stderr (default: on a terminal)\n"
            "\n"
            "Trust and time:\n"
            "      --chain FILE, --trust FILE, --public-roots FILE, --crl FILE, --online,\n"
            "      --allow-private-network, --at TIME, --expiry-warning DAYS, --policy OID,\n"
            "      --require-explicit-policy, --inhibit-policy-mapping, --inhibit-any-policy\n"
            "                           as for 'ucpolicy check'\n"
            "      --password-file FILE, --password-env VAR  the client certificate's password\n"
            "\n"
            "Output:\n"
            "      --format FORMAT      text (default: a table, then each report), json (an object\n"
            "                           with an 'endpoints' array), sarif or html\n"
            "      --compact, --color WHEN, --fail-on LEVEL, -v, --verbose, -q, --quiet\n"
            "                           as for 'ucpolicy check'\n"
            "\n"
            "Exit status: the worst endpoint's: 0 pass, 1 warnings, 2 error findings (or a client\n"
            "certificate refused), 3 usage error or an endpoint that gave no certificate.\n");
}

/* --timeout: seconds (as probe's and check's --timeout), or a number with "ms" or "s"; in
 * milliseconds, 0 when not acceptable. */
static unsigned parse_timeout(const char *arg)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || v < 1)
        return 0;
    if (!*end || strcmp(end, "s") == 0)
        v = v > 600 ? 0 : v * 1000;
    else if (strcmp(end, "ms") != 0)
        return 0;
    return v > 600000 ? 0 : (unsigned)v;
}

/* ---- the results ---------------------------------------------------------------------------- */

struct entry {
    ucp_report *report;
    ucp_status status;
    char *message;
    bool done;
};

struct scan_state {
    struct entry *entries;
    struct progress_line progress;
    size_t done;
};

static int on_endpoint(const ucp_endpoint *e, ucp_report *report, ucp_status status, const char *message,
                       void *payload)
{
    struct scan_state *s = payload;
    struct entry *en = &s->entries[ucp_endpoint_index(e)];
    en->report = report;
    en->status = status;
    en->message = message ? strdup(message) : NULL;
    en->done = true;
    s->done++;
    char target[300];
    snprintf(target, sizeof target, "%s:%u", ucp_endpoint_host(e), ucp_endpoint_port(e));
    progress_update(&s->progress, s->done, target);
    return 0;
}

/* The endpoint's result: the report's, made worse by the server's verdict on the client
 * certificate (rejected: fail; not told: warning), as the exit status counts it. */
static const char *result_name(const struct entry *en)
{
    static const char *const names[] = {"pass", "warning", "fail"};
    int code = en->report ? ucp_report_exit_code(en->report, UCP_FAIL_ON_WARNING) : 3;
    return code >= 0 && code <= 2 ? names[code] : "error";
}

/* The first finding of the worst severity: "code: message", or "" when none. */
static void first_finding(const ucp_report *r, char *out, size_t size)
{
    out[0] = '\0';
    const ucp_finding *best = NULL;
    for (size_t i = 0; r && i < ucp_report_finding_count(r); i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        if (ucp_finding_severity(f) == UCP_SEVERITY_INFO)
            continue;
        if (!best || ucp_finding_severity(f) > ucp_finding_severity(best))
            best = f;
    }
    bool rejected = r && ucp_report_connection_client_auth(r) == UCP_CLIENT_AUTH_REJECTED;
    if (rejected && (!best || ucp_finding_severity(best) != UCP_SEVERITY_ERROR))
        snprintf(out, size, "client certificate rejected: %s",
                 ucp_report_connection_detail(r) ? ucp_report_connection_detail(r) : "");
    else if (best)
        snprintf(out, size, "%s", ucp_finding_code(best));
}

/* Write @s as a JSON string. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f); /* UTF-8 passes through (the library's messages are UTF-8) */
    }
    fputc('"', f);
}

/* The fleet table: one line per endpoint. */
static void write_table(const ucp_scan *scan, const struct entry *entries)
{
    size_t n = ucp_scan_endpoint_count(scan), wh = 6, wr = 4;
    for (size_t i = 0; i < n; i++) {
        const ucp_endpoint *e = ucp_scan_endpoint_at(scan, i);
        size_t h = strlen(ucp_endpoint_host(e)), r = strlen(ucp_endpoint_role(e));
        wh = h > wh ? h : wh;
        wr = r > wr ? r : wr;
    }
    printf("%-*s  %5s  %-*s  %-7s  %9s  %s\n", (int)wh, "SERVER", "PORT", (int)wr, "ROLE", "RESULT", "DAYS LEFT",
           "FIRST FINDING");
    for (size_t i = 0; i < n; i++) {
        const ucp_endpoint *e = ucp_scan_endpoint_at(scan, i);
        const struct entry *en = &entries[i];
        char days[24] = "-", finding[512];
        if (en->report && ucp_report_certificate(en->report))
            snprintf(days, sizeof days, "%lld", (long long)ucp_report_days_remaining(en->report));
        if (en->report)
            first_finding(en->report, finding, sizeof finding);
        else
            snprintf(finding, sizeof finding, "%s", en->message ? en->message : "");
        printf("%-*s  %5u  %-*s  %-7s  %9s  %s\n", (int)wh, ucp_endpoint_host(e), ucp_endpoint_port(e), (int)wr,
               ucp_endpoint_role(e), result_name(en), days, finding);
    }
}

/* The JSON document: {"endpoints": [...]}. */
static bool write_json(const ucp_scan *scan, const struct entry *entries, unsigned flags)
{
    bool pretty = flags & UCP_RENDER_PRETTY;
    const char *nl = pretty ? "\n" : "", *in1 = pretty ? "  " : "", *in2 = pretty ? "    " : "", *sp = pretty ? " " : "";
    printf("{%s%s\"endpoints\":%s[", nl, in1, sp);
    size_t n = ucp_scan_endpoint_count(scan);
    for (size_t i = 0; i < n; i++) {
        const ucp_endpoint *e = ucp_scan_endpoint_at(scan, i);
        const struct entry *en = &entries[i];
        printf("%s%s%s{", i ? "," : "", nl, in2);
        fputs("\"host\":", stdout);
        fputs(sp, stdout);
        json_string(stdout, ucp_endpoint_host(e));
        printf(",%s\"port\":%s%u", sp, sp, ucp_endpoint_port(e));
        printf(",%s\"server\":%s", sp, sp);
        json_string(stdout, ucp_endpoint_server(e));
        printf(",%s\"role\":%s", sp, sp);
        json_string(stdout, ucp_endpoint_role(e));
        printf(",%s\"protocol\":%s", sp, sp);
        json_string(stdout, ucp_probe_protocol_name(ucp_endpoint_protocol(e)));
        printf(",%s\"result\":%s", sp, sp);
        json_string(stdout, result_name(en));
        if (en->report) {
            ucp_buffer b = {NULL, 0};
            if (ucp_report_render(en->report, UCP_OUTPUT_JSON, flags & ~UCP_RENDER_PRETTY, &b) != UCP_OK) {
                cli_print_error();
                return false;
            }
            printf(",%s\"report\":%s%.*s", sp, sp, (int)b.size, b.data ? b.data : "");
            ucp_buffer_dispose(&b);
        } else {
            printf(",%s\"error\":%s{\"code\":%s", sp, sp, sp);
            json_string(stdout, ucp_strerror_name(en->status));
            printf(",%s\"message\":%s", sp, sp);
            json_string(stdout, en->message);
            fputc('}', stdout);
        }
        fputc('}', stdout);
    }
    printf("%s%s]%s}\n", n ? nl : "", n ? in1 : "", nl);
    return true;
}

/* Text (after the table), SARIF and HTML: every report through the library's renderer. */
static bool write_reports(const ucp_scan *scan, const struct entry *entries, const struct common_opts *o,
                          unsigned flags)
{
    ucp_renderer *r = NULL;
    ucp_buffer chunk = {NULL, 0};
    if (ucp_renderer_new(&r, o->format, flags) != UCP_OK || ucp_renderer_set_fail_on(r, o->fail_on) != UCP_OK) {
        cli_print_error();
        ucp_renderer_free(r);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < ucp_scan_endpoint_count(scan); i++) {
        const ucp_endpoint *e = ucp_scan_endpoint_at(scan, i);
        const struct entry *en = &entries[i];
        char target[300];
        snprintf(target, sizeof target, "%s:%u", ucp_endpoint_host(e), ucp_endpoint_port(e));
        ucp_status st = en->report ? ucp_renderer_add_report(r, en->report, &chunk)
                                   : ucp_renderer_add_error(r, target, en->status, en->message ? en->message : "", &chunk);
        if (st != UCP_OK) {
            cli_print_error();
            ok = false;
        }
        if (chunk.size)
            fwrite(chunk.data, 1, chunk.size, stdout);
        ucp_buffer_dispose(&chunk);
    }
    if (ok && ucp_renderer_finish(r, &chunk) != UCP_OK) {
        cli_print_error();
        ok = false;
    }
    if (chunk.size)
        fwrite(chunk.data, 1, chunk.size, stdout);
    ucp_buffer_dispose(&chunk);
    if (o->format == UCP_OUTPUT_SARIF)
        fputc('\n', stdout);
    ucp_renderer_free(r);
    return ok;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        COMMON_OPTIONS,
        {"jobs", required_argument, NULL, OPT_SCAN_JOBS},
        {"resolve", required_argument, NULL, OPT_SCAN_RESOLVE},
        {"loopback-only", no_argument, NULL, OPT_SCAN_LOOPBACK},
        {"client-cert", required_argument, NULL, OPT_CLIENT_CERT},
        {"client-key", required_argument, NULL, OPT_CLIENT_KEY},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {NULL, 0, NULL, 0},
    };
    struct common_opts o;
    common_init(&o);
    o.all_servers = true;
    cli_command = "scan";
    const char *client_cert = NULL, *client_key = NULL;
    struct file_list resolves = {NULL, 0};
    unsigned jobs = UCP_SCAN_DEFAULT_JOBS, timeout_ms = 0;
    bool loopback_only = false;
    enum progress_mode progress = PROGRESS_AUTO;
    optind = 0;
    int c, st = 0;
    while (st == 0 && (c = getopt_long(argc, argv, "r:j:vqh", opts, NULL)) != -1) {
        if (c == OPT_TIMEOUT) { /* the revocation budget is whole seconds */
            if (!(timeout_ms = parse_timeout(optarg)))
                st = cli_usage_error("--timeout: '%s' is not a time between 1 ms and 600 s (e.g. 10, 500ms, 10s)",
                                     optarg);
            else
                o.timeout = (long)((timeout_ms + 999) / 1000);
            continue;
        }
        if (c == 'j')
            c = OPT_SCAN_JOBS;
        st = common_option(&o, c, optarg);
        if (st >= 0)
            continue;
        st = 0;
        switch (c) {
        case OPT_SCAN_JOBS: {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || v < 1 || v > UCP_SCAN_MAX_JOBS)
                st = cli_usage_error("--jobs: '%s' is not a number between 1 and %d", optarg, UCP_SCAN_MAX_JOBS);
            else
                jobs = (unsigned)v;
            break;
        }
        case OPT_SCAN_RESOLVE:
            if (!file_list_push(&resolves, optarg))
                st = cli_out_of_memory();
            break;
        case OPT_SCAN_LOOPBACK: loopback_only = true; break;
        case OPT_CLIENT_CERT: client_cert = optarg; break;
        case OPT_CLIENT_KEY: client_key = optarg; break;
        case OPT_PROGRESS: progress = PROGRESS_ALWAYS; break;
        case OPT_NO_PROGRESS: progress = PROGRESS_NEVER; break;
        case 'h':
            usage_scan(stdout);
            common_dispose(&o);
            free(resolves.v);
            return EXIT_PASS;
        default:
            fprintf(stderr, "Try 'ucpolicy scan --help'.\n");
            st = EXIT_USAGE;
        }
    }
    if (st == 0 && optind < argc)
        st = cli_usage_error("scan: unexpected argument '%s' (the endpoints come from --topology)", argv[optind]);
    else if (st == 0 && !o.topology_file)
        st = cli_usage_error("scan: --topology FILE is required (a Topology Builder file or Get-CsTopology -AsXml output)");
    else if (st == 0 && o.role)
        st = cli_usage_error("scan: --role does not apply: each endpoint's role comes from the topology");
    else if (st == 0 && (o.nfacts || o.server || o.product))
        st = cli_usage_error("scan: the facts of each server come from the topology (no --server, --fqdn, --pool, ... here)");
    else if (st == 0 && client_key && !client_cert)
        st = cli_usage_error("scan: --client-key needs --client-cert");
    else if (st == 0 && o.format != UCP_OUTPUT_TEXT && o.format != UCP_OUTPUT_JSON && o.format != UCP_OUTPUT_SARIF &&
             o.format != UCP_OUTPUT_HTML)
        st = cli_usage_error("scan: --format %s is not available here (text, json, sarif or html)",
                             ucp_output_format_name(o.format));
    if (st != 0) {
        common_dispose(&o);
        free(resolves.v);
        return st;
    }

    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    ucp_scan *scan = NULL;
    int status = common_setup(&o, &topo, &checker);
    if (status == EXIT_PASS && ucp_scan_new(&scan, topo) != UCP_OK) {
        fprintf(stderr, "ucpolicy: %s: %s\n", o.topology_file, ucp_error_message(ucp_error_last()));
        status = EXIT_USAGE;
    }
    if (status == EXIT_PASS &&
        (ucp_scan_set_jobs(scan, jobs) != UCP_OK || (timeout_ms && ucp_scan_set_timeout(scan, timeout_ms) != UCP_OK) ||
         ucp_scan_set_loopback_only(scan, loopback_only) != UCP_OK ||
         (client_cert && ucp_scan_set_client_credentials(scan, client_cert, client_key, cli_password()) != UCP_OK))) {
        cli_print_error();
        status = EXIT_USAGE;
    }
    for (size_t i = 0; status == EXIT_PASS && i < resolves.n; i++) {
        if (ucp_scan_add_resolve(scan, resolves.v[i]) != UCP_OK) {
            cli_print_error();
            status = EXIT_USAGE;
        }
    }
    cli_wipe_password();
    size_t n = scan ? ucp_scan_endpoint_count(scan) : 0;
    struct scan_state state = {NULL, {0}, 0};
    if (status == EXIT_PASS && n == 0) {
        fprintf(stderr, "ucpolicy: %s lists no TLS endpoint to scan\n", o.topology_file);
        status = EXIT_USAGE;
    }
    if (status == EXIT_PASS && !(state.entries = calloc(n, sizeof *state.entries)))
        status = cli_out_of_memory();
    if (status == EXIT_PASS) {
        progress_init(&state.progress, progress, o.quiet, n);
        progress_update(&state.progress, 0, NULL);
        if (ucp_scan_run(scan, checker, on_endpoint, &state) != UCP_OK) {
            cli_print_error();
            status = EXIT_USAGE;
        }
        progress_clear(&state.progress);
    }
    if (status == EXIT_PASS) {
        for (size_t i = 0; i < n; i++) {
            const struct entry *en = &state.entries[i];
            status = worst(status, en->report ? ucp_report_exit_code(en->report, o.fail_on) : EXIT_USAGE);
        }
        unsigned flags = (o.compact ? 0 : UCP_RENDER_PRETTY) | (use_color(&o) ? UCP_RENDER_COLOR : 0) |
                         (o.verbose ? UCP_RENDER_VERBOSE : 0) | UCP_RENDER_FLAT;
        bool ok = true;
        if (!o.quiet) {
            switch (o.format) {
            case UCP_OUTPUT_JSON: ok = write_json(scan, state.entries, flags); break;
            case UCP_OUTPUT_TEXT:
                write_table(scan, state.entries);
                fputc('\n', stdout);
                ok = write_reports(scan, state.entries, &o, flags);
                break;
            default: ok = write_reports(scan, state.entries, &o, flags); break;
            }
        }
        if (!ok)
            status = EXIT_USAGE;
    }
    for (size_t i = 0; state.entries && i < n; i++) {
        ucp_report_free(state.entries[i].report);
        free(state.entries[i].message);
    }
    free(state.entries);
    free(resolves.v);
    ucp_scan_free(scan);
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    common_dispose(&o);
    return cli_finish(status);
}
