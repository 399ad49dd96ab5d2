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
 *
 * Most certificates are not decoded by GnuTLS at all: ucp_certificate_walk walks the whole
 * Certificate strictly (DER only, version 3, every field of a shape gnutls_x509_crt_import accepts:
 * the same signature algorithm inside and out, names of single-valued RDNs with string values,
 * RFC 5280 times from 1970, extensions each once with the subjectAltName decodable as GnuTLS
 * decodes it at import, no issuerAltName or unique identifiers). A certificate it does not know
 * exactly goes to gnutls_x509_crt_import, so GnuTLS still decides what is a certificate; the
 * certificate fuzz target (tests/fuzz/fuzz-cert.c) looks for a certificate the walk accepts and
 * GnuTLS refuses, or whose facts differ.
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

/* ---- the strict walk of the whole Certificate (the common leaf without GnuTLS's decoder) ---- */

/* One strict DER TLV of class/tag @cls/@tag at *@p (within *@left bytes). */
static bool next_is(const uint8_t **p, size_t *left, unsigned char cls, unsigned long tag, struct ucp_tlv *t)
{
    return ucp_der_next(p, left, UCP_DER_STRICT, t) && ucp_der_is(t, cls, tag);
}

/* A DirectoryString-like attribute value the walk knows: a primitive universal string. */
static bool known_string(const struct ucp_tlv *t)
{
    if (t->cls != ASN1_CLASS_UNIVERSAL)
        return false;
    switch (t->tag) {
    case 12: /* UTF8String */
    case 18: /* NumericString */
    case 19: /* PrintableString */
    case 20: /* TeletexString */
    case 22: /* IA5String */
    case 26: /* VisibleString */
    case 28: /* UniversalString */
    case 30: /* BMPString */
        return true;
    default:
        return false;
    }
}

/* Name ::= SEQUENCE OF RelativeDistinguishedName (1 to 32 of them: names of hundreds of RDNs,
 * whose GnuTLS rendering costs more than linear time, keep the path they had), each RDN a SET
 * holding exactly one AttributeTypeAndValue { OID, string } (multi-valued RDNs, whose DER order
 * the walk does not check, go to GnuTLS). */
static bool walk_name(const struct ucp_tlv *name)
{
    if (!ucp_der_is(name, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || name->len == 0)
        return false;
    const uint8_t *p = name->value;
    size_t left = name->len;
    for (int n = 0; left > 0; n++) {
        struct ucp_tlv rdn, atv, oid, val;
        if (n == 32 || !next_is(&p, &left, UCP_DER_UNIV_CONS, ASN1_TAG_SET, &rdn) ||
            !ucp_der_read_exact(rdn.value, rdn.len, UCP_DER_STRICT, &atv) ||
            !ucp_der_is(&atv, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return false;
        const uint8_t *q = atv.value;
        size_t qleft = atv.len;
        if (!next_is(&q, &qleft, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID, &oid) ||
            !ucp_der_oid_valid(oid.value, oid.len) || !ucp_der_read_exact(q, qleft, UCP_DER_STRICT, &val) ||
            !known_string(&val))
            return false;
    }
    return true;
}

/* AlgorithmIdentifier ::= SEQUENCE { OID, NULL or nothing }: the shapes whose meaning does not
 * depend on parameters (RSA PKCS#1 v1.5, ECDSA); RSA-PSS and the rest go to GnuTLS. */
static bool walk_plain_algorithm(const struct ucp_tlv *alg)
{
    if (!ucp_der_is(alg, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = alg->value;
    size_t left = alg->len;
    struct ucp_tlv oid, par;
    if (!next_is(&p, &left, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID, &oid) || !ucp_der_oid_valid(oid.value, oid.len))
        return false;
    return left == 0 ||
           (ucp_der_read_exact(p, left, UCP_DER_STRICT, &par) && ucp_der_is(&par, ASN1_CLASS_UNIVERSAL, ASN1_TAG_NULL) &&
            par.len == 0);
}

/* GeneralNames the way gnutls_x509_crt_import reads a subjectAltName (it refuses the certificate
 * when this does not decode): here only non-empty rfc822Name, dNSName, URI and iPAddress entries. */
static bool walk_san(const uint8_t *v, size_t len)
{
    struct ucp_tlv seq, gn;
    if (!ucp_der_read_exact(v, len, UCP_DER_STRICT, &seq) || !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    while (left > 0) {
        if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &gn) || gn.cls != ASN1_CLASS_CONTEXT_SPECIFIC || gn.len == 0 ||
            (gn.tag != 1 && gn.tag != 2 && gn.tag != 6 && gn.tag != 7))
            return false;
    }
    return true;
}

bool ucp_certificate_walk(ucp_certificate *c)
{
    static const uint8_t oid_san[] = {0x55, 0x1d, 0x11}, oid_ian[] = {0x55, 0x1d, 0x12};
    const uint8_t *base = c->der.data;
    struct ucp_tlv cert, tbs, alg, sig, t, inner, issuer, validity, subject, spki, nb, na;
    if (!ucp_der_read_exact(base, c->der.len, UCP_DER_STRICT, &cert) ||
        !ucp_der_is(&cert, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = cert.value;
    size_t left = cert.len;
    if (!next_is(&p, &left, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &tbs) ||
        !next_is(&p, &left, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &alg) || !walk_plain_algorithm(&alg) ||
        !ucp_der_read_exact(p, left, UCP_DER_STRICT, &sig) ||
        !ucp_der_is(&sig, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) || sig.len < 2 || sig.value[0] != 0)
        return false;
    p = tbs.value;
    left = tbs.len;
    /* version [0] EXPLICIT v3 (extensions need it; v1 and v2 go to GnuTLS) */
    static const uint8_t v3[] = {0x02, 0x01, 0x02};
    if (!next_is(&p, &left, UCP_DER_CTX_CONS, 0, &t) || t.len != sizeof v3 || memcmp(t.value, v3, sizeof v3) != 0)
        return false;
    /* serialNumber: a minimal INTEGER */
    struct ucp_tlv serial;
    if (!next_is(&p, &left, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER, &serial) || serial.len == 0 ||
        (serial.len > 1 && ((serial.value[0] == 0 && !(serial.value[1] & 0x80)) ||
                            (serial.value[0] == 0xff && (serial.value[1] & 0x80)))))
        return false;
    /* signature: the very bytes of signatureAlgorithm (GnuTLS refuses a mismatch) */
    if (!next_is(&p, &left, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &inner) || inner.total != alg.total ||
        memcmp(inner.value - inner.hdr, alg.value - alg.hdr, alg.total) != 0)
        return false;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &issuer) || !walk_name(&issuer) ||
        !next_is(&p, &left, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &validity) ||
        !ucp_der_next(&p, &left, UCP_DER_STRICT, &subject) || !walk_name(&subject) ||
        !next_is(&p, &left, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &spki))
        return false;
    /* Validity: two times as RFC 5280 writes them, from 1970 on (GnuTLS reads no earlier time). */
    const uint8_t *v = validity.value;
    size_t vleft = validity.len;
    int64_t not_before, not_after;
    if (!ucp_der_next(&v, &vleft, UCP_DER_STRICT, &nb) || !ucp_der_read_exact(v, vleft, UCP_DER_STRICT, &na) ||
        !ucp_der_time(&nb, &not_before) || !ucp_der_time(&na, &not_after) || not_before < 0 || not_after < 0)
        return false;
    /* SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING } */
    const uint8_t *k = spki.value;
    size_t kleft = spki.len;
    struct ucp_tlv kalg, kbits, koid;
    if (!next_is(&k, &kleft, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &kalg) ||
        !ucp_der_read_exact(k, kleft, UCP_DER_STRICT, &kbits) ||
        !ucp_der_is(&kbits, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) || kbits.len < 2 || kbits.value[0] != 0)
        return false;
    k = kalg.value;
    kleft = kalg.len;
    if (!next_is(&k, &kleft, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID, &koid) || !ucp_der_oid_valid(koid.value, koid.len) ||
        (kleft > 0 && !ucp_der_read_exact(k, kleft, UCP_DER_STRICT, &t)))
        return false;
    /* extensions [3] EXPLICIT SEQUENCE SIZE (1..MAX) OF Extension, the last field (no unique IDs) */
    struct ucp_tlv list;
    if (!next_is(&p, &left, UCP_DER_CTX_CONS, 3, &t) || left != 0 ||
        !ucp_der_read_exact(t.value, t.len, UCP_DER_STRICT, &list) ||
        !ucp_der_is(&list, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || list.len == 0)
        return false;
    struct ucp_ext_ref *exts = NULL;
    size_t n = 0, cap = 0;
    const uint8_t *q = list.value;
    size_t qleft = list.len;
    while (qleft > 0) {
        /* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE (DER: absent or TRUE), extnValue } */
        struct ucp_tlv ext, f;
        if (!next_is(&q, &qleft, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, &ext))
            goto bad;
        const uint8_t *e = ext.value;
        size_t eleft = ext.len;
        if (!next_is(&e, &eleft, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID, &f) || !ucp_der_oid_valid(f.value, f.len))
            goto bad;
        struct ucp_ext_ref r = {(uint32_t)(f.value - base), (uint32_t)f.len, 0, 0, false};
        if (!ucp_der_next(&e, &eleft, UCP_DER_STRICT, &f))
            goto bad;
        if (ucp_der_is(&f, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BOOLEAN)) {
            if (f.len != 1 || f.value[0] != 0xff || !ucp_der_next(&e, &eleft, UCP_DER_STRICT, &f))
                goto bad;
            r.critical = true;
        }
        if (!ucp_der_is(&f, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING) || eleft != 0)
            goto bad;
        r.val_off = (uint32_t)(f.value - base);
        r.val_len = (uint32_t)f.len;
        const uint8_t *oid = base + r.oid_off;
        /* Every extension once (the repeated ones, and their errors, are GnuTLS's path's);
         * the alternative names as gnutls_x509_crt_import would decode them. */
        for (size_t i = 0; i < n; i++)
            if (exts[i].oid_len == r.oid_len && memcmp(base + exts[i].oid_off, oid, r.oid_len) == 0)
                goto bad;
        if (r.oid_len == sizeof oid_ian && memcmp(oid, oid_ian, sizeof oid_ian) == 0)
            goto bad;
        if (r.oid_len == sizeof oid_san && memcmp(oid, oid_san, sizeof oid_san) == 0 && !walk_san(f.value, f.len))
            goto bad;
        if (n == cap) {
            cap = cap ? cap * 2 : 12;
            struct ucp_ext_ref *nv = realloc(exts, cap * sizeof *nv);
            if (!nv)
                goto bad;
            exts = nv;
        }
        exts[n++] = r;
    }
    c->tbs_off = (size_t)(tbs.value - tbs.hdr - base);
    c->tbs_len = tbs.total;
    c->sig_off = (size_t)(sig.value + 1 - base);
    c->sig_len = sig.len - 1;
    c->spki_off = (size_t)(spki.value - spki.hdr - base);
    c->spki_len = spki.total;
    c->serial_off = (size_t)(serial.value - base);
    c->serial_len = serial.len;
    c->issuer_off = (size_t)(issuer.value - issuer.hdr - base);
    c->issuer_len = issuer.total;
    c->subject_off = (size_t)(subject.value - subject.hdr - base);
    c->subject_len = subject.total;
    c->sigalg_off = (size_t)(alg.value - alg.hdr - base);
    c->sigalg_len = alg.total;
    c->not_before = not_before;
    c->not_after = not_after;
    c->version = 3;
    c->exts = exts;
    c->nexts = n;
    c->indexed = true;
    c->walked = true;
    return true;
bad:
    free(exts);
    return false;
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
    if (c->walked)
        return UCP_OK; /* the walk took no certificate with any extension twice */
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
        int ret = gnutls_x509_crt_get_extension_info(ucp_certificate_crt(c), i, oid, &size, &critical);
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
