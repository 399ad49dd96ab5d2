/* SPDX-License-Identifier: MIT */
/*
 * DNS names as certificates present them (names.c, through the internal twin of the library):
 * syntax checks, wildcard validity and RFC 6125 matching, FQDN normalisation; the display and
 * formatting helpers names are shown with (util.c).
 */
#include "config.h"

#include "x509/x509-private.h"
#include "tap.h"

static const char *problem_name(enum ucp_name_problem p)
{
    static const char *const names[] = {
        "OK", "EMPTY", "NUL", "NON_ASCII", "UNDERSCORE", "BAD_CHAR", "EMPTY_LABEL", "TRAILING_DOT",
        "LABEL_TOO_LONG", "TOO_LONG", "HYPHEN_EDGE", "WILDCARD_PARTIAL", "WILDCARD_MULTIPLE",
        "WILDCARD_BARE", "WILDCARD_SUFFIX",
    };
    return (unsigned)p < UCP_ARRAY_SIZE(names) ? names[p] : "?";
}

static void check_name(const char *name, size_t len, bool wildcard, enum ucp_name_problem want)
{
    unsigned char bad = 0;
    enum ucp_name_problem got = ucp_name_check((const uint8_t *)name, len, wildcard, &bad);
    char shown[512];
    char *d = ucp_display_bytes((const uint8_t *)name, len);
    snprintf(shown, sizeof shown, "%s", d ? d : "?");
    free(d);
    if (!CHECK(got == want, "name_check(\"%s\", wildcard %s) = %s", shown, wildcard ? "allowed" : "refused",
               problem_name(want)))
        printf("#   got %s\n", problem_name(got));
}

static void check_match(const char *presented, const char *host, bool want)
{
    CHECK(ucp_name_matches(presented, host) == want, "'%s' %s '%s'", presented, want ? "matches" : "does not match",
          host);
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

int main(void)
{
    /* ---- syntax ---- */
    check_name("exch01.contoso.com", 18, false, UCP_NAME_OK);
    check_name("EXCH01.Contoso.COM", 18, false, UCP_NAME_OK);
    check_name("", 0, false, UCP_NAME_EMPTY);
    static const char nul[] = "exch01.contoso.com\0.evil.com";
    check_name(nul, sizeof nul - 1, false, UCP_NAME_NUL);
    check_name(nul, sizeof nul - 1, true, UCP_NAME_NUL);
    check_name("exch_01.contoso.com", 19, false, UCP_NAME_UNDERSCORE);
    check_name("b\xc3\xbc" "cher.contoso.com", 17, false, UCP_NAME_NON_ASCII);
    check_name("exch 01.contoso.com", 19, false, UCP_NAME_BAD_CHAR);
    check_name("exch01..contoso.com", 19, false, UCP_NAME_EMPTY_LABEL);
    check_name(".contoso.com", 12, false, UCP_NAME_EMPTY_LABEL);
    check_name("exch01.contoso.com.", 19, false, UCP_NAME_TRAILING_DOT);
    check_name("-exch01.contoso.com", 19, false, UCP_NAME_HYPHEN_EDGE);
    check_name("exch01-.contoso.com", 19, false, UCP_NAME_HYPHEN_EDGE);
    check_name("xn--bcher-kva.contoso.com", 25, false, UCP_NAME_OK);
    {
        char *l63 = repeat('a', 63), *l64 = repeat('a', 64);
        char buf[600];
        snprintf(buf, sizeof buf, "%s.contoso.com", l63);
        check_name(buf, strlen(buf), false, UCP_NAME_OK);
        snprintf(buf, sizeof buf, "%s.contoso.com", l64);
        check_name(buf, strlen(buf), false, UCP_NAME_LABEL_TOO_LONG);
        /* 4 x 63 + 3 dots = 255 > 253 */
        snprintf(buf, sizeof buf, "%s.%s.%s.%s", l63, l63, l63, l63);
        check_name(buf, strlen(buf), false, UCP_NAME_TOO_LONG);
        snprintf(buf, sizeof buf, "*.%s.%s.%s.%s", l63, l63, l63, l63);
        check_name(buf, strlen(buf), true, UCP_NAME_TOO_LONG);
        free(l63);
        free(l64);
    }

    /* ---- wildcards ---- */
    check_name("*.contoso.com", 13, true, UCP_NAME_OK);
    check_name("*.contoso.com", 13, false, UCP_NAME_BAD_CHAR);
    check_name("*", 1, true, UCP_NAME_WILDCARD_BARE);
    check_name("*.com", 5, true, UCP_NAME_WILDCARD_SUFFIX);
    check_name("*.co.uk", 7, true, UCP_NAME_WILDCARD_SUFFIX);
    check_name("*.contoso.co.uk", 15, true, UCP_NAME_OK);
    check_name("sip*.contoso.com", 16, true, UCP_NAME_WILDCARD_PARTIAL);
    check_name("*sip.contoso.com", 16, true, UCP_NAME_WILDCARD_PARTIAL);
    check_name("sip.*.contoso.com", 17, true, UCP_NAME_WILDCARD_PARTIAL);
    check_name("*.*.com", 7, true, UCP_NAME_WILDCARD_MULTIPLE);
    check_name("xn--*.contoso.com", 17, true, UCP_NAME_WILDCARD_PARTIAL);
    check_name("*.", 2, true, UCP_NAME_WILDCARD_PARTIAL);
    check_name("*.exch_01.contoso.com", 21, true, UCP_NAME_UNDERSCORE);

    /* ---- matching (RFC 6125 6.4) ---- */
    check_match("exch01.contoso.com", "exch01.contoso.com", true);
    check_match("EXCH01.Contoso.COM", "exch01.contoso.com", true);
    check_match("exch01.contoso.com", "EXCH01.CONTOSO.COM", true);
    check_match("exch01.contoso.com", "exch02.contoso.com", false);
    check_match("exch01.contoso.com", "exch01.contoso.com.evil.com", false);
    check_match("*.contoso.com", "sbc.contoso.com", true);
    check_match("*.Contoso.com", "SBC.contoso.COM", true);
    check_match("*.contoso.com", "contoso.com", false);
    check_match("*.contoso.com", "a.b.contoso.com", false);
    check_match("*.contoso.com", ".contoso.com", false);
    check_match("*.contoso.com", "sbc.fabrikam.com", false);
    check_match("*.contoso.com", "sbccontoso.com", false);
    check_match("*.com", "contoso.com", false);
    check_match("*.co.uk", "contoso.co.uk", false);
    check_match("*.contoso.co.uk", "sbc.contoso.co.uk", true);
    check_match("*", "contoso", false);
    check_match("*", "sbc.contoso.com", false);
    check_match("sip*.contoso.com", "sip1.contoso.com", false);
    check_match("sip*.contoso.com", "sip.contoso.com", false);
    check_match("*.*.com", "a.b.com", false);
    check_match("*.*.com", "contoso.com", false);
    check_match("xn--*.contoso.com", "xn--bcher-kva.contoso.com", false);
    check_match("xn--bcher-kva.contoso.com", "XN--BCHER-KVA.contoso.com", true);
    /* A reference identifier that is itself a wildcard or invalid never matches. */
    check_match("*.contoso.com", "*.contoso.com", false);
    check_match("exch_01.contoso.com", "exch_01.contoso.com", false);
    check_match("", "", false);
    CHECK(!ucp_name_matches(NULL, "a.contoso.com") && !ucp_name_matches("a.contoso.com", NULL),
          "NULL never matches");
    /* Matching takes C strings, so it never sees a NUL byte: a presented name holding one is
     * refused before any matching (UCP_NAME_NUL above; certificate.c marks such SAN entries as not
     * clean, and the manifest case names/nul-in-san checks it end to end). */

    /* ---- helpers ---- */
    CHECK(ucp_name_is_wildcard("*.contoso.com") && ucp_name_is_wildcard("sip*.contoso.com") &&
              !ucp_name_is_wildcard("contoso.com") && !ucp_name_is_wildcard(NULL),
          "ucp_name_is_wildcard");
    CHECK(ucp_name_is_idn("xn--bcher-kva.contoso.com") && ucp_name_is_idn("www.XN--bcher-kva.com") &&
              ucp_name_is_idn("sip.contoso.xn--p1ai") && !ucp_name_is_idn("contoso.com") &&
              !ucp_name_is_idn("axn--b.contoso.com") && !ucp_name_is_idn("xn-.com") && !ucp_name_is_idn("xn"),
          "ucp_name_is_idn: an A-label anywhere, any case");
    CHECK(ucp_name_is_single_label("server01") && !ucp_name_is_single_label("server01.contoso.com") &&
              !ucp_name_is_single_label("") && !ucp_name_is_single_label(NULL),
          "ucp_name_is_single_label");
    CHECK(ucp_is_public_suffix("com") && ucp_is_public_suffix("co.uk") && ucp_is_public_suffix("CO.UK") &&
              !ucp_is_public_suffix("contoso.com") && !ucp_is_public_suffix("contoso.co.uk"),
          "ucp_is_public_suffix (ICANN section, case-insensitive)");

    /* ---- IP address literals (a CN compared with the SAN's iPAddress entries) ---- */
    {
        static const struct {
            const char *text;
            size_t want;
            uint8_t bytes[16];
        } ips[] = {
            {"192.0.2.10", 4, {192, 0, 2, 10}},
            {"0.0.0.0", 4, {0}},
            {"255.255.255.255", 4, {255, 255, 255, 255}},
            {"2001:db8::10", 16, {0x20, 0x01, 0x0d, 0xb8, [15] = 0x10}},
            {"::1", 16, {[15] = 1}},
            {"::", 16, {0}},
            {"fe80::", 16, {0xfe, 0x80}},
            {"2001:DB8:0:0:0:0:0:1", 16, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
            {"::ffff:192.0.2.1", 16, {[10] = 0xff, [11] = 0xff, [12] = 192, [13] = 0, [14] = 2, [15] = 1}},
            {"256.0.0.1", 0, {0}},
            {"192.0.2", 0, {0}},
            {"192.0.2.10.", 0, {0}},
            {"01.2.3.4", 0, {0}},
            {"server01.contoso.com", 0, {0}},
            {"1.2.3.4a", 0, {0}},
            {"2001:db8::1::2", 0, {0}},
            {"2001:db8:1", 0, {0}},
            {":1::", 0, {0}},
            {"1:2:3:4:5:6:7:8:9", 0, {0}},
            {"2001:db8::", 16, {0x20, 0x01, 0x0d, 0xb8}},
            {"2001:db8:", 0, {0}},
            {"12345::", 0, {0}},
            {"", 0, {0}},
        };
        for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
            uint8_t out[16] = {0};
            size_t got = ucp_ip_parse(ips[i].text, out);
            CHECK(got == ips[i].want && (!got || memcmp(out, ips[i].bytes, got) == 0), "ip_parse(\"%s\") = %zu",
                  ips[i].text, got);
        }
    }

    /* ---- reserved addresses, top-level domains, public suffixes ---- */
    {
        static const struct {
            const char *text;
            bool reserved;
        } ips[] = {
            {"10.1.2.3", true},   {"172.16.0.1", true},  {"172.31.255.255", true}, {"172.32.0.1", false},
            {"192.168.1.1", true}, {"100.64.0.1", true}, {"100.128.0.1", false},   {"127.0.0.1", true},
            {"169.254.1.1", true}, {"192.0.2.1", true},  {"198.19.255.255", true}, {"198.20.0.1", false},
            {"224.0.0.1", true},  {"255.255.255.255", true}, {"8.8.8.8", false},    {"131.107.0.1", false},
            {"::1", true},        {"::", true},          {"fe80::1", true},        {"fd00::1", true},
            {"2001:db8::1", true}, {"ff02::1", true},    {"::ffff:10.0.0.1", true}, {"2a01:111::1", false},
            {"2620:1ec::1", false},
        };
        for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
            uint8_t out[16];
            size_t len = ucp_ip_parse(ips[i].text, out);
            const char *range = NULL;
            bool got = len && ucp_ip_reserved(out, len, &range);
            CHECK(len && got == ips[i].reserved && (!got || range), "ip_reserved(%s) = %s (%s)", ips[i].text,
                  got ? "yes" : "no", range ? range : "-");
        }
    }
    CHECK(ucp_tld_known("server01.contoso.com") && ucp_tld_known("a.b.co.uk") && ucp_tld_known("www.example.DE") &&
              !ucp_tld_known("server01.contoso.local") && !ucp_tld_known("host.corp") &&
              !ucp_tld_known("oauth.northwind.example"),
          "ucp_tld_known (the ICANN section, no '*' default rule)");
    CHECK(ucp_is_listed_public_suffix("co.uk") && ucp_is_listed_public_suffix("com") &&
              !ucp_is_listed_public_suffix("contoso.com") && !ucp_is_listed_public_suffix("local") &&
              !ucp_is_listed_public_suffix("contoso.local"),
          "ucp_is_listed_public_suffix");

    /* ---- FQDNs given by the user ---- */
    const char *why = NULL;
    char *n = ucp_normalize_fqdn("  FE01.Contoso.COM. ", &why);
    CHECK_STR(n, "fe01.contoso.com", "normalize_fqdn trims, lower-cases and drops the trailing dot");
    free(n);
    n = ucp_normalize_fqdn("fe01", &why);
    CHECK(!n && why && strstr(why, "single-label"), "normalize_fqdn refuses a single-label name");
    free(n);
    n = ucp_normalize_fqdn("fe_01.contoso.com", &why);
    CHECK(!n && why && strstr(why, "underscore"), "normalize_fqdn refuses an underscore");
    free(n);
    n = ucp_normalize_fqdn("*.contoso.com", &why);
    CHECK(!n && why, "normalize_fqdn refuses a wildcard");
    free(n);
    n = ucp_normalize_fqdn("", &why);
    CHECK(!n && why, "normalize_fqdn refuses an empty name");
    free(n);
    n = ucp_normalize_fqdn(".", &why);
    CHECK(!n && why, "normalize_fqdn refuses '.'");
    free(n);
    n = ucp_normalize_fqdn(NULL, &why);
    CHECK(!n && why, "normalize_fqdn refuses NULL");
    free(n);

    /* ---- display ---- */
    char *d = ucp_display_bytes((const uint8_t *)nul, sizeof nul - 1);
    CHECK_STR(d, "exch01.contoso.com\\x00.evil.com", "display_bytes shows a NUL byte as \\x00");
    free(d);
    d = ucp_display_bytes((const uint8_t *)"a\\b\x01\xff" "c\xc3\xbc", 8);
    CHECK_STR(d, "a\\\\b\\x01\\xFFc\xc3\xbc", "display_bytes escapes backslash, controls and invalid UTF-8, keeps valid UTF-8");
    free(d);

    /* ---- formatting (util.c): once into the free room, again only when the text is longer ---- */
    char *x300 = repeat('x', 300);
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_printf(&sb, "%s-%d", "a", 1); /* no buffer yet */
    CHECK(sb.len == 3 && !sb.failed, "sb_printf into an empty buffer: length 3");
    CHECK_STR(sb.data, "a-1", "sb_printf into an empty buffer");
    ucp_sb_reserve(&sb, 200);
    size_t cap = sb.cap;
    ucp_sb_printf(&sb, "<%d>", 22); /* fits the room left */
    CHECK(sb.cap == cap && sb.len == 7, "sb_printf within the room: no growth, length 7");
    ucp_sb_printf(&sb, "[%s]", x300); /* longer than the room: grows, formats again */
    CHECK(sb.len == 7 + 302 && sb.cap > sb.len && !sb.failed, "sb_printf past the room grows the buffer");
    CHECK(memcmp(sb.data, "a-1<22>[x", 9) == 0 && memcmp(sb.data + 307, "x]", 3) == 0,
          "sb_printf past the room keeps what was there and writes all of the text");
    ucp_sb_dispose(&sb);
    char *p = ucp_asprintf("%d/%s", 7, "abc");
    CHECK_STR(p, "7/abc", "asprintf of short text");
    free(p);
    p = ucp_asprintf("%s%s", x300, "!");
    CHECK(p && strlen(p) == 301 && p[299] == 'x' && p[300] == '!', "asprintf of text longer than its first buffer");
    free(p);
    free(x300);
    return tap_done();
}
