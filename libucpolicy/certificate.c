/* SPDX-License-Identifier: MIT */
/*
 * One parsed certificate: every fact the rules need, extracted once at load time so that checks
 * (and many checks of the same certificate from several threads) only read.
 *
 * GnuTLS decodes the certificate. The subjectAltName extension is walked here with libtasn1's
 * DER primitives (asn1_get_tag_der / asn1_get_length_der) instead of
 * gnutls_x509_crt_get_subject_alt_name(): that call re-decodes the extension and looks the n-th
 * name up by index each time, which is quadratic in the number of names (curl #3635), and it
 * refuses names with embedded NUL bytes instead of letting us report them.
 */
#include "config.h"

#include <libtasn1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>

#include "keys-private.h"
#include "ucpolicy-private.h"

#define OID_SAN "2.5.29.17"
#define OID_CN "2.5.4.3"

static void bytes_free(struct ucp_bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

static bool bytes_set(struct ucp_bytes *b, const void *data, size_t len)
{
    b->data = malloc(len ? len : 1);
    if (!b->data)
        return false;
    if (len)
        memcpy(b->data, data, len);
    b->len = len;
    return true;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool push_str(char ***v, size_t *n, char *s)
{
    if (!s)
        return false;
    char **p = realloc(*v, (*n + 1) * sizeof **v);
    if (!p) {
        free(s);
        return false;
    }
    *v = p;
    p[(*n)++] = s;
    return true;
}

static void cert_free(ucp_certificate *c)
{
    if (!c)
        return;
    if (c->crt)
        gnutls_x509_crt_deinit(c->crt);
    bytes_free(&c->der);
    free(c->subject);
    free(c->issuer);
    free(c->serial);
    free(c->sha1);
    free(c->sha256);
    for (size_t i = 0; i < c->ncns; i++) {
        bytes_free(&c->cn_raw[i]);
        free(c->cns[i]);
    }
    free(c->cn_raw);
    free(c->cns);
    for (size_t i = 0; i < c->nsans; i++) {
        free(c->sans[i].display);
        bytes_free(&c->sans[i].raw);
    }
    free(c->sans);
    free_strv(c->ekus, c->nekus);
    bytes_free(&c->rsa_e);
    free(c->signature_name);
    free_strv(c->crl_urls, c->ncrl_urls);
    free_strv(c->ocsp_urls, c->nocsp_urls);
    free_strv(c->ca_issuers_urls, c->nca_issuers_urls);
    bytes_free(&c->raw_subject);
    bytes_free(&c->raw_issuer);
    bytes_free(&c->ski);
    bytes_free(&c->aki);
    ucp_certificate_templates_dispose(c);
    free(c);
}

static char *hex_upper(const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char *s = malloc(n * 2 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[n * 2] = '\0';
    return s;
}

/* Convert a BMPString / UniversalString to UTF-8 (unpaired surrogates become U+FFFD). */
static bool ucs_to_utf8(const uint8_t *p, size_t len, size_t width, struct ucp_bytes *out)
{
    if (len % width)
        return false;
    uint8_t *buf = malloc(len / width * 4 + 1);
    if (!buf)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < len; i += width) {
        uint32_t cp = 0;
        for (size_t k = 0; k < width; k++)
            cp = (cp << 8) | p[i + k];
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            cp = 0xfffd;
        if (cp < 0x80) {
            buf[o++] = (uint8_t)cp;
        } else if (cp < 0x800) {
            buf[o++] = (uint8_t)(0xc0 | (cp >> 6));
            buf[o++] = (uint8_t)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            buf[o++] = (uint8_t)(0xe0 | (cp >> 12));
            buf[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            buf[o++] = (uint8_t)(0x80 | (cp & 0x3f));
        } else {
            buf[o++] = (uint8_t)(0xf0 | (cp >> 18));
            buf[o++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
            buf[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            buf[o++] = (uint8_t)(0x80 | (cp & 0x3f));
        }
    }
    out->data = buf;
    out->len = o;
    return true;
}

/* Decode one DER-encoded DirectoryString (as returned with raw_flag=1) into its bytes. */
static bool decode_directory_string(const uint8_t *der, size_t len, struct ucp_bytes *out)
{
    unsigned char cls;
    int taglen;
    unsigned long tag;
    if (asn1_get_tag_der(der, (int)len, &cls, &taglen, &tag) != ASN1_SUCCESS)
        return false;
    int lenlen;
    long vlen = asn1_get_length_der(der + taglen, (int)len - taglen, &lenlen);
    if (vlen < 0 || (size_t)taglen + (size_t)lenlen + (size_t)vlen != len)
        return false;
    const uint8_t *v = der + taglen + lenlen;
    if (cls == ASN1_CLASS_UNIVERSAL && tag == 30)
        return ucs_to_utf8(v, (size_t)vlen, 2, out);
    if (cls == ASN1_CLASS_UNIVERSAL && tag == 28)
        return ucs_to_utf8(v, (size_t)vlen, 4, out);
    return bytes_set(out, v, (size_t)vlen);
}

static ucp_status extract_cns(ucp_certificate *c, const char *source)
{
    for (unsigned idx = 0;; idx++) {
        size_t size = 0;
        int ret = gnutls_x509_crt_get_dn_by_oid(c->crt, OID_CN, idx, 1, NULL, &size);
        if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            return UCP_OK;
        if (ret != GNUTLS_E_SHORT_MEMORY_BUFFER)
            return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                   "cannot read the subject common name: %s", gnutls_strerror(ret));
        uint8_t *buf = malloc(size + 1);
        if (!buf)
            return ucp_fail_nomem();
        ret = gnutls_x509_crt_get_dn_by_oid(c->crt, OID_CN, idx, 1, buf, &size);
        struct ucp_bytes value = {0};
        bool ok = ret >= 0 && decode_directory_string(buf, size, &value);
        free(buf);
        if (!ok)
            return ucp_fail(UCP_E_CORRUPT, source, "the subject common name is not a valid string");
        struct ucp_bytes *raws = realloc(c->cn_raw, (c->ncns + 1) * sizeof *raws);
        if (raws)
            c->cn_raw = raws;
        char **disp = realloc(c->cns, (c->ncns + 1) * sizeof *disp);
        if (disp)
            c->cns = disp;
        char *d = ucp_display_bytes(value.data, value.len);
        if (!raws || !disp || !d) {
            free(d);
            bytes_free(&value);
            return ucp_fail_nomem();
        }
        c->cn_raw[c->ncns] = value;
        c->cns[c->ncns] = d;
        c->ncns++;
    }
}

static char *ip_text(const uint8_t *p, size_t len)
{
    if (len == 4)
        return ucp_asprintf("%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    if (len == 16) {
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        for (size_t i = 0; i < 16; i += 2)
            ucp_sb_printf(&sb, "%s%x", i ? ":" : "", (unsigned)(p[i] << 8 | p[i + 1]));
        return ucp_sb_finish(&sb);
    }
    char *hex = hex_upper(p, len);
    char *s = hex ? ucp_asprintf("invalid-ip:%s", hex) : NULL;
    free(hex);
    return s;
}

static ucp_status extract_sans(ucp_certificate *c, const char *source)
{
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    int ret = gnutls_x509_crt_get_extension_by_oid2(c->crt, OID_SAN, 0, &ext, &critical);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return UCP_OK;
    if (ret < 0)
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                               "cannot read the subjectAltName extension: %s", gnutls_strerror(ret));
    c->has_san_ext = true;
    ucp_status st = UCP_OK;
    const uint8_t *p = ext.data;
    int left = (int)ext.size;
    unsigned char cls;
    int taglen, lenlen;
    unsigned long tag;
    if (asn1_get_tag_der(p, left, &cls, &taglen, &tag) != ASN1_SUCCESS ||
        cls != (ASN1_CLASS_UNIVERSAL | ASN1_CLASS_STRUCTURED) || tag != ASN1_TAG_SEQUENCE) {
        st = ucp_fail(UCP_E_CORRUPT, source, "the subjectAltName extension is not a SEQUENCE");
        goto out;
    }
    long seqlen = asn1_get_length_der(p + taglen, left - taglen, &lenlen);
    if (seqlen < 0 || (long)taglen + lenlen + seqlen != left) {
        st = ucp_fail(UCP_E_CORRUPT, source,
                      "the subjectAltName extension has a wrong length (truncated or trailing data)");
        goto out;
    }
    p += taglen + lenlen;
    left = (int)seqlen;
    size_t cap = 0;
    while (left > 0) {
        if (asn1_get_tag_der(p, left, &cls, &taglen, &tag) != ASN1_SUCCESS) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName entry has an invalid tag");
            goto out;
        }
        long vlen = asn1_get_length_der(p + taglen, left - taglen, &lenlen);
        if (vlen < 0 || (long)taglen + lenlen + vlen > left) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName entry is truncated");
            goto out;
        }
        const uint8_t *v = p + taglen + lenlen;
        if (!(cls & ASN1_CLASS_CONTEXT_SPECIFIC)) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName entry is not a GeneralName");
            goto out;
        }
        if (c->nsans == cap) {
            if (c->nsans >= 1000000) {
                st = ucp_fail(UCP_E_TOO_LARGE, source, "more than 1000000 subjectAltName entries");
                goto out;
            }
            cap = cap ? cap * 2 : 8;
            struct ucp_san *n = realloc(c->sans, cap * sizeof *n);
            if (!n) {
                st = ucp_fail_nomem();
                goto out;
            }
            c->sans = n;
        }
        struct ucp_san *san = &c->sans[c->nsans];
        memset(san, 0, sizeof *san);
        bool primitive = !(cls & ASN1_CLASS_STRUCTURED);
        switch (tag) {
        case 2: san->type = UCP_SAN_DNS; break;
        case 1: san->type = UCP_SAN_EMAIL; break;
        case 6: san->type = UCP_SAN_URI; break;
        case 7: san->type = UCP_SAN_IP; break;
        default: san->type = UCP_SAN_OTHER; break;
        }
        if (san->type != UCP_SAN_OTHER && !primitive) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName string entry is constructed");
            goto out;
        }
        if (!bytes_set(&san->raw, v, (size_t)vlen)) {
            st = ucp_fail_nomem();
            goto out;
        }
        if (san->type == UCP_SAN_IP) {
            san->display = ip_text(v, (size_t)vlen);
        } else if (san->type == UCP_SAN_OTHER) {
            char *hex = hex_upper(v, (size_t)(vlen > 32 ? 32 : vlen));
            san->display = hex ? ucp_asprintf("[%lu]:%s%s", tag, hex, vlen > 32 ? "..." : "") : NULL;
            free(hex);
        } else {
            san->display = ucp_display_bytes(v, (size_t)vlen);
            san->clean = true;
            for (long i = 0; i < vlen; i++)
                if (v[i] < 0x20 || v[i] >= 0x7f)
                    san->clean = false;
        }
        if (!san->display) {
            bytes_free(&san->raw);
            st = ucp_fail_nomem();
            goto out;
        }
        c->nsans++;
        p += taglen + lenlen + vlen;
        left -= taglen + lenlen + (int)vlen;
    }
out:
    gnutls_free(ext.data);
    return st;
}

static ucp_status extract_ekus(ucp_certificate *c, const char *source)
{
    for (unsigned i = 0;; i++) {
        char oid[128];
        size_t size = sizeof oid;
        unsigned critical = 0;
        int ret = gnutls_x509_crt_get_key_purpose_oid(c->crt, i, oid, &size, &critical);
        if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (ret < 0)
            return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                   "cannot read the extended key usage extension: %s",
                                   gnutls_strerror(ret));
        c->has_eku = true;
        c->eku_critical = critical != 0;
        if (!push_str(&c->ekus, &c->nekus, ucp_strdup(oid)))
            return ucp_fail_nomem();
    }
    if (!c->has_eku) {
        /* An EKU extension holding an empty sequence still restricts usage. */
        gnutls_datum_t ext = {NULL, 0};
        unsigned critical = 0;
        if (gnutls_x509_crt_get_extension_by_oid2(c->crt, "2.5.29.37", 0, &ext, &critical) >= 0) {
            c->has_eku = true;
            c->eku_critical = critical != 0;
            gnutls_free(ext.data);
        }
    }
    return UCP_OK;
}

static ucp_status extract_urls(ucp_certificate *c)
{
    for (unsigned seq = 0; seq < 64; seq++) {
        char small[2048];
        char *buf = small;
        size_t size = sizeof small;
        unsigned reasons = 0, critical = 0;
        int ret = gnutls_x509_crt_get_crl_dist_points(c->crt, seq, buf, &size, &reasons, &critical);
        if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER) {
            /* A long URL (LDAP ones can be): read it into a buffer of the size GnuTLS asks for. */
            buf = malloc(size + 1);
            if (!buf)
                return ucp_fail_nomem();
            ret = gnutls_x509_crt_get_crl_dist_points(c->crt, seq, buf, &size, &reasons, &critical);
        }
        bool ok = true;
        if (ret == GNUTLS_SAN_URI)
            ok = push_str(&c->crl_urls, &c->ncrl_urls, ucp_display_bytes((uint8_t *)buf, size));
        else if (ret >= 0)
            ok = push_str(&c->crl_urls, &c->ncrl_urls, ucp_strdup("(non-URI distribution point)"));
        if (buf != small)
            free(buf);
        if (!ok)
            return ucp_fail_nomem();
        if (ret < 0)
            break;
    }
    static const struct {
        int what;
        size_t off_v, off_n;
    } kinds[] = {
        {GNUTLS_IA_OCSP_URI, offsetof(ucp_certificate, ocsp_urls), offsetof(ucp_certificate, nocsp_urls)},
        {GNUTLS_IA_CAISSUERS_URI, offsetof(ucp_certificate, ca_issuers_urls),
         offsetof(ucp_certificate, nca_issuers_urls)},
    };
    for (size_t k = 0; k < UCP_ARRAY_SIZE(kinds); k++) {
        for (unsigned seq = 0; seq < 64; seq++) {
            gnutls_datum_t d = {NULL, 0};
            unsigned critical = 0;
            int ret = gnutls_x509_crt_get_authority_info_access(c->crt, seq, kinds[k].what, &d, &critical);
            if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
                break;
            if (ret < 0)
                continue; /* another access method at this position */
            char ***v = (char ***)((char *)c + kinds[k].off_v);
            size_t *n = (size_t *)((char *)c + kinds[k].off_n);
            bool ok = push_str(v, n, ucp_display_bytes(d.data, d.size));
            gnutls_free(d.data);
            if (!ok)
                return ucp_fail_nomem();
        }
    }
    return UCP_OK;
}

static const char *curve_name(gnutls_ecc_curve_t curve)
{
    switch (curve) {
    case GNUTLS_ECC_CURVE_SECP256R1: return "P-256";
    case GNUTLS_ECC_CURVE_SECP384R1: return "P-384";
    case GNUTLS_ECC_CURVE_SECP521R1: return "P-521";
    case GNUTLS_ECC_CURVE_SECP224R1: return "P-224";
    case GNUTLS_ECC_CURVE_SECP192R1: return "P-192";
    default: {
        const char *n = gnutls_ecc_curve_get_name(curve);
        return n ? n : "unknown curve";
    }
    }
}

static void extract_key(ucp_certificate *c)
{
    unsigned bits = 0;
    int pk = gnutls_x509_crt_get_pk_algorithm(c->crt, &bits);
    c->pk_algo = pk;
    c->bits = bits;
    switch (pk) {
    case GNUTLS_PK_RSA: {
        c->key_algorithm = "RSA";
        gnutls_datum_t m = {NULL, 0}, e = {NULL, 0};
        if (gnutls_x509_crt_get_pk_rsa_raw(c->crt, &m, &e) == 0) {
            /* Drop leading zero bytes of the exponent. */
            size_t off = 0;
            while (off + 1 < e.size && e.data[off] == 0)
                off++;
            bytes_set(&c->rsa_e, e.data + off, e.size - off);
        }
        gnutls_free(m.data);
        gnutls_free(e.data);
        break;
    }
    case GNUTLS_PK_RSA_PSS: c->key_algorithm = "RSA-PSS"; break;
    case GNUTLS_PK_ECDSA: {
        c->key_algorithm = "ECDSA";
        gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
        gnutls_datum_t x = {NULL, 0}, y = {NULL, 0};
        if (gnutls_x509_crt_get_pk_ecc_raw(c->crt, &curve, &x, &y) == 0)
            c->curve = curve_name(curve);
        else
            c->curve = "unknown curve";
        gnutls_free(x.data);
        gnutls_free(y.data);
        break;
    }
    case GNUTLS_PK_EDDSA_ED25519: c->key_algorithm = "Ed25519"; break;
    case GNUTLS_PK_EDDSA_ED448: c->key_algorithm = "Ed448"; break;
    case GNUTLS_PK_DSA: c->key_algorithm = "DSA"; break;
    default: c->key_algorithm = pk > 0 && gnutls_pk_get_name(pk) ? gnutls_pk_get_name(pk) : "unknown"; break;
    }
}

static ucp_status extract_signature(ucp_certificate *c)
{
    int sign = gnutls_x509_crt_get_signature_algorithm(c->crt);
    c->sign_algo = sign > 0 ? sign : GNUTLS_SIGN_UNKNOWN;
    if (sign > 0) {
        c->sign_hash = gnutls_sign_get_hash_algorithm(sign);
        c->sign_pss = gnutls_sign_get_pk_algorithm(sign) == GNUTLS_PK_RSA_PSS;
        const char *name = gnutls_sign_get_name(sign);
        c->signature_name = ucp_strdup(name ? name : "unknown");
    } else {
        char oid[128];
        size_t size = sizeof oid;
        if (gnutls_x509_crt_get_signature_oid(c->crt, oid, &size) >= 0) {
            c->signature_name = ucp_strdup(oid);
            /* GnuTLS 3.7 no longer knows MD2/MD5-with-RSA by name in every build: map the OIDs. */
            bool md5 = strcmp(oid, "1.2.840.113549.1.1.4") == 0;
            if (md5 || strcmp(oid, "1.2.840.113549.1.1.2") == 0) {
                c->sign_hash = GNUTLS_DIG_MD5;
                free(c->signature_name);
                c->signature_name = ucp_strdup(md5 ? "RSA-MD5" : "RSA-MD2");
            } else if (strcmp(oid, "1.2.840.113549.1.1.10") == 0) {
                c->sign_pss = true;
            }
        } else {
            c->signature_name = ucp_strdup("unknown");
        }
    }
    return c->signature_name ? UCP_OK : ucp_fail_nomem();
}

static bool dup_datum(struct ucp_bytes *b, int (*get)(gnutls_x509_crt_t, gnutls_datum_t *),
                      gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = {NULL, 0};
    if (get(crt, &d) < 0)
        return bytes_set(b, "", 0);
    bool ok = bytes_set(b, d.data, d.size);
    gnutls_free(d.data);
    return ok;
}

static char *dn_text(gnutls_x509_crt_t crt, bool issuer)
{
    gnutls_datum_t d = {NULL, 0};
    int ret = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) : gnutls_x509_crt_get_dn3(crt, &d, 0);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return ucp_strdup("");
    if (ret < 0)
        return ucp_strdup("(unprintable distinguished name)");
    char *s = ucp_display_bytes(d.data, d.size);
    gnutls_free(d.data);
    return s;
}

/* Reject extensions a certificate may carry only once (RFC 5280 4.2): a second copy would let
 * two parsers see two different certificates. */
static ucp_status check_duplicate_extensions(ucp_certificate *c, const char *source)
{
    static const char *const once[] = {"2.5.29.17", "2.5.29.37", "2.5.29.15", "2.5.29.19",
                                        "2.5.29.31", "2.5.29.30", "1.3.6.1.5.5.7.1.1"};
    unsigned seen[UCP_ARRAY_SIZE(once)] = {0};
    for (unsigned i = 0; i < 4096; i++) {
        char oid[128];
        size_t size = sizeof oid;
        unsigned critical = 0;
        int ret = gnutls_x509_crt_get_extension_info(c->crt, i, oid, &size, &critical);
        if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (ret < 0)
            continue;
        for (size_t k = 0; k < UCP_ARRAY_SIZE(once); k++)
            if (strcmp(oid, once[k]) == 0 && ++seen[k] > 1)
                return ucp_fail(UCP_E_CORRUPT, source, "the certificate has the extension %s twice",
                                oid);
    }
    return UCP_OK;
}

ucp_status ucp_certificate_from_der(ucp_certificate **out, const uint8_t *der, size_t len,
                                    const char *source, size_t index)
{
    *out = NULL;
    char where[600];
    if (index == 0)
        snprintf(where, sizeof where, "%s", source ? source : "<memory>");
    else
        snprintf(where, sizeof where, "%s (certificate %zu)", source ? source : "<memory>", index + 1);

    ucp_certificate *c = calloc(1, sizeof *c);
    if (!c)
        return ucp_fail_nomem();
    atomic_init(&c->refs, 1);
    c->pathlen = -1;
    ucp_status st = UCP_OK;
    int ret = gnutls_x509_crt_init(&c->crt);
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, where, "%s", gnutls_strerror(ret));
        goto fail;
    }
    if (!bytes_set(&c->der, der, len)) {
        st = ucp_fail_nomem();
        goto fail;
    }
    gnutls_datum_t d = {c->der.data, (unsigned)len};
    ret = gnutls_x509_crt_import(c->crt, &d, GNUTLS_X509_FMT_DER);
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, where,
                             "not a valid X.509 certificate: %s", gnutls_strerror(ret));
        goto fail;
    }
    c->version = gnutls_x509_crt_get_version(c->crt);
    if ((st = check_duplicate_extensions(c, where)) != UCP_OK)
        goto fail;
    c->subject = dn_text(c->crt, false);
    c->issuer = dn_text(c->crt, true);
    if (!c->subject || !c->issuer || !dup_datum(&c->raw_subject, gnutls_x509_crt_get_raw_dn, c->crt) ||
        !dup_datum(&c->raw_issuer, gnutls_x509_crt_get_raw_issuer_dn, c->crt)) {
        st = ucp_fail_nomem();
        goto fail;
    }
    {
        unsigned char buf[64];
        size_t size = sizeof buf;
        if (gnutls_x509_crt_get_serial(c->crt, buf, &size) >= 0)
            c->serial = hex_upper(buf, size);
        else
            c->serial = ucp_strdup("");
        size = sizeof buf;
        gnutls_x509_crt_get_fingerprint(c->crt, GNUTLS_DIG_SHA1, buf, &size);
        c->sha1 = hex_upper(buf, size);
        size = sizeof buf;
        gnutls_x509_crt_get_fingerprint(c->crt, GNUTLS_DIG_SHA256, buf, &size);
        c->sha256 = hex_upper(buf, size);
        size = sizeof c->key_id;
        if (gnutls_x509_crt_get_key_id(c->crt, GNUTLS_KEYID_USE_SHA256, c->key_id, &size) < 0)
            memset(c->key_id, 0, sizeof c->key_id);
        unsigned critical = 0;
        size = sizeof buf;
        if (gnutls_x509_crt_get_subject_key_id(c->crt, buf, &size, &critical) >= 0)
            bytes_set(&c->ski, buf, size);
        size = sizeof buf;
        if (gnutls_x509_crt_get_authority_key_id(c->crt, buf, &size, &critical) >= 0)
            bytes_set(&c->aki, buf, size);
        if (!c->serial || !c->sha1 || !c->sha256) {
            st = ucp_fail_nomem();
            goto fail;
        }
    }
    if ((st = extract_cns(c, where)) != UCP_OK || (st = extract_sans(c, where)) != UCP_OK ||
        (st = extract_ekus(c, where)) != UCP_OK || (st = extract_urls(c)) != UCP_OK ||
        (st = extract_signature(c)) != UCP_OK)
        goto fail;
    {
        unsigned ku = 0, critical = 0;
        ret = gnutls_x509_crt_get_key_usage(c->crt, &ku, &critical);
        if (ret >= 0) {
            c->has_ku = true;
            c->ku = ku;
            c->ku_critical = critical != 0;
        }
        unsigned ca = 0;
        int pathlen = -1;
        ret = gnutls_x509_crt_get_basic_constraints(c->crt, &critical, &ca, &pathlen);
        if (ret >= 0) {
            c->has_bc = true;
            c->bc_ca = ca != 0;
            c->pathlen = c->bc_ca ? pathlen : -1;
        }
    }
    extract_key(c);
    if ((st = ucp_certificate_decode_templates(c)) != UCP_OK)
        goto fail;
    {
        time_t nb = gnutls_x509_crt_get_activation_time(c->crt);
        time_t na = gnutls_x509_crt_get_expiration_time(c->crt);
        if (nb == (time_t)-1 || na == (time_t)-1) {
            st = ucp_fail(UCP_E_CORRUPT, where, "the validity period cannot be read");
            goto fail;
        }
        c->not_before = (int64_t)nb;
        c->not_after = (int64_t)na;
    }
    c->self_issued = c->raw_subject.len == c->raw_issuer.len &&
                     memcmp(c->raw_subject.data, c->raw_issuer.data, c->raw_subject.len) == 0;
    if (c->self_issued)
        c->self_signed = ucp_certificate_verify_signature(c, c);
    *out = c;
    return UCP_OK;
fail:
    cert_free(c);
    return st;
}

ucp_certificate *ucp_certificate_mut_ref(ucp_certificate *cert)
{
    if (cert)
        atomic_fetch_add_explicit(&cert->refs, 1, memory_order_relaxed);
    return cert;
}

UCP_EXPORT const ucp_certificate *ucp_certificate_ref(const ucp_certificate *cert)
{
    return ucp_certificate_mut_ref((ucp_certificate *)cert);
}

UCP_EXPORT void ucp_certificate_unref(const ucp_certificate *cert)
{
    ucp_certificate *c = (ucp_certificate *)cert;
    if (c && atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
        cert_free(c);
}

bool ucp_certificate_same(const ucp_certificate *a, const ucp_certificate *b)
{
    return a == b || (a->der.len == b->der.len && memcmp(a->der.data, b->der.data, a->der.len) == 0);
}

bool ucp_certificate_same_entity(const ucp_certificate *a, const ucp_certificate *b)
{
    return a->raw_subject.len == b->raw_subject.len &&
           memcmp(a->raw_subject.data, b->raw_subject.data, a->raw_subject.len) == 0 &&
           memcmp(a->key_id, b->key_id, sizeof a->key_id) == 0;
}

bool ucp_certificate_issued_by(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    if (cert->raw_issuer.len != issuer->raw_subject.len ||
        memcmp(cert->raw_issuer.data, issuer->raw_subject.data, cert->raw_issuer.len) != 0)
        return false;
    /* When both key identifiers are present they must agree (RFC 5280 4.2.1.1). */
    if (cert->aki.len && issuer->ski.len &&
        (cert->aki.len != issuer->ski.len || memcmp(cert->aki.data, issuer->ski.data, cert->aki.len) != 0))
        return false;
    return true;
}

/* Does @cert break the name constraints of @issuer, as GnuTLS's verification checks them? */
static bool violates_name_constraints(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    gnutls_x509_name_constraints_t nc = NULL;
    if (gnutls_x509_name_constraints_init(&nc) < 0)
        return false;
    bool violated = false;
    if (gnutls_x509_crt_get_name_constraints(issuer->crt, nc, 0, NULL) >= 0) {
        static const gnutls_x509_subject_alt_name_t types[] = {GNUTLS_SAN_DNSNAME, GNUTLS_SAN_RFC822NAME,
                                                               GNUTLS_SAN_DN, GNUTLS_SAN_URI,
                                                               GNUTLS_SAN_IPADDRESS};
        for (size_t i = 0; i < UCP_ARRAY_SIZE(types) && !violated; i++)
            violated = !gnutls_x509_name_constraints_check_crt(nc, types[i], cert->crt);
    }
    gnutls_x509_name_constraints_deinit(nc);
    return violated;
}

bool ucp_certificate_verify_signature(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    /* Signature only: CA rights, time and algorithm strength are checked by the rules, so that
     * each problem gets its own finding. */
    const unsigned flags = GNUTLS_VERIFY_DISABLE_CA_SIGN | GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                           GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS | GNUTLS_VERIFY_ALLOW_BROKEN |
                           GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT;
    unsigned status = 0;
    gnutls_x509_crt_t ca = issuer->crt;
    int ret = gnutls_x509_crt_verify(cert->crt, &ca, 1, flags, &status);
    /* GnuTLS also applies the issuer's name constraints here, with no flag to skip them, and
     * reports a violation with the bit it uses for a key that cannot have made the signature
     * (which it then does not verify). Name constraints are a rule of their own
     * (chain.name-constraints, chain.c): when they explain the bit and the issuer's key type can
     * make this signature, the signature itself verified (a failing one sets its own bit). */
    if (ret == 0 && status == (GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) &&
        gnutls_sign_supports_pk_algorithm((gnutls_sign_algorithm_t)gnutls_x509_crt_get_signature_algorithm(cert->crt),
                                          (gnutls_pk_algorithm_t)gnutls_x509_crt_get_pk_algorithm(issuer->crt, NULL)) &&
        violates_name_constraints(cert, issuer))
        status = 0;
    return ret == 0 && status == 0;
}

/* ---- public getters ------------------------------------------------------------------------ */

UCP_EXPORT const char *ucp_certificate_subject(const ucp_certificate *c) { return c ? c->subject : ""; }
UCP_EXPORT const char *ucp_certificate_issuer(const ucp_certificate *c) { return c ? c->issuer : ""; }
UCP_EXPORT const char *ucp_certificate_common_name(const ucp_certificate *c)
{
    return c && c->ncns ? c->cns[0] : NULL;
}
UCP_EXPORT const char *ucp_certificate_serial(const ucp_certificate *c) { return c ? c->serial : ""; }
UCP_EXPORT size_t ucp_certificate_san_count(const ucp_certificate *c) { return c ? c->nsans : 0; }
UCP_EXPORT const char *ucp_certificate_san_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nsans ? c->sans[i].display : NULL;
}
UCP_EXPORT ucp_san_type ucp_certificate_san_type_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nsans ? c->sans[i].type : UCP_SAN_OTHER;
}
UCP_EXPORT bool ucp_certificate_has_eku(const ucp_certificate *c) { return c && c->has_eku; }
UCP_EXPORT size_t ucp_certificate_eku_count(const ucp_certificate *c) { return c ? c->nekus : 0; }
UCP_EXPORT bool ucp_certificate_eku_critical(const ucp_certificate *c) { return c && c->has_eku && c->eku_critical; }
UCP_EXPORT bool ucp_certificate_has_key_usage(const ucp_certificate *c) { return c && c->has_ku; }
UCP_EXPORT bool ucp_certificate_key_usage_critical(const ucp_certificate *c) { return c && c->has_ku && c->ku_critical; }

static const struct {
    unsigned gnutls;
    ucp_key_usage ours;
    const char *name;
} key_usages[] = {
    {GNUTLS_KEY_DIGITAL_SIGNATURE, UCP_KU_DIGITAL_SIGNATURE, "digitalSignature"},
    {GNUTLS_KEY_NON_REPUDIATION, UCP_KU_NON_REPUDIATION, "nonRepudiation"},
    {GNUTLS_KEY_KEY_ENCIPHERMENT, UCP_KU_KEY_ENCIPHERMENT, "keyEncipherment"},
    {GNUTLS_KEY_DATA_ENCIPHERMENT, UCP_KU_DATA_ENCIPHERMENT, "dataEncipherment"},
    {GNUTLS_KEY_KEY_AGREEMENT, UCP_KU_KEY_AGREEMENT, "keyAgreement"},
    {GNUTLS_KEY_KEY_CERT_SIGN, UCP_KU_KEY_CERT_SIGN, "keyCertSign"},
    {GNUTLS_KEY_CRL_SIGN, UCP_KU_CRL_SIGN, "cRLSign"},
    {GNUTLS_KEY_ENCIPHER_ONLY, UCP_KU_ENCIPHER_ONLY, "encipherOnly"},
    {GNUTLS_KEY_DECIPHER_ONLY, UCP_KU_DECIPHER_ONLY, "decipherOnly"},
};

UCP_EXPORT unsigned ucp_certificate_key_usage(const ucp_certificate *c)
{
    unsigned out = 0;
    for (size_t i = 0; c && c->has_ku && i < UCP_ARRAY_SIZE(key_usages); i++)
        if (c->ku & key_usages[i].gnutls)
            out |= (unsigned)key_usages[i].ours;
    return out;
}

UCP_EXPORT const char *ucp_key_usage_name(ucp_key_usage usage)
{
    for (size_t i = 0; i < UCP_ARRAY_SIZE(key_usages); i++)
        if (key_usages[i].ours == usage)
            return key_usages[i].name;
    return "";
}
UCP_EXPORT const char *ucp_certificate_eku_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nekus ? c->ekus[i] : NULL;
}

UCP_EXPORT const char *ucp_eku_name(const char *oid)
{
    static const struct {
        const char *oid, *name;
    } names[] = {
        {"1.3.6.1.5.5.7.3.1", "serverAuth"},       {"1.3.6.1.5.5.7.3.2", "clientAuth"},
        {"1.3.6.1.5.5.7.3.3", "codeSigning"},      {"1.3.6.1.5.5.7.3.4", "emailProtection"},
        {"1.3.6.1.5.5.7.3.8", "timeStamping"},     {"1.3.6.1.5.5.7.3.9", "OCSPSigning"},
        {"2.5.29.37.0", "anyExtendedKeyUsage"},    {"1.3.6.1.4.1.311.10.3.3", "serverGatedCrypto (Microsoft)"},
        {"2.16.840.1.113730.4.1", "serverGatedCrypto (Netscape)"},
        {"1.3.6.1.5.5.7.3.5", "ipsecEndSystem"},   {"1.3.6.1.5.5.7.3.7", "ipsecUser"},
        {"1.3.6.1.4.1.311.20.2.2", "smartcardLogon"},
    };
    if (!oid)
        return "";
    for (size_t i = 0; i < UCP_ARRAY_SIZE(names); i++)
        if (strcmp(names[i].oid, oid) == 0)
            return names[i].name;
    return oid;
}

UCP_EXPORT const char *ucp_certificate_key_algorithm(const ucp_certificate *c)
{
    return c ? c->key_algorithm : "";
}
UCP_EXPORT unsigned ucp_certificate_key_bits(const ucp_certificate *c) { return c ? c->bits : 0; }
UCP_EXPORT const char *ucp_certificate_key_curve(const ucp_certificate *c) { return c ? c->curve : NULL; }
UCP_EXPORT const char *ucp_certificate_signature_algorithm(const ucp_certificate *c)
{
    return c ? c->signature_name : "";
}
UCP_EXPORT int64_t ucp_certificate_not_before(const ucp_certificate *c) { return c ? c->not_before : 0; }
UCP_EXPORT int64_t ucp_certificate_not_after(const ucp_certificate *c) { return c ? c->not_after : 0; }
UCP_EXPORT const char *ucp_certificate_sha1(const ucp_certificate *c) { return c ? c->sha1 : ""; }
UCP_EXPORT const char *ucp_certificate_sha256(const ucp_certificate *c) { return c ? c->sha256 : ""; }
UCP_EXPORT bool ucp_certificate_is_ca(const ucp_certificate *c) { return c && c->bc_ca; }
UCP_EXPORT bool ucp_certificate_is_self_signed(const ucp_certificate *c) { return c && c->self_signed; }
UCP_EXPORT size_t ucp_certificate_crl_url_count(const ucp_certificate *c) { return c ? c->ncrl_urls : 0; }
UCP_EXPORT const char *ucp_certificate_crl_url_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->ncrl_urls ? c->crl_urls[i] : NULL;
}
UCP_EXPORT size_t ucp_certificate_ocsp_url_count(const ucp_certificate *c) { return c ? c->nocsp_urls : 0; }
UCP_EXPORT const char *ucp_certificate_ocsp_url_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nocsp_urls ? c->ocsp_urls[i] : NULL;
}
UCP_EXPORT size_t ucp_certificate_ca_issuers_url_count(const ucp_certificate *c)
{
    return c ? c->nca_issuers_urls : 0;
}
UCP_EXPORT const char *ucp_certificate_ca_issuers_url_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nca_issuers_urls ? c->ca_issuers_urls[i] : NULL;
}
UCP_EXPORT const uint8_t *ucp_certificate_der(const ucp_certificate *c, size_t *length)
{
    if (length)
        *length = c ? c->der.len : 0;
    return c ? c->der.data : NULL;
}

UCP_EXPORT const char *ucp_format_name(ucp_format f)
{
    switch (f) {
    case UCP_FORMAT_PEM: return "pem";
    case UCP_FORMAT_DER: return "der";
    case UCP_FORMAT_PKCS7: return "pkcs7";
    case UCP_FORMAT_PKCS12: return "pkcs12";
    }
    return "";
}

UCP_EXPORT const char *ucp_san_type_name(ucp_san_type t)
{
    switch (t) {
    case UCP_SAN_DNS: return "dns";
    case UCP_SAN_IP: return "ip";
    case UCP_SAN_URI: return "uri";
    case UCP_SAN_EMAIL: return "email";
    case UCP_SAN_OTHER: return "other";
    }
    return "";
}
