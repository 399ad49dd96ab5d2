/* SPDX-License-Identifier: MIT */
/*
 * The system trust store read from its PEM bundle (trust/systore.c, through the internal twin of
 * the library) gives the anchors GnuTLS gives:
 * - this machine's store: the same certificates (SHA-256 of the DER) under the same raw subjects
 *   as gnutls_x509_trust_list_add_system_trust(), and the checker's system pool is that one;
 * - a bundle made here with odd content (comments, CRLF line ends, a TRUSTED CERTIFICATE block, an
 *   X509 CRL block and text between blocks, an END line with another label, a duplicate, a last
 *   block without a line end): the
 *   same anchors as GnuTLS's reading of the file; a block that does not decode (bad base64) is
 *   skipped, where GnuTLS refuses the whole file, and a truncated certificate and one shaped as
 *   a certificate that does not parse are skipped when a lookup meets them;
 * - a block whose subject lies past the part decoded first is decoded whole and found;
 * - a bundle that cannot be read is an I/O error naming it (the store is then GnuTLS's).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap-gnutls.h"
#include "trust/trust-private.h"

/* One anchor: SHA-256 of its DER and of its raw subject. */
struct anchor {
    uint8_t der[32];
    uint8_t subject[32];
};

struct set {
    struct anchor *a;
    size_t n, cap;
};

static void set_add(struct set *s, const uint8_t *der, size_t len, const uint8_t *subject, size_t subject_len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->a = realloc(s->a, s->cap * sizeof *s->a);
        if (!s->a)
            exit(TAP_SETUP_FAILURE);
    }
    GT(gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, s->a[s->n].der));
    GT(gnutls_hash_fast(GNUTLS_DIG_SHA256, subject, subject_len, s->a[s->n].subject));
    s->n++;
}

static int cmp_anchor(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct anchor));
}

/* Sorted, duplicates removed. */
static void set_finish(struct set *s)
{
    if (s->n)
        qsort(s->a, s->n, sizeof *s->a, cmp_anchor);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (k == 0 || cmp_anchor(&s->a[k - 1], &s->a[i]) != 0)
            s->a[k++] = s->a[i];
    s->n = k;
}

static bool set_equal(const struct set *a, const struct set *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->a, b->a, a->n * sizeof *a->a) == 0);
}

static void from_pool(struct set *s, const struct ucp_pool *pool)
{
    for (size_t i = 0; i < pool->n; i++) {
        const struct ucp_pool_entry *e = &pool->entries[i];
        if (!e->pem.data) {
            set_add(s, e->der.data, e->der.len, e->subject.data, e->subject.len);
            continue;
        }
        uint8_t *der = NULL; /* a bundle's block: as a lookup decodes it */
        size_t len = 0;
        if (ucp_base64_decode_simple(e->pem.data, e->pem.len, &der, &len))
            set_add(s, der, len, e->subject.data, e->subject.len);
        free(der);
    }
    set_finish(s);
}

/* The anchors of a GnuTLS trust list filled by the caller. */
static void from_trust_list(struct set *s, gnutls_x509_trust_list_t tl)
{
    gnutls_x509_trust_list_iter_t iter = NULL;
    gnutls_x509_crt_t crt;
    while (gnutls_x509_trust_list_iter_get_ca(tl, &iter, &crt) >= 0) {
        gnutls_datum_t der = {NULL, 0}, dn = {NULL, 0};
        GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
        GT(gnutls_x509_crt_get_raw_dn(crt, &dn));
        set_add(s, der.data, der.size, dn.data, dn.size);
        gnutls_free(der.data);
        gnutls_free(dn.data);
        gnutls_x509_crt_deinit(crt);
    }
    gnutls_x509_trust_list_iter_deinit(iter);
    set_finish(s);
}

/* GnuTLS's anchors of a PEM file, as its system trust reads the distribution's bundle; the
 * number GnuTLS reports (negative: it refused the file). */
static int gnutls_file(struct set *s, const char *path)
{
    gnutls_x509_trust_list_t tl;
    GT(gnutls_x509_trust_list_init(&tl, 0));
    int ret = gnutls_x509_trust_list_add_trust_file(tl, path, NULL, GNUTLS_X509_FMT_PEM, GNUTLS_TL_NO_DUPLICATES, 0);
    from_trust_list(s, tl);
    gnutls_x509_trust_list_deinit(tl, 1);
    return ret;
}

static void machine_store(void)
{
    const char *file = ucp_system_trust_file();
    if (!file) {
        printf("ok %d # SKIP this machine has no PEM bundle of the system trust store\n", ++tap_points);
        return;
    }
    struct ucp_pool pool;
    ucp_pool_init(&pool);
    ucp_status st = ucp_pool_add_pem_bundle(&pool, file);
    CHECK(st == UCP_OK, "the system bundle %s is read", file);
    struct set ours = {0}, theirs = {0};
    from_pool(&ours, &pool);

    gnutls_x509_trust_list_t tl;
    GT(gnutls_x509_trust_list_init(&tl, 0));
    int ret = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
    from_trust_list(&theirs, tl);
    gnutls_x509_trust_list_deinit(tl, 1);
    if (!CHECK(ret > 0 && ours.n > 0 && set_equal(&ours, &theirs),
               "the bundle's anchors are GnuTLS's system trust: the same certificates under the same subjects"))
        printf("#   ours %zu, GnuTLS's %zu (it returned %d)\n", ours.n, theirs.n, ret);

    /* The checker's system pool is read from the bundle: the same entries. */
    struct ucp_trust trust;
    if (ucp_trust_init(&trust) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    const struct ucp_pool *sys = ucp_trust_system_pool(&trust);
    struct set loaded = {0};
    if (sys)
        from_pool(&loaded, sys);
    CHECK(sys && set_equal(&loaded, &ours), "the trust settings' system pool holds the bundle's anchors");
    ucp_trust_dispose(&trust);
    free(loaded.a);
    free(ours.a);
    free(theirs.a);
    ucp_pool_dispose(&pool);
}

/* ---- a bundle with odd content ------------------------------------------------------------------ */

static const char *fixtures;

static gnutls_datum_t fixture_der(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixtures, rel);
    gnutls_datum_t pem = {NULL, 0}, der = {NULL, 0};
    GT(gnutls_load_file(path, &pem));
    GT(gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der));
    gnutls_free(pem.data);
    return der;
}

/* PEM of @der under @label, with CRLF line ends when @crlf; with @end_label, the END line says
 * that label instead (GnuTLS ends a block at any END line). */
static void put_pem_end(FILE *f, const char *label, const uint8_t *der, size_t len, bool crlf, const char *end_label)
{
    gnutls_datum_t in = {(unsigned char *)der, (unsigned)len}, pem = {NULL, 0};
    GT(gnutls_pem_base64_encode2(label, &in, &pem));
    if (end_label) {
        char *e = strstr((char *)pem.data, "-----END ");
        if (!e)
            exit(TAP_SETUP_FAILURE);
        pem.size = (unsigned)(e - (char *)pem.data);
        fwrite(pem.data, 1, pem.size, f);
        fprintf(f, "-----END %s-----\n", end_label);
        gnutls_free(pem.data);
        return;
    }
    for (unsigned i = 0; i < pem.size; i++) {
        if (crlf && pem.data[i] == '\n')
            fputc('\r', f);
        fputc(pem.data[i], f);
    }
    gnutls_free(pem.data);
}

static void put_pem(FILE *f, const char *label, const uint8_t *der, size_t len, bool crlf)
{
    put_pem_end(f, label, der, len, crlf, NULL);
}

static void write_file(const char *path, bool corrupt, const gnutls_datum_t *a, const gnutls_datum_t *b,
                       const gnutls_datum_t *c, const gnutls_datum_t *d, const uint8_t *fake, size_t fake_len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        exit(TAP_SETUP_FAILURE);
    fputs("# A bundle as distributions write them\n# Issuer: CN=Test Root\n\n", f);
    put_pem(f, "CERTIFICATE", a->data, a->size, false);
    fputs("text between blocks -----\n-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n", f);
    put_pem(f, "CERTIFICATE", b->data, b->size, true);
    put_pem(f, "TRUSTED CERTIFICATE", c->data, c->size, false);
    put_pem_end(f, "CERTIFICATE", d->data, d->size, false, "X509 CERTIFICATE");
    if (corrupt) {
        fputs("-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n", f);
        put_pem(f, "CERTIFICATE", a->data, a->size / 2, false);  /* a truncated certificate */
        put_pem(f, "CERTIFICATE", fake, fake_len, false);         /* shaped as one, does not parse */
        fputs("-----BEGIN CERTIFICATE-----\nMIIB\n", f);          /* no END line: the next block reads */
    }
    put_pem(f, "CERTIFICATE", a->data, a->size, false); /* a duplicate */
    /* The last block without its line end. */
    gnutls_datum_t in = {b->data, b->size}, pem = {NULL, 0};
    GT(gnutls_pem_base64_encode2("CERTIFICATE", &in, &pem));
    fwrite(pem.data, 1, pem.size - 1, f);
    gnutls_free(pem.data);
    fclose(f);
}

/* A DER SEQUENCE header for @len content bytes, at @out; its length. */
static size_t seq_header(uint8_t *out, size_t len)
{
    out[0] = 0x30;
    if (len < 128) {
        out[1] = (uint8_t)len;
        return 2;
    }
    out[1] = 0x82;
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    return 4;
}

static bool count_subject(ucp_certificate *cert, void *data)
{
    (void)cert;
    ++*(size_t *)data;
    return true;
}

static void odd_bundle(void)
{
    gnutls_datum_t a = fixture_der("certs/root.pem"), b = fixture_der("certs/issuing-ca.pem"),
                   c = fixture_der("certs/deep-ca-01.pem"), d = fixture_der("certs/deep-ca-02.pem");
    ucp_certificate *ca = NULL;
    if (ucp_certificate_from_der(&ca, a.data, a.size, "root.pem", 0) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    /* SEQUENCE { SEQUENCE { INTEGER 1, SEQUENCE {}, SEQUENCE {}, SEQUENCE {}, subject of a } }:
     * found by subject, refused by the parser. */
    uint8_t fake[4096], tbs[4096];
    size_t n = 0;
    static const uint8_t head[] = {0x02, 0x01, 0x01, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00};
    memcpy(tbs, head, sizeof head);
    n = sizeof head;
    memcpy(tbs + n, ca->raw_subject.data, ca->raw_subject.len);
    n += ca->raw_subject.len;
    uint8_t h1[4], h2[4];
    size_t l1 = seq_header(h1, n), l2 = seq_header(h2, l1 + n);
    memcpy(fake, h2, l2);
    memcpy(fake + l2, h1, l1);
    memcpy(fake + l2 + l1, tbs, n);
    size_t fake_len = l2 + l1 + n;

    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char odd[4096], clean[4096];
    snprintf(odd, sizeof odd, "%s/ucp-systore-odd-%ld.pem", dir, (long)getpid());
    snprintf(clean, sizeof clean, "%s/ucp-systore-clean-%ld.pem", dir, (long)getpid());
    write_file(odd, true, &a, &b, &c, &d, fake, fake_len);
    write_file(clean, false, &a, &b, &c, &d, fake, fake_len);

    struct ucp_pool pool;
    ucp_pool_init(&pool);
    CHECK(ucp_pool_add_pem_bundle(&pool, odd) == UCP_OK, "the odd bundle is read");
    struct set ours = {0}, theirs = {0}, want = {0}, full = {0};
    from_pool(&ours, &pool);
    int ret = gnutls_file(&theirs, clean);
    set_add(&want, a.data, a.size, ca->raw_subject.data, ca->raw_subject.len);
    gnutls_x509_crt_t crt;
    gnutls_datum_t dn = {NULL, 0};
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_import(crt, &b, GNUTLS_X509_FMT_DER));
    GT(gnutls_x509_crt_get_raw_dn(crt, &dn));
    set_add(&want, b.data, b.size, dn.data, dn.size);
    set_add(&want, fake, fake_len, ca->raw_subject.data, ca->raw_subject.len);
    /* The truncated copy of a: its subject lies in the part decoded at loading. */
    set_add(&want, a.data, a.size / 2, ca->raw_subject.data, ca->raw_subject.len);
    gnutls_free(dn.data);
    gnutls_x509_crt_deinit(crt);
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER));
    GT(gnutls_x509_crt_get_raw_dn(crt, &dn));
    set_add(&want, d.data, d.size, dn.data, dn.size);
    gnutls_free(dn.data);
    gnutls_x509_crt_deinit(crt);
    set_finish(&want);
    if (!CHECK(ret > 0 && theirs.n == 3, "GnuTLS reads the three certificates of the bundle without corrupt blocks"))
        printf("#   GnuTLS returned %d, %zu anchors\n", ret, theirs.n);
    /* Ours: the same three, the block shaped as a certificate and the truncated one, whose
     * subjects lie in what was decoded (both skipped when met, below). */
    CHECK(set_equal(&ours, &want) && pool.n == 5,
          "comments, CRLF, TRUSTED CERTIFICATE and CRL blocks, text, another END label, a duplicate: the "
          "anchors GnuTLS reads, corrupt blocks skipped");
    struct ucp_pool clean_pool;
    ucp_pool_init(&clean_pool);
    struct set ours_clean = {0};
    CHECK(ucp_pool_add_pem_bundle(&clean_pool, clean) == UCP_OK, "the bundle without corrupt blocks is read");
    from_pool(&ours_clean, &clean_pool);
    CHECK(set_equal(&ours_clean, &theirs), "without corrupt blocks: exactly GnuTLS's anchors");
    int full_ret = gnutls_file(&full, odd);
    printf("# GnuTLS on the bundle with corrupt blocks: %d, %zu anchors\n", full_ret, full.n);

    /* A lookup of a's subject meets a, the truncated a and the block that does not parse: only a
     * is a candidate. */
    size_t candidates = 0;
    ucp_pool_each_subject(&pool, &ca->raw_subject, count_subject, &candidates);
    CHECK(candidates == 1, "a block shaped as a certificate that does not parse is skipped when met (%zu)",
          candidates);
    CHECK(ucp_pool_contains_entity(&pool, ca), "the root is in the pool read from the bundle");

    /* A bundle that cannot be read. */
    char missing[4096];
    snprintf(missing, sizeof missing, "%s/ucp-systore-missing-%ld.pem", dir, (long)getpid());
    struct ucp_pool empty;
    ucp_pool_init(&empty);
    ucp_status st = ucp_pool_add_pem_bundle(&empty, missing);
    const ucp_error *e = ucp_error_last();
    CHECK(st == UCP_E_IO && e && strstr(ucp_error_message(e), missing) && empty.n == 0,
          "a bundle that cannot be read is an I/O error naming it, nothing added");
    st = ucp_pool_add_pem_bundle(&empty, dir);
    CHECK(st == UCP_E_IO && empty.n == 0, "a directory is not a bundle");
    ucp_error_clear();

    remove(odd);
    remove(clean);
    free(ours.a);
    free(theirs.a);
    free(want.a);
    free(full.a);
    free(ours_clean.a);
    ucp_pool_dispose(&pool);
    ucp_pool_dispose(&clean_pool);
    ucp_pool_dispose(&empty);
    ucp_certificate_unref(ca);
    gnutls_free(a.data);
    gnutls_free(b.data);
    gnutls_free(c.data);
    gnutls_free(d.data);
}

/* A block whose subject lies past the part decoded first (a long issuer name): decoded whole to
 * find it, then indexed under it. */
static void subject_past_head(void)
{
    gnutls_datum_t a = fixture_der("certs/root.pem");
    ucp_certificate *ca = NULL;
    if (ucp_certificate_from_der(&ca, a.data, a.size, "root.pem", 0) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    /* SEQUENCE { SEQUENCE { INTEGER 1, SEQUENCE {}, issuer SEQUENCE { OCTET STRING (1,000) },
     * SEQUENCE {}, subject of the root } } */
    static uint8_t tbs[2048], fake[2100];
    size_t n = 0;
    static const uint8_t head[] = {0x02, 0x01, 0x01, 0x30, 0x00, 0x30, 0x82, 0x03, 0xec, 0x04, 0x82, 0x03, 0xe8};
    memcpy(tbs, head, sizeof head);
    n = sizeof head;
    memset(tbs + n, 'x', 1000);
    n += 1000;
    tbs[n++] = 0x30;
    tbs[n++] = 0x00;
    memcpy(tbs + n, ca->raw_subject.data, ca->raw_subject.len);
    n += ca->raw_subject.len;
    uint8_t h1[4], h2[4];
    size_t l1 = seq_header(h1, n), l2 = seq_header(h2, l1 + n);
    memcpy(fake, h2, l2);
    memcpy(fake + l2, h1, l1);
    memcpy(fake + l2 + l1, tbs, n);
    size_t fake_len = l2 + l1 + n;

    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/ucp-systore-long-%ld.pem", dir, (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        exit(TAP_SETUP_FAILURE);
    put_pem(f, "CERTIFICATE", fake, fake_len, false);
    fclose(f);
    struct ucp_pool pool;
    ucp_pool_init(&pool);
    CHECK(ucp_pool_add_pem_bundle(&pool, path) == UCP_OK && pool.n == 1 &&
              pool.entries[0].subject.len == ca->raw_subject.len &&
              memcmp(pool.entries[0].subject.data, ca->raw_subject.data, ca->raw_subject.len) == 0,
          "a subject past the first 768 bytes is found (the block decoded whole)");
    remove(path);
    ucp_pool_dispose(&pool);
    ucp_certificate_unref(ca);
    gnutls_free(a.data);
}

int main(void)
{
    fixtures = getenv("UCPOLICY_FIXTURES");
    if (!fixtures) {
        fprintf(stderr, "UCPOLICY_FIXTURES is not set\n");
        return TAP_SETUP_FAILURE;
    }
    gnutls_global_init();
    machine_store();
    odd_bundle();
    subject_past_head();
    printf("1..%d\n", tap_points);
    gnutls_global_deinit();
    return tap_failures ? 1 : 0;
}
