/* SPDX-License-Identifier: MIT */
/*
 * Hostile inputs (README.md in this directory): each file mkhostile.py wrote is given to the
 * library and its outcome checked — a clear error naming the file, or a correct report — with
 * the time and peak memory of the heavy ones measured in a child process. The numbers are
 * printed as TAP comments ("# measure ..."); README.md quotes them.
 *
 *   test-hostile HOSTILE_DIR [UCPOLICY_CLI]
 *
 * Under valgrind or a sanitizer (UCPOLICY_TEST_MEMCHECK, __SANITIZE_ADDRESS__) the outcomes are
 * checked but not the time bounds, and the heap scan for left-over passwords is skipped (it
 * reads freed memory on purpose).
 *
 * The online cases start an HTTP server of their own on 127.0.0.1 (a child process, killed
 * at the end) and make, at run time, a certificate whose 60 CRL distribution points name it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>

#include "ucpolicy.h"
#include "../tap.h"

#define UCP_ARRAY_SIZE_T(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static const char *dir;
static const char *cli;
static bool slow; /* valgrind or a sanitizer: outcomes only, no time bounds */
static const int64_t AT = INT64_C(1795521600); /* 2026-11-24T12:00:00Z */
/* Peak RSS of a child that refuses an input: the process as forked plus what the refusal needs
 * (a few MiB); generous, so that a debug or coverage build passes too. */
#define MAX_RSS_REFUSED_KB (128 * 1024)

static char *path_of(const char *name)
{
    static char buf[8][4096];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* CPU time of this process: the bounds must hold on a busy machine, where the wall clock
 * also counts the other processes' turns. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- measuring in a child ------------------------------------------------------------------ */

struct measure {
    double seconds;
    long max_rss_kb;
    int code; /* what the child's function returned (0..255), -1 if it died */
};

/* Run fn(arg) in a child; its exit code is fn's result. CPU time (user and system) and peak RSS
 * of the child. */
static struct measure measured(int (*fn)(const void *), const void *arg)
{
    struct measure m = {0, 0, -1};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(arg) & 0xff);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    if (pid > 0 && wait4(pid, &status, 0, &ru) == pid) {
        m.seconds = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        m.max_rss_kb = ru.ru_maxrss;
        m.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return m;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static ucp_checker *checker_for(const char *trust)
{
    ucp_checker *c = NULL;
    if (ucp_checker_new(&c) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_checker_set_system_trust(c, UCP_SYSTEM_TRUST_OFF);
    ucp_checker_set_time(c, AT);
    if (trust) {
        ucp_input *in = NULL;
        if (ucp_input_from_file(&in, path_of(trust), NULL) != UCP_OK) {
            printf("Bail out! %s\n", ucp_error_message(ucp_error_last()));
            exit(TAP_SETUP_FAILURE);
        }
        ucp_checker_add_trust(c, in);
        ucp_input_free(in);
    }
    return c;
}

static ucp_topology *topo_fqdn(const char *fqdn)
{
    ucp_topology *t = NULL;
    ucp_topology_new(&t);
    ucp_topology_set(t, UCP_FACT_FQDN, fqdn);
    return t;
}

static bool has_code(const ucp_report *r, const char *code)
{
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        if (strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0)
            return true;
    return false;
}

static size_t count_code(const ucp_report *r, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        n += strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0;
    return n;
}

/* Load @name with @password and expect @want; on failure the message names the file. */
static void expect_load_error(const char *name, const char *password, ucp_status want, const char *says)
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path_of(name), password);
    const char *msg = st != UCP_OK ? ucp_error_message(ucp_error_last()) : "";
    if (!CHECK(st == want, "%s: refused with %s", name, ucp_strerror_name(want)))
        printf("#   got %s: %s\n", ucp_strerror_name(st), msg);
    CHECK_CONTAINS(msg, name, "%s: the message names the file", name);
    if (says)
        CHECK_CONTAINS(msg, says, "%s: the message says '%s'", name, says);
    if (password && *password)
        CHECK(strstr(msg, password) == NULL, "%s: the message does not show the password", name);
    ucp_input_free(in);
}

/* Check @name (loaded with @password) for @role; returns the report (caller frees) or NULL. */
static ucp_report *check_file(ucp_checker *c, const char *name, const char *password, const char *role,
                              const ucp_topology *t)
{
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path_of(name), password) != UCP_OK) {
        CHECK(false, "%s loads", name);
        printf("#   %s\n", ucp_error_message(ucp_error_last()));
        return NULL;
    }
    ucp_report *r = NULL;
    ucp_status st = ucp_checker_check(c, in, role, t, &r);
    CHECK(st == UCP_OK, "%s: checked against %s", name, role);
    ucp_input_free(in);
    return r;
}

/* ---- the cases ------------------------------------------------------------------------------ */

static void malformed_der(void)
{
    expect_load_error("truncated.der", NULL, UCP_E_CORRUPT, "truncated");
    expect_load_error("truncated-1.der", NULL, UCP_E_CORRUPT, "truncated");
    expect_load_error("trailing-garbage.der", NULL, UCP_E_CORRUPT, "trailing data");
    expect_load_error("trailing-garbage.pem", NULL, UCP_E_CORRUPT, "trailing data");
    expect_load_error("ber-indefinite.der", NULL, UCP_E_CORRUPT, "indefinite-length");
    /* A BER PKCS#7 bag is legitimate (Windows writes them): read through GnuTLS. */
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path_of("ber-indefinite.p7b"), NULL);
    CHECK(st == UCP_OK && ucp_input_format(in) == UCP_FORMAT_PKCS7 && ucp_input_certificate_count(in) == 2,
          "ber-indefinite.p7b: a BER (indefinite-length) PKCS#7 bag reads as pkcs7 with its 2 certificates");
    if (in)
        CHECK_STR(ucp_certificate_common_name(ucp_input_certificate_at(in, 0)), "exch01.contoso.com",
                  "ber-indefinite.p7b: the leaf comes first");
    ucp_input_free(in);
}

static int load_devzero(const void *arg)
{
    (void)arg;
    ucp_input *in = NULL;
    return ucp_input_from_file(&in, "/dev/zero", NULL) == UCP_E_IO ? 0 : 1;
}

/* A FIFO without a writer as every file the library reads: each refused at once (a blocking
 * open() waited for a writer forever). Run in a child whose alarm ends a hang as a failure. */
static int load_fifo(const void *arg)
{
    const char *fifo = arg;
    alarm(60);
    ucp_input *in = NULL;
    int bad = 0;
    if (ucp_input_from_file(&in, fifo, NULL) != UCP_E_IO ||
        !strstr(ucp_error_message(ucp_error_last()), "is a FIFO (named pipe), not a regular file") ||
        !strstr(ucp_error_message(ucp_error_last()), fifo))
        bad |= 1;
    ucp_checker *c = checker_for(NULL);
    if (ucp_checker_add_crl_file(c, fifo) != UCP_E_IO)
        bad |= 2;
    ucp_checker_free(c);
    ucp_topology *t = NULL;
    ucp_topology_new(&t);
    if (ucp_topology_load_file(t, fifo) != UCP_E_IO)
        bad |= 4;
    ucp_topology_free(t);
    return bad;
}

static void size_limits(void)
{
    char tmpl[] = "/tmp/ucp-hostile-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d) {
        CHECK(false, "a temporary directory");
        return;
    }
    char big[4200];
    snprintf(big, sizeof big, "%s/huge-100MB.pem", d);
    int fd = open(big, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    bool made = fd >= 0 && ftruncate(fd, 100 * 1024 * 1024) == 0; /* sparse: no 100 MB written */
    if (fd >= 0)
        close(fd);
    CHECK(made, "a 100 MB file");
    ucp_input *in = NULL;
    double t0 = now_s();
    ucp_status st = ucp_input_from_file(&in, big, NULL);
    double t = now_s() - t0;
    CHECK(st == UCP_E_TOO_LARGE, "a 100 MB file is refused with UCP_E_TOO_LARGE");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "huge-100MB.pem", "the message names the file");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "104857600 bytes", "the message gives the size");
    CHECK(slow || t < 0.1, "refused before reading (%.4f s)", t);
    printf("# measure 100MB-file: refused in %.4f s: %s\n", t, ucp_error_message(ucp_error_last()));
    unlink(big);
    rmdir(d);
    /* In memory: the same limit, for inputs, CRLs and topologies. */
    size_t n = 100u * 1024u * 1024u;
    uint8_t *buf = calloc(n, 1); /* untouched pages: not really allocated */
    if (buf) {
        CHECK(ucp_input_from_data(&in, buf, n, "big.bin", NULL) == UCP_E_TOO_LARGE,
              "100 MB in memory: ucp_input_from_data refuses it");
        ucp_checker *c = checker_for(NULL);
        CHECK(ucp_checker_add_crl_data(c, buf, n, "big.crl") == UCP_E_TOO_LARGE,
              "100 MB in memory: ucp_checker_add_crl_data refuses it");
        ucp_checker_free(c);
        ucp_topology *t2 = NULL;
        ucp_topology_new(&t2);
        CHECK(ucp_topology_load_data(t2, buf, n, "big.json") == UCP_E_TOO_LARGE,
              "100 MB in memory: ucp_topology_load_data refuses it");
        ucp_topology_free(t2);
        free(buf);
    }
    /* An endless stream (a device, not a regular file): refused before anything is read. */
    struct measure m = measured(load_devzero, NULL);
    CHECK(m.code == 0, "/dev/zero (a device, endless) is refused at once with UCP_E_IO");
    printf("# measure /dev/zero: %.3f s, peak RSS %ld KiB\n", m.seconds, m.max_rss_kb);
    CHECK(slow || m.seconds < 1, "/dev/zero: refused within 1 s of CPU (%.3f s)", m.seconds);
    CHECK(slow || m.max_rss_kb < MAX_RSS_REFUSED_KB, "/dev/zero: peak RSS %ld KiB, under %d KiB", m.max_rss_kb,
          MAX_RSS_REFUSED_KB);
    /* A FIFO, as the certificate, a CRL and a topology. */
    char fifo[] = "/tmp/ucp-hostile-fifo-XXXXXX";
    char *fd_dir = mkdtemp(fifo);
    char fifo_path[4200];
    snprintf(fifo_path, sizeof fifo_path, "%s/input.fifo", fd_dir ? fd_dir : "/nonexistent");
    CHECK(fd_dir && mkfifo(fifo_path, 0600) == 0, "a FIFO");
    m = measured(load_fifo, fifo_path);
    printf("# measure fifo: %.3f s, peak RSS %ld KiB\n", m.seconds, m.max_rss_kb);
    CHECK(m.code == 0, "a FIFO without a writer as the certificate, a CRL and a topology: each refused at once "
          "with UCP_E_IO naming it (child exit %d; -1: it hung until its alarm)", m.code);
    CHECK(slow || m.max_rss_kb < MAX_RSS_REFUSED_KB, "the FIFO: peak RSS %ld KiB, under %d KiB", m.max_rss_kb,
          MAX_RSS_REFUSED_KB);
    unlink(fifo_path);
    if (fd_dir)
        rmdir(fd_dir);
}

struct check_arg {
    const char *file;
    const char *trust;
    const char *role;
    const char *fqdn;
    int expect_certs; /* 0: any */
};

/* In a child: load and check; exit 0 when the check ran and the result is not "pass". */
static int load_and_check(const void *p)
{
    const struct check_arg *a = p;
    ucp_checker *c = checker_for(a->trust);
    ucp_topology *t = topo_fqdn(a->fqdn);
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path_of(a->file), NULL) != UCP_OK)
        return 10;
    if (a->expect_certs && ucp_input_certificate_count(in) != (size_t)a->expect_certs)
        return 11;
    ucp_report *r = NULL;
    if (ucp_checker_check(c, in, a->role, t, &r) != UCP_OK)
        return 12;
    int rc = ucp_report_result(r) == UCP_RESULT_PASS ? 13 : 0;
    ucp_buffer b = {NULL, 0};
    if (ucp_report_to_json(r, UCP_RENDER_PRETTY, &b) != UCP_OK)
        rc = 14;
    ucp_buffer_dispose(&b);
    ucp_report_free(r);
    ucp_input_free(in);
    ucp_topology_free(t);
    ucp_checker_free(c);
    return rc;
}

static void big_inputs(void)
{
    /* A bundle of 10,000 certificates: the leaf, its CA and 9,998 others, half of them
     * look-alikes of the CA (same subject, another key). */
    struct check_arg a = {"bundle-10000.pem", "root.pem", "exchange-um", "exch01.contoso.com", 10000};
    struct measure m = measured(load_and_check, &a);
    CHECK(m.code == 0, "bundle-10000.pem: 10,000 certificates load and check (child exit %d)", m.code);
    printf("# measure bundle-10000: load+check+JSON %.2f s, peak RSS %ld KiB\n", m.seconds, m.max_rss_kb);
    CHECK(slow || m.seconds < 20, "bundle-10000.pem within 20 s (%.2f s)", m.seconds);
    CHECK(slow || m.max_rss_kb < 1024 * 1024, "bundle-10000.pem under 1 GiB (%ld KiB)", m.max_rss_kb);
    ucp_checker *c = checker_for("root.pem");
    ucp_topology *t = topo_fqdn("exch01.contoso.com");
    ucp_report *r = check_file(c, "bundle-10000.pem", NULL, "exchange-um", t);
    if (r) {
        CHECK(ucp_report_chain_status(r) == UCP_CHAIN_VALID && ucp_report_chain_count(r) == 3,
              "bundle-10000.pem: the real path (leaf, CA, root) is found among 4,999 look-alike issuers");
        ucp_report_free(r);
    }
    /* A chain 100 deep: longer than paths may be (10). */
    double t0 = now_s();
    r = check_file(c, "chain-100.pem", NULL, "exchange-um", t);
    double took = now_s() - t0;
    if (r) {
        CHECK(ucp_report_result(r) == UCP_RESULT_FAIL && ucp_report_chain_status(r) != UCP_CHAIN_VALID,
              "chain-100.pem: fails, the chain is not valid");
        CHECK(has_code(r, "chain.too-long") || has_code(r, "chain.search-limit"),
              "chain-100.pem: says the chain is too long (or the search limit was reached)");
        printf("# measure chain-100: %.3f s, %zu findings, chain %zu\n", took, ucp_report_finding_count(r),
               ucp_report_chain_count(r));
        ucp_report_free(r);
    }
    CHECK(slow || took < 5, "chain-100.pem within 5 s (%.3f s)", took);
    /* Issuer cycles. */
    static const char *const cycles[] = {"cycle.pem", "cycle-self.pem"};
    for (size_t i = 0; i < 2; i++) {
        t0 = now_s();
        r = check_file(c, cycles[i], NULL, "exchange-um", t);
        took = now_s() - t0;
        if (r) {
            CHECK(ucp_report_result(r) == UCP_RESULT_FAIL && ucp_report_chain_status(r) != UCP_CHAIN_VALID &&
                      ucp_report_chain_count(r) <= 10,
                  "%s: an issuer cycle ends (chain of %zu), not trusted, fails", cycles[i],
                  ucp_report_chain_count(r));
            printf("# measure %s: %.4f s, chain status %s\n", cycles[i], took,
                   ucp_chain_status_name(ucp_report_chain_status(r)));
            ucp_report_free(r);
        }
        CHECK(slow || took < 2, "%s within 2 s", cycles[i]);
    }
    ucp_topology_free(t);
    ucp_checker_free(c);
}

/* The best of @reps runs of load + check of @file (seconds). */
static double best_time(ucp_checker *c, const ucp_topology *t, const char *file, int reps, size_t *findings)
{
    double best = 1e9;
    for (int k = 0; k < reps; k++) {
        double t0 = now_s();
        ucp_input *in = NULL;
        ucp_report *r = NULL;
        if (ucp_input_from_file(&in, path_of(file), NULL) == UCP_OK)
            ucp_checker_check(c, in, "tls-server", t, &r);
        double d = now_s() - t0;
        if (findings)
            *findings = r ? ucp_report_finding_count(r) : 0;
        ucp_report_free(r);
        ucp_input_free(in);
        if (d < best)
            best = d;
    }
    return best;
}

struct scale_arg {
    const char *file;
    int reps;
};

/* In a child (a fresh heap, as for a command): @reps loads and checks of one file. */
static int scale_child(const void *p)
{
    const struct scale_arg *a = p;
    ucp_checker *c = checker_for("root.pem");
    ucp_topology *t = topo_fqdn("exch01.contoso.com");
    best_time(c, t, a->file, a->reps, NULL);
    ucp_topology_free(t);
    ucp_checker_free(c);
    return 0;
}

static void scaling(const char *prefix, const int *sizes, size_t nsizes, double max_ratio)
{
    double times[8] = {0};
    printf("# measure %s:", prefix);
    for (size_t i = 0; i < nsizes; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s-%d.pem", prefix, sizes[i]);
        /* The best of three children, each averaging 5 runs (the machine is shared). */
        struct scale_arg a = {name, slow ? 1 : 5};
        times[i] = 1e9;
        for (int k = 0; k < (slow ? 1 : 3); k++) {
            struct measure m = measured(scale_child, &a);
            if (m.seconds / a.reps < times[i])
                times[i] = m.seconds / a.reps;
        }
        printf(" %d: %.2f ms;", sizes[i], times[i] * 1000);
    }
    printf("\n");
    /* Linear: ten times the entries, about ten times the time (the largest two sizes, where the
     * fixed cost of a check no longer dominates). */
    double ratio = times[nsizes - 1] / times[nsizes - 2];
    CHECK(slow || ratio < max_ratio, "%s: %d entries cost %.1fx %d entries (linear: ~10x; bound %.0fx)", prefix,
          sizes[nsizes - 1], ratio, sizes[nsizes - 2], max_ratio);
}

static void many_entries(void)
{
    static const int san_sizes[] = {1, 10, 100, 1000, 10000};
    scaling("san", san_sizes, 5, 20);
    static const int sizes[] = {10, 100, 1000};
    scaling("cn", sizes, 3, 20);
    scaling("eku", sizes, 3, 20);
    scaling("ext", sizes, 3, 20);
    /* 10,000 names that are all wrong: 10,000 findings, still linear. */
    ucp_checker *c = checker_for("root.pem");
    ucp_topology *t = topo_fqdn("exch01.contoso.com");
    size_t nf = 0;
    double took = best_time(c, t, "san-invalid-10000.pem", 1, &nf);
    printf("# measure san-invalid-10000: %.1f ms, %zu findings\n", took * 1000, nf);
    CHECK(nf >= 5000, "san-invalid-10000.pem: a finding for each of the 5,000 invalid names (%zu findings)", nf);
    CHECK(slow || took < 5, "san-invalid-10000.pem within 5 s (%.2f s)", took);
    ucp_topology_free(t);
    ucp_checker_free(c);
    /* The most entries accepted, errors and warnings interleaved (tls-server: san.invalid-name,
     * san.single-label), then one entry too many. */
    struct check_arg a = {"san-max-20000.pem", "root.pem", "tls-server", "exch01.contoso.com", 2};
    struct measure m = measured(load_and_check, &a);
    CHECK(m.code == 0, "san-max-20000.pem: 20,000 SAN entries (10,000 errors, 10,000 warnings) load and check");
    printf("# measure san-max-20000: load+check+JSON %.2f s, peak RSS %ld KiB\n", m.seconds, m.max_rss_kb);
    CHECK(slow || (m.seconds < 5 && m.max_rss_kb < 512 * 1024), "san-max-20000.pem within 5 s and 512 MiB");
    expect_load_error("san-over-limit.pem", NULL, UCP_E_TOO_LARGE, "more than 20000 subjectAltName entries");
}

static void names(void)
{
    ucp_checker *c = checker_for("root.pem");
    ucp_topology *t = topo_fqdn("exch01.contoso.com");
    /* exch01.contoso.com\0.evil.com never stands for exch01.contoso.com. */
    ucp_report *r = check_file(c, "nul-cn-san.pem", NULL, "exchange-um", t);
    if (r) {
        CHECK(ucp_report_result(r) == UCP_RESULT_FAIL, "nul-cn-san.pem: fails");
        CHECK(has_code(r, "subject.cn-mismatch") && has_code(r, "subject.cn-invalid-name") &&
                  has_code(r, "san.invalid-name"),
              "nul-cn-san.pem: the CN does not match the FQDN, and CN and SAN are invalid names");
        const ucp_certificate *leaf = ucp_report_certificate(r);
        CHECK_STR(ucp_certificate_san_at(leaf, 0), "exch01.contoso.com\\x00.evil.com",
                  "nul-cn-san.pem: the SAN is shown with its NUL, not cut at it");
        ucp_report_free(r);
    }
    r = check_file(c, "nul-san-only.pem", NULL, "tls-server", t);
    if (r) {
        CHECK(ucp_report_result(r) == UCP_RESULT_FAIL && has_code(r, "san.fqdn-missing") &&
                  has_code(r, "san.invalid-name"),
              "nul-san-only.pem: a SAN with a NUL does not cover exch01.contoso.com (san.fqdn-missing)");
        ucp_report_free(r);
    }
    r = check_file(c, "bad-utf8.pem", NULL, "exchange-um", t);
    if (r) {
        const ucp_certificate *leaf = ucp_report_certificate(r);
        CHECK_STR(ucp_certificate_common_name(leaf), "exch01\\xFF\\xFE.contoso.com",
                  "bad-utf8.pem: invalid UTF-8 in the CN is shown escaped");
        CHECK_STR(ucp_certificate_san_at(leaf, 0), "b\\xC3.contoso.com", "bad-utf8.pem: and in the SAN");
        CHECK(count_code(r, "san.invalid-name") == 2 && has_code(r, "subject.cn-invalid-name") &&
                  ucp_report_result(r) == UCP_RESULT_FAIL,
              "bad-utf8.pem: both SAN entries and the CN are invalid names; fails");
        ucp_buffer b = {NULL, 0};
        CHECK(ucp_report_to_json(r, UCP_RENDER_DEFAULT, &b) == UCP_OK, "bad-utf8.pem: the report renders as JSON");
        ucp_buffer_dispose(&b);
        ucp_report_free(r);
    }
    ucp_topology *puny = topo_fqdn("xn--bcher-kva.contoso.com");
    r = check_file(c, "punycode-mixed.pem", NULL, "exchange-um", puny);
    if (r) {
        CHECK(!has_code(r, "subject.cn-mismatch") && has_code(r, "san.idn") &&
                  has_code(r, "subject.cn-invalid-name"),
              "punycode-mixed.pem: XN--BCHER-KVA.Contoso.COM matches xn--bcher-kva.contoso.com (case), "
              "and is reported as an IDN Lync does not support");
        ucp_report_free(r);
    }
    ucp_topology_free(puny);
    r = check_file(c, "wildcard-tricks.pem", NULL, "tls-server", t);
    if (r) {
        CHECK(count_code(r, "san.wildcard-invalid") == 7,
              "wildcard-tricks.pem: *.*.com, *.com, xn--*, *.co.uk, ex*, * and *.contoso.* are each invalid (%zu)",
              count_code(r, "san.wildcard-invalid"));
        ucp_report_free(r);
    }
    /* A certificate naming only the wildcard tricks never covers a host. */
    ucp_topology *other = topo_fqdn("anything.co.uk");
    r = check_file(c, "wildcard-tricks.pem", NULL, "tls-server", other);
    if (r) {
        CHECK(has_code(r, "san.fqdn-missing"), "wildcard-tricks.pem: *.co.uk does not cover anything.co.uk");
        ucp_report_free(r);
    }
    ucp_topology_free(other);
    r = check_file(c, "wildcard-cn-com.pem", NULL, "exchange-um", t);
    if (r) {
        CHECK(has_code(r, "subject.cn-wildcard") && has_code(r, "san.wildcard-invalid") &&
                  ucp_report_result(r) == UCP_RESULT_FAIL,
              "wildcard-cn-com.pem: CN and SAN *.com: a wildcard CN, an invalid wildcard; fails");
        ucp_report_free(r);
    }
    ucp_topology_free(t);
    ucp_checker_free(c);
}

static int load_timed(const void *p)
{
    ucp_input *in = NULL;
    const char *const *a = p;
    ucp_status st = ucp_input_from_file(&in, path_of(a[0]), a[1]);
    ucp_input_free(in);
    return -st;
}

static void pkcs12(const char *pw)
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path_of("good.pfx"), pw);
    CHECK(st == UCP_OK && ucp_input_key_match(in) == UCP_KEY_MATCH_YES,
          "good.pfx with its password: the leaf and its key");
    ucp_input_free(in);
    expect_load_error("good.pfx", "Wr0ng-Secret", UCP_E_PASSWORD, "wrong password");
    expect_load_error("good.pfx", NULL, UCP_E_PASSWORD, "none was given");
    expect_load_error("good.pfx", "", UCP_E_PASSWORD, "none was given");
    st = ucp_input_from_file(&in, path_of("empty-password.pfx"), NULL);
    CHECK(st == UCP_OK, "empty-password.pfx without a password: read with the empty one");
    ucp_input_free(in);
    st = ucp_input_from_file(&in, path_of("empty-password.pfx"), "");
    CHECK(st == UCP_OK, "empty-password.pfx with \"\"");
    ucp_input_free(in);
    expect_load_error("empty-password.pfx", "not empty", UCP_E_PASSWORD, "wrong password");
    /* Iteration counts: refused before any key derivation. */
    static const struct {
        const char *file;
        ucp_status want;
        const char *says;
    } iters[] = {
        {"huge-mac-iterations.pfx", UCP_E_LIMIT, "MAC asks for 2000000000 key-derivation iterations"},
        {"huge-bag-iterations.pfx", UCP_E_LIMIT, "encrypted bag asks for 5000000 key-derivation iterations"},
        {"huge-key-iterations.pfx", UCP_E_LIMIT, "private key of the PKCS#12 file asks for 5000000"},
        {"contentinfos-100000.pfx", UCP_E_LIMIT, "more than 64 ContentInfos"},
        {"big-salt-bag-iterations.pfx", UCP_E_LIMIT, "encrypted bag asks for 5000000 key-derivation iterations"},
        {"huge-bag-iterations-2e9.pfx", UCP_E_LIMIT, "encrypted bag asks for 2000000000 key-derivation"},
        {"unknown-bag-scheme.pfx", UCP_E_UNSUPPORTED, "not supported (1.2.3.4.5), so its key-derivation work"},
        {"budget-busting.pfx", UCP_E_LIMIT, "asks for 71002048 key-derivation iterations in all (MAC, encrypted "
                                            "ContentInfos and private keys); the budget of one file is 4000000"},
        {"huge-key-iterations.pem", UCP_E_LIMIT, "private key of the file asks for 5000000 key-derivation iterations"},
        {"keys-9.pem", UCP_E_LIMIT, "more than 8 private keys"},
        {"pem-budget.pem", UCP_E_LIMIT, "the private keys of the file ask for 5000000 key-derivation iterations "
                                        "in all; the budget of one file is 4000000"},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE_T(iters); i++) {
        expect_load_error(iters[i].file, pw, iters[i].want, iters[i].says);
        const char *args[2] = {iters[i].file, pw};
        struct measure m = measured(load_timed, args);
        printf("# measure %s: refused in %.3f s, peak RSS %ld KiB\n", iters[i].file, m.seconds, m.max_rss_kb);
        CHECK(m.code == -iters[i].want, "%s: the child measured was refused too (exit %d)", iters[i].file, m.code);
        CHECK(slow || m.seconds < 1, "%s: refused within 1 s (%.3f s)", iters[i].file, m.seconds);
        CHECK(slow || m.max_rss_kb < MAX_RSS_REFUSED_KB, "%s: peak RSS %ld KiB, under %d KiB", iters[i].file,
              m.max_rss_kb, MAX_RSS_REFUSED_KB);
    }
    /* A 65-byte salt is read like any other (GnuTLS's bag_enc_info() failed on it). */
    st = ucp_input_from_file(&in, path_of("big-salt-bag.pfx"), pw);
    CHECK(st == UCP_OK && ucp_input_key_match(in) == UCP_KEY_MATCH_YES,
          "big-salt-bag.pfx (65-byte salt, 2048 iterations): loads, key matches (%s)",
          st != UCP_OK ? ucp_error_message(ucp_error_last()) : "ok");
    ucp_input_free(in);
}

static void topologies(void)
{
    static const struct {
        const char *file;
        const char *says;
    } bad[] = {
        {"topology-wrong-types.json", "must be a string, not an array"},
        {"topology-wrong-item.json", "'sipDomains'[1] must be a string, not an integer"},
        {"topology-deep.json", "invalid JSON"},
        {"topology-deep-object.json", "invalid JSON"},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE_T(bad); i++) {
        ucp_topology *t = topo_fqdn("fe01.contoso.com");
        double t0 = now_s();
        ucp_status st = ucp_topology_load_file(t, path_of(bad[i].file));
        double took = now_s() - t0;
        CHECK(st == UCP_E_TOPOLOGY, "%s: refused with UCP_E_TOPOLOGY", bad[i].file);
        CHECK_CONTAINS(ucp_error_message(ucp_error_last()), bad[i].says, "%s: says why", bad[i].file);
        CHECK_CONTAINS(ucp_error_message(ucp_error_last()), bad[i].file, "%s: names the file", bad[i].file);
        CHECK(ucp_topology_count(t, UCP_FACT_FQDN) == 1, "%s: the topology is unchanged", bad[i].file);
        printf("# measure %s: %.4f s: %s\n", bad[i].file, took, ucp_error_message(ucp_error_last()));
        ucp_topology_free(t);
    }
    ucp_topology *t = NULL;
    ucp_topology_new(&t);
    double t0 = now_s();
    ucp_status st = ucp_topology_load_file(t, path_of("topology-50000-domains.json"));
    double took = now_s() - t0;
    printf("# measure topology-50000-domains: %.3f s: %s\n", took,
           st == UCP_OK ? "loaded" : ucp_error_message(ucp_error_last()));
    CHECK(st == UCP_E_TOPOLOGY, "topology-50000-domains.json: refused with UCP_E_TOPOLOGY");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "more than 1000 values for the SIP domain",
                   "topology-50000-domains.json: says the limit");
    CHECK(ucp_topology_count(t, UCP_FACT_SIP_DOMAIN) == 0, "topology-50000-domains.json: nothing half-loaded");
    CHECK(slow || took < 2, "topology-50000-domains.json within 2 s (%.3f s)", took);
    ucp_topology_free(t);
}

/* In a child: load a topology document; the negated status (0: loaded). */
static int topology_load(const void *arg)
{
    alarm(60);
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        return 99;
    ucp_status st = ucp_topology_load_file(t, path_of(arg));
    ucp_topology_free(t);
    return -st;
}

/* In a child: a document whose external entity names a FIFO without a writer. Were the entity
 * ever opened, open() would block until the alarm kills the child. */
static int topology_fifo_entity(const void *arg)
{
    alarm(20);
    char doc[8192];
    int n = snprintf(doc, sizeof doc,
                     "<?xml version=\"1.0\"?>\n<!DOCTYPE TopologyBuilder [<!ENTITY e SYSTEM \"file://%s\">]>\n"
                     "<TopologyBuilder xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\">"
                     "&e;<NewTopology/></TopologyBuilder>\n",
                     (const char *)arg);
    ucp_topology *t = NULL;
    if (n <= 0 || (size_t)n >= sizeof doc || ucp_topology_new(&t) != UCP_OK)
        return 99;
    ucp_status st = ucp_topology_load_data(t, (const uint8_t *)doc, (size_t)n, "fifo-entity.tbxml");
    ucp_topology_free(t);
    return -st;
}

/* Topology XML (Topology Builder form): no DTD or entity is ever read, depth, size, element and
 * pool limits, foreign namespaces; each refused with the file and the line named, in bounded
 * time and memory. */
static void topology_documents(void)
{
    static const struct {
        const char *file;
        ucp_status want;
        const char *says;
    } bad[] = {
        {"topology-billion-laughs.tbxml", UCP_E_TOPOLOGY, "a document type declaration (DOCTYPE) is not allowed"},
        {"topology-xxe.tbxml", UCP_E_TOPOLOGY, "external entity"},
        {"topology-xxe-parameter.tbxml", UCP_E_TOPOLOGY, "DOCTYPE"},
        {"topology-external-dtd.tbxml", UCP_E_TOPOLOGY, "DOCTYPE"},
        {"topology-deep.tbxml", UCP_E_TOPOLOGY, "element <Services>: elements nested more than 32 deep"},
        {"topology-not-xml.tbxml", UCP_E_TOPOLOGY, "not well-formed XML at line 1"},
        {"topology-wrong-ns.tbxml", UCP_E_TOPOLOGY, "not a Skype for Business or Lync topology"},
        {"topology-prefix-only.tbxml", UCP_E_TOPOLOGY, "{urn:example:look-alike}TopologyBuilder"},
        {"topology-10001-pools.tbxml", UCP_E_TOPOLOGY, "more than 10000 pools (the limit)"},
        {"topology-600000-elements.tbxml", UCP_E_TOPOLOGY, "more than 500000 elements (the limit)"},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE_T(bad); i++) {
        ucp_topology *t = topo_fqdn("fe01.contoso.com");
        ucp_status st = ucp_topology_load_file(t, path_of(bad[i].file));
        const char *msg = ucp_error_message(ucp_error_last());
        CHECK(st == bad[i].want, "%s: refused with %s (%s)", bad[i].file, ucp_strerror_name(bad[i].want),
              ucp_strerror_name(st));
        CHECK_CONTAINS(msg, bad[i].says, "%s: says why", bad[i].file);
        CHECK_CONTAINS(msg, bad[i].file, "%s: names the file", bad[i].file);
        CHECK(ucp_topology_count(t, UCP_FACT_FQDN) == 1, "%s: the topology is unchanged", bad[i].file);
        CHECK(!strstr(msg, "root:x:0") && !strstr(msg, "lollollollollollollollollollollollollollollol"),
              "%s: nothing of an entity in the message", bad[i].file);
        struct measure m = measured(topology_load, bad[i].file);
        printf("# measure %s: refused in %.3f s, peak RSS %ld KiB: %s\n", bad[i].file, m.seconds, m.max_rss_kb, msg);
        CHECK(m.code == -bad[i].want, "%s: the child measured was refused too (exit %d)", bad[i].file, m.code);
        CHECK(slow || m.seconds < 2, "%s: refused within 2 s of CPU (%.3f s)", bad[i].file, m.seconds);
        CHECK(slow || m.max_rss_kb < MAX_RSS_REFUSED_KB, "%s: peak RSS %ld KiB, under %d KiB", bad[i].file,
              m.max_rss_kb, MAX_RSS_REFUSED_KB);
        ucp_topology_free(t);
    }

    /* An external entity naming a FIFO: never opened. */
    char xdir[] = "/tmp/ucp-hostile-xxe-XXXXXX";
    char fifo[4200];
    snprintf(fifo, sizeof fifo, "%s/entity.fifo", mkdtemp(xdir) ? xdir : "/nonexistent");
    CHECK(mkfifo(fifo, 0600) == 0, "a FIFO for the entity");
    struct measure m = measured(topology_fifo_entity, fifo);
    CHECK(m.code == -UCP_E_TOPOLOGY, "an external entity naming a FIFO: refused, the FIFO never opened "
          "(child exit %d; -1: it hung until its alarm)", m.code);
    unlink(fifo);
    rmdir(xdir);

    /* Over 16 MiB in memory: refused before parsing. */
    size_t big = 16u * 1024u * 1024u + 1;
    uint8_t *buf = malloc(big);
    if (buf) {
        memset(buf, ' ', big);
        memcpy(buf, "<TopologyBuilder", 16);
        ucp_topology *t = NULL;
        ucp_topology_new(&t);
        CHECK(ucp_topology_load_data(t, buf, big, "big.tbxml") == UCP_E_TOO_LARGE,
              "16 MiB + 1 of XML: UCP_E_TOO_LARGE (%s)", ucp_error_message(ucp_error_last()));
        ucp_topology_free(t);
        free(buf);
    }

    /* 2,000 servers: loads, every one listed, in bounded time. */
    ucp_topology *t = NULL;
    ucp_topology_new(&t);
    double t0 = now_s();
    ucp_status st = ucp_topology_load_file(t, path_of("topology-2000-servers.tbxml"));
    double took = now_s() - t0;
    CHECK(st == UCP_OK && ucp_topology_server_count(t) == 2000, "topology-2000-servers.tbxml: 2000 servers (%s)",
          st == UCP_OK ? "loaded" : ucp_error_message(ucp_error_last()));
    CHECK(ucp_topology_select_server(t, "fe1999.contoso.com") == UCP_OK, "the last one can be selected");
    m = measured(topology_load, "topology-2000-servers.tbxml");
    printf("# measure topology-2000-servers: %.3f s in the test, %.3f s CPU and peak RSS %ld KiB in a child\n",
           took, m.seconds, m.max_rss_kb);
    CHECK(m.code == 0, "topology-2000-servers.tbxml: loads in the child too");
    CHECK(slow || m.seconds < 2, "topology-2000-servers.tbxml: within 2 s of CPU (%.3f s)", m.seconds);
    ucp_topology_free(t);
}

/* In a child: load crl-100000.crl and check good.pem against it; 0 when good. */
static int crl_held(const void *arg)
{
    (void)arg;
    ucp_checker *c = checker_for("root.pem");
    if (ucp_checker_add_crl_file(c, path_of("crl-100000.crl")) != UCP_OK)
        return 10;
    ucp_input *in = NULL;
    ucp_report *r = NULL;
    if (ucp_input_from_file(&in, path_of("good.pem"), NULL) != UCP_OK ||
        ucp_checker_check(c, in, "tls-server", NULL, &r) != UCP_OK)
        return 11;
    int rc = ucp_report_revocation_at(r, 0) == UCP_REVOCATION_GOOD ? 0 : 12;
    ucp_report_free(r);
    ucp_input_free(in);
    ucp_checker_free(c);
    return rc;
}

#define MAX_RSS_CRL_KB (64 * 1024)

static void crls(void)
{
    struct measure m = measured(crl_held, NULL);
    printf("# measure crl-100000 held: load+check %.3f s, peak RSS %ld KiB\n", m.seconds, m.max_rss_kb);
    CHECK(m.code == 0, "crl-100000.crl (2.2 MB): loaded and used in a child (exit %d)", m.code);
    CHECK(slow || m.max_rss_kb < MAX_RSS_CRL_KB,
          "crl-100000.crl: peak RSS %ld KiB (< %d: the DER and 16 bytes an entry, not a GnuTLS CRL object)",
          m.max_rss_kb, MAX_RSS_CRL_KB);

    ucp_checker *c = checker_for("root.pem");
    double t0 = now_s();
    ucp_status st = ucp_checker_add_crl_file(c, path_of("crl-100000.crl"));
    double took = now_s() - t0;
    CHECK(st == UCP_OK, "crl-100000.crl: a CRL of 100,000 entries loads");
    printf("# measure crl-100000: loaded in %.3f s\n", took);
    CHECK(slow || took < 5, "crl-100000.crl within 5 s (%.3f s)", took);
    ucp_topology *t = topo_fqdn("exch01.contoso.com");
    ucp_report *r = check_file(c, "good.pem", NULL, "exchange-um", t);
    if (r) {
        CHECK(ucp_report_revocation_at(r, 0) == UCP_REVOCATION_GOOD,
              "good.pem against crl-100000.crl: good (its serial is not listed)");
        ucp_report_free(r);
    }
    ucp_checker_free(c);
    c = checker_for("root.pem");
    ucp_checker_add_crl_file(c, path_of("crl-revokes-good.crl"));
    r = check_file(c, "good.pem", NULL, "exchange-um", t);
    if (r) {
        CHECK(ucp_report_revocation_at(r, 0) == UCP_REVOCATION_REVOKED && has_code(r, "revocation.revoked"),
              "good.pem against crl-revokes-good.crl: revoked");
        ucp_report_free(r);
    }
    st = ucp_checker_add_crl_file(c, path_of("truncated.der"));
    CHECK(st != UCP_OK, "a truncated certificate given as a CRL is refused");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "truncated.der", "and the message names it");
    ucp_topology_free(t);
    ucp_checker_free(c);
}

/* ---- online revocation: 60 distribution points on a server of our own ------------------------- */

/* The options that make a checker go online: every online check of this file takes them from here. */
static void go_online(ucp_checker *c, unsigned timeout_ms)
{
    ucp_checker_set_online(c, true);
    ucp_checker_set_allow_private_network(c, true); /* the server is on 127.0.0.1 */
    ucp_checker_set_network_timeout(c, timeout_ms);
}

struct http_server {
    pid_t pid;
    int port;
    unsigned *requests; /* shared with the server process */
};

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        fclose(f);
        *len = (size_t)n;
        return buf;
    }
    printf("Bail out! cannot read %s\n", path);
    exit(TAP_SETUP_FAILURE);
}

static void write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k <= 0)
            return; /* the client gave up: as it should when its time is spent */
        c += k;
        n -= (size_t)k;
    }
}

/* An HTTP/1.0 server on 127.0.0.1 answering every GET with @body_file after @delay_ms, one
 * request at a time, counting them. */
static void server_start(struct http_server *s, const char *body_file, unsigned delay_ms)
{
    size_t len = 0;
    uint8_t *body = body_file ? slurp(path_of(body_file), &len) : calloc(1, 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->requests = mmap(NULL, sizeof *s->requests, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0 || s->requests == MAP_FAILED) {
        printf("Bail out! no loopback server: %s\n", strerror(errno));
        exit(TAP_SETUP_FAILURE);
    }
    *s->requests = 0;
    s->port = ntohs(a.sin_port);
    fflush(stdout);
    s->pid = fork();
    if (s->pid == 0) {
        for (;;) {
            int c = accept(fd, NULL, NULL);
            if (c < 0)
                continue;
            char req[4096];
            size_t n = 0;
            while (n < sizeof req - 1) {
                ssize_t k = read(c, req + n, sizeof req - 1 - n);
                if (k <= 0)
                    break;
                n += (size_t)k;
                req[n] = '\0';
                if (strstr(req, "\r\n\r\n"))
                    break;
            }
            __atomic_fetch_add(s->requests, 1, __ATOMIC_SEQ_CST);
            if (delay_ms)
                usleep(delay_ms * 1000);
            char hdr[160];
            int h = snprintf(hdr, sizeof hdr,
                             "HTTP/1.0 200 OK\r\nContent-Type: application/pkix-crl\r\n"
                             "Content-Length: %zu\r\n\r\n",
                             len);
            write_all(c, hdr, (size_t)h);
            write_all(c, body, len);
            close(c);
        }
    }
    close(fd);
    free(body);
}

static unsigned server_stop(struct http_server *s)
{
    unsigned n = __atomic_load_n(s->requests, __ATOMIC_SEQ_CST);
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    munmap(s->requests, sizeof *s->requests);
    return n;
}

/* exch01.contoso.com of the hostile issuing CA (ca.pem, ca.key), serial 5000 (in no CRL here),
 * with 60 CRL distribution points http://127.0.0.1:PORT/N.crl; then the CA: a PEM bundle. */
static char *cdp_60(int port, size_t *len)
{
    size_t n;
    uint8_t *pem = slurp(path_of("ca.pem"), &n), *keypem = NULL;
    gnutls_datum_t d = {pem, (unsigned)n};
    gnutls_x509_crt_t ca, crt;
    gnutls_x509_privkey_t ca_key, key;
    gnutls_x509_crl_dist_points_t cdp;
    gnutls_datum_t ext = {NULL, 0}, out = {NULL, 0};
    const unsigned char serial[] = {0x13, 0x88};
    const unsigned p256 = GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1);
    bool ok = gnutls_x509_crt_init(&ca) >= 0 && gnutls_x509_crt_import(ca, &d, GNUTLS_X509_FMT_PEM) >= 0;
    keypem = slurp(path_of("ca.key"), &n);
    gnutls_datum_t k = {keypem, (unsigned)n};
    ok = ok && gnutls_x509_privkey_init(&ca_key) >= 0 &&
         gnutls_x509_privkey_import(ca_key, &k, GNUTLS_X509_FMT_PEM) >= 0 && gnutls_x509_privkey_init(&key) >= 0 &&
         gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, p256, 0) >= 0 &&
         gnutls_x509_crt_init(&crt) >= 0 && gnutls_x509_crt_set_version(crt, 3) >= 0 &&
         gnutls_x509_crt_set_serial(crt, serial, sizeof serial) >= 0 &&
         gnutls_x509_crt_set_activation_time(crt, (time_t)(AT - 86400 * 30)) >= 0 &&
         gnutls_x509_crt_set_expiration_time(crt, (time_t)(AT + 86400 * 180)) >= 0 &&
         gnutls_x509_crt_set_dn(crt, "CN=exch01.contoso.com,O=Contoso", NULL) >= 0 &&
         gnutls_x509_crt_set_key(crt, key) >= 0 &&
         gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "exch01.contoso.com", 18,
                                              GNUTLS_FSAN_SET) >= 0 &&
         gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) >= 0 &&
         gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) >= 0 &&
         gnutls_x509_crl_dist_points_init(&cdp) >= 0;
    for (int i = 0; ok && i < 60; i++) {
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/%d.crl", port, i);
        gnutls_datum_t u = {(unsigned char *)url, (unsigned)strlen(url)};
        ok = gnutls_x509_crl_dist_points_set(cdp, GNUTLS_SAN_URI, &u, 0) >= 0;
    }
    ok = ok && gnutls_x509_ext_export_crl_dist_points(cdp, &ext) >= 0 &&
         gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.31", ext.data, ext.size, 0) >= 0 &&
         gnutls_x509_crt_sign2(crt, ca, ca_key, GNUTLS_DIG_SHA256, 0) >= 0 &&
         gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out) >= 0;
    if (!ok) {
        printf("Bail out! cannot make the 60-CDP certificate\n");
        exit(TAP_SETUP_FAILURE);
    }
    char *bundle = malloc(out.size + d.size);
    memcpy(bundle, out.data, out.size);
    memcpy(bundle + out.size, pem, d.size);
    *len = out.size + d.size;
    gnutls_free(out.data);
    gnutls_free(ext.data);
    gnutls_x509_crl_dist_points_deinit(cdp);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_crt_deinit(ca);
    gnutls_x509_privkey_deinit(key);
    gnutls_x509_privkey_deinit(ca_key);
    free(pem);
    free(keypem);
    return bundle;
}

struct online_arg {
    const char *bundle;
    size_t len;
    unsigned timeout_ms;
    ucp_revocation want;
    const char *says; /* in the leaf's revocation.unreachable finding; NULL: no such finding */
};

/* In a child: check the 60-CDP certificate online; 0 when its revocation status and finding are
 * as expected. */
static int online_check(const void *p)
{
    const struct online_arg *a = p;
    ucp_checker *c = checker_for("root.pem");
    go_online(c, a->timeout_ms);
    ucp_input *in = NULL;
    ucp_report *r = NULL;
    if (ucp_input_from_data(&in, (const uint8_t *)a->bundle, a->len, "cdp-60.pem", NULL) != UCP_OK)
        return 10;
    if (ucp_checker_check(c, in, "tls-server", NULL, &r) != UCP_OK)
        return 11;
    if (ucp_report_revocation_at(r, 0) != a->want)
        return 12;
    const char *msg = NULL;
    for (size_t i = 0; i < ucp_report_finding_count(r); i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        if (strcmp(ucp_finding_code(f), "revocation.unreachable") == 0 && ucp_finding_certificate_index(f) == 0)
            msg = ucp_finding_message(f);
    }
    int rc = a->says ? (msg && strstr(msg, a->says) ? 0 : 13) : (msg ? 14 : 0);
    if (rc) {
        printf("# the finding: %.300s\n", msg ? msg : "(none)");
        fflush(stdout); /* the child ends with _exit() */
    }
    ucp_report_free(r);
    ucp_input_free(in);
    ucp_checker_free(c);
    return rc;
}

static void online(void)
{
    /* Peak RSS bounds: the test process the child is forked from (about 30 MiB by now) and the
     * check: 100 MiB for 60 URLs; 64 MiB for one 2.2 MB CRL kept (the DER and 16 bytes an
     * entry; a GnuTLS CRL object alone took some 80 MiB). */
    struct {
        const char *file; /* the CRL served (NULL: nothing, slowly) */
        unsigned delay_ms, timeout_ms, max_requests;
        ucp_revocation want;
        const char *says, *what;
        long max_rss_kb;
    } cases[] = {
        {NULL, 3000, 1000, 2, UCP_REVOCATION_UNREACHABLE,
         "the check's time budget of 1000 ms was spent: 59 more URLs were not tried",
         "60 CDPs answering after 3 s, timeout 1 s: one deadline for the check", 100 * 1024},
        {"crl-other-40000.crl", 0, 10000, 8, UCP_REVOCATION_UNREACHABLE,
         "52 more URLs were skipped: at most 8 are tried per certificate",
         "60 CDPs serving a 1.6 MB CRL of another issuer: 8 tried, none kept", 100 * 1024},
        {"crl-100000.crl", 0, 10000, 1, UCP_REVOCATION_GOOD, NULL,
         "60 CDPs serving the issuer's 2.2 MB CRL of 100,000 entries: the first answers", 64 * 1024},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE_T(cases); i++) {
        struct http_server server;
        server_start(&server, cases[i].file, cases[i].delay_ms);
        struct online_arg a = {NULL, 0, cases[i].timeout_ms, cases[i].want, cases[i].says};
        a.bundle = cdp_60(server.port, &a.len);
        struct measure m = measured(online_check, &a);
        unsigned requests = server_stop(&server);
        printf("# measure cdp-60 (%s): %u requests, %.3f s CPU, peak RSS %ld KiB\n",
               cases[i].file ? cases[i].file : "slow", requests, m.seconds, m.max_rss_kb);
        CHECK(m.code == 0, "%s: the leaf's status and finding (child exit %d)", cases[i].what, m.code);
        CHECK(requests <= cases[i].max_requests, "%s: the server saw %u requests (at most %u)", cases[i].what,
              requests, cases[i].max_requests);
        CHECK(slow || m.max_rss_kb < cases[i].max_rss_kb, "%s: peak RSS %ld KiB (< %ld)", cases[i].what,
              m.max_rss_kb, cases[i].max_rss_kb);
        free((void *)a.bundle);
    }
}

/* ---- passwords ---------------------------------------------------------------------------------- */

/* Scan the heap and anonymous writable mappings (not the stack) for @needle. */
static bool memory_holds(const uint8_t *needle, size_t n)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return false;
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8] = "", pathbuf[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, pathbuf) < 3)
            continue;
        if (perms[0] != 'r' || perms[1] != 'w')
            continue;
        if (pathbuf[0] && strcmp(pathbuf, "[heap]") != 0)
            continue; /* files, [stack], [vvar]... */
        const uint8_t *p = (const uint8_t *)lo;
        found = memmem(p, hi - lo, needle, n) != NULL;
    }
    fclose(f);
    return found;
}

static void password_copies(const char *password)
{
    if (slow) {
        printf("# the heap scan for left-over passwords runs in the plain build only (it reads freed memory)\n");
        return;
    }
    /* The password, built on the stack (never in the heap from our side). */
    char pw[64];
    size_t n = strlen(password);
    memcpy(pw, password, n + 1);
    uint8_t bmp[128];
    for (size_t i = 0; i < n; i++) {
        bmp[2 * i] = 0;
        bmp[2 * i + 1] = (uint8_t)pw[i];
    }
    /* Read the file first (the bytes are in the heap, not the password). */
    int fd = open(path_of("good.pfx"), O_RDONLY);
    uint8_t file[8192];
    ssize_t len = fd >= 0 ? read(fd, file, sizeof file) : -1;
    if (fd >= 0)
        close(fd);
    CHECK(!memory_holds((const uint8_t *)pw, n) && !memory_holds(bmp, 2 * n),
          "before: the password is not in the heap");
    for (int attempt = 0; attempt < 2; attempt++) {
        ucp_input *in = NULL;
        ucp_status st = ucp_input_from_data(&in, file, (size_t)len, "good.pfx", attempt ? "wrong password" : pw);
        ucp_input_free(in);
        CHECK(st == (attempt ? UCP_E_PASSWORD : UCP_OK), "good.pfx read from memory (%s password)",
              attempt ? "a wrong" : "the right");
        ucp_status fst = ucp_input_from_file(&in, path_of("good.pfx"), attempt ? "wrong password" : pw);
        ucp_input_free(in);
        CHECK(fst == st, "and from the file");
    }
    bool utf8 = memory_holds((const uint8_t *)pw, n), ucs2 = memory_holds(bmp, 2 * n);
    CHECK(!utf8, "after: no copy of the password (UTF-8) is left in the heap, freed memory included");
    CHECK(!ucs2, "after: no copy of the password (BMPString, as PKCS#12 derives keys) either");
    explicit_bzero(pw, sizeof pw);
    explicit_bzero(bmp, sizeof bmp);
}

static char *run_cli(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s %s 2>&1", dir, cli, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    struct ucp_buffer_s {
        char *d;
        size_t n;
    } b = {NULL, 0};
    char chunk[4096];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, p)) > 0) {
        char *d = realloc(b.d, b.n + r + 1);
        if (!d)
            break;
        b.d = d;
        memcpy(b.d + b.n, chunk, r);
        b.n += r;
        b.d[b.n] = '\0';
    }
    pclose(p);
    return b.d ? b.d : strdup("");
}

static void cli_never_shows_password(const char *password)
{
    if (!cli)
        return;
    char wrong[] = "Wr0ng-Secret-Value";
    char pwfile[4200], wrongfile[4200];
    snprintf(pwfile, sizeof pwfile, "%s/password.txt", dir);
    snprintf(wrongfile, sizeof wrongfile, "%s/wrong-password.txt", dir);
    FILE *f = fopen(wrongfile, "w");
    if (f) {
        fprintf(f, "%s\n", wrong);
        fclose(f);
    }
    /* Each command, then the password file (right, then wrong). */
    static const char *const cases[] = {
        "check --role exchange-um --fqdn exch01.contoso.com --trust root.pem --at 2026-11-24 --password-file %s good.pfx",
        "check --role exchange-um --fqdn exch01.contoso.com --trust root.pem --at 2026-11-24 --format json --password-file %s good.pfx",
        "check --role exchange-um --trust root.pem --at 2026-11-24 --format json --verbose --password-file %s good.pfx good.pem huge-key-iterations.pfx",
        "check --role edge-av-auth --trust root.pem --password-file %s --same-certificate good.pfx good.pfx",
        "probe --role tls-server --timeout 1 --client-cert good.pfx --password-file %s 127.0.0.1:1",
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE_T(cases); i++) {
        for (int w = 0; w < 2; w++) {
            char args[1024];
            const char *pf = w ? "wrong-password.txt" : "password.txt";
            const char *c0 = cases[i], *mark = strstr(c0, "%s");
            snprintf(args, sizeof args, "%.*s%s%s", (int)(mark - c0), c0, pf, mark + 2);
            char *out = run_cli(args);
            /* Not vacuous: the command ran and talked about its input. */
            CHECK(out && (strstr(out, "good.pfx") || strstr(out, "127.0.0.1")) && !strstr(out, password) &&
                      !strstr(out, wrong),
                  "ucpolicy %.40s... (%s password): the output never shows it", args, w ? "wrong" : "right");
            if (out && !strstr(out, "good.pfx") && !strstr(out, "127.0.0.1"))
                printf("#   output: %.300s\n", out);
            free(out);
        }
    }
    /* The per-file key-derivation budget, as the command says it. */
    char *budget = run_cli("check --role exchange-um --password-file password.txt budget-busting.pfx");
    CHECK(budget && strstr(budget, "ucpolicy: budget-busting.pfx: the PKCS#12 file asks for 71002048 "
                                   "key-derivation iterations in all") &&
              strstr(budget, "the budget of one file is 4000000"),
          "ucpolicy check budget-busting.pfx: refused, naming the file and the budget");
    if (budget && !strstr(budget, "budget of one file"))
        printf("#   output: %.300s\n", budget);
    free(budget);
    /* --password-env: the variable's value is not shown either. */
    setenv("UCP_HOSTILE_PW", wrong, 1);
    char *out = run_cli("check --role exchange-um --format json --password-env UCP_HOSTILE_PW good.pfx");
    CHECK(out && !strstr(out, wrong) && strstr(out, "good.pfx"),
          "ucpolicy --password-env with a wrong password: the error names the file, not the password");
    free(out);
    unsetenv("UCP_HOSTILE_PW");
    unlink(wrongfile);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test-hostile HOSTILE_DIR [UCPOLICY_CLI]\n");
        return TAP_SETUP_FAILURE;
    }
    dir = argv[1];
    static char cli_path[4096];
    cli = argc > 2 && realpath(argv[2], cli_path) ? cli_path : NULL;
    slow = SANITIZED || getenv("UCPOLICY_TEST_MEMCHECK") != NULL;
    signal(SIGPIPE, SIG_IGN);
    const char *password = "Hostile-P@ss w0rd"; /* mkhostile.py's */
    /* The scaling measurements first, while this process's heap is small: their children are
     * forked from it, and copying a large heap on write would be measured with them. */
    many_entries();
    malformed_der();
    size_limits();
    pkcs12(password);
    topologies();
    topology_documents();
    big_inputs();
    names();
    crls();
    online();
    password_copies(password);
    cli_never_shows_password(password);
    return tap_done();
}
