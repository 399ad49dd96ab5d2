/* SPDX-License-Identifier: MIT */
/*
 * Where a certificate's parts lie in its DER, found once at parse time: the signed bytes and the
 * signature value (the signature fast path, verify.c), and the index of the TBSCertificate - the
 * public key's span and each extension's OID, criticality and value - from which extensions are
 * looked up by OID. For what the index cannot answer, GnuTLS's decoded certificate, decoded
 * again on demand once parsing has freed it (ucp_certificate_crt).
 *
 * GnuTLS answers each getter by decoding (part of) the certificate into a libtasn1 tree and
 * looking nodes up by name, which costs most of the parse time. The TBSCertificate (which
 * gnutls_x509_crt_import has already decoded strictly) is walked once here instead, and the
 * common extensions are read from their DER (facts.c). Each reader takes the direct path only
 * for the shapes it knows to be read the same way by GnuTLS (strict DER: minimal lengths, no
 * trailing bytes, only the alternatives listed); anything else is read through GnuTLS, so the
 * facts are those of the GnuTLS getters (tests/test-extensions.c compares both on every
 * certificate).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

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

void ucp_certificate_index(ucp_certificate *c, bool tbs)
{
    find_spans(c);
    if (tbs)
        index_tbs(c);
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
const uint8_t *ucp_certificate_ext_value(const ucp_certificate *c, const uint8_t *oid, size_t oidlen, size_t *len,
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

/* Reject extensions a certificate may carry only once (RFC 5280 4.2): a second copy would let
 * two parsers see two different certificates. */
ucp_status ucp_certificate_check_unique_extensions(ucp_certificate *c, const char *source)
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

/* The extensions path validation recognises (RFC 5280 4.2: a certificate with any other critical
 * extension must be rejected), as OBJECT IDENTIFIER contents. libucpolicy reads and applies
 * basicConstraints, keyUsage, extKeyUsage, subjectAltName and nameConstraints in path
 * validation and the role rules; the subject and authority key identifiers, the CRL distribution
 * points and the authority information access for path building and revocation; the Microsoft
 * certificate template extensions (templates.c). The four policy extensions (certificatePolicies,
 * policyMappings, policyConstraints, inhibitAnyPolicy) are recognised: RFC 5280 requires every
 * validator to recognise them, and rejecting the critical policyConstraints and inhibitAnyPolicy
 * that CAs must mark critical would fail paths every client accepts; their policy processing is
 * not implemented yet (README, "Limits"). */
static bool recognised_extension(const uint8_t *oid, size_t len)
{
    /* id-ce (2.5.29): 55 1D nn */
    static const uint8_t id_ce[] = {14, 15, 17, 19, 30, 31, 32, 33, 35, 36, 37, 54};
    if (len == 3 && oid[0] == 0x55 && oid[1] == 0x1d) {
        for (size_t i = 0; i < sizeof id_ce; i++)
            if (oid[2] == id_ce[i])
                return true;
        return false;
    }
    static const uint8_t aia[] = {0x2b, 6, 1, 5, 5, 7, 1, 1};                   /* 1.3.6.1.5.5.7.1.1 */
    static const uint8_t ms_template[] = {0x2b, 6, 1, 4, 1, 0x82, 0x37, 0x15, 7}; /* 1.3.6.1.4.1.311.21.7 */
    static const uint8_t ms_name[] = {0x2b, 6, 1, 4, 1, 0x82, 0x37, 0x14, 2};     /* 1.3.6.1.4.1.311.20.2 */
    return (len == sizeof aia && memcmp(oid, aia, len) == 0) ||
           (len == sizeof ms_template && memcmp(oid, ms_template, len) == 0) ||
           (len == sizeof ms_name && memcmp(oid, ms_name, len) == 0);
}

/* OBJECT IDENTIFIER contents to dotted text in @buf (truncated to fit). */
static void oid_text(const uint8_t *p, size_t len, char *buf, size_t cap)
{
    size_t o = 0;
    unsigned long long v = 0;
    bool first = true;
    buf[0] = '\0';
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        v = (v << 7) | (p[i] & 0x7f);
        if (p[i] & 0x80)
            continue;
        int w;
        if (first) {
            unsigned long long a = v < 40 ? 0 : v < 80 ? 1 : 2;
            w = snprintf(buf + o, cap - o, "%llu.%llu", a, v - a * 40);
            first = false;
        } else {
            w = snprintf(buf + o, cap - o, ".%llu", v);
        }
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
        v = 0;
    }
}

const char *ucp_certificate_unknown_critical_extension(const ucp_certificate *c, char *buf, size_t cap)
{
    if (cap == 0)
        return NULL;
    if (c->indexed) {
        for (size_t i = 0; i < c->nexts; i++) {
            const struct ucp_ext_ref *e = &c->exts[i];
            if (e->critical && !recognised_extension(c->der.data + e->oid_off, e->oid_len)) {
                oid_text(c->der.data + e->oid_off, e->oid_len, buf, cap);
                return buf;
            }
        }
        return NULL;
    }
    /* No index (a shape the walk does not take): GnuTLS lists the extensions. */
    gnutls_x509_crt_t crt = ucp_certificate_crt(c);
    for (unsigned i = 0; crt; i++) {
        char dotted[128];
        size_t size = sizeof dotted;
        unsigned critical = 0;
        if (gnutls_x509_crt_get_extension_info(crt, i, dotted, &size, &critical) < 0)
            break;
        uint8_t der[64];
        size_t len;
        if (critical && (!ucp_der_oid_encode(dotted, der, sizeof der, &len) || !recognised_extension(der, len))) {
            snprintf(buf, cap, "%s", dotted);
            return buf;
        }
    }
    return NULL;
}
