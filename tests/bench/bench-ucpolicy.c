/* SPDX-License-Identifier: MIT */
/*
 * bench-ucpolicy: the in-process measurements of the benchmark (tests/bench/README.md), through
 * the public API of the installed-style shared library only (the floor, "rsa-verify", calls
 * GnuTLS and nettle directly).
 *
 *   bench-ucpolicy CORPUS [--quick]
 *
 * CORPUS is a directory written by bench-corpus. The files are read into memory first, so that
 * disk and page cache are not measured here (the command-line measurements of run-bench.py
 * include them). Each measurement prints one line:
 *
 *   RESULT <name> <checks> <thread-cpu-seconds> <wall-seconds>
 *
 * then "RSS stream <KiB>" (resident set after the full passes, which parse, check and free one
 * file at a time: the CLI's case), "RSS parsed <KiB>" (after parsing every leaf and keeping the
 * inputs) and "RSS peak <KiB>". CPU time is the calling thread's
 * (CLOCK_THREAD_CPUTIME_ID) for one-thread measurements and the process's for the threaded ones:
 * on a shared machine it is steadier than the wall clock, which is printed too.
 *
 * Measurements, for the roles tls-server and frontend-default:
 *   full     bytes -> ucp_input_from_data -> ucp_checker_check -> report freed, with full path
 *            validation; a new checker per pass, so its signature cache starts empty, and the
 *            intermediate's signature is verified once per pass rather than once per check
 *   nocache  the same with the signature cache off: every signature of every path verified
 *   full-rsa2048, full-p256  "full" tls-server over the RSA-2048 leaves, and over the ECDSA
 *            P-256 leaves, alone
 *   check    ucp_checker_check on inputs parsed beforehand (parsing excluded)
 *   rules    as check, with the signature cache filled by a first pass: path building and the
 *            role's rules without any signature verification (the cache is the only switch)
 * then "threads1"/"threads2" (full tls-server checks split over 1 and 2 threads on one checker),
 * "san-N" (full tls-server check of one leaf with N SAN names, cache off, repeated) and "parse"
 * (ucp_input_from_data alone), "render-FORMAT" and "render-FORMAT-check" (text, JSON and SARIF
 * rendering of tls-server reports by a batch's streaming renderer, against the checks that made
 * them, in turn chunk by chunk; "BYTES FORMAT N" the bytes written). Last, "rsa-verify": the
 * floor of an RSA-2048 leaf's check, one verification of its signature alone, as the library does
 * it (nettle; SHA-256 of the signed part and the RSA operation, the intermediate's key prepared
 * once), outside libucpolicy.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gmp.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <ucpolicy.h>

struct file {
    char *name;
    uint8_t *data;
    size_t len;
};

struct corpus {
    struct file *v;
    size_t n;
};

static void die(const char *what)
{
    const ucp_error *e = ucp_error_last();
    fprintf(stderr, "bench-ucpolicy: %s: %s\n", what, e ? ucp_error_message(e) : "failed");
    exit(1);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct file *)a)->name, ((const struct file *)b)->name);
}

static void load_dir(struct corpus *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        exit(1);
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".pem") != 0)
            continue;
        c->v = realloc(c->v, (c->n + 1) * sizeof *c->v);
        struct file *f = &c->v[c->n++];
        f->name = malloc(strlen(dir) + l + 2);
        sprintf(f->name, "%s/%s", dir, e->d_name);
        f->data = slurp(f->name, &f->len);
    }
    closedir(d);
    qsort(c->v, c->n, sizeof *c->v, by_name);
}

static double now_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The current resident set in KiB (VmRSS), 0 if unknown. */
static long rss_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

static void result(const char *name, size_t checks, double cpu, double wall)
{
    printf("RESULT %s %zu %.6f %.6f\n", name, checks, cpu, wall);
    fflush(stdout);
}

static const char *corpus_dir;
static ucp_topology *topology; /* the Front End facts of the corpus */

static ucp_input *input_of(const char *path)
{
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path, NULL) != UCP_OK)
        die(path);
    return in;
}

/* A checker trusting the corpus root, with its intermediate, system trust off; @cache entries of
 * signature cache (0: off; SIZE_MAX: the default). */
static ucp_checker *new_checker(size_t cache)
{
    char path[4096];
    ucp_checker *c = NULL;
    if (ucp_checker_new(&c) != UCP_OK)
        die("ucp_checker_new");
    snprintf(path, sizeof path, "%s/root.pem", corpus_dir);
    ucp_input *root = input_of(path);
    snprintf(path, sizeof path, "%s/inter.pem", corpus_dir);
    ucp_input *inter = input_of(path);
    if (ucp_checker_add_trust(c, root) != UCP_OK || ucp_checker_add_intermediates(c, inter) != UCP_OK ||
        ucp_checker_set_system_trust(c, UCP_SYSTEM_TRUST_OFF) != UCP_OK)
        die("checker setup");
    if (cache != SIZE_MAX && ucp_checker_set_signature_cache_size(c, cache) != UCP_OK)
        die("ucp_checker_set_signature_cache_size");
    ucp_input_free(root);
    ucp_input_free(inter);
    return c;
}

/* Parse and check @f; its report. Exits on an API failure (never on findings) and when the
 * path is not valid (a broken corpus). */
static ucp_report *check_file(ucp_checker *c, const struct file *f, const char *role)
{
    ucp_input *in = NULL;
    ucp_report *r = NULL;
    if (ucp_input_from_data(&in, f->data, f->len, f->name, NULL) != UCP_OK)
        die(f->name);
    if (ucp_checker_check(c, in, role, topology, &r) != UCP_OK)
        die("ucp_checker_check");
    ucp_input_free(in);
    if (ucp_report_chain_status(r) != UCP_CHAIN_VALID) {
        fprintf(stderr, "bench-ucpolicy: %s: the path is not valid (%s): the corpus is broken\n", f->name,
                ucp_chain_status_name(ucp_report_chain_status(r)));
        exit(1);
    }
    return r;
}

/* One full check of @f: parse, check, free. */
static ucp_result full_check(ucp_checker *c, const struct file *f, const char *role)
{
    ucp_report *r = check_file(c, f, role);
    ucp_result res = ucp_report_result(r);
    ucp_report_free(r);
    return res;
}

static void measure_full(const struct corpus *leaves, const char *role, size_t cache, const char *label)
{
    ucp_checker *c = new_checker(cache);
    size_t results[3] = {0};
    double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
    for (size_t i = 0; i < leaves->n; i++)
        results[full_check(c, &leaves->v[i], role)]++;
    double c1 = now_s(CLOCK_THREAD_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
    char name[128];
    snprintf(name, sizeof name, "%s/%s", label, role);
    result(name, leaves->n, c1 - c0, w1 - w0);
    fprintf(stderr, "%s: %zu pass, %zu warning, %zu fail\n", name, results[UCP_RESULT_PASS],
            results[UCP_RESULT_WARNING], results[UCP_RESULT_FAIL]);
    ucp_checker_free(c);
}

static void measure_parsed(const struct corpus *leaves, ucp_input **inputs, const char *role, bool warm)
{
    /* warm: a cache large enough for every edge of the corpus, filled by an unmeasured pass. */
    ucp_checker *c = new_checker(warm ? 2 * leaves->n + 16 : SIZE_MAX);
    ucp_report *r = NULL;
    if (warm) {
        for (size_t i = 0; i < leaves->n; i++) {
            if (ucp_checker_check(c, inputs[i], role, topology, &r) != UCP_OK)
                die("ucp_checker_check");
            ucp_report_free(r);
        }
    }
    double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
    for (size_t i = 0; i < leaves->n; i++) {
        if (ucp_checker_check(c, inputs[i], role, topology, &r) != UCP_OK)
            die("ucp_checker_check");
        ucp_report_free(r);
    }
    double c1 = now_s(CLOCK_THREAD_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
    char name[128];
    snprintf(name, sizeof name, "%s/%s", warm ? "rules" : "check", role);
    result(name, leaves->n, c1 - c0, w1 - w0);
    ucp_checker_free(c);
}

struct worker {
    ucp_checker *checker;
    const struct corpus *leaves;
    atomic_size_t *next;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        size_t i = atomic_fetch_add(w->next, 1);
        if (i >= w->leaves->n)
            return NULL;
        full_check(w->checker, &w->leaves->v[i], "tls-server");
    }
}

static void measure_threads(const struct corpus *leaves, int nthreads)
{
    ucp_checker *c = new_checker(SIZE_MAX);
    atomic_size_t next = 0;
    struct worker w = {c, leaves, &next};
    pthread_t t[16];
    double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
    for (int i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, work, &w);
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    double c1 = now_s(CLOCK_PROCESS_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
    char name[64];
    snprintf(name, sizeof name, "threads%d/tls-server", nthreads);
    result(name, leaves->n, c1 - c0, w1 - w0);
    ucp_checker_free(c);
}

static void measure_san(const struct file *f, unsigned names, double budget)
{
    ucp_checker *c = new_checker(0); /* every repetition verifies the signature again */
    full_check(c, f, "tls-server");  /* warm-up */
    size_t n = 0;
    double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC), c1;
    do {
        for (int k = 0; k < 10; k++)
            full_check(c, f, "tls-server");
        n += 10;
        c1 = now_s(CLOCK_THREAD_CPUTIME_ID);
    } while (c1 - c0 < budget);
    double w1 = now_s(CLOCK_MONOTONIC);
    char name[64];
    snprintf(name, sizeof name, "san-%u/tls-server", names);
    result(name, n, c1 - c0, w1 - w0);
    ucp_checker_free(c);
}

/* Rendering against checking, in one process, as `ucpolicy check FILE...` renders a batch (one
 * streaming renderer, the command's flags): chunks of 100 leaves are checked (parse and check,
 * the reports kept), then their reports added to the renderer and freed; the CPU time of each
 * phase is summed over the chunks (the inputs' and reports' freeing counted with the check, as in
 * "full"; the renderer's set-up and end with the rendering). Taking the phases in turn chunk by
 * chunk makes a change of the machine's load weigh on both alike, which two separate runs of the
 * command cannot. */
static void measure_render(const struct corpus *leaves, ucp_output_format format, unsigned flags, const char *label)
{
    enum { CHUNK = 100 };
    ucp_checker *c = new_checker(SIZE_MAX);
    ucp_report *reports[CHUNK];
    ucp_renderer *rd = NULL;
    ucp_buffer out = {NULL, 0};
    double check_cpu = 0, check_wall = 0;
    double rc0 = now_s(CLOCK_THREAD_CPUTIME_ID), rw0 = now_s(CLOCK_MONOTONIC);
    if (ucp_renderer_new(&rd, format, flags) != UCP_OK)
        die("ucp_renderer_new");
    double render_cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - rc0, render_wall = now_s(CLOCK_MONOTONIC) - rw0;
    size_t bytes = 0;
    for (size_t i = 0; i < leaves->n; i += CHUNK) {
        size_t m = leaves->n - i < CHUNK ? leaves->n - i : CHUNK;
        double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
        for (size_t k = 0; k < m; k++)
            reports[k] = check_file(c, &leaves->v[i + k], "tls-server");
        double c1 = now_s(CLOCK_THREAD_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
        for (size_t k = 0; k < m; k++) {
            if (ucp_renderer_add_report(rd, reports[k], &out) != UCP_OK)
                die("ucp_renderer_add_report");
            bytes += out.size;
            ucp_buffer_dispose(&out);
        }
        double c2 = now_s(CLOCK_THREAD_CPUTIME_ID), w2 = now_s(CLOCK_MONOTONIC);
        for (size_t k = 0; k < m; k++)
            ucp_report_free(reports[k]);
        double c3 = now_s(CLOCK_THREAD_CPUTIME_ID), w3 = now_s(CLOCK_MONOTONIC);
        check_cpu += (c1 - c0) + (c3 - c2);
        check_wall += (w1 - w0) + (w3 - w2);
        render_cpu += c2 - c1;
        render_wall += w2 - w1;
    }
    rc0 = now_s(CLOCK_THREAD_CPUTIME_ID), rw0 = now_s(CLOCK_MONOTONIC);
    if (ucp_renderer_finish(rd, &out) != UCP_OK)
        die("ucp_renderer_finish");
    bytes += out.size;
    ucp_buffer_dispose(&out);
    ucp_renderer_free(rd);
    render_cpu += now_s(CLOCK_THREAD_CPUTIME_ID) - rc0;
    render_wall += now_s(CLOCK_MONOTONIC) - rw0;
    char name[128];
    snprintf(name, sizeof name, "render-%s-check/tls-server", label);
    result(name, leaves->n, check_cpu, check_wall);
    snprintf(name, sizeof name, "render-%s/tls-server", label);
    result(name, leaves->n, render_cpu, render_wall);
    printf("BYTES %s %zu\n", label, bytes);
    ucp_checker_free(c);
}

/* The floor of an RSA-2048 leaf's check: the verification of its signature with the issuer's key,
 * as libucpolicy does it (x509/verify.c: nettle with the key prepared once, SHA-256 of the signed
 * part, PKCS#1 v1.5), and nothing else. A check cannot cost less than this on this machine. */
static void measure_rsa_floor(const struct file *leaf, double seconds)
{
    char path[4096];
    size_t ilen;
    snprintf(path, sizeof path, "%s/inter.pem", corpus_dir);
    uint8_t *ipem = slurp(path, &ilen);
    gnutls_x509_crt_t issuer, crt;
    gnutls_pubkey_t pk;
    gnutls_datum_t d = {ipem, (unsigned)ilen}, ld = {leaf->data, (unsigned)leaf->len}, m, e, der;
    if (gnutls_x509_crt_init(&issuer) < 0 || gnutls_x509_crt_import(issuer, &d, GNUTLS_X509_FMT_PEM) < 0 ||
        gnutls_pubkey_init(&pk) < 0 || gnutls_pubkey_import_x509(pk, issuer, 0) < 0 ||
        gnutls_pubkey_export_rsa_raw2(pk, &m, &e, 0) < 0 || gnutls_x509_crt_init(&crt) < 0 ||
        gnutls_x509_crt_import(crt, &ld, GNUTLS_X509_FMT_PEM) < 0 ||
        gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) < 0) {
        fprintf(stderr, "bench-ucpolicy: rsa-verify: cannot read %s and %s with GnuTLS\n", path, leaf->name);
        exit(1);
    }
    /* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, ... }: both lengths in two bytes for a
     * leaf of this corpus (checked). */
    if (der.size < 8 || der.data[0] != 0x30 || der.data[1] != 0x82 || der.data[4] != 0x30 || der.data[5] != 0x82) {
        fprintf(stderr, "bench-ucpolicy: rsa-verify: %s is not of the corpus's shape\n", leaf->name);
        exit(1);
    }
    size_t tbs_len = 4 + ((size_t)der.data[6] << 8 | der.data[7]);
    uint8_t sig[512];
    size_t sig_len = sizeof sig;
    if (tbs_len > der.size - 4 || gnutls_x509_crt_get_signature(crt, (char *)sig, &sig_len) < 0) {
        fprintf(stderr, "bench-ucpolicy: rsa-verify: no signature in %s\n", leaf->name);
        exit(1);
    }
    struct rsa_public_key key;
    rsa_public_key_init(&key);
    mpz_import(key.n, m.size, 1, 1, 0, 0, m.data);
    mpz_import(key.e, e.size, 1, 1, 0, 0, e.data);
    mpz_t s;
    mpz_init(s);
    mpz_import(s, sig_len, 1, 1, 0, 0, sig);
    if (!rsa_public_key_prepare(&key)) {
        fprintf(stderr, "bench-ucpolicy: rsa-verify: nettle refuses the intermediate's key\n");
        exit(1);
    }
    size_t n = 0;
    double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC), c1;
    do {
        for (int k = 0; k < 100; k++, n++) {
            struct sha256_ctx h;
            sha256_init(&h);
            sha256_update(&h, tbs_len, der.data + 4);
            if (!rsa_sha256_verify(&key, &h, s)) {
                fprintf(stderr, "bench-ucpolicy: rsa-verify: the signature of %s does not verify\n", leaf->name);
                exit(1);
            }
        }
        c1 = now_s(CLOCK_THREAD_CPUTIME_ID);
    } while (c1 - c0 < seconds);
    result("rsa-verify", n, c1 - c0, now_s(CLOCK_MONOTONIC) - w0);
    mpz_clear(s);
    rsa_public_key_clear(&key);
    gnutls_free(m.data);
    gnutls_free(e.data);
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(crt);
    gnutls_pubkey_deinit(pk);
    gnutls_x509_crt_deinit(issuer);
    free(ipem);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-ucpolicy CORPUS [--quick]\n");
        return 2;
    }
    corpus_dir = argv[1];
    bool quick = argc > 2 && strcmp(argv[2], "--quick") == 0;
    char path[4096];
    struct corpus leaves = {NULL, 0};
    snprintf(path, sizeof path, "%s/leaves", corpus_dir);
    load_dir(&leaves, path);
    if (leaves.n == 0) {
        fprintf(stderr, "bench-ucpolicy: no leaves in %s\n", path);
        return 1;
    }
    if (quick && leaves.n > 1000) {
        for (size_t i = 1000; i < leaves.n; i++) {
            free(leaves.v[i].name);
            free(leaves.v[i].data);
        }
        leaves.n = 1000;
    }
    if (ucp_topology_new(&topology) != UCP_OK ||
        ucp_topology_set(topology, UCP_FACT_POOL, "pool01.contoso.com") != UCP_OK ||
        ucp_topology_set(topology, UCP_FACT_FQDN, "fe01.contoso.com") != UCP_OK ||
        ucp_topology_set(topology, UCP_FACT_SIP_DOMAIN, "contoso.com") != UCP_OK)
        die("topology");

    static const char *const roles[] = {"tls-server", "frontend-default"};
    for (size_t k = 0; k < 2; k++) {
        measure_full(&leaves, roles[k], SIZE_MAX, "full");
        measure_full(&leaves, roles[k], 0, "nocache");
    }
    {
        /* The same full check by leaf key type: bench-corpus gives leaf NNNNN an ECDSA P-256 key
         * when NNNNN % 10 == 9, an RSA-2048 key otherwise (the files are borrowed, not copied). */
        struct corpus rsa = {calloc(leaves.n, sizeof(struct file)), 0};
        struct corpus ec = {calloc(leaves.n, sizeof(struct file)), 0};
        if (!rsa.v || !ec.v)
            die("out of memory");
        for (size_t i = 0; i < leaves.n; i++) {
            const char *base = strrchr(leaves.v[i].name, '/');
            unsigned long idx = strtoul(base ? base + 1 : leaves.v[i].name, NULL, 10);
            if (idx % 10 == 9)
                ec.v[ec.n++] = leaves.v[i];
            else
                rsa.v[rsa.n++] = leaves.v[i];
        }
        measure_full(&rsa, "tls-server", SIZE_MAX, "full-rsa2048");
        if (ec.n)
            measure_full(&ec, "tls-server", SIZE_MAX, "full-p256");
        if (rsa.n)
            measure_rsa_floor(&rsa.v[0], quick ? 0.1 : 0.3);
        free(rsa.v);
        free(ec.v);
    }
    /* The command's flags: pretty JSON and SARIF, each JSON entry as it is alone (FLAT), no color. */
    measure_render(&leaves, UCP_OUTPUT_TEXT, UCP_RENDER_FLAT, "text");
    measure_render(&leaves, UCP_OUTPUT_JSON, UCP_RENDER_PRETTY | UCP_RENDER_FLAT, "json");
    measure_render(&leaves, UCP_OUTPUT_SARIF, UCP_RENDER_PRETTY | UCP_RENDER_FLAT, "sarif");
    printf("RSS stream %ld\n", rss_now());
    {
        ucp_input **inputs = malloc(leaves.n * sizeof *inputs);
        double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
        for (size_t i = 0; i < leaves.n; i++)
            if (ucp_input_from_data(&inputs[i], leaves.v[i].data, leaves.v[i].len, leaves.v[i].name, NULL) != UCP_OK)
                die(leaves.v[i].name);
        double c1 = now_s(CLOCK_THREAD_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
        result("parse", leaves.n, c1 - c0, w1 - w0);
        printf("RSS parsed %ld\n", rss_now());
        for (size_t k = 0; k < 2; k++) {
            measure_parsed(&leaves, inputs, roles[k], false);
            measure_parsed(&leaves, inputs, roles[k], true);
        }
        for (size_t i = 0; i < leaves.n; i++)
            ucp_input_free(inputs[i]);
        free(inputs);
    }
    measure_threads(&leaves, 1);
    measure_threads(&leaves, 2);

    static const unsigned sans[] = {1, 10, 100, 1000};
    for (size_t k = 0; k < 4; k++) {
        struct file f;
        snprintf(path, sizeof path, "%s/san/san-%u.pem", corpus_dir, sans[k]);
        f.name = path;
        f.data = slurp(path, &f.len);
        measure_san(&f, sans[k], quick ? 0.1 : 0.5);
        free(f.data);
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("RSS peak %ld\n", ru.ru_maxrss);
    for (size_t i = 0; i < leaves.n; i++) {
        free(leaves.v[i].name);
        free(leaves.v[i].data);
    }
    free(leaves.v);
    ucp_topology_free(topology);
    return 0;
}
