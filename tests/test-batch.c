/* SPDX-License-Identifier: MIT */
/*
 * Batches (ucp_checker_check_files, ucp_checker_set_progress), through the public API: every
 * file delivered once, in file order, whatever the number of threads; each result equal to what
 * ucp_input_from_file + ucp_checker_check give for the file alone (the report's JSON, or the
 * error's code and message); the callbacks never run at once; the error object stays valid
 * whatever the callback calls; progress counts every completion; cancelling skips the files not
 * yet started and returns UCP_E_CANCELLED; misuse fails before any file is read.
 *
 * Files: the fixtures (tests/FIXTURES.md) of the tls-server role, a PKCS#12 file read with the
 * batch's password, and unreadable ones (missing, garbage, a directory) among them. Leaks of a
 * cancelled batch are the valgrind setup's to find (suite c runs under memcheck there).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"
#include "tap.h"
#include "portable.h"

#define MAX_FILES 512
#define PASSWORD "Pfx-Test-P@ss w0rd"

static const char *fixtures;
static char *paths[MAX_FILES];
static size_t npaths;
static ucp_checker *checker;
static ucp_topology *topology;

/* What each file gives on its own: a report's JSON, or an error's code and message. */
static struct expected {
    char *json;
    ucp_status code;
    char *message;
} expected[MAX_FILES];

static char *render(const ucp_report *r)
{
    ucp_buffer b = {NULL, 0};
    if (ucp_report_to_json(r, UCP_RENDER_DEFAULT, &b) != UCP_OK)
        return NULL;
    char *s = strdup(b.data);
    ucp_buffer_dispose(&b);
    return s;
}

static void add_path(const char *rel)
{
    if (npaths == MAX_FILES)
        exit(TAP_SETUP_FAILURE);
    size_t n = strlen(fixtures) + strlen(rel) + 2;
    paths[npaths] = malloc(n);
    if (!paths[npaths])
        exit(TAP_SETUP_FAILURE);
    snprintf(paths[npaths++], n, "%s/%s", fixtures, rel);
}

static int tls_server_file(const struct dirent *d)
{
    return strncmp(d->d_name, "tls-server-", 11) == 0;
}

static void setup(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/certs", fixtures);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, tls_server_file, alphasort);
    if (n < 20) {
        printf("Bail out! fewer than 20 tls-server fixtures in %s\n", dir);
        exit(TAP_SETUP_FAILURE);
    }
    char rel[512];
    for (int i = 0; i < n; i++) {
        snprintf(rel, sizeof rel, "certs/%s", names[i]->d_name);
        add_path(rel);
        /* Unreadable files among the others, and a PKCS#12 file that needs the password. */
        if (i == 3)
            add_path("bad/does-not-exist.pem");
        if (i == 10)
            add_path("bad/garbage.bin");
        if (i == 17)
            add_path("certs/tls-server-private-key.mismatch-fail.pfx");
        if (i == 18)
            add_path("bad/a-directory.pem");
        free(names[i]);
    }
    free(names);
    add_path("bad/truncated.cer"); /* the last file fails too */

    ucp_input *root = NULL;
    snprintf(rel, sizeof rel, "%s/certs/root.pem", fixtures);
    if (ucp_checker_new(&checker) != UCP_OK || ucp_topology_new(&topology) != UCP_OK ||
        ucp_input_from_file(&root, rel, NULL) != UCP_OK || ucp_checker_add_trust(checker, root) != UCP_OK ||
        ucp_checker_set_time(checker, INT64_C(1795521600)) != UCP_OK ||
        ucp_topology_set(topology, UCP_FACT_FQDN, "server01.contoso.com") != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input_free(root);
    ucp_checker_set_system_trust(checker, UCP_SYSTEM_TRUST_OFF);

    size_t reports = 0, errors = 0;
    for (size_t i = 0; i < npaths; i++) {
        ucp_input *in = NULL;
        ucp_report *r = NULL;
        if (ucp_input_from_file(&in, paths[i], PASSWORD) == UCP_OK &&
            ucp_checker_check(checker, in, "tls-server", topology, &r) == UCP_OK) {
            expected[i].json = render(r);
            reports++;
        } else {
            expected[i].code = ucp_error_code(ucp_error_last());
            expected[i].message = strdup(ucp_error_message(ucp_error_last()));
            errors++;
        }
        ucp_report_free(r);
        ucp_input_free(in);
    }
    printf("# %zu files: %zu reports, %zu errors on their own\n", npaths, reports, errors);
    if (errors != 5)
        exit(TAP_SETUP_FAILURE);
}

/* ---- one batch, recorded -------------------------------------------------------------------- */

struct record {
    size_t calls, progress_calls;
    size_t order[MAX_FILES];     /* index of the n-th delivery */
    bool path_ok[MAX_FILES];     /* the path given is paths[index] */
    bool same[MAX_FILES];        /* the result equals the file's own */
    bool one_of[MAX_FILES];      /* exactly one of report and error */
    size_t done[MAX_FILES + 1];  /* the n-th progress call's done */
    size_t total_seen;           /* a progress total other than npaths, else 0 */
    bool overlap;                /* two callbacks ran at once */
    atomic_int inside;
    size_t cancel_at;            /* progress returns false at this done (0: never) */
    ucp_status status;           /* of a batch run on another thread */
    ucp_report *kept;            /* a reference taken in the callback */
    size_t kept_index;
    bool error_stable;           /* the error survived a failing call made in the callback */
    size_t errors_seen;
};

static void enter(struct record *rec)
{
    if (atomic_fetch_add(&rec->inside, 1) != 0)
        rec->overlap = true;
}

static void leave(struct record *rec)
{
    atomic_fetch_sub(&rec->inside, 1);
}

static void on_file(size_t index, const char *path, ucp_report *report, const ucp_error *error, void *payload)
{
    struct record *rec = payload;
    enter(rec);
    if (rec->calls < MAX_FILES)
        rec->order[rec->calls] = index;
    rec->calls++;
    if (index < npaths) {
        rec->path_ok[index] = path == paths[index];
        rec->one_of[index] = (report != NULL) != (error != NULL);
        if (report) {
            char *json = render(report);
            rec->same[index] = json && expected[index].json && strcmp(json, expected[index].json) == 0;
            free(json);
            if (!rec->kept && index > npaths / 2) {
                rec->kept = ucp_report_ref(report);
                rec->kept_index = index;
            }
        } else if (error) {
            /* The error is the batch's copy: a failing call here leaves it as it was. */
            ucp_input *in = NULL;
            ucp_input_from_file(&in, "/nonexistent/made-in-the-callback.pem", NULL);
            rec->same[index] = ucp_error_code(error) == expected[index].code && expected[index].message &&
                               strcmp(ucp_error_message(error), expected[index].message) == 0;
            rec->error_stable = (rec->errors_seen == 0 || rec->error_stable) &&
                                strstr(ucp_error_message(error), "made-in-the-callback") == NULL &&
                                ucp_error_source(error) && strcmp(ucp_error_source(error), path) == 0;
            rec->errors_seen++;
        }
    }
    leave(rec);
}

static bool on_progress(size_t done, size_t total, void *payload)
{
    struct record *rec = payload;
    enter(rec);
    if (total != npaths)
        rec->total_seen = total;
    if (rec->progress_calls <= MAX_FILES)
        rec->done[rec->progress_calls] = done;
    rec->progress_calls++;
    bool go_on = rec->cancel_at == 0 || done < rec->cancel_at;
    leave(rec);
    return go_on;
}

static ucp_status run_batch(struct record *rec, unsigned jobs, bool progress)
{
    memset(rec, 0, sizeof *rec);
    atomic_init(&rec->inside, 0);
    ucp_checker_set_progress(checker, progress ? on_progress : NULL, rec);
    return ucp_checker_check_files(checker, (const char *const *)paths, npaths, "tls-server", topology, PASSWORD,
                                   jobs, on_file, rec);
}

static void check_run(struct record *rec, ucp_status st, const char *what)
{
    bool ordered = rec->calls == npaths, paths_ok = true, same = true, one_of = true;
    for (size_t i = 0; i < npaths && i < rec->calls; i++) {
        ordered = ordered && rec->order[i] == i;
        paths_ok = paths_ok && rec->path_ok[i];
        same = same && rec->same[i];
        one_of = one_of && rec->one_of[i];
    }
    CHECK(st == UCP_OK, "%s: UCP_OK (%s)", what, st ? ucp_error_message(ucp_error_last()) : "");
    CHECK(ordered, "%s: %zu files delivered once each, in file order (%zu calls)", what, npaths, rec->calls);
    CHECK(paths_ok && one_of, "%s: each call has the file's path and either a report or an error", what);
    CHECK(same, "%s: each result equals the file checked on its own (JSON, or error code and message)", what);
    CHECK(rec->errors_seen == 5 && rec->error_stable,
          "%s: the 5 errors stay as they were while the callback makes a failing call, and name the file", what);
    CHECK(!rec->overlap, "%s: the callbacks never ran at once", what);
    if (rec->kept) {
        char *json = render(rec->kept);
        CHECK(json && strcmp(json, expected[rec->kept_index].json) == 0,
              "%s: a report referenced in the callback outlives the batch", what);
        free(json);
        ucp_report_free(rec->kept);
        rec->kept = NULL;
    } else {
        CHECK(false, "%s: a report was kept", what);
    }
}

static void batches(void)
{
    static struct record rec;
    static const unsigned jobs[] = {1, 2, 3, 8, 0, 200};
    for (size_t j = 0; j < sizeof jobs / sizeof jobs[0]; j++) {
        char what[64];
        snprintf(what, sizeof what, "jobs %u", jobs[j]);
        ucp_status st = run_batch(&rec, jobs[j], false);
        check_run(&rec, st, what);
        CHECK(rec.progress_calls == 0, "%s: no progress callback set, none called", what);
    }
    for (size_t j = 0; j < 3; j++) {
        char what[64];
        snprintf(what, sizeof what, "jobs %u with progress", jobs[j]);
        ucp_status st = run_batch(&rec, jobs[j], true);
        check_run(&rec, st, what);
        bool counting = rec.progress_calls == npaths && rec.total_seen == 0;
        for (size_t i = 0; counting && i < npaths; i++)
            counting = rec.done[i] == i + 1;
        CHECK(counting, "%s: one progress call per file, done 1 to %zu of %zu (%zu calls)", what, npaths, npaths,
              rec.progress_calls);
    }
    ucp_checker_set_progress(checker, NULL, NULL);
}

static void cancelling(void)
{
    static struct record rec;
    /* One thread: the files complete in order, so the cancel lands exactly after the third. */
    memset(&rec, 0, sizeof rec);
    rec.cancel_at = 3;
    ucp_checker_set_progress(checker, on_progress, &rec);
    ucp_error_clear();
    ucp_status st = ucp_checker_check_files(checker, (const char *const *)paths, npaths, "tls-server", topology,
                                            PASSWORD, 1, on_file, &rec);
    CHECK(st == UCP_E_CANCELLED && ucp_error_code(ucp_error_last()) == UCP_E_CANCELLED,
          "jobs 1, cancelled at 3: UCP_E_CANCELLED (%s)", ucp_error_message(ucp_error_last()));
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "after 3 of", "the message says how far the batch went");
    CHECK(rec.calls == 3 && rec.order[0] == 0 && rec.order[1] == 1 && rec.order[2] == 2 && rec.progress_calls == 3,
          "jobs 1: files 0-2 delivered, then nothing (%zu results, %zu progress calls)", rec.calls, rec.progress_calls);
    if (rec.kept)
        ucp_report_free(rec.kept);

    /* Several threads: the files started before the cancel finish and are delivered, in order;
     * the rest is skipped. The progress call comes before any delivery that is due, so at most 4
     * files are delivered when it cancels, and the threads run at most 32 files per thread ahead
     * of those: a batch of 300 files stops well before its end, whatever the timing. */
    static const char *many[300];
    for (size_t i = 0; i < 300; i++)
        many[i] = paths[i % npaths];
    static const unsigned jobs[] = {2, 4};
    for (size_t j = 0; j < sizeof jobs / sizeof jobs[0]; j++) {
        memset(&rec, 0, sizeof rec);
        rec.cancel_at = 5;
        ucp_checker_set_progress(checker, on_progress, &rec);
        st = ucp_checker_check_files(checker, many, 300, "tls-server", topology, PASSWORD, jobs[j], on_file, &rec);
        bool prefix = rec.calls >= 1;
        for (size_t i = 0; prefix && i < rec.calls; i++)
            prefix = rec.order[i] == i;
        CHECK(st == UCP_E_CANCELLED, "jobs %u, cancelled at 5: UCP_E_CANCELLED", jobs[j]);
        CHECK(prefix && rec.calls >= 5 && rec.calls <= 4 + 32 * jobs[j],
              "jobs %u: the first files delivered in order, at least the 5 completed, at most 4 + 32 x %u "
              "(%zu of 300)",
              jobs[j], jobs[j], rec.calls);
        CHECK(rec.progress_calls == 5, "jobs %u: no progress call after the cancelling one (%zu calls)", jobs[j],
              rec.progress_calls);
        CHECK(!rec.overlap, "jobs %u: the callbacks never ran at once", jobs[j]);
        if (rec.kept)
            ucp_report_free(rec.kept);
    }
    ucp_checker_set_progress(checker, NULL, NULL);
}

static void misuse(void)
{
    static struct record rec;
    memset(&rec, 0, sizeof rec);
    const char *const one[] = {paths[0]};
    const char *const with_null[] = {paths[0], NULL};
    struct {
        ucp_status st, want;
        const char *what;
    } cases[] = {
        {ucp_checker_check_files(NULL, one, 1, "tls-server", NULL, NULL, 1, on_file, &rec), UCP_E_INVALID_ARGUMENT,
         "a NULL checker"},
        {ucp_checker_check_files(checker, NULL, 1, "tls-server", NULL, NULL, 1, on_file, &rec),
         UCP_E_INVALID_ARGUMENT, "NULL paths"},
        {ucp_checker_check_files(checker, with_null, 2, "tls-server", NULL, NULL, 1, on_file, &rec),
         UCP_E_INVALID_ARGUMENT, "a NULL path"},
        {ucp_checker_check_files(checker, one, 1, NULL, NULL, NULL, 1, on_file, &rec), UCP_E_INVALID_ARGUMENT,
         "a NULL role"},
        {ucp_checker_check_files(checker, one, 1, "tls-server", NULL, NULL, 1, NULL, &rec), UCP_E_INVALID_ARGUMENT,
         "a NULL callback"},
        {ucp_checker_check_files(checker, one, 1, "tls-server", NULL, NULL, 257, on_file, &rec),
         UCP_E_INVALID_ARGUMENT, "257 jobs"},
        {ucp_checker_check_files(checker, one, 1, "no-such-role", NULL, NULL, 1, on_file, &rec), UCP_E_UNKNOWN_ROLE,
         "an unknown role"},
        {ucp_checker_set_progress(NULL, on_progress, NULL), UCP_E_INVALID_ARGUMENT,
         "ucp_checker_set_progress(NULL checker)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(cases[i].st == cases[i].want, "%s: %s", cases[i].what, ucp_strerror_name(cases[i].want));
    CHECK(rec.calls == 0, "no file was delivered by a call that failed");
    ucp_checker_check_files(checker, one, 1, "no-such-role", NULL, NULL, 1, on_file, &rec);
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "exchange-um", "the unknown role's message lists the roles");
    ucp_checker_set_progress(checker, on_progress, &rec);
    ucp_status st = ucp_checker_check_files(checker, NULL, 0, "tls-server", NULL, NULL, 4, on_file, &rec);
    CHECK(st == UCP_OK && rec.calls == 0 && rec.progress_calls == 0, "an empty batch: UCP_OK, no callback");
    ucp_checker_set_progress(checker, NULL, NULL);
    st = ucp_checker_check_files(checker, one, 1, "UM", NULL, NULL, 1, on_file, &rec);
    CHECK(st == UCP_OK && rec.calls == 1 && rec.progress_calls == 0, "a role alias works; no progress once removed");
}

/* ---- two batches at once on one checker --------------------------------------------------- */

static void *batch_thread(void *arg)
{
    struct record *rec = arg;
    rec->status = ucp_checker_check_files(checker, (const char *const *)paths, npaths, "tls-server", topology,
                                          PASSWORD, 3, on_file, rec);
    return NULL;
}

static void concurrent(void)
{
    static struct record rec[2];
    pthread_t th[2];
    memset(rec, 0, sizeof rec);
    for (int i = 0; i < 2; i++)
        if (pthread_create(&th[i], NULL, batch_thread, &rec[i]) != 0)
            exit(TAP_SETUP_FAILURE);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        char what[64];
        snprintf(what, sizeof what, "concurrent batch %d", i + 1);
        check_run(&rec[i], rec[i].status, what);
    }
}

int main(void)
{
    fixtures = getenv("UCPOLICY_FIXTURES");
    if (!fixtures) {
        printf("Bail out! UCPOLICY_FIXTURES is not set\n");
        return TAP_SETUP_FAILURE;
    }
    setup();
    batches();
    cancelling();
    misuse();
    concurrent();
    for (size_t i = 0; i < npaths; i++) {
        free(paths[i]);
        free(expected[i].json);
        free(expected[i].message);
    }
    ucp_topology_free(topology);
    ucp_checker_free(checker);
    return tap_done();
}
