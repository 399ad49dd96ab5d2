/* SPDX-License-Identifier: MIT */
/*
 * CRLs as the library holds them (trust/crl.c, through the internal twin of the library) and the
 * checker's cache of fetched CRLs (trust/crlcache.c):
 * - the index: thisUpdate and nextUpdate as GnuTLS reads them, every entry found by serial
 *   (INTEGER semantics: a positive serial's leading zero octets do not count, a negative one is
 *   another number), unsorted entries, the revocation dates, the crlExtensions and an entry's
 *   extensions reachable; the memory held, close to the DER;
 * - the signature, against GnuTLS's own verification (gnutls_x509_crl_verify) for RSA PKCS#1
 *   v1.5 (SHA-256 and SHA-1), RSA-PSS (two salt lengths), ECDSA and Ed25519, a flipped bit, another
 *   key under the same name, and two signature algorithms that differ;
 * - the issuer: the CRL's and the CA's names compare as RFC 5280 7.1 says (another string type,
 *   case and spaces do not count), byte for byte first;
 * - PEM with several blocks, and the errors (each names the file and what is wrong);
 * - the scope (trust/crlscope.c): issuingDistributionPoint names against the certificate's
 *   distribution points (full and relative names), onlyContains* flags, onlySomeReasons and the
 *   point's reasons, indirect CRLs of a cRLIssuer, certificateIssuer entries (carried over, a
 *   serial listed for two CAs), unknown critical CRL and entry extensions, deltaCRLIndicator, a
 *   malformed IDP; which delta CRL applies to a complete CRL (base number, scope, issuer,
 *   signer, currency, the newest) and an entry's reasonCode;
 * - the cache: eviction by bytes, least recently used first; an entry over the budget is not
 *   kept; failures and other issuers' CRLs kept small, for the issuer they concern; and 8 threads
 *   sharing it under a lock as checks do, each using the CRLs it got while others evict them
 *   (every reference given back: valgrind, ASan and TSan see the rest).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap-gnutls.h"
#include "trust/trust-private.h"

static const time_t T0 = 1795521600; /* 2026-11-24T12:00:00Z */

/* ---- a small PKI made with GnuTLS -------------------------------------------------------------- */

struct ca {
    gnutls_x509_privkey_t key;
    gnutls_privkey_t priv;
    gnutls_x509_crt_t crt;
    ucp_certificate *cert;
};

static ucp_certificate *to_cert(gnutls_x509_crt_t crt, const char *name)
{
    gnutls_datum_t der = {NULL, 0};
    GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
    ucp_certificate *c = NULL;
    if (ucp_certificate_from_der(&c, der.data, der.size, name, 0) != UCP_OK) {
        fprintf(stderr, "%s: %s\n", name, ucp_error_message(ucp_error_last()));
        exit(TAP_SETUP_FAILURE);
    }
    gnutls_free(der.data);
    return c;
}

static gnutls_x509_crt_t make_crt(const char *dn, const uint8_t *serial, size_t serial_len, gnutls_x509_privkey_t key,
                                  gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key, bool ca)
{
    gnutls_x509_crt_t crt;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    GT(gnutls_x509_crt_set_serial(crt, serial, serial_len));
    GT(gnutls_x509_crt_set_activation_time(crt, T0 - 86400 * 30));
    GT(gnutls_x509_crt_set_expiration_time(crt, T0 + 86400 * 300));
    GT(gnutls_x509_crt_set_dn(crt, dn, NULL));
    GT(gnutls_x509_crt_set_key(crt, key));
    GT(gnutls_x509_crt_set_basic_constraints(crt, ca, -1));
    if (ca) {
        unsigned char id[64];
        size_t id_len = sizeof id;
        GT(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN));
        GT(gnutls_x509_privkey_get_key_id(key, 0, id, &id_len));
        GT(gnutls_x509_crt_set_subject_key_id(crt, id, id_len));
    }
    gnutls_x509_privkey_t signer = issuer_key ? issuer_key : key;
    gnutls_digest_algorithm_t dig =
        gnutls_x509_privkey_get_pk_algorithm(signer) == GNUTLS_PK_EDDSA_ED25519 ? GNUTLS_DIG_SHA512 : GNUTLS_DIG_SHA256;
    GT(gnutls_x509_crt_sign2(crt, issuer ? issuer : crt, signer, dig, 0));
    return crt;
}

static void make_ca(struct ca *ca, gnutls_pk_algorithm_t pk, unsigned bits, const char *dn)
{
    static const uint8_t serial[] = {0x01};
    GT(gnutls_x509_privkey_init(&ca->key));
    GT(gnutls_x509_privkey_generate(ca->key, pk, bits, 0));
    GT(gnutls_privkey_init(&ca->priv));
    GT(gnutls_privkey_import_x509(ca->priv, ca->key, 0));
    gnutls_x509_crt_t made = make_crt(dn, serial, sizeof serial, ca->key, NULL, NULL, true);
    /* GnuTLS's verification compares the names as encoded: use the certificate as read back. */
    gnutls_datum_t der = {NULL, 0};
    GT(gnutls_x509_crt_export2(made, GNUTLS_X509_FMT_DER, &der));
    GT(gnutls_x509_crt_init(&ca->crt));
    GT(gnutls_x509_crt_import(ca->crt, &der, GNUTLS_X509_FMT_DER));
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(made);
    ca->cert = to_cert(ca->crt, dn);
}

static void free_ca(struct ca *ca)
{
    gnutls_privkey_deinit(ca->priv);
    gnutls_x509_privkey_deinit(ca->key);
    gnutls_x509_crt_deinit(ca->crt);
    ucp_certificate_unref(ca->cert);
}

/* A leaf of @ca with the serial @serial (INTEGER contents as GnuTLS writes them). */
static ucp_certificate *leaf(const struct ca *ca, const uint8_t *serial, size_t n)
{
    gnutls_x509_privkey_t key;
    GT(gnutls_x509_privkey_init(&key));
    GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
    gnutls_x509_crt_t crt = make_crt("CN=leaf.contoso.com", serial, n, key, ca->crt, ca->key, false);
    ucp_certificate *c = to_cert(crt, "leaf");
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    return c;
}

/* A CRL of @ca listing @n serials (each @len octets: @serials[i*len...]) signed with @priv (the CA's
 * own key, or another for a bad signature) with @dig. */
static gnutls_x509_crl_t gnutls_crl(const struct ca *ca, gnutls_privkey_t priv, gnutls_digest_algorithm_t dig,
                                    const uint8_t *serials, size_t len, size_t n)
{
    gnutls_x509_crl_t crl;
    GT(gnutls_x509_crl_init(&crl));
    GT(gnutls_x509_crl_set_version(crl, 2));
    GT(gnutls_x509_crl_set_this_update(crl, T0 - 86400));
    GT(gnutls_x509_crl_set_next_update(crl, T0 + 86400 * 7));
    for (size_t i = 0; i < n; i++)
        GT(gnutls_x509_crl_set_crt_serial(crl, serials + i * len, len, T0 - 3600 * (time_t)(i + 1)));
    static const uint8_t number[] = {0x2a};
    GT(gnutls_x509_crl_set_number(crl, number, sizeof number));
    GT(gnutls_x509_crl_privkey_sign(crl, ca->crt, priv ? priv : ca->priv, dig, 0));
    return crl;
}

static uint8_t *export_crl(gnutls_x509_crl_t crl, size_t *len)
{
    gnutls_datum_t der = {NULL, 0};
    GT(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER, &der));
    uint8_t *p = malloc(der.size);
    if (!p)
        exit(TAP_SETUP_FAILURE);
    memcpy(p, der.data, der.size);
    *len = der.size;
    gnutls_free(der.data);
    return p;
}

static struct ucp_crl *parse(uint8_t *der, size_t len, const char *what)
{
    struct ucp_crl *c = NULL;
    if (ucp_crl_from_der(der, len, what, &c) != UCP_OK) {
        printf("# %s: %s\n", what, ucp_error_message(ucp_error_last()));
        return NULL;
    }
    return c;
}

/* GnuTLS's verdict on @der signed by @ca (the reference: what the library asked GnuTLS before it
 * held CRLs itself; GnuTLS also flags a superseded or future CRL, which is not a signature
 * matter). */
static bool reference_verifies(const uint8_t *der, size_t len, const struct ca *ca)
{
    gnutls_x509_crl_t crl;
    GT(gnutls_x509_crl_init(&crl));
    gnutls_datum_t d = {(unsigned char *)der, (unsigned)len};
    unsigned verify = 0;
    int ret = gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER);
    if (ret >= 0)
        ret = gnutls_x509_crl_verify(crl, &ca->crt, 1,
                                     GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                                         GNUTLS_VERIFY_ALLOW_BROKEN | GNUTLS_VERIFY_DISABLE_CA_SIGN,
                                     &verify);
    gnutls_x509_crl_deinit(crl);
    if (ret < 0)
        return false;
    const unsigned time_bits = GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED | GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE;
    unsigned rest = verify & ~time_bits;
    if (rest == GNUTLS_CERT_INVALID && (verify & time_bits))
        rest = 0;
    return rest == 0;
}

/* ---- a DER writer for CRLs GnuTLS will not write ------------------------------------------------ */

struct buf {
    uint8_t p[4096];
    size_t n;
};

static void put(struct buf *b, const void *data, size_t n)
{
    if (b->n + n > sizeof b->p)
        exit(TAP_SETUP_FAILURE);
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_tlv(struct buf *b, uint8_t tag, const struct buf *content)
{
    uint8_t h[4] = {tag};
    size_t k = 1;
    if (content->n < 0x80) {
        h[k++] = (uint8_t)content->n;
    } else {
        h[k++] = 0x82;
        h[k++] = (uint8_t)(content->n >> 8);
        h[k++] = (uint8_t)content->n;
    }
    put(b, h, k);
    put(b, content->p, content->n);
}

static void put_raw_tlv(struct buf *b, uint8_t tag, const void *data, size_t n)
{
    struct buf c = {.n = 0};
    put(&c, data, n);
    put_tlv(b, tag, &c);
}

static const uint8_t ecdsa_sha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};

/* How a hand-made CRL is signed: the AlgorithmIdentifier written (outside the signed part, and
 * inside it unless @tbs_alg says otherwise), and what signs it. */
struct signing {
    const uint8_t *alg;
    size_t alg_len;
    const uint8_t *tbs_alg; /* NULL: alg */
    size_t tbs_alg_len;
    gnutls_privkey_t priv;
    gnutls_sign_algorithm_t sign;
    const struct buf *issuer; /* the issuer Name written (a whole SEQUENCE); NULL: the CA's subject */
};

/* A CRL of @ca whose entries are @entries (already encoded; NULL: none) and crlExtensions
 * @crl_exts (NULL: none), signed as @how says (NULL: ECDSA-SHA256 with the CA's key). */
static uint8_t *hand_crl(const struct ca *ca, const struct buf *entries, const struct buf *crl_exts,
                         const struct signing *how, size_t *len)
{
    struct signing dflt = {ecdsa_sha256, sizeof ecdsa_sha256, NULL, 0, ca->priv, GNUTLS_SIGN_ECDSA_SHA256, NULL};
    if (!how)
        how = &dflt;
    struct buf tbs_body = {.n = 0}, tbs = {.n = 0}, outer = {.n = 0}, whole = {.n = 0};
    const uint8_t v2[] = {0x01};
    put_raw_tlv(&tbs_body, 0x02, v2, 1);
    if (how->tbs_alg)
        put(&tbs_body, how->tbs_alg, how->tbs_alg_len);
    else
        put(&tbs_body, how->alg, how->alg_len);
    if (how->issuer) {
        put(&tbs_body, how->issuer->p, how->issuer->n);
    } else {
        gnutls_datum_t dn = {NULL, 0};
        GT(gnutls_x509_crt_get_raw_dn(ca->crt, &dn));
        put(&tbs_body, dn.data, dn.size);
        gnutls_free(dn.data);
    }
    put_raw_tlv(&tbs_body, 0x17, "261123120000Z", 13);
    put_raw_tlv(&tbs_body, 0x17, "261201120000Z", 13);
    if (entries)
        put_tlv(&tbs_body, 0x30, entries);
    if (crl_exts)
        put_tlv(&tbs_body, 0xa0, crl_exts);
    put_tlv(&tbs, 0x30, &tbs_body);
    gnutls_datum_t d = {tbs.p, (unsigned)tbs.n}, sig = {NULL, 0};
    GT(gnutls_privkey_sign_data2(how->priv, how->sign, 0, &d, &sig));
    put(&outer, tbs.p, tbs.n);
    put(&outer, how->alg, how->alg_len);
    struct buf bits = {.n = 0};
    put(&bits, "", 1);
    put(&bits, sig.data, sig.size);
    gnutls_free(sig.data);
    put_tlv(&outer, 0x03, &bits);
    put_tlv(&whole, 0x30, &outer);
    uint8_t *p = malloc(whole.n);
    if (!p)
        exit(TAP_SETUP_FAILURE);
    memcpy(p, whole.p, whole.n);
    *len = whole.n;
    return p;
}

/* One revokedCertificate: the INTEGER contents @serial, revoked at 2026-11-20, with a
 * reasonCode extension when @reason >= 0. */
static void put_entry(struct buf *entries, const uint8_t *serial, size_t n, int reason)
{
    struct buf e = {.n = 0};
    put_raw_tlv(&e, 0x02, serial, n);
    put_raw_tlv(&e, 0x17, "261120000000Z", 13);
    if (reason >= 0) {
        /* SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED reason } } } */
        const uint8_t ext[] = {0x30, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x04, 0x0a, 0x02, 0x00,
                               (uint8_t)reason};
        /* (the ENUMERATED is written with a leading zero octet: 0a 02 00 NN) */
        put(&e, ext, sizeof ext);
    }
    put_tlv(entries, 0x30, &e);
}

/* ---- the index ---------------------------------------------------------------------------------- */

static void index_and_lookup(const struct ca *ca)
{
    /* 1,000 serials of 16 octets, written in a shuffled order, and the leaf's among them. */
    enum { N = 1000 };
    static uint8_t serials[N * 16];
    for (size_t i = 0; i < N; i++) {
        size_t k = (i * 7919) % N; /* a permutation: 7919 is prime to 1000 */
        uint8_t *s = serials + i * 16;
        memset(s, 0x11, 16);
        s[14] = (uint8_t)(k >> 8);
        s[15] = (uint8_t)k;
    }
    gnutls_x509_crl_t g = gnutls_crl(ca, NULL, GNUTLS_DIG_SHA256, serials, 16, N);
    size_t len;
    uint8_t *der = export_crl(g, &len);
    struct ucp_crl *crl = parse(der, len, "index.crl");
    if (!CHECK(crl, "a CRL of 1,000 entries written by GnuTLS is read"))
        return;
    CHECK(crl->nentries == N, "its 1,000 entries are indexed (%zu)", crl->nentries);
    CHECK(crl->this_update == (int64_t)gnutls_x509_crl_get_this_update(g) &&
              crl->next_update == (int64_t)gnutls_x509_crl_get_next_update(g),
          "thisUpdate and nextUpdate are GnuTLS's");
    bool sorted = true;
    for (size_t i = 1; i < crl->nentries; i++) {
        const struct ucp_crl_entry *a = &crl->entries[i - 1], *b = &crl->entries[i];
        if (a->serial_len > b->serial_len ||
            (a->serial_len == b->serial_len &&
             memcmp(crl->der + a->off + a->serial_at, crl->der + b->off + b->serial_at, a->serial_len) > 0))
            sorted = false;
    }
    CHECK(sorted, "the entries, written out of order, are sorted by serial");
    size_t held = ucp_crl_size(crl);
    CHECK(held <= len + N * sizeof(struct ucp_crl_entry) + 512,
          "the memory held is the DER plus 16 bytes an entry: %zu bytes for a %zu-byte CRL", held, len);
    printf("# measure: a CRL of %zu bytes and %d entries holds %zu bytes\n", len, N, held);
    CHECK(crl->exts_len > 0 && crl->der[crl->exts_off] == 0x30, "the crlExtensions (CRL number) are reachable");

    /* Each listed serial is found, with its revocation date; one not listed is not. */
    size_t found = 0, dates = 0;
    for (size_t i = 0; i < N; i += 97) {
        ucp_certificate *c = leaf(ca, serials + i * 16, 16);
        const struct ucp_crl_entry *e = ucp_crl_find(crl, c);
        found += e != NULL;
        dates += e && e->date == (int64_t)(T0 - 3600 * (time_t)(i + 1));
        ucp_certificate_unref(c);
    }
    CHECK(found == 11 && dates == 11, "listed serials are found (%zu of 11) with their revocation dates (%zu)", found,
          dates);
    uint8_t other[16];
    memset(other, 0x11, sizeof other);
    other[14] = 0x7f;
    ucp_certificate *c = leaf(ca, other, sizeof other);
    CHECK(!ucp_crl_find(crl, c), "a serial not listed is not found");
    ucp_certificate_unref(c);
    CHECK(ucp_crl_signed_by(crl, ca->cert), "the CRL verifies with its CA's key");
    CHECK(atomic_load(&crl->memo) == 2 && memcmp(crl->verified_key, ucp_certificate_key_id(ca->cert), 32) == 0,
          "and the key it verified with is remembered (the next check does not hash it again)");
    CHECK(ucp_crl_signed_by(crl, ca->cert), "the remembered verification answers the same");
    ucp_crl_release(crl);
    gnutls_x509_crl_deinit(g);
}

static void integer_semantics(const struct ca *ca)
{
    struct buf entries = {.n = 0};
    const uint8_t e1[] = {0x00, 0x00, 0x05}; /* 5, with redundant zero octets */
    const uint8_t e2[] = {0xff};             /* -1: not 255 */
    const uint8_t e3[] = {0x00, 0xc8};       /* 200 */
    put_entry(&entries, e1, sizeof e1, 1);
    put_entry(&entries, e2, sizeof e2, -1);
    put_entry(&entries, e3, sizeof e3, -1);
    size_t len;
    uint8_t *der = hand_crl(ca, &entries, NULL, NULL, &len);
    struct ucp_crl *crl = parse(der, len, "integers.crl");
    if (!CHECK(crl && crl->nentries == 3, "a CRL with a non-minimal and a negative serial is read"))
        return;
    const uint8_t s5[] = {0x05}, s255[] = {0x00, 0xff}, s200[] = {0x00, 0xc8}, s6[] = {0x06};
    struct {
        const uint8_t *serial;
        size_t n;
        bool listed;
        const char *what;
    } cases[] = {
        {s5, sizeof s5, true, "serial 5 matches the entry 00 00 05 (leading zero octets do not count)"},
        {s255, sizeof s255, false, "serial 255 (00 FF) does not match the entry FF, which is -1"},
        {s200, sizeof s200, true, "serial 200 (00 C8) matches the entry 00 C8"},
        {s6, sizeof s6, false, "serial 6 is not listed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ucp_certificate *c = leaf(ca, cases[i].serial, cases[i].n);
        CHECK((ucp_crl_find(crl, c) != NULL) == cases[i].listed, "%s", cases[i].what);
        ucp_certificate_unref(c);
    }
    ucp_certificate *c = leaf(ca, s5, sizeof s5);
    const struct ucp_crl_entry *e = ucp_crl_find(crl, c);
    const uint8_t *ext = NULL;
    size_t ext_len = 0;
    CHECK(e && ucp_crl_entry_extensions(crl, e, &ext, &ext_len) && ext_len == 15 && ext[0] == 0x30 &&
              ext[14] == 1,
          "the entry's extensions (reasonCode keyCompromise) are reachable from the index");
    ucp_certificate_unref(c);
    CHECK(ucp_crl_signed_by(crl, ca->cert), "the hand-made CRL verifies");
    ucp_crl_release(crl);

    /* The signature algorithm inside the signed part differs from the outer one. */
    static const uint8_t ecdsa_sha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
    struct signing mismatch = {ecdsa_sha256, sizeof ecdsa_sha256, ecdsa_sha384, sizeof ecdsa_sha384, ca->priv,
                               GNUTLS_SIGN_ECDSA_SHA256, NULL};
    der = hand_crl(ca, NULL, NULL, &mismatch, &len);
    crl = parse(der, len, "mismatch.crl");
    CHECK(crl && !ucp_crl_signed_by(crl, ca->cert),
          "a CRL whose inner and outer signature algorithms differ is not taken as signed");
    ucp_crl_release(crl);
}

/* ---- signatures against GnuTLS's verification ----------------------------------------------------- */

/* RSASSA-PSS AlgorithmIdentifiers (RFC 4055): SHA-256, MGF1-SHA-256, salt 32; SHA-384,
 * MGF1-SHA-384, salt 20. */
static const uint8_t pss_sha256_32[] = {
    0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0, 0x0f,
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c,
    0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
static const uint8_t pss_sha384_20[] = {
    0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0, 0x0f,
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa1, 0x1c,
    0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x14};

/* @ca's private key restricted to RSA-PSS with @dig and @salt (what GnuTLS signs PSS with). */
static gnutls_privkey_t pss_key(const struct ca *ca, gnutls_digest_algorithm_t dig, unsigned salt)
{
    gnutls_privkey_t priv;
    gnutls_x509_spki_t spki;
    gnutls_x509_privkey_t copy; /* the restriction would reach the CA's own key otherwise */
    GT(gnutls_x509_privkey_init(&copy));
    GT(gnutls_x509_privkey_cpy(copy, ca->key));
    GT(gnutls_privkey_init(&priv));
    GT(gnutls_privkey_import_x509(priv, copy, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE));
    GT(gnutls_x509_spki_init(&spki));
    gnutls_x509_spki_set_rsa_pss_params(spki, dig, salt);
    GT(gnutls_privkey_set_spki(priv, spki, 0));
    gnutls_x509_spki_deinit(spki);
    return priv;
}

static void signatures(struct ca *rsa, struct ca *rsa_pss, struct ca *ec, struct ca *ed)
{
    static const uint8_t serial[] = {0x42};
    gnutls_privkey_t pss32 = pss_key(rsa, GNUTLS_DIG_SHA256, 32), pss20 = pss_key(rsa, GNUTLS_DIG_SHA384, 20);
    struct signing hand_pss32 = {pss_sha256_32, sizeof pss_sha256_32, NULL, 0, pss32, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, NULL};
    struct signing hand_pss20 = {pss_sha384_20, sizeof pss_sha384_20, NULL, 0, pss20, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, NULL};
    struct {
        struct ca *ca;
        gnutls_digest_algorithm_t dig;
        const struct signing *hand; /* NULL: written by GnuTLS's CRL writer */
        const char *what;
        bool no_reference; /* GnuTLS's CRL verification is known to refuse it */
    } cases[] = {
        {rsa, GNUTLS_DIG_SHA256, NULL, "RSA PKCS#1 v1.5 SHA-256", false},
        {rsa, GNUTLS_DIG_SHA1, NULL, "RSA PKCS#1 v1.5 SHA-1", false},
        {rsa, GNUTLS_DIG_SHA256, &hand_pss32, "RSA-PSS SHA-256 salt 32, by an rsaEncryption key", false},
        {rsa, GNUTLS_DIG_SHA384, &hand_pss20, "RSA-PSS SHA-384 salt 20, by an rsaEncryption key", false},
        /* GnuTLS 3.7 writes this CRL, and OpenSSL verifies it, but gnutls_x509_crl_verify reports
         * a signature failure (certtool --verify-crl too): no reference for it. */
        {rsa_pss, GNUTLS_DIG_SHA256, NULL, "RSA-PSS by an RSA-PSS key (GnuTLS's parameters)", true},
        {ec, GNUTLS_DIG_SHA384, NULL, "ECDSA P-256 SHA-384", false},
        {ed, GNUTLS_DIG_SHA512, NULL, "Ed25519", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ca *ca = cases[i].ca;
        size_t len;
        uint8_t *der;
        if (cases[i].hand) {
            der = hand_crl(ca, NULL, NULL, cases[i].hand, &len);
        } else {
            gnutls_x509_crl_t g = gnutls_crl(ca, NULL, cases[i].dig, serial, sizeof serial, 1);
            der = export_crl(g, &len);
            gnutls_x509_crl_deinit(g);
        }
        bool ref = reference_verifies(der, len, ca);
        uint8_t *copy = malloc(len);
        if (!copy)
            exit(TAP_SETUP_FAILURE);
        memcpy(copy, der, len);
        struct ucp_crl *crl = parse(der, len, cases[i].what);
        bool ours = crl && ucp_crl_signed_by(crl, ca->cert);
        if (cases[i].no_reference)
            CHECK(ours, "%s: verifies (%s; GnuTLS's CRL verification says %s)", cases[i].what, ours ? "yes" : "no",
                  ref ? "yes" : "no");
        else
            CHECK(ours && ref, "%s: verifies (%s), as GnuTLS says (%s)", cases[i].what, ours ? "yes" : "no",
                  ref ? "yes" : "no");
        if (crl) {
            /* A flipped bit in the signature value. */
            copy[crl->sig_off + crl->sig_len / 2] ^= 0x01;
            bool ref_bad = reference_verifies(copy, len, ca);
            struct ucp_crl *bad = parse(copy, len, "flipped");
            copy = NULL;
            CHECK(bad && !ucp_crl_signed_by(bad, ca->cert) && (!ref_bad || cases[i].no_reference),
                  "%s: a flipped bit in the signature fails, as with GnuTLS", cases[i].what);
            ucp_crl_release(bad);
        }
        free(copy);
        ucp_crl_release(crl);
    }
    /* GnuTLS's verification does not hold a PSS signature to the salt length of the parameters
     * (the signature carries its salt); neither does the library, so that what verified before
     * still does. */
    struct signing lying = {pss_sha256_32, sizeof pss_sha256_32, NULL, 0, pss_key(rsa, GNUTLS_DIG_SHA256, 20),
                            GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, NULL};
    size_t len;
    uint8_t *der = hand_crl(rsa, NULL, NULL, &lying, &len);
    bool ref = reference_verifies(der, len, rsa);
    struct ucp_crl *crl = parse(der, len, "salt.crl");
    bool ours = crl && ucp_crl_signed_by(crl, rsa->cert);
    CHECK(crl && ours == ref,
          "RSA-PSS: a signature with salt 20 under parameters saying 32 is judged as GnuTLS judges it (%s, %s)",
          ours ? "verifies" : "fails", ref ? "verifies" : "fails");
    ucp_crl_release(crl);
    gnutls_privkey_deinit(lying.priv);
    gnutls_privkey_deinit(pss32);
    gnutls_privkey_deinit(pss20);

    /* Another key under the same name: the name matches, the signature does not. */
    struct ca impostor;
    make_ca(&impostor, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), "CN=Test CRL CA EC");
    gnutls_x509_crl_t g = gnutls_crl(&impostor, NULL, GNUTLS_DIG_SHA256, serial, sizeof serial, 1);
    der = export_crl(g, &len);
    gnutls_x509_crl_deinit(g);
    ref = reference_verifies(der, len, ec);
    crl = parse(der, len, "impostor.crl");
    CHECK(crl && ucp_crl_issuer_is(crl, ec->cert) && !ucp_crl_signed_by(crl, ec->cert) && !ref,
          "a CRL naming the CA but signed by another key does not verify, as with GnuTLS");
    CHECK(crl && atomic_load(&crl->memo) == 0, "and nothing is remembered for it");
    CHECK(crl && !ucp_crl_signed_by(crl, rsa->cert) && !ucp_crl_issuer_is(crl, rsa->cert),
          "nor is it taken for another CA's");
    char *shown = crl ? ucp_crl_issuer_text(crl) : NULL;
    CHECK_STR(shown, "CN=Test CRL CA EC", "its issuer reads as text for messages");
    free(shown);
    ucp_crl_release(crl);
    free_ca(&impostor);
}

/* The Name SEQUENCE { SET { SEQUENCE { id-at-commonName, @tag @cn } } }. */
static void put_cn_name(struct buf *name, uint8_t tag, const char *cn)
{
    struct buf atv = {.n = 0}, seq = {.n = 0}, set = {.n = 0};
    const uint8_t oid[] = {0x06, 0x03, 0x55, 0x04, 0x03};
    put(&atv, oid, sizeof oid);
    put_raw_tlv(&atv, tag, cn, strlen(cn));
    put_tlv(&seq, 0x30, &atv);
    put_tlv(&set, 0x31, &seq);
    put_tlv(name, 0x30, &set);
}

/* RFC 5280 6.3.3 (b), 7.1: the CRL's issuer is the certificate's issuer when the names compare
 * equal, not only when their bytes do (a CA that re-encoded its name, PKITS 4.3.10). */
static void issuer_names(const struct ca *ec)
{
    struct {
        uint8_t tag;
        const char *cn;
        bool same;
        const char *what;
    } cases[] = {
        {0x13, "Test CRL CA EC", true, "a PrintableString issuer name is the UTF8String subject"},
        {0x0c, "  test crl   ca ec ", true, "case and spaces do not count"},
        {0x0c, "Test CRL CA ED", false, "another name is another issuer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf name = {.n = 0};
        put_cn_name(&name, cases[i].tag, cases[i].cn);
        struct signing how = {ecdsa_sha256, sizeof ecdsa_sha256, NULL, 0, ec->priv, GNUTLS_SIGN_ECDSA_SHA256, &name};
        size_t len;
        uint8_t *der = hand_crl(ec, NULL, NULL, &how, &len);
        struct ucp_crl *crl = parse(der, len, cases[i].what);
        CHECK(crl && ucp_crl_issuer_is(crl, ec->cert) == cases[i].same &&
                  ucp_crl_signed_by(crl, ec->cert) == cases[i].same,
              "CRL issuer: %s", cases[i].what);
        ucp_crl_release(crl);
    }
}

/* ---- scope: issuingDistributionPoint, cRLIssuer, reasons, unknown critical extensions ------------ */

static const uint8_t oid_idp[] = {0x55, 0x1d, 0x1c}, oid_delta[] = {0x55, 0x1d, 0x1b},
                     oid_cert_issuer[] = {0x55, 0x1d, 0x1d}, oid_unknown[] = {0x69, 0x01}; /* 2.25.1 */

/* Extension ::= SEQUENCE { extnID, critical, extnValue OCTET STRING { @value } } */
static void put_ext(struct buf *exts, const uint8_t *oid, size_t oid_len, bool critical, const struct buf *value)
{
    struct buf e = {.n = 0};
    put_raw_tlv(&e, 0x06, oid, oid_len);
    if (critical)
        put_raw_tlv(&e, 0x01, "\xff", 1);
    put_tlv(&e, 0x04, value);
    put_tlv(exts, 0x30, &e);
}

/* The crlExtensions SEQUENCE with one extension. */
static struct buf one_ext(const uint8_t *oid, size_t oid_len, bool critical, const struct buf *value)
{
    struct buf exts = {.n = 0}, seq = {.n = 0};
    put_ext(&exts, oid, oid_len, critical, value);
    put_tlv(&seq, 0x30, &exts);
    return seq;
}

/* An IDP value: SEQUENCE { @dp_name (a DistributionPointName TLV, or none), @flags (the [1]..[5]
 * fields, already encoded) } */
static struct buf idp(const struct buf *dp_name, const struct buf *flags)
{
    struct buf body = {.n = 0}, v = {.n = 0};
    if (dp_name)
        put_tlv(&body, 0xa0, dp_name);
    if (flags)
        put(&body, flags->p, flags->n);
    put_tlv(&v, 0x30, &body);
    return v;
}

/* fullName [0] { uniformResourceIdentifier [6] @uri } */
static struct buf full_uri(const char *uri)
{
    struct buf g = {.n = 0}, n = {.n = 0};
    put_raw_tlv(&g, 0x86, uri, strlen(uri));
    put_tlv(&n, 0xa0, &g);
    return n;
}

/* fullName [0] { directoryName [4] @name } */
static struct buf full_dn(const struct buf *name)
{
    struct buf g = {.n = 0}, n = {.n = 0};
    put_tlv(&g, 0xa4, name);
    put_tlv(&n, 0xa0, &g);
    return n;
}

static struct buf raw_dn(const struct ca *ca)
{
    struct buf b = {.n = 0};
    gnutls_datum_t dn = {NULL, 0};
    GT(gnutls_x509_crt_get_raw_dn(ca->crt, &dn));
    put(&b, dn.data, dn.size);
    gnutls_free(dn.data);
    return b;
}

/* AttributeTypeAndValue CN=@cn (UTF8String) */
static void put_cn_atv(struct buf *b, const char *cn)
{
    struct buf atv = {.n = 0};
    const uint8_t oid[] = {0x06, 0x03, 0x55, 0x04, 0x03};
    put(&atv, oid, sizeof oid);
    put_raw_tlv(&atv, 0x0c, cn, strlen(cn));
    put_tlv(b, 0x30, &atv);
}

/* CRLDistributionPoints with one point: @name (a DistributionPointName TLV, or none), @reasons
 * (the ReasonFlags octets after the unused-bits octet, or none) and @crl_issuer (a Name, or none). */
static struct buf crldp(const struct buf *name, const uint8_t *reasons, size_t nreasons, const struct buf *crl_issuer)
{
    struct buf dp = {.n = 0}, seq = {.n = 0}, all = {.n = 0};
    if (name)
        put_tlv(&dp, 0xa0, name);
    if (reasons) {
        struct buf bits = {.n = 0};
        put(&bits, "\0", 1);
        put(&bits, reasons, nreasons);
        put_tlv(&dp, 0x81, &bits);
    }
    if (crl_issuer) {
        struct buf g = {.n = 0}, gs = {.n = 0};
        put_tlv(&g, 0xa4, crl_issuer);
        put(&gs, g.p, g.n);
        put_tlv(&dp, 0xa2, &gs);
    }
    put_tlv(&seq, 0x30, &dp);
    put_tlv(&all, 0x30, &seq);
    return all;
}

/* A certificate of @ca with serial @serial, a CA when @is_ca, with @dp as its CRL distribution
 * points extension (NULL: none). */
static ucp_certificate *scoped_cert(const struct ca *ca, uint8_t serial, bool is_ca, const struct buf *dp)
{
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    GT(gnutls_x509_privkey_init(&key));
    GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    GT(gnutls_x509_crt_set_serial(crt, &serial, 1));
    GT(gnutls_x509_crt_set_activation_time(crt, T0 - 86400 * 30));
    GT(gnutls_x509_crt_set_expiration_time(crt, T0 + 86400 * 300));
    GT(gnutls_x509_crt_set_dn(crt, is_ca ? "CN=Scoped Sub CA" : "CN=scoped.contoso.com", NULL));
    GT(gnutls_x509_crt_set_key(crt, key));
    GT(gnutls_x509_crt_set_basic_constraints(crt, is_ca, -1));
    if (dp)
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.31", dp->p, dp->n, 0));
    GT(gnutls_x509_crt_sign2(crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
    ucp_certificate *c = to_cert(crt, "scoped");
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    return c;
}

/* A CRL named as issued by @issuer_name (NULL: @ca's name), signed by @ca, with @exts (the
 * Extensions SEQUENCE, or NULL) and @entries. */
static struct ucp_crl *scoped_crl(const struct ca *ca, const struct buf *issuer_name, const struct buf *exts,
                                  const struct buf *entries, const char *what)
{
    struct signing how = {ecdsa_sha256, sizeof ecdsa_sha256, NULL, 0, ca->priv, GNUTLS_SIGN_ECDSA_SHA256, issuer_name};
    size_t len;
    uint8_t *der = hand_crl(ca, entries, exts, &how, &len);
    return parse(der, len, what);
}

static enum ucp_crl_cover covers(const struct ucp_crl *crl, const ucp_certificate *cert, const struct ca *ca,
                                 unsigned *reasons, bool *indirect)
{
    unsigned r = 0;
    bool ind = false;
    const char *why = NULL;
    enum ucp_crl_cover c = crl ? ucp_crl_covers(crl, cert, ca->cert, &r, &ind, &why) : UCP_CRL_OTHER_ISSUER;
    if (c == UCP_CRL_OUT_OF_SCOPE)
        printf("# not covered: %s\n", why ? why : "(no reason given)");
    if (reasons)
        *reasons = r;
    if (indirect)
        *indirect = ind;
    return c;
}

static void scope(const struct ca *ca, const struct ca *other)
{
    ucp_certificate *ee = scoped_cert(ca, 0x21, false, NULL), *sub = scoped_cert(ca, 0x22, true, NULL);
    unsigned reasons = 0;
    bool indirect = true;

    /* No IDP: the CRL covers every certificate of its issuer, for every reason. */
    struct ucp_crl *crl = scoped_crl(ca, NULL, NULL, NULL, "no-idp.crl");
    CHECK(covers(crl, ee, ca, &reasons, &indirect) == UCP_CRL_COVERS && reasons == UCP_REASONS_ALL && !indirect,
          "scope: a CRL without issuingDistributionPoint covers its issuer's certificates for every reason");
    CHECK(covers(crl, ee, other, NULL, NULL) == UCP_CRL_OTHER_ISSUER,
          "scope: it says nothing of another CA's certificates");
    ucp_crl_release(crl);

    /* onlyContainsUserCerts, onlyContainsCACerts, onlyContainsAttributeCerts */
    struct {
        uint8_t tag;
        bool ee, ca;
        const char *what;
    } only[] = {
        {0x81, true, false, "onlyContainsUserCerts covers an end entity, not a CA"},
        {0x82, false, true, "onlyContainsCACerts covers a CA, not an end entity"},
        {0x85, false, false, "onlyContainsAttributeCerts covers neither"},
    };
    for (size_t i = 0; i < sizeof only / sizeof only[0]; i++) {
        struct buf flags = {.n = 0};
        put_raw_tlv(&flags, only[i].tag, "\xff", 1);
        struct buf v = idp(NULL, &flags), exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
        crl = scoped_crl(ca, NULL, &exts, NULL, only[i].what);
        CHECK(crl && (covers(crl, ee, ca, NULL, NULL) == UCP_CRL_COVERS) == only[i].ee &&
                  (covers(crl, sub, ca, NULL, NULL) == UCP_CRL_COVERS) == only[i].ca &&
                  covers(crl, ee, ca, NULL, NULL) != UCP_CRL_OTHER_ISSUER,
              "scope: %s", only[i].what);
        CHECK(crl && !ucp_crl_scope(crl)->unknown[0], "scope: a critical issuingDistributionPoint is recognised");
        ucp_crl_release(crl);
    }

    /* The distribution point name: the IDP's must be one of the certificate's. */
    struct buf a = full_uri("http://crl.contoso.com/a.crl"), b = full_uri("http://crl.contoso.com/b.crl");
    struct buf dp_a = crldp(&a, NULL, 0, NULL), dp_b = crldp(&b, NULL, 0, NULL);
    ucp_certificate *ee_a = scoped_cert(ca, 0x23, false, &dp_a), *ee_b = scoped_cert(ca, 0x24, false, &dp_b);
    struct buf v = idp(&a, NULL), exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
    crl = scoped_crl(ca, NULL, &exts, NULL, "idp-a.crl");
    CHECK(covers(crl, ee_a, ca, NULL, NULL) == UCP_CRL_COVERS,
          "scope: an IDP naming the certificate's distribution point covers it");
    CHECK(covers(crl, ee_b, ca, NULL, NULL) == UCP_CRL_OUT_OF_SCOPE,
          "scope: an IDP naming another distribution point does not (the CRL is its issuer's, out of scope)");
    CHECK(covers(crl, ee, ca, NULL, NULL) == UCP_CRL_OUT_OF_SCOPE,
          "scope: nor a certificate without distribution points, when the IDP names a URI");
    ucp_crl_release(crl);

    /* A certificate without distribution points: an IDP naming its issuer covers it. */
    struct buf issuer_dn = raw_dn(ca), by_dn = full_dn(&issuer_dn);
    v = idp(&by_dn, NULL);
    exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
    crl = scoped_crl(ca, NULL, &exts, NULL, "idp-issuer.crl");
    CHECK(covers(crl, ee, ca, NULL, NULL) == UCP_CRL_COVERS,
          "scope: an IDP naming the issuer covers a certificate without distribution points");
    ucp_crl_release(crl);

    /* nameRelativeToCRLIssuer in the certificate, the full name in the IDP (and the other way). */
    struct buf rdn = {.n = 0}, rel = {.n = 0}, set = {.n = 0}, full_name = {.n = 0};
    put_cn_atv(&rdn, "CRL1");
    put_tlv(&rel, 0xa1, &rdn);
    {
        /* the issuer's Name contents, then SET { CN=CRL1 } */
        struct buf body = {.n = 0};
        size_t hdr = issuer_dn.p[1] & 0x80 ? 2 + (issuer_dn.p[1] & 0x7f) : 2;
        put(&body, issuer_dn.p + hdr, issuer_dn.n - hdr);
        put_tlv(&set, 0x31, &rdn);
        put(&body, set.p, set.n);
        put_tlv(&full_name, 0x30, &body);
    }
    struct buf rel_full = full_dn(&full_name), dp_rel = crldp(&rel, NULL, 0, NULL);
    ucp_certificate *ee_rel = scoped_cert(ca, 0x25, false, &dp_rel);
    v = idp(&rel_full, NULL);
    exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
    crl = scoped_crl(ca, NULL, &exts, NULL, "idp-full.crl");
    CHECK(covers(crl, ee_rel, ca, NULL, NULL) == UCP_CRL_COVERS,
          "scope: a relative name in the certificate's distribution point, after its issuer's name, is the IDP's "
          "full name");
    CHECK(covers(crl, ee_a, ca, NULL, NULL) == UCP_CRL_OUT_OF_SCOPE, "scope: and another point is not");
    ucp_crl_release(crl);
    v = idp(&rel, NULL);
    exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
    crl = scoped_crl(ca, NULL, &exts, NULL, "idp-relative.crl");
    CHECK(covers(crl, ee_rel, ca, NULL, NULL) == UCP_CRL_COVERS,
          "scope: a relative name in the IDP, after the CRL issuer's name, matches too");
    ucp_crl_release(crl);

    /* onlySomeReasons, and the distribution point's reasons. */
    struct buf flags = {.n = 0};
    put_raw_tlv(&flags, 0x83, "\x05\x60", 2); /* keyCompromise, cACompromise */
    v = idp(NULL, &flags);
    exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
    crl = scoped_crl(ca, NULL, &exts, NULL, "some-reasons.crl");
    bool some = covers(crl, ee, ca, &reasons, NULL) == UCP_CRL_COVERS;
    CHECK(some && reasons == 0x06,
          "scope: onlySomeReasons keyCompromise, cACompromise covers those two (0x%x)", reasons);
    const uint8_t kc[] = {0x40}, superseded[] = {0x08};
    struct buf dp_kc = crldp(NULL, kc, sizeof kc, NULL), dp_sup = crldp(NULL, superseded, sizeof superseded, NULL);
    ucp_certificate *ee_kc = scoped_cert(ca, 0x26, false, &dp_kc), *ee_sup = scoped_cert(ca, 0x27, false, &dp_sup);
    some = covers(crl, ee_kc, ca, &reasons, NULL) == UCP_CRL_COVERS;
    CHECK(some && reasons == 0x02,
          "scope: with a distribution point for keyCompromise only, that one (0x%x)", reasons);
    CHECK(covers(crl, ee_sup, ca, NULL, NULL) == UCP_CRL_OUT_OF_SCOPE,
          "scope: a point for superseded only has no reason in common: not covered");
    ucp_crl_release(crl);

    /* Indirect CRLs: issued by another CA that the distribution point names as cRLIssuer. */
    struct buf other_dn = raw_dn(other), dp_ind = crldp(NULL, NULL, 0, &other_dn);
    ucp_certificate *ee_ind = scoped_cert(ca, 0x28, false, &dp_ind);
    struct buf ind_flags = {.n = 0};
    put_raw_tlv(&ind_flags, 0x84, "\xff", 1);
    v = idp(NULL, &ind_flags);
    exts = one_ext(oid_idp, sizeof oid_idp, true, &v);
    crl = scoped_crl(ca, &other_dn, &exts, NULL, "indirect.crl");
    CHECK(covers(crl, ee_ind, ca, NULL, &indirect) == UCP_CRL_COVERS && indirect,
          "scope: an indirect CRL of the point's cRLIssuer covers the certificate, as an indirect CRL");
    CHECK(covers(crl, ee, ca, NULL, NULL) == UCP_CRL_OTHER_ISSUER,
          "scope: it says nothing of a certificate that does not name its issuer as cRLIssuer");
    ucp_crl_release(crl);
    crl = scoped_crl(ca, &other_dn, NULL, NULL, "not-indirect.crl");
    CHECK(covers(crl, ee_ind, ca, NULL, NULL) == UCP_CRL_OUT_OF_SCOPE,
          "scope: a CRL of the cRLIssuer that is not marked indirectCRL does not cover it");
    ucp_crl_release(crl);

    /* certificateIssuer: entries belong to the CA it names, from that entry on. */
    struct buf entries = {.n = 0}, ci = {.n = 0}, ci_names = {.n = 0}, ci_exts = {.n = 0}, ci_seq = {.n = 0};
    put_tlv(&ci_names, 0xa4, &issuer_dn);
    put_tlv(&ci, 0x30, &ci_names);
    put_ext(&ci_exts, oid_cert_issuer, sizeof oid_cert_issuer, true, &ci);
    put_tlv(&ci_seq, 0x30, &ci_exts);
    const uint8_t s5 = 0x05, s6 = 0x06, s7 = 0x07, s9 = 0x09;
    put_entry(&entries, &s5, 1, -1); /* the CRL issuer's (other) */
    put_entry(&entries, &s9, 1, -1);
    {
        struct buf e = {.n = 0};
        put_raw_tlv(&e, 0x02, &s6, 1);
        put_raw_tlv(&e, 0x17, "261120000000Z", 13);
        put(&e, ci_seq.p, ci_seq.n);
        put_tlv(&entries, 0x30, &e);
    }
    put_entry(&entries, &s7, 1, -1); /* still ca's */
    put_entry(&entries, &s5, 1, -1); /* ca's serial 5 */
    crl = scoped_crl(ca, &other_dn, &exts, &entries, "certificate-issuer.crl");
    CHECK(crl && ucp_crl_scope(crl)->certificate_issuer && ucp_crl_scope(crl)->indirect && !ucp_crl_scope(crl)->unknown[0],
          "scope: a critical certificateIssuer entry extension is recognised");
    const struct ucp_bytes ca_name = {issuer_dn.p, issuer_dn.n}, other_name = {other_dn.p, other_dn.n};
    ucp_certificate *c5 = scoped_cert(ca, 0x05, false, NULL), *c6 = scoped_cert(ca, 0x06, false, NULL),
                    *c7 = scoped_cert(ca, 0x07, false, NULL), *c9 = scoped_cert(ca, 0x09, false, NULL);
    CHECK(crl && ucp_crl_find_issued(crl, c6, &ca_name) && ucp_crl_find_issued(crl, c7, &ca_name),
          "scope: entries after a certificateIssuer naming the CA revoke its certificates");
    CHECK(crl && !ucp_crl_find_issued(crl, c9, &ca_name) && ucp_crl_find_issued(crl, c9, &other_name),
          "scope: an entry before it is the CRL issuer's, not the CA's");
    CHECK(crl && ucp_crl_find_issued(crl, c5, &ca_name) && ucp_crl_find_issued(crl, c5, &other_name),
          "scope: a serial listed for both issuers is found for each");
    ucp_crl_release(crl);
    ucp_certificate_unref(c5);
    ucp_certificate_unref(c6);
    ucp_certificate_unref(c7);
    ucp_certificate_unref(c9);

    /* Unknown critical extensions, of the CRL and of an entry; delta CRLs. */
    struct buf null = {.n = 0};
    put(&null, "\x05\x00", 2);
    exts = one_ext(oid_unknown, sizeof oid_unknown, true, &null);
    crl = scoped_crl(ca, NULL, &exts, NULL, "unknown-critical.crl");
    CHECK(crl && strcmp(ucp_crl_scope(crl)->unknown, "2.25.1") == 0 && !ucp_crl_scope(crl)->unknown_in_entry,
          "scope: a critical CRL extension of an unknown OID is found (%s)", crl ? ucp_crl_scope(crl)->unknown : "");
    ucp_crl_release(crl);
    exts = one_ext(oid_unknown, sizeof oid_unknown, false, &null);
    crl = scoped_crl(ca, NULL, &exts, NULL, "unknown-noncritical.crl");
    CHECK(crl && !ucp_crl_scope(crl)->unknown[0], "scope: a non-critical one does not count");
    ucp_crl_release(crl);
    struct buf entries2 = {.n = 0}, ue = {.n = 0}, ue_seq = {.n = 0};
    put_ext(&ue, oid_unknown, sizeof oid_unknown, true, &null);
    put_tlv(&ue_seq, 0x30, &ue);
    {
        struct buf e = {.n = 0};
        put_raw_tlv(&e, 0x02, &s6, 1);
        put_raw_tlv(&e, 0x17, "261120000000Z", 13);
        put(&e, ue_seq.p, ue_seq.n);
        put_tlv(&entries2, 0x30, &e);
    }
    crl = scoped_crl(ca, NULL, NULL, &entries2, "unknown-entry.crl");
    CHECK(crl && strcmp(ucp_crl_scope(crl)->unknown, "2.25.1") == 0 && ucp_crl_scope(crl)->unknown_in_entry,
          "scope: a critical CRL entry extension of an unknown OID is found");
    ucp_crl_release(crl);
    struct buf base = {.n = 0};
    put_raw_tlv(&base, 0x02, "\x01", 1);
    exts = one_ext(oid_delta, sizeof oid_delta, true, &base);
    crl = scoped_crl(ca, NULL, &exts, NULL, "delta.crl");
    CHECK(crl && ucp_crl_scope(crl)->delta && !ucp_crl_scope(crl)->unknown[0], "scope: a deltaCRLIndicator marks a delta CRL");
    ucp_crl_release(crl);

    /* A malformed IDP: the CRL is its issuer's, but covers nothing. */
    struct buf bad = {.n = 0};
    put(&bad, "\x30\x03\x81\x01", 4);
    exts = one_ext(oid_idp, sizeof oid_idp, true, &bad);
    crl = scoped_crl(ca, NULL, &exts, NULL, "bad-idp.crl");
    CHECK(crl && ucp_crl_scope(crl)->malformed && covers(crl, ee, ca, NULL, NULL) == UCP_CRL_OUT_OF_SCOPE,
          "scope: a malformed issuingDistributionPoint covers nothing");
    ucp_crl_release(crl);

    ucp_certificate_unref(ee);
    ucp_certificate_unref(sub);
    ucp_certificate_unref(ee_a);
    ucp_certificate_unref(ee_b);
    ucp_certificate_unref(ee_rel);
    ucp_certificate_unref(ee_kc);
    ucp_certificate_unref(ee_sup);
    ucp_certificate_unref(ee_ind);
}

/* Delta CRLs: which applies to a complete CRL (ucp_crl_delta_for), and an entry's reasonCode. */
static void deltas(const struct ca *ca, const struct ca *other)
{
    static const uint8_t oid_number[] = {0x55, 0x1d, 0x14};
    struct crl_spec {
        int number, base; /* -1: none */
        bool idp, other_issuer, stale;
    } specs[] = {
        {7, -1, false, false, false}, /* 0: the complete CRL */
        {8, 7, false, false, false},  /* 1: its delta */
        {9, 6, false, false, false},  /* 2: a later delta on an older base: applies, and is the newest */
        {10, 8, false, false, false}, /* 3: based on a newer complete CRL: does not apply */
        {11, 7, true, false, false},  /* 4: another scope */
        {12, 7, false, true, false},  /* 5: another issuer */
    };
    enum { N = sizeof specs / sizeof specs[0] };
    struct ucp_crl *v[N];
    struct buf other_dn = raw_dn(other);
    for (size_t i = 0; i < N; i++) {
        struct buf exts = {.n = 0}, seq = {.n = 0}, num = {.n = 0}, base = {.n = 0};
        uint8_t nb = (uint8_t)specs[i].number;
        put_raw_tlv(&num, 0x02, &nb, 1);
        put_ext(&exts, oid_number, sizeof oid_number, false, &num);
        if (specs[i].base >= 0) {
            uint8_t bb = (uint8_t)specs[i].base;
            put_raw_tlv(&base, 0x02, &bb, 1);
            put_ext(&exts, oid_delta, sizeof oid_delta, true, &base);
        }
        if (specs[i].idp) {
            struct buf flags = {.n = 0};
            put_raw_tlv(&flags, 0x81, "\xff", 1);
            struct buf value = idp(NULL, &flags);
            put_ext(&exts, oid_idp, sizeof oid_idp, true, &value);
        }
        put_tlv(&seq, 0x30, &exts);
        struct buf entries = {.n = 0};
        const uint8_t s6 = 0x06;
        put_entry(&entries, &s6, 1, i == 1 ? 8 : 6); /* removeFromCRL in the delta, certificateHold */
        v[i] = scoped_crl(ca, specs[i].other_issuer ? &other_dn : NULL, &seq, &entries, "delta");
        if (!v[i])
            exit(TAP_SETUP_FAILURE);
    }
    CHECK(ucp_crl_scope(v[0])->number_len == 1 && !ucp_crl_scope(v[0])->delta && ucp_crl_scope(v[1])->delta && ucp_crl_scope(v[1])->base_len == 1,
          "delta: cRLNumber and BaseCRLNumber are read");
    const int64_t now = (int64_t)T0;
    CHECK(ucp_crl_delta_for(v, 2, v[0], ca->cert, now) == v[1], "delta: the delta based on the complete CRL applies");
    CHECK(ucp_crl_delta_for(v, 3, v[0], ca->cert, now) == v[2], "delta: of two that apply, the newest");
    CHECK(ucp_crl_delta_for(v + 3, 3, v[0], ca->cert, now) == NULL && ucp_crl_delta_for(v, 1, v[0], ca->cert, now) == NULL,
          "delta: none based on a newer complete CRL, of another scope or of another issuer applies");
    CHECK(ucp_crl_delta_for(v, 2, v[0], other->cert, now) == NULL, "delta: nor one its signer did not sign");
    CHECK(ucp_crl_delta_for(v, 2, v[0], ca->cert, now + 86400 * 30) == NULL, "delta: nor one that is not current");
    CHECK(ucp_crl_delta_for(v, 2, v[1], ca->cert, now) == NULL, "delta: a delta CRL is not a base");
    const struct ucp_crl_entry *e0 = v[0]->nentries ? &v[0]->entries[0] : NULL,
                               *e1 = v[1]->nentries ? &v[1]->entries[0] : NULL;
    CHECK(e0 && e1 && ucp_crl_entry_reason(v[0], e0) == 6 && ucp_crl_entry_reason(v[1], e1) == 8,
          "delta: the entries' reasonCode (certificateHold, removeFromCRL) are read");
    for (size_t i = 0; i < N; i++)
        ucp_crl_release(v[i]);
}

/* ---- files, PEM and errors ------------------------------------------------------------------------ */

static void files(const struct ca *ca)
{
    static const uint8_t serial[] = {0x42};
    gnutls_x509_crl_t g = gnutls_crl(ca, NULL, GNUTLS_DIG_SHA256, serial, sizeof serial, 1);
    gnutls_datum_t pem = {NULL, 0};
    GT(gnutls_x509_crl_export2(g, GNUTLS_X509_FMT_PEM, &pem));
    size_t der_len;
    uint8_t *der = export_crl(g, &der_len);
    gnutls_x509_crl_deinit(g);

    struct ucp_crl_set set = {0};
    char two[8192];
    int n = snprintf(two, sizeof two, "a comment\n%.*s\n%.*s", (int)pem.size, pem.data, (int)pem.size, pem.data);
    ucp_status st = ucp_crl_set_load(&set, (const uint8_t *)two, (size_t)n, "two.pem");
    CHECK(st == UCP_OK && set.n == 2, "a PEM file with two CRL blocks gives two CRLs (%zu)", set.n);
    CHECK(set.n == 2 && ucp_crl_signed_by(set.v[1], ca->cert) && strcmp(set.v[1]->source, "two.pem") == 0,
          "each verifies and is named after its file");
    ucp_crl_set_dispose(&set);

    /* A second block whose base64 is broken: an error naming the file and the block, nothing added. */
    n = snprintf(two, sizeof two, "%.*s-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n", (int)pem.size,
                 pem.data);
    st = ucp_crl_set_load(&set, (const uint8_t *)two, (size_t)n, "broken.pem");
    CHECK(st == UCP_E_CORRUPT && set.n == 0, "a PEM file whose second block is broken adds nothing (%d, %zu)", st,
          set.n);
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "broken.pem: not a valid PEM CRL: block 2",
                   "and the error names the file and the block");
    gnutls_free(pem.data);

    struct {
        const char *what;
        size_t cut; /* bytes of the DER kept (0: all) */
        const char *extra;
        ucp_status want;
        const char *says;
    } bad[] = {
        {"a truncated CRL", 40, NULL, UCP_E_CORRUPT, "truncated CRL: the structure declares"},
        {"trailing garbage", 0, "garbage", UCP_E_CORRUPT, "7 bytes of trailing data after the CRL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t buf[4096];
        size_t len = bad[i].cut ? bad[i].cut : der_len;
        memcpy(buf, der, len);
        if (bad[i].extra) {
            memcpy(buf + len, bad[i].extra, strlen(bad[i].extra));
            len += strlen(bad[i].extra);
        }
        st = ucp_crl_set_load(&set, buf, len, "bad.crl");
        CHECK(st == bad[i].want && set.n == 0, "%s is refused (%d)", bad[i].what, st);
        CHECK_CONTAINS(ucp_error_message(ucp_error_last()), bad[i].says, "%s: the message says so", bad[i].what);
        CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "bad.crl", "%s: and names the file", bad[i].what);
    }
    memcpy(two, der, der_len);
    memcpy(two + der_len, "\r\n\0", 3);
    CHECK(ucp_crl_set_load(&set, (const uint8_t *)two, der_len + 3, "padded.crl") == UCP_OK && set.n == 1,
          "white space and zero octets after the DER are accepted");
    ucp_crl_set_dispose(&set);
    free(der);

    st = ucp_crl_set_load(&set, (const uint8_t *)"not a CRL", 9, "text.crl");
    CHECK(st == UCP_E_FORMAT, "text is not a CRL: UCP_E_FORMAT (%d)", st);
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "text.crl: not a CRL in PEM or DER form",
                   "and the message says so");
    st = ucp_crl_set_load(&set, (const uint8_t *)"", 0, "empty.crl");
    CHECK(st == UCP_E_FORMAT, "an empty file is refused");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "empty.crl: the CRL file is empty", "saying it is empty");

    /* An entry whose revocation date is not a time: the message names the entry. */
    struct buf entries = {.n = 0}, e = {.n = 0};
    const uint8_t s1[] = {0x01}, s2[] = {0x02};
    put_entry(&entries, s1, sizeof s1, -1);
    put_raw_tlv(&e, 0x02, s2, sizeof s2);
    put_raw_tlv(&e, 0x17, "2611200000Z", 11); /* no seconds */
    put_tlv(&entries, 0x30, &e);
    size_t len;
    uint8_t *hand = hand_crl(ca, &entries, NULL, NULL, &len);
    st = ucp_crl_set_load(&set, hand, len, "entry.crl");
    CHECK(st == UCP_E_CORRUPT, "a CRL with an unreadable entry is refused");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()),
                   "entry.crl: revoked-certificate entry 2 of the CRL cannot be read: its revocation date",
                   "the message names the file, the entry and what is wrong");
    free(hand);

    /* crlExtensions that are not a SEQUENCE. */
    struct buf exts = {.n = 0};
    put_raw_tlv(&exts, 0x04, "x", 1);
    hand = hand_crl(ca, NULL, &exts, NULL, &len);
    st = ucp_crl_set_load(&set, hand, len, "exts.crl");
    CHECK(st == UCP_E_CORRUPT, "a CRL whose extensions are malformed is refused");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "exts.crl: the CRL's extensions cannot be read",
                   "the message says which part");
    free(hand);
    ucp_crl_set_dispose(&set);
}

/* ---- the cache ---------------------------------------------------------------------------------------- */

static struct ucp_crl *crl_of(const struct ca *ca, size_t entries)
{
    static uint8_t serials[4000 * 4];
    for (size_t i = 0; i < entries; i++) {
        serials[i * 4] = 0x10;
        serials[i * 4 + 1] = 0;
        serials[i * 4 + 2] = (uint8_t)(i >> 8);
        serials[i * 4 + 3] = (uint8_t)i;
    }
    gnutls_x509_crl_t g = gnutls_crl(ca, NULL, GNUTLS_DIG_SHA256, serials, 4, entries);
    size_t len;
    uint8_t *der = export_crl(g, &len);
    gnutls_x509_crl_deinit(g);
    struct ucp_crl *c = parse(der, len, "http://127.0.0.1/x.crl");
    if (!c)
        exit(TAP_SETUP_FAILURE);
    return c;
}

static bool cached(struct ucp_crl_cache *cache, const char *url, const uint8_t *issuer_id)
{
    struct ucp_fetch_found f;
    bool hit = ucp_crl_cache_get(cache, url, issuer_id, &f);
    ucp_fetch_found_dispose(&f);
    return hit;
}

static void cache_lru(const struct ca *ca, const struct ca *other)
{
    struct ucp_crl *a = crl_of(ca, 2000), *b = crl_of(ca, 2000), *c = crl_of(ca, 2000), *d = crl_of(ca, 2000);
    const uint8_t *id = ca->cert->sha256_raw, *other_id = other->cert->sha256_raw;
    /* What one entry costs: the CRL and a little for the URL and the entry itself. */
    struct ucp_crl_cache cache;
    ucp_crl_cache_init(&cache, SIZE_MAX);
    ucp_crl_cache_put(&cache, "http://a/", UCP_FETCH_CRL, a, id, NULL);
    size_t one = cache.bytes;
    CHECK(one >= ucp_crl_size(a) && one < ucp_crl_size(a) + 256, "an entry counts its CRL (%zu bytes) and %zu more",
          ucp_crl_size(a), one - ucp_crl_size(a));
    ucp_crl_cache_dispose(&cache);
    /* Room for three such entries, not four (the CRLs differ by a byte or two: ECDSA signatures
     * vary in length). */
    size_t extra = one - ucp_crl_size(a);
    ucp_crl_cache_init(&cache, ucp_crl_size(a) + ucp_crl_size(b) + ucp_crl_size(c) + 3 * extra + 64);
    ucp_crl_cache_put(&cache, "http://a/", UCP_FETCH_CRL, a, id, NULL);
    ucp_crl_cache_put(&cache, "http://b/", UCP_FETCH_CRL, b, id, NULL);
    ucp_crl_cache_put(&cache, "http://c/", UCP_FETCH_CRL, c, id, NULL);
    CHECK(cache.n == 3 && cache.bytes == cache.budget - 64,
          "three CRLs of about %zu bytes fit a budget of %zu (%zu entries, %zu bytes)", one, cache.budget, cache.n,
          cache.bytes);
    CHECK(cached(&cache, "http://a/", id), "the first is found (and becomes the most recently used)");
    ucp_crl_cache_put(&cache, "http://d/", UCP_FETCH_CRL, d, id, NULL);
    CHECK(cache.n == 3 && cache.bytes <= cache.budget, "a fourth evicts one: 3 entries, %zu bytes of %zu",
          cache.bytes, cache.budget);
    CHECK(!cached(&cache, "http://b/", id) && cached(&cache, "http://a/", id) && cached(&cache, "http://c/", id) &&
              cached(&cache, "http://d/", id),
          "the least recently used one went (b), not the oldest inserted (a)");

    struct ucp_fetch_found f;
    CHECK(ucp_crl_cache_get(&cache, "http://a/", id, &f) && f.outcome == UCP_FETCH_CRL && f.crl == a,
          "a hit gives the CRL itself, with a reference");
    ucp_crl_cache_dispose(&cache);
    CHECK(ucp_crl_signed_by(f.crl, ca->cert) && f.crl->nentries == 2000,
          "which outlives the cache that held it (a check still using an evicted CRL)");
    ucp_fetch_found_dispose(&f);

    /* Evicted by bytes, not by count: one big CRL pushes out several small ones. */
    struct ucp_crl *big = crl_of(ca, 4000), *small = crl_of(ca, 10);
    ucp_crl_cache_init(&cache, SIZE_MAX);
    ucp_crl_cache_put(&cache, "http://small/0", UCP_FETCH_CRL, small, id, NULL);
    size_t small_entry = cache.bytes;
    ucp_crl_cache_put(&cache, "http://big/000", UCP_FETCH_CRL, big, id, NULL);
    size_t big_entry = cache.bytes - small_entry;
    ucp_crl_cache_dispose(&cache);
    ucp_crl_cache_init(&cache, big_entry + 2 * small_entry);
    char url[64];
    for (int i = 0; i < 4; i++) {
        snprintf(url, sizeof url, "http://small/%d", i);
        ucp_crl_cache_put(&cache, url, UCP_FETCH_CRL, small, id, NULL);
    }
    CHECK(cache.n == 4, "four small CRLs fit");
    ucp_crl_cache_put(&cache, "http://big/000", UCP_FETCH_CRL, big, id, NULL);
    CHECK(cache.n == 3 && cache.bytes == cache.budget && cached(&cache, "http://big/000", id) &&
              cached(&cache, "http://small/3", id) && cached(&cache, "http://small/2", id) &&
              !cached(&cache, "http://small/1", id) && !cached(&cache, "http://small/0", id),
          "one big CRL evicts the two least recently used small ones: %zu entries, %zu of %zu bytes", cache.n,
          cache.bytes, cache.budget);
    ucp_crl_cache_dispose(&cache);

    /* Over the budget on its own: never kept, and nothing else is evicted for it. */
    ucp_crl_cache_init(&cache, big_entry - 1);
    ucp_crl_cache_put(&cache, "http://small/", UCP_FETCH_CRL, small, id, NULL);
    ucp_crl_cache_put(&cache, "http://big/000", UCP_FETCH_CRL, big, id, NULL);
    CHECK(!cached(&cache, "http://big/000", id) && cached(&cache, "http://small/", id) && cache.n == 1,
          "a CRL larger than the whole budget is not kept, and evicts nothing");

    /* Failures and other issuers' CRLs: small entries, for the issuer they concern. */
    size_t before = cache.bytes;
    ucp_crl_cache_put(&cache, "http://down/", UCP_FETCH_FAILED, NULL, NULL, "HTTP status 404");
    ucp_crl_cache_put(&cache, "http://other/", UCP_FETCH_WRONG_ISSUER, NULL, id, "the CRL found there is issued by X");
    CHECK(cache.bytes - before < 512, "a failure and another issuer's CRL cost %zu bytes together",
          cache.bytes - before);
    CHECK(ucp_crl_cache_get(&cache, "http://down/", other_id, &f) && f.outcome == UCP_FETCH_FAILED &&
              strcmp(f.error, "HTTP status 404") == 0,
          "a failed fetch is remembered for every issuer, with why");
    ucp_fetch_found_dispose(&f);
    CHECK(ucp_crl_cache_get(&cache, "http://other/", id, &f) && f.outcome == UCP_FETCH_WRONG_ISSUER,
          "another issuer's CRL is remembered as such for the issuer it was fetched for");
    ucp_fetch_found_dispose(&f);
    CHECK(!cached(&cache, "http://other/", other_id), "but not for another issuer, which fetches again");
    ucp_crl_cache_put(&cache, "http://other/", UCP_FETCH_CRL, small, other_id, NULL);
    CHECK(ucp_crl_cache_get(&cache, "http://other/", other_id, &f) && f.outcome == UCP_FETCH_CRL &&
              cache.n == 3,
          "whose CRL then replaces the entry");
    ucp_fetch_found_dispose(&f);
    ucp_crl_cache_dispose(&cache);

    ucp_crl_release(a);
    ucp_crl_release(b);
    ucp_crl_release(c);
    ucp_crl_release(d);
    ucp_crl_release(big);
    ucp_crl_release(small);
}

/* ---- the cache shared by threads ---------------------------------------------------------------- */

struct shared {
    pthread_mutex_t lock;
    struct ucp_crl_cache cache;
    struct ucp_crl *crls[4];
    const uint8_t *id;
    const ucp_certificate *issuer, *listed;
    atomic_int used, wrong;
};

static void *hammer(void *arg)
{
    struct shared *sh = arg;
    unsigned seed = (unsigned)(uintptr_t)&seed;
    for (int i = 0; i < 3000; i++) {
        char url[32];
        seed = seed * 1103515245u + 12345u;
        snprintf(url, sizeof url, "http://x/%u", (seed >> 8) % 16);
        struct ucp_fetch_found f;
        pthread_mutex_lock(&sh->lock);
        bool hit = ucp_crl_cache_get(&sh->cache, url, sh->id, &f);
        if (!hit)
            ucp_crl_cache_put(&sh->cache, url, UCP_FETCH_CRL, sh->crls[(seed >> 16) % 4], sh->id, NULL);
        pthread_mutex_unlock(&sh->lock);
        if (hit) {
            /* Used outside the lock, as a check uses it, while other threads may evict it. */
            if (f.outcome != UCP_FETCH_CRL || !ucp_crl_signed_by(f.crl, sh->issuer) ||
                !ucp_crl_find(f.crl, sh->listed))
                atomic_fetch_add(&sh->wrong, 1);
            atomic_fetch_add(&sh->used, 1);
            ucp_fetch_found_dispose(&f);
        }
    }
    return NULL;
}

static void cache_threads(const struct ca *ca)
{
    struct shared sh;
    pthread_mutex_init(&sh.lock, NULL);
    for (int i = 0; i < 4; i++)
        sh.crls[i] = crl_of(ca, 500);
    /* Room for two entries: nearly every put evicts. */
    ucp_crl_cache_init(&sh.cache, 2 * ucp_crl_size(sh.crls[0]) + 512);
    sh.id = ca->cert->sha256_raw;
    sh.issuer = ca->cert;
    const uint8_t serial[] = {0x10, 0x00, 0x01, 0x00}; /* crl_of() lists 10 00 00 00 up */
    ucp_certificate *listed = leaf(ca, serial, sizeof serial);
    sh.listed = listed;
    atomic_init(&sh.used, 0);
    atomic_init(&sh.wrong, 0);
    pthread_t t[8];
    int started = 0;
    for (int i = 0; i < 8; i++)
        started += pthread_create(&t[i], NULL, hammer, &sh) == 0;
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    CHECK(started == 8 && atomic_load(&sh.used) > 0 && atomic_load(&sh.wrong) == 0,
          "8 threads share the cache under a lock: %d CRLs used while being evicted, none wrong",
          atomic_load(&sh.used));
    CHECK(sh.cache.n <= 2 && sh.cache.bytes <= sh.cache.budget, "the cache stayed within its budget (%zu entries)",
          sh.cache.n);
    ucp_crl_cache_dispose(&sh.cache);
    bool balanced = true;
    for (int i = 0; i < 4; i++) {
        balanced = balanced && atomic_load(&sh.crls[i]->refs) == 1;
        ucp_crl_release(sh.crls[i]);
    }
    CHECK(balanced, "every reference taken was given back");
    ucp_certificate_unref(listed);
    pthread_mutex_destroy(&sh.lock);
}

int main(void)
{
    GT(gnutls_global_init());
    struct ca rsa, rsa_pss, ec, ed;
    make_ca(&rsa, GNUTLS_PK_RSA, 2048, "CN=Test CRL CA RSA");
    make_ca(&rsa_pss, GNUTLS_PK_RSA_PSS, 2048, "CN=Test CRL CA RSA-PSS");
    make_ca(&ec, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), "CN=Test CRL CA EC");
    make_ca(&ed, GNUTLS_PK_EDDSA_ED25519, 256, "CN=Test CRL CA Ed25519");
    index_and_lookup(&ec);
    integer_semantics(&ec);
    issuer_names(&ec);
    signatures(&rsa, &rsa_pss, &ec, &ed);
    scope(&ec, &rsa);
    deltas(&ec, &rsa);
    files(&ec);
    cache_lru(&ec, &rsa);
    cache_threads(&ec);
    free_ca(&rsa);
    free_ca(&rsa_pss);
    free_ca(&ec);
    free_ca(&ed);
    gnutls_global_deinit();
    return tap_done();
}
