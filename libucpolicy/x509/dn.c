/* SPDX-License-Identifier: MIT */
/*
 * Distinguished names: a certificate's subject and issuer as text (GnuTLS's RFC 4514 form) and
 * as DER, the subject's common names read from its DER, and the comparison of a subject with a
 * directoryName subtree of name constraints (RFC 5280 7.1).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

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
    return ucp_bytes_set(out, t.value, t.len);
}

static bool dup_datum(struct ucp_bytes *b, int (*get)(gnutls_x509_crt_t, gnutls_datum_t *),
                      gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = {NULL, 0};
    if (get(crt, &d) < 0)
        return ucp_bytes_set(b, "", 0);
    bool ok = ucp_bytes_set(b, d.data, d.size);
    gnutls_free(d.data);
    return ok;
}

/* The RFC 4514 text of a name: GnuTLS's rendering (the same function renders a certificate's
 * names and a raw DER name), from the certificate's tree, or from @raw alone when @crt is NULL
 * (a certificate the strict walk read: no tree to decode). */
static char *dn_text(gnutls_x509_crt_t crt, bool issuer, const struct ucp_bytes *raw)
{
    gnutls_datum_t d = {NULL, 0};
    gnutls_datum_t in = {raw->data, (unsigned)raw->len};
    int ret = !crt     ? gnutls_x509_rdn_get2(&in, &d, 0)
              : issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
                       : gnutls_x509_crt_get_dn3(crt, &d, 0);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return ucp_strdup("");
    if (ret < 0)
        return ucp_strdup("(unprintable distinguished name)");
    char *s = ucp_display_bytes(d.data, d.size);
    gnutls_free(d.data);
    return s;
}

/* The text of a name is a function of its DER alone, and the certificates of a batch mostly
 * share their issuer: each thread keeps the last few names it rendered (GnuTLS's rendering costs
 * more than a leaf's other names together). Fixed buffers: nothing to free at thread exit. */
#define DN_CACHE_SLOTS 4
#define DN_CACHE_DER 512
#define DN_CACHE_TEXT 1024
static _Thread_local struct {
    size_t der_len, text_len;
    uint8_t der[DN_CACHE_DER];
    char text[DN_CACHE_TEXT];
} dn_cache[DN_CACHE_SLOTS];
static _Thread_local unsigned dn_cache_next;

static char *dn_text_cached(gnutls_x509_crt_t crt, bool issuer, const struct ucp_bytes *raw)
{
    if (raw->len == 0 || raw->len > DN_CACHE_DER)
        return dn_text(crt, issuer, raw);
    for (unsigned i = 0; i < DN_CACHE_SLOTS; i++)
        if (dn_cache[i].der_len == raw->len && memcmp(dn_cache[i].der, raw->data, raw->len) == 0)
            return ucp_strndup(dn_cache[i].text, dn_cache[i].text_len);
    char *s = dn_text(crt, issuer, raw);
    size_t n = s ? strlen(s) : 0;
    if (s && n < DN_CACHE_TEXT) {
        unsigned slot = dn_cache_next++ % DN_CACHE_SLOTS;
        dn_cache[slot].der_len = raw->len;
        memcpy(dn_cache[slot].der, raw->data, raw->len);
        memcpy(dn_cache[slot].text, s, n + 1);
        dn_cache[slot].text_len = n;
    }
    return s;
}

bool ucp_certificate_read_dns(ucp_certificate *c)
{
    gnutls_x509_crt_t crt = NULL;
    if (c->walked) {
        /* The walk found both names (non-empty, of the shapes it knows) in der. */
        if (!ucp_bytes_set(&c->raw_subject, c->der.data + c->subject_off, c->subject_len) ||
            !ucp_bytes_set(&c->raw_issuer, c->der.data + c->issuer_off, c->issuer_len))
            return false;
    } else {
        crt = ucp_certificate_crt(c);
        if (!crt || !dup_datum(&c->raw_subject, gnutls_x509_crt_get_raw_dn, crt) ||
            !dup_datum(&c->raw_issuer, gnutls_x509_crt_get_raw_issuer_dn, crt))
            return false;
    }
    c->subject = dn_text_cached(crt, false, &c->raw_subject);
    c->issuer = dn_text_cached(crt, true, &c->raw_issuer);
    return c->subject && c->issuer;
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
        ucp_bytes_free(&value);
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
ucp_status ucp_certificate_read_cns(ucp_certificate *c, const char *source)
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

/* The RDN elements of a raw DER Name (SEQUENCE OF RelativeDistinguishedName), or -1. */
static int rdn_spans(const struct ucp_bytes *dn, const uint8_t **start, size_t *len, int max)
{
    struct ucp_tlv name, rdn;
    if (!ucp_der_read(dn->data, dn->len, UCP_DER_BER, &name))
        return -1;
    const uint8_t *p = name.value;
    size_t left = name.len;
    int n = 0;
    while (left > 0 && n < max) {
        start[n] = p;
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &rdn))
            return -1;
        len[n] = rdn.total;
        n++;
    }
    return left == 0 ? n : -1;
}

/* A directory string reduced for comparison (RFC 5280 7.1, simplified RFC 4518): string types
 * are ignored, leading/trailing spaces dropped, inner runs of spaces collapsed, ASCII folded to
 * lower case. BMPString (UCS-2) keeps its ASCII characters as such. */
static size_t fold_string(unsigned long tag, const uint8_t *v, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    bool space = false;
    /* BMPString (UCS-2) and UniversalString (UCS-4) become UTF-8, so that they compare equal to
     * the same text as a UTF8String. */
    size_t step = tag == 30 ? 2 : tag == 28 ? 4 : 1;
    for (size_t i = 0; i + step <= n && o + 1 < cap; i += step) {
        uint32_t c = 0;
        for (size_t k = 0; k < step; k++)
            c = (c << 8) | v[i + k];
        if (c == ' ') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < cap)
            out[o++] = ' ';
        space = false;
        if (c < 0x80 || step == 1) {
            out[o++] = c < 0x80 ? ucp_tolower((char)c) : (char)c;
        } else {
            if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
                c = 0xfffd;
            if (o + 5 >= cap)
                break;
            o += ucp_utf8_put((uint8_t *)out + o, c);
        }
    }
    out[o] = '\0';
    return o;
}

static bool is_string(const struct ucp_tlv *t)
{
    return t->cls == ASN1_CLASS_UNIVERSAL &&
           (t->tag == 12 || t->tag == 19 || t->tag == 22 || t->tag == 20 || t->tag == 30 || t->tag == 28);
}

/* Are two RelativeDistinguishedName TLVs (SET OF AttributeTypeAndValue) the same name? */
static bool rdn_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return true;
    struct ucp_tlv sa, sb;
    if (!ucp_der_read(a, alen, UCP_DER_BER, &sa) || !ucp_der_read(b, blen, UCP_DER_BER, &sb))
        return false;
    /* Walk both SETs attribute by attribute (DER sorts SET members, so the order is stable). */
    const uint8_t *pa = sa.value, *pb = sb.value;
    size_t la = sa.len, lb = sb.len;
    while (la > 0 || lb > 0) {
        struct ucp_tlv atva, atvb, oa, ob, xa, xb;
        if (!ucp_der_next(&pa, &la, UCP_DER_BER, &atva) || !ucp_der_next(&pb, &lb, UCP_DER_BER, &atvb))
            return false;
        if (!ucp_der_read(atva.value, atva.len, UCP_DER_BER, &oa) ||
            !ucp_der_read(atvb.value, atvb.len, UCP_DER_BER, &ob))
            return false;
        if (oa.len != ob.len || memcmp(oa.value, ob.value, oa.len) != 0)
            return false; /* different attribute types */
        if (!ucp_der_read(atva.value + oa.total, atva.len - oa.total, UCP_DER_BER, &xa) ||
            !ucp_der_read(atvb.value + ob.total, atvb.len - ob.total, UCP_DER_BER, &xb))
            return false;
        if (is_string(&xa) && is_string(&xb)) {
            char fa[256], fb[256];
            fold_string(xa.tag, xa.value, xa.len, fa, sizeof fa);
            fold_string(xb.tag, xb.value, xb.len, fb, sizeof fb);
            if (strcmp(fa, fb) != 0)
                return false;
        } else if (xa.total != xb.total || memcmp(atva.value + oa.total, atvb.value + ob.total, xa.total) != 0) {
            return false;
        }
    }
    return true;
}

bool ucp_dn_equal(const struct ucp_bytes *a, const struct ucp_bytes *b)
{
    if (a->len == b->len && memcmp(a->data, b->data, a->len) == 0)
        return true; /* the common case: the issuer's subject copied byte for byte */
    const uint8_t *sa[64], *sb[64];
    size_t la[64], lb[64];
    int na = rdn_spans(a, sa, la, 64), nb = rdn_spans(b, sb, lb, 64);
    if (na < 0 || na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (!rdn_equal(sa[i], la[i], sb[i], lb[i]))
            return false;
    return true;
}

static uint32_t fnv1a_more(uint32_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

uint32_t ucp_dn_fold_hash(const struct ucp_bytes *dn)
{
    uint32_t h = 2166136261u;
    struct ucp_tlv name, rdn, atv, oid, val;
    if (!ucp_der_read(dn->data, dn->len, UCP_DER_BER, &name))
        return fnv1a_more(h, dn->data, dn->len);
    const uint8_t *p = name.value;
    size_t left = name.len;
    while (left > 0) {
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &rdn))
            return fnv1a_more(h, dn->data, dn->len);
        const uint8_t *q = rdn.value;
        size_t qleft = rdn.len;
        h = fnv1a_more(h, "/", 1);
        while (qleft > 0) {
            if (!ucp_der_next(&q, &qleft, UCP_DER_BER, &atv) || !ucp_der_read(atv.value, atv.len, UCP_DER_BER, &oid) ||
                !ucp_der_read(atv.value + oid.total, atv.len - oid.total, UCP_DER_BER, &val))
                return fnv1a_more(h, dn->data, dn->len);
            h = fnv1a_more(h, oid.value, oid.len);
            h = fnv1a_more(h, "=", 1);
            if (is_string(&val)) {
                char folded[256];
                size_t n = fold_string(val.tag, val.value, val.len, folded, sizeof folded);
                h = fnv1a_more(h, folded, n);
            } else {
                h = fnv1a_more(h, atv.value + oid.total, val.total);
            }
            h = fnv1a_more(h, "+", 1);
        }
    }
    return h;
}

/* Is the DN @subject within the subtree @base (its RDNs a prefix of the subject's)? GnuTLS gives
 * directoryName constraints as RFC 4514 text: it is encoded back to DER through GnuTLS's DN API
 * (string types may differ from the subject's; rdn_equal() compares them as RFC 5280 7.1 says). */
bool ucp_dn_within(const struct ucp_bytes *subject, const gnutls_datum_t *base)
{
    gnutls_datum_t der = {NULL, 0};
    gnutls_x509_dn_t dn = NULL;
    const char *err = NULL;
    char text[1024];
    if (base->size == 0 || base->size >= sizeof text)
        return false;
    if (base->data[0] == 0x30) {
        der.data = gnutls_malloc(base->size);
        if (!der.data)
            return false;
        memcpy(der.data, base->data, base->size);
        der.size = base->size;
    } else {
        memcpy(text, base->data, base->size);
        text[base->size] = '\0';
        if (gnutls_x509_dn_init(&dn) < 0)
            return false;
        int ret = gnutls_x509_dn_set_str(dn, text, &err);
        if (ret >= 0)
            ret = gnutls_x509_dn_export2(dn, GNUTLS_X509_FMT_DER, &der);
        gnutls_x509_dn_deinit(dn);
        if (ret < 0)
            return false;
    }
    const uint8_t *s[64], *b[64];
    size_t sl[64], bl[64];
    struct ucp_bytes bb = {der.data, der.size};
    int ns = rdn_spans(subject, s, sl, 64), nb = rdn_spans(&bb, b, bl, 64);
    bool within = ns >= 0 && nb >= 0 && nb <= ns;
    for (int i = 0; within && i < nb; i++)
        within = rdn_equal(s[i], sl[i], b[i], bl[i]);
    gnutls_free(der.data);
    return within;
}
