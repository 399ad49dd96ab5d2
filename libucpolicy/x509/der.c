/* SPDX-License-Identifier: MIT */
/*
 * The DER reader: the one place in the library that reads ASN.1 identifier and length octets.
 * The certificate's index and extension readers, distinguished names, the detection of what a
 * file holds, PKCS#7 and PKCS#12 all walk their bytes with it.
 *
 * Three modes (enum ucp_der_mode, x509-private.h):
 * - UCP_DER_STRICT reads DER (X.690 section 10): tag numbers below 31 in the identifier octet,
 *   higher ones in base 128 without a leading zero group; definite lengths in the fewest octets.
 * - UCP_DER_BER also reads the other encodings of a definite length and of a tag number that BER
 *   writers produce and libtasn1's primitives (asn1_get_tag_der, asn1_get_length_der, and so
 *   GnuTLS) accept: a long form with leading zero octets or for a length below 128, a high tag
 *   number form for a small number. For bytes GnuTLS has already accepted (a certificate's DNs,
 *   its outer SEQUENCE) and for the container detection, which must not refuse what GnuTLS reads.
 * - UCP_DER_BER_INDEFINITE also reads indefinite lengths of constructed values (PKCS#12 and
 *   PKCS#7 as some Windows and Java tools write them). Their end is found by walking the
 *   contents for the end-of-contents octets, iteratively, at most UCP_DER_MAX_DEPTH
 *   indefinite-length values deep.
 *
 * Bounds: a TLV is read only when it lies wholly within the bytes given; lengths are computed
 * without overflow (a length that does not fit a size_t is refused); tag numbers are at most
 * 32 bits, as libtasn1 reads them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

/* The identifier octets at @p (@left bytes, of which at least one must follow them: a TLV has a
 * length). */
static bool read_identifier(const uint8_t *p, size_t left, enum ucp_der_mode mode, unsigned char *cls,
                            unsigned long *tag, size_t *n)
{
    if (left < 2)
        return false;
    *cls = p[0] & 0xe0;
    if ((p[0] & 0x1f) != 0x1f) {
        *tag = p[0] & 0x1f;
        *n = 1;
        return true;
    }
    /* High tag number form: base 128, most significant group first, bit 8 set on all but the
     * last octet. DER (and BER, X.690 8.1.2.4.2) wants no leading zero group and numbers from
     * 31 up; libtasn1 reads both anyway. */
    if (mode == UCP_DER_STRICT && p[1] == 0x80)
        return false;
    uint32_t v = 0;
    size_t i = 1;
    for (;; i++) {
        if (i >= left - 1) /* the last identifier octet must be followed by a length */
            return false;
        if (v > (UINT32_MAX >> 7))
            return false;
        v = v << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80))
            break;
    }
    if (mode == UCP_DER_STRICT && v < 31)
        return false;
    *tag = v;
    *n = i + 1;
    return true;
}

/* The length octets at @p (@left bytes): the length, or *@indefinite for the indefinite form
 * (allowed by UCP_DER_BER_INDEFINITE on constructed values only). */
static bool read_length(const uint8_t *p, size_t left, enum ucp_der_mode mode, bool constructed, size_t *len,
                        size_t *n, bool *indefinite)
{
    *indefinite = false;
    if (left < 1)
        return false;
    if (p[0] < 0x80) {
        *len = p[0];
        *n = 1;
        return true;
    }
    size_t k = p[0] & 0x7f;
    if (k == 0) {
        if (mode != UCP_DER_BER_INDEFINITE || !constructed)
            return false;
        *indefinite = true;
        *len = 0;
        *n = 1;
        return true;
    }
    if (k > left - 1)
        return false; /* truncated length octets */
    if (mode == UCP_DER_STRICT && p[1] == 0)
        return false; /* DER: no leading zero octet */
    size_t v = 0;
    for (size_t i = 1; i <= k; i++) {
        if (v > (SIZE_MAX >> 8))
            return false;
        v = v << 8 | p[i];
    }
    if (mode == UCP_DER_STRICT && v < 0x80)
        return false; /* DER: the short form where it fits */
    *len = v;
    *n = 1 + k;
    return true;
}

/* The identifier and length octets of the TLV at @p. */
static bool read_header(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t)
{
    size_t idlen, lenlen;
    if (!read_identifier(p, left, mode, &t->cls, &t->tag, &idlen) ||
        !read_length(p + idlen, left - idlen, mode, (t->cls & ASN1_CLASS_STRUCTURED) != 0, &t->len, &lenlen,
                     &t->indefinite))
        return false;
    t->hdr = idlen + lenlen;
    t->value = p + t->hdr;
    return true;
}

/* The contents of an indefinite-length value starting at @p (@left bytes): their length up to
 * the end-of-contents octets that close the value. Nested indefinite-length values are counted
 * (at most UCP_DER_MAX_DEPTH open at once, the outer one included); definite ones are skipped
 * whole. */
static bool indefinite_contents(const uint8_t *p, size_t left, size_t *len)
{
    size_t off = 0;
    unsigned depth = 1;
    while (left - off >= 2) {
        if (p[off] == 0 && p[off + 1] == 0) {
            off += 2;
            if (--depth == 0) {
                *len = off - 2;
                return true;
            }
            continue;
        }
        struct ucp_tlv t;
        if (!read_header(p + off, left - off, UCP_DER_BER_INDEFINITE, &t))
            return false;
        if (t.indefinite) {
            if (depth >= UCP_DER_MAX_DEPTH)
                return false;
            depth++;
            off += t.hdr;
        } else {
            if (t.len > left - off - t.hdr)
                return false;
            off += t.hdr + t.len;
        }
    }
    return false; /* no end-of-contents octets: truncated */
}

bool ucp_der_identifier(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t)
{
    size_t n;
    if (!p || !read_identifier(p, left, mode, &t->cls, &t->tag, &n))
        return false;
    t->hdr = n;
    t->value = NULL;
    t->len = t->total = 0;
    t->indefinite = false;
    return true;
}

bool ucp_der_header(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t)
{
    if (!p || !read_header(p, left, mode, t) || t->len > SIZE_MAX - t->hdr)
        return false;
    t->total = t->indefinite ? 0 : t->hdr + t->len;
    return true;
}

bool ucp_der_read(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t)
{
    if (!p || !read_header(p, left, mode, t))
        return false;
    if (t->indefinite) {
        if (!indefinite_contents(t->value, left - t->hdr, &t->len))
            return false;
        t->total = t->hdr + t->len + 2;
        return true;
    }
    if (t->len > left - t->hdr)
        return false;
    t->total = t->hdr + t->len;
    return true;
}

bool ucp_der_read_exact(const uint8_t *p, size_t len, enum ucp_der_mode mode, struct ucp_tlv *t)
{
    return ucp_der_read(p, len, mode, t) && t->total == len;
}

bool ucp_der_next(const uint8_t **p, size_t *left, enum ucp_der_mode mode, struct ucp_tlv *t)
{
    if (!ucp_der_read(*p, *left, mode, t))
        return false;
    *p += t->total;
    *left -= t->total;
    return true;
}

bool ucp_der_is(const struct ucp_tlv *t, unsigned char cls, unsigned long tag)
{
    return t->cls == cls && t->tag == tag;
}

bool ucp_ber_elements(const uint8_t *p, size_t len, struct ucp_ber_span *spans, size_t max,
                      size_t *count, const char **why)
{
    struct ucp_tlv outer, e;
    *count = 0;
    if (!ucp_der_read_exact(p, len, UCP_DER_BER_INDEFINITE, &outer)) {
        *why = "a malformed or truncated length";
        return false;
    }
    if (!(outer.cls & ASN1_CLASS_STRUCTURED)) {
        *why = "a primitive value where a SEQUENCE or SET is expected";
        return false;
    }
    const uint8_t *q = outer.value;
    size_t left = outer.len;
    while (left > 0) {
        const uint8_t *start = q;
        if (!ucp_der_next(&q, &left, UCP_DER_BER_INDEFINITE, &e)) {
            *why = "an element with a malformed or truncated length";
            return false;
        }
        if (*count >= max) {
            *why = "too many elements";
            return false;
        }
        if (spans) {
            spans[*count].p = start;
            spans[*count].len = e.total;
        }
        ++*count;
    }
    return true;
}

bool ucp_der_oid_valid(const uint8_t *v, size_t n)
{
    if (n == 0 || (v[n - 1] & 0x80))
        return false;
    for (size_t i = 0; i < n; i++)
        if (v[i] == 0x80 && (i == 0 || !(v[i - 1] & 0x80)))
            return false; /* a sub-identifier with a leading 0x80 octet */
    return true;
}

bool ucp_der_oid_encode(const char *dotted, uint8_t *out, size_t cap, size_t *len)
{
    /* Arcs of decimal digits only (strtoul also took signs and blanks), each below 2^63; the
     * extension lookups encode an OID this way on each call. */
    uint64_t arcs[64];
    size_t n = 0;
    const char *p = dotted;
    while (*p && n < 64) {
        uint64_t v = 0;
        const char *start = p;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (v > (UINT64_MAX >> 1) / 10)
                return false;
            v = v * 10 + (uint64_t)(*p - '0');
        }
        if (p == start || (*p && *p != '.') || (*p == '.' && !p[1]))
            return false;
        arcs[n++] = v;
        if (*p)
            p++;
    }
    if (*p || n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
        return false;
    size_t o = 0;
    for (size_t i = 1; i < n; i++) {
        uint64_t v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
        uint8_t tmp[10];
        size_t k = 0;
        do {
            tmp[k++] = (uint8_t)(v & 0x7f);
            v >>= 7;
        } while (v && k < sizeof tmp);
        if (v || o + k > cap)
            return false;
        for (size_t j = k; j > 0; j--)
            out[o++] = (uint8_t)(tmp[j - 1] | (j > 1 ? 0x80 : 0));
    }
    *len = o;
    return true;
}

/* Append "." (unless @first) and the decimal @v to @buf at *@o; false when it does not fit
 * @size with its NUL. Without snprintf: certificate parsing writes a few OIDs each time. */
static bool put_arc(char *buf, size_t size, size_t *o, uint64_t v, bool first)
{
    char tmp[21];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t need = n + (first ? 0 : 1);
    if (*o + need >= size)
        return false;
    if (!first)
        buf[(*o)++] = '.';
    while (n)
        buf[(*o)++] = tmp[--n];
    buf[*o] = '\0';
    return true;
}

bool ucp_der_oid_text(const uint8_t *v, size_t n, char *buf, size_t size)
{
    if (!ucp_der_oid_valid(v, n) || size == 0)
        return false;
    size_t o = 0;
    uint64_t arc = 0;
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (arc > (UINT64_MAX >> 7))
            return false;
        arc = arc << 7 | (v[i] & 0x7f);
        if (v[i] & 0x80)
            continue;
        if (first) {
            uint64_t a = arc < 40 ? 0 : arc < 80 ? 1 : 2;
            if (!put_arc(buf, size, &o, a, true) || !put_arc(buf, size, &o, arc - a * 40, false))
                return false;
            first = false;
        } else if (!put_arc(buf, size, &o, arc, false)) {
            return false;
        }
        arc = 0;
    }
    return true;
}

/* Days from 1970-01-01 to the date @y-@m-@d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* @n decimal digits at @p, or -1. */
static int digits(const uint8_t *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

bool ucp_der_time(const struct ucp_tlv *t, int64_t *out)
{
    const uint8_t *p = t->value;
    int year;
    if (t->cls != ASN1_CLASS_UNIVERSAL)
        return false;
    if (t->tag == ASN1_TAG_UTCTime && t->len == 13) {
        year = digits(p, 2);
        if (year < 0)
            return false;
        year += year >= 50 ? 1900 : 2000; /* RFC 5280 4.1.2.5.1 */
        p += 2;
    } else if (t->tag == ASN1_TAG_GENERALIZEDTime && t->len == 15) {
        year = digits(p, 4);
        if (year < 0)
            return false;
        p += 4;
    } else {
        return false;
    }
    static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int mon = digits(p, 2), day = digits(p + 2, 2), hour = digits(p + 4, 2), min = digits(p + 6, 2),
        sec = digits(p + 8, 2);
    if (p[10] != 'Z' || mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || hour < 0 || hour > 23 ||
        min < 0 || min > 59 || sec < 0 || sec > 59)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (mon == 2 && day == 29 && !leap)
        return false;
    *out = days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 + hour * 3600 + min * 60 + sec;
    return true;
}
