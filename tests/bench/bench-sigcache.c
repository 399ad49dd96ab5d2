/* SPDX-License-Identifier: MIT */
/*
 * bench-sigcache: the cost of a signature-cache hit (sigcache.c), from 1 and 2 threads, when the
 * threads hit the same pair (one set, one stripe lock: the intermediate-under-root edge every check
 * of a batch uses) and when they hit different pairs (different stripes). Linked with the static
 * twin of the library (internals).
 *
 *   bench-sigcache CORPUS
 *
 * Prints "RESULT sigcache-<case>-<threads>t <lookups> <cpu-seconds> <wall-seconds>".
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check-private.h"

#define LOOKUPS 2000000

static ucp_checker *checker;
static ucp_certificate *leaf[2], *inter, *root;

struct job {
    ucp_certificate *cert, *issuer;
    size_t bad;
};

static void *run(void *arg)
{
    struct job *j = arg;
    for (size_t i = 0; i < LOOKUPS; i++)
        j->bad += !ucp_trust_verify_signature(&checker->trust, j->cert, j->issuer);
    return NULL;
}

static double now_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static ucp_certificate *load(const char *dir, const char *file)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path, NULL) != UCP_OK) {
        fprintf(stderr, "bench-sigcache: %s: %s\n", path, ucp_error_message(ucp_error_last()));
        exit(1);
    }
    ucp_certificate *c = ucp_certificate_mut_ref(in->certs[0]);
    ucp_input_free(in);
    return c;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-sigcache CORPUS\n");
        return 2;
    }
    root = load(argv[1], "root.pem");
    inter = load(argv[1], "inter.pem");
    leaf[0] = load(argv[1], "leaves/00000.pem");
    leaf[1] = load(argv[1], "leaves/00001.pem");
    if (ucp_checker_new(&checker) != UCP_OK)
        return 1;
    for (int different = 0; different < 2; different++) {
        for (int threads = 1; threads <= 2; threads++) {
            struct job jobs[2] = {{inter, root, 0}, {different ? leaf[1] : inter, different ? inter : root, 0}};
            if (different)
                jobs[0] = (struct job){leaf[0], inter, 0};
            for (int t = 0; t < threads; t++) /* warm: verified once, then cached */
                ucp_trust_verify_signature(&checker->trust, jobs[t].cert, jobs[t].issuer);
            pthread_t tid[2];
            double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
            for (int t = 0; t < threads; t++)
                pthread_create(&tid[t], NULL, run, &jobs[t]);
            for (int t = 0; t < threads; t++)
                pthread_join(tid[t], NULL);
            double c1 = now_s(CLOCK_PROCESS_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
            if (jobs[0].bad || jobs[1].bad) {
                fprintf(stderr, "bench-sigcache: a cached signature did not verify\n");
                return 1;
            }
            printf("RESULT sigcache-%s-%dt %d %.6f %.6f\n", different ? "different" : "same", threads,
                   LOOKUPS * threads, c1 - c0, w1 - w0);
        }
    }
    uint64_t hits, misses;
    ucp_sigcache_stats(checker->trust.sigcache, &hits, &misses);
    printf("STATS hits %llu misses %llu\n", (unsigned long long)hits, (unsigned long long)misses);
    ucp_checker_free(checker);
    for (int i = 0; i < 2; i++)
        ucp_certificate_unref(leaf[i]);
    ucp_certificate_unref(inter);
    ucp_certificate_unref(root);
    return 0;
}
