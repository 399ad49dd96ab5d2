/* SPDX-License-Identifier: MIT */
/*
 * The facts of a certificate read at parse time, besides its names (dn.c) and template
 * extensions (templates.c): the subjectAltName entries, the extended key usages, the CRL
 * distribution point and authority information access URLs, the key identifiers, key usage and
 * basic constraints, the public key and the signature algorithm.
 *
 * The common extensions are read directly from their DER through the index (index.c) when they
 * have one of the shapes the direct readers know; anything else through GnuTLS, so that the facts
 * are the GnuTLS getters' (tests/test-extensions.c). The subjectAltName is always walked here
 * with the DER reader rather than gnutls_x509_crt_get_subject_alt_name(): that call re-decodes
 * the extension and looks the n-th name up by index each time, which is quadratic in the number
 * of names (curl #3635), and it refuses names with embedded NUL bytes instead of letting us
 * report them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509-ext.h>

#include "x509/x509-private.h"

#define OID_SAN "2.5.29.17"

/* For the direct readers: the first extension @oid when its value is one non-empty DER
 * SEQUENCE (@seq). 1: so; 0: the certificate has no such extension; -1: read it through GnuTLS
 * (no index, or another shape). */
static int ext_sequence(const ucp_certificate *c, const uint8_t *oid, size_t oidlen, struct ucp_tlv *seq,
                        bool *critical)
{
    size_t len = 0;
    bool ambiguous;
    const uint8_t *v = ucp_certificate_ext_value(c, oid, oidlen, &len, critical, &ambiguous);
    if (ambiguous)
        return -1;
    if (!v)
        return 0;
    return ucp_der_read_exact(v, len, UCP_DER_STRICT, seq) && ucp_der_is(seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) &&
                   seq->len > 0
               ? 1
               : -1;
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
    char *hex = ucp_hex_upper(p, len);
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
    c->san_critical = critical != 0;
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
        san->tag = (uint8_t)(tag < 256 ? tag : 255);
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
        if (!ucp_bytes_set(&san->raw, v, vlen)) {
            st = ucp_fail_nomem();
            goto out;
        }
        if (san->type == UCP_SAN_IP) {
            san->display = ip_text(v, vlen);
        } else if (san->type == UCP_SAN_OTHER) {
            char *hex = ucp_hex_upper(v, vlen > 32 ? 32 : vlen);
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
            ucp_bytes_free(&san->raw);
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
/* The common shape, read directly: a SEQUENCE of 1 to 32 OBJECT IDENTIFIERs, each as
 * gnutls_x509_ext_import_key_purposes() gives it (libtasn1's dotted text). 1 read, 0 absent, -1
 * read it through GnuTLS. */
static int ekus_direct(ucp_certificate *c, ucp_status *st)
{
    static const uint8_t oid[] = {0x55, 0x1d, 0x25};
    struct ucp_tlv seq, t;
    bool critical = false;
    *st = UCP_OK;
    int found = ext_sequence(c, oid, sizeof oid, &seq, &critical);
    if (found <= 0)
        return found;
    char text[32][64];
    size_t n = 0;
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    while (left > 0) {
        if (n == 32 || !ucp_der_next(&p, &left, UCP_DER_STRICT, &t) ||
            !ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) || !ucp_der_oid_text(t.value, t.len, text[n], sizeof text[n]))
            return -1;
        n++;
    }
    c->has_eku = true;
    c->eku_critical = critical;
    for (size_t i = 0; i < n && *st == UCP_OK; i++)
        if (!ucp_strv_push(&c->ekus, &c->nekus, ucp_strdup(text[i])))
            *st = ucp_fail_nomem();
    return 1;
}

static ucp_status extract_ekus(ucp_certificate *c, const char *source)
{
    ucp_status direct;
    int found = ekus_direct(c, &direct);
    if (found > 0)
        return direct;
    if (found == 0)
        return UCP_OK;
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
        if (!ucp_strv_push(&c->ekus, &c->nekus, ucp_strndup((const char *)oid.data, oid.size)))
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
                    !ucp_strv_push(&c->crl_urls, &c->ncrl_urls, ucp_display_bytes(gn.value, gn.len))) {
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
                          ? ucp_strv_push(&c->crl_urls, &c->ncrl_urls, ucp_display_bytes(san.data, san.size))
                          : ucp_strv_push(&c->crl_urls, &c->ncrl_urls, ucp_strdup("(non-URI distribution point)"));
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
            int ret = gnutls_x509_crt_get_authority_info_access(ucp_certificate_crt(c), seq, kinds[k].what, &d, &critical);
            if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
                break;
            if (ret < 0)
                continue; /* another access method at this position */
            char ***v = (char ***)((char *)c + kinds[k].off_v);
            size_t *n = (size_t *)((char *)c + kinds[k].off_n);
            bool ok = ucp_strv_push(v, n, ucp_display_bytes(d.data, d.size));
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
            if (pass == 1 && urls && pos < 64 && !ucp_strv_push(urls, n, ucp_display_bytes(loc.value, loc.len))) {
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
            if (v && seq < 64 && !ucp_strv_push(v, n, ucp_display_bytes(san.data, san.size)))
                st = ucp_fail_nomem();
        }
        /* Did the one-pass decoder see every entry? The per-entry reader says where the list ends. */
        gnutls_datum_t d = {NULL, 0};
        unsigned crit = 0;
        fallback = st == UCP_OK && gnutls_x509_crt_get_authority_info_access(
                                       ucp_certificate_crt(c), seq, GNUTLS_IA_ACCESSMETHOD_OID, &d, &crit) !=
                                       GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
        gnutls_free(d.data);
    }
    gnutls_x509_aia_deinit(aia);
    gnutls_free(ext.data);
    if (st == UCP_OK && fallback) {
        ucp_strv_free(c->ocsp_urls, c->nocsp_urls);
        ucp_strv_free(c->ca_issuers_urls, c->nca_issuers_urls);
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
    size_t skip = 0, nskip = 0;
    while (skip + 1 < e.len && e.value[skip] == 0)
        skip++;
    while (nskip + 1 < n.len && n.value[nskip] == 0)
        nskip++;
    if (n.len && !ucp_bytes_set(&c->rsa_n, n.value + nskip, n.len - nskip))
        return false;
    if (ucp_bytes_set(&c->rsa_e, e.value + skip, e.len - skip))
        return true;
    ucp_bytes_free(&c->rsa_n);
    return false;
}

/* The key algorithm and size of a walked certificate's RSA or ECDSA (P-256, P-384, P-521) key,
 * as gnutls_x509_crt_get_pk_algorithm() gives them: the modulus's bits, the curve's size; and the
 * curve. False for anything else (read through GnuTLS). */
static bool key_direct(ucp_certificate *c, int *pk, unsigned *bits, gnutls_ecc_curve_t *curve)
{
    static const uint8_t rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
    static const uint8_t ec[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
    static const struct {
        uint8_t oid[8];
        size_t len;
        gnutls_ecc_curve_t curve;
        size_t point;
    } curves[] = {
        {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 8, GNUTLS_ECC_CURVE_SECP256R1, 65},
        {{0x2b, 0x81, 0x04, 0x00, 0x22}, 5, GNUTLS_ECC_CURVE_SECP384R1, 97},
        {{0x2b, 0x81, 0x04, 0x00, 0x23}, 5, GNUTLS_ECC_CURVE_SECP521R1, 133},
    };
    if (!c->walked)
        return false;
    struct ucp_tlv spki, alg, bitstr, oid, par, key, n, e;
    if (!ucp_der_read_exact(c->der.data + c->spki_off, c->spki_len, UCP_DER_STRICT, &spki))
        return false;
    const uint8_t *p = spki.value;
    size_t left = spki.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &alg) || !ucp_der_read_exact(p, left, UCP_DER_STRICT, &bitstr) ||
        bitstr.len < 2 || bitstr.value[0] != 0)
        return false;
    p = alg.value;
    left = alg.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &oid) || !ucp_der_read_exact(p, left, UCP_DER_STRICT, &par))
        return false;
    const uint8_t *k = bitstr.value + 1;
    size_t klen = bitstr.len - 1;
    if (oid.len == sizeof rsa && memcmp(oid.value, rsa, sizeof rsa) == 0) {
        /* NULL parameters; RSAPublicKey ::= SEQUENCE { modulus, publicExponent }, both positive
         * and minimal */
        if (!ucp_der_is(&par, ASN1_CLASS_UNIVERSAL, ASN1_TAG_NULL) || par.len != 0 ||
            !ucp_der_read_exact(k, klen, UCP_DER_STRICT, &key) || !ucp_der_is(&key, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return false;
        p = key.value;
        left = key.len;
        if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &n) || !ucp_der_is(&n, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) ||
            !ucp_der_read_exact(p, left, UCP_DER_STRICT, &e) || !ucp_der_is(&e, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) ||
            n.len < 2 || (n.value[0] & 0x80) || (n.value[0] == 0 && !(n.value[1] & 0x80)) || e.len == 0 ||
            (e.value[0] & 0x80) || (e.len > 1 && e.value[0] == 0 && !(e.value[1] & 0x80)))
            return false;
        const uint8_t *m = n.value[0] ? n.value : n.value + 1;
        size_t mlen = n.value[0] ? n.len : n.len - 1;
        unsigned top = 0;
        for (unsigned v = m[0]; v; v >>= 1)
            top++;
        *pk = GNUTLS_PK_RSA;
        *bits = (unsigned)((mlen - 1) * 8 + top);
        return true;
    }
    if (oid.len == sizeof ec && memcmp(oid.value, ec, sizeof ec) == 0) {
        /* a named curve; an uncompressed point of the curve's size */
        if (!ucp_der_is(&par, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID))
            return false;
        for (size_t i = 0; i < UCP_ARRAY_SIZE(curves); i++) {
            if (par.len == curves[i].len && memcmp(par.value, curves[i].oid, par.len) == 0 && klen == curves[i].point &&
                k[0] == 0x04) {
                *pk = GNUTLS_PK_ECDSA;
                *curve = curves[i].curve;
                *bits = (unsigned)gnutls_ecc_curve_get_size(curves[i].curve) * 8;
                return *bits != 0;
            }
        }
    }
    return false;
}

static void extract_key(ucp_certificate *c)
{
    unsigned bits = 0;
    int pk;
    gnutls_ecc_curve_t direct_curve = GNUTLS_ECC_CURVE_INVALID;
    bool direct = key_direct(c, &pk, &bits, &direct_curve);
    if (!direct)
        pk = gnutls_x509_crt_get_pk_algorithm(ucp_certificate_crt(c), &bits);
    c->pk_algo = pk;
    c->bits = bits;
    switch (pk) {
    case GNUTLS_PK_RSA: {
        c->key_algorithm = "RSA";
        if (rsa_exponent_direct(c))
            break;
        gnutls_datum_t m = {NULL, 0}, e = {NULL, 0};
        if (gnutls_x509_crt_get_pk_rsa_raw(ucp_certificate_crt(c), &m, &e) == 0) {
            /* Drop leading zero bytes of the exponent. */
            size_t off = 0;
            while (off + 1 < e.size && e.data[off] == 0)
                off++;
            ucp_bytes_set(&c->rsa_e, e.data + off, e.size - off);
            off = 0;
            while (off + 1 < m.size && m.data[off] == 0)
                off++;
            if (m.size)
                ucp_bytes_set(&c->rsa_n, m.data + off, m.size - off);
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
        if (direct)
            c->curve = curve_name(direct_curve);
        else if (gnutls_x509_crt_get_pk_ecc_raw(ucp_certificate_crt(c), &curve, &x, &y) == 0)
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

/* The dotted OID of the walked certificate's signatureAlgorithm (no parameters or NULL: the
 * walk took no other shape), in @buf; false when there is none. */
static bool walked_algorithm_oid(const uint8_t *p, size_t len, char *buf, size_t size)
{
    struct ucp_tlv alg, oid;
    return ucp_der_read_exact(p, len, UCP_DER_STRICT, &alg) &&
           ucp_der_read(alg.value, alg.len, UCP_DER_STRICT, &oid) &&
           ucp_der_is(&oid, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) && ucp_der_oid_text(oid.value, oid.len, buf, size);
}

static ucp_status extract_signature(ucp_certificate *c)
{
    int sign = GNUTLS_SIGN_UNKNOWN;
    char dotted[128];
    /* gnutls_x509_crt_get_signature_algorithm() is gnutls_oid_to_sign() of the OID but for
     * RSA-PSS (parameters: the walk leaves those to GnuTLS). */
    if (c->walked && walked_algorithm_oid(c->der.data + c->sigalg_off, c->sigalg_len, dotted, sizeof dotted) &&
        strcmp(dotted, "1.2.840.113549.1.1.10") != 0)
        sign = gnutls_oid_to_sign(dotted);
    if (sign <= 0)
        sign = gnutls_x509_crt_get_signature_algorithm(ucp_certificate_crt(c));
    c->sign_algo = sign > 0 ? sign : GNUTLS_SIGN_UNKNOWN;
    if (sign > 0) {
        c->sign_hash = gnutls_sign_get_hash_algorithm(sign);
        c->sign_pss = gnutls_sign_get_pk_algorithm(sign) == GNUTLS_PK_RSA_PSS;
        const char *name = gnutls_sign_get_name(sign);
        c->signature_name = ucp_strdup(name ? name : "unknown");
    } else {
        char oid[128];
        size_t size = sizeof oid;
        if (gnutls_x509_crt_get_signature_oid(ucp_certificate_crt(c), oid, &size) >= 0) {
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

/* The subject and authority key identifiers, as gnutls_x509_crt_get_subject_key_id and
 * gnutls_x509_crt_get_authority_key_id (keyIdentifier only) give them into a 64-byte buffer:
 * read directly for the plain shapes (an OCTET STRING; a SEQUENCE holding only [0]), through
 * GnuTLS otherwise. False when out of memory. */
bool ucp_certificate_read_key_ids(ucp_certificate *c)
{
    static const uint8_t ski_oid[] = {0x55, 0x1d, 0x0e}, aki_oid[] = {0x55, 0x1d, 0x23};
    unsigned char buf[64];
    size_t size, len = 0;
    bool critical, ambiguous;
    struct ucp_tlv t, k;
    const uint8_t *v = ucp_certificate_ext_value(c, ski_oid, sizeof ski_oid, &len, &critical, &ambiguous);
    if (!ambiguous && (!v || (ucp_der_read_exact(v, len, UCP_DER_STRICT, &t) &&
                              ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING) && t.len > 0))) {
        if (v && t.len <= sizeof buf && !ucp_bytes_set(&c->ski, t.value, t.len))
            return false;
    } else {
        unsigned crit = 0;
        size = sizeof buf;
        if (gnutls_x509_crt_get_subject_key_id(ucp_certificate_crt(c), buf, &size, &crit) >= 0 && !ucp_bytes_set(&c->ski, buf, size))
            return false;
    }
    v = ucp_certificate_ext_value(c, aki_oid, sizeof aki_oid, &len, &critical, &ambiguous);
    bool direct = !ambiguous;
    if (direct && v) {
        /* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... } */
        direct = ucp_der_read_exact(v, len, UCP_DER_STRICT, &t) &&
                 ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) &&
                 (t.len == 0 || (ucp_der_read_exact(t.value, t.len, UCP_DER_STRICT, &k) &&
                                 ucp_der_is(&k, ASN1_CLASS_CONTEXT_SPECIFIC, 0)));
        if (direct && t.len && k.len && k.len <= sizeof buf && !ucp_bytes_set(&c->aki, k.value, k.len))
            return false;
    }
    if (!direct) {
        unsigned crit = 0;
        size = sizeof buf;
        if (gnutls_x509_crt_get_authority_key_id(ucp_certificate_crt(c), buf, &size, &crit) >= 0 && !ucp_bytes_set(&c->aki, buf, size))
            return false;
    }
    return true;
}

/* Key usage as gnutls_x509_crt_get_key_usage() gives it, read directly when it is a BIT STRING
 * of one or two octets (GnuTLS: the first octet, the second shifted by 8): 1 read, 0 absent,
 * -1 read it through GnuTLS. */
static int key_usage_direct(const ucp_certificate *c, unsigned *ku, bool *critical)
{
    static const uint8_t oid[] = {0x55, 0x1d, 0x0f};
    size_t len = 0;
    bool ambiguous;
    struct ucp_tlv t;
    const uint8_t *v = ucp_certificate_ext_value(c, oid, sizeof oid, &len, critical, &ambiguous);
    if (ambiguous)
        return -1;
    if (!v)
        return 0;
    if (!ucp_der_read_exact(v, len, UCP_DER_STRICT, &t) || !ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) ||
        t.len < 2 || t.len > 3 || t.value[0] > 7 || (t.value[t.len - 1] & ((1u << t.value[0]) - 1)) != 0)
        return -1; /* DER: the unused bits are zero */
    *ku = t.value[1] | (t.len == 3 ? (unsigned)t.value[2] << 8 : 0);
    return 1;
}

/* Basic constraints as gnutls_x509_crt_get_basic_constraints() gives them, read directly for
 * SEQUENCE {}, SEQUENCE { TRUE } and SEQUENCE { TRUE, small INTEGER }: 1 read, 0 absent, -1
 * read it through GnuTLS. */
static int basic_constraints_direct(const ucp_certificate *c, bool *ca, int *pathlen, bool *critical)
{
    static const uint8_t oid[] = {0x55, 0x1d, 0x13};
    size_t len = 0;
    bool ambiguous;
    struct ucp_tlv seq, b, n;
    const uint8_t *v = ucp_certificate_ext_value(c, oid, sizeof oid, &len, critical, &ambiguous);
    if (ambiguous)
        return -1;
    if (!v)
        return 0;
    if (!ucp_der_read_exact(v, len, UCP_DER_STRICT, &seq) || !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return -1;
    *ca = false;
    *pathlen = -1;
    if (seq.len == 0)
        return 1;
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &b) || !ucp_der_is(&b, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BOOLEAN) ||
        b.len != 1 || b.value[0] != 0xff)
        return -1;
    *ca = true;
    if (left == 0)
        return 1;
    if (!ucp_der_read_exact(p, left, UCP_DER_STRICT, &n) || !ucp_der_is(&n, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) ||
        n.len == 0 || n.len > 2 || (n.value[0] & 0x80) || (n.len == 2 && n.value[0] == 0 && !(n.value[1] & 0x80)))
        return -1;
    *pathlen = n.len == 1 ? n.value[0] : (n.value[0] << 8 | n.value[1]);
    return 1;
}

/* Key usage and basic constraints: directly for the plain shapes, through GnuTLS otherwise. */
static void extract_constraints(ucp_certificate *c)
{
    unsigned ku = 0, critical = 0;
    bool dcrit = false, dca = false;
    int dpath = -1;
    int direct = key_usage_direct(c, &ku, &dcrit);
    if (direct > 0) {
        c->has_ku = true;
        c->ku = ku;
        c->ku_critical = dcrit;
    } else if (direct < 0 && gnutls_x509_crt_get_key_usage(ucp_certificate_crt(c), &ku, &critical) >= 0) {
        c->has_ku = true;
        c->ku = ku;
        c->ku_critical = critical != 0;
    }
    direct = basic_constraints_direct(c, &dca, &dpath, &dcrit);
    if (direct > 0) {
        c->has_bc = true;
        c->bc_ca = dca;
        c->pathlen = dca ? dpath : -1;
        return;
    }
    unsigned ca = 0;
    int pathlen = -1;
    if (direct < 0 && gnutls_x509_crt_get_basic_constraints(ucp_certificate_crt(c), &critical, &ca, &pathlen) >= 0) {
        c->has_bc = true;
        c->bc_ca = ca != 0;
        c->pathlen = c->bc_ca ? pathlen : -1;
    }
}

ucp_status ucp_certificate_read_facts(ucp_certificate *c, const char *source)
{
    ucp_status st;
    if ((st = extract_sans(c, source)) != UCP_OK || (st = extract_ekus(c, source)) != UCP_OK ||
        (st = extract_urls(c)) != UCP_OK || (st = extract_signature(c)) != UCP_OK)
        return st;
    extract_constraints(c);
    extract_key(c);
    return UCP_OK;
}
