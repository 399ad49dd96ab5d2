/* SPDX-License-Identifier: MIT */
/*
 * CRLs as they are held: the DER once, and an index of it built with the library's DER reader
 * (x509/der.c): where the signed part, the signature algorithm, the signature value, the raw
 * issuer and the crlExtensions lie, thisUpdate and nextUpdate, and the revoked entries as a
 * sorted array of 16 bytes each (where the entry lies, where its serial lies within it, and the
 * revocation date). A CRL so held costs its DER plus 16 bytes an entry (a GnuTLS CRL object
 * costs some 20-40 times its DER, and is never made here). The entries' extensions
 * (reasonCode, certificateIssuer...) and the crlExtensions (issuingDistributionPoint...) stay
 * in the DER, reachable from the index.
 *
 * The signature is verified with the issuer's public key over the TBSCertList bytes
 * (gnutls_pubkey_verify_data2), the algorithm named by its OID (gnutls_oid_to_sign), RSA-PSS
 * with the parameters the CRL gives. A successful verification is remembered with the key's
 * identity, so a CRL given once and used by every check of a batch is hashed once.
 *
 * Serials compare as INTEGERs: leading zero octets of a positive number are not significant.
 * PEM files are decoded block by block with GnuTLS's base64 decoder; each block then takes the
 * DER path. A CRL is refused, with a message naming its source and the part that is wrong,
 * when anything in it does not have the shape RFC 5280 5.1 gives.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

#define OID_RSA_PSS "1.2.840.113549.1.1.10"
#define OID_MGF1 "1.2.840.113549.1.1.8"
#define PEM_BEGIN "-----BEGIN X509 CRL-----"
#define PEM_END "-----END X509 CRL-----"
#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- lifetime ------------------------------------------------------------------------------- */

struct ucp_crl *ucp_crl_ref(const struct ucp_crl *crl)
{
    struct ucp_crl *c = (struct ucp_crl *)crl;
    if (c)
        atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return c;
}

void ucp_crl_release(struct ucp_crl *crl)
{
    if (!crl || atomic_fetch_sub_explicit(&crl->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(crl->source);
    free(crl->der);
    free(crl->entries);
    free(crl);
}

size_t ucp_crl_size(const struct ucp_crl *crl)
{
    return sizeof *crl + crl->der_len + crl->nentries * sizeof *crl->entries + strlen(crl->source) + 1;
}

/* ---- serials ---------------------------------------------------------------------------------- */

/* An INTEGER's contents in the form serials are compared in: a positive number without its
 * leading zero octets (one kept for zero itself), a negative one without redundant leading 0xFF
 * octets. */
static void canonical_serial(const uint8_t **p, size_t *n, bool *negative)
{
    *negative = *n > 0 && ((*p)[0] & 0x80);
    if (*negative) {
        while (*n > 1 && (*p)[0] == 0xff && ((*p)[1] & 0x80)) {
            (*p)++;
            (*n)--;
        }
    } else {
        while (*n > 1 && (*p)[0] == 0) {
            (*p)++;
            (*n)--;
        }
    }
}

static int serial_cmp(bool na, const uint8_t *a, size_t an, bool nb, const uint8_t *b, size_t bn)
{
    if (na != nb)
        return na ? -1 : 1;
    if (an != bn)
        return an < bn ? -1 : 1;
    return memcmp(a, b, an);
}

static int entry_cmp(const struct ucp_crl *crl, const struct ucp_crl_entry *x, const struct ucp_crl_entry *y)
{
    return serial_cmp(x->negative, crl->der + x->off + x->serial_at, x->serial_len, y->negative,
                      crl->der + y->off + y->serial_at, y->serial_len);
}

/* In-place heap sort of the entries by serial (qsort() has no context argument everywhere). */
static void sift_down(const struct ucp_crl *crl, struct ucp_crl_entry *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && entry_cmp(crl, &v[child], &v[child + 1]) < 0)
            child++;
        if (entry_cmp(crl, &v[root], &v[child]) >= 0)
            return;
        struct ucp_crl_entry t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void sort_entries(struct ucp_crl *crl)
{
    struct ucp_crl_entry *v = crl->entries;
    size_t n = crl->nentries;
    size_t i = 1;
    while (i < n && entry_cmp(crl, &v[i - 1], &v[i]) <= 0)
        i++;
    if (i >= n)
        return; /* CAs usually write them in order */
    for (size_t k = n / 2; k-- > 0;)
        sift_down(crl, v, k, n);
    for (size_t end = n; end-- > 1;) {
        struct ucp_crl_entry t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(crl, v, 0, end);
    }
}

/* ---- parsing ---------------------------------------------------------------------------------- */

static bool is_seq(const struct ucp_tlv *t)
{
    return ucp_der_is(t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE);
}

static bool is_time(const struct ucp_tlv *t)
{
    return ucp_der_is(t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_UTCTime) ||
           ucp_der_is(t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_GENERALIZEDTime);
}

/* Zero octets or white space after a DER structure (what a file may carry after it). */
static bool only_padding(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0 && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

/* revokedCertificate ::= SEQUENCE { userCertificate INTEGER, revocationDate Time,
 * crlEntryExtensions Extensions OPTIONAL } at @p (@left bytes): @e filled when @e is not NULL.
 * NULL, or why it cannot be read. */
static const char *read_entry(const uint8_t *base, const uint8_t *p, size_t left, struct ucp_tlv *whole,
                              struct ucp_crl_entry *e)
{
    struct ucp_tlv serial, date, ext;
    if (!ucp_der_read(p, left, UCP_DER_BER, whole) || !is_seq(whole))
        return "it is not a SEQUENCE";
    const uint8_t *q = whole->value;
    size_t n = whole->len;
    if (!ucp_der_next(&q, &n, UCP_DER_BER, &serial) ||
        !ucp_der_is(&serial, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) || serial.len == 0)
        return "its serial number is not an INTEGER";
    if (serial.len > UCP_MAX_CRL_SERIAL)
        return "its serial number is longer than " STR(UCP_MAX_CRL_SERIAL) " bytes";
    int64_t when = 0;
    if (!ucp_der_next(&q, &n, UCP_DER_BER, &date) || !is_time(&date) || !ucp_der_time(&date, &when))
        return "its revocation date is not a UTCTime or GeneralizedTime as RFC 5280 writes them";
    if (n > 0 && (!ucp_der_next(&q, &n, UCP_DER_BER, &ext) || !is_seq(&ext)))
        return "its extensions are not a SEQUENCE";
    if (n > 0)
        return "it has fields after its extensions";
    if (e) {
        const uint8_t *s = serial.value;
        size_t slen = serial.len;
        bool negative;
        canonical_serial(&s, &slen, &negative);
        e->date = when;
        e->off = (uint32_t)(p - base);
        if ((size_t)(s - p) > UINT16_MAX)
            return "its serial number is encoded with too many octets";
        e->serial_at = (uint16_t)(s - p);
        e->serial_len = (uint8_t)slen;
        e->negative = negative;
    }
    return NULL;
}

/* Index the DER held by @c (c->der, c->der_len). Errors name @source. */
static ucp_status index_crl(struct ucp_crl *c, const char *source)
{
    const uint8_t *der = c->der;
    struct ucp_tlv outer, tbs, alg, sig, t;
    if (c->der_len > UINT32_MAX)
        return ucp_fail(UCP_E_TOO_LARGE, source, "the CRL is larger than 4 GiB");
    if (!ucp_der_read(der, c->der_len, UCP_DER_BER, &outer) || !is_seq(&outer)) {
        struct ucp_tlv h;
        if (ucp_der_header(der, c->der_len, UCP_DER_BER, &h) && is_seq(&h) && !h.indefinite &&
            h.total > c->der_len)
            return ucp_fail(UCP_E_CORRUPT, source,
                            "truncated CRL: the structure declares %zu bytes but only %zu are present", h.total,
                            c->der_len);
        return ucp_fail(UCP_E_FORMAT, source, "not a CRL in PEM or DER form: the data is not a DER SEQUENCE");
    }
    if (outer.total < c->der_len && !only_padding(der + outer.total, c->der_len - outer.total))
        return ucp_fail(UCP_E_CORRUPT, source, "%zu bytes of trailing data after the CRL", c->der_len - outer.total);
    const uint8_t *p = outer.value;
    size_t left = outer.len;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &tbs) || !is_seq(&tbs))
        return ucp_fail(UCP_E_FORMAT, source, "not a CRL in PEM or DER form: no TBSCertList SEQUENCE");
    const uint8_t *alg_at = p;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &alg) || !is_seq(&alg))
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL's signature algorithm cannot be read");
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &sig) || !ucp_der_is(&sig, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) ||
        sig.len < 2 || sig.value[0] > 7)
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL's signature value cannot be read");
    /* A signature whose BIT STRING declares unused bits is no signature any algorithm makes: the
     * CRL is read, and is "not signed by" every key (a bad signature is a finding, not an
     * unreadable file: NIST PKITS 4.4.4 alters exactly that octet). */
    c->sig_unused_bits = sig.value[0] != 0;
    if (left)
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL has fields after its signature");
    c->tbs_off = (uint32_t)(outer.value - der);
    c->tbs_len = (uint32_t)tbs.total;
    c->alg_off = (uint32_t)(alg_at - der);
    c->alg_len = (uint32_t)alg.total;
    c->sig_off = (uint32_t)(sig.value + 1 - der);
    c->sig_len = (uint32_t)(sig.len - 1);

    /* TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature AlgorithmIdentifier,
     * issuer Name, thisUpdate Time, nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF
     * ... OPTIONAL, crlExtensions [0] EXPLICIT Extensions OPTIONAL } */
    p = tbs.value;
    left = tbs.len;
    bool have = ucp_der_next(&p, &left, UCP_DER_BER, &t);
    if (have && ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER)) {
        if (t.len != 1 || t.value[0] > 1)
            return ucp_fail(UCP_E_CORRUPT, source, "the CRL's version is neither v1 nor v2");
        have = ucp_der_next(&p, &left, UCP_DER_BER, &t);
    }
    if (!have || !is_seq(&t))
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL's signature algorithm (in the signed part) cannot be read");
    c->tbs_alg_off = (uint32_t)(t.value - t.hdr - der);
    c->tbs_alg_len = (uint32_t)t.total;
    const uint8_t *issuer_at = p;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &t) || !is_seq(&t))
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL's issuer cannot be read");
    c->issuer_off = (uint32_t)(issuer_at - der);
    c->issuer_len = (uint32_t)t.total;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &t) || !is_time(&t) || !ucp_der_time(&t, &c->this_update))
        return ucp_fail(UCP_E_CORRUPT, source,
                        "the CRL's thisUpdate is not a UTCTime or GeneralizedTime as RFC 5280 writes them");
    c->next_update = -1;
    have = ucp_der_next(&p, &left, UCP_DER_BER, &t);
    if (have && is_time(&t)) {
        if (!ucp_der_time(&t, &c->next_update))
            return ucp_fail(UCP_E_CORRUPT, source,
                            "the CRL's nextUpdate is not a UTCTime or GeneralizedTime as RFC 5280 writes them");
        have = ucp_der_next(&p, &left, UCP_DER_BER, &t);
    }
    struct ucp_tlv revoked = {0};
    bool has_revoked = false;
    if (have && is_seq(&t)) {
        revoked = t;
        has_revoked = true;
        have = ucp_der_next(&p, &left, UCP_DER_BER, &t);
    }
    if (have && ucp_der_is(&t, UCP_DER_CTX_CONS, 0)) {
        struct ucp_tlv exts;
        if (!ucp_der_read_exact(t.value, t.len, UCP_DER_BER, &exts) || !is_seq(&exts))
            return ucp_fail(UCP_E_CORRUPT, source, "the CRL's extensions cannot be read");
        c->exts_off = (uint32_t)(t.value - der);
        c->exts_len = (uint32_t)exts.total;
        have = ucp_der_next(&p, &left, UCP_DER_BER, &t);
    }
    if (have || left)
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL's signed part has a field RFC 5280 does not define there");

    /* The revoked entries: counted and checked, then indexed. */
    if (!has_revoked)
        return UCP_OK;
    size_t count = 0;
    p = revoked.value;
    left = revoked.len;
    while (left > 0) {
        struct ucp_tlv whole;
        const char *why = read_entry(der, p, left, &whole, NULL);
        if (why)
            return ucp_fail(UCP_E_CORRUPT, source, "revoked-certificate entry %zu of the CRL cannot be read: %s",
                            count + 1, why);
        p += whole.total;
        left -= whole.total;
        count++;
    }
    if (count == 0)
        return UCP_OK;
    c->entries = malloc(count * sizeof *c->entries);
    if (!c->entries)
        return ucp_fail_nomem();
    p = revoked.value;
    left = revoked.len;
    for (size_t i = 0; i < count; i++) {
        struct ucp_tlv whole;
        const char *why = read_entry(der, p, left, &whole, &c->entries[i]);
        if (why)
            return ucp_fail(UCP_E_CORRUPT, source, "revoked-certificate entry %zu of the CRL cannot be read: %s",
                            i + 1, why);
        p += whole.total;
        left -= whole.total;
    }
    c->nentries = count;
    sort_entries(c);
    return UCP_OK;
}

ucp_status ucp_crl_from_der(uint8_t *der, size_t len, const char *source, struct ucp_crl **out)
{
    *out = NULL;
    struct ucp_crl *c = calloc(1, sizeof *c);
    if (!c) {
        free(der);
        return ucp_fail_nomem();
    }
    atomic_init(&c->refs, 1);
    atomic_init(&c->memo, 0);
    atomic_init(&c->scope_state, 0);
    c->der = der;
    c->der_len = len;
    c->source = ucp_strdup(source);
    if (!c->source) {
        ucp_crl_release(c);
        return ucp_fail_nomem();
    }
    ucp_status st = index_crl(c, source);
    if (st != UCP_OK) {
        ucp_crl_release(c);
        return st;
    }
    *out = c;
    return UCP_OK;
}

/* The DER of the PEM block of a CRL starting at @begin (a BEGIN line) within @left bytes:
 * *@der (malloc'd) and *@len, and *@next where the text after its END line starts. */
static ucp_status pem_block(const uint8_t *begin, size_t left, size_t index, const char *source, uint8_t **der,
                            size_t *len, const uint8_t **next)
{
    const uint8_t *end = ucp_memmem(begin, left, PEM_END, sizeof PEM_END - 1);
    if (!end)
        return ucp_fail(UCP_E_CORRUPT, source, "not a valid PEM CRL: block %zu has no '" PEM_END "' line", index);
    end += sizeof PEM_END - 1;
    gnutls_datum_t in = {(unsigned char *)begin, (unsigned)(end - begin)}, out = {NULL, 0};
    int ret = gnutls_pem_base64_decode2("X509 CRL", &in, &out);
    if (ret < 0)
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source, "not a valid PEM CRL: block %zu: %s",
                               index, gnutls_strerror(ret));
    *der = malloc(out.size ? out.size : 1);
    if (!*der) {
        gnutls_free(out.data);
        return ucp_fail_nomem();
    }
    memcpy(*der, out.data, out.size);
    *len = out.size;
    gnutls_free(out.data);
    *next = end;
    return UCP_OK;
}

static const uint8_t *find_pem(const uint8_t *data, size_t len)
{
    return ucp_memmem(data, len, PEM_BEGIN, sizeof PEM_BEGIN - 1);
}

ucp_status ucp_crl_from_fetched(struct ucp_bytes *body, const char *source, struct ucp_crl **out)
{
    *out = NULL;
    uint8_t *data = body->data;
    size_t len = body->len;
    body->data = NULL;
    body->len = 0;
    if (len == 0) {
        free(data);
        return ucp_fail(UCP_E_FORMAT, source, "the answer is empty");
    }
    const uint8_t *pem = find_pem(data, len);
    if (pem) {
        uint8_t *der = NULL;
        size_t der_len = 0;
        const uint8_t *next;
        ucp_status st = pem_block(pem, len - (size_t)(pem - data), 1, source, &der, &der_len, &next);
        free(data);
        return st == UCP_OK ? ucp_crl_from_der(der, der_len, source, out) : st;
    }
    /* The receive buffer grew by doubling: give back what the DER does not use. */
    uint8_t *shrunk = realloc(data, len);
    return ucp_crl_from_der(shrunk ? shrunk : data, len, source, out);
}

static ucp_status set_push(struct ucp_crl_set *set, struct ucp_crl *c)
{
    struct ucp_crl **v = realloc(set->v, (set->n + 1) * sizeof *v);
    if (!v) {
        ucp_crl_release(c);
        return ucp_fail_nomem();
    }
    set->v = v;
    v[set->n++] = c;
    return UCP_OK;
}

ucp_status ucp_crl_set_load(struct ucp_crl_set *set, const uint8_t *data, size_t len, const char *source)
{
    if (len == 0)
        return ucp_fail(UCP_E_FORMAT, source, "the CRL file is empty");
    const uint8_t *pem = find_pem(data, len);
    if (!pem) {
        uint8_t *der = malloc(len);
        if (!der)
            return ucp_fail_nomem();
        memcpy(der, data, len);
        struct ucp_crl *c = NULL;
        ucp_status st = ucp_crl_from_der(der, len, source, &c);
        return st == UCP_OK ? set_push(set, c) : st;
    }
    /* Every block, or none: a file that is partly wrong adds nothing. */
    size_t first = set->n;
    ucp_status st = UCP_OK;
    for (size_t index = 1; pem && st == UCP_OK; index++) {
        uint8_t *der = NULL;
        size_t der_len = 0;
        const uint8_t *next = NULL;
        struct ucp_crl *c = NULL;
        st = pem_block(pem, len - (size_t)(pem - data), index, source, &der, &der_len, &next);
        if (st == UCP_OK)
            st = ucp_crl_from_der(der, der_len, source, &c);
        if (st == UCP_OK)
            st = set_push(set, c);
        if (st == UCP_OK)
            pem = find_pem(next, len - (size_t)(next - data));
    }
    if (st != UCP_OK) {
        for (size_t i = first; i < set->n; i++)
            ucp_crl_release(set->v[i]);
        set->n = first;
    }
    return st;
}

void ucp_crl_set_dispose(struct ucp_crl_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        ucp_crl_release(set->v[i]);
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

/* ---- what the index answers ------------------------------------------------------------------- */

/* RFC 5280 6.3.3 (b), 7.1: the CRL's issuer and the certificate's issuer compare as names (a
 * CA that moved from PrintableString to UTF8String still issues the same CRLs), byte for byte
 * first (ucp_dn_equal's fast path). */
bool ucp_crl_issuer_is(const struct ucp_crl *crl, const ucp_certificate *issuer)
{
    const struct ucp_bytes name = {crl->der + crl->issuer_off, crl->issuer_len};
    return ucp_dn_equal(&name, &issuer->raw_subject);
}

char *ucp_crl_issuer_text(const struct ucp_crl *crl)
{
    gnutls_datum_t raw = {crl->der + crl->issuer_off, crl->issuer_len}, dn = {NULL, 0};
    char *shown = NULL;
    if (gnutls_x509_rdn_get2(&raw, &dn, 0) >= 0 && dn.data)
        shown = ucp_display_bytes(dn.data, dn.size);
    gnutls_free(dn.data);
    return shown;
}

/* The serial number of @cert (INTEGER contents) from its DER; through GnuTLS only when the DER
 * was not indexed. */
static bool cert_serial(const ucp_certificate *cert, uint8_t *buf, size_t size, const uint8_t **p, size_t *n)
{
    struct ucp_tlv tbs, t;
    if (cert->tbs_len && ucp_der_read(cert->der.data + cert->tbs_off, cert->tbs_len, UCP_DER_BER, &tbs)) {
        const uint8_t *q = tbs.value;
        size_t left = tbs.len;
        if (ucp_der_next(&q, &left, UCP_DER_BER, &t) && ucp_der_is(&t, UCP_DER_CTX_CONS, 0) &&
            !ucp_der_next(&q, &left, UCP_DER_BER, &t))
            return false;
        if (!ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) || t.len == 0)
            return false;
        *p = t.value;
        *n = t.len;
        return true;
    }
    gnutls_x509_crt_t crt = ucp_certificate_crt(cert);
    if (!crt || gnutls_x509_crt_get_serial(crt, buf, &size) < 0 || size == 0)
        return false;
    *p = buf;
    *n = size;
    return true;
}

const struct ucp_crl_entry *ucp_crl_find(const struct ucp_crl *crl, const ucp_certificate *cert)
{
    uint8_t buf[256];
    const uint8_t *s;
    size_t n;
    bool negative;
    if (!crl->nentries || !cert_serial(cert, buf, sizeof buf, &s, &n))
        return NULL;
    canonical_serial(&s, &n, &negative);
    size_t lo = 0, hi = crl->nentries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ucp_crl_entry *e = &crl->entries[mid];
        int cmp = serial_cmp(negative, s, n, e->negative, crl->der + e->off + e->serial_at, e->serial_len);
        if (cmp == 0)
            return e;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

bool ucp_crl_entry_extensions(const struct ucp_crl *crl, const struct ucp_crl_entry *e, const uint8_t **p,
                              size_t *n)
{
    struct ucp_tlv whole, t;
    if (!ucp_der_read(crl->der + e->off, crl->der_len - e->off, UCP_DER_BER, &whole))
        return false; /* it was read when indexed */
    const uint8_t *q = whole.value;
    size_t left = whole.len;
    for (int i = 0; i < 3; i++) {
        if (!ucp_der_next(&q, &left, UCP_DER_BER, &t))
            return false;
    }
    *p = t.value - t.hdr;
    *n = t.total;
    return true;
}

/* ---- the signature ------------------------------------------------------------------------------ */

/* An AlgorithmIdentifier that is exactly p[0..n): its OID as text, and where its parameters
 * are (*rest, *rest_len: what follows the OID, empty when absent). */
static bool alg_id(const uint8_t *p, size_t n, char *text, size_t size, const uint8_t **rest, size_t *rest_len)
{
    struct ucp_tlv seq, oid;
    if (!ucp_der_read_exact(p, n, UCP_DER_BER, &seq) || !is_seq(&seq))
        return false;
    *rest = seq.value;
    *rest_len = seq.len;
    return ucp_der_next(rest, rest_len, UCP_DER_BER, &oid) &&
           ucp_der_is(&oid, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) &&
           ucp_der_oid_text(oid.value, oid.len, text, size);
}

/* RSASSA-PSS-params (RFC 4055 3.1): the hash (also MGF1's, as GnuTLS requires) and the salt
 * length; false when GnuTLS could not verify with them. */
static bool pss_params(const uint8_t *p, size_t n, gnutls_digest_algorithm_t *dig, unsigned *salt)
{
    struct ucp_tlv params, t;
    char text[64];
    *dig = GNUTLS_DIG_SHA1;
    *salt = 20;
    gnutls_digest_algorithm_t mgf = GNUTLS_DIG_SHA1;
    if (!ucp_der_read_exact(p, n, UCP_DER_BER, &params) || !is_seq(&params))
        return false;
    const uint8_t *q = params.value;
    size_t left = params.len;
    while (left > 0) {
        if (!ucp_der_next(&q, &left, UCP_DER_BER, &t) || (t.cls != UCP_DER_CTX_CONS))
            return false;
        if (t.tag == 0 || t.tag == 1) {
            /* [0] hashAlgorithm AlgorithmIdentifier; [1] maskGenAlgorithm: mgf1 with one */
            const uint8_t *r, *unused;
            size_t rl, unused_len;
            if (!alg_id(t.value, t.len, text, sizeof text, &r, &rl))
                return false;
            if (t.tag == 1) {
                if (strcmp(text, OID_MGF1) != 0 || !alg_id(r, rl, text, sizeof text, &unused, &unused_len))
                    return false;
                mgf = gnutls_oid_to_digest(text);
            } else {
                *dig = gnutls_oid_to_digest(text);
            }
        } else if (t.tag == 2) {
            struct ucp_tlv v;
            if (!ucp_der_read_exact(t.value, t.len, UCP_DER_BER, &v) ||
                !ucp_der_is(&v, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) || v.len == 0 || v.len > 2 ||
                (v.value[0] & 0x80))
                return false;
            *salt = v.len == 1 ? v.value[0] : (unsigned)(v.value[0] << 8 | v.value[1]);
        } else if (t.tag == 3) {
            struct ucp_tlv v;
            if (!ucp_der_read_exact(t.value, t.len, UCP_DER_BER, &v) ||
                !ucp_der_is(&v, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) || v.len != 1 || v.value[0] != 1)
                return false; /* trailerFieldBC is the only one */
        } else {
            return false;
        }
    }
    return *dig != GNUTLS_DIG_UNKNOWN && mgf == *dig;
}

/* Verify the signature with @issuer's key; the outcome of gnutls_pubkey_verify_data2. */
static bool verify_with(const struct ucp_crl *crl, const ucp_certificate *issuer)
{
    char text[64];
    if (crl->sig_unused_bits)
        return false;
    /* RFC 5280 5.1.1.2: the signature algorithm outside the signed part must be the one inside
     * it; a CRL whose two differ is not accepted as signed (the signed part would claim another
     * algorithm than the one verified). */
    if (crl->alg_len != crl->tbs_alg_len ||
        memcmp(crl->der + crl->alg_off, crl->der + crl->tbs_alg_off, crl->alg_len) != 0)
        return false;
    const uint8_t *q;
    size_t left;
    if (!alg_id(crl->der + crl->alg_off, crl->alg_len, text, sizeof text, &q, &left))
        return false;
    const gnutls_datum_t tbs = {crl->der + crl->tbs_off, crl->tbs_len};
    const gnutls_datum_t sig = {crl->der + crl->sig_off, crl->sig_len};
    gnutls_sign_algorithm_t sa;
    if (strcmp(text, OID_RSA_PSS) == 0) {
        /* The hash comes from the parameters (and MGF1 must use the same one, as GnuTLS
         * requires). The salt length is read but, as in GnuTLS's own CRL verification, not
         * imposed: a PSS signature carries its salt. */
        gnutls_digest_algorithm_t dig;
        unsigned salt;
        if (left == 0 || !pss_params(q, left, &dig, &salt))
            return false;
        sa = gnutls_pk_to_sign(GNUTLS_PK_RSA_PSS, dig);
    } else {
        sa = gnutls_oid_to_sign(text);
    }
    gnutls_pubkey_t pk = ucp_certificate_pubkey(issuer);
    if (sa == GNUTLS_SIGN_UNKNOWN || !pk)
        return false;
    return gnutls_pubkey_verify_data2(pk, sa, GNUTLS_VERIFY_ALLOW_BROKEN, &tbs, &sig) >= 0;
}

bool ucp_crl_signed_by(const struct ucp_crl *crl, const ucp_certificate *issuer)
{
    if (!ucp_crl_issuer_is(crl, issuer))
        return false;
    struct ucp_crl *c = (struct ucp_crl *)crl;
    const uint8_t *key = ucp_certificate_key_id(issuer);
    if (atomic_load_explicit(&c->memo, memory_order_acquire) == 2 &&
        memcmp(c->verified_key, key, sizeof c->verified_key) == 0)
        return true;
    if (!verify_with(crl, issuer))
        return false;
    static const uint8_t none[32];
    int expected = 0;
    if (memcmp(key, none, sizeof none) != 0 &&
        atomic_compare_exchange_strong_explicit(&c->memo, &expected, 1, memory_order_acq_rel, memory_order_acquire)) {
        memcpy(c->verified_key, key, sizeof c->verified_key);
        atomic_store_explicit(&c->memo, 2, memory_order_release);
    }
    return true;
}
