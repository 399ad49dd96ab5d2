/* SPDX-License-Identifier: MIT */
/*
 * The DER reader (x509/der.c, through the internal twin of the library): identifiers and lengths
 * in each mode, truncation anywhere, long-form lengths, indefinite lengths and their nesting
 * limit, trailing bytes, walking a sequence, the elements of a constructed value, OBJECT
 * IDENTIFIER contents; the comparison of DNs with name-constraint subtrees; then what the
 * readers make of certificates whose DER GnuTLS accepts in a BER form, of subjectAltName values
 * at the edge, of extended key usages, and of files (input detection).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap-gnutls.h"
#include "input/input-private.h"

static const char *const mode_names[] = {"strict", "BER", "BER indefinite"};

/* Hex text ("30 03 02 01 05", spaces ignored) to bytes; returns the length. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        if (n == cap || sscanf(p, "%2x", &v) != 1 || !p[1]) {
            fprintf(stderr, "bad hex in the test: %s\n", hex);
            exit(TAP_SETUP_FAILURE);
        }
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

/* Read @hex in @mode: expect a TLV of @cls/@tag with @hdr header and @len contents octets
 * (@total in all), or no TLV when @hdr is 0. */
static void expect_read(const char *what, const char *hex, enum ucp_der_mode mode, unsigned char cls,
                        unsigned long tag, size_t hdr, size_t len, size_t total)
{
    uint8_t buf[512];
    size_t n = unhex(hex, buf, sizeof buf);
    struct ucp_tlv t;
    memset(&t, 0xa5, sizeof t);
    bool ok = ucp_der_read(buf, n, mode, &t);
    if (!hdr) {
        CHECK(!ok, "%s (%s): refused", what, mode_names[mode]);
        return;
    }
    if (!CHECK(ok && t.cls == cls && t.tag == tag && t.hdr == hdr && t.len == len && t.total == total &&
                   t.value == buf + hdr,
               "%s (%s): class 0x%02x, tag %lu, %zu header octets, %zu contents octets, %zu in all", what,
               mode_names[mode], cls, tag, hdr, len, total))
        printf("#   read %s: class 0x%02x, tag %lu, hdr %zu, len %zu, total %zu\n", ok ? "yes" : "no", t.cls,
               t.tag, t.hdr, t.len, t.total);
}

/* The same answer in every mode. */
static void expect_all(const char *what, const char *hex, unsigned char cls, unsigned long tag, size_t hdr,
                       size_t len, size_t total)
{
    for (int m = UCP_DER_STRICT; m <= UCP_DER_BER_INDEFINITE; m++)
        expect_read(what, hex, (enum ucp_der_mode)m, cls, tag, hdr, len, total);
}

/* Refused strictly, read as BER (and BER indefinite). */
static void expect_ber_only(const char *what, const char *hex, unsigned char cls, unsigned long tag, size_t hdr,
                            size_t len, size_t total)
{
    expect_read(what, hex, UCP_DER_STRICT, 0, 0, 0, 0, 0);
    expect_read(what, hex, UCP_DER_BER, cls, tag, hdr, len, total);
    expect_read(what, hex, UCP_DER_BER_INDEFINITE, cls, tag, hdr, len, total);
}

static void short_and_long_forms(void)
{
    expect_all("an INTEGER", "02 01 05", ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER, 2, 1, 3);
    expect_all("an empty SEQUENCE", "30 00", UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, 2, 0, 2);
    expect_all("a context-specific constructed [3]", "a3 03 02 01 00", UCP_DER_CTX_CONS, 3, 2, 3, 5);
    expect_all("an end-of-contents pair read as a TLV", "00 00", ASN1_CLASS_UNIVERSAL, 0, 2, 0, 2);

    /* Long-form lengths: the fewest octets is DER, anything else BER. */
    char hex[2048];
    int n = sprintf(hex, "04 81 80");
    for (int i = 0; i < 128; i++)
        n += sprintf(hex + n, " %02x", i);
    expect_all("a 128-byte OCTET STRING, length 81 80", hex, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING, 3, 128,
               131);
    expect_ber_only("a 5-byte OCTET STRING with length 81 05", "04 81 05 01 02 03 04 05", ASN1_CLASS_UNIVERSAL,
                    ASN1_TAG_OCTET_STRING, 3, 5, 8);
    expect_ber_only("length 82 00 05 (a leading zero octet)", "04 82 00 05 01 02 03 04 05", ASN1_CLASS_UNIVERSAL,
                    ASN1_TAG_OCTET_STRING, 4, 5, 9);
    expect_ber_only("length 84 00 00 00 00 (empty, four octets)", "30 84 00 00 00 00", UCP_DER_UNIV_CONS,
                    ASN1_TAG_SEQUENCE, 6, 0, 6);

    /* Identifiers: the high tag number form only for numbers from 31, without a zero group. */
    expect_all("[31] in the high tag number form", "9f 1f 01 00", ASN1_CLASS_CONTEXT_SPECIFIC, 31, 3, 1, 4);
    expect_all("[200] in two tag octets", "bf 81 48 00", UCP_DER_CTX_CONS, 200, 4, 0, 4);
    expect_ber_only("[5] in the high tag number form", "9f 05 01 00", ASN1_CLASS_CONTEXT_SPECIFIC, 5, 3, 1, 4);
    expect_ber_only("[31] with a leading zero group", "9f 80 1f 01 00", ASN1_CLASS_CONTEXT_SPECIFIC, 31, 4, 1, 5);
    expect_all("a tag number over 32 bits", "9f 90 80 80 80 00 00", 0, 0, 0, 0, 0);
    expect_all("the largest 32-bit tag number", "9f 8f ff ff ff 7f 00", ASN1_CLASS_CONTEXT_SPECIFIC, 0xffffffffu,
               7, 0, 7);
}

static void truncation(void)
{
    expect_all("nothing", "", 0, 0, 0, 0, 0);
    expect_all("an identifier alone", "30", 0, 0, 0, 0, 0);
    expect_all("a high tag number cut before its last octet", "9f 81", 0, 0, 0, 0, 0);
    expect_all("a high tag number with no length after it", "9f 1f", 0, 0, 0, 0, 0);
    expect_all("contents one octet short", "04 05 01 02 03 04", 0, 0, 0, 0, 0);
    expect_all("long-form length octets cut short", "04 82 01", 0, 0, 0, 0, 0);
    /* libtasn1's asn1_get_length_der reads "82 00" at the end of its input as length 0. */
    expect_all("long-form length octets cut short, zeros", "30 82 00", 0, 0, 0, 0, 0);
    expect_all("a length past the bytes given", "04 84 7f ff ff ff 00", 0, 0, 0, 0, 0);
    expect_all("a length that does not fit a size_t", "04 89 01 00 00 00 00 00 00 00 00 00", 0, 0, 0, 0, 0);
    expect_all("a long form announcing 127 length octets, one given", "04 ff 00", 0, 0, 0, 0, 0);
    CHECK(!ucp_der_read(NULL, 0, UCP_DER_BER_INDEFINITE, &(struct ucp_tlv){0}), "NULL bytes: refused");
}

static void indefinite(void)
{
    expect_read("an indefinite SEQUENCE", "30 80 02 01 05 00 00", UCP_DER_STRICT, 0, 0, 0, 0, 0);
    expect_read("an indefinite SEQUENCE", "30 80 02 01 05 00 00", UCP_DER_BER, 0, 0, 0, 0, 0);
    expect_read("an indefinite SEQUENCE", "30 80 02 01 05 00 00", UCP_DER_BER_INDEFINITE, UCP_DER_UNIV_CONS,
                ASN1_TAG_SEQUENCE, 2, 3, 7);
    expect_read("an indefinite SEQUENCE holding an indefinite one and an INTEGER",
                "30 80 30 80 02 01 05 00 00 02 01 06 00 00", UCP_DER_BER_INDEFINITE, UCP_DER_UNIV_CONS,
                ASN1_TAG_SEQUENCE, 2, 10, 14);
    expect_read("an indefinite [0] holding a definite SEQUENCE with long-form lengths",
                "a0 80 30 81 03 02 01 05 00 00", UCP_DER_BER_INDEFINITE, UCP_DER_CTX_CONS, 0, 2, 6, 10);
    expect_read("an empty indefinite SEQUENCE", "30 80 00 00", UCP_DER_BER_INDEFINITE, UCP_DER_UNIV_CONS,
                ASN1_TAG_SEQUENCE, 2, 0, 4);
    expect_read("an indefinite SEQUENCE followed by more", "30 80 02 01 05 00 00 02 01 07", UCP_DER_BER_INDEFINITE,
                UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE, 2, 3, 7);
    expect_read("an indefinite primitive OCTET STRING", "04 80 01 02 00 00", UCP_DER_BER_INDEFINITE, 0, 0, 0, 0, 0);
    expect_read("an indefinite SEQUENCE without end-of-contents", "30 80 02 01 05", UCP_DER_BER_INDEFINITE, 0, 0, 0,
                0, 0);
    expect_read("an indefinite SEQUENCE whose inner one is closed, not itself", "30 80 30 80 02 01 05 00 00",
                UCP_DER_BER_INDEFINITE, 0, 0, 0, 0, 0);
    expect_read("an indefinite SEQUENCE holding a truncated element", "30 80 04 05 01 00 00",
                UCP_DER_BER_INDEFINITE, 0, 0, 0, 0, 0);
    expect_read("an indefinite SEQUENCE with a single end-of-contents octet", "30 80 02 01 05 00",
                UCP_DER_BER_INDEFINITE, 0, 0, 0, 0, 0);

    /* Nesting: UCP_DER_MAX_DEPTH indefinite values open at once are read, one more is not. */
    for (int depth = UCP_DER_MAX_DEPTH; depth <= UCP_DER_MAX_DEPTH + 1; depth++) {
        uint8_t *buf = malloc((size_t)depth * 4 + 3);
        size_t n = 0;
        for (int i = 0; i < depth; i++) {
            buf[n++] = 0x30;
            buf[n++] = 0x80;
        }
        buf[n++] = 0x05; /* NULL */
        buf[n++] = 0x00;
        for (int i = 0; i < depth; i++) {
            buf[n++] = 0;
            buf[n++] = 0;
        }
        struct ucp_tlv t;
        bool ok = ucp_der_read(buf, n, UCP_DER_BER_INDEFINITE, &t);
        if (depth == UCP_DER_MAX_DEPTH)
            CHECK(ok && t.total == n && t.len == n - 4, "%d nested indefinite SEQUENCEs: read whole", depth);
        else
            CHECK(!ok, "%d nested indefinite SEQUENCEs: refused (the limit is %d)", depth, UCP_DER_MAX_DEPTH);
        free(buf);
    }
    /* Depth counts the values open at once, not how many there are. */
    {
        uint8_t buf[4 + 1000 * 4 + 2];
        size_t n = 0;
        buf[n++] = 0x30;
        buf[n++] = 0x80;
        for (int i = 0; i < 1000; i++) {
            buf[n++] = 0x31;
            buf[n++] = 0x80;
            buf[n++] = 0;
            buf[n++] = 0;
        }
        buf[n++] = 0;
        buf[n++] = 0;
        struct ucp_tlv t;
        CHECK(ucp_der_read(buf, n, UCP_DER_BER_INDEFINITE, &t) && t.total == n,
              "an indefinite SEQUENCE of 1,000 indefinite SETs side by side: read whole");
    }
}

static void exact_and_walk(void)
{
    uint8_t buf[64];
    struct ucp_tlv t;
    size_t n = unhex("02 01 05 ff", buf, sizeof buf);
    CHECK(ucp_der_read(buf, n, UCP_DER_STRICT, &t) && t.total == 3, "a TLV followed by a byte: read");
    CHECK(!ucp_der_read_exact(buf, n, UCP_DER_STRICT, &t), "a TLV followed by a byte: not exact (trailing bytes)");
    CHECK(ucp_der_read_exact(buf, 3, UCP_DER_STRICT, &t) && ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER),
          "the same TLV alone: exact");
    n = unhex("30 80 02 01 05 00 00 00", buf, sizeof buf);
    CHECK(!ucp_der_read_exact(buf, n, UCP_DER_BER_INDEFINITE, &t),
          "an indefinite SEQUENCE followed by a zero byte: not exact");
    CHECK(ucp_der_read_exact(buf, n - 1, UCP_DER_BER_INDEFINITE, &t), "the same without it: exact");

    /* A walk over three elements, then one that is cut short: the cursor stays before it. */
    n = unhex("02 01 01 04 81 02 aa bb 30 00 02 05 01", buf, sizeof buf);
    const uint8_t *p = buf;
    size_t left = n;
    unsigned long tags[3];
    int read = 0;
    while (read < 3 && ucp_der_next(&p, &left, UCP_DER_BER, &t))
        tags[read++] = t.tag;
    CHECK(read == 3 && tags[0] == ASN1_TAG_INTEGER && tags[1] == ASN1_TAG_OCTET_STRING &&
              tags[2] == ASN1_TAG_SEQUENCE && p == buf + 10 && left == 3,
          "ucp_der_next walks an INTEGER, an OCTET STRING and a SEQUENCE, moving past each");
    CHECK(!ucp_der_next(&p, &left, UCP_DER_BER, &t) && p == buf + 10 && left == 3,
          "ucp_der_next refuses the truncated fourth and does not move");
    p = buf;
    left = n;
    CHECK(ucp_der_next(&p, &left, UCP_DER_BER, &t) && !ucp_der_next(&p, &left, UCP_DER_STRICT, &t),
          "the same walk in strict DER stops at the OCTET STRING's length 81 02");

    /* The identifier alone: a good tag before a bad length. */
    n = unhex("30 82 01", buf, sizeof buf);
    CHECK(ucp_der_identifier(buf, n, UCP_DER_STRICT, &t) && ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) &&
              t.hdr == 1 && !ucp_der_read(buf, n, UCP_DER_BER, &t),
          "ucp_der_identifier reads a SEQUENCE identifier whose length is truncated");
    n = unhex("9f 05 00", buf, sizeof buf);
    CHECK(!ucp_der_identifier(buf, n, UCP_DER_STRICT, &t) && ucp_der_identifier(buf, n, UCP_DER_BER, &t) &&
              t.tag == 5 && t.hdr == 2,
          "ucp_der_identifier: [5] in the high form only as BER");
    CHECK(!ucp_der_identifier(buf, 1, UCP_DER_BER, &t), "ucp_der_identifier: one octet, no room for a length");
}

static void elements(void)
{
    uint8_t buf[64];
    struct ucp_ber_span spans[4];
    size_t count = 99;
    const char *why = NULL;
    size_t n = unhex("30 08 02 01 01 04 01 aa 30 00", buf, sizeof buf);
    CHECK(ucp_ber_elements(buf, n, spans, 4, &count, &why) && count == 3 && spans[0].p == buf + 2 &&
              spans[0].len == 3 && spans[1].p == buf + 5 && spans[1].len == 3 && spans[2].p == buf + 8 &&
              spans[2].len == 2,
          "ucp_ber_elements: the three elements of a DER SEQUENCE");
    /* What a BER PKCS#12 file holds: indefinite lengths inside indefinite lengths. */
    n = unhex("30 80 30 80 02 01 05 00 00 a0 80 04 01 aa 00 00 02 01 06 00 00", buf, sizeof buf);
    CHECK(ucp_ber_elements(buf, n, spans, 4, &count, &why) && count == 3 && spans[0].p == buf + 2 &&
              spans[0].len == 7 && spans[1].p == buf + 9 && spans[1].len == 7 && spans[2].p == buf + 16 &&
              spans[2].len == 3,
          "ucp_ber_elements: an indefinite SEQUENCE of an indefinite SEQUENCE, an indefinite [0] and an INTEGER");
    CHECK(ucp_ber_elements(buf, n, NULL, 4, &count, &why) && count == 3, "ucp_ber_elements: counting only");
    CHECK(!ucp_ber_elements(buf, n, spans, 2, &count, &why) && why && strcmp(why, "too many elements") == 0,
          "ucp_ber_elements: more elements than allowed");
    CHECK(!ucp_ber_elements(buf, n - 1, spans, 4, &count, &why) && why &&
              strcmp(why, "a malformed or truncated length") == 0,
          "ucp_ber_elements: the end-of-contents octets cut");
    n = unhex("30 03 02 01 05 00", buf, sizeof buf);
    CHECK(!ucp_ber_elements(buf, n, spans, 4, &count, &why) && why &&
              strcmp(why, "a malformed or truncated length") == 0,
          "ucp_ber_elements: a trailing byte after the SEQUENCE");
    n = unhex("04 03 02 01 05", buf, sizeof buf);
    CHECK(!ucp_ber_elements(buf, n, spans, 4, &count, &why) && why && strstr(why, "primitive"),
          "ucp_ber_elements: a primitive value");
    n = unhex("30 04 02 01 05 02", buf, sizeof buf);
    CHECK(!ucp_ber_elements(buf, n, spans, 4, &count, &why) && why &&
              strcmp(why, "an element with a malformed or truncated length") == 0,
          "ucp_ber_elements: an element cut short inside the SEQUENCE");
}

static void oids(void)
{
    uint8_t buf[64], want[64];
    size_t n = 0;
    CHECK(ucp_der_oid_encode("2.5.29.17", buf, sizeof buf, &n) && n == 3 && memcmp(buf, "\x55\x1d\x11", 3) == 0,
          "2.5.29.17 encodes as 55 1d 11");
    size_t wn = unhex("2a 86 48 86 f7 0d 01 01 0b", want, sizeof want);
    CHECK(ucp_der_oid_encode("1.2.840.113549.1.1.11", buf, sizeof buf, &n) && n == wn && memcmp(buf, want, n) == 0,
          "1.2.840.113549.1.1.11 encodes as 2a 86 48 86 f7 0d 01 01 0b");
    CHECK(!ucp_der_oid_encode("1.2.840.113549.1.1.11", buf, 8, &n), "an OID longer than the buffer: refused");
    CHECK(!ucp_der_oid_encode("3.1", buf, sizeof buf, &n), "first arc 3: refused");
    CHECK(!ucp_der_oid_encode("1", buf, sizeof buf, &n), "a single arc: refused");
    CHECK(!ucp_der_oid_encode("1..2", buf, sizeof buf, &n) && !ucp_der_oid_encode("1.2x", buf, sizeof buf, &n),
          "empty and non-numeric arcs: refused");
    CHECK(!ucp_der_oid_encode("+1.2", buf, sizeof buf, &n) && !ucp_der_oid_encode(" 1.2", buf, sizeof buf, &n) &&
              !ucp_der_oid_encode("1.-2", buf, sizeof buf, &n) && !ucp_der_oid_encode("1.2.", buf, sizeof buf, &n),
          "signs, blanks and a trailing dot: refused");
    CHECK(!ucp_der_oid_encode("1.40", buf, sizeof buf, &n) && ucp_der_oid_encode("2.40", buf, sizeof buf, &n) &&
              n == 1 && buf[0] == 120,
          "a second arc of 40 under 1: refused (it would encode 2.0); under 2: 2.40");
    {
        char many[200] = "1.2";
        for (int k = 0; k < 63; k++)
            strcat(many, ".1");
        CHECK(!ucp_der_oid_encode(many, buf, sizeof buf, &n), "65 arcs: refused, not cut at 64");
        CHECK(!ucp_der_oid_encode("1.2.99999999999999999999", buf, sizeof buf, &n), "an arc of 2^64 and more: refused");
    }
    CHECK(ucp_der_oid_valid(want, wn), "2a 86 48 86 f7 0d 01 01 0b is a valid OID");
    CHECK(!ucp_der_oid_valid((const uint8_t *)"\x55\x1d\x91", 3), "an OID whose last octet continues: invalid");
    CHECK(!ucp_der_oid_valid((const uint8_t *)"\x55\x80\x01", 3), "a sub-identifier with a leading 0x80: invalid");
    CHECK(!ucp_der_oid_valid(buf, 0), "an empty OID: invalid");
    char text[64];
    CHECK(ucp_der_oid_text(want, wn, text, sizeof text) && strcmp(text, "1.2.840.113549.1.1.11") == 0,
          "2a 86 48 86 f7 0d 01 01 0b reads as 1.2.840.113549.1.1.11");
    wn = unhex("88 37 01", want, sizeof want);
    CHECK(ucp_der_oid_text(want, wn, text, sizeof text) && strcmp(text, "2.999.1") == 0,
          "88 37 01 reads as 2.999.1 (a first sub-identifier past 80)");
    CHECK(!ucp_der_oid_text(want, wn, text, 6), "dotted text longer than the buffer: refused");
    CHECK(!ucp_der_oid_text((const uint8_t *)"\x55\x1d\x91", 3, text, sizeof text), "a malformed OID: no text");
}

/* ---- UTCTime and GeneralizedTime (der.c) ------------------------------------------------------ */

static void times(void)
{
    struct {
        unsigned char tag;
        const char *text;
        int64_t want; /* INT64_MIN: refused */
        const char *what;
    } cases[] = {
        {0x17, "261124120000Z", INT64_C(1795521600), "UTCTime 261124120000Z"},
        {0x17, "500101000000Z", INT64_C(-631152000), "UTCTime 50 is 1950"},
        {0x17, "491231235959Z", INT64_C(2524607999), "UTCTime 49 is 2049"},
        {0x18, "20261124120000Z", INT64_C(1795521600), "GeneralizedTime 20261124120000Z"},
        {0x18, "99991231235959Z", INT64_C(253402300799), "GeneralizedTime 9999-12-31T23:59:59Z"},
        {0x18, "20240229000000Z", INT64_C(1709164800), "GeneralizedTime on 29 February of a leap year"},
        {0x18, "20230229000000Z", INT64_MIN, "29 February of another year: refused"},
        {0x17, "2611241200Z", INT64_MIN, "UTCTime without seconds: refused"},
        {0x17, "261124120000+0100", INT64_MIN, "UTCTime with an offset: refused"},
        {0x18, "20261124120000.5Z", INT64_MIN, "GeneralizedTime with a fraction: refused"},
        {0x17, "261324120000Z", INT64_MIN, "month 13: refused"},
        {0x17, "261124246000Z", INT64_MIN, "hour 24: refused"},
        {0x17, "26112412000AZ", INT64_MIN, "a letter among the digits: refused"},
        {0x04, "261124120000Z", INT64_MIN, "another tag: refused"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ucp_tlv t = {ASN1_CLASS_UNIVERSAL, cases[i].tag, (const uint8_t *)cases[i].text, 2,
                            strlen(cases[i].text), 2 + strlen(cases[i].text), false};
        int64_t got = -1;
        bool ok = ucp_der_time(&t, &got);
        if (!CHECK(cases[i].want == INT64_MIN ? !ok : ok && got == cases[i].want, "%s", cases[i].what))
            printf("#   read: %s, %lld\n", ok ? "yes" : "no", (long long)got);
    }
}

/* ---- distinguished names within a name constraint's subtree (dn.c) ------------------------- */

/* A Name: SEQUENCE (short-form length) of the RDNs given as hex, NULL-terminated. */
static size_t dn_of(uint8_t *out, size_t cap, ...)
{
    uint8_t body[512];
    size_t n = 0;
    va_list ap;
    va_start(ap, cap);
    const char *rdn;
    while ((rdn = va_arg(ap, const char *)))
        n += unhex(rdn, body + n, sizeof body - n);
    va_end(ap);
    if (n > 127 || n + 2 > cap)
        exit(TAP_SETUP_FAILURE);
    out[0] = 0x30;
    out[1] = (uint8_t)n;
    memcpy(out + 2, body, n);
    return n + 2;
}

#define RDN_C_US "31 0b 30 09 06 03 55 04 06 13 02 55 53"
#define RDN_O_CONTOSO "31 10 30 0e 06 03 55 04 0a 0c 07 43 6f 6e 74 6f 73 6f"
#define RDN_O_CONTOSO_LOWER_PRINTABLE "31 10 30 0e 06 03 55 04 0a 13 07 63 6f 6e 74 6f 73 6f"
#define RDN_O_CONTOSO_SPACES "31 13 30 11 06 03 55 04 0a 13 0a 20 43 6f 6e 74 6f 73 6f 20 20"
#define RDN_O_CONTOSO_BMP "31 17 30 15 06 03 55 04 0a 1e 0e 00 43 00 6f 00 6e 00 74 00 6f 00 73 00 6f"
#define RDN_O_FABRIKAM "31 11 30 0f 06 03 55 04 0a 0c 08 46 61 62 72 69 6b 61 6d"
#define RDN_CN_EXCH01 "31 0f 30 0d 06 03 55 04 03 0c 06 65 78 63 68 30 31"

static void dn_comparison(void)
{
    uint8_t subj[256], base[256];
    struct ucp_bytes subject = {subj, dn_of(subj, sizeof subj, RDN_C_US, RDN_O_CONTOSO, RDN_CN_EXCH01, NULL)};
    static const struct {
        const char *what;
        const char *rdns[4];
        bool within;
    } cases[] = {
        {"C=US, O=Contoso (the same bytes)", {RDN_C_US, RDN_O_CONTOSO}, true},
        {"C=US, O=contoso as a PrintableString", {RDN_C_US, RDN_O_CONTOSO_LOWER_PRINTABLE}, true},
        {"C=US, O=' Contoso  '", {RDN_C_US, RDN_O_CONTOSO_SPACES}, true},
        {"C=US, O=Contoso as a BMPString", {RDN_C_US, RDN_O_CONTOSO_BMP}, true},
        {"C=US", {RDN_C_US}, true},
        {"C=US, O=Fabrikam", {RDN_C_US, RDN_O_FABRIKAM}, false},
        {"O=Contoso (not a prefix)", {RDN_O_CONTOSO}, false},
        {"C=US, O=Contoso, CN=exch01, O=Fabrikam (longer)", {RDN_C_US, RDN_O_CONTOSO, RDN_CN_EXCH01, RDN_O_FABRIKAM},
         false},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE(cases); i++) {
        size_t n = dn_of(base, sizeof base, cases[i].rdns[0], cases[i].rdns[1], cases[i].rdns[2], cases[i].rdns[3],
                         NULL);
        gnutls_datum_t b = {base, (unsigned)n};
        CHECK(ucp_dn_within(&subject, &b) == cases[i].within, "C=US, O=Contoso, CN=exch01 %s the subtree %s",
              cases[i].within ? "is within" : "is not within", cases[i].what);
    }
    gnutls_datum_t text = {(unsigned char *)"O=Contoso,C=US", 14};
    CHECK(ucp_dn_within(&subject, &text), "... is within the subtree given as RFC 4514 text 'O=Contoso,C=US'");
    gnutls_datum_t other = {(unsigned char *)"O=Fabrikam,C=US", 15};
    CHECK(!ucp_dn_within(&subject, &other), "... is not within 'O=Fabrikam,C=US'");
    gnutls_datum_t empty = {base, 0};
    CHECK(!ucp_dn_within(&subject, &empty), "... is not within an empty subtree");
    size_t n = unhex("30 05 31 03 30 01", base, sizeof base);
    gnutls_datum_t bad = {base, (unsigned)n};
    CHECK(!ucp_dn_within(&subject, &bad), "... is not within a malformed subtree");
    /* A subject whose DER uses long-form lengths (GnuTLS accepts them in a certificate). */
    n = unhex("30 81 31 " RDN_C_US " 31 81 10 30 0e 06 03 55 04 0a 0c 07 43 6f 6e 74 6f 73 6f " RDN_CN_EXCH01, subj,
              sizeof subj);
    struct ucp_bytes ber = {subj, n};
    gnutls_datum_t b = {base, (unsigned)dn_of(base, sizeof base, RDN_C_US, RDN_O_CONTOSO, NULL)};
    CHECK(ucp_dn_within(&ber, &b), "a subject with long-form lengths is within C=US, O=Contoso");
}

/* ---- certificates GnuTLS accepts in a BER form ------------------------------------------------ */

static gnutls_x509_privkey_t key;

/* A self-signed certificate for @dn with the extensions given as OID, hex value pairs (NULL
 * ends), exported as DER into @der. */
static void make_cert(gnutls_datum_t *der, const char *dn, ...)
{
    gnutls_x509_crt_t crt;
    const char *err = NULL;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    GT(gnutls_x509_crt_set_dn(crt, dn, &err));
    GT(gnutls_x509_crt_set_issuer_dn(crt, dn, &err));
    GT(gnutls_x509_crt_set_key(crt, key));
    unsigned char serial[2] = {0x12, 0x34};
    GT(gnutls_x509_crt_set_serial(crt, serial, sizeof serial));
    GT(gnutls_x509_crt_set_activation_time(crt, 1700000000));
    GT(gnutls_x509_crt_set_expiration_time(crt, 1900000000));
    va_list ap;
    va_start(ap, dn);
    const char *oid;
    while ((oid = va_arg(ap, const char *))) {
        uint8_t value[512];
        size_t n = unhex(va_arg(ap, const char *), value, sizeof value);
        GT(gnutls_x509_crt_set_extension_by_oid(crt, oid, value, n, 0));
    }
    va_end(ap);
    GT(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));
    GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der));
    gnutls_x509_crt_deinit(crt);
}

/* Re-encode one TLV's length in the long form "82 LL LL" (two octets more), fixing the lengths
 * of the TLVs that hold it: @path gives the element index at each level from the outside in
 * (Certificate, then TBSCertificate, ...), -1 ending it. Returns a new buffer. */
static uint8_t *lengthen(const uint8_t *der, size_t len, const int *path, size_t *out_len)
{
    const uint8_t *starts[8];
    struct ucp_tlv tlvs[8];
    size_t depth = 0;
    const uint8_t *p = der;
    size_t left = len;
    for (;;) {
        struct ucp_tlv t;
        if (!ucp_der_read(p, left, UCP_DER_STRICT, &t) || depth == 8) {
            fprintf(stderr, "lengthen: the path leaves the certificate\n");
            exit(TAP_SETUP_FAILURE);
        }
        starts[depth] = p;
        tlvs[depth++] = t;
        if (path[depth - 1] < 0)
            break;
        p = t.value;
        left = t.len;
        for (int i = 0; i < path[depth - 1]; i++)
            if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &t))
                exit(TAP_SETUP_FAILURE);
    }
    /* Rebuild from the inside out: each level's header becomes the long form with 2 octets. */
    const uint8_t *inner_start = starts[depth - 1] + tlvs[depth - 1].hdr;
    size_t inner_len = tlvs[depth - 1].len;
    uint8_t *body = malloc(inner_len ? inner_len : 1);
    memcpy(body, inner_start, inner_len);
    size_t body_len = inner_len;
    for (size_t d = depth; d-- > 0;) {
        /* This level: identifier, "82 LL LL", then body (for outer levels: what precedes the
         * grown child, the child, what follows it). */
        uint8_t *lvl = malloc(4 + body_len);
        lvl[0] = starts[d][0];
        lvl[1] = 0x82;
        lvl[2] = (uint8_t)(body_len >> 8);
        lvl[3] = (uint8_t)body_len;
        memcpy(lvl + 4, body, body_len);
        free(body);
        body_len = 4 + body_len;
        body = lvl;
        if (d == 0)
            break;
        /* Splice into the parent's contents. */
        const uint8_t *pv = tlvs[d - 1].value;
        size_t before = (size_t)(starts[d] - pv), after = tlvs[d - 1].len - before - tlvs[d].total;
        uint8_t *parent = malloc(before + body_len + after);
        memcpy(parent, pv, before);
        memcpy(parent + before, body, body_len);
        memcpy(parent + before + body_len, starts[d] + tlvs[d].total, after);
        free(body);
        body = parent;
        body_len = before + body_len + after;
    }
    *out_len = body_len;
    return body;
}

static void ber_certificates(void)
{
    gnutls_datum_t der = {NULL, 0};
    make_cert(&der, "CN=ber.contoso.com,O=Contoso", NULL);
    /* Certificate > tbsCertificate > subject (version, serial, signature, issuer, validity,
     * subject) > its first RDN; and the subject itself. */
    static const int first_rdn[] = {0, 5, 0, -1}, subject[] = {0, 5, -1};
    const int *paths[] = {first_rdn, subject};
    const char *what[] = {"the subject's first RDN", "the subject"};
    for (size_t k = 0; k < 2; k++) {
        size_t len;
        uint8_t *ber = lengthen(der.data, der.size, paths[k], &len);
        gnutls_x509_crt_t crt;
        GT(gnutls_x509_crt_init(&crt));
        gnutls_datum_t d = {ber, (unsigned)len};
        bool gnutls_reads = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) >= 0;
        gnutls_x509_crt_deinit(crt);
        ucp_certificate *c = NULL;
        ucp_status st = ucp_certificate_from_der(&c, ber, len, "ber.der", 0);
        if (!CHECK(gnutls_reads && st == UCP_OK && c->ncns == 1 && strcmp(c->cns[0], "ber.contoso.com") == 0 &&
                       strcmp(c->subject, "CN=ber.contoso.com,O=Contoso") == 0,
                   "%s with a long-form length: GnuTLS reads it, and so do we (CN ber.contoso.com)", what[k]))
            printf("#   GnuTLS %s, status %d: %s\n", gnutls_reads ? "reads it" : "does not",
                   (int)st, st == UCP_OK ? "" : ucp_error_message(ucp_error_last()));
        ucp_certificate_unref(c);
        free(ber);
    }
    gnutls_free(der.data);
}

/* subjectAltName values at the edge: what loads, and how a malformed one is refused. */
static void san_values(void)
{
    /* The SAN is read in BER, as GnuTLS (which checks it on import) reads it. */
    static const struct {
        const char *what, *value;
        bool loads; /* with the one DNS name "abc" */
    } cases[] = {
        {"a DNS name with the long-form length 81 03", "30 06 82 81 03 61 62 63", true},
        {"a DNS name in the high tag number form", "30 06 9f 02 03 61 62 63", true},
        /* libtasn1's primitives read these two as an empty name (the length octets "82 00" cut
         * after one; a tag with no length octet); the reader does not. */
        {"a DNS name whose long-form length is cut", "30 03 82 82 00", false},
        {"a DNS name in the high tag form with no length", "30 02 9f 02", false},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE(cases); i++) {
        gnutls_datum_t der = {NULL, 0};
        make_cert(&der, "CN=san.contoso.com", "2.5.29.17", cases[i].value, NULL);
        ucp_certificate *c = NULL;
        ucp_status st = ucp_certificate_from_der(&c, der.data, der.size, "san.der", 0);
        if (cases[i].loads)
            CHECK(st == UCP_OK && c->nsans == 1 && c->sans[0].type == UCP_SAN_DNS &&
                      strcmp(c->sans[0].display, "abc") == 0,
                  "SAN %s: loads, DNS name abc", cases[i].what);
        else
            CHECK_CONTAINS(st == UCP_E_CORRUPT ? ucp_error_message(ucp_error_last()) : NULL, "san.der: ",
                           "SAN %s: refused, UCP_E_CORRUPT naming the input", cases[i].what);
        ucp_certificate_unref(c);
        gnutls_free(der.data);
    }
}

/* The extended key usages as path validation and the checks ask for them (getters.c). */
static void eku_questions(void)
{
    static const struct {
        const char *value, *names;
        bool server, any;
    } cases[] = {
        /* codeSigning, emailProtection */
        {"30 14 06 08 2b 06 01 05 05 07 03 03 06 08 2b 06 01 05 05 07 03 04", "codeSigning, emailProtection", false,
         false},
        /* serverAuth, 1.2.3.4 */
        {"30 0f 06 08 2b 06 01 05 05 07 03 01 06 03 2a 03 04", "serverAuth, 1.2.3.4", true, false},
        /* anyExtendedKeyUsage */
        {"30 06 06 04 55 1d 25 00", "anyExtendedKeyUsage", false, true},
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE(cases); i++) {
        gnutls_datum_t der = {NULL, 0};
        make_cert(&der, "CN=eku.contoso.com", "2.5.29.37", cases[i].value, NULL);
        ucp_certificate *c = NULL;
        if (ucp_certificate_from_der(&c, der.data, der.size, "eku.der", 0) != UCP_OK)
            exit(TAP_SETUP_FAILURE);
        char *names = ucp_certificate_eku_names(c, "(none)");
        if (!CHECK(names && strcmp(names, cases[i].names) == 0, "EKU %s: named in order", cases[i].names))
            printf("#   got \"%s\"\n", names ? names : "(null)");
        CHECK(ucp_certificate_has_eku_oid(c, "1.3.6.1.5.5.7.3.1") == cases[i].server &&
                  ucp_certificate_has_eku_oid(c, "2.5.29.37.0") == cases[i].any &&
                  !ucp_certificate_has_eku_oid(c, "1.3.6.1.5.5.7.3"),
              "EKU %s: serverAuth %s, anyExtendedKeyUsage %s, no prefix match", cases[i].names,
              cases[i].server ? "listed" : "not listed", cases[i].any ? "listed" : "not listed");
        free(names);
        ucp_certificate_unref(c);
        gnutls_free(der.data);
    }
    gnutls_datum_t der = {NULL, 0};
    make_cert(&der, "CN=eku.contoso.com", NULL);
    ucp_certificate *c = NULL;
    if (ucp_certificate_from_der(&c, der.data, der.size, "no-eku.der", 0) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    char *names = ucp_certificate_eku_names(c, "nothing");
    CHECK(!c->has_eku && !ucp_certificate_has_eku_oid(c, "1.3.6.1.5.5.7.3.1") && names &&
              strcmp(names, "nothing") == 0,
          "no EKU extension: no usage listed, named as the text given for none");
    free(names);
    ucp_certificate_unref(c);
    gnutls_free(der.data);
}

/* What a file holds, told from its outer DER (input.c). */
static void inputs(void)
{
    gnutls_datum_t der = {NULL, 0};
    make_cert(&der, "CN=input.contoso.com", NULL);
    ucp_input *in = NULL;
    ucp_status st;

    /* Cut: the outer SEQUENCE declares more than there is. */
    st = ucp_input_from_data(&in, der.data, der.size - 1, "cut.der", NULL);
    char want[128];
    snprintf(want, sizeof want, "cut.der: truncated DER: the structure declares %u bytes but only %u are present",
             der.size, der.size - 1);
    CHECK_STR(st == UCP_E_CORRUPT ? ucp_error_message(ucp_error_last()) : NULL, want,
              "a DER certificate one byte short: UCP_E_CORRUPT, how many bytes it declares and has");
    st = ucp_input_from_data(&in, der.data, 3, "three.der", NULL);
    CHECK_STR(st == UCP_E_CORRUPT ? ucp_error_message(ucp_error_last()) : NULL,
              "three.der: truncated or malformed DER: the outer length cannot be read",
              "its first three bytes: the outer length cannot be read");

    /* Trailing bytes: padding is accepted, anything else is not. */
    uint8_t *more = malloc(der.size + 4);
    memcpy(more, der.data, der.size);
    memcpy(more + der.size, "\0\r\n ", 4);
    st = ucp_input_from_data(&in, more, der.size + 4, "padded.der", NULL);
    CHECK(st == UCP_OK && ucp_input_format(in) == UCP_FORMAT_DER && ucp_input_certificate_count(in) == 1,
          "a DER certificate followed by a NUL, CR, LF and space: loads");
    ucp_input_free(in);
    in = NULL;
    memcpy(more + der.size, "\x05\x00\x05\x00", 4);
    st = ucp_input_from_data(&in, more, der.size + 4, "trailing.der", NULL);
    CHECK_CONTAINS(st == UCP_E_CORRUPT ? ucp_error_message(ucp_error_last()) : NULL,
                   "trailing.der: 4 bytes of trailing data after the DER structure",
                   "a DER certificate followed by two NULLs: 4 bytes of trailing data");
    free(more);

    /* The outer length in a long form GnuTLS reads: the certificate loads. */
    static const int outer[] = {-1};
    size_t len;
    uint8_t *ber = lengthen(der.data, der.size, outer, &len);
    st = ucp_input_from_data(&in, ber, len, "long-length.der", NULL);
    CHECK(st == UCP_OK && ucp_input_format(in) == UCP_FORMAT_DER &&
              strcmp(ucp_certificate_common_name(ucp_input_certificate_at(in, 0)), "input.contoso.com") == 0,
          "a DER certificate whose outer length is 82 00 LL: loads");
    ucp_input_free(in);
    in = NULL;
    free(ber);

    /* An indefinite outer length: detected as a certificate, refused as not DER. */
    struct ucp_tlv t;
    if (!ucp_der_read(der.data, der.size, UCP_DER_STRICT, &t))
        exit(TAP_SETUP_FAILURE);
    uint8_t *indef = malloc(2 + t.len + 2);
    memcpy(indef, "\x30\x80", 2);
    memcpy(indef + 2, t.value, t.len);
    memcpy(indef + 2 + t.len, "\0\0", 2);
    st = ucp_input_from_data(&in, indef, t.len + 4, "indefinite.der", NULL);
    CHECK_CONTAINS(st == UCP_E_CORRUPT ? ucp_error_message(ucp_error_last()) : NULL,
                   "indefinite.der: the certificate uses BER indefinite-length encoding",
                   "a certificate in an indefinite-length SEQUENCE: refused, certificates must be DER");
    free(indef);

    /* Not DER at all, nothing inside, and a DER structure that merely contains "-----BEGIN ". */
    st = ucp_input_from_data(&in, (const uint8_t *)"\x02\x01\x05", 3, "integer.der", NULL);
    CHECK_CONTAINS(st == UCP_E_FORMAT ? ucp_error_message(ucp_error_last()) : NULL,
                   "does not start with a DER SEQUENCE", "an INTEGER: not a DER SEQUENCE (UCP_E_FORMAT)");
    st = ucp_input_from_data(&in, (const uint8_t *)"\x30\x00", 2, "empty.der", NULL);
    CHECK_STR(st == UCP_E_CORRUPT ? ucp_error_message(ucp_error_last()) : NULL,
              "empty.der: truncated DER: nothing inside the outer SEQUENCE", "an empty SEQUENCE: nothing inside");
    static const char text[] = "\x30\x0d\x04\x0b-----BEGIN ";
    st = ucp_input_from_data(&in, (const uint8_t *)text, sizeof text - 1, "text.der", NULL);
    CHECK_CONTAINS(st == UCP_E_FORMAT ? ucp_error_message(ucp_error_last()) : NULL,
                   "neither a certificate, a PKCS#7 bag nor a PKCS#12 file",
                   "a DER SEQUENCE holding the text '-----BEGIN ': read as DER, not PEM");
    gnutls_free(der.data);
}

/* A PEM body's base64 (core/base64.c): plain bodies decoded in one pass, anything else declined
 * and left to GnuTLS, which gives the same certificate or words the error (input.c). */
static void pem_base64(void)
{
    static const struct {
        const char *in, *out;
        bool ok;
    } cases[] = {
        {"TWFu\n", "Man", true},
        {"TWE=\r\n", "Ma", true},
        {"TQ==\n", "M", true},
        {"TW\nFu\n", "Man", true},
        {"TWE\n", NULL, false},     /* a cut group */
        {"TR==\n", NULL, false},    /* padding bits that are not zero */
        {"TQ==TWFu\n", NULL, false}, /* data after padding */
        {"TW Fu\n", "Man", true},   /* whitespace is skipped, as GnuTLS's PEM decoder does */
        {"T===\n", NULL, false},
        {"\n", NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *out = NULL;
        size_t n = 0;
        bool ok = ucp_base64_decode_simple((const uint8_t *)cases[i].in, strlen(cases[i].in), &out, &n);
        CHECK(ok == cases[i].ok && (!ok || (n == strlen(cases[i].out) && memcmp(out, cases[i].out, n) == 0)),
              "base64 case %zu: %s", i, cases[i].ok ? "decoded" : "declined");
        free(out);
    }

    gnutls_datum_t der = {NULL, 0}, pem = {NULL, 0};
    make_cert(&der, "CN=pem.contoso.com", NULL);
    GT(gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem));
    /* The same certificate with CRLF lines, and with a space in its body (GnuTLS's decoder). */
    size_t cap = pem.size * 2 + 8, m = 0, k = 0;
    char *crlf = malloc(cap), *spaced = malloc(cap);
    for (unsigned i = 0; i < pem.size; i++) {
        if (pem.data[i] == '\n')
            crlf[m++] = '\r';
        crlf[m++] = (char)pem.data[i];
        spaced[k++] = (char)pem.data[i];
        if (i + 1 < pem.size && pem.data[i] == '\n' && pem.data[i + 1] != '-' && i > 40 && i < 100)
            spaced[k++] = ' ';
    }
    const struct {
        const char *name;
        const uint8_t *data;
        size_t len;
    } forms[] = {
        {"lf.pem", pem.data, pem.size},
        {"crlf.pem", (const uint8_t *)crlf, m},
        {"spaced.pem", (const uint8_t *)spaced, k},
    };
    for (size_t i = 0; i < 3; i++) {
        ucp_input *in = NULL;
        ucp_status st = ucp_input_from_data(&in, forms[i].data, forms[i].len, forms[i].name, NULL);
        const ucp_certificate *c = st == UCP_OK ? ucp_input_certificate_at(in, 0) : NULL;
        CHECK(c && c->der.len == der.size && memcmp(c->der.data, der.data, der.size) == 0,
              "%s: the PEM body decodes to the certificate's DER", forms[i].name);
        ucp_input_free(in);
    }
    free(crlf);
    free(spaced);
    static const char bad[] = "-----BEGIN CERTIFICATE-----\nTR==\n-----END CERTIFICATE-----\n";
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_data(&in, (const uint8_t *)bad, sizeof bad - 1, "bad.pem", NULL);
    CHECK(st == UCP_E_CORRUPT || st == UCP_E_NO_CERTIFICATE, "a body the fast decoder declines is still refused (%d)",
          (int)st);
    gnutls_free(pem.data);
    gnutls_free(der.data);
}

int main(void)
{
    short_and_long_forms();
    truncation();
    indefinite();
    exact_and_walk();
    elements();
    oids();
    times();
    dn_comparison();

    GT(gnutls_global_init());
    GT(gnutls_x509_privkey_init(&key));
    GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, 256, 0));
    ber_certificates();
    san_values();
    eku_questions();
    inputs();
    pem_base64();
    gnutls_x509_privkey_deinit(key);
    gnutls_global_deinit();
    return tap_done();
}
