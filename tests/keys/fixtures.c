/* SPDX-License-Identifier: MIT */
/*
 * Test files of the 'keys' suite, made at test time. See fixtures.h.
 *
 * PKCS#12 files are written in two ways:
 *  - gnutls-api.pfx and gnutls-encrypted.pfx with the GnuTLS PKCS#12 API (its bag encryption
 *    and MAC, 600000 KDF iterations in GnuTLS 3.7.9): what GnuTLS itself writes;
 *  - every other .pfx with libtasn1 and libucpolicy's ASN.1 module (x509/ucpolicy.asn), because
 *    GnuTLS cannot write the Microsoft CSP name attribute (1.3.6.1.4.1.311.17.1), malformed
 *    attributes or small iteration counts. Encryption is PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)
 *    through GnuTLS's primitives, the MAC the PKCS#12 KDF of RFC 7292 appendix B with SHA-256:
 *    the library reads them back through GnuTLS, which verifies both independently.
 */
#include <errno.h>
#include <libtasn1.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "../portable.h"
#include "fixtures.h"

/* libucpolicy's module, compiled by asn1Parser (the table includes config.h under this guard),
 * under a name of its own: ucpolicy-certgen links this file next to the library's internal twin,
 * which defines ucpolicy_asn1_tab as well. */
#define HAVE_CONFIG_H 0
#define ucpolicy_asn1_tab keys_asn1_tab
#include "asn1-tab.h"

#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_ENCRYPTED_DATA "1.2.840.113549.1.7.6"
#define OID_KEY_BAG "1.2.840.113549.1.12.10.1.1"
#define OID_SHROUDED_KEY_BAG "1.2.840.113549.1.12.10.1.2"
#define OID_CERT_BAG "1.2.840.113549.1.12.10.1.3"
#define OID_X509_CERTIFICATE "1.2.840.113549.1.9.22.1"
#define OID_FRIENDLY_NAME "1.2.840.113549.1.9.20"
#define OID_LOCAL_KEY_ID "1.2.840.113549.1.9.21"
#define OID_MS_CSP_NAME "1.3.6.1.4.1.311.17.1"
#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_TEMPLATE "1.3.6.1.4.1.311.21.7"
#define OID_TEMPLATE_NAME "1.3.6.1.4.1.311.20.2"

#define CSP_SCHANNEL "Microsoft RSA SChannel Cryptographic Provider"
#define KSP_SOFTWARE "Microsoft Software Key Storage Provider"
#define LOW_ITER 2048 /* Windows exports use 2000; small enough for valgrind */

static asn1_node defs;
static const char *outdir;

TEST_PRINTF(1, 2) __attribute__((noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fixtures: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(99); /* setup failure, not a test failure */
}

static void check_gnutls(int ret, const char *what)
{
    if (ret < 0)
        die("%s: %s", what, gnutls_strerror(ret));
}

static void check_asn1(int ret, const char *what)
{
    if (ret != ASN1_SUCCESS)
        die("%s: %s", what, asn1_strerror(ret));
}

/* ---- byte strings ------------------------------------------------------------------------- */

struct blob {
    uint8_t *p;
    size_t n;
};

static void put(struct blob *b, const void *data, size_t n)
{
    uint8_t *p = realloc(b->p, b->n + n + 1);
    if (!p)
        die("out of memory");
    if (n)
        memcpy(p + b->n, data, n);
    b->p = p;
    b->n += n;
}

static struct blob copy(const void *data, size_t n)
{
    struct blob b = {NULL, 0};
    put(&b, data, n);
    return b;
}

/* tag, DER length, then @content (consumed). */
static struct blob tlv(uint8_t tag, struct blob content)
{
    uint8_t hdr[16];
    int lenlen = 0;
    hdr[0] = tag;
    asn1_length_der(content.n, hdr + 1, &lenlen);
    struct blob b = copy(hdr, 1 + (size_t)lenlen);
    put(&b, content.p, content.n);
    free(content.p);
    return b;
}

static struct blob cat(struct blob a, struct blob b)
{
    put(&a, b.p, b.n);
    free(b.p);
    return a;
}

static struct blob hex(const char *h)
{
    struct blob b = {NULL, 0};
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        uint8_t c = (uint8_t)v;
        put(&b, &c, 1);
    }
    return b;
}

/* BMPString (UTF-16BE) of ASCII text, with its TLV. */
static struct blob bmp(const char *s)
{
    struct blob v = {NULL, 0};
    for (; *s; s++) {
        uint8_t u[2] = {0, (uint8_t)*s};
        put(&v, u, 2);
    }
    return tlv(0x1e, v);
}

static struct blob random_bytes(size_t n)
{
    struct blob b = {NULL, 0};
    uint8_t buf[64];
    if (n > sizeof buf)
        die("random_bytes: %zu", n);
    check_gnutls(gnutls_rnd(GNUTLS_RND_NONCE, buf, n), "gnutls_rnd");
    put(&b, buf, n);
    return b;
}

static struct blob der_of(asn1_node node, const char *what)
{
    int len = 0;
    char err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
    int ret = asn1_der_coding(node, "", NULL, &len, err);
    if (ret != ASN1_MEM_ERROR)
        die("%s: %s (%s)", what, asn1_strerror(ret), err);
    struct blob b = {malloc((size_t)len), (size_t)len};
    if (!b.p)
        die("out of memory");
    check_asn1(asn1_der_coding(node, "", b.p, &len, err), what);
    b.n = (size_t)len;
    return b;
}

static void write_path(const char *path, const struct blob *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
}

static void write_file(const char *name, const struct blob *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    write_path(path, b);
}

/* libucpolicy's ASN.1 module, loaded once. */
static void load_defs(void)
{
    char err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
    if (!defs)
        check_asn1(asn1_array2tree(ucpolicy_asn1_tab, &defs, err), "asn1_array2tree");
}

/* ---- keys and certificates ------------------------------------------------------------------ */

static gnutls_x509_privkey_t new_key(void)
{
    gnutls_x509_privkey_t k;
    check_gnutls(gnutls_x509_privkey_init(&k), "privkey_init");
    check_gnutls(gnutls_x509_privkey_generate(k, GNUTLS_PK_RSA, 2048, 0), "privkey_generate");
    return k;
}

struct ext {
    const char *oid;
    struct blob value;
};

struct certspec {
    const char *cn;
    const char *sans[4];
    bool ca;
    unsigned serial;
    struct ext exts[2];
    size_t nexts;
};

static gnutls_x509_crt_t new_cert(const struct certspec *spec, gnutls_x509_privkey_t key,
                                  gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key, int64_t now)
{
    gnutls_x509_crt_t c;
    check_gnutls(gnutls_x509_crt_init(&c), "crt_init");
    check_gnutls(gnutls_x509_crt_set_version(c, 3), "set_version");
    uint8_t serial[4] = {0x10, (uint8_t)(spec->serial >> 16), (uint8_t)(spec->serial >> 8), (uint8_t)spec->serial};
    check_gnutls(gnutls_x509_crt_set_serial(c, serial, sizeof serial), "set_serial");
    check_gnutls(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Contoso", 7), "set O");
    check_gnutls(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, spec->cn,
                                               (unsigned)strlen(spec->cn)), "set CN");
    check_gnutls(gnutls_x509_crt_set_activation_time(c, (time_t)(now - 86400)), "set_activation_time");
    check_gnutls(gnutls_x509_crt_set_expiration_time(c, (time_t)(now + (spec->ca ? 3650 : 90) * 86400LL)),
                 "set_expiration_time");
    check_gnutls(gnutls_x509_crt_set_key(c, key), "set_key");
    check_gnutls(gnutls_x509_crt_set_basic_constraints(c, spec->ca, -1), "set_basic_constraints");
    if (spec->ca) {
        check_gnutls(gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), "ku");
    } else {
        check_gnutls(gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT),
                     "ku");
        check_gnutls(gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_SERVER, 0), "eku server");
        check_gnutls(gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_CLIENT, 0), "eku client");
        for (size_t i = 0; i < 4 && spec->sans[i]; i++)
            check_gnutls(gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, spec->sans[i],
                                                              (unsigned)strlen(spec->sans[i]), GNUTLS_FSAN_APPEND),
                         "san");
        const char *cdp = "http://pki.contoso.com/contoso-root.crl";
        check_gnutls(gnutls_x509_crt_set_crl_dist_points(c, GNUTLS_SAN_URI, cdp, 0), "cdp");
        /* caIssuers, as a public CA writes it (chain.aia-missing for the public-CA roles). */
        static char aia_url[] = "http://pki.contoso.com/contoso-root.crt";
        gnutls_datum_t aia = {(unsigned char *)aia_url, (unsigned)strlen(aia_url)};
        check_gnutls(gnutls_x509_crt_set_authority_info_access(c, GNUTLS_IA_CAISSUERS_URI, &aia), "aia");
    }
    for (size_t i = 0; i < spec->nexts; i++) {
        check_gnutls(gnutls_x509_crt_set_extension_by_oid(c, spec->exts[i].oid, spec->exts[i].value.p,
                                                          spec->exts[i].value.n, 0),
                     "set_extension_by_oid");
    }
    uint8_t id[32];
    size_t idlen = sizeof id;
    check_gnutls(gnutls_x509_crt_get_key_id(c, GNUTLS_KEYID_USE_SHA1, id, &idlen), "key id");
    check_gnutls(gnutls_x509_crt_set_subject_key_id(c, id, idlen), "ski");
    if (issuer) {
        /* The issuer's key identifier, as every CA writes it (chain.aki-missing otherwise). */
        uint8_t aki[32];
        size_t akilen = sizeof aki;
        check_gnutls(gnutls_x509_crt_get_subject_key_id(issuer, aki, &akilen, NULL), "issuer ski");
        check_gnutls(gnutls_x509_crt_set_authority_key_id(c, aki, akilen), "aki");
    }
    check_gnutls(gnutls_x509_crt_sign2(c, issuer ? issuer : c, issuer_key ? issuer_key : key, GNUTLS_DIG_SHA256, 0),
                 "sign");
    return c;
}

static struct blob cert_der(gnutls_x509_crt_t c)
{
    gnutls_datum_t d;
    check_gnutls(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_DER, &d), "crt_export2");
    struct blob b = copy(d.data, d.size);
    gnutls_free(d.data);
    return b;
}

static void write_pem(const char *name, gnutls_x509_crt_t c)
{
    gnutls_datum_t d;
    check_gnutls(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d), "crt_export2 pem");
    struct blob b = copy(d.data, d.size);
    gnutls_free(d.data);
    write_file(name, &b);
    free(b.p);
}

/* ---- PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) ---------------------------------------------------- */

/* The AlgorithmIdentifier for PBES2 with @salt, @iter and @iv, DER. */
static struct blob pbes2_algorithm(const struct blob *salt, unsigned long iter, const struct blob *iv)
{
    struct blob i = {NULL, 0};
    uint8_t ib[8];
    int n = 0;
    for (unsigned long v = iter; v; v >>= 8)
        n++;
    for (int k = 0; k < n; k++)
        ib[k] = (uint8_t)(iter >> (8 * (n - 1 - k)));
    if (ib[0] & 0x80) { /* keep it positive */
        memmove(ib + 1, ib, (size_t)n);
        ib[0] = 0;
        n++;
    }
    put(&i, ib, (size_t)n);
    struct blob prf = tlv(0x30, cat(hex("06082A864886F70D0209"), hex("0500")));
    struct blob kdf_params = tlv(0x30, cat(cat(tlv(0x04, copy(salt->p, salt->n)), tlv(0x02, i)), prf));
    struct blob kdf = tlv(0x30, cat(hex("06092A864886F70D01050C"), kdf_params));
    struct blob enc = tlv(0x30, cat(hex("060960864801650304012A"), tlv(0x04, copy(iv->p, iv->n))));
    return tlv(0x30, cat(hex("06092A864886F70D01050D"), tlv(0x30, cat(kdf, enc))));
}

/* Encrypt @plain with PBES2; returns the AlgorithmIdentifier and the ciphertext. */
static void pbes2_encrypt(const char *password, unsigned long iter, const struct blob *plain,
                          struct blob *algorithm, struct blob *cipher)
{
    struct blob salt = random_bytes(16), iv = random_bytes(16);
    uint8_t key[32];
    gnutls_datum_t pw = {(unsigned char *)password, (unsigned)strlen(password)};
    gnutls_datum_t s = {salt.p, (unsigned)salt.n};
    check_gnutls(gnutls_pbkdf2(GNUTLS_MAC_SHA256, &pw, &s, (unsigned)iter, key, sizeof key), "pbkdf2");
    size_t pad = 16 - plain->n % 16;
    struct blob buf = copy(plain->p, plain->n);
    for (size_t k = 0; k < pad; k++) {
        uint8_t c = (uint8_t)pad;
        put(&buf, &c, 1);
    }
    gnutls_cipher_hd_t h;
    gnutls_datum_t k = {key, sizeof key}, ivd = {iv.p, (unsigned)iv.n};
    check_gnutls(gnutls_cipher_init(&h, GNUTLS_CIPHER_AES_256_CBC, &k, &ivd), "cipher_init");
    check_gnutls(gnutls_cipher_encrypt2(h, buf.p, buf.n, buf.p, buf.n), "cipher_encrypt2");
    gnutls_cipher_deinit(h);
    *algorithm = pbes2_algorithm(&salt, iter, &iv);
    *cipher = buf;
    free(salt.p);
    free(iv.p);
}

/* ---- PKCS#12 with libtasn1 and the module -------------------------------------------------------- */

enum bag_kind { BAG_KEY, BAG_SHROUDED_KEY, BAG_CERT };

struct attr {
    const char *oid;
    struct blob values[3]; /* DER TLVs */
    size_t nvalues;
};

struct bag {
    enum bag_kind kind;
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    unsigned long iterations;     /* shrouded keys; 0: LOW_ITER */
    const char *friendly;          /* friendlyName, NULL: none */
    const char *key_id;            /* localKeyId (text used as bytes), NULL: none */
    const char *csp;               /* Microsoft CSP name, NULL: none */
    struct attr extra[40];         /* raw attributes (malformed cases) */
    size_t nextra;
};

struct content {
    bool encrypted;
    struct bag bags[300];
    size_t nbags;
    struct blob raw; /* when set: the SafeContents DER as is */
    bool break_tag;  /* encode the SafeContents as a SET: malformed, yet covered by the MAC */
};

static void add_attr(asn1_node sc, const char *oid, const struct blob *values, size_t n)
{
    check_asn1(asn1_write_value(sc, "?LAST.bagAttributes", "NEW", 1), "attr NEW");
    check_asn1(asn1_write_value(sc, "?LAST.bagAttributes.?LAST.attrId", oid, 1), "attrId");
    for (size_t i = 0; i < n; i++) {
        check_asn1(asn1_write_value(sc, "?LAST.bagAttributes.?LAST.attrValues", "NEW", 1), "value NEW");
        check_asn1(asn1_write_value(sc, "?LAST.bagAttributes.?LAST.attrValues.?LAST", values[i].p,
                                    (int)values[i].n), "value");
    }
}

static struct blob bag_value(const struct bag *b, const char *password)
{
    if (b->kind == BAG_CERT) {
        asn1_node cb = NULL;
        check_asn1(asn1_create_element(defs, "UCPOLICY.CertBag", &cb), "CertBag");
        check_asn1(asn1_write_value(cb, "certId", OID_X509_CERTIFICATE, 1), "certId");
        struct blob oct = tlv(0x04, cert_der(b->crt));
        check_asn1(asn1_write_value(cb, "certValue", oct.p, (int)oct.n), "certValue");
        free(oct.p);
        struct blob d = der_of(cb, "CertBag");
        asn1_delete_structure(&cb);
        return d;
    }
    gnutls_datum_t pki;
    check_gnutls(gnutls_x509_privkey_export2_pkcs8(b->key, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN, &pki),
                 "export2_pkcs8");
    struct blob plain = copy(pki.data, pki.size);
    gnutls_free(pki.data);
    if (b->kind == BAG_KEY)
        return plain;
    struct blob alg, cipher;
    pbes2_encrypt(password, b->iterations ? b->iterations : LOW_ITER, &plain, &alg, &cipher);
    free(plain.p);
    return tlv(0x30, cat(alg, tlv(0x04, cipher)));
}

static struct blob safe_contents(const struct content *c, const char *password)
{
    if (c->raw.p)
        return copy(c->raw.p, c->raw.n);
    asn1_node sc = NULL;
    check_asn1(asn1_create_element(defs, "UCPOLICY.SafeContents", &sc), "SafeContents");
    for (size_t i = 0; i < c->nbags; i++) {
        const struct bag *b = &c->bags[i];
        check_asn1(asn1_write_value(sc, "", "NEW", 1), "bag NEW");
        check_asn1(asn1_write_value(sc, "?LAST.bagId",
                                    b->kind == BAG_CERT ? OID_CERT_BAG
                                    : b->kind == BAG_KEY ? OID_KEY_BAG
                                                         : OID_SHROUDED_KEY_BAG, 1), "bagId");
        struct blob v = bag_value(b, password);
        check_asn1(asn1_write_value(sc, "?LAST.bagValue", v.p, (int)v.n), "bagValue");
        free(v.p);
        bool any = false;
        if (b->key_id) {
            struct blob id = tlv(0x04, copy(b->key_id, strlen(b->key_id)));
            add_attr(sc, OID_LOCAL_KEY_ID, &id, 1);
            free(id.p);
            any = true;
        }
        if (b->friendly) {
            struct blob fn = bmp(b->friendly);
            add_attr(sc, OID_FRIENDLY_NAME, &fn, 1);
            free(fn.p);
            any = true;
        }
        if (b->csp) {
            struct blob csp = bmp(b->csp);
            add_attr(sc, OID_MS_CSP_NAME, &csp, 1);
            free(csp.p);
            any = true;
        }
        for (size_t k = 0; k < b->nextra; k++) {
            add_attr(sc, b->extra[k].oid, b->extra[k].values, b->extra[k].nvalues);
            any = true;
        }
        if (!any)
            check_asn1(asn1_write_value(sc, "?LAST.bagAttributes", NULL, 0), "no attributes");
    }
    struct blob d = der_of(sc, "SafeContents");
    asn1_delete_structure(&sc);
    if (c->break_tag)
        d.p[0] = 0x31;
    return d;
}

/* RFC 7292 B.2 with SHA-256 (u = 32, v = 64), ID 3 (MAC key), one block of output. */
static void pkcs12_mac_key(const char *password, const struct blob *salt, unsigned iter, uint8_t key[32])
{
    struct blob I = {NULL, 0}, P = {NULL, 0};
    for (const char *s = password;; s++) {
        uint8_t u[2] = {0, (uint8_t)*s};
        put(&P, u, 2);
        if (!*s)
            break;
    }
    size_t slen = 64 * ((salt->n + 63) / 64), plen = 64 * ((P.n + 63) / 64);
    for (size_t i = 0; i < slen; i++)
        put(&I, &salt->p[i % salt->n], 1);
    for (size_t i = 0; i < plen; i++)
        put(&I, &P.p[i % P.n], 1);
    struct blob DI = {NULL, 0};
    for (int i = 0; i < 64; i++) {
        uint8_t d = 3;
        put(&DI, &d, 1);
    }
    put(&DI, I.p, I.n);
    check_gnutls(gnutls_hash_fast(GNUTLS_DIG_SHA256, DI.p, DI.n, key), "hash");
    for (unsigned i = 1; i < iter; i++)
        check_gnutls(gnutls_hash_fast(GNUTLS_DIG_SHA256, key, 32, key), "hash");
    free(I.p);
    free(P.p);
    free(DI.p);
}

/* The DER of a PFX of @contents, MAC'd with @password (@mac_iter iterations); encrypted
 * ContentInfos use PBES2 with @enc_iter iterations. */
static struct blob indefinite(uint8_t tag, struct blob content)
{
    uint8_t hdr[2] = {tag, 0x80};
    struct blob b = cat(copy(hdr, 2), content);
    put(&b, "\0\0", 2);
    return b;
}

/* The PFX @der again in BER, as some writers produce it: indefinite lengths for the PFX, its
 * authSafe ContentInfo and [0], and the AuthenticatedSafe @auth as a constructed OCTET STRING in
 * 1,000-byte pieces. The MAC covers the octets, not their encoding: it stays valid. */
static struct blob pfx_ber(const struct blob *auth, const struct blob *der)
{
    asn1_node pfx = NULL;
    int start = 0, end = 0;
    check_asn1(asn1_create_element(defs, "UCPOLICY.PFX", &pfx), "PFX");
    check_asn1(asn1_der_decoding(&pfx, der->p, (int)der->n, NULL), "PFX decoding");
    check_asn1(asn1_der_decoding_startEnd(pfx, der->p, (int)der->n, "macData", &start, &end), "macData");
    asn1_delete_structure(&pfx);
    struct blob pieces = {NULL, 0};
    for (size_t o = 0; o < auth->n; o += 1000)
        pieces = cat(pieces, tlv(0x04, copy(auth->p + o, auth->n - o < 1000 ? auth->n - o : 1000)));
    struct blob content = indefinite(0xa0, indefinite(0x24, pieces));
    struct blob ci = indefinite(0x30, cat(hex("06092A864886F70D010701"), content));
    return indefinite(0x30, cat(cat(hex("020103"), ci), copy(der->p + start, (size_t)(end - start + 1))));
}

static struct blob pfx_der(const char *password, const struct content *contents, size_t n, unsigned long enc_iter,
                           unsigned long mac_iter, bool ber)
{
    asn1_node as = NULL;
    check_asn1(asn1_create_element(defs, "UCPOLICY.AuthenticatedSafe", &as), "AuthenticatedSafe");
    for (size_t i = 0; i < n; i++) {
        const struct content *c = &contents[i];
        struct blob sc = safe_contents(c, password);
        struct blob content;
        check_asn1(asn1_write_value(as, "", "NEW", 1), "ContentInfo NEW");
        if (c->encrypted) {
            struct blob alg, cipher;
            pbes2_encrypt(password, enc_iter, &sc, &alg, &cipher);
            struct blob eci = tlv(0x30, cat(cat(hex("06092A864886F70D010701"), alg), tlv(0x80, cipher)));
            content = tlv(0x30, cat(hex("020100"), eci));
            check_asn1(asn1_write_value(as, "?LAST.contentType", OID_ENCRYPTED_DATA, 1), "contentType");
        } else {
            content = tlv(0x04, copy(sc.p, sc.n));
            check_asn1(asn1_write_value(as, "?LAST.contentType", OID_DATA, 1), "contentType");
        }
        check_asn1(asn1_write_value(as, "?LAST.content", content.p, (int)content.n), "content");
        free(content.p);
        free(sc.p);
    }
    struct blob auth = der_of(as, "AuthenticatedSafe");
    asn1_delete_structure(&as);

    struct blob salt = random_bytes(8);
    uint8_t key[32], mac[32];
    pkcs12_mac_key(password, &salt, (unsigned)mac_iter, key);
    check_gnutls(gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, sizeof key, auth.p, auth.n, mac), "hmac");

    asn1_node pfx = NULL;
    check_asn1(asn1_create_element(defs, "UCPOLICY.PFX", &pfx), "PFX");
    check_asn1(asn1_write_value(pfx, "version", "3", 0), "version");
    check_asn1(asn1_write_value(pfx, "authSafe.contentType", OID_DATA, 1), "authSafe.contentType");
    struct blob oct = tlv(0x04, copy(auth.p, auth.n));
    check_asn1(asn1_write_value(pfx, "authSafe.content", oct.p, (int)oct.n), "authSafe.content");
    free(oct.p);
    check_asn1(asn1_write_value(pfx, "macData.mac.digestAlgorithm.algorithm", OID_SHA256, 1), "mac alg");
    check_asn1(asn1_write_value(pfx, "macData.mac.digestAlgorithm.parameters", "\x05\x00", 2), "mac params");
    check_asn1(asn1_write_value(pfx, "macData.mac.digest", mac, sizeof mac), "mac digest");
    check_asn1(asn1_write_value(pfx, "macData.macSalt", salt.p, (int)salt.n), "mac salt");
    char iter[24];
    snprintf(iter, sizeof iter, "%lu", mac_iter);
    check_asn1(asn1_write_value(pfx, "macData.iterations", iter, 0), "mac iterations");
    struct blob d = der_of(pfx, "PFX");
    asn1_delete_structure(&pfx);
    if (ber) {
        struct blob b = pfx_ber(&auth, &d);
        free(d.p);
        d = b;
    }
    free(auth.p);
    free(salt.p);
    return d;
}

/* A PFX of @contents in the output directory, MAC'd with @password. */
static void write_pfx(const char *name, const char *password, const struct content *contents, size_t n)
{
    struct blob d = pfx_der(password, contents, n, LOW_ITER, LOW_ITER, false);
    write_file(name, &d);
    free(d.p);
}

/* ---- PKCS#12 with the GnuTLS API --------------------------------------------------------------- */

static void gnutls_pfx(const char *name, gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, bool one_encrypted_bag)
{
    gnutls_pkcs12_t p12;
    check_gnutls(gnutls_pkcs12_init(&p12), "pkcs12_init");
    uint8_t id[32];
    size_t idlen = sizeof id;
    check_gnutls(gnutls_x509_crt_get_key_id(crt, 0, id, &idlen), "key id");
    gnutls_datum_t keyid = {id, (unsigned)idlen};
    gnutls_pkcs12_bag_t cb, kb;
    check_gnutls(gnutls_pkcs12_bag_init(&cb), "bag_init");
    int i = gnutls_pkcs12_bag_set_crt(cb, crt);
    check_gnutls(i, "bag_set_crt");
    check_gnutls(gnutls_pkcs12_bag_set_friendly_name(cb, (unsigned)i, "Exchange UM"), "friendly name");
    check_gnutls(gnutls_pkcs12_bag_set_key_id(cb, (unsigned)i, &keyid), "key id");
    gnutls_datum_t k;
    if (one_encrypted_bag) {
        /* The key inside the encrypted ContentInfo, next to the certificate. */
        check_gnutls(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN, &k),
                     "export2_pkcs8");
        i = gnutls_pkcs12_bag_set_data(cb, GNUTLS_BAG_PKCS8_KEY, &k);
        check_gnutls(i, "bag_set_data");
        check_gnutls(gnutls_pkcs12_bag_set_friendly_name(cb, (unsigned)i, "Exchange UM key"), "friendly name");
        check_gnutls(gnutls_pkcs12_bag_set_key_id(cb, (unsigned)i, &keyid), "key id");
        gnutls_free(k.data);
        check_gnutls(gnutls_pkcs12_bag_encrypt(cb, KEYS_PASSWORD, GNUTLS_PKCS_PBES2_AES_256), "bag_encrypt");
        check_gnutls(gnutls_pkcs12_set_bag(p12, cb), "set_bag");
    } else {
        check_gnutls(gnutls_pkcs12_bag_encrypt(cb, KEYS_PASSWORD, GNUTLS_PKCS_PBES2_AES_256), "bag_encrypt");
        check_gnutls(gnutls_pkcs12_set_bag(p12, cb), "set_bag");
        check_gnutls(gnutls_pkcs12_bag_init(&kb), "bag_init");
        check_gnutls(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_DER, KEYS_PASSWORD,
                                                       GNUTLS_PKCS_PBES2_AES_256, &k), "export2_pkcs8");
        i = gnutls_pkcs12_bag_set_data(kb, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &k);
        check_gnutls(i, "bag_set_data");
        gnutls_free(k.data);
        check_gnutls(gnutls_pkcs12_bag_set_friendly_name(kb, (unsigned)i, "Exchange UM"), "friendly name");
        check_gnutls(gnutls_pkcs12_bag_set_key_id(kb, (unsigned)i, &keyid), "key id");
        check_gnutls(gnutls_pkcs12_set_bag(p12, kb), "set_bag");
        gnutls_pkcs12_bag_deinit(kb);
    }
    gnutls_pkcs12_bag_deinit(cb);
    check_gnutls(gnutls_pkcs12_generate_mac2(p12, GNUTLS_MAC_SHA256, KEYS_PASSWORD), "generate_mac2");
    gnutls_datum_t out;
    check_gnutls(gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, &out), "pkcs12_export2");
    struct blob b = copy(out.data, out.size);
    gnutls_free(out.data);
    write_file(name, &b);
    free(b.p);
    gnutls_pkcs12_deinit(p12);
}

/* ---- extension values ------------------------------------------------------------------------------ */

/* An INTEGER element from a decimal string, NULL: absent. Written as two's complement bytes, not
 * as libtasn1's decimal form, which goes through a C long: 32 bits on Windows, where
 * "4294967296" would become 2147483647 and the fixture another certificate. */
static void write_integer(asn1_node t, const char *name, const char *decimal)
{
    if (!decimal) {
        check_asn1(asn1_write_value(t, name, NULL, 0), name);
        return;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(decimal, &end, 10);
    if (errno || *end || !*decimal)
        die("write_integer: %s is not a decimal number", decimal);
    unsigned char b[9];
    int n = 0;
    do {
        b[8 - n++] = (unsigned char)(v & 0xff);
        v >>= 8;
    } while (v);
    if (b[9 - n] & 0x80)
        b[8 - n++] = 0;
    check_asn1(asn1_write_value(t, name, b + 9 - n, n), name);
}

/* CertificateTemplate { templateID, major, minor } with the module; NULL versions are absent. */
static struct blob template_ext(const char *oid, const char *major, const char *minor)
{
    asn1_node t = NULL;
    check_asn1(asn1_create_element(defs, "UCPOLICY.CertificateTemplate", &t), "CertificateTemplate");
    check_asn1(asn1_write_value(t, "templateID", oid, 1), "templateID");
    write_integer(t, "templateMajorVersion", major);
    write_integer(t, "templateMinorVersion", minor);
    struct blob d = der_of(t, "CertificateTemplate");
    asn1_delete_structure(&t);
    return d;
}

/* CertificateTemplateName with the module: alternative "bmp", "utf8" or "wcce". */
static struct blob template_name_ext(const char *choice, const char *name)
{
    asn1_node t = NULL;
    check_asn1(asn1_create_element(defs, "UCPOLICY.CertificateTemplateName", &t), "CertificateTemplateName");
    check_asn1(asn1_write_value(t, "", choice, 1), "choice");
    if (strcmp(choice, "bmp") == 0) {
        struct blob v = bmp(name);
        check_asn1(asn1_write_value(t, "bmp", v.p + 2, (int)v.n - 2), "bmp");
        free(v.p);
    } else if (strcmp(choice, "utf8") == 0) {
        check_asn1(asn1_write_value(t, "utf8", name, (int)strlen(name)), "utf8");
    } else {
        check_asn1(asn1_write_value(t, "wcce.name", name, (int)strlen(name)), "wcce.name");
    }
    struct blob d = der_of(t, "CertificateTemplateName");
    asn1_delete_structure(&t);
    return d;
}

/* ---- the fixture set ------------------------------------------------------------------------------- */

static struct content *contents(size_t n)
{
    struct content *c = calloc(n, sizeof *c);
    if (!c)
        die("out of memory");
    return c;
}

static void free_contents(struct content *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].raw.p);
        for (size_t b = 0; b < c[i].nbags; b++)
            for (size_t a = 0; a < c[i].bags[b].nextra; a++)
                for (size_t v = 0; v < c[i].bags[b].extra[a].nvalues; v++)
                    free(c[i].bags[b].extra[a].values[v].p);
    }
    free(c);
}

static struct bag key_bag(gnutls_x509_privkey_t key, const char *csp)
{
    struct bag b;
    memset(&b, 0, sizeof b);
    b.kind = BAG_KEY;
    b.key = key;
    b.key_id = "01000000";
    b.friendly = "le-WebServer-5b2d1f7e";
    b.csp = csp;
    return b;
}

static struct bag cert_bag(gnutls_x509_crt_t crt, bool leaf)
{
    struct bag b;
    memset(&b, 0, sizeof b);
    b.kind = BAG_CERT;
    b.crt = crt;
    if (leaf) {
        b.key_id = "01000000";
        b.friendly = "Exchange UM";
    }
    return b;
}

/* A data ContentInfo with the key, then one with the leaf and the CA (encrypted or not). */
static void simple_pfx(const char *name, gnutls_x509_privkey_t key, gnutls_x509_crt_t leaf, gnutls_x509_crt_t ca,
                       const char *csp, bool encrypt_certs)
{
    struct content *c = contents(2);
    c[0].bags[c[0].nbags++] = key_bag(key, csp);
    c[1].encrypted = encrypt_certs;
    c[1].bags[c[1].nbags++] = cert_bag(leaf, true);
    c[1].bags[c[1].nbags++] = cert_bag(ca, false);
    write_pfx(name, KEYS_PASSWORD, c, 2);
    free_contents(c, 2);
}

/* The leaf and CA certificate, with one attribute of the key bag replaced by @attr. */
static void bad_attr_pfx(const char *name, gnutls_x509_privkey_t key, gnutls_x509_crt_t leaf, struct attr attr)
{
    struct content *c = contents(2);
    struct bag kb = key_bag(key, NULL);
    kb.extra[kb.nextra++] = attr;
    c[0].bags[c[0].nbags++] = kb;
    c[1].bags[c[1].nbags++] = cert_bag(leaf, true);
    write_pfx(name, KEYS_PASSWORD, c, 2);
    free_contents(c, 2);
}

static struct attr attr1(const char *oid, struct blob v)
{
    struct attr a;
    memset(&a, 0, sizeof a);
    a.oid = oid;
    a.values[0] = v;
    a.nvalues = 1;
    return a;
}

/* See fixtures.h. The key bag goes in a data ContentInfo first, as Windows writes it, so that its
 * attributes (the CSP name) stay readable; the certificates follow in an encrypted one. */
void keys_write_pfx(const char *path, const struct keys_pfx *spec)
{
    load_defs();
    struct content *c = contents(2);
    if (spec->ncerts > sizeof c->bags / sizeof c->bags[0])
        die("%s: %zu certificates, more than one SafeContents here holds", path, spec->ncerts);
    if (spec->key && spec->leaf >= spec->ncerts)
        die("%s: the key's certificate %zu is not among the %zu certificates", path, spec->leaf, spec->ncerts);
    size_t n = 0;
    if (spec->key) {
        struct bag kb = key_bag(spec->key, spec->csp);
        kb.kind = BAG_SHROUDED_KEY;
        kb.iterations = spec->iterations;
        kb.friendly = spec->friendly;
        c[0].bags[c[0].nbags++] = kb;
        n++;
    }
    c[n].encrypted = true;
    for (size_t i = 0; i < spec->ncerts; i++) {
        struct bag cb = cert_bag(spec->certs[i], spec->key && i == spec->leaf);
        if (spec->key && i == spec->leaf)
            cb.friendly = spec->friendly;
        c[n].bags[c[n].nbags++] = cb;
    }
    n++;
    struct blob d = pfx_der(spec->password, c, n, spec->iterations, spec->mac_iterations, false);
    write_path(path, &d);
    free(d.p);
    free_contents(c, 2);
}

int keys_fixtures_write(const char *dir, int64_t now)
{
    outdir = dir;
    load_defs();

    gnutls_x509_privkey_t ca_key = new_key(), um_key = new_key(), other_key = new_key(), edge_key = new_key();
    struct certspec ca_spec = {.cn = "Contoso Root CA", .ca = true, .serial = 1};
    gnutls_x509_crt_t ca = new_cert(&ca_spec, ca_key, NULL, NULL, now);
    struct certspec um_spec = {.cn = KEYS_FQDN, .sans = {KEYS_FQDN}, .serial = 2};
    gnutls_x509_crt_t um = new_cert(&um_spec, um_key, ca, ca_key, now);
    struct certspec edge_spec = {.cn = KEYS_ACCESS_EDGE, .sans = {KEYS_ACCESS_EDGE, KEYS_WEBCONF_EDGE}, .serial = 3};
    gnutls_x509_crt_t edge = new_cert(&edge_spec, edge_key, ca, ca_key, now);
    edge_spec.serial = 4; /* the same names and key, re-issued */
    gnutls_x509_crt_t edge_reissued = new_cert(&edge_spec, edge_key, ca, ca_key, now);
    edge_spec.serial = 5; /* the same names, another key */
    gnutls_x509_crt_t edge_other = new_cert(&edge_spec, other_key, ca, ca_key, now);

    write_pem("root.pem", ca);
    write_pem("um.pem", um);
    write_pem("edge.pem", edge);

    /* Provider attributes (the issue's "Done when": a CNG provider fails exchange-um). */
    simple_pfx("um-ksp.pfx", um_key, um, ca, KSP_SOFTWARE, true);
    simple_pfx("um-csp.pfx", um_key, um, ca, CSP_SCHANNEL, true);
    simple_pfx("um-none.pfx", um_key, um, ca, NULL, true);
    simple_pfx("um-unknown-provider.pfx", um_key, um, ca, "Contoso HSM Provider", false);
    simple_pfx("um-tpm.pfx", um_key, um, ca, "Microsoft Platform Crypto Provider", false);
    {
        /* um-ksp.pfx in BER (pfx_ber). */
        struct content *c = contents(2);
        c[0].bags[c[0].nbags++] = key_bag(um_key, KSP_SOFTWARE);
        c[1].encrypted = true;
        c[1].bags[c[1].nbags++] = cert_bag(um, true);
        c[1].bags[c[1].nbags++] = cert_bag(ca, false);
        struct blob d = pfx_der(KEYS_PASSWORD, c, 2, LOW_ITER, LOW_ITER, true);
        write_file("um-ksp-ber.pfx", &d);
        free(d.p);
        free_contents(c, 2);
    }
    {
        /* Windows' layout: a shrouded key with its attributes in a data ContentInfo, the
         * certificates in an encrypted one. */
        struct content *c = contents(2);
        struct bag kb = key_bag(um_key, KSP_SOFTWARE);
        kb.kind = BAG_SHROUDED_KEY;
        c[0].bags[c[0].nbags++] = kb;
        c[1].encrypted = true;
        c[1].bags[c[1].nbags++] = cert_bag(um, true);
        c[1].bags[c[1].nbags++] = cert_bag(ca, false);
        write_pfx("um-ksp-shrouded.pfx", KEYS_PASSWORD, c, 2);
        /* The key inside the encrypted ContentInfo: its CSP attribute exists but is not visible. */
        c[0].encrypted = true;
        write_pfx("um-ksp-encrypted.pfx", KEYS_PASSWORD, c, 2);
        /* A shrouded key asking for 8388607 KDF iterations. */
        c[0].encrypted = false;
        c[0].bags[0].iterations = 0x7fffff;
        write_pfx("huge-iterations.pfx", KEYS_PASSWORD, c, 2);
        free_contents(c, 2);
    }
    /* Key facts of files GnuTLS writes itself (600000 KDF iterations each). */
    gnutls_pfx("gnutls-api.pfx", um, um_key, false);
    gnutls_pfx("gnutls-encrypted.pfx", um, um_key, true);

    /* Key and certificate that do not belong together. */
    simple_pfx("um-mismatch.pfx", other_key, um, ca, CSP_SCHANNEL, false);
    {
        /* Two keys: another one first, then the certificate's (with its own CSP). */
        struct content *c = contents(1);
        struct bag k1 = key_bag(other_key, KSP_SOFTWARE), k2 = key_bag(um_key, CSP_SCHANNEL);
        k1.key_id = "02000000";
        c[0].bags[c[0].nbags++] = k1;
        c[0].bags[c[0].nbags++] = k2;
        c[0].bags[c[0].nbags++] = cert_bag(um, true);
        write_pfx("um-two-keys.pfx", KEYS_PASSWORD, c, 1);
        free_contents(c, 1);
    }

    /* Malformed attributes. */
    bad_attr_pfx("bad-csp-utf8.pfx", um_key, um, attr1(OID_MS_CSP_NAME, tlv(0x0c, copy(KSP_SOFTWARE, strlen(KSP_SOFTWARE)))));
    bad_attr_pfx("bad-csp-odd.pfx", um_key, um, attr1(OID_MS_CSP_NAME, hex("1E03004100")));
    bad_attr_pfx("bad-csp-surrogate.pfx", um_key, um, attr1(OID_MS_CSP_NAME, hex("1E04D8000041")));
    {
        struct attr a = attr1(OID_MS_CSP_NAME, bmp(KSP_SOFTWARE));
        a.values[a.nvalues++] = bmp(CSP_SCHANNEL);
        bad_attr_pfx("bad-csp-two-values.pfx", um_key, um, a);
        struct content *c = contents(2);
        struct bag kb = key_bag(um_key, CSP_SCHANNEL);
        kb.extra[kb.nextra++] = attr1(OID_MS_CSP_NAME, bmp(KSP_SOFTWARE));
        c[0].bags[c[0].nbags++] = kb;
        c[1].bags[c[1].nbags++] = cert_bag(um, true);
        write_pfx("bad-csp-twice.pfx", KEYS_PASSWORD, c, 2);
        free_contents(c, 2);
    }
    {
        struct attr a;
        memset(&a, 0, sizeof a);
        a.oid = OID_FRIENDLY_NAME; /* no value at all */
        bad_attr_pfx("bad-friendly-name-empty.pfx", um_key, um, a);
    }
    bad_attr_pfx("bad-key-id.pfx", um_key, um, attr1(OID_LOCAL_KEY_ID, hex("0201FF")));
    {
        /* 40 attributes on one bag: more than the limit of 32. */
        struct content *c = contents(2);
        struct bag kb = key_bag(um_key, NULL);
        for (int i = 0; i < 40; i++) {
            char oid[64];
            snprintf(oid, sizeof oid, "1.3.6.1.4.1.99999.%d", i + 1);
            struct attr a = attr1(strdup(oid), hex("0500"));
            kb.extra[kb.nextra++] = a;
        }
        c[0].bags[c[0].nbags++] = kb;
        c[1].bags[c[1].nbags++] = cert_bag(um, true);
        write_pfx("many-attributes.pfx", KEYS_PASSWORD, c, 2);
        for (size_t i = 0; i < kb.nextra; i++)
            free((char *)kb.extra[i].oid);
        free_contents(c, 2);
    }
    {
        /* 9 private keys (the limit is 8) and 300 SafeBags (the limit is 256). */
        struct content *c = contents(1);
        for (int i = 0; i < 9; i++)
            c[0].bags[c[0].nbags++] = key_bag(um_key, NULL);
        c[0].bags[c[0].nbags++] = cert_bag(um, true);
        write_pfx("many-keys.pfx", KEYS_PASSWORD, c, 1);
        free_contents(c, 1);
        c = contents(1);
        c[0].bags[c[0].nbags++] = key_bag(um_key, NULL);
        while (c[0].nbags < 300)
            c[0].bags[c[0].nbags++] = cert_bag(ca, false);
        write_pfx("many-bags.pfx", KEYS_PASSWORD, c, 1);
        free_contents(c, 1);
    }
    {
        struct content *c = contents(2);
        c[0].bags[c[0].nbags++] = key_bag(um_key, NULL);
        c[1].bags[c[1].nbags++] = cert_bag(um, true);
        c[0].break_tag = true;
        write_pfx("bad-safe-contents.pfx", KEYS_PASSWORD, c, 2);
        free_contents(c, 2);
    }

    /* Pool: the same certificate and key twice, a re-issued certificate for the same key,
     * another certificate with another key, and the right certificate with a wrong key. */
    simple_pfx("edge1.pfx", edge_key, edge, ca, CSP_SCHANNEL, true);
    simple_pfx("edge2.pfx", edge_key, edge, ca, CSP_SCHANNEL, true);
    simple_pfx("edge-reissued.pfx", edge_key, edge_reissued, ca, CSP_SCHANNEL, true);
    simple_pfx("edge-other-key.pfx", other_key, edge_other, ca, CSP_SCHANNEL, true);
    simple_pfx("edge-wrong-key.pfx", other_key, edge, ca, CSP_SCHANNEL, true);

    /* Template extensions. */
    struct {
        const char *file;
        const char *oid;
        struct blob value;
    } tmpl[] = {
        {"tmpl-v2.pem", OID_TEMPLATE, template_ext(KEYS_TEMPLATE_OID, "100", "4")},
        {"tmpl-v2-major-only.pem", OID_TEMPLATE, template_ext(KEYS_TEMPLATE_OID, "7", NULL)},
        {"tmpl-v1.pem", OID_TEMPLATE_NAME, template_name_ext("bmp", "WebServer")},
        {"tmpl-v1-wcce.pem", OID_TEMPLATE_NAME, template_name_ext("wcce", "WebServer")},
        {"tmpl-bad-der.pem", OID_TEMPLATE, hex("0403010203")},
        {"tmpl-negative.pem", OID_TEMPLATE, template_ext(KEYS_TEMPLATE_OID, "-1", NULL)},
        {"tmpl-too-big.pem", OID_TEMPLATE, template_ext(KEYS_TEMPLATE_OID, "4294967296", NULL)},
        {"tmpl-trailing.pem", OID_TEMPLATE, cat(template_ext(KEYS_TEMPLATE_OID, "100", "4"), hex("0000"))},
        {"tmpl-name-odd.pem", OID_TEMPLATE_NAME, hex("1E03005700")},
        {"tmpl-name-empty.pem", OID_TEMPLATE_NAME, hex("1E00")},
    };
    for (size_t i = 0; i < sizeof tmpl / sizeof tmpl[0]; i++) {
        struct certspec s = {.cn = KEYS_FQDN, .sans = {KEYS_FQDN}, .serial = 100 + (unsigned)i, .nexts = 1};
        s.exts[0].oid = tmpl[i].oid;
        s.exts[0].value = tmpl[i].value;
        gnutls_x509_crt_t c = new_cert(&s, um_key, ca, ca_key, now);
        write_pem(tmpl[i].file, c);
        gnutls_x509_crt_deinit(c);
        free(tmpl[i].value.p);
    }
    {
        /* Both extensions, as a Windows CA writes them for a version 2 template request that
         * also names the template. */
        struct certspec s = {.cn = KEYS_FQDN, .sans = {KEYS_FQDN}, .serial = 200, .nexts = 2};
        s.exts[0].oid = OID_TEMPLATE;
        s.exts[0].value = template_ext(KEYS_TEMPLATE_OID, "100", "4");
        s.exts[1].oid = OID_TEMPLATE_NAME;
        s.exts[1].value = template_name_ext("bmp", "ExchangeUM");
        gnutls_x509_crt_t c = new_cert(&s, um_key, ca, ca_key, now);
        write_pem("tmpl-both.pem", c);
        struct content *cs = contents(1);
        cs[0].bags[cs[0].nbags++] = key_bag(um_key, KSP_SOFTWARE);
        cs[0].bags[cs[0].nbags++] = cert_bag(c, true);
        write_pfx("tmpl-both-ksp.pfx", KEYS_PASSWORD, cs, 1);
        free_contents(cs, 1);
        gnutls_x509_crt_deinit(c);
        free(s.exts[0].value.p);
        free(s.exts[1].value.p);
    }

    /* Keys for the openssl cross-check (the test writes the PFX with openssl pkcs12 -CSP). */
    {
        gnutls_datum_t k;
        check_gnutls(gnutls_x509_privkey_export2(um_key, GNUTLS_X509_FMT_PEM, &k), "privkey_export2");
        struct blob b = copy(k.data, k.size);
        gnutls_free(k.data);
        write_file("um-key.pem", &b);
        /* A PEM file with the certificate and its (unencrypted) key block. */
        gnutls_datum_t c;
        check_gnutls(gnutls_x509_crt_export2(um, GNUTLS_X509_FMT_PEM, &c), "crt_export2 pem");
        struct blob both = copy(c.data, c.size);
        gnutls_free(c.data);
        put(&both, b.p, b.n);
        write_file("um-with-key.pem", &both);
        free(both.p);
        /* The certificate with another key (the wrong key file appended), with the other key
         * first and then its own (two keys, one of them the certificate's), and with its own key
         * encrypted (PKCS#8, PBES2 AES-256) under KEYS_PASSWORD. */
        gnutls_datum_t ok;
        check_gnutls(gnutls_x509_privkey_export2(other_key, GNUTLS_X509_FMT_PEM, &ok), "privkey_export2 other");
        struct blob other = {NULL, 0};
        check_gnutls(gnutls_x509_crt_export2(um, GNUTLS_X509_FMT_PEM, &c), "crt_export2 pem");
        put(&other, c.data, c.size);
        put(&other, ok.data, ok.size);
        write_file("um-with-other-key.pem", &other);
        put(&other, b.p, b.n);
        write_file("um-with-two-keys.pem", &other);
        free(other.p);
        gnutls_free(ok.data);
        gnutls_datum_t ek;
        check_gnutls(gnutls_x509_privkey_export2_pkcs8(um_key, GNUTLS_X509_FMT_PEM, KEYS_PASSWORD,
                                                       GNUTLS_PKCS_PBES2_AES_256, &ek), "export2_pkcs8 pem");
        struct blob enc = copy(c.data, c.size);
        put(&enc, ek.data, ek.size);
        write_file("um-with-encrypted-key.pem", &enc);
        free(enc.p);
        gnutls_free(ek.data);
        gnutls_free(c.data);
        free(b.p);
    }

    gnutls_x509_crt_deinit(ca);
    gnutls_x509_crt_deinit(um);
    gnutls_x509_crt_deinit(edge);
    gnutls_x509_crt_deinit(edge_reissued);
    gnutls_x509_crt_deinit(edge_other);
    gnutls_x509_privkey_deinit(ca_key);
    gnutls_x509_privkey_deinit(um_key);
    gnutls_x509_privkey_deinit(other_key);
    gnutls_x509_privkey_deinit(edge_key);
    asn1_delete_structure(&defs);
    return 0;
}
