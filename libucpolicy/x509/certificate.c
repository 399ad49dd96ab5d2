/* SPDX-License-Identifier: MIT */
/*
 * One parsed certificate: every fact the rules need, extracted once at load time so that checks
 * (and many checks of the same certificate from several threads) only read.
 *
 * GnuTLS decodes the certificate. The subjectAltName extension is walked here with the DER
 * reader (der.c) instead of gnutls_x509_crt_get_subject_alt_name(): that call re-decodes the extension and looks the n-th
 * name up by index each time, which is quadratic in the number of names (curl #3635), and it
 * refuses names with embedded NUL bytes instead of letting us report them.
 */
#include "config.h"

#include <libtasn1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509-ext.h>

#include "x509/x509-private.h"

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
    gnutls_x509_crt_t crt = atomic_load(&c->tree);
    if (crt)
        gnutls_x509_crt_deinit(crt);
    gnutls_pubkey_t pk = atomic_load(&c->pubkey);
    if (pk)
        gnutls_pubkey_deinit(pk);
    bytes_free(&c->der);
    free(c->exts);
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
        o += ucp_utf8_put(buf + o, cp);
    }
    out->data = buf;
    out->len = o;
    return true;
}

/* Decode one DER-encoded DirectoryString (as returned with raw_flag=1) into its bytes. */
static bool decode_directory_string(const uint8_t *der, size_t len, struct ucp_bytes *out)
{
    struct ucp_tlv t;
    if (!ucp_der_read_exact(der, len, UCP_DER_BER, &t))
        return false;
    if (ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, 30))
        return ucs_to_utf8(t.value, t.len, 2, out);
    if (ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, 28))
        return ucs_to_utf8(t.value, t.len, 4, out);
    return bytes_set(out, t.value, t.len);
}

/* ---- reading the DER directly -------------------------------------------------------------
 *
 * GnuTLS answers each getter by decoding (part of) the certificate into a libtasn1 tree and
 * looking nodes up by name, which costs most of the parse time. The TBSCertificate (which
 * gnutls_x509_crt_import has already decoded strictly) is walked once here instead, and the
 * common extensions are read from their DER. Each reader takes the direct path only for the
 * shapes it knows to be read the same way by GnuTLS (strict DER: minimal lengths, no trailing
 * bytes, only the alternatives listed); anything else is read through GnuTLS, so the facts are
 * those of the GnuTLS getters (tests/test-extensions.c compares both on every certificate). */

/* Walk TBSCertificate: the public key span and the extension list. */
static void index_tbs(ucp_certificate *c)
{
    if (!c->tbs_len)
        return;
    const uint8_t *base = c->der.data;
    struct ucp_tlv tbs, t;
    if (!ucp_der_read(base + c->tbs_off, c->tbs_len, UCP_DER_STRICT, &tbs) ||
        !ucp_der_is(&tbs, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return;
    const uint8_t *p = tbs.value;
    size_t left = tbs.len;
    /* version [0] EXPLICIT (optional), serialNumber, signature, issuer, validity, subject,
     * subjectPublicKeyInfo */
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &t) ||
        (ucp_der_is(&t, UCP_DER_CTX_CONS, 0) && !ucp_der_next(&p, &left, UCP_DER_STRICT, &t)) ||
        !ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER))
        return;
    for (int i = 0; i < 5; i++)
        if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &t) || !ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return;
    size_t spki_off = (size_t)(p - base) - t.total, spki_len = t.total;
    struct ucp_ext_ref *exts = NULL;
    size_t n = 0, cap = 0;
    while (left > 0) {
        if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &t))
            goto bad;
        if ((t.cls & ASN1_CLASS_CONTEXT_SPECIFIC) && (t.tag == 1 || t.tag == 2))
            continue; /* issuerUniqueID, subjectUniqueID */
        /* extensions [3] EXPLICIT SEQUENCE OF Extension, the last field */
        struct ucp_tlv list;
        if (!ucp_der_is(&t, UCP_DER_CTX_CONS, 3) || left != 0 ||
            !ucp_der_read_exact(t.value, t.len, UCP_DER_STRICT, &list) ||
            !ucp_der_is(&list, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            goto bad;
        const uint8_t *q = list.value;
        size_t qleft = list.len;
        while (qleft > 0) {
            /* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue } */
            struct ucp_tlv ext, f;
            if (!ucp_der_next(&q, &qleft, UCP_DER_STRICT, &ext) ||
                !ucp_der_is(&ext, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
                goto bad;
            const uint8_t *e = ext.value;
            size_t eleft = ext.len;
            if (!ucp_der_next(&e, &eleft, UCP_DER_STRICT, &f) ||
                !ucp_der_is(&f, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) || !ucp_der_oid_valid(f.value, f.len))
                goto bad;
            struct ucp_ext_ref r = {(uint32_t)(f.value - base), (uint32_t)f.len, 0, 0, false};
            if (!ucp_der_next(&e, &eleft, UCP_DER_STRICT, &f))
                goto bad;
            if (ucp_der_is(&f, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BOOLEAN)) {
                if (f.len != 1)
                    goto bad;
                r.critical = f.value[0] != 0;
                if (!ucp_der_next(&e, &eleft, UCP_DER_STRICT, &f))
                    goto bad;
            }
            if (!ucp_der_is(&f, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING) || eleft != 0)
                goto bad;
            r.val_off = (uint32_t)(f.value - base);
            r.val_len = (uint32_t)f.len;
            if (n == cap) {
                cap = cap ? cap * 2 : 12;
                struct ucp_ext_ref *v = realloc(exts, cap * sizeof *v);
                if (!v)
                    goto bad;
                exts = v;
            }
            exts[n++] = r;
        }
    }
    c->spki_off = spki_off;
    c->spki_len = spki_len;
    c->exts = exts;
    c->nexts = n;
    c->indexed = true;
    return;
bad:
    free(exts);
}

/* The @nth extension with the OID @der (DER content), or NULL. */
static const struct ucp_ext_ref *find_ext(const ucp_certificate *c, const uint8_t *der, size_t len, unsigned nth)
{
    for (size_t i = 0; i < c->nexts; i++) {
        const struct ucp_ext_ref *e = &c->exts[i];
        if (e->oid_len == len && memcmp(c->der.data + e->oid_off, der, len) == 0 && nth-- == 0)
            return e;
    }
    return NULL;
}

int ucp_certificate_get_extension(const ucp_certificate *c, const char *oid, unsigned nth,
                                  gnutls_datum_t *out, unsigned *critical)
{
    uint8_t der[64];
    size_t len;
    if (!c->indexed || !ucp_der_oid_encode(oid, der, sizeof der, &len))
        return gnutls_x509_crt_get_extension_by_oid2(ucp_certificate_crt(c), oid, nth, out, critical);
    const struct ucp_ext_ref *e = find_ext(c, der, len, nth);
    if (!e)
        return GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
    out->data = gnutls_malloc(e->val_len ? e->val_len : 1);
    if (!out->data)
        return GNUTLS_E_MEMORY_ERROR;
    memcpy(out->data, c->der.data + e->val_off, e->val_len);
    out->size = e->val_len;
    if (critical)
        *critical = e->critical;
    return 0;
}

int ucp_certificate_has_extension(const ucp_certificate *c, const char *oid)
{
    uint8_t der[64];
    size_t len;
    if (!c->indexed || !ucp_der_oid_encode(oid, der, sizeof der, &len))
        return -1;
    return find_ext(c, der, len, 0) != NULL;
}

/* The value of the first extension @oid (DER content), as gnutls_x509_crt_get_extension_by_oid2
 * (crt, oid, 0) gives it, for the direct readers: NULL when absent; *ambiguous when there is no
 * index (read through GnuTLS). */
static const uint8_t *ext_value(const ucp_certificate *c, const uint8_t *oid, size_t oidlen, size_t *len,
                                bool *critical, bool *ambiguous)
{
    *ambiguous = !c->indexed;
    if (!c->indexed)
        return NULL;
    const struct ucp_ext_ref *e = find_ext(c, oid, oidlen, 0);
    if (!e)
        return NULL;
    *len = e->val_len;
    *critical = e->critical;
    return c->der.data + e->val_off;
}

/* For the direct readers: the first extension @oid when its value is one non-empty DER
 * SEQUENCE (@seq). 1: so; 0: the certificate has no such extension; -1: read it through GnuTLS
 * (no index, or another shape). */
static int ext_sequence(const ucp_certificate *c, const uint8_t *oid, size_t oidlen, struct ucp_tlv *seq,
                        bool *critical)
{
    size_t len = 0;
    bool ambiguous;
    const uint8_t *v = ext_value(c, oid, oidlen, &len, critical, &ambiguous);
    if (ambiguous)
        return -1;
    if (!v)
        return 0;
    return ucp_der_read_exact(v, len, UCP_DER_STRICT, seq) && ucp_der_is(seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) &&
                   seq->len > 0
               ? 1
               : -1;
}

static ucp_status push_cn(ucp_certificate *c, const uint8_t *der, size_t len, const char *source)
{
    struct ucp_bytes value = {0};
    if (!decode_directory_string(der, len, &value))
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
    return UCP_OK;
}

/* The subject's common names, in DN order, walked once over the raw subject (Name: SEQUENCE OF
 * RelativeDistinguishedName, each a SET OF AttributeTypeAndValue). gnutls_x509_crt_get_dn_by_oid()
 * walks the whole DN again for each index, so 1,000 CNs took close to a second (10,000 minutes). */
static ucp_status extract_cns(ucp_certificate *c, const char *source)
{
    static const uint8_t oid_cn[] = {0x55, 0x04, 0x03};
    static const char malformed[] = "cannot read the subject common name: the subject is malformed";
    /* GnuTLS accepted the subject: its DER may have lengths in a long form (UCP_DER_BER). */
    struct ucp_tlv name, rdn, atv, oid, val;
    if (c->raw_subject.len == 0)
        return UCP_OK;
    if (!ucp_der_read_exact(c->raw_subject.data, c->raw_subject.len, UCP_DER_BER, &name) ||
        name.tag != ASN1_TAG_SEQUENCE)
        return ucp_fail(UCP_E_CORRUPT, source, "%s", malformed);
    const uint8_t *p = name.value;
    size_t left = name.len;
    while (left > 0) {
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &rdn) || rdn.tag != ASN1_TAG_SET)
            return ucp_fail(UCP_E_CORRUPT, source, "%s", malformed);
        const uint8_t *set = rdn.value;
        size_t sleft = rdn.len;
        while (sleft > 0) {
            if (!ucp_der_next(&set, &sleft, UCP_DER_BER, &atv) || atv.tag != ASN1_TAG_SEQUENCE ||
                !ucp_der_read(atv.value, atv.len, UCP_DER_BER, &oid) || oid.tag != ASN1_TAG_OBJECT_ID)
                return ucp_fail(UCP_E_CORRUPT, source, "%s", malformed);
            if (oid.len != sizeof oid_cn || memcmp(oid.value, oid_cn, sizeof oid_cn) != 0)
                continue;
            const uint8_t *start = atv.value + oid.total;
            if (!ucp_der_read_exact(start, atv.len - oid.total, UCP_DER_BER, &val))
                return ucp_fail(UCP_E_CORRUPT, source, "the subject common name is not a valid string");
            ucp_status st = push_cn(c, start, val.total, source);
            if (st != UCP_OK)
                return st;
        }
    }
    return UCP_OK;
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
    int ret = ucp_certificate_get_extension(c, OID_SAN, 0, &ext, &critical);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return UCP_OK;
    if (ret < 0)
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                               "cannot read the subjectAltName extension: %s", gnutls_strerror(ret));
    c->has_san_ext = true;
    ucp_status st = UCP_OK;
    /* GeneralNames ::= SEQUENCE OF GeneralName, any definite length form. */
    struct ucp_tlv seq, gn;
    if (!ucp_der_identifier(ext.data, ext.size, UCP_DER_BER, &seq) ||
        !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE)) {
        st = ucp_fail(UCP_E_CORRUPT, source, "the subjectAltName extension is not a SEQUENCE");
        goto out;
    }
    if (!ucp_der_read_exact(ext.data, ext.size, UCP_DER_BER, &seq)) {
        st = ucp_fail(UCP_E_CORRUPT, source,
                      "the subjectAltName extension has a wrong length (truncated or trailing data)");
        goto out;
    }
    const uint8_t *p = seq.value;
    size_t left = seq.len, cap = 0;
    while (left > 0) {
        if (!ucp_der_identifier(p, left, UCP_DER_BER, &gn)) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName entry has an invalid tag");
            goto out;
        }
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &gn)) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName entry is truncated");
            goto out;
        }
        const uint8_t *v = gn.value;
        size_t vlen = gn.len;
        unsigned long tag = gn.tag;
        if (!(gn.cls & ASN1_CLASS_CONTEXT_SPECIFIC)) {
            st = ucp_fail(UCP_E_CORRUPT, source, "a subjectAltName entry is not a GeneralName");
            goto out;
        }
        if (c->nsans >= UCP_MAX_SAN_ENTRIES) {
            st = ucp_fail(UCP_E_TOO_LARGE, source, "more than %d subjectAltName entries", UCP_MAX_SAN_ENTRIES);
            goto out;
        }
        if (c->nsans == cap) {
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
        bool primitive = !(gn.cls & ASN1_CLASS_STRUCTURED);
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
        if (!bytes_set(&san->raw, v, vlen)) {
            st = ucp_fail_nomem();
            goto out;
        }
        if (san->type == UCP_SAN_IP) {
            san->display = ip_text(v, vlen);
        } else if (san->type == UCP_SAN_OTHER) {
            char *hex = hex_upper(v, vlen > 32 ? 32 : vlen);
            san->display = hex ? ucp_asprintf("[%lu]:%s%s", tag, hex, vlen > 32 ? "..." : "") : NULL;
            free(hex);
        } else {
            san->display = ucp_display_bytes(v, vlen);
            san->clean = true;
            for (size_t i = 0; i < vlen; i++)
                if (v[i] < 0x20 || v[i] >= 0x7f)
                    san->clean = false;
        }
        if (!san->display) {
            bytes_free(&san->raw);
            st = ucp_fail_nomem();
            goto out;
        }
        c->nsans++;
    }
out:
    gnutls_free(ext.data);
    return st;
}

/* The EKU OIDs in order. The extension is decoded once (gnutls_x509_ext_import_key_purposes), not
 * once per OID as gnutls_x509_crt_get_key_purpose_oid(crt, i) does. */
static ucp_status extract_ekus(ucp_certificate *c, const char *source)
{
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    int ret = ucp_certificate_get_extension(c, "2.5.29.37", 0, &ext, &critical);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return UCP_OK;
    if (ret < 0)
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                               "cannot read the extended key usage extension: %s", gnutls_strerror(ret));
    /* An EKU extension holding an empty sequence still restricts usage. */
    c->has_eku = true;
    c->eku_critical = critical != 0;
    gnutls_x509_key_purposes_t kp = NULL;
    ucp_status st = UCP_OK;
    if (ext.size == 0)
        goto out; /* an empty value: no purpose at all */
    ret = gnutls_x509_key_purpose_init(&kp);
    if (ret >= 0)
        ret = gnutls_x509_ext_import_key_purposes(&ext, kp, 0);
    if (ret < 0) {
        st = ret == GNUTLS_E_MEMORY_ERROR
                 ? ucp_fail_nomem()
                 : ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                   "cannot read the extended key usage extension: %s", gnutls_strerror(ret));
        goto out;
    }
    for (unsigned i = 0; st == UCP_OK; i++) {
        gnutls_datum_t oid = {NULL, 0};
        ret = gnutls_x509_key_purpose_get(kp, i, &oid);
        if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (ret < 0) {
            st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                 "cannot read the extended key usage extension: %s", gnutls_strerror(ret));
            break;
        }
        if (!push_str(&c->ekus, &c->nekus, ucp_strndup((const char *)oid.data, oid.size)))
            st = ucp_fail_nomem();
    }
out:
    gnutls_x509_key_purpose_deinit(kp);
    gnutls_free(ext.data);
    return st;
}

/* CRL distribution points: the extension decoded once, then read by position (what
 * gnutls_x509_crt_get_crl_dist_points(crt, seq) does, decoding the extension for every seq). */
/* The common shape, read directly: every DistributionPoint a distributionPoint [0] holding a
 * non-empty fullName [0] of URIs, perhaps reasons [1], nothing else. gnutls_x509_ext_import_crl_dist_points
 * then lists the URIs in order. Returns false for any other shape (read through GnuTLS). */
static bool crl_urls_direct(ucp_certificate *c, ucp_status *st)
{
    static const uint8_t oid[] = {0x55, 0x1d, 0x1f};
    struct ucp_tlv list, dp, name, full, gn;
    bool critical;
    *st = UCP_OK;
    int found = ext_sequence(c, oid, sizeof oid, &list, &critical);
    if (found <= 0)
        return found == 0;
    for (int pass = 0; pass < 2; pass++) {
        const uint8_t *p = list.value;
        size_t left = list.len, n = 0;
        while (left > 0) {
            if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &dp) || !ucp_der_is(&dp, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
                return false;
            const uint8_t *q = dp.value;
            size_t qleft = dp.len;
            if (!ucp_der_next(&q, &qleft, UCP_DER_STRICT, &name) || !ucp_der_is(&name, UCP_DER_CTX_CONS, 0) ||
                !ucp_der_read_exact(name.value, name.len, UCP_DER_STRICT, &full) ||
                !ucp_der_is(&full, UCP_DER_CTX_CONS, 0) || full.len == 0)
                return false;
            const uint8_t *g = full.value;
            size_t gleft = full.len;
            while (gleft > 0) {
                if (!ucp_der_next(&g, &gleft, UCP_DER_STRICT, &gn) || !ucp_der_is(&gn, ASN1_CLASS_CONTEXT_SPECIFIC, 6))
                    return false;
                if (pass == 1 && n < 64 &&
                    !push_str(&c->crl_urls, &c->ncrl_urls, ucp_display_bytes(gn.value, gn.len))) {
                    *st = ucp_fail_nomem();
                    return true;
                }
                n++;
            }
            /* reasons [1] ReasonFlags: a non-empty BIT STRING */
            if (qleft > 0 && (!ucp_der_read_exact(q, qleft, UCP_DER_STRICT, &gn) ||
                              !ucp_der_is(&gn, ASN1_CLASS_CONTEXT_SPECIFIC, 1) || gn.len == 0))
                return false;
        }
    }
    return true;
}

static ucp_status extract_crl_urls(ucp_certificate *c)
{
    ucp_status direct;
    if (crl_urls_direct(c, &direct))
        return direct;
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    if (ucp_certificate_get_extension(c, "2.5.29.31", 0, &ext, &critical) < 0)
        return UCP_OK;
    gnutls_x509_crl_dist_points_t cdp = NULL;
    ucp_status st = UCP_OK;
    if (ext.size && gnutls_x509_crl_dist_points_init(&cdp) >= 0 &&
        gnutls_x509_ext_import_crl_dist_points(&ext, cdp, 0) >= 0) {
        for (unsigned seq = 0; seq < 64 && st == UCP_OK; seq++) {
            unsigned type = 0, reasons = 0;
            gnutls_datum_t san = {NULL, 0};
            int ret = gnutls_x509_crl_dist_points_get(cdp, seq, &type, &san, &reasons);
            if (ret < 0)
                break;
            bool ok = type == GNUTLS_SAN_URI
                          ? push_str(&c->crl_urls, &c->ncrl_urls, ucp_display_bytes(san.data, san.size))
                          : push_str(&c->crl_urls, &c->ncrl_urls, ucp_strdup("(non-URI distribution point)"));
            if (!ok)
                st = ucp_fail_nomem();
        }
    }
    gnutls_x509_crl_dist_points_deinit(cdp);
    gnutls_free(ext.data);
    return st;
}

#define OID_AD_OCSP "1.3.6.1.5.5.7.48.1"
#define OID_AD_CA_ISSUERS "1.3.6.1.5.5.7.48.2"

/* The OCSP and caIssuers URLs of the authority information access extension, as
 * gnutls_x509_crt_get_authority_info_access(crt, seq, GNUTLS_IA_OCSP_URI / _CAISSUERS_URI) give
 * them (a URI location of that access method, in order; none when the extension is critical),
 * from one decode of the extension instead of two per entry. When the one-pass decoder and the
 * per-entry reader could disagree (an entry whose location GnuTLS cannot parse stops
 * gnutls_x509_ext_import_aia), the per-entry reader is used. */
static ucp_status extract_aia_legacy(ucp_certificate *c)
{
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
            int ret = gnutls_x509_crt_get_authority_info_access(c->tree, seq, kinds[k].what, &d, &critical);
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

/* The common shape, read directly: a non-critical AIA whose every AccessDescription has a URI
 * location. Returns false for any other shape (read through GnuTLS). */
static bool aia_direct(ucp_certificate *c, ucp_status *st)
{
    static const uint8_t oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};
    static const uint8_t ocsp[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01};
    static const uint8_t ca_issuers[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};
    struct ucp_tlv list, ad, m, loc;
    bool critical = false;
    *st = UCP_OK;
    int found = ext_sequence(c, oid, sizeof oid, &list, &critical);
    if (found <= 0)
        return found == 0;
    if (critical)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        const uint8_t *p = list.value;
        size_t left = list.len;
        for (size_t pos = 0; left > 0; pos++) {
            if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &ad) || !ucp_der_is(&ad, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
                return false;
            const uint8_t *q = ad.value;
            size_t qleft = ad.len;
            if (!ucp_der_next(&q, &qleft, UCP_DER_STRICT, &m) ||
                !ucp_der_is(&m, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) || !ucp_der_oid_valid(m.value, m.len) ||
                !ucp_der_read_exact(q, qleft, UCP_DER_STRICT, &loc) ||
                !ucp_der_is(&loc, ASN1_CLASS_CONTEXT_SPECIFIC, 6))
                return false;
            char ***urls = NULL;
            size_t *n = NULL;
            if (m.len == sizeof ocsp && memcmp(m.value, ocsp, m.len) == 0) {
                urls = &c->ocsp_urls;
                n = &c->nocsp_urls;
            } else if (m.len == sizeof ca_issuers && memcmp(m.value, ca_issuers, m.len) == 0) {
                urls = &c->ca_issuers_urls;
                n = &c->nca_issuers_urls;
            }
            /* The per-position reader looked at the first 64 positions. */
            if (pass == 1 && urls && pos < 64 && !push_str(urls, n, ucp_display_bytes(loc.value, loc.len))) {
                *st = ucp_fail_nomem();
                return true;
            }
        }
    }
    return true;
}

static ucp_status extract_aia(ucp_certificate *c)
{
    ucp_status direct;
    if (aia_direct(c, &direct))
        return direct;
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    if (ucp_certificate_get_extension(c, "1.3.6.1.5.5.7.1.1", 0, &ext, &critical) < 0)
        return UCP_OK;
    if (critical || ext.size == 0) {
        /* GnuTLS refuses a critical AIA extension (GNUTLS_E_CONSTRAINT_ERROR): no URL. */
        gnutls_free(ext.data);
        return UCP_OK;
    }
    gnutls_x509_aia_t aia = NULL;
    ucp_status st = UCP_OK;
    bool fallback = true;
    if (gnutls_x509_aia_init(&aia) >= 0 && gnutls_x509_ext_import_aia(&ext, aia, 0) >= 0) {
        unsigned seq = 0;
        for (; st == UCP_OK; seq++) {
            gnutls_datum_t oid = {NULL, 0}, san = {NULL, 0};
            unsigned type = 0;
            if (gnutls_x509_aia_get(aia, seq, &oid, &type, &san) < 0)
                break;
            if (type != GNUTLS_SAN_URI)
                continue;
            char ***v = NULL;
            size_t *n = NULL;
            if (oid.size == sizeof OID_AD_OCSP - 1 && memcmp(oid.data, OID_AD_OCSP, oid.size) == 0) {
                v = &c->ocsp_urls;
                n = &c->nocsp_urls;
            } else if (oid.size == sizeof OID_AD_CA_ISSUERS - 1 &&
                       memcmp(oid.data, OID_AD_CA_ISSUERS, oid.size) == 0) {
                v = &c->ca_issuers_urls;
                n = &c->nca_issuers_urls;
            }
            if (v && seq < 64 && !push_str(v, n, ucp_display_bytes(san.data, san.size)))
                st = ucp_fail_nomem();
        }
        /* Did the one-pass decoder see every entry? The per-entry reader says where the list ends. */
        gnutls_datum_t d = {NULL, 0};
        unsigned crit = 0;
        fallback = st == UCP_OK && gnutls_x509_crt_get_authority_info_access(
                                       c->tree, seq, GNUTLS_IA_ACCESSMETHOD_OID, &d, &crit) !=
                                       GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
        gnutls_free(d.data);
    }
    gnutls_x509_aia_deinit(aia);
    gnutls_free(ext.data);
    if (st == UCP_OK && fallback) {
        free_strv(c->ocsp_urls, c->nocsp_urls);
        free_strv(c->ca_issuers_urls, c->nca_issuers_urls);
        c->ocsp_urls = c->ca_issuers_urls = NULL;
        c->nocsp_urls = c->nca_issuers_urls = 0;
        st = extract_aia_legacy(c);
    }
    return st;
}

static ucp_status extract_urls(ucp_certificate *c)
{
    ucp_status st = extract_crl_urls(c);
    return st == UCP_OK ? extract_aia(c) : st;
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

/* The RSA public exponent from the SubjectPublicKeyInfo's DER (RSAPublicKey ::= SEQUENCE
 * { modulus, publicExponent }), without leading zero bytes, as gnutls_x509_crt_get_pk_rsa_raw
 * gives it once they are dropped; false for any unexpected shape (read through GnuTLS). */
static bool rsa_exponent_direct(ucp_certificate *c)
{
    if (!c->indexed)
        return false;
    struct ucp_tlv spki, alg, bits, key, n, e;
    if (!ucp_der_read_exact(c->der.data + c->spki_off, c->spki_len, UCP_DER_STRICT, &spki) ||
        !ucp_der_is(&spki, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = spki.value;
    size_t left = spki.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &alg) || !ucp_der_is(&alg, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) ||
        !ucp_der_read_exact(p, left, UCP_DER_STRICT, &bits) ||
        !ucp_der_is(&bits, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) || bits.len < 2 || bits.value[0] != 0)
        return false;
    if (!ucp_der_read_exact(bits.value + 1, bits.len - 1, UCP_DER_STRICT, &key) ||
        !ucp_der_is(&key, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    p = key.value;
    left = key.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &n) || !ucp_der_is(&n, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) ||
        !ucp_der_read_exact(p, left, UCP_DER_STRICT, &e) || !ucp_der_is(&e, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) ||
        e.len == 0 || (e.value[0] & 0x80))
        return false;
    size_t skip = 0;
    while (skip + 1 < e.len && e.value[skip] == 0)
        skip++;
    return bytes_set(&c->rsa_e, e.value + skip, e.len - skip);
}

static void extract_key(ucp_certificate *c)
{
    unsigned bits = 0;
    int pk = gnutls_x509_crt_get_pk_algorithm(c->tree, &bits);
    c->pk_algo = pk;
    c->bits = bits;
    switch (pk) {
    case GNUTLS_PK_RSA: {
        c->key_algorithm = "RSA";
        if (rsa_exponent_direct(c))
            break;
        gnutls_datum_t m = {NULL, 0}, e = {NULL, 0};
        if (gnutls_x509_crt_get_pk_rsa_raw(c->tree, &m, &e) == 0) {
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
        if (gnutls_x509_crt_get_pk_ecc_raw(c->tree, &curve, &x, &y) == 0)
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
    int sign = gnutls_x509_crt_get_signature_algorithm(c->tree);
    c->sign_algo = sign > 0 ? sign : GNUTLS_SIGN_UNKNOWN;
    if (sign > 0) {
        c->sign_hash = gnutls_sign_get_hash_algorithm(sign);
        c->sign_pss = gnutls_sign_get_pk_algorithm(sign) == GNUTLS_PK_RSA_PSS;
        const char *name = gnutls_sign_get_name(sign);
        c->signature_name = ucp_strdup(name ? name : "unknown");
    } else {
        char oid[128];
        size_t size = sizeof oid;
        if (gnutls_x509_crt_get_signature_oid(c->tree, oid, &size) >= 0) {
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

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }:
 * where the signed bytes and the signature lie in the DER GnuTLS accepted (the same bytes
 * GnuTLS's own verification reads; in any definite-length form it accepts). Left at 0 when
 * anything is unexpected (the fast path is then not taken). */
static void find_spans(ucp_certificate *c)
{
    struct ucp_tlv cert, tbs, alg, sig;
    if (!ucp_der_read_exact(c->der.data, c->der.len, UCP_DER_BER, &cert) || cert.tag != ASN1_TAG_SEQUENCE)
        return;
    const uint8_t *p = cert.value, *tbs_start = p;
    size_t left = cert.len;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &tbs) || tbs.tag != ASN1_TAG_SEQUENCE ||
        !ucp_der_next(&p, &left, UCP_DER_BER, &alg) || alg.tag != ASN1_TAG_SEQUENCE ||
        !ucp_der_read_exact(p, left, UCP_DER_BER, &sig) ||
        !ucp_der_is(&sig, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) || sig.len < 2 || sig.value[0] != 0)
        return; /* a signature whose bit string has unused bits goes to the reference */
    c->tbs_off = (size_t)(tbs_start - c->der.data);
    c->tbs_len = tbs.total;
    c->sig_off = (size_t)(sig.value + 1 - c->der.data);
    c->sig_len = sig.len - 1;
}

/* The subject and authority key identifiers, as gnutls_x509_crt_get_subject_key_id and
 * gnutls_x509_crt_get_authority_key_id (keyIdentifier only) give them into a 64-byte buffer:
 * read directly for the plain shapes (an OCTET STRING; a SEQUENCE holding only [0]), through
 * GnuTLS otherwise. False when out of memory. */
static bool key_ids(ucp_certificate *c)
{
    static const uint8_t ski_oid[] = {0x55, 0x1d, 0x0e}, aki_oid[] = {0x55, 0x1d, 0x23};
    unsigned char buf[64];
    size_t size, len = 0;
    bool critical, ambiguous;
    struct ucp_tlv t, k;
    const uint8_t *v = ext_value(c, ski_oid, sizeof ski_oid, &len, &critical, &ambiguous);
    if (!ambiguous && (!v || (ucp_der_read_exact(v, len, UCP_DER_STRICT, &t) &&
                              ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING) && t.len > 0))) {
        if (v && t.len <= sizeof buf && !bytes_set(&c->ski, t.value, t.len))
            return false;
    } else {
        unsigned crit = 0;
        size = sizeof buf;
        if (gnutls_x509_crt_get_subject_key_id(c->tree, buf, &size, &crit) >= 0 && !bytes_set(&c->ski, buf, size))
            return false;
    }
    v = ext_value(c, aki_oid, sizeof aki_oid, &len, &critical, &ambiguous);
    bool direct = !ambiguous;
    if (direct && v) {
        /* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... } */
        direct = ucp_der_read_exact(v, len, UCP_DER_STRICT, &t) &&
                 ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) &&
                 (t.len == 0 || (ucp_der_read_exact(t.value, t.len, UCP_DER_STRICT, &k) &&
                                 ucp_der_is(&k, ASN1_CLASS_CONTEXT_SPECIFIC, 0)));
        if (direct && t.len && k.len && k.len <= sizeof buf && !bytes_set(&c->aki, k.value, k.len))
            return false;
    }
    if (!direct) {
        unsigned crit = 0;
        size = sizeof buf;
        if (gnutls_x509_crt_get_authority_key_id(c->tree, buf, &size, &crit) >= 0 && !bytes_set(&c->aki, buf, size))
            return false;
    }
    return true;
}

gnutls_x509_crt_t ucp_certificate_crt(const ucp_certificate *cert)
{
    ucp_certificate *c = (ucp_certificate *)cert;
    gnutls_x509_crt_t crt = atomic_load_explicit(&c->tree, memory_order_acquire);
    if (crt)
        return crt;
    gnutls_datum_t d = {c->der.data, (unsigned)c->der.len};
    if (gnutls_x509_crt_init(&crt) < 0)
        return NULL;
    if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
        /* It decoded when the certificate was parsed: only memory can be missing now. */
        gnutls_x509_crt_deinit(crt);
        return NULL;
    }
    gnutls_x509_crt_t expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&c->tree, &expected, crt, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        gnutls_x509_crt_deinit(crt);
        crt = expected;
    }
    return crt;
}

const uint8_t *ucp_certificate_key_id(const ucp_certificate *cert)
{
    ucp_certificate *c = (ucp_certificate *)cert;
    int state = atomic_load_explicit(&c->key_id_state, memory_order_acquire);
    if (state == 2)
        return c->key_id;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&c->key_id_state, &expected, 1, memory_order_acq_rel,
                                                memory_order_acquire)) {
        size_t size = sizeof c->key_id;
        gnutls_x509_crt_t crt = ucp_certificate_crt(c);
        if (!crt || gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, c->key_id, &size) < 0)
            memset(c->key_id, 0, sizeof c->key_id);
        atomic_store_explicit(&c->key_id_state, 2, memory_order_release);
        return c->key_id;
    }
    /* Another thread is computing it (a few microseconds). */
    while (atomic_load_explicit(&c->key_id_state, memory_order_acquire) != 2)
        ;
    return c->key_id;
}

/* Reject extensions a certificate may carry only once (RFC 5280 4.2): a second copy would let
 * two parsers see two different certificates. */
static ucp_status check_duplicate_extensions(ucp_certificate *c, const char *source)
{
    static const char *const once[] = {"2.5.29.17", "2.5.29.37", "2.5.29.15", "2.5.29.19",
                                        "2.5.29.31", "2.5.29.30", "1.3.6.1.5.5.7.1.1"};
    unsigned seen[UCP_ARRAY_SIZE(once)] = {0};
    if (c->indexed) {
        for (size_t k = 0; k < UCP_ARRAY_SIZE(once); k++) {
            uint8_t der[16];
            size_t len;
            if (ucp_der_oid_encode(once[k], der, sizeof der, &len) && find_ext(c, der, len, 1))
                return ucp_fail(UCP_E_CORRUPT, source, "the certificate has the extension %s twice", once[k]);
        }
        return UCP_OK;
    }
    for (unsigned i = 0; i < 4096; i++) {
        char oid[128];
        size_t size = sizeof oid;
        unsigned critical = 0;
        int ret = gnutls_x509_crt_get_extension_info(c->tree, i, oid, &size, &critical);
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

/* ---- Microsoft certificate template extensions (decoded by templates.c) ------------------- */

#define OID_TEMPLATE "1.3.6.1.4.1.311.21.7"
#define OID_TEMPLATE_NAME "1.3.6.1.4.1.311.20.2"

/* The extension's value if present once; a second copy is a problem (RFC 5280 4.2). */
static ucp_status find_template_extension(ucp_certificate *c, const char *oid, const char *what,
                                 gnutls_datum_t *ext, bool *found)
{
    *found = false;
    unsigned critical = 0;
    int ret = ucp_certificate_get_extension(c, oid, 0, ext, &critical);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return UCP_OK;
    if (ret < 0)
        return ucp_template_problem(c, oid, what, gnutls_strerror(ret)) ? UCP_OK : ucp_fail_nomem();
    gnutls_datum_t second = {NULL, 0};
    if (ucp_certificate_get_extension(c, oid, 1, &second, &critical) >= 0) {
        gnutls_free(second.data);
        gnutls_free(ext->data);
        ext->data = NULL;
        return ucp_template_problem(c, oid, what, "it appears twice in the certificate") ? UCP_OK
                                                                                    : ucp_fail_nomem();
    }
    *found = true;
    return UCP_OK;
}

static ucp_status decode_templates(ucp_certificate *c)
{
    c->template_major = c->template_minor = -1;
    gnutls_datum_t ext = {NULL, 0};
    bool found;
    ucp_status st = find_template_extension(c, OID_TEMPLATE, "certificate template", &ext, &found);
    if (st == UCP_OK && found)
        st = ucp_template_decode_extension(c, OID_TEMPLATE, ext.data, ext.size);
    gnutls_free(ext.data);
    ext.data = NULL;
    if (st != UCP_OK)
        return st;
    st = find_template_extension(c, OID_TEMPLATE_NAME, "certificate template name", &ext, &found);
    if (st == UCP_OK && found)
        st = ucp_template_decode_extension(c, OID_TEMPLATE_NAME, ext.data, ext.size);
    gnutls_free(ext.data);
    return st;
}

static ucp_status parse_der(ucp_certificate **out, const uint8_t *der, size_t len, const char *source,
                            size_t index, bool reference)
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
    gnutls_x509_crt_t crt = NULL;
    int ret = gnutls_x509_crt_init(&crt);
    atomic_init(&c->tree, crt);
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, where, "%s", gnutls_strerror(ret));
        goto fail;
    }
    if (!bytes_set(&c->der, der, len)) {
        st = ucp_fail_nomem();
        goto fail;
    }
    gnutls_datum_t d = {c->der.data, (unsigned)len};
    ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, where,
                             "not a valid X.509 certificate: %s", gnutls_strerror(ret));
        goto fail;
    }
    c->version = gnutls_x509_crt_get_version(c->tree);
    find_spans(c);
    if (!reference)
        index_tbs(c);
    if ((st = check_duplicate_extensions(c, where)) != UCP_OK)
        goto fail;
    c->subject = dn_text(c->tree, false);
    c->issuer = dn_text(c->tree, true);
    if (!c->subject || !c->issuer || !dup_datum(&c->raw_subject, gnutls_x509_crt_get_raw_dn, c->tree) ||
        !dup_datum(&c->raw_issuer, gnutls_x509_crt_get_raw_issuer_dn, c->tree)) {
        st = ucp_fail_nomem();
        goto fail;
    }
    {
        unsigned char buf[64];
        size_t size = sizeof buf;
        if (gnutls_x509_crt_get_serial(c->tree, buf, &size) >= 0)
            c->serial = hex_upper(buf, size);
        else
            c->serial = ucp_strdup("");
        /* Fingerprints of the DER as given (what certutil and openssl show), hashed directly:
         * gnutls_x509_crt_get_fingerprint re-encodes the whole certificate first. */
        if (gnutls_hash_fast(GNUTLS_DIG_SHA1, c->der.data, c->der.len, buf) >= 0)
            c->sha1 = hex_upper(buf, 20);
        if (gnutls_hash_fast(GNUTLS_DIG_SHA256, c->der.data, c->der.len, c->sha256_raw) >= 0)
            c->sha256 = hex_upper(c->sha256_raw, 32);
        if (!key_ids(c) || !c->serial || !c->sha1 || !c->sha256) {
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
        ret = gnutls_x509_crt_get_key_usage(c->tree, &ku, &critical);
        if (ret >= 0) {
            c->has_ku = true;
            c->ku = ku;
            c->ku_critical = critical != 0;
        }
        unsigned ca = 0;
        int pathlen = -1;
        ret = gnutls_x509_crt_get_basic_constraints(c->tree, &critical, &ca, &pathlen);
        if (ret >= 0) {
            c->has_bc = true;
            c->bc_ca = ca != 0;
            c->pathlen = c->bc_ca ? pathlen : -1;
        }
    }
    extract_key(c);
    if ((st = decode_templates(c)) != UCP_OK)
        goto fail;
    {
        time_t nb = gnutls_x509_crt_get_activation_time(c->tree);
        time_t na = gnutls_x509_crt_get_expiration_time(c->tree);
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
    if (c->indexed) {
        /* Every fact is read: free GnuTLS's tree until someone needs it (ucp_certificate_crt). */
        atomic_store(&c->tree, NULL);
        gnutls_x509_crt_deinit(crt);
    }
    *out = c;
    return UCP_OK;
fail:
    cert_free(c);
    return st;
}

ucp_status ucp_certificate_from_der(ucp_certificate **out, const uint8_t *der, size_t len,
                                    const char *source, size_t index)
{
    return parse_der(out, der, len, source, index, false);
}

ucp_status ucp_certificate_from_der_reference(ucp_certificate **out, const uint8_t *der, size_t len,
                                              const char *source, size_t index)
{
    return parse_der(out, der, len, source, index, true);
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
           (a == b || memcmp(ucp_certificate_key_id(a), ucp_certificate_key_id(b), 32) == 0);
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
    gnutls_x509_crt_t ca = ucp_certificate_crt(issuer), crt = ucp_certificate_crt(cert);
    if (ca && crt && gnutls_x509_crt_get_name_constraints(ca, nc, 0, NULL) >= 0) {
        static const gnutls_x509_subject_alt_name_t types[] = {GNUTLS_SAN_DNSNAME, GNUTLS_SAN_RFC822NAME,
                                                               GNUTLS_SAN_DN, GNUTLS_SAN_URI,
                                                               GNUTLS_SAN_IPADDRESS};
        for (size_t i = 0; i < UCP_ARRAY_SIZE(types) && !violated; i++)
            violated = !gnutls_x509_name_constraints_check_crt(nc, types[i], crt);
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
    gnutls_x509_crt_t ca = ucp_certificate_crt(issuer), crt = ucp_certificate_crt(cert);
    if (!ca || !crt)
        return false;
    int ret = gnutls_x509_crt_verify(crt, &ca, 1, flags, &status);
    /* GnuTLS also applies the issuer's name constraints here, with no flag to skip them, and
     * reports a violation with the bit it uses for a key that cannot have made the signature
     * (which it then does not verify). Name constraints are a rule of their own
     * (chain.name-constraints, chain.c): when they explain the bit and the issuer's key type can
     * make this signature, the signature itself verified (a failing one sets its own bit). */
    if (ret == 0 && status == (GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) &&
        gnutls_sign_supports_pk_algorithm((gnutls_sign_algorithm_t)gnutls_x509_crt_get_signature_algorithm(crt),
                                          (gnutls_pk_algorithm_t)gnutls_x509_crt_get_pk_algorithm(ca, NULL)) &&
        violates_name_constraints(cert, issuer))
        status = 0;
    return ret == 0 && status == 0;
}

/* The certificate's public key as a gnutls_pubkey_t, imported on first use and kept (a check
 * may run on several threads: the first import published wins, the others are dropped). */
static gnutls_pubkey_t cert_pubkey(const ucp_certificate *c)
{
    ucp_certificate *m = (ucp_certificate *)c;
    gnutls_pubkey_t pk = atomic_load_explicit(&m->pubkey, memory_order_acquire);
    if (pk)
        return pk;
    if (gnutls_pubkey_init(&pk) < 0)
        return NULL;
    gnutls_x509_crt_t crt = ucp_certificate_crt(c);
    if (!crt || gnutls_pubkey_import_x509(pk, crt, 0) < 0) {
        gnutls_pubkey_deinit(pk);
        return NULL;
    }
    void *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&m->pubkey, &expected, pk, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        gnutls_pubkey_deinit(pk);
        pk = expected;
    }
    return pk;
}

bool ucp_certificate_check_signature(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    /* Only where gnutls_x509_crt_verify (with the flags of the reference) checks the signature
     * the same way: an issuer the certificate names (its issuer test), a distinct certificate (it
     * trusts a certificate equal to the CA without a signature check), no RSA-PSS parameters,
     * a signature algorithm of the issuer's key type. One difference is deliberate: the
     * reference also applies the issuer's name constraints and reports a violation as a failed
     * verification (GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE); here they are not looked at, since
     * they are a rule of their own (chain.name-constraints, chain.c) and a certificate outside
     * them is not badly signed. */
    gnutls_pk_algorithm_t spk = cert->sign_algo > 0 ? gnutls_sign_get_pk_algorithm(cert->sign_algo)
                                                    : GNUTLS_PK_UNKNOWN;
    bool fast = cert->tbs_len && cert->sig_len && !cert->sign_pss && cert != issuer &&
                ((spk == GNUTLS_PK_RSA && issuer->pk_algo == GNUTLS_PK_RSA) ||
                 (spk == GNUTLS_PK_ECDSA && issuer->pk_algo == GNUTLS_PK_ECDSA) ||
                 (spk == GNUTLS_PK_EDDSA_ED25519 && issuer->pk_algo == GNUTLS_PK_EDDSA_ED25519) ||
                 (spk == GNUTLS_PK_EDDSA_ED448 && issuer->pk_algo == GNUTLS_PK_EDDSA_ED448)) &&
                ucp_certificate_issued_by(cert, issuer) && !ucp_certificate_same(cert, issuer);
    if (fast) {
        gnutls_pubkey_t pk = cert_pubkey(issuer);
        if (pk) {
            const gnutls_datum_t tbs = {cert->der.data + cert->tbs_off, (unsigned)cert->tbs_len};
            const gnutls_datum_t sig = {cert->der.data + cert->sig_off, (unsigned)cert->sig_len};
            int ret = gnutls_pubkey_verify_data2(pk, (gnutls_sign_algorithm_t)cert->sign_algo,
                                                 GNUTLS_VERIFY_ALLOW_BROKEN, &tbs, &sig);
            if (ret >= 0)
                return true;
            if (ret == GNUTLS_E_PK_SIG_VERIFY_FAILED)
                return false;
            /* Anything else (an algorithm policy, a key GnuTLS cannot use this way): ask the
             * reference. */
        }
    }
    return ucp_certificate_verify_signature(cert, issuer);
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

const struct ucp_ku_name ucp_key_usage_names[UCP_KEY_USAGE_NAMES] = {
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
    for (size_t i = 0; c && c->has_ku && i < UCP_KEY_USAGE_NAMES; i++)
        if (c->ku & ucp_key_usage_names[i].gnutls)
            out |= (unsigned)ucp_key_usage_names[i].ours;
    return out;
}

UCP_EXPORT const char *ucp_key_usage_name(ucp_key_usage usage)
{
    for (size_t i = 0; i < UCP_KEY_USAGE_NAMES; i++)
        if (ucp_key_usage_names[i].ours == usage)
            return ucp_key_usage_names[i].name;
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
