/* SPDX-License-Identifier: MIT */
/*
 * Thread stress (the contract of checker.h and report.h): one configured checker — trust anchor,
 * two CRLs (revocation offline), fixed time — is used by 8 threads at once for a bounded time,
 * each checking a mix of inputs (PEM, DER, PKCS#7, PKCS#12, hostile names, a cycle, a 100-deep
 * chain) against several roles with one shared topology, and rendering every report as JSON. Each
 * JSON must be byte for byte the one the same check gave on a single thread. The threads also
 * render, reference and release reports made by the main thread, which are immutable.
 *
 * Then batches (ucp_checker_check_files) on 8 threads: 320 files, every result compared with the
 * single-threaded one, in file order; and a batch cancelled from its progress callback while the
 * threads are busy, which must deliver the files it started, in order, and skip the rest.
 *
 *   test-threads HOSTILE_DIR [SECONDS]     (default 5 s; UCP_THREAD_SECONDS overrides)
 *
 * Run under ThreadSanitizer too (tests/threads/README in tests/hostile/README.md).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ucpolicy.h"
#include "../tap.h"

#define NTHREADS 8

static const char *const files[] = {
    "good.pem", "good.der", "good.p7b", "good.pfx", "nul-cn-san.pem", "bad-utf8.pem",
    "wildcard-tricks.pem", "punycode-mixed.pem", "san-1000.pem", "cycle.pem", "chain-100.pem",
    "cn-100.pem",
};
static const char *const roles[] = {
    "exchange-um", "tls-server", "frontend-default", "edge-external", "teams-direct-routing-sbc",
    "oauth-token-issuer",
};
#define NFILES (sizeof files / sizeof files[0])
#define NROLES (sizeof roles / sizeof roles[0])

static ucp_checker *checker;
static ucp_topology *topo;
static ucp_input *inputs[NFILES];
static char *expected[NFILES][NROLES];
static ucp_report *shared[NFILES][NROLES];
static double deadline;
static atomic_long checks, renders, mismatches, failures;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *render(const ucp_report *r)
{
    ucp_buffer b = {NULL, 0};
    if (ucp_report_to_json(r, UCP_RENDER_DEFAULT, &b) != UCP_OK)
        return NULL;
    char *s = strdup(b.data);
    ucp_buffer_dispose(&b);
    return s;
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u;
    while (now_s() < deadline) {
        seed = seed * 1103515245u + 12345u;
        size_t f = (seed >> 8) % NFILES, r = (seed >> 16) % NROLES;
        ucp_report *rep = NULL;
        if (ucp_checker_check(checker, inputs[f], roles[r], topo, &rep) != UCP_OK) {
            atomic_fetch_add(&failures, 1);
            continue;
        }
        char *json = render(rep);
        if (!json || strcmp(json, expected[f][r]) != 0) {
            if (atomic_fetch_add(&mismatches, 1) == 0)
                fprintf(stderr, "mismatch: %s / %s\n", files[f], roles[r]);
        }
        free(json);
        ucp_report_free(rep);
        atomic_fetch_add(&checks, 1);
        /* A report made on the main thread: referenced, read and released here. */
        ucp_report *s = ucp_report_ref(shared[(f + 1) % NFILES][r]);
        char *again = render(s);
        if (!again || strcmp(again, expected[(f + 1) % NFILES][r]) != 0)
            atomic_fetch_add(&mismatches, 1);
        free(again);
        (void)ucp_certificate_subject(ucp_report_certificate(s));
        ucp_report_free(s);
        atomic_fetch_add(&renders, 1);
    }
    return NULL;
}

/* ---- batches ------------------------------------------------------------------------------- */

#define BATCH_FILES 320
#define BATCH_ROLE 1 /* roles[1], tls-server */

static char batch_paths[NFILES][4096];
static const char *batch_list[BATCH_FILES];

struct batch_record {
    size_t calls, wrong_order, mismatches, progress_calls, cancel_at;
    atomic_int inside;
    bool overlap;
};

static void on_batch_file(size_t index, const char *path, ucp_report *report, const ucp_error *error, void *payload)
{
    struct batch_record *rec = payload;
    if (atomic_fetch_add(&rec->inside, 1) != 0)
        rec->overlap = true;
    if (index != rec->calls++)
        rec->wrong_order++;
    char *json = report ? render(report) : NULL;
    if (!json || error || path != batch_list[index] || strcmp(json, expected[index % NFILES][BATCH_ROLE]) != 0)
        rec->mismatches++;
    free(json);
    atomic_fetch_sub(&rec->inside, 1);
}

static bool on_batch_progress(size_t done, size_t total, void *payload)
{
    struct batch_record *rec = payload;
    if (atomic_fetch_add(&rec->inside, 1) != 0)
        rec->overlap = true;
    rec->progress_calls++;
    atomic_fetch_sub(&rec->inside, 1);
    return rec->cancel_at == 0 || done < rec->cancel_at;
}

static void batches(void)
{
    for (size_t i = 0; i < BATCH_FILES; i++)
        batch_list[i] = batch_paths[i % NFILES];
    struct batch_record rec;
    memset(&rec, 0, sizeof rec);
    ucp_checker_set_progress(checker, on_batch_progress, &rec);
    ucp_status st = ucp_checker_check_files(checker, batch_list, BATCH_FILES, roles[BATCH_ROLE], topo,
                                            "Hostile-P@ss w0rd", NTHREADS, on_batch_file, &rec);
    CHECK(st == UCP_OK && rec.calls == BATCH_FILES && rec.wrong_order == 0,
          "a batch of %d files on %d threads: every file delivered once, in file order (%zu)", BATCH_FILES, NTHREADS,
          rec.calls);
    CHECK(rec.mismatches == 0, "every batch report's JSON equals the single-threaded one (%zu differ)",
          rec.mismatches);
    CHECK(rec.progress_calls == BATCH_FILES && !rec.overlap,
          "one progress call per file (%zu), never at once with another callback", rec.progress_calls);

    memset(&rec, 0, sizeof rec);
    rec.cancel_at = 30;
    st = ucp_checker_check_files(checker, batch_list, BATCH_FILES, roles[BATCH_ROLE], topo, "Hostile-P@ss w0rd",
                                 NTHREADS, on_batch_file, &rec);
    CHECK(st == UCP_E_CANCELLED && rec.progress_calls == 30,
          "a batch cancelled at 30 of %d: UCP_E_CANCELLED, no progress call after (the window: at most 29 + 32 x 8 files started)", BATCH_FILES);
    CHECK(rec.calls >= 30 && rec.calls < BATCH_FILES && rec.wrong_order == 0 && rec.mismatches == 0 && !rec.overlap,
          "it delivered the files it started (%zu), in file order, with the single-threaded results", rec.calls);
    ucp_checker_set_progress(checker, NULL, NULL);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test-threads HOSTILE_DIR [SECONDS]\n");
        return TAP_SETUP_FAILURE;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 5;
    if (getenv("UCP_THREAD_SECONDS"))
        seconds = atof(getenv("UCP_THREAD_SECONDS"));
    char path[4096];
    if (ucp_checker_new(&checker) != UCP_OK || ucp_topology_new(&topo) != UCP_OK)
        return TAP_SETUP_FAILURE;
    ucp_checker_set_system_trust(checker, UCP_SYSTEM_TRUST_OFF);
    ucp_checker_set_time(checker, INT64_C(1795521600));
    snprintf(path, sizeof path, "%s/root.pem", argv[1]);
    ucp_input *root = NULL;
    if (ucp_input_from_file(&root, path, NULL) != UCP_OK)
        return TAP_SETUP_FAILURE;
    ucp_checker_add_trust(checker, root);
    ucp_checker_add_public_roots(checker, root);
    ucp_input_free(root);
    static const char *const crls[] = {"crl-revokes-good.crl", "crl-100000.crl"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", argv[1], crls[i]);
        if (ucp_checker_add_crl_file(checker, path) != UCP_OK)
            return TAP_SETUP_FAILURE;
    }
    ucp_topology_set(topo, UCP_FACT_FQDN, "exch01.contoso.com");
    ucp_topology_set(topo, UCP_FACT_POOL, "pool01.contoso.com");
    ucp_topology_add(topo, UCP_FACT_SIP_DOMAIN, "contoso.com");
    ucp_topology_set(topo, UCP_FACT_ACCESS_EDGE, "sip.contoso.com");
    for (size_t f = 0; f < NFILES; f++) {
        snprintf(path, sizeof path, "%s/%s", argv[1], files[f]);
        snprintf(batch_paths[f], sizeof batch_paths[f], "%s", path);
        if (ucp_input_from_file(&inputs[f], path, "Hostile-P@ss w0rd") != UCP_OK) {
            printf("Bail out! %s\n", ucp_error_message(ucp_error_last()));
            return TAP_SETUP_FAILURE;
        }
    }
    /* The single-threaded answers. */
    double t0 = now_s();
    size_t revoked = 0;
    for (size_t f = 0; f < NFILES; f++)
        for (size_t r = 0; r < NROLES; r++) {
            if (ucp_checker_check(checker, inputs[f], roles[r], topo, &shared[f][r]) != UCP_OK ||
                !(expected[f][r] = render(shared[f][r]))) {
                printf("Bail out! %s / %s\n", files[f], roles[r]);
                return TAP_SETUP_FAILURE;
            }
            revoked += ucp_report_revocation_at(shared[f][r], 0) == UCP_REVOCATION_REVOKED;
        }
    double single = (now_s() - t0) / (NFILES * NROLES);
    CHECK(revoked >= NROLES, "the CRLs are used: good.pem and its forms are revoked (%zu reports)", revoked);

    deadline = now_s() + seconds;
    pthread_t th[NTHREADS];
    t0 = now_s();
    for (uintptr_t i = 0; i < NTHREADS; i++)
        if (pthread_create(&th[i], NULL, worker, (void *)(i + 1)) != 0)
            return TAP_SETUP_FAILURE;
    for (size_t i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    double took = now_s() - t0;
    long n = atomic_load(&checks);
    printf("# measure threads: %d threads, %.1f s, %ld checks (%.0f/s) and %ld renders of shared reports; "
           "single thread %.2f ms per check\n",
           NTHREADS, took, n, n / took, atomic_load(&renders), single * 1000);
    CHECK(n >= NTHREADS, "the threads ran checks (%ld)", n);
    CHECK(atomic_load(&failures) == 0, "no check failed (%ld)", atomic_load(&failures));
    CHECK(atomic_load(&mismatches) == 0, "every report's JSON equals the single-threaded one (%ld differ)",
          atomic_load(&mismatches));
    batches();
    for (size_t f = 0; f < NFILES; f++) {
        for (size_t r = 0; r < NROLES; r++) {
            ucp_report_free(shared[f][r]);
            free(expected[f][r]);
        }
        ucp_input_free(inputs[f]);
    }
    ucp_topology_free(topo);
    ucp_checker_free(checker);
    return tap_done();
}
