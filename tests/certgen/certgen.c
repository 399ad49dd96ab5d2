/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy-certgen: writes the test fixtures described in tests/FIXTURES.md.
 *
 *   ucpolicy-certgen --out DIR
 *
 * Everything is generated with the GnuTLS C API at run time, valid around the moment it runs
 * (or around UCPOLICY_CERTGEN_TIME, seconds since 1970, to compare two builds of the generator):
 * a small test PKI, then, driven by the policy catalogue (roles, their rule bindings and the
 * products they apply to):
 *   - for every role and every product the role exists in, a "pass" case: the role's correct
 *     certificate and topology, checked against the CAs' current CRLs, whose `absent` lists every
 *     rule the role binds for the product;
 *   - for every (role, rule) binding that applies to some product, a "fail" case: the correct
 *     profile with one mutation that breaks the rule. `present` names the rule with the
 *     catalogue's severity for the product used, plus the findings the mutation necessarily
 *     causes as well (e.g. removing the CN from the SAN of a Default certificate also removes
 *     the pool FQDN); `absent` lists every other rule the role binds;
 *   - format cases (DER, PEM bundles, PKCS#7, PKCS#12), chain cases, the reference incident, and
 *     inputErrors (files that must be refused with a given ucp_status).
 *
 * Expectations come from the catalogue's data (severities, which rules a role binds, the
 * binding's flags and facts) and from the mutation, never from running a check: the
 * generator does not call ucp_checker_check(). A binding without a way to break it stops the
 * generation with an error (a rule that cannot fire is a catalogue or library bug), unless its
 * rule is in exemptions[]: a rule no static case can break (it needs a live OCSP responder), which
 * goes into the manifest's `exemptions` with the suite that breaks it instead; test-coverage
 * checks that suite really does. Mutations may also make the case a PKCS#12 file, add CRL files,
 * check online against 127.0.0.1 only, or compare a pool of files (tests/FIXTURES.md).
 *
 * The generator links the library's internal twin to read the binding details the public API
 * does not expose (flags such as `cn-counts`, the facts of subject.cn-mismatch).
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "fixtures.h" /* tests/keys: the PKCS#12 writer (keys_write_pfx) */
#include "trust/trust-private.h"

#define DAY 86400
#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_EMAIL "1.3.6.1.5.5.7.3.4"
#define CDP_URL "http://pki.contoso.com/crl/ucpolicy-issuing.crl"
#define CDP_LDAP "ldap:///CN=UCPolicy%20Test%20Issuing%20CA,CN=CDP,DC=contoso,DC=com?certificateRevocationList"
#define AIA_URL "http://pki.contoso.com/aia/ucpolicy-issuing.crt"
#define PFX_PASSWORD "Pfx-Test-P@ss w0rd"
#define PFX_ITERATIONS 2048 /* as OpenSSL 3 and Windows write them; cheap under valgrind */
#define INCIDENT_TEXT "The peer is not a configured server on this network interface"
/* Online cases never leave the machine: their URLs name 127.0.0.1 on the discard port, where
 * nothing listens, so a fetch is refused at once. */
#define LOCAL_URL "http://127.0.0.1:9"
#define CDP_LOCAL LOCAL_URL "/crl/ucpolicy-issuing.crl"
#define CSP_SCHANNEL "Microsoft RSA SChannel Cryptographic Provider"
#define KSP_SOFTWARE "Microsoft Software Key Storage Provider"
#define OID_TEMPLATE "1.3.6.1.4.1.311.21.7"
#define OID_TEMPLATE_NAME "1.3.6.1.4.1.311.20.2"

/* ---- failure and memory ------------------------------------------------------------------- */

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ucpolicy-certgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

#define GT(call)                                                                                   \
    do {                                                                                           \
        int gt_ret_ = (call);                                                                      \
        if (gt_ret_ < 0)                                                                           \
            die("%s:%d: %s: %s", __FILE__, __LINE__, #call, gnutls_strerror(gt_ret_));           \
    } while (0)

/* Every string the generator builds lives until exit in one list, freed at the end (the build
 * runs the generator under the sanitizers too). */
static char **arena;
static size_t narena, carena;

static char *keep(char *s)
{
    if (!s)
        die("out of memory");
    if (narena == carena) {
        carena = carena ? carena * 2 : 1024;
        arena = realloc(arena, carena * sizeof *arena);
        if (!arena)
            die("out of memory");
    }
    arena[narena++] = s;
    return s;
}

__attribute__((format(printf, 1, 2))) static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0)
        s = NULL;
    va_end(ap);
    return keep(s);
}

static char *sdup(const char *s)
{
    return keep(strdup(s));
}

/* ---- files -------------------------------------------------------------------------------- */

static const char *outdir;

static void mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            die("mkdir %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        die("mkdir %s: %s", buf, strerror(errno));
}

static void write_file(const char *rel, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        die("cannot write %s: %s", path, strerror(errno));
}

/* ---- keys --------------------------------------------------------------------------------- */

struct key {
    gnutls_x509_privkey_t x;
    gnutls_privkey_t priv;
    gnutls_pubkey_t pub;
};

static void key_generate(struct key *k, gnutls_pk_algorithm_t algo, unsigned bits)
{
    GT(gnutls_x509_privkey_init(&k->x));
    GT(gnutls_x509_privkey_generate(k->x, algo, bits, 0));
    GT(gnutls_privkey_init(&k->priv));
    GT(gnutls_privkey_import_x509(k->priv, k->x, 0));
    GT(gnutls_pubkey_init(&k->pub));
    GT(gnutls_pubkey_import_privkey(k->pub, k->priv, 0, 0));
}

static void key_free(struct key *k)
{
    if (k->pub)
        gnutls_pubkey_deinit(k->pub);
    if (k->priv)
        gnutls_privkey_deinit(k->priv);
    if (k->x)
        gnutls_x509_privkey_deinit(k->x);
}

static struct key k_root, k_root2, k_issuing, k_misc, k_leaf, k_rsa1024, k_rsa512, k_ec256, k_ec192,
    k_ed25519;
static gnutls_pubkey_t pub_e3, pub_even; /* the leaf modulus with exponents 3 and 65536 */

/* KEY_RSA_OTHER: a 2048-bit RSA key that is not the leaf's (another server's key). */
enum keykind {
    KEY_RSA2048,
    KEY_RSA1024,
    KEY_RSA512,
    KEY_RSA_E3,
    KEY_RSA_EVEN,
    KEY_EC256,
    KEY_EC192,
    KEY_ED25519,
    KEY_RSA_OTHER
};

static gnutls_pubkey_t keykind_pub(enum keykind k)
{
    switch (k) {
    case KEY_RSA2048: return k_leaf.pub;
    case KEY_RSA1024: return k_rsa1024.pub;
    case KEY_RSA512: return k_rsa512.pub;
    case KEY_RSA_E3: return pub_e3;
    case KEY_RSA_EVEN: return pub_even;
    case KEY_EC256: return k_ec256.pub;
    case KEY_EC192: return k_ec192.pub;
    case KEY_ED25519: return k_ed25519.pub;
    case KEY_RSA_OTHER: return k_misc.pub;
    }
    return NULL;
}

static void make_keys(void)
{
    key_generate(&k_root, GNUTLS_PK_RSA, 2048);
    key_generate(&k_root2, GNUTLS_PK_RSA, 2048);
    key_generate(&k_issuing, GNUTLS_PK_RSA, 2048);
    key_generate(&k_misc, GNUTLS_PK_RSA, 2048);
    key_generate(&k_leaf, GNUTLS_PK_RSA, 2048);
    key_generate(&k_rsa1024, GNUTLS_PK_RSA, 1024);
    key_generate(&k_rsa512, GNUTLS_PK_RSA, 512);
    key_generate(&k_ec256, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1));
    key_generate(&k_ec192, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP192R1));
    key_generate(&k_ed25519, GNUTLS_PK_EDDSA_ED25519, 256);

    /* Public keys whose private half we do not need: the leaf's modulus with a small (3) and an
     * even (65536) public exponent. Only the CA signs, so any public key can go in a certificate. */
    gnutls_datum_t m = {NULL, 0}, e = {NULL, 0};
    GT(gnutls_x509_privkey_export_rsa_raw(k_leaf.x, &m, &e, NULL, NULL, NULL, NULL));
    static unsigned char three[] = {3}, even[] = {1, 0, 0};
    gnutls_datum_t e3 = {three, sizeof three}, eeven = {even, sizeof even};
    GT(gnutls_pubkey_init(&pub_e3));
    GT(gnutls_pubkey_import_rsa_raw(pub_e3, &m, &e3));
    GT(gnutls_pubkey_init(&pub_even));
    GT(gnutls_pubkey_import_rsa_raw(pub_even, &m, &eeven));
    gnutls_free(m.data);
    gnutls_free(e.data);

}

/* ---- certificates ------------------------------------------------------------------------- */

static int64_t vt; /* the validation time: "now", to the second */

struct ca {
    gnutls_x509_crt_t crt;
    struct key *key;
    const char *file; /* relative path of its PEM, or NULL */
};

#define MAXSPECSAN 6000
struct spec {
    const char *org;
    const char *cn[3];
    size_t cnlen[3]; /* 0: strlen (a CN may hold a NUL byte) */
    int ncn;
    bool no_subject; /* an empty subject */
    struct {
        const char *v;
        size_t len;
        unsigned char tag; /* 0: [2] dNSName */
    } san[MAXSPECSAN];
    int nsan;
    bool has_eku;
    const char *eku[4];
    int neku;
    bool eku_critical;
    bool has_ku;
    unsigned ku;
    bool has_bc;
    bool bc_ca;
    int pathlen;
    const char *cdp;
    const char *aia;
    gnutls_pubkey_t pub;
    const struct ca *issuer;     /* NULL: self-signed with self_key */
    gnutls_privkey_t self_key;   /* the subject's private key, for self-signed certificates */
    bool pss;                    /* sign with RSASSA-PSS (the issuer's RSA key) */
    gnutls_digest_algorithm_t hash;
    int64_t nb, na;
    bool corrupt_signature;
    struct {
        const char *oid;
        const unsigned char *value;
        size_t len;
        bool critical;
    } ext[2]; /* extensions given as DER (name constraints, Microsoft template extensions) */
    int next;
};

static unsigned serial_counter;

/* A growing byte buffer. */
struct buf {
    unsigned char *data;
    size_t len;
};

static void buf_add(struct buf *b, const void *p, size_t n)
{
    b->data = realloc(b->data, b->len + n + 1);
    if (!b->data)
        die("out of memory");
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Append a DER TLV with a definite length. */
static void der_tlv(struct buf *b, unsigned char tag, const void *value, size_t len)
{
    unsigned char hdr[6];
    size_t n = 0;
    hdr[n++] = tag;
    if (len < 0x80) {
        hdr[n++] = (unsigned char)len;
    } else if (len < 0x100) {
        hdr[n++] = 0x81;
        hdr[n++] = (unsigned char)len;
    } else if (len < 0x10000) {
        hdr[n++] = 0x82;
        hdr[n++] = (unsigned char)(len >> 8);
        hdr[n++] = (unsigned char)len;
    } else if (len < 0x1000000) {
        hdr[n++] = 0x83;
        hdr[n++] = (unsigned char)(len >> 16);
        hdr[n++] = (unsigned char)(len >> 8);
        hdr[n++] = (unsigned char)len;
    } else {
        die("DER value too long");
    }
    buf_add(b, hdr, n);
    buf_add(b, value, len);
}

static void spec_init(struct spec *s)
{
    memset(s, 0, sizeof *s);
    s->hash = GNUTLS_DIG_SHA256;
    s->pathlen = -1;
}

static gnutls_x509_crt_t make_cert(const struct spec *s)
{
    gnutls_x509_crt_t crt;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    unsigned char serial[9] = {0x01, 'U', 'C', 'P', 0, 0, 0, 0, 0};
    unsigned n = ++serial_counter;
    for (int i = 0; i < 4; i++)
        serial[8 - i] = (unsigned char)(n >> (8 * i));
    GT(gnutls_x509_crt_set_serial(crt, serial, sizeof serial));
    GT(gnutls_x509_crt_set_activation_time(crt, (time_t)s->nb));
    GT(gnutls_x509_crt_set_expiration_time(crt, (time_t)s->na));
    if (!s->no_subject) {
        if (s->org)
            GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, s->org,
                                             (unsigned)strlen(s->org)));
        for (int i = 0; i < s->ncn; i++)
            GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, s->cn[i],
                                             (unsigned)(s->cnlen[i] ? s->cnlen[i] : strlen(s->cn[i]))));
    }
    GT(gnutls_x509_crt_set_pubkey(crt, s->pub));
    if (s->nsan) {
        /* Encoded here rather than with gnutls_x509_crt_set_subject_alt_name(), which stops a
         * name at a NUL byte: the names go in exactly as given. */
        struct buf names = {NULL, 0}, ext = {NULL, 0};
        for (int i = 0; i < s->nsan; i++)
            der_tlv(&names, s->san[i].tag ? s->san[i].tag : 0x82, s->san[i].v, s->san[i].len); /* [2] dNSName */
        der_tlv(&ext, 0x30, names.data, names.len);
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.17", ext.data, ext.len, 0));
        free(names.data);
        free(ext.data);
    }
    for (int i = 0; i < s->neku; i++)
        GT(gnutls_x509_crt_set_key_purpose_oid(crt, s->eku[i], s->eku_critical));
    if (s->has_eku && s->neku == 0)
        die("an EKU extension needs at least one purpose here");
    if (s->has_ku)
        GT(gnutls_x509_crt_set_key_usage(crt, s->ku));
    if (s->has_bc)
        GT(gnutls_x509_crt_set_basic_constraints(crt, s->bc_ca, s->pathlen));
    if (s->cdp)
        GT(gnutls_x509_crt_set_crl_dist_points(crt, GNUTLS_SAN_URI, s->cdp, 0));
    if (s->aia) {
        gnutls_datum_t d = {(unsigned char *)s->aia, (unsigned)strlen(s->aia)};
        GT(gnutls_x509_crt_set_authority_info_access(crt, GNUTLS_IA_CAISSUERS_URI, &d));
    }
    for (int i = 0; i < s->next; i++)
        GT(gnutls_x509_crt_set_extension_by_oid(crt, s->ext[i].oid, s->ext[i].value, s->ext[i].len,
                                                s->ext[i].critical));
    unsigned char id[64];
    size_t idlen = sizeof id;
    GT(gnutls_pubkey_get_key_id(s->pub, GNUTLS_KEYID_USE_SHA1, id, &idlen));
    GT(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
    if (s->issuer) {
        unsigned critical = 0;
        idlen = sizeof id;
        GT(gnutls_x509_crt_get_subject_key_id(s->issuer->crt, id, &idlen, &critical));
    }
    GT(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));
    gnutls_privkey_t signer = s->issuer ? s->issuer->key->priv : s->self_key;
    GT(gnutls_x509_crt_privkey_sign(crt, s->issuer ? s->issuer->crt : crt, signer, s->hash,
                                    s->pss ? GNUTLS_PRIVKEY_SIGN_FLAG_RSA_PSS : 0));
    if (s->corrupt_signature) {
        /* Flip a bit of the signature value (the last byte of the DER). */
        gnutls_datum_t der = {NULL, 0};
        GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
        der.data[der.size - 1] ^= 0x01;
        gnutls_x509_crt_deinit(crt);
        GT(gnutls_x509_crt_init(&crt));
        GT(gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER));
        gnutls_free(der.data);
    }
    return crt;
}

static gnutls_datum_t export_crt(gnutls_x509_crt_t crt, gnutls_x509_crt_fmt_t f)
{
    gnutls_datum_t d = {NULL, 0};
    GT(gnutls_x509_crt_export2(crt, f, &d));
    return d;
}

/* Append the PEM of @crt. */
static void buf_pem(struct buf *b, gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = export_crt(crt, GNUTLS_X509_FMT_PEM);
    buf_add(b, d.data, d.size);
    gnutls_free(d.data);
}

static void write_pem(const char *rel, gnutls_x509_crt_t *crts, size_t n)
{
    struct buf b = {NULL, 0};
    for (size_t i = 0; i < n; i++)
        buf_pem(&b, crts[i]);
    write_file(rel, b.data, b.len);
    free(b.data);
}

/* ---- the test PKI ------------------------------------------------------------------------- */

#define NDEEP 10 /* intermediates of the too-long chain: leaf + 10 + root > UCP_MAX_PATH_DEPTH */
#define NLA1 8   /* look-alike issuers, two levels: 8 x 9 candidate paths > UCP_MAX_PATHS */
#define NLA2 9

static struct ca ca_root, ca_root2, ca_issuing, ca_issuing_cross, ca_issuing_old, ca_issuing_local, ca_notca,
    ca_nocertsign, ca_pl0, ca_sub, ca_eku, ca_expired, ca_nc, ca_nc_ok, ca_nc_dn, ca_nc_ip, ca_deep[NDEEP],
    ca_la1[NLA1], ca_la2[NLA2];
static struct ca *all_cas[] = {&ca_root, &ca_root2, &ca_issuing, &ca_issuing_cross, &ca_issuing_old,
                               &ca_issuing_local, &ca_notca, &ca_nocertsign, &ca_pl0, &ca_sub, &ca_eku,
                               &ca_expired, &ca_nc, &ca_nc_ok, &ca_nc_dn, &ca_nc_ip};
static const char *deep_chain_files[NDEEP];
static const char *lookalike_file;

/* A CA certificate; @cdp replaces the usual distribution point of an intermediate, @nc adds
 * name constraints. */
static void make_ca_ex(struct ca *ca, const char *file, const char *cn, struct key *key, const struct ca *issuer,
                       int64_t nb, int64_t na, int pathlen, bool bc_ca, unsigned ku, const char *eku,
                       const char *cdp, const struct buf *nc)
{
    struct spec s;
    spec_init(&s);
    s.org = "UCPolicy Tests";
    s.cn[s.ncn++] = cn;
    s.pub = key->pub;
    s.issuer = issuer;
    s.self_key = key->priv;
    s.has_bc = true;
    s.bc_ca = bc_ca;
    s.pathlen = pathlen;
    s.has_ku = true;
    s.ku = ku;
    if (eku) {
        s.has_eku = true;
        s.eku[s.neku++] = eku;
    }
    if (issuer)
        s.cdp = cdp ? cdp : "http://pki.contoso.com/crl/ucpolicy-root.crl";
    if (nc) {
        s.ext[s.next].oid = "2.5.29.30";
        s.ext[s.next].value = nc->data;
        s.ext[s.next].len = nc->len;
        s.ext[s.next].critical = true;
        s.next++;
    }
    s.nb = nb;
    s.na = na;
    ca->crt = make_cert(&s);
    ca->key = key;
    ca->file = file;
    if (file)
        write_pem(file, &ca->crt, 1);
}

static void make_ca(struct ca *ca, const char *file, const char *cn, struct key *key, const struct ca *issuer,
                    int64_t nb, int64_t na, int pathlen, bool bc_ca, unsigned ku, const char *eku)
{
    make_ca_ex(ca, file, cn, key, issuer, nb, na, pathlen, bc_ca, ku, eku, NULL, NULL);
}

/* The DER of a NameConstraints extension (RFC 5280 4.2.1.10) with permitted (or, with @excluded,
 * excluded) subtrees, each "dns:NAME", "dn:RFC4514" or "ip:A.B.C.D/MASKBITS"; NULL ends the list.
 * Encoded here: GnuTLS cannot write a directoryName constraint. */
static struct buf name_constraints(bool excluded, ...)
{
    struct buf subtrees = {NULL, 0};
    va_list ap;
    va_start(ap, excluded);
    for (const char *c; (c = va_arg(ap, const char *)) != NULL;) {
        struct buf base = {NULL, 0}, subtree = {NULL, 0};
        if (strncmp(c, "dns:", 4) == 0) {
            der_tlv(&base, 0x82, c + 4, strlen(c + 4)); /* [2] dNSName */
        } else if (strncmp(c, "dn:", 3) == 0) {
            gnutls_x509_dn_t x;
            const char *err = NULL;
            gnutls_datum_t d = {NULL, 0};
            GT(gnutls_x509_dn_init(&x));
            if (gnutls_x509_dn_set_str(x, c + 3, &err) < 0)
                die("name constraint %s: bad DN near '%s'", c, err ? err : "?");
            GT(gnutls_x509_dn_export2(x, GNUTLS_X509_FMT_DER, &d));
            gnutls_x509_dn_deinit(x);
            der_tlv(&base, 0xa4, d.data, d.size); /* [4] directoryName, explicit (Name is a CHOICE) */
            gnutls_free(d.data);
        } else if (strncmp(c, "ip:", 3) == 0) {
            unsigned v[4], bits;
            if (sscanf(c + 3, "%u.%u.%u.%u/%u", &v[0], &v[1], &v[2], &v[3], &bits) != 5 || bits > 32)
                die("name constraint %s: not ip:A.B.C.D/BITS", c);
            unsigned char ip[8];
            uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;
            for (int i = 0; i < 4; i++) {
                ip[4 + i] = (unsigned char)(mask >> (24 - 8 * i));
                ip[i] = (unsigned char)(v[i] & ip[4 + i]);
            }
            der_tlv(&base, 0x87, ip, sizeof ip); /* [7] iPAddress: address and mask */
        } else {
            die("name constraint %s: unknown kind", c);
        }
        der_tlv(&subtree, 0x30, base.data, base.len);
        buf_add(&subtrees, subtree.data, subtree.len);
        free(base.data);
        free(subtree.data);
    }
    va_end(ap);
    struct buf tagged = {NULL, 0}, ext = {NULL, 0};
    der_tlv(&tagged, excluded ? 0xa1 : 0xa0, subtrees.data, subtrees.len);
    der_tlv(&ext, 0x30, tagged.data, tagged.len);
    free(subtrees.data);
    free(tagged.data);
    return ext;
}

static void make_pki(void)
{
    const unsigned caku = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
    make_ca(&ca_root, "certs/root.pem", "UCPolicy Test Root CA", &k_root, NULL, vt - 365 * DAY,
            vt + 3650 * DAY, -1, true, caku, NULL);
    make_ca(&ca_root2, "certs/root2.pem", "UCPolicy Test Root CA 2", &k_root2, NULL, vt - 365 * DAY,
            vt + 3650 * DAY, -1, true, caku, NULL);
    make_ca(&ca_issuing, "certs/issuing-ca.pem", "UCPolicy Test Issuing CA", &k_issuing, &ca_root,
            vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL);
    /* The same issuing CA (subject and key) cross-certified by the second root... */
    make_ca(&ca_issuing_cross, "certs/issuing-ca-cross.pem", "UCPolicy Test Issuing CA", &k_issuing,
            &ca_root2, vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL);
    /* ...and an expired earlier certificate of it, renewed since. */
    make_ca(&ca_issuing_old, "certs/issuing-ca-expired.pem", "UCPolicy Test Issuing CA", &k_issuing,
            &ca_root, vt - 900 * DAY, vt - 100 * DAY, -1, true, caku, NULL);
    make_ca(&ca_notca, "certs/notca.pem", "UCPolicy Test Not-a-CA", &k_misc, &ca_root, vt - 300 * DAY,
            vt + 1825 * DAY, -1, false, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN, NULL);
    make_ca(&ca_nocertsign, "certs/no-certsign-ca.pem", "UCPolicy Test No-keyCertSign CA", &k_misc,
            &ca_root, vt - 300 * DAY, vt + 1825 * DAY, -1, true, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_CRL_SIGN,
            NULL);
    make_ca(&ca_pl0, "certs/pathlen0-ca.pem", "UCPolicy Test PathLen0 CA", &k_misc, &ca_root, vt - 300 * DAY,
            vt + 1825 * DAY, 0, true, caku, NULL);
    make_ca(&ca_sub, "certs/pathlen0-sub-ca.pem", "UCPolicy Test Sub CA below PathLen0", &k_misc, &ca_pl0,
            vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL);
    make_ca(&ca_eku, "certs/email-eku-ca.pem", "UCPolicy Test Email-only CA", &k_misc, &ca_root,
            vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, OID_EMAIL);
    make_ca(&ca_expired, "certs/expired-ca.pem", "UCPolicy Test Expired CA", &k_misc, &ca_root,
            vt - 800 * DAY, vt - 30 * DAY, -1, true, caku, NULL);
    /* The issuing CA again (same name and key) with its distribution point on 127.0.0.1: the
     * intermediate of the online cases, so that no URL of their path leaves the machine. */
    make_ca_ex(&ca_issuing_local, "certs/issuing-ca-local-cdp.pem", "UCPolicy Test Issuing CA", &k_issuing,
               &ca_root, vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL, LOCAL_URL "/crl/ucpolicy-root.crl",
               NULL);
    /* Name-constrained intermediates: one that permits only Fabrikam names (DNS and directory
     * name), one that permits Contoso's, one whose DNS constraint permits Contoso but whose
     * directory-name constraint does not (checked by libucpolicy itself, not GnuTLS), and one
     * that excludes 10.0.0.0/8. */
    struct buf nc = name_constraints(false, "dns:fabrikam.com", "dn:O=Fabrikam Ltd", NULL);
    make_ca_ex(&ca_nc, "certs/constrained-ca-fabrikam.pem", "UCPolicy Test Fabrikam-only CA", &k_misc, &ca_root,
               vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL, NULL, &nc);
    free(nc.data);
    nc = name_constraints(false, "dns:contoso.com", "dn:O=Contoso Ltd", NULL);
    make_ca_ex(&ca_nc_ok, "certs/constrained-ca-contoso.pem", "UCPolicy Test Contoso-only CA", &k_misc, &ca_root,
               vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL, NULL, &nc);
    free(nc.data);
    nc = name_constraints(false, "dns:contoso.com", "dn:O=Fabrikam Ltd", NULL);
    make_ca_ex(&ca_nc_dn, "certs/constrained-ca-dn.pem", "UCPolicy Test Fabrikam-DN CA", &k_misc, &ca_root,
               vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL, NULL, &nc);
    free(nc.data);
    nc = name_constraints(true, "ip:10.0.0.0/8", NULL);
    make_ca_ex(&ca_nc_ip, "certs/constrained-ca-ip.pem", "UCPolicy Test No-10/8 CA", &k_misc, &ca_root,
               vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL, NULL, &nc);
    free(nc.data);
    for (int i = 0; i < NDEEP; i++) {
        deep_chain_files[i] = fmt("certs/deep-ca-%02d.pem", i + 1);
        make_ca(&ca_deep[i], deep_chain_files[i], fmt("UCPolicy Test Deep CA %02d", i + 1), &k_misc,
                i ? &ca_deep[i - 1] : &ca_root, vt - 300 * DAY, vt + 1825 * DAY, -1, true, caku, NULL);
    }
    /* Look-alike issuers: many certificates with the same subject, so that path building has
     * 8 x 9 candidate paths to explore (more than its limit of complete paths). */
    gnutls_x509_crt_t all[NLA1 + NLA2];
    for (int i = 0; i < NLA2; i++) {
        make_ca(&ca_la2[i], NULL, "UCPolicy Look-alike CA 2", &k_misc, &ca_root, vt - 300 * DAY - i,
                vt + 1825 * DAY, -1, true, caku, NULL);
        all[i] = ca_la2[i].crt;
    }
    for (int i = 0; i < NLA1; i++) {
        make_ca(&ca_la1[i], NULL, "UCPolicy Look-alike CA 1", &k_misc, &ca_la2[0], vt - 300 * DAY - i,
                vt + 1825 * DAY, -1, true, caku, NULL);
        all[NLA2 + i] = ca_la1[i].crt;
    }
    lookalike_file = "certs/lookalike-cas.pem";
    write_pem(lookalike_file, all, NLA1 + NLA2);
}

static void free_pki(void)
{
    for (size_t i = 0; i < UCP_ARRAY_SIZE(all_cas); i++)
        gnutls_x509_crt_deinit(all_cas[i]->crt);
    for (int i = 0; i < NDEEP; i++)
        gnutls_x509_crt_deinit(ca_deep[i].crt);
    for (int i = 0; i < NLA1; i++)
        gnutls_x509_crt_deinit(ca_la1[i].crt);
    for (int i = 0; i < NLA2; i++)
        gnutls_x509_crt_deinit(ca_la2[i].crt);
}

/* ---- certificate revocation lists -------------------------------------------------------- */

/* The CRLs every revocation case names: the root's and the issuing CA's current ones (the latter
 * revoking a certificate no case uses, so that it has an entry to search), a stale one of the
 * issuing CA, and one that names the issuing CA as issuer but is signed with another key. */
static const char *crl_root_file = "certs/root.crl";
static const char *crl_issuing_file = "certs/issuing.crl";
static const char *crl_expired_file = "certs/issuing-expired.crl";
static const char *crl_badsig_file = "certs/issuing-bad-signature.crl";

/* A CRL of @issuer signed with @signer (the issuer's key, or another one for a bad signature),
 * listing @revoked and, when @other_serial, a serial no certificate here has. DER unless @pem. */
static void write_crl(const char *rel, const struct ca *issuer, gnutls_privkey_t signer, int64_t this_update,
                      int64_t next_update, gnutls_x509_crt_t *revoked, size_t nrevoked, bool other_serial,
                      unsigned number, bool pem)
{
    gnutls_x509_crl_t crl;
    GT(gnutls_x509_crl_init(&crl));
    GT(gnutls_x509_crl_set_version(crl, 2));
    GT(gnutls_x509_crl_set_this_update(crl, (time_t)this_update));
    GT(gnutls_x509_crl_set_next_update(crl, (time_t)next_update));
    for (size_t i = 0; i < nrevoked; i++)
        GT(gnutls_x509_crl_set_crt(crl, revoked[i], (time_t)(vt - 3600)));
    if (other_serial) {
        static const unsigned char serial[] = {0x01, 'U', 'C', 'P', 0x7f, 0xff, 0xff, 0xff, 0xff};
        GT(gnutls_x509_crl_set_crt_serial(crl, serial, sizeof serial, (time_t)(vt - 10 * DAY)));
    }
    unsigned char id[64];
    size_t idlen = sizeof id;
    unsigned critical = 0;
    GT(gnutls_x509_crt_get_subject_key_id(issuer->crt, id, &idlen, &critical));
    GT(gnutls_x509_crl_set_authority_key_id(crl, id, idlen));
    unsigned char num[4] = {(unsigned char)(number >> 24), (unsigned char)(number >> 16), (unsigned char)(number >> 8),
                            (unsigned char)number};
    GT(gnutls_x509_crl_set_number(crl, num, sizeof num));
    GT(gnutls_x509_crl_privkey_sign(crl, issuer->crt, signer, GNUTLS_DIG_SHA256, 0));
    gnutls_datum_t out = {NULL, 0};
    GT(gnutls_x509_crl_export2(crl, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, &out));
    write_file(rel, out.data, out.size);
    gnutls_free(out.data);
    gnutls_x509_crl_deinit(crl);
}

static void make_crls(void)
{
    write_crl(crl_root_file, &ca_root, k_root.priv, vt - DAY, vt + 7 * DAY, NULL, 0, false, 1, false);
    write_crl(crl_issuing_file, &ca_issuing, k_issuing.priv, vt - DAY, vt + 7 * DAY, NULL, 0, true, 12, true);
    write_crl(crl_expired_file, &ca_issuing, k_issuing.priv, vt - 30 * DAY, vt - 2 * DAY, NULL, 0, true, 9, true);
    write_crl(crl_badsig_file, &ca_issuing, k_misc.priv, vt - DAY, vt + 7 * DAY, NULL, 0, true, 12, false);
}

/* ---- the catalogue ------------------------------------------------------------------------ */

static const ucp_product products[] = {UCP_PRODUCT_LYNC2010, UCP_PRODUCT_LYNC2013, UCP_PRODUCT_SFB2015,
                                       UCP_PRODUCT_SFB2019};

static const struct ucp_role_rule *binding(const struct ucp_role *role, enum ucp_rule_id id)
{
    int16_t i = role->index[id];
    return i < 0 ? NULL : &role->rules[i];
}

/* The severity of @id for @role and @product, or -1 when the rule does not apply. */
static int severity_of(const struct ucp_role *role, enum ucp_rule_id id, ucp_product p)
{
    const struct ucp_role_rule *rr = binding(role, id);
    return rr && ucp_role_rule_applies(rr, p) ? (int)ucp_role_rule_severity(rr, p) : -1;
}

static bool applies(const struct ucp_role *role, enum ucp_rule_id id, ucp_product p)
{
    return severity_of(role, id, p) >= 0;
}

static unsigned flags_of(const struct ucp_role *role, enum ucp_rule_id id)
{
    const struct ucp_role_rule *rr = binding(role, id);
    return rr ? ucp_role_rule_flags(rr) : 0;
}

static ucp_product default_product(const struct ucp_role *role)
{
    if (ucp_role_in_product(role, UCP_PRODUCT_SFB2019))
        return UCP_PRODUCT_SFB2019;
    for (size_t i = 0; i < UCP_ARRAY_SIZE(products); i++)
        if (ucp_role_in_product(role, products[i]))
            return products[i];
    die("role %s exists in no product", ucp_role_id(role));
}

/* ---- topology ----------------------------------------------------------------------------- */

struct topo {
    ucp_product product;
    const char *single[UCP_FACT_COUNT]; /* fqdn, pool, web-fqdn, access-edge, webconf-edge, xmpp */
    const char *list[UCP_FACT_COUNT][4];
    int nlist[UCP_FACT_COUNT];
};

static size_t topo_count(const struct topo *t, ucp_fact f)
{
    return ucp_fact_is_list(f) ? (size_t)t->nlist[f] : t->single[f] ? 1 : 0;
}

static const char *topo_get(const struct topo *t, ucp_fact f, size_t i)
{
    if (ucp_fact_is_list(f))
        return i < (size_t)t->nlist[f] ? t->list[f][i] : NULL;
    return i == 0 ? t->single[f] : NULL;
}

static void topo_clear(struct topo *t, ucp_fact f)
{
    t->single[f] = NULL;
    t->nlist[f] = 0;
}

static void topo_set(struct topo *t, ucp_fact f, const char *v)
{
    if (ucp_fact_is_list(f)) {
        if (t->nlist[f] >= 4)
            die("too many values");
        t->list[f][t->nlist[f]++] = v;
    } else {
        t->single[f] = v;
    }
}

/* The host of a simple URL as the library keeps it. */
static const char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return fmt("%.*s", (int)strcspn(p, "/:?#"), p);
}

static json_t *topo_json(const struct topo *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "product", json_string(ucp_product_name(t->product)));
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!topo_count(t, (ucp_fact)f))
            continue;
        if (ucp_fact_is_list((ucp_fact)f)) {
            json_t *a = json_array();
            for (int i = 0; i < t->nlist[f]; i++)
                json_array_append_new(a, json_string(t->list[f][i]));
            json_object_set_new(o, ucp_fact_json_key((ucp_fact)f), a);
        } else {
            json_object_set_new(o, ucp_fact_json_key((ucp_fact)f), json_string(t->single[f]));
        }
    }
    return o;
}

/* The deployment of a role: every fact it uses, with the XMPP domain where the product has XMPP
 * federation rules for the role. */
static void role_topology(const struct ucp_role *role, ucp_product p, struct topo *t)
{
    memset(t, 0, sizeof *t);
    t->product = p;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!ucp_role_uses_fact(role, (ucp_fact)f))
            continue;
        switch ((ucp_fact)f) {
        case UCP_FACT_FQDN: topo_set(t, UCP_FACT_FQDN, "server01.contoso.com"); break;
        case UCP_FACT_POOL: topo_set(t, UCP_FACT_POOL, "pool01.contoso.com"); break;
        case UCP_FACT_SIP_DOMAIN:
            topo_set(t, UCP_FACT_SIP_DOMAIN, "contoso.com");
            /* A second SIP domain where the role has a rule about the other SIP domains. */
            if (binding(role, UCP_RULE_SAN_DOMAIN_MISSING))
                topo_set(t, UCP_FACT_SIP_DOMAIN, "fabrikam.com");
            break;
        case UCP_FACT_SIMPLE_URL:
            topo_set(t, UCP_FACT_SIMPLE_URL, "https://meet.contoso.com/");
            topo_set(t, UCP_FACT_SIMPLE_URL, "https://dialin.contoso.com/");
            topo_set(t, UCP_FACT_SIMPLE_URL, "https://admin.contoso.com");
            break;
        case UCP_FACT_WEB_FQDN: topo_set(t, UCP_FACT_WEB_FQDN, "webservices.contoso.com"); break;
        case UCP_FACT_ACCESS_EDGE: topo_set(t, UCP_FACT_ACCESS_EDGE, "access.contoso.com"); break;
        case UCP_FACT_WEBCONF_EDGE: topo_set(t, UCP_FACT_WEBCONF_EDGE, "webconf.contoso.com"); break;
        case UCP_FACT_XMPP_DOMAIN:
            if (applies(role, UCP_RULE_SAN_XMPP_MISSING, p))
                topo_set(t, UCP_FACT_XMPP_DOMAIN, "contoso.com");
            break;
        }
    }
}

/* ---- profiles: what a leaf certificate looks like ----------------------------------------- */

#define MAXTAGS 6
struct sname {
    const char *v;
    size_t len;
    enum ucp_rule_id tags[MAXTAGS]; /* the rules that require this name */
    int ntags;
};

enum issuer_kind {
    ISS_ISSUING,
    ISS_SELF,
    ISS_NOTCA,
    ISS_NOCERTSIGN,
    ISS_PATHLEN,
    ISS_EXPIRED,
    ISS_EKU,
    ISS_DEEP,
    ISS_LOOKALIKE,
    ISS_CONSTRAINED, /* the Fabrikam-only name-constrained CA */
    ISS_CONSTRAINED_OK,
    ISS_CONSTRAINED_DN,
    ISS_CONSTRAINED_IP
};

struct profile {
    bool no_subject;
    const char *org;
    const char *cn[3];
    int ncn;
    bool has_san;
    struct sname san[48];
    int nsan;
    bool has_eku;
    const char *eku[4];
    int neku;
    bool eku_critical;
    bool has_ku;
    unsigned ku;
    bool bc_ca;
    enum keykind key;
    gnutls_digest_algorithm_t hash;
    bool pss;
    int64_t nb, na;
    const char *cdp;
    enum issuer_kind issuer;
    bool corrupt_signature;
    const char *ext_oid; /* one more extension, as DER (a Microsoft template extension) */
    const unsigned char *ext_value;
    size_t ext_len;
};

static struct sname *san_find(struct profile *pr, const char *v)
{
    for (int i = 0; i < pr->nsan; i++)
        if (strlen(v) == pr->san[i].len && strcasecmp(pr->san[i].v, v) == 0)
            return &pr->san[i];
    return NULL;
}

/* Add a SAN DNS name (once), tagged with the rule that requires it (UCP_RULE__COUNT: none). */
static struct sname *san_add(struct profile *pr, const char *v, enum ucp_rule_id tag)
{
    struct sname *s = san_find(pr, v);
    if (!s) {
        if (pr->nsan == (int)UCP_ARRAY_SIZE(pr->san))
            die("too many SAN entries");
        s = &pr->san[pr->nsan++];
        memset(s, 0, sizeof *s);
        s->v = v;
        s->len = strlen(v);
    }
    if (tag != UCP_RULE__COUNT && s->ntags < MAXTAGS)
        s->tags[s->ntags++] = tag;
    return s;
}

static void san_insert_first(struct profile *pr, const char *v, enum ucp_rule_id tag)
{
    san_add(pr, v, tag);
    struct sname t = pr->san[pr->nsan - 1];
    memmove(&pr->san[1], &pr->san[0], (size_t)(pr->nsan - 1) * sizeof pr->san[0]);
    pr->san[0] = t;
}

static void san_remove(struct profile *pr, int i)
{
    memmove(&pr->san[i], &pr->san[i + 1], (size_t)(pr->nsan - i - 1) * sizeof pr->san[0]);
    pr->nsan--;
}

static bool has_tag(const struct sname *s, enum ucp_rule_id id)
{
    for (int i = 0; i < s->ntags; i++)
        if (s->tags[i] == id)
            return true;
    return false;
}

static bool long_lived_ok(const struct ucp_role *role, ucp_product p)
{
    return !applies(role, UCP_RULE_VALIDITY_PUBLIC_MAX, p);
}

/* The correct certificate of @role for the deployment @t. */
static void role_profile(const struct ucp_role *role, const struct topo *t, struct profile *pr)
{
    ucp_product p = t->product;
    memset(pr, 0, sizeof *pr);
    pr->org = "Contoso Ltd";
    /* CN: the first deployment value the role's subject.cn-mismatch accepts, else the server FQDN. */
    const struct ucp_role_rule *mm = binding(role, UCP_RULE_SUBJECT_CN_MISMATCH);
    const char *cn = NULL;
    for (unsigned f = 0; mm && !cn && f < UCP_FACT_COUNT; f++)
        if ((mm->facts & UCP_FACT_BIT(f)) && topo_count(t, (ucp_fact)f))
            cn = topo_get(t, (ucp_fact)f, 0);
    if (!cn)
        cn = topo_count(t, UCP_FACT_FQDN) ? topo_get(t, UCP_FACT_FQDN, 0) : "host01.contoso.com";
    pr->cn[pr->ncn++] = cn;

    /* SAN: the CN, then every name a rule of the role requires. A role without the san.missing
     * rule (the Exchange Auth certificate) has no SAN, like the real one. */
    pr->has_san = binding(role, UCP_RULE_SAN_MISSING) != NULL && applies(role, UCP_RULE_SAN_MISSING, p);
    if (pr->has_san) {
        san_add(pr, cn, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
        if (topo_count(t, UCP_FACT_FQDN))
            san_add(pr, topo_get(t, UCP_FACT_FQDN, 0), UCP_RULE_SAN_FQDN_MISSING);
        if (topo_count(t, UCP_FACT_POOL))
            san_add(pr, topo_get(t, UCP_FACT_POOL, 0), UCP_RULE_SAN_POOL_MISSING);
        if (topo_count(t, UCP_FACT_WEB_FQDN))
            san_add(pr, topo_get(t, UCP_FACT_WEB_FQDN, 0), UCP_RULE_SAN_WEB_FQDN_MISSING);
        if (topo_count(t, UCP_FACT_ACCESS_EDGE))
            san_add(pr, topo_get(t, UCP_FACT_ACCESS_EDGE, 0), UCP_RULE_SAN_ACCESS_EDGE_MISSING);
        if (topo_count(t, UCP_FACT_WEBCONF_EDGE))
            san_add(pr, topo_get(t, UCP_FACT_WEBCONF_EDGE, 0), UCP_RULE_SAN_WEBCONF_EDGE_MISSING);
        bool no_admin = flags_of(role, UCP_RULE_SAN_SIMPLE_URL_MISSING) & UCP_RF_NO_ADMIN;
        for (size_t i = 0; i < topo_count(t, UCP_FACT_SIMPLE_URL); i++) {
            const char *h = url_host(topo_get(t, UCP_FACT_SIMPLE_URL, i));
            san_add(pr, h, no_admin && strncmp(h, "admin.", 6) == 0 ? UCP_RULE__COUNT
                                                                     : UCP_RULE_SAN_SIMPLE_URL_MISSING);
        }
        bool internal = flags_of(role, UCP_RULE_SAN_LYNCDISCOVER_MISSING) & UCP_RF_INTERNAL;
        for (size_t i = 0; i < topo_count(t, UCP_FACT_SIP_DOMAIN); i++) {
            const char *d = topo_get(t, UCP_FACT_SIP_DOMAIN, i);
            if (binding(role, UCP_RULE_SAN_SIP_DOMAIN_MISSING))
                san_add(pr, fmt("sip.%s", d), UCP_RULE_SAN_SIP_DOMAIN_MISSING);
            if (binding(role, UCP_RULE_SAN_LYNCDISCOVER_MISSING))
                san_add(pr, fmt("%s.%s", internal ? "lyncdiscoverinternal" : "lyncdiscover", d),
                        UCP_RULE_SAN_LYNCDISCOVER_MISSING);
            if (i > 0 && binding(role, UCP_RULE_SAN_DOMAIN_MISSING))
                san_add(pr, d, UCP_RULE_SAN_DOMAIN_MISSING);
        }
        if (topo_count(t, UCP_FACT_XMPP_DOMAIN) && applies(role, UCP_RULE_SAN_XMPP_MISSING, p)) {
            const char *x = topo_get(t, UCP_FACT_XMPP_DOMAIN, 0);
            san_add(pr, fmt("xmpp.%s", x), UCP_RULE_SAN_XMPP_MISSING);
            san_add(pr, x, UCP_RULE_SAN_XMPP_MISSING);
        }
    }
    pr->has_eku = true;
    pr->eku[pr->neku++] = OID_SERVER_AUTH;
    pr->eku[pr->neku++] = OID_CLIENT_AUTH;
    pr->has_ku = true;
    pr->ku = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT;
    pr->key = KEY_RSA2048;
    /* Lync Server 2010 peers need SHA-1 where the role says so (signature.sha2-lync2010). */
    pr->hash = applies(role, UCP_RULE_SIGNATURE_SHA2_LYNC2010, p) ? GNUTLS_DIG_SHA1 : GNUTLS_DIG_SHA256;
    pr->nb = vt - DAY;
    /* Publicly trusted certificates are short-lived (CA/B Forum SC-081): 45 days fits every step
     * of the schedule and stays outside the 30-day expiry warning. */
    pr->na = long_lived_ok(role, p) ? vt + 730 * DAY : vt + 44 * DAY;
    pr->cdp = CDP_URL;
    pr->issuer = ISS_ISSUING;
}

static void profile_cert(const struct profile *pr, struct spec *s)
{
    spec_init(s);
    s->no_subject = pr->no_subject;
    s->org = pr->org;
    for (int i = 0; i < pr->ncn; i++)
        s->cn[s->ncn++] = pr->cn[i];
    for (int i = 0; pr->has_san && i < pr->nsan; i++) {
        s->san[s->nsan].v = pr->san[i].v;
        s->san[s->nsan].len = pr->san[i].len;
        s->san[s->nsan].tag = 0;
        s->nsan++;
    }
    s->has_eku = pr->has_eku;
    for (int i = 0; pr->has_eku && i < pr->neku; i++)
        s->eku[s->neku++] = pr->eku[i];
    s->eku_critical = pr->eku_critical;
    s->has_ku = pr->has_ku;
    s->ku = pr->ku;
    s->has_bc = true;
    s->bc_ca = pr->bc_ca;
    s->cdp = pr->cdp;
    s->aia = AIA_URL;
    s->pub = keykind_pub(pr->key);
    s->hash = pr->hash;
    s->nb = pr->nb;
    s->na = pr->na;
    s->corrupt_signature = pr->corrupt_signature;
    if (pr->ext_oid) {
        s->ext[0].oid = pr->ext_oid;
        s->ext[0].value = pr->ext_value;
        s->ext[0].len = pr->ext_len;
        s->next = 1;
    }
    switch (pr->issuer) {
    case ISS_ISSUING: s->issuer = &ca_issuing; break;
    case ISS_SELF:
        if (pr->key != KEY_RSA2048)
            die("a self-signed leaf needs the leaf key");
        s->self_key = k_leaf.priv;
        break;
    case ISS_NOTCA: s->issuer = &ca_notca; break;
    case ISS_NOCERTSIGN: s->issuer = &ca_nocertsign; break;
    case ISS_PATHLEN: s->issuer = &ca_sub; break;
    case ISS_EXPIRED: s->issuer = &ca_expired; break;
    case ISS_EKU: s->issuer = &ca_eku; break;
    case ISS_DEEP: s->issuer = &ca_deep[NDEEP - 1]; break;
    case ISS_LOOKALIKE: s->issuer = &ca_la1[0]; break;
    case ISS_CONSTRAINED: s->issuer = &ca_nc; break;
    case ISS_CONSTRAINED_OK: s->issuer = &ca_nc_ok; break;
    case ISS_CONSTRAINED_DN: s->issuer = &ca_nc_dn; break;
    case ISS_CONSTRAINED_IP: s->issuer = &ca_nc_ip; break;
    }
    if (pr->pss) {
        if (pr->issuer != ISS_ISSUING)
            die("RSASSA-PSS signatures come from the issuing CA");
        s->pss = true;
    }
}

/* ---- cases -------------------------------------------------------------------------------- */

struct expect_item {
    enum ucp_rule_id id;
    int severity;
    const char *remediation; /* text the remediation must contain, or NULL */
};

struct xcase {
    const char *id;
    const struct ucp_role *role;
    const char *rule; /* NULL for pass cases */
    bool pass;
    const char *file;
    const char *password;
    const char *chain[NDEEP + 4];
    int nchain;
    const char *trust[4];
    int ntrust;
    const char *public_roots[4];
    int npublic;
    const char *crls[4];
    int ncrls;
    bool online;
    unsigned timeout_ms; /* 0: the library's default */
    const char *pool[4]; /* the other files of a pool check */
    int npool;
    struct topo topo;
    struct expect_item present[24];
    int npresent;
    const char *format;
    const char *description;
};

static json_t *cases_json, *errors_json;
static size_t ncases_pass, ncases_fail;

static void case_init(struct xcase *c, const struct ucp_role *role, const struct topo *t)
{
    memset(c, 0, sizeof *c);
    c->role = role;
    c->topo = *t;
    c->trust[c->ntrust++] = ca_root.file;
    c->chain[c->nchain++] = ca_issuing.file;
    /* Roles that need a public CA: the test root stands for the public store. */
    if (binding(role, UCP_RULE_CHAIN_NOT_PUBLIC))
        c->public_roots[c->npublic++] = ca_root.file;
    c->format = "pem";
}

/* Expect rule @id (when the role applies it for the case's product). */
static void expect(struct xcase *c, enum ucp_rule_id id)
{
    int sev = severity_of(c->role, id, c->topo.product);
    if (sev < 0)
        return;
    for (int i = 0; i < c->npresent; i++)
        if (c->present[i].id == id)
            return;
    if (c->npresent == (int)UCP_ARRAY_SIZE(c->present))
        die("%s: too many expected findings", c->id);
    c->present[c->npresent].id = id;
    c->present[c->npresent].severity = sev;
    c->present[c->npresent].remediation = NULL;
    c->npresent++;
}

static json_t *str_list(const char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static void emit_case(const struct xcase *c)
{
    ucp_product p = c->topo.product;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "role", json_string(ucp_role_id(c->role)));
    json_object_set_new(o, "rule", c->rule ? json_string(c->rule) : json_null());
    json_object_set_new(o, "kind", json_string(c->pass ? "pass" : "fail"));
    json_object_set_new(o, "description", json_string(c->description ? c->description : ""));
    json_object_set_new(o, "file", json_string(c->file));
    json_object_set_new(o, "password", c->password ? json_string(c->password) : json_null());
    json_object_set_new(o, "chain", str_list(c->chain, c->nchain));
    json_object_set_new(o, "trust", str_list(c->trust, c->ntrust));
    json_object_set_new(o, "publicRoots", str_list(c->public_roots, c->npublic));
    /* The optional fields of the contract, written only when a case uses them. */
    if (c->ncrls)
        json_object_set_new(o, "crls", str_list(c->crls, c->ncrls));
    if (c->online) {
        json_object_set_new(o, "online", json_true());
        if (c->timeout_ms)
            json_object_set_new(o, "timeoutMs", json_integer(c->timeout_ms));
    }
    if (c->npool)
        json_object_set_new(o, "pool", str_list(c->pool, c->npool));
    json_object_set_new(o, "topology", topo_json(&c->topo));
    int worst = -1;
    json_t *present = json_array();
    for (int i = 0; i < c->npresent; i++) {
        const struct expect_item *e = &c->present[i];
        if (e->severity > worst)
            worst = e->severity;
        json_t *item = json_object();
        json_object_set_new(item, "code", json_string(ucp_rules[e->id].code));
        json_object_set_new(item, "severity", json_string(ucp_severity_name((ucp_severity)e->severity)));
        if (e->remediation)
            json_object_set_new(item, "remediationContains", json_string(e->remediation));
        json_array_append_new(present, item);
    }
    /* Every other rule the role applies for the product must stay silent. */
    json_t *absent = json_array();
    for (size_t i = 0; i < ucp_role_rule_count(c->role); i++) {
        const ucp_role_rule *rr = ucp_role_rule_at(c->role, i);
        if (!ucp_role_rule_applies(rr, p))
            continue;
        bool listed = false;
        for (int k = 0; k < c->npresent; k++)
            if (strcmp(ucp_rules[c->present[k].id].code, ucp_role_rule_code(rr)) == 0)
                listed = true;
        if (!listed)
            json_array_append_new(absent, json_string(ucp_role_rule_code(rr)));
    }
    if (c->pass && c->npresent)
        die("%s: a pass case with expected findings", c->id);
    if (!c->pass && !c->npresent)
        die("%s: a fail case without expected findings", c->id);
    const char *result = worst == UCP_SEVERITY_ERROR ? "fail" : worst == UCP_SEVERITY_WARNING ? "warning" : "pass";
    json_t *ex = json_object();
    json_object_set_new(ex, "result", json_string(result));
    json_object_set_new(ex, "format", json_string(c->format));
    json_object_set_new(ex, "present", present);
    json_object_set_new(ex, "absent", absent);
    json_object_set_new(o, "expect", ex);
    json_array_append_new(cases_json, o);
    if (c->pass)
        ncases_pass++;
    else
        ncases_fail++;
}

static gnutls_x509_crt_t profile_crt(const struct profile *pr)
{
    struct spec s;
    profile_cert(pr, &s);
    return make_cert(&s);
}

/* Write the leaf of @pr to @rel as PEM. */
static void write_leaf(const char *rel, const struct profile *pr)
{
    struct spec s;
    profile_cert(pr, &s);
    gnutls_x509_crt_t crt = make_cert(&s);
    write_pem(rel, &crt, 1);
    gnutls_x509_crt_deinit(crt);
}

static void write_pkcs12(const char *rel, const gnutls_x509_crt_t *crts, size_t n, size_t leaf, const struct key *key,
                         const char *csp, const char *password, unsigned iter, unsigned mac_iter);

/* ---- mutations ---------------------------------------------------------------------------- */

struct mut {
    const struct ucp_role *role;
    struct xcase *c;
    struct topo *t;
    struct profile *pr;
    enum ucp_rule_id target;
    const char *what; /* description of the mutation */
    /* How the leaf is written: PEM, or (pfx) a PKCS#12 file with a private key. */
    bool pfx;
    const char *csp;  /* the key bag's Microsoft CSP name; NULL: none recorded */
    bool wrong_key;   /* the PFX holds another key than the certificate's */
    bool pool_other;  /* checked as a pool with another server's file (other certificate and key) */
    bool revoke;      /* a current CRL of the issuing CA lists the leaf (c->crls[0]) */
};

/* An OCTET STRING where [MS-WCCE] puts the CertificateTemplate SEQUENCE. */
static const unsigned char bad_template[] = {0x04, 0x03, 0x01, 0x02, 0x03};

/* The case's leaf goes into a PKCS#12 file with a private key: a role that needs an exportable
 * key says, for any file with a key, that the file cannot tell (an info finding). */
static void as_pfx(struct mut *m, const char *csp)
{
    m->pfx = true;
    m->csp = csp;
    expect(m->c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN);
}

static ucp_product mp(const struct mut *m)
{
    return m->t->product;
}

static bool dns_left(const struct profile *pr)
{
    return pr->has_san && pr->nsan > 0;
}

/* Would subject.cn-mismatch fire for the profile's CN? */
static bool cn_mismatch_fires(const struct mut *m)
{
    const struct ucp_role_rule *mm = binding(m->role, UCP_RULE_SUBJECT_CN_MISMATCH);
    if (!mm || m->pr->no_subject || m->pr->ncn == 0)
        return false;
    bool any = false;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!(mm->facts & UCP_FACT_BIT(f)))
            continue;
        for (size_t i = 0; i < topo_count(m->t, (ucp_fact)f); i++) {
            any = true;
            if (strcasecmp(topo_get(m->t, (ucp_fact)f, i), m->pr->cn[0]) == 0)
                return false;
        }
    }
    return any;
}

/* Replace the CN by @cn, repeated first in the SAN so that only the CN rules notice. */
static void change_cn(struct mut *m, const char *cn)
{
    struct profile *pr = m->pr;
    const char *old = pr->cn[0];
    pr->cn[0] = cn;
    for (int i = 0; i < pr->nsan; i++) {
        struct sname *s = &pr->san[i];
        if (strcasecmp(s->v, old) != 0)
            continue;
        for (int k = 0; k < s->ntags; k++)
            if (s->tags[k] == UCP_RULE_SUBJECT_CN_NOT_IN_SAN)
                s->tags[k] = s->tags[--s->ntags];
    }
    if (pr->has_san)
        san_insert_first(pr, cn, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
    if (cn_mismatch_fires(m))
        expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
}

/* Does rule @id (a required-name rule) still find @name, given the CN? */
static bool cn_covers(const struct mut *m, enum ucp_rule_id id, const char *name)
{
    return (flags_of(m->role, id) & UCP_RF_CN_COUNTS) && !m->pr->no_subject && m->pr->ncn &&
           strcasecmp(m->pr->cn[0], name) == 0;
}

/* Remove SAN entry @i and expect what its absence breaks. */
static void remove_entry(struct mut *m, int i)
{
    struct profile *pr = m->pr;
    struct sname s = pr->san[i];
    san_remove(pr, i);
    if (pr->nsan == 0) {
        /* Keep a SAN extension with a harmless name, so that san.missing stays silent. */
        san_add(pr, "filler.contoso.com", UCP_RULE__COUNT);
    }
    for (int k = 0; k < s.ntags; k++) {
        enum ucp_rule_id t = s.tags[k];
        if (t == UCP_RULE_SUBJECT_CN_NOT_IN_SAN) {
            if (dns_left(pr))
                expect(m->c, t);
        } else if (!cn_covers(m, t, s.v)) {
            expect(m->c, t);
        }
    }
}

/* A required-name rule: the certificate stops naming what the deployment says. */
static bool mut_required_name(struct mut *m)
{
    enum ucp_rule_id id = m->target;
    struct profile *pr = m->pr;
    int at = -1;
    for (int i = 0; i < pr->nsan && at < 0; i++)
        if (has_tag(&pr->san[i], id))
            at = i;
    if (at < 0) {
        /* The deployment fact is not part of the role's usual facts (e.g. --fqdn for the Edge
         * external interface): declare it without naming it in the certificate. */
        if (id != UCP_RULE_SAN_FQDN_MISSING || topo_count(m->t, UCP_FACT_FQDN))
            return false;
        topo_set(m->t, UCP_FACT_FQDN, "undeclared01.contoso.com");
        if (cn_mismatch_fires(m))
            expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
        expect(m->c, id);
        m->what = "an FQDN fact that the certificate does not name";
        return true;
    }
    const char *name = pr->san[at].v;
    if (!pr->has_san)
        return false;
    if (cn_covers(m, id, name)) {
        /* The role accepts the name in the CN too: move the CN elsewhere first. */
        change_cn(m, "cn-elsewhere.contoso.com");
        for (int i = 0; i < pr->nsan; i++)
            if (strcasecmp(pr->san[i].v, name) == 0)
                at = i;
    }
    m->what = fmt("the SAN without '%s'", name);
    remove_entry(m, at);
    expect(m->c, id);
    return true;
}

static const char *first_sip_domain(const struct mut *m)
{
    return topo_count(m->t, UCP_FACT_SIP_DOMAIN) ? topo_get(m->t, UCP_FACT_SIP_DOMAIN, 0) : NULL;
}

/* Would san.wildcard-not-allowed report wildcard @w? (mirrors the documented `allow` facts) */
static bool wildcard_not_allowed(const struct mut *m, const char *w)
{
    if (!applies(m->role, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED, mp(m)))
        return false;
    const struct ucp_role_rule *rr = binding(m->role, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    if (!rr->allow)
        return true;
    bool decidable = false;
    if (rr->allow & UCP_FACT_BIT(UCP_FACT_SIMPLE_URL)) {
        for (size_t i = 0; i < topo_count(m->t, UCP_FACT_SIMPLE_URL); i++) {
            decidable = true;
            const char *h = url_host(topo_get(m->t, UCP_FACT_SIMPLE_URL, i));
            const char *dot = strchr(h, '.');
            if (dot && strcasecmp(dot + 1, w + 2) == 0)
                return false;
        }
    }
    if (rr->allow & UCP_FACT_BIT(UCP_FACT_SIP_DOMAIN)) {
        for (size_t i = 0; i < topo_count(m->t, UCP_FACT_SIP_DOMAIN); i++) {
            decidable = true;
            if (strcasecmp(topo_get(m->t, UCP_FACT_SIP_DOMAIN, i), w + 2) == 0)
                return false;
        }
    }
    return decidable;
}

static bool mut_wildcard_for_server_name(struct mut *m)
{
    struct profile *pr = m->pr;
    /* A name the role requires explicitly (flag `explicit`), preferably not the CN. */
    int at = -1;
    for (int pass = 0; pass < 2 && at < 0; pass++) {
        for (int i = 0; i < pr->nsan && at < 0; i++) {
            if (pass == 0 && strcasecmp(pr->san[i].v, pr->cn[0]) == 0)
                continue;
            for (int k = 0; k < pr->san[i].ntags; k++) {
                enum ucp_rule_id t = pr->san[i].tags[k];
                if (t != UCP_RULE_SUBJECT_CN_NOT_IN_SAN && applies(m->role, t, mp(m)) &&
                    (flags_of(m->role, t) & UCP_RF_EXPLICIT) && !cn_covers(m, t, pr->san[i].v))
                    at = i;
            }
        }
    }
    if (at < 0)
        return false;
    struct sname s = pr->san[at];
    const char *dot = strchr(s.v, '.');
    const char *wild = fmt("*%s", dot);
    san_remove(pr, at);
    san_add(pr, wild, UCP_RULE__COUNT);
    m->what = fmt("'%s' replaced by the wildcard '%s'", s.v, wild);
    for (int k = 0; k < s.ntags; k++) {
        enum ucp_rule_id t = s.tags[k];
        if (t == UCP_RULE_SUBJECT_CN_NOT_IN_SAN)
            expect(m->c, t);
        else if (applies(m->role, t, mp(m)) && (flags_of(m->role, t) & UCP_RF_EXPLICIT))
            expect(m->c, UCP_RULE_SAN_WILDCARD_FOR_SERVER_NAME);
    }
    if (wildcard_not_allowed(m, wild))
        expect(m->c, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    return true;
}

static bool mutate(struct mut *m)
{
    struct profile *pr = m->pr;
    struct xcase *c = m->c;
    enum ucp_rule_id id = m->target;
    switch (id) {
    /* ---- subject ---- */
    case UCP_RULE_SUBJECT_EMPTY:
        pr->no_subject = true;
        m->what = "an empty subject";
        expect(c, id);
        return true;
    case UCP_RULE_SUBJECT_CN_MISSING:
        pr->ncn = 0;
        m->what = "a subject without CN (O=Contoso Ltd only)";
        expect(c, id);
        return true;
    case UCP_RULE_SUBJECT_CN_WILDCARD: {
        const char *dot = strchr(pr->cn[0], '.');
        pr->cn[0] = fmt("*%s", dot ? dot : ".contoso.com");
        m->what = fmt("CN=%s", pr->cn[0]);
        expect(c, id);
        if (dns_left(pr))
            expect(c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
        return true;
    }
    case UCP_RULE_SUBJECT_CN_MISMATCH:
        change_cn(m, "other01.contoso.com");
        m->what = "CN=other01.contoso.com (also in the SAN)";
        return true;
    case UCP_RULE_SUBJECT_CN_NOT_IN_SAN:
        for (int i = 0; i < pr->nsan; i++) {
            if (strcasecmp(pr->san[i].v, pr->cn[0]) == 0) {
                m->what = fmt("the CN '%s' missing from the SAN", pr->cn[0]);
                remove_entry(m, i);
                expect(c, id);
                return true;
            }
        }
        return false;
    case UCP_RULE_SUBJECT_CN_MULTIPLE:
        pr->cn[pr->ncn++] = "second01.contoso.com";
        m->what = "a second CN after the right one";
        expect(c, id);
        return true;
    case UCP_RULE_SUBJECT_CN_INVALID_NAME: {
        const char *dot = strchr(pr->cn[0], '.');
        pr->cn[0] = fmt("bad_host%s", dot ? dot : ".contoso.com");
        m->what = fmt("CN=%s (underscore)", pr->cn[0]);
        expect(c, id);
        if (cn_mismatch_fires(m))
            expect(c, UCP_RULE_SUBJECT_CN_MISMATCH);
        if (dns_left(pr))
            expect(c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
        return true;
    }
    case UCP_RULE_SUBJECT_SIP_DOMAIN_MISSING:
        if (!first_sip_domain(m))
            return false;
        change_cn(m, "oauth.northwind.example");
        m->what = "CN=oauth.northwind.example, outside the default SIP domain";
        expect(c, id);
        return true;

    /* ---- SAN ---- */
    case UCP_RULE_SAN_MISSING:
        if (!pr->has_san)
            return false;
        m->what = "no subjectAltName extension";
        for (int i = 0; i < pr->nsan; i++)
            for (int k = 0; k < pr->san[i].ntags; k++)
                if (pr->san[i].tags[k] != UCP_RULE_SUBJECT_CN_NOT_IN_SAN &&
                    !cn_covers(m, pr->san[i].tags[k], pr->san[i].v))
                    expect(c, pr->san[i].tags[k]);
        pr->has_san = false;
        expect(c, id);
        return true;
    case UCP_RULE_SAN_POOL_MISSING:
    case UCP_RULE_SAN_FQDN_MISSING:
    case UCP_RULE_SAN_WEB_FQDN_MISSING:
    case UCP_RULE_SAN_SIMPLE_URL_MISSING:
    case UCP_RULE_SAN_SIP_DOMAIN_MISSING:
    case UCP_RULE_SAN_LYNCDISCOVER_MISSING:
    case UCP_RULE_SAN_ACCESS_EDGE_MISSING:
    case UCP_RULE_SAN_WEBCONF_EDGE_MISSING:
    case UCP_RULE_SAN_XMPP_MISSING:
    case UCP_RULE_SAN_DOMAIN_MISSING:
        return mut_required_name(m);
    case UCP_RULE_SAN_WILDCARD_FOR_SERVER_NAME:
        return mut_wildcard_for_server_name(m);
    case UCP_RULE_SAN_WILDCARD_INVALID:
        pr->has_san = true;
        san_add(pr, "sip*.contoso.com", UCP_RULE__COUNT);
        m->what = "the partial wildcard 'sip*.contoso.com' in the SAN";
        expect(c, id);
        return true;
    case UCP_RULE_SAN_WILDCARD_NOT_ALLOWED:
        pr->has_san = true;
        san_add(pr, "*.fabrikam.net", UCP_RULE__COUNT);
        m->what = "the wildcard '*.fabrikam.net' at the end of the SAN";
        expect(c, id);
        return true;
    case UCP_RULE_SAN_XMPP_WILDCARD: {
        if (!ucp_role_uses_fact(m->role, UCP_FACT_XMPP_DOMAIN))
            return false;
        bool had = topo_count(m->t, UCP_FACT_XMPP_DOMAIN) > 0;
        if (!had) {
            topo_set(m->t, UCP_FACT_XMPP_DOMAIN, "contoso.com");
            role_profile(m->role, m->t, pr);
        }
        san_add(pr, "*.contoso.com", UCP_RULE__COUNT);
        m->what = "XMPP domain contoso.com with '*.contoso.com' in the SAN";
        expect(c, id);
        return true;
    }
    case UCP_RULE_SAN_WILDCARD_FIRST: {
        pr->has_san = true;
        const char *d = first_sip_domain(m);
        const char *w = fmt("*.%s", d ? d : "contoso.com");
        san_insert_first(pr, w, UCP_RULE__COUNT);
        m->what = fmt("the wildcard '%s' first in the SAN", w);
        expect(c, id);
        if (wildcard_not_allowed(m, w))
            expect(c, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
        return true;
    }
    case UCP_RULE_SAN_INVALID_NAME:
        pr->has_san = true;
        san_add(pr, "bad_name.contoso.com", UCP_RULE__COUNT);
        m->what = "'bad_name.contoso.com' (underscore) in the SAN";
        expect(c, id);
        return true;
    case UCP_RULE_SAN_IDN:
        pr->has_san = true;
        san_add(pr, "xn--bcher-kva.contoso.com", UCP_RULE__COUNT);
        m->what = "the IDN 'xn--bcher-kva.contoso.com' in the SAN";
        expect(c, id);
        return true;
    case UCP_RULE_SAN_SINGLE_LABEL:
        pr->has_san = true;
        san_add(pr, "server01", UCP_RULE__COUNT);
        m->what = "the single-label name 'server01' in the SAN";
        expect(c, id);
        return true;
    case UCP_RULE_SAN_DUPLICATE: {
        pr->has_san = true;
        if (pr->nsan == 0)
            san_add(pr, "host01.contoso.com", UCP_RULE__COUNT);
        /* The same name again, in upper case: duplicates are found case-insensitively. */
        char *up = sdup(pr->san[0].v);
        for (char *q = up; *q; q++)
            if (*q >= 'a' && *q <= 'z')
                *q = (char)(*q - 32);
        pr->san[pr->nsan].v = up;
        pr->san[pr->nsan].len = strlen(up);
        pr->san[pr->nsan].ntags = 0;
        pr->nsan++;
        m->what = fmt("'%s' listed twice (once as '%s')", pr->san[0].v, up);
        expect(c, id);
        return true;
    }
    case UCP_RULE_SAN_ONMICROSOFT_DOMAIN:
        if (!topo_count(m->t, UCP_FACT_FQDN))
            return false;
        topo_clear(m->t, UCP_FACT_FQDN);
        topo_set(m->t, UCP_FACT_FQDN, "sbc01.contoso.onmicrosoft.com");
        role_profile(m->role, m->t, pr);
        m->what = "an SBC FQDN in contoso.onmicrosoft.com (and a certificate for it)";
        expect(c, id);
        return true;

    /* ---- EKU, key usage, basic constraints ---- */
    case UCP_RULE_EKU_SERVER_AUTH_MISSING:
        pr->neku = 0;
        pr->eku[pr->neku++] = OID_CLIENT_AUTH;
        m->what = "EKU clientAuth only";
        expect(c, id);
        return true;
    case UCP_RULE_EKU_CLIENT_AUTH_MISSING:
        pr->neku = 0;
        pr->eku[pr->neku++] = OID_SERVER_AUTH;
        m->what = "EKU serverAuth only";
        expect(c, id);
        return true;
    case UCP_RULE_EKU_CRITICAL:
        pr->eku_critical = true;
        m->what = "the EKU extension marked critical";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_USAGE_DIGITAL_SIGNATURE_MISSING:
        pr->ku = GNUTLS_KEY_KEY_ENCIPHERMENT;
        m->what = "key usage keyEncipherment only";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_USAGE_KEY_ENCIPHERMENT_MISSING:
        pr->ku = GNUTLS_KEY_DIGITAL_SIGNATURE;
        m->what = "key usage digitalSignature only (RSA key)";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_USAGE_MISSING:
        pr->has_ku = false;
        m->what = "no key usage extension";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_USAGE_CERT_SIGN:
        pr->ku |= GNUTLS_KEY_KEY_CERT_SIGN;
        m->what = "keyCertSign in the key usage";
        expect(c, id);
        return true;
    case UCP_RULE_BASIC_CONSTRAINTS_CA:
        pr->bc_ca = true;
        m->what = "CA:TRUE on the leaf";
        expect(c, id);
        return true;

    /* ---- key ---- */
    case UCP_RULE_KEY_RSA_TOO_SMALL:
        pr->key = KEY_RSA512;
        m->what = "a 512-bit RSA key";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_RSA_BELOW_2048:
        pr->key = KEY_RSA1024;
        m->what = "a 1024-bit RSA key";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_RSA_WEAK_EXPONENT:
        pr->key = KEY_RSA_E3;
        m->what = "an RSA key with public exponent 3";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_RSA_INVALID_EXPONENT:
        pr->key = KEY_RSA_EVEN;
        m->what = "an RSA key with the even public exponent 65536";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_ECC:
        pr->key = KEY_EC256;
        m->what = "an ECDSA P-256 key";
        expect(c, id);
        return true;
    case UCP_RULE_KEY_UNSUPPORTED_ALGORITHM:
        pr->key = KEY_ED25519;
        m->what = "an Ed25519 key";
        expect(c, id);
        return true;

    /* ---- signature ---- */
    case UCP_RULE_SIGNATURE_MD5:
        pr->hash = GNUTLS_DIG_MD5;
        m->what = "signed with MD5";
        expect(c, id);
        return true;
    case UCP_RULE_SIGNATURE_RSA_PSS:
        pr->hash = GNUTLS_DIG_SHA256;
        pr->pss = true;
        m->what = "signed with RSASSA-PSS (SHA-256)";
        expect(c, id);
        return true;
    case UCP_RULE_SIGNATURE_SHA1:
        pr->hash = GNUTLS_DIG_SHA1;
        m->what = "signed with SHA-1";
        expect(c, id);
        return true;
    case UCP_RULE_SIGNATURE_SHA512:
        pr->hash = GNUTLS_DIG_SHA512;
        m->what = "signed with SHA-512";
        expect(c, id);
        return true;
    case UCP_RULE_SIGNATURE_SHA2_LYNC2010:
        pr->hash = GNUTLS_DIG_SHA256;
        m->what = "signed with SHA-256 for a Lync Server 2010 deployment";
        expect(c, id);
        return true;

    /* ---- validity, revocation ---- */
    case UCP_RULE_VALIDITY_EXPIRED:
        pr->nb = vt - 30 * DAY;
        pr->na = vt - DAY;
        m->what = "expired yesterday";
        expect(c, id);
        return true;
    case UCP_RULE_VALIDITY_NOT_YET_VALID:
        pr->nb = vt + DAY;
        pr->na = vt + 40 * DAY;
        m->what = "valid from tomorrow";
        expect(c, id);
        return true;
    case UCP_RULE_VALIDITY_EXPIRING:
        pr->nb = vt - 20 * DAY;
        pr->na = vt + 10 * DAY;
        m->what = "expires in 10 days";
        expect(c, id);
        return true;
    case UCP_RULE_VALIDITY_PUBLIC_MAX:
        pr->nb = vt - DAY;
        pr->na = vt + 400 * DAY;
        m->what = "valid for 401 days";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_CDP_MISSING:
        pr->cdp = NULL;
        m->what = "no CRL distribution point";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_CDP_NO_HTTP:
        pr->cdp = CDP_LDAP;
        m->what = "an LDAP-only CRL distribution point";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_REVOKED:
        if (pr->issuer != ISS_ISSUING)
            return false;
        m->revoke = true;
        c->ncrls = 0;
        c->crls[c->ncrls++] = fmt("%.*s.crl", (int)(strlen(c->file) - 4), c->file);
        c->crls[c->ncrls++] = crl_root_file;
        m->what = "listed in the issuing CA's current CRL (--crl)";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_CRL_EXPIRED:
        if (pr->issuer != ISS_ISSUING)
            return false;
        c->ncrls = 0;
        c->crls[c->ncrls++] = crl_expired_file;
        c->crls[c->ncrls++] = crl_root_file;
        m->what = "the issuing CA's only CRL expired two days ago (--crl)";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_CRL_BAD_SIGNATURE:
        if (pr->issuer != ISS_ISSUING)
            return false;
        c->ncrls = 0;
        c->crls[c->ncrls++] = crl_badsig_file;
        c->crls[c->ncrls++] = crl_root_file;
        m->what = "a CRL naming the issuing CA but signed with another key (--crl)";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_UNREACHABLE:
        /* Online, with the leaf's only distribution point on 127.0.0.1 where nothing listens; the
         * intermediate's status comes from the root's CRL (and its own distribution point is local
         * too), so nothing is fetched from anywhere else. */
        if (pr->issuer != ISS_ISSUING)
            return false;
        pr->cdp = CDP_LOCAL;
        c->online = true;
        c->timeout_ms = 2000;
        c->ncrls = 0;
        c->crls[c->ncrls++] = crl_root_file;
        c->nchain = 0;
        c->chain[c->nchain++] = ca_issuing_local.file;
        m->what = "online, its only CRL distribution point refuses connections (" CDP_LOCAL ")";
        expect(c, id);
        return true;
    case UCP_RULE_REVOCATION_OCSP_UNKNOWN:
        return false; /* needs a live OCSP responder: see exemptions[] */

    /* ---- chain ---- */
    case UCP_RULE_CHAIN_ISSUER_MISSING:
        c->nchain = 0;
        m->what = "no intermediate CA certificate supplied";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_UNTRUSTED_ROOT:
        c->nchain = 0;
        c->chain[c->nchain++] = ca_issuing.file;
        c->chain[c->nchain++] = ca_root.file;
        c->ntrust = 0;
        c->trust[c->ntrust++] = ca_root2.file;
        m->what = "a path to a root that is not a trust anchor (another root is)";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_BAD_SIGNATURE:
        pr->corrupt_signature = true;
        m->what = "a corrupted signature";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_ISSUER_NOT_CA:
        pr->issuer = ISS_NOTCA;
        c->nchain = 0;
        c->chain[c->nchain++] = ca_notca.file;
        m->what = "issued by a CA:FALSE certificate";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_PATH_LENGTH:
        pr->issuer = ISS_PATHLEN;
        c->nchain = 0;
        c->chain[c->nchain++] = ca_sub.file;
        c->chain[c->nchain++] = ca_pl0.file;
        m->what = "issued below a pathLenConstraint 0 CA through a sub-CA";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_EXPIRED:
        pr->issuer = ISS_EXPIRED;
        c->nchain = 0;
        c->chain[c->nchain++] = ca_expired.file;
        m->what = "issued by an expired intermediate CA";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_INTERMEDIATE_EKU:
        pr->issuer = ISS_EKU;
        c->nchain = 0;
        c->chain[c->nchain++] = ca_eku.file;
        m->what = "issued by an intermediate whose EKU is emailProtection only";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_TOO_LONG:
        pr->issuer = ISS_DEEP;
        c->nchain = 0;
        for (int i = 0; i < NDEEP; i++)
            c->chain[c->nchain++] = deep_chain_files[i];
        m->what = "a path of 12 certificates";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_SEARCH_LIMIT:
        /* 8 look-alike issuers x 9 look-alike issuers of theirs, and the leaf's signature verifies
         * with none of them: every candidate path is tried until the path budget runs out. */
        pr->issuer = ISS_LOOKALIKE;
        pr->corrupt_signature = true;
        c->nchain = 0;
        c->chain[c->nchain++] = lookalike_file;
        m->what = "72 candidate paths through look-alike issuers, none valid";
        expect(c, id);
        expect(c, UCP_RULE_CHAIN_BAD_SIGNATURE);
        return true;
    case UCP_RULE_CHAIN_SELF_SIGNED:
        pr->issuer = ISS_SELF;
        m->what = "self-signed";
        expect(c, id);
        expect(c, UCP_RULE_CHAIN_UNTRUSTED_ROOT);
        return true;
    case UCP_RULE_CHAIN_NOT_PUBLIC:
        c->npublic = 0;
        c->public_roots[c->npublic++] = ca_root2.file;
        m->what = "the trusted root is not among the public roots";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_NAME_CONSTRAINTS:
        if (pr->issuer != ISS_ISSUING || pr->no_subject)
            return false;
        pr->issuer = ISS_CONSTRAINED;
        c->nchain = 0;
        c->chain[c->nchain++] = ca_nc.file;
        m->what = "issued by an intermediate whose name constraints permit only fabrikam.com and O=Fabrikam Ltd";
        expect(c, id);
        return true;
    case UCP_RULE_CHAIN_ANCHOR_NOT_ROOT:
        c->nchain = 0;
        c->ntrust = 0;
        c->trust[c->ntrust++] = ca_issuing.file;
        if (c->npublic) {
            c->npublic = 0;
            c->public_roots[c->npublic++] = ca_issuing.file;
        }
        m->what = "the intermediate CA given as the trust anchor";
        expect(c, id);
        return true;

    /* ---- private key (PKCS#12 files) and pools ---- */
    case UCP_RULE_PRIVATE_KEY_MISMATCH:
        as_pfx(m, CSP_SCHANNEL);
        m->wrong_key = true;
        m->what = "a PKCS#12 file whose private key is another certificate's";
        expect(c, id);
        return true;
    case UCP_RULE_PRIVATE_KEY_CNG_PROVIDER:
        as_pfx(m, KSP_SOFTWARE);
        m->what = "a PKCS#12 file whose key bag names the " KSP_SOFTWARE;
        expect(c, id);
        return true;
    case UCP_RULE_PRIVATE_KEY_PROVIDER_UNKNOWN:
        as_pfx(m, NULL);
        m->what = "a PKCS#12 file whose key bag records no provider";
        expect(c, id);
        return true;
    case UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN:
        as_pfx(m, CSP_SCHANNEL);
        m->what = "a PKCS#12 file with the key (" CSP_SCHANNEL ")";
        expect(c, id);
        return true;
    case UCP_RULE_PRIVATE_KEY_POOL_MISMATCH:
        as_pfx(m, CSP_SCHANNEL);
        m->pool_other = true;
        m->what = "a pool check against a second server's PKCS#12 file with another certificate and key";
        expect(c, id);
        return true;

    /* ---- input ---- */
    case UCP_RULE_INPUT_TEMPLATE_MALFORMED:
        pr->ext_oid = OID_TEMPLATE;
        pr->ext_value = bad_template;
        pr->ext_len = sizeof bad_template;
        m->what = "a certificate template extension (" OID_TEMPLATE ") holding an OCTET STRING";
        expect(c, id);
        return true;
    case UCP_RULE_INPUT_FACTS_MISSING:
        for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
            if (!ucp_role_requires_fact(m->role, (ucp_fact)f) || !topo_count(m->t, (ucp_fact)f))
                continue;
            topo_clear(m->t, (ucp_fact)f);
            m->what = fmt("the topology without --%s", ucp_fact_name((ucp_fact)f));
            expect(c, id);
            if (cn_mismatch_fires(m))
                expect(c, UCP_RULE_SUBJECT_CN_MISMATCH);
            return true;
        }
        return false;
    case UCP_RULE_INPUT_ROLE_PRODUCT:
        /* The product was chosen among those without the role (see choose_product). */
        if (ucp_role_in_product(m->role, mp(m)))
            return false;
        m->what = fmt("checked for %s, which does not have the role", ucp_product_title(mp(m)));
        expect(c, id);
        return true;
    case UCP_RULE__COUNT:
        break;
    }
    return false;
}

/* ---- driving it from the catalogue -------------------------------------------------------- */

/* The product a fail case of @id runs with: the role's default product when the rule applies
 * there, else the first product where it does and the role exists, else (a binding that applies
 * only to releases without the role, e.g. signature.sha2-lync2010 for Persistent Chat) the first
 * product where it applies at all; input.role-product then fires too. */
static bool choose_product(const struct ucp_role *role, enum ucp_rule_id id, ucp_product *out)
{
    ucp_product order[5];
    size_t n = 0;
    order[n++] = default_product(role);
    for (size_t i = 0; i < UCP_ARRAY_SIZE(products); i++)
        if (products[i] != order[0])
            order[n++] = products[i];
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            bool in = ucp_role_in_product(role, order[i]);
            if (pass == 0 && (id == UCP_RULE_INPUT_ROLE_PRODUCT ? in : !in))
                continue;
            if (applies(role, id, order[i])) {
                *out = order[i];
                return true;
            }
        }
    }
    return false;
}

static void pass_case(const struct ucp_role *role, ucp_product p)
{
    struct topo t;
    struct profile pr;
    struct xcase c;
    role_topology(role, p, &t);
    role_profile(role, &t, &pr);
    case_init(&c, role, &t);
    c.pass = true;
    /* Revocation is checked (the issuing CA's and the root's current CRLs), so the revocation
     * rules the case lists as absent were evaluated, not skipped. */
    c.crls[c.ncrls++] = crl_issuing_file;
    c.crls[c.ncrls++] = crl_root_file;
    c.id = fmt("%s/pass/%s", ucp_role_id(role), ucp_product_name(p));
    c.file = fmt("certs/%s-pass-%s.pem", ucp_role_id(role), ucp_product_name(p));
    c.description = fmt("The correct %s certificate for %s", ucp_role_id(role), ucp_product_title(p));
    write_leaf(c.file, &pr);
    emit_case(&c);
}

/* Bindings no static manifest case can break, each with why and the suite that breaks it instead
 * (test-coverage checks that the suite exists and runs it to see the rule fire for every role
 * listed). Keep this list minimal: a binding that a certificate, a CRL file, a refused local URL
 * or a PKCS#12 file can break gets a case, not an exemption. */
static const struct {
    enum ucp_rule_id rule;
    const char *reason;
    const char *covered_by;
} exemptions[] = {
    {UCP_RULE_REVOCATION_OCSP_UNKNOWN,
     "An OCSP 'unknown' answer must be signed by the issuing CA at check time and sent by a responder over "
     "HTTP: a static manifest can only name URLs that answer nothing (that is revocation.unreachable). "
     "tests/revocation runs a live responder on 127.0.0.1 and checks this role against it.",
     "tests/revocation"},
};
static json_t *exemptions_json;

/* Write the files of case @c as its mutation says: the leaf as PEM, or as a PKCS#12 file with a
 * private key (its own or another's, a provider attribute, a second server's file for a pool
 * check); and the CRL that revokes it. */
static void write_case_files(struct xcase *c, const struct mut *m, const struct profile *pr)
{
    gnutls_x509_crt_t crt = profile_crt(pr);
    if (m->pfx) {
        if (pr->key != KEY_RSA2048)
            die("%s: a PKCS#12 case needs the leaf key", c->id);
        const char *stem = fmt("%.*s", (int)(strlen(c->file) - 4), c->file);
        c->file = fmt("%s.pfx", stem);
        c->password = PFX_PASSWORD;
        c->format = "pkcs12";
        write_pkcs12(c->file, &crt, 1, 0, m->wrong_key ? &k_misc : &k_leaf, m->csp, PFX_PASSWORD, PFX_ITERATIONS,
                     PFX_ITERATIONS);
        if (m->pool_other) {
            struct profile other = *pr;
            other.key = KEY_RSA_OTHER;
            gnutls_x509_crt_t oc = profile_crt(&other);
            c->pool[c->npool++] = fmt("%s-server2.pfx", stem);
            write_pkcs12(c->pool[c->npool - 1], &oc, 1, 0, &k_misc, m->csp, PFX_PASSWORD, PFX_ITERATIONS,
                         PFX_ITERATIONS);
            gnutls_x509_crt_deinit(oc);
        }
    } else {
        write_pem(c->file, &crt, 1);
    }
    if (m->revoke)
        write_crl(c->crls[0], &ca_issuing, k_issuing.priv, vt - DAY, vt + 7 * DAY, &crt, 1, true, 13, true);
    if (c->online) {
        /* Every URL an online check may fetch must be on this machine. */
        if (!pr->cdp || strncmp(pr->cdp, LOCAL_URL "/", strlen(LOCAL_URL) + 1) != 0)
            die("%s: an online case whose leaf names a distribution point off this machine", c->id);
        for (int i = 0; i < c->nchain; i++)
            if (c->chain[i] != ca_issuing_local.file)
                die("%s: an online case with an intermediate whose URLs are not local", c->id);
    }
    gnutls_x509_crt_deinit(crt);
}

static void fail_case(const struct ucp_role *role, const ucp_role_rule *rr)
{
    enum ucp_rule_id id = rr->rule->id;
    for (size_t i = 0; i < UCP_ARRAY_SIZE(exemptions); i++) {
        if (exemptions[i].rule != id)
            continue;
        json_t *e = json_object();
        json_object_set_new(e, "role", json_string(ucp_role_id(role)));
        json_object_set_new(e, "rule", json_string(ucp_role_rule_code(rr)));
        json_object_set_new(e, "reason", json_string(exemptions[i].reason));
        json_object_set_new(e, "coveredBy", json_string(exemptions[i].covered_by));
        json_array_append_new(exemptions_json, e);
        return;
    }
    ucp_product p;
    if (!choose_product(role, id, &p))
        die("role %s: rule %s applies to no product where a certificate can break it", ucp_role_id(role),
            ucp_role_rule_code(rr));
    struct topo t;
    struct profile pr;
    struct xcase c;
    role_topology(role, p, &t);
    role_profile(role, &t, &pr);
    case_init(&c, role, &t);
    struct mut m = {.role = role, .c = &c, .t = &c.topo, .pr = &pr, .target = id};
    c.id = fmt("%s/%s/fail", ucp_role_id(role), ucp_role_rule_code(rr));
    c.rule = ucp_role_rule_code(rr);
    c.file = fmt("certs/%s-%s-fail.pem", ucp_role_id(role), ucp_role_rule_code(rr));
    if (!mutate(&m))
        die("role %s: no certificate can break rule %s (%s); this is a catalogue or library bug",
            ucp_role_id(role), ucp_role_rule_code(rr), ucp_product_name(p));
    if (!ucp_role_in_product(role, p))
        expect(&c, UCP_RULE_INPUT_ROLE_PRODUCT);
    bool target = false;
    for (int i = 0; i < c.npresent; i++)
        target |= c.present[i].id == id;
    if (!target)
        die("role %s: the mutation for %s does not expect the rule itself", ucp_role_id(role),
            ucp_role_rule_code(rr));
    c.description = fmt("%s for %s: %s", ucp_role_id(role), ucp_product_title(p), m.what ? m.what : "");
    if (id == UCP_RULE_SUBJECT_CN_WILDCARD || id == UCP_RULE_SUBJECT_CN_MISMATCH) {
        /* Exchange UM: the remediation quotes the Lync rejection (decision 9). */
        if (strncmp(ucp_role_id(role), "exchange-um", 11) == 0)
            for (int i = 0; i < c.npresent; i++)
                if (c.present[i].id == id)
                    c.present[i].remediation = INCIDENT_TEXT;
    }
    write_case_files(&c, &m, &pr);
    emit_case(&c);
}

static void catalogue_cases(void)
{
    for (size_t r = 0; r < ucp_role_count(); r++) {
        const ucp_role *role = ucp_role_at(r);
        for (size_t i = 0; i < UCP_ARRAY_SIZE(products); i++)
            if (ucp_role_in_product(role, products[i]))
                pass_case(role, products[i]);
        for (size_t i = 0; i < ucp_role_rule_count(role); i++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, i);
            bool any = false;
            for (size_t k = 0; k < UCP_ARRAY_SIZE(products); k++)
                any |= ucp_role_rule_applies(rr, products[k]);
            if (any)
                fail_case(role, rr);
        }
    }
}

/* ---- formats, chains, the incident -------------------------------------------------------- */

/* A named extra case on @role's default deployment. */
static void extra_case(struct xcase *c, const struct ucp_role *role, const char *id, const char *desc)
{
    struct topo t;
    role_topology(role, default_product(role), &t);
    case_init(c, role, &t);
    c->id = id;
    c->description = desc;
}

static void write_pkcs7(const char *rel, gnutls_x509_crt_t *crts, size_t n, gnutls_x509_crt_fmt_t f)
{
    gnutls_pkcs7_t p7;
    GT(gnutls_pkcs7_init(&p7));
    for (size_t i = 0; i < n; i++)
        GT(gnutls_pkcs7_set_crt(p7, crts[i]));
    gnutls_datum_t out = {NULL, 0};
    GT(gnutls_pkcs7_export2(p7, f, &out));
    write_file(rel, out.data, out.size);
    gnutls_free(out.data);
    gnutls_pkcs7_deinit(p7);
}

/* ---- PKCS#12 ------------------------------------------------------------------------------
 *
 * Written by tests/keys (keys_write_pfx, libtasn1 and the in-tree ASN.1 module) as OpenSSL 3 and
 * current Windows write them: the key in a pkcs8ShroudedKeyBag of a data ContentInfo (where the
 * Microsoft CSP name attribute stays readable), the certificates in a PBES2-encrypted one
 * (PBKDF2-HMAC-SHA256, AES-256-CBC), a SHA-256 MAC, each with its own iteration count. GnuTLS's
 * writer has no iteration parameter and uses 600,000, which makes every read take seconds under
 * valgrind; and a file with a hostile count is needed to test the library's limit. */

static void write_pkcs12(const char *rel, const gnutls_x509_crt_t *crts, size_t n, size_t leaf, const struct key *key,
                         const char *csp, const char *password, unsigned iter, unsigned mac_iter)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    struct keys_pfx spec = {
        .password = password,
        .key = key ? key->x : NULL,
        .csp = csp,
        .friendly = key ? "UCPolicy test certificate" : NULL,
        .certs = crts,
        .ncerts = n,
        .leaf = leaf,
        .iterations = iter,
        .mac_iterations = mac_iter,
    };
    keys_write_pfx(path, &spec);
}

static const char *pfx_file;

static void format_cases(void)
{
    const ucp_role *role = ucp_role_find("frontend-default");
    if (!role)
        die("the catalogue has no frontend-default role");
    struct topo t;
    struct profile pr;
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    gnutls_x509_crt_t leaf = profile_crt(&pr);
    struct xcase c;

    extra_case(&c, role, "format/der", "The correct Default certificate as DER (.cer)");
    c.pass = true;
    c.file = "certs/format-der.cer";
    c.format = "der";
    gnutls_datum_t der = export_crt(leaf, GNUTLS_X509_FMT_DER);
    write_file(c.file, der.data, der.size);
    emit_case(&c);

    extra_case(&c, role, "format/pem-bundle", "Leaf, issuing CA and root in one PEM file, in order");
    c.pass = true;
    c.file = "certs/format-bundle.pem";
    c.nchain = 0;
    gnutls_x509_crt_t ordered[] = {leaf, ca_issuing.crt, ca_root.crt};
    write_pem(c.file, ordered, 3);
    emit_case(&c);

    extra_case(&c, role, "format/pem-bundle-unordered", "Leaf first, then the root before the issuing CA");
    c.pass = true;
    c.file = "certs/format-bundle-unordered.pem";
    c.nchain = 0;
    gnutls_x509_crt_t unordered[] = {leaf, ca_root.crt, ca_issuing.crt};
    write_pem(c.file, unordered, 3);
    emit_case(&c);

    gnutls_x509_crt_t bag[] = {ca_root.crt, leaf, ca_issuing.crt};
    extra_case(&c, role, "format/p7b-pem", "PKCS#7 certificate bag (PEM), leaf in the middle");
    c.pass = true;
    c.file = "certs/format-bag.p7b";
    c.nchain = 0;
    c.format = "pkcs7";
    write_pkcs7(c.file, bag, 3, GNUTLS_X509_FMT_PEM);
    emit_case(&c);

    extra_case(&c, role, "format/p7b-der", "PKCS#7 certificate bag (DER), leaf in the middle");
    c.pass = true;
    c.file = "certs/format-bag-der.p7b";
    c.nchain = 0;
    c.format = "pkcs7";
    write_pkcs7(c.file, bag, 3, GNUTLS_X509_FMT_DER);
    emit_case(&c);

    /* The same bag in BER, as some Windows tools write it: the ContentInfo and its [0] with
     * indefinite lengths around the DER SignedData. */
    extra_case(&c, role, "format/p7b-ber", "PKCS#7 certificate bag with BER indefinite lengths, leaf in the middle");
    c.pass = true;
    c.file = "certs/format-bag-ber.p7b";
    c.nchain = 0;
    c.format = "pkcs7";
    {
        gnutls_pkcs7_t p7;
        GT(gnutls_pkcs7_init(&p7));
        for (size_t i = 0; i < 3; i++)
            GT(gnutls_pkcs7_set_crt(p7, bag[i]));
        gnutls_datum_t out = {NULL, 0};
        GT(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &out));
        gnutls_pkcs7_deinit(p7);
        /* 30 82 LL LL | 06 09 <signedData> | A0 82 LL LL | <SignedData> */
        if (out.data[0] != 0x30 || out.data[1] != 0x82 || out.data[4] != 0x06 || out.data[15] != 0xa0 ||
            out.data[16] != 0x82)
            die("unexpected PKCS#7 encoding");
        struct buf ber = {NULL, 0};
        buf_add(&ber, "\x30\x80", 2);
        buf_add(&ber, out.data + 4, 11);
        buf_add(&ber, "\xa0\x80", 2);
        buf_add(&ber, out.data + 19, out.size - 19);
        buf_add(&ber, "\0\0\0\0", 4);
        write_file(c.file, ber.data, ber.len);
        free(ber.data);
        gnutls_free(out.data);
    }
    emit_case(&c);

    gnutls_x509_crt_t pfxorder[] = {ca_issuing.crt, leaf};
    extra_case(&c, role, "format/pfx-password", "PKCS#12 with a password, the issuing CA before the leaf");
    c.pass = true;
    c.file = "certs/format-password.pfx";
    c.password = PFX_PASSWORD;
    c.nchain = 0;
    c.format = "pkcs12";
    write_pkcs12(c.file, pfxorder, 2, 1, &k_leaf, NULL, PFX_PASSWORD, PFX_ITERATIONS, PFX_ITERATIONS);
    pfx_file = c.file;
    emit_case(&c);

    extra_case(&c, role, "format/pfx-empty-password",
               "PKCS#12 protected with the empty password, read without a password");
    c.pass = true;
    c.file = "certs/format-empty-password.pfx";
    c.password = NULL;
    c.nchain = 0;
    c.format = "pkcs12";
    write_pkcs12(c.file, pfxorder, 2, 1, &k_leaf, NULL, "", PFX_ITERATIONS, PFX_ITERATIONS);
    /* The same with 2,000,000 MAC iterations: over the library's limit (an inputError). */
    write_pkcs12("bad/too-many-iterations.pfx", pfxorder, 2, 1, &k_leaf, NULL, PFX_PASSWORD, PFX_ITERATIONS, 2000000);
    emit_case(&c);

    extra_case(&c, role, "format/pfx-no-key", "PKCS#12 with the root, the leaf and the issuing CA but no key");
    c.pass = true;
    c.file = "certs/format-no-key.pfx";
    c.password = PFX_PASSWORD;
    c.nchain = 0;
    c.format = "pkcs12";
    write_pkcs12(c.file, bag, 3, 0, NULL, NULL, PFX_PASSWORD, PFX_ITERATIONS, PFX_ITERATIONS);
    emit_case(&c);

    /* Format detection looks at the structure: a DER certificate whose subject happens to hold
     * the text of a PEM boundary is still a DER certificate. */
    extra_case(&c, role, "format/der-with-pem-marker",
               "A DER certificate whose O holds \"-----BEGIN CERTIFICATE-----\"");
    c.pass = true;
    c.file = "certs/format-der-pem-marker.cer";
    c.format = "der";
    {
        struct profile p2 = pr;
        p2.org = "-----BEGIN CERTIFICATE-----";
        gnutls_x509_crt_t marked = profile_crt(&p2);
        gnutls_datum_t d = export_crt(marked, GNUTLS_X509_FMT_DER);
        write_file(c.file, d.data, d.size);
        gnutls_free(d.data);
        gnutls_x509_crt_deinit(marked);
    }
    emit_case(&c);

    extra_case(&c, role, "format/pem-with-key", "The leaf and its private key in one PEM file");
    c.pass = true;
    c.file = "certs/format-with-key.pem";
    {
        struct buf b = {NULL, 0};
        buf_pem(&b, leaf);
        gnutls_datum_t k = {NULL, 0};
        GT(gnutls_x509_privkey_export2_pkcs8(k_leaf.x, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &k));
        buf_add(&b, k.data, k.size);
        gnutls_free(k.data);
        write_file(c.file, b.data, b.len);
        free(b.data);
    }
    emit_case(&c);

    /* For the inputErrors: a DER certificate cut short, with trailing bytes, as BER. */
    write_file("bad/truncated.cer", der.data, der.size / 2);
    {
        unsigned char *p = malloc(der.size + 16);
        memcpy(p, der.data, der.size);
        memcpy(p + der.size, "TRAILING-GARBAGE", 16);
        write_file("bad/trailing-garbage.cer", p, der.size + 16);
        free(p);
        /* Indefinite length: 30 80 <content> 00 00, from the DER 30 82 LL LL <content>. */
        if (der.data[1] != 0x82)
            die("unexpected DER length form");
        size_t clen = der.size - 4;
        p = malloc(clen + 4);
        p[0] = 0x30;
        p[1] = 0x80;
        memcpy(p + 2, der.data + 4, clen);
        p[clen + 2] = 0;
        p[clen + 3] = 0;
        write_file("bad/ber-indefinite.cer", p, clen + 4);
        free(p);
    }
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(leaf);
}

static void chain_cases(void)
{
    const ucp_role *role = ucp_role_find("tls-server");
    if (!role)
        die("the catalogue has no tls-server role");
    struct topo t;
    struct profile pr;
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    gnutls_x509_crt_t leaf = profile_crt(&pr);
    struct xcase c;

    extra_case(&c, role, "chain/cross-signed-bundle-root1",
               "Unordered bundle with the issuing CA cross-signed by an untrusted root; the first root is trusted");
    c.pass = true;
    c.file = "certs/chain-cross-bundle.pem";
    c.nchain = 0;
    gnutls_x509_crt_t cross[] = {leaf, ca_root2.crt, ca_issuing_cross.crt, ca_issuing.crt};
    write_pem(c.file, cross, 4);
    emit_case(&c);

    extra_case(&c, role, "chain/cross-signed-bundle-root2",
               "The same bundle with the second root trusted: the path goes through the cross-certificate");
    c.pass = true;
    c.file = "certs/chain-cross-bundle.pem";
    c.nchain = 0;
    c.ntrust = 0;
    c.trust[c.ntrust++] = ca_root2.file;
    emit_case(&c);

    extra_case(&c, role, "chain/renewed-intermediate",
               "The expired and the renewed certificate of the issuing CA in the pool: the valid one is used");
    c.pass = true;
    c.file = fmt("certs/chain-renewed-leaf.pem");
    write_pem(c.file, &leaf, 1);
    c.nchain = 0;
    c.chain[c.nchain++] = ca_issuing_old.file;
    c.chain[c.nchain++] = ca_issuing.file;
    emit_case(&c);

    extra_case(&c, role, "chain/no-keycertsign-issuer", "Issued by a CA:TRUE certificate without keyCertSign");
    c.rule = "chain.issuer-not-ca";
    c.file = "certs/chain-no-certsign.pem";
    {
        struct profile p2 = pr;
        p2.issuer = ISS_NOCERTSIGN;
        write_leaf(c.file, &p2);
    }
    c.nchain = 0;
    c.chain[c.nchain++] = ca_nocertsign.file;
    expect(&c, UCP_RULE_CHAIN_ISSUER_NOT_CA);
    emit_case(&c);

    extra_case(&c, role, "chain/intermediate-anchor",
               "Only the issuing CA given as trust anchor (an intermediate in the Trusted Root store)");
    c.pass = true; /* tls-server does not bind chain.anchor-not-root: a trusted intermediate is fine */
    c.file = "certs/chain-renewed-leaf.pem";
    c.nchain = 0;
    c.ntrust = 0;
    c.trust[c.ntrust++] = ca_issuing.file;
    emit_case(&c);

    /* Name constraints beyond the catalogue cases (which break both a DNS and a directory-name
     * constraint): names within them, a directory name alone (checked by libucpolicy, not
     * GnuTLS), and an excluded IP address. */
    extra_case(&c, role, "chain/name-constraints-permitted",
               "Issued by an intermediate whose name constraints permit contoso.com and O=Contoso Ltd");
    c.pass = true;
    c.file = "certs/chain-name-constraints-permitted.pem";
    c.nchain = 0;
    c.chain[c.nchain++] = ca_nc_ok.file;
    {
        struct profile p2 = pr;
        p2.issuer = ISS_CONSTRAINED_OK;
        write_leaf(c.file, &p2);
    }
    emit_case(&c);

    extra_case(&c, role, "chain/name-constraints-dn",
               "DNS names within the intermediate's constraints, the subject outside its permitted directory name");
    c.rule = "chain.name-constraints";
    c.file = "certs/chain-name-constraints-dn.pem";
    c.nchain = 0;
    c.chain[c.nchain++] = ca_nc_dn.file;
    {
        struct profile p2 = pr;
        p2.issuer = ISS_CONSTRAINED_DN;
        write_leaf(c.file, &p2);
    }
    expect(&c, UCP_RULE_CHAIN_NAME_CONSTRAINTS);
    emit_case(&c);

    extra_case(&c, role, "chain/name-constraints-ip",
               "A SAN IP address 10.0.0.1 under an intermediate that excludes 10.0.0.0/8");
    c.rule = "chain.name-constraints";
    c.file = "certs/chain-name-constraints-ip.pem";
    c.nchain = 0;
    c.chain[c.nchain++] = ca_nc_ip.file;
    {
        struct profile p2 = pr;
        p2.issuer = ISS_CONSTRAINED_IP;
        struct spec sp;
        profile_cert(&p2, &sp);
        static const unsigned char ip[] = {10, 0, 0, 1};
        sp.san[sp.nsan].v = (const char *)ip;
        sp.san[sp.nsan].len = sizeof ip;
        sp.san[sp.nsan].tag = 0x87; /* [7] iPAddress */
        sp.nsan++;
        gnutls_x509_crt_t crt = make_cert(&sp);
        write_pem(c.file, &crt, 1);
        gnutls_x509_crt_deinit(crt);
    }
    expect(&c, UCP_RULE_CHAIN_NAME_CONSTRAINTS);
    emit_case(&c);

    gnutls_x509_crt_deinit(leaf);
}

/* ---- revocation, private keys and templates beyond the catalogue cases ---------------------- */

/* DER of an OBJECT IDENTIFIER in dotted form. */
static void der_oid(struct buf *b, const char *dotted)
{
    unsigned long arcs[32];
    int n = 0;
    for (const char *p = dotted; *p && n < 32;) {
        char *end;
        arcs[n++] = strtoul(p, &end, 10);
        p = *end == '.' ? end + 1 : end;
    }
    if (n < 2)
        die("bad OID %s", dotted);
    unsigned char body[128];
    size_t len = 0;
    for (int i = 1; i < n; i++) {
        unsigned long v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
        unsigned char tmp[10];
        int k = 0;
        do {
            tmp[k++] = (unsigned char)(v & 0x7f);
            v >>= 7;
        } while (v);
        while (k > 0 && len < sizeof body) {
            k--;
            body[len++] = (unsigned char)(tmp[k] | (k ? 0x80 : 0));
        }
    }
    der_tlv(b, 0x06, body, len);
}

static void more_cases(void)
{
    const ucp_role *role = ucp_role_find("tls-server");
    if (!role)
        die("the catalogue has no tls-server role");
    struct topo t;
    struct profile pr;
    struct xcase c;
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);

    /* A revoked intermediate: the root's CRL lists the issuing CA. */
    extra_case(&c, role, "revocation/revoked-intermediate",
               "The issuing CA is listed in the root's current CRL (--crl); the leaf is good");
    c.rule = "revocation.revoked";
    c.file = "certs/revocation-revoked-intermediate.pem";
    write_leaf(c.file, &pr);
    c.crls[c.ncrls++] = crl_issuing_file;
    c.crls[c.ncrls++] = "certs/root-revoking-issuing.crl";
    write_crl(c.crls[1], &ca_root, k_root.priv, vt - DAY, vt + 7 * DAY, &ca_issuing.crt, 1, false, 2, false);
    expect(&c, UCP_RULE_REVOCATION_REVOKED);
    emit_case(&c);

    /* Both Microsoft template extensions, well formed: a version 2 template (OID, major and minor
     * version) and the version 1 name, as a Windows CA writes them. */
    extra_case(&c, role, "template/v2-and-name",
               "A certificate with a version 2 template extension (100.4) and the template name WebServer");
    c.pass = true;
    c.file = "certs/template-v2-and-name.pem";
    {
        struct buf tmpl = {NULL, 0}, seq = {NULL, 0}, name = {NULL, 0};
        der_oid(&tmpl, KEYS_TEMPLATE_OID);
        der_tlv(&tmpl, 0x02, "\x64", 1); /* major 100 */
        der_tlv(&tmpl, 0x02, "\x04", 1); /* minor 4 */
        der_tlv(&seq, 0x30, tmpl.data, tmpl.len);
        static const char bmp_name[] = {0, 'W', 0, 'e', 0, 'b', 0, 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r'};
        der_tlv(&name, 0x1e, bmp_name, sizeof bmp_name);
        struct spec sp;
        profile_cert(&pr, &sp);
        sp.ext[0].oid = OID_TEMPLATE;
        sp.ext[0].value = seq.data;
        sp.ext[0].len = seq.len;
        sp.ext[1].oid = OID_TEMPLATE_NAME;
        sp.ext[1].value = name.data;
        sp.ext[1].len = name.len;
        sp.next = 2;
        gnutls_x509_crt_t crt = make_cert(&sp);
        write_pem(c.file, &crt, 1);
        gnutls_x509_crt_deinit(crt);
        free(tmpl.data);
        free(seq.data);
        free(name.data);
    }
    emit_case(&c);

    /* The template name extension malformed (a BMPString of odd length). */
    extra_case(&c, role, "template/name-malformed",
               "A template name extension (1.3.6.1.4.1.311.20.2) that is a BMPString of odd length");
    c.rule = "input.template-malformed";
    c.file = "certs/template-name-malformed.pem";
    {
        static const unsigned char odd[] = {0x1e, 0x03, 0x00, 0x57, 0x00};
        struct profile p2 = pr;
        p2.ext_oid = OID_TEMPLATE_NAME;
        p2.ext_value = odd;
        p2.ext_len = sizeof odd;
        write_leaf(c.file, &p2);
    }
    expect(&c, UCP_RULE_INPUT_TEMPLATE_MALFORMED);
    emit_case(&c);

    /* Pool checks of the Edge external interface beyond a different key: the same file on both
     * servers, and a re-issued certificate for the same key. */
    role = ucp_role_find("edge-external");
    if (!role)
        die("the catalogue has no edge-external role");
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    gnutls_x509_crt_t leaf = profile_crt(&pr), reissued = profile_crt(&pr);
    extra_case(&c, role, "key/pool-identical",
               "Edge pool: two servers' PKCS#12 files with the same certificate and key");
    c.rule = "private-key.exportable-unknown";
    c.file = "certs/key-pool-edge1.pfx";
    c.password = PFX_PASSWORD;
    c.format = "pkcs12";
    write_pkcs12(c.file, &leaf, 1, 0, &k_leaf, CSP_SCHANNEL, PFX_PASSWORD, PFX_ITERATIONS, PFX_ITERATIONS);
    c.pool[c.npool++] = "certs/key-pool-edge2.pfx";
    write_pkcs12(c.pool[0], &leaf, 1, 0, &k_leaf, CSP_SCHANNEL, PFX_PASSWORD, PFX_ITERATIONS, PFX_ITERATIONS);
    expect(&c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN);
    emit_case(&c);

    extra_case(&c, role, "key/pool-reissued",
               "Edge pool: the second server has a re-issued certificate (another serial) for the same key");
    c.rule = "private-key.pool-mismatch";
    c.file = "certs/key-pool-edge1.pfx";
    c.password = PFX_PASSWORD;
    c.format = "pkcs12";
    c.pool[c.npool++] = "certs/key-pool-edge-reissued.pfx";
    write_pkcs12(c.pool[0], &reissued, 1, 0, &k_leaf, CSP_SCHANNEL, PFX_PASSWORD, PFX_ITERATIONS, PFX_ITERATIONS);
    expect(&c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN);
    expect(&c, UCP_RULE_PRIVATE_KEY_POOL_MISMATCH);
    emit_case(&c);
    gnutls_x509_crt_deinit(leaf);
    gnutls_x509_crt_deinit(reissued);
}

/* Names with a NUL byte (the classic "exch01.contoso.com\0.evil.com" trick) and a key on an
 * unsupported curve. */
static void name_and_key_cases(void)
{
    static const char nul_name[] = "server01.contoso.com\0.evil.com";
    const ucp_role *role = ucp_role_find("tls-server");
    if (!role)
        die("the catalogue has no tls-server role");
    struct topo t;
    struct profile pr;
    struct xcase c;
    struct spec s;
    role_topology(role, default_product(role), &t);
    if (!topo_count(&t, UCP_FACT_FQDN) || strcmp(topo_get(&t, UCP_FACT_FQDN, 0), "server01.contoso.com") != 0)
        die("tls-server: unexpected deployment");
    role_profile(role, &t, &pr);
    extra_case(&c, role, "names/nul-in-san",
               "The only SAN entry is server01.contoso.com\\0.evil.com: it never matches server01.contoso.com");
    c.rule = "san.invalid-name";
    c.file = "certs/names-nul-in-san.pem";
    profile_cert(&pr, &s);
    s.nsan = 1;
    s.san[0].v = nul_name;
    s.san[0].len = sizeof nul_name - 1;
    gnutls_x509_crt_t crt = make_cert(&s);
    write_pem(c.file, &crt, 1);
    gnutls_x509_crt_deinit(crt);
    expect(&c, UCP_RULE_SAN_INVALID_NAME);
    expect(&c, UCP_RULE_SAN_FQDN_MISSING);
    emit_case(&c);

    /* Teams Direct Routing accepts the SBC FQDN in the CN: not when the CN hides a NUL byte. */
    role = ucp_role_find("teams-direct-routing-sbc");
    if (!role)
        die("the catalogue has no teams-direct-routing-sbc role");
    if (!(flags_of(role, UCP_RULE_SAN_FQDN_MISSING) & UCP_RF_CN_COUNTS))
        die("teams-direct-routing-sbc: san.fqdn-missing no longer counts the CN");
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "names/nul-in-cn",
               "SBC certificate whose only name is CN=server01.contoso.com\\0.evil.com, no SAN");
    c.rule = "subject.cn-invalid-name";
    c.file = "certs/names-nul-in-cn.pem";
    pr.has_san = false;
    profile_cert(&pr, &s);
    s.cn[0] = nul_name;
    s.cnlen[0] = sizeof nul_name - 1;
    crt = make_cert(&s);
    write_pem(c.file, &crt, 1);
    gnutls_x509_crt_deinit(crt);
    expect(&c, UCP_RULE_SUBJECT_CN_INVALID_NAME);
    expect(&c, UCP_RULE_SAN_FQDN_MISSING);
    expect(&c, UCP_RULE_SAN_MISSING);
    emit_case(&c);

    /* Decision 7: a Teams Direct Routing SBC may use a wildcard in the CN and the SAN, for
     * exactly one left-most label. */
    role = ucp_role_find("teams-direct-routing-sbc");
    role_topology(role, default_product(role), &t);
    topo_clear(&t, UCP_FACT_FQDN);
    topo_set(&t, UCP_FACT_FQDN, "sbc01.contoso.com");
    role_profile(role, &t, &pr);
    extra_case(&c, role, "names/teams-wildcard", "SBC certificate CN=*.contoso.com, SAN *.contoso.com for sbc01.contoso.com");
    c.pass = true;
    c.file = "certs/names-teams-wildcard.pem";
    pr.cn[0] = "*.contoso.com";
    pr.nsan = 0;
    san_add(&pr, "*.contoso.com", UCP_RULE__COUNT);
    write_leaf(c.file, &pr);
    emit_case(&c);
    extra_case(&c, role, "names/teams-wildcard-two-labels",
               "The same certificate for sbc01.emea.contoso.com: a wildcard matches one label only");
    c.rule = "san.fqdn-missing";
    topo_clear(&c.topo, UCP_FACT_FQDN);
    topo_set(&c.topo, UCP_FACT_FQDN, "sbc01.emea.contoso.com");
    c.file = "certs/names-teams-wildcard.pem";
    expect(&c, UCP_RULE_SAN_FQDN_MISSING);
    emit_case(&c);
    extra_case(&c, role, "names/teams-wildcard-cn-only",
               "SBC certificate CN=*.contoso.com without SAN: the CN counts for Direct Routing");
    c.rule = "san.missing";
    topo_clear(&c.topo, UCP_FACT_FQDN);
    topo_set(&c.topo, UCP_FACT_FQDN, "sbc01.contoso.com");
    c.file = "certs/names-teams-wildcard-cn.pem";
    pr.has_san = false;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_SAN_MISSING);
    emit_case(&c);

    /* Decision 1: a web services certificate may name the pool instead of the server. */
    role = ucp_role_find("frontend-web-internal");
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "names/web-cn-pool", "An internal web certificate with CN = the pool FQDN");
    c.pass = true;
    c.file = "certs/names-web-cn-pool.pem";
    if (!topo_count(&t, UCP_FACT_POOL))
        die("frontend-web-internal does not use --pool");
    pr.cn[0] = topo_get(&t, UCP_FACT_POOL, 0);
    write_leaf(c.file, &pr);
    emit_case(&c);

    /* No EKU extension at all: not "any purpose" here, except where the role says so. */
    role = ucp_role_find("frontend-default");
    if (!role)
        die("the catalogue has no frontend-default role");
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "eku/absent", "A Default certificate without an extended key usage extension");
    c.rule = "eku.server-auth-missing";
    c.file = "certs/eku-absent-frontend-default.pem";
    pr.has_eku = false;
    pr.neku = 0;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_EKU_SERVER_AUTH_MISSING);
    emit_case(&c);
    const ucp_role *oos = ucp_role_find("office-online-server");
    if (!oos)
        die("the catalogue has no office-online-server role");
    if (!(flags_of(oos, UCP_RULE_EKU_SERVER_AUTH_MISSING) & UCP_RF_ABSENT_OK))
        die("office-online-server no longer accepts a certificate without EKU");
    role_topology(oos, default_product(oos), &t);
    role_profile(oos, &t, &pr);
    extra_case(&c, oos, "eku/absent-ok", "An Office Online Server certificate without EKU: no EKU is required");
    c.pass = true;
    c.file = "certs/eku-absent-office-online-server.pem";
    pr.has_eku = false;
    pr.neku = 0;
    write_leaf(c.file, &pr);
    emit_case(&c);

    /* Other kinds of subject alternative names next to the DNS names: shown, not matched. */
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "names/other-san-types",
               "A Default certificate whose SAN also holds an IP address, an e-mail address, a URI and an otherName");
    c.pass = true;
    c.file = "certs/names-other-san-types.pem";
    profile_cert(&pr, &s);
    {
        static const unsigned char ip[] = {10, 0, 0, 1};
        static const unsigned char ip6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        /* otherName: { OID 1.3.6.1.4.1.311.20.2.3 (UPN), [0] UTF8String "pool01@contoso.com" } */
        static const unsigned char upn[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03,
                                            0xa0, 0x14, 0x0c, 0x12, 'p', 'o', 'o', 'l', '0', '1', '@', 'c', 'o',
                                            'n', 't', 'o', 's', 'o', '.', 'c', 'o', 'm'};
        static const struct {
            unsigned char tag;
            const char *v;
            size_t len;
        } more[] = {
            {0x87, (const char *)ip, sizeof ip},
            {0x87, (const char *)ip6, sizeof ip6},
            {0x81, "admin@contoso.com", 17},
            {0x86, "https://pool01.contoso.com/", 27},
            {0xa0, (const char *)upn, sizeof upn},
        };
        for (size_t i = 0; i < UCP_ARRAY_SIZE(more); i++) {
            s.san[s.nsan].v = more[i].v;
            s.san[s.nsan].len = more[i].len;
            s.san[s.nsan].tag = more[i].tag;
            s.nsan++;
        }
    }
    crt = make_cert(&s);
    write_pem(c.file, &crt, 1);
    gnutls_x509_crt_deinit(crt);
    emit_case(&c);

    /* Thousands of SAN entries: a correct report, quickly (the SAN is walked once, duplicates
     * found by sorting). */
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "names/many-sans", "A Default certificate with 5,000 more SAN entries (host0001... in contoso.com)");
    c.pass = true;
    c.file = "certs/names-many-sans.pem";
    profile_cert(&pr, &s);
    for (int i = 0; i < 5000; i++) {
        s.san[s.nsan].v = fmt("host%04d.contoso.com", i);
        s.san[s.nsan].len = strlen(s.san[s.nsan].v);
        s.san[s.nsan].tag = 0;
        s.nsan++;
    }
    crt = make_cert(&s);
    write_pem(c.file, &crt, 1);
    gnutls_x509_crt_deinit(crt);
    emit_case(&c);

    /* A CRL distribution point URL longer than 2 KiB is still a distribution point. */
    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "revocation/long-cdp-url", "A Default certificate whose only CDP is a 3,000-character HTTP URL");
    c.pass = true;
    c.file = "certs/revocation-long-cdp.pem";
    {
        char *url = keep(malloc(3100));
        strcpy(url, "http://pki.contoso.com/crl/");
        while (strlen(url) < 3000)
            strcat(url, "segment-of-a-long-path/");
        strcat(url, "issuing.crl");
        pr.cdp = url;
    }
    write_leaf(c.file, &pr);
    emit_case(&c);

    role_topology(role, default_product(role), &t);
    role_profile(role, &t, &pr);
    extra_case(&c, role, "key/ec-p192", "A Default certificate with an ECDSA key on P-192");
    c.rule = "key.unsupported-algorithm";
    c.file = "certs/key-ec-p192.pem";
    pr.key = KEY_EC192;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_KEY_UNSUPPORTED_ALGORITHM);
    emit_case(&c);
}

static void incident_cases(void)
{
    const ucp_role *role = ucp_role_find("exchange-um");
    if (!role)
        die("the catalogue has no exchange-um role");
    struct topo t;
    struct profile pr;
    role_topology(role, default_product(role), &t);
    if (!topo_count(&t, UCP_FACT_FQDN))
        die("exchange-um does not use --fqdn");
    topo_clear(&t, UCP_FACT_FQDN);
    topo_set(&t, UCP_FACT_FQDN, "exch01.contoso.com");
    struct xcase c;

    role_profile(role, &t, &pr);
    case_init(&c, role, &t);
    c.id = "incident/exchange-um-correct";
    c.pass = true;
    c.description = "The reference incident, fixed: the UM certificate with CN=exch01.contoso.com";
    c.file = "certs/incident-um-correct.pem";
    write_leaf(c.file, &pr);
    emit_case(&c);

    case_init(&c, role, &t);
    c.id = "incident/exchange-um-wildcard-cn";
    c.rule = "subject.cn-wildcard";
    c.description = "The reference incident: the UM certificate with CN=*.contoso.com and SAN *.contoso.com";
    c.file = "certs/incident-um-wildcard.pem";
    pr.cn[0] = "*.contoso.com";
    pr.nsan = 0;
    san_add(&pr, "*.contoso.com", UCP_RULE__COUNT);
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_SUBJECT_CN_WILDCARD);
    c.present[0].remediation = INCIDENT_TEXT;
    if (c.present[0].severity != UCP_SEVERITY_ERROR)
        die("exchange-um: subject.cn-wildcard is not an error");
    emit_case(&c);
}

/* ---- input errors ------------------------------------------------------------------------- */

static void input_error(const char *id, const char *file, const char *password, ucp_status status,
                        const char *desc)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "description", json_string(desc));
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "password", password ? json_string(password) : json_null());
    json_object_set_new(o, "status", json_string(ucp_strerror_name(status)));
    json_array_append_new(errors_json, o);
}

static void input_errors(void)
{
    write_file("bad/empty.pem", "", 0);
    input_error("empty", "bad/empty.pem", NULL, UCP_E_FORMAT, "An empty file");

    unsigned char garbage[1024];
    GT(gnutls_rnd(GNUTLS_RND_NONCE, garbage, sizeof garbage));
    garbage[0] = 0x17; /* not a DER SEQUENCE */
    for (size_t i = 0; i < sizeof garbage; i++)
        if (garbage[i] == '-')
            garbage[i] = '+'; /* never a PEM boundary by chance */
    write_file("bad/garbage.bin", garbage, sizeof garbage);
    input_error("garbage", "bad/garbage.bin", NULL, UCP_E_FORMAT, "1 KiB of random bytes");

    input_error("truncated-der", "bad/truncated.cer", NULL, UCP_E_CORRUPT, "The first half of a DER certificate");
    input_error("trailing-garbage", "bad/trailing-garbage.cer", NULL, UCP_E_CORRUPT,
                "A DER certificate followed by 16 bytes of text");
    input_error("ber-indefinite", "bad/ber-indefinite.cer", NULL, UCP_E_CORRUPT,
                "A certificate whose outer SEQUENCE uses BER indefinite length");

    gnutls_datum_t pem = export_crt(ca_root.crt, GNUTLS_X509_FMT_PEM);
    const char *end = "-----END CERTIFICATE-----";
    char *cut = strstr((char *)pem.data, end);
    write_file("bad/no-end-line.pem", pem.data, (size_t)(cut - (char *)pem.data));
    input_error("pem-no-end", "bad/no-end-line.pem", NULL, UCP_E_CORRUPT, "A PEM block without its END line");
    {
        /* Replace a run of base64 in the middle with characters outside the alphabet. */
        char *copy = malloc(pem.size + 1);
        memcpy(copy, pem.data, pem.size);
        copy[pem.size] = '\0';
        char *body = strchr(copy, '\n') + 1;
        memcpy(body + 40, "!!!%%%!!!", 9);
        write_file("bad/bad-base64.pem", copy, pem.size);
        free(copy);
    }
    input_error("pem-bad-base64", "bad/bad-base64.pem", NULL, UCP_E_CORRUPT,
                "A PEM certificate whose base64 holds invalid characters");
    gnutls_free(pem.data);

    gnutls_datum_t k = {NULL, 0};
    GT(gnutls_x509_privkey_export2_pkcs8(k_misc.x, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &k));
    write_file("bad/key-only.pem", k.data, k.size);
    gnutls_free(k.data);
    input_error("pem-key-only", "bad/key-only.pem", NULL, UCP_E_NO_CERTIFICATE, "A PEM file with only a private key");

    input_error("pfx-wrong-password", pfx_file, "not-the-password", UCP_E_PASSWORD,
                "The password-protected PKCS#12 with a wrong password");
    input_error("pfx-no-password", pfx_file, NULL, UCP_E_PASSWORD,
                "The password-protected PKCS#12 without a password");
    input_error("pfx-too-many-iterations", "bad/too-many-iterations.pfx", PFX_PASSWORD, UCP_E_LIMIT,
                "A PKCS#12 whose MAC asks for 2,000,000 key-derivation iterations");

    /* ContentInfo { id-data, [0] OCTET STRING "hello" }: PKCS#7, but not signedData. */
    static const unsigned char p7data[] = {0x30, 0x16, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                           0x01, 0x07, 0x01, 0xa0, 0x09, 0x04, 0x07, 'n',  'o',  't',
                                           ' ',  'p',  '7', '!'};
    write_file("bad/pkcs7-data.p7b", p7data, sizeof p7data);
    input_error("pkcs7-not-signeddata", "bad/pkcs7-data.p7b", NULL, UCP_E_FORMAT,
                "A PKCS#7 ContentInfo of type data, not signedData");

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bad/a-directory.pem", outdir);
    mkdirs(dir);
    input_error("directory", "bad/a-directory.pem", NULL, UCP_E_IO, "A directory");
    input_error("nonexistent", "bad/does-not-exist.pem", NULL, UCP_E_IO, "A file that does not exist");
}

/* ---- main --------------------------------------------------------------------------------- */

/* The earliest and latest fixed times: every certificate's validity (up to 900 days before and
 * 3,650 days after) stays between 1970 and 9999. */
#define TIME_MIN (1000LL * DAY)
#define TIME_MAX (253402300799LL - 3700LL * DAY)

/* The validation time: now, or UCPOLICY_CERTGEN_TIME (seconds since 1970-01-01 UTC), which only
 * serves to compare the output of two builds of the generator; the tests never set it. */
static int64_t validation_time(void)
{
    const char *v = getenv("UCPOLICY_CERTGEN_TIME");
    if (!v)
        return (int64_t)time(NULL);
    long long t = 0;
    bool digits = *v && strlen(v) <= 12;
    for (const char *p = v; digits && *p; p++) {
        if (*p < '0' || *p > '9')
            digits = false;
        else
            t = t * 10 + (*p - '0');
    }
    if (!digits || t < TIME_MIN || t > TIME_MAX)
        die("UCPOLICY_CERTGEN_TIME: '%s' is not a time: give the seconds since 1970-01-01 UTC, from %lld to %lld", v,
            TIME_MIN, TIME_MAX);
    return (int64_t)t;
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--out") != 0) {
        fprintf(stderr, "Usage: ucpolicy-certgen --out DIR\n");
        return 2;
    }
    outdir = argv[2];
    vt = validation_time();
    mkdirs(outdir);

    make_keys();
    make_pki();
    make_crls();
    cases_json = json_array();
    errors_json = json_array();
    exemptions_json = json_array();
    catalogue_cases();
    format_cases();
    chain_cases();
    name_and_key_cases();
    more_cases();
    incident_cases();
    input_errors();

    char when[32];
    ucp_format_time(vt, when, sizeof when);
    json_t *manifest = json_object();
    json_object_set_new(manifest, "version", json_integer(1));
    json_object_set_new(manifest, "validationTime", json_string(when));
    json_t *gen = json_object();
    json_object_set_new(gen, "name", json_string("ucpolicy-certgen"));
    json_object_set_new(gen, "libucpolicy", json_string(ucp_version()));
    json_object_set_new(gen, "gnutls", json_string(gnutls_check_version(NULL)));
    json_object_set_new(manifest, "generator", gen);
    json_object_set_new(manifest, "cases", cases_json);
    json_object_set_new(manifest, "inputErrors", errors_json);
    json_object_set_new(manifest, "exemptions", exemptions_json);
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", outdir);
    if (json_dump_file(manifest, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        die("cannot write %s", path);
    printf("ucpolicy-certgen: %zu pass and %zu fail cases, %zu input errors, %zu exemptions in %s\n", ncases_pass,
           ncases_fail, json_array_size(errors_json), json_array_size(exemptions_json), outdir);
    json_decref(manifest);

    free_pki();
    key_free(&k_root);
    key_free(&k_root2);
    key_free(&k_issuing);
    key_free(&k_misc);
    key_free(&k_leaf);
    key_free(&k_rsa1024);
    key_free(&k_rsa512);
    key_free(&k_ec256);
    key_free(&k_ec192);
    key_free(&k_ed25519);
    gnutls_pubkey_deinit(pub_e3);
    gnutls_pubkey_deinit(pub_even);
    for (size_t i = 0; i < narena; i++)
        free(arena[i]);
    free(arena);
    return 0;
}
