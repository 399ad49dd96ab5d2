/* SPDX-License-Identifier: MIT */
/*
 * DNS names as they appear in certificates: syntax (RFC 1123 letters-digits-hyphen), wildcard
 * validity (RFC 6125 6.4.3 / RFC 2818 3.1: the whole left-most label, one label, never over a
 * public suffix) and matching. Every function takes the bytes with their length, so a name
 * with an embedded NUL ("exch01.contoso.com\0.evil.com") is seen as such and never matches.
 */
#include "config.h"

#include <libpsl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

static bool is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static enum ucp_name_problem check_labels(const uint8_t *name, size_t len, unsigned char *bad)
{
    if (len == 0)
        return UCP_NAME_EMPTY;
    if (len > 253)
        return UCP_NAME_TOO_LONG;
    if (name[len - 1] == '.')
        return UCP_NAME_TRAILING_DOT;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || name[i] == '.') {
            size_t llen = i - start;
            if (llen == 0)
                return UCP_NAME_EMPTY_LABEL;
            if (llen > 63)
                return UCP_NAME_LABEL_TOO_LONG;
            if (name[start] == '-' || name[i - 1] == '-')
                return UCP_NAME_HYPHEN_EDGE;
            start = i + 1;
            continue;
        }
        if (name[i] == '_')
            return UCP_NAME_UNDERSCORE;
        if (!is_ldh(name[i])) {
            if (bad)
                *bad = name[i];
            return UCP_NAME_BAD_CHAR;
        }
    }
    return UCP_NAME_OK;
}

enum ucp_name_problem ucp_name_check(const uint8_t *name, size_t len, bool allow_wildcard,
                                     unsigned char *bad_char)
{
    if (len == 0)
        return UCP_NAME_EMPTY;
    if (memchr(name, '\0', len))
        return UCP_NAME_NUL;
    size_t stars = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] >= 0x80)
            return UCP_NAME_NON_ASCII;
        if (name[i] == '*')
            stars++;
    }
    if (stars == 0)
        return check_labels(name, len, bad_char);
    if (!allow_wildcard) {
        if (bad_char)
            *bad_char = '*';
        return UCP_NAME_BAD_CHAR;
    }
    if (stars > 1)
        return UCP_NAME_WILDCARD_MULTIPLE;
    if (len == 1)
        return UCP_NAME_WILDCARD_BARE;
    if (len < 3 || name[0] != '*' || name[1] != '.')
        return UCP_NAME_WILDCARD_PARTIAL;
    enum ucp_name_problem p = check_labels(name + 2, len - 2, bad_char);
    if (p != UCP_NAME_OK)
        return p;
    char rest[256];
    memcpy(rest, name + 2, len - 2);
    rest[len - 2] = '\0';
    if (!memchr(rest, '.', len - 2) || ucp_is_public_suffix(rest))
        return UCP_NAME_WILDCARD_SUFFIX;
    return UCP_NAME_OK;
}

const char *ucp_name_problem_text(enum ucp_name_problem p)
{
    switch (p) {
    case UCP_NAME_OK: return "valid";
    case UCP_NAME_EMPTY: return "it is empty";
    case UCP_NAME_NUL: return "it contains a NUL byte, which can make a name look like another one";
    case UCP_NAME_NON_ASCII: return "it contains non-ASCII bytes (Unicode names must be encoded as IDN A-labels)";
    case UCP_NAME_UNDERSCORE: return "it contains an underscore";
    case UCP_NAME_BAD_CHAR: return "it contains a character other than letters, digits, hyphens and dots";
    case UCP_NAME_EMPTY_LABEL: return "it has an empty label (two dots in a row, or a leading dot)";
    case UCP_NAME_TRAILING_DOT: return "it ends with a dot";
    case UCP_NAME_LABEL_TOO_LONG: return "a label is longer than 63 characters";
    case UCP_NAME_TOO_LONG: return "it is longer than 253 characters";
    case UCP_NAME_HYPHEN_EDGE: return "a label starts or ends with a hyphen";
    case UCP_NAME_WILDCARD_PARTIAL: return "the wildcard must be the entire left-most label ('*.contoso.com'), not part of a label or a label further right";
    case UCP_NAME_WILDCARD_MULTIPLE: return "only one wildcard label is allowed";
    case UCP_NAME_WILDCARD_BARE: return "a bare '*' would match any name";
    case UCP_NAME_WILDCARD_SUFFIX: return "the wildcard spans a top-level domain or public suffix";
    }
    return "invalid";
}

bool ucp_name_is_wildcard(const char *name)
{
    return name && strchr(name, '*') != NULL;
}

bool ucp_name_is_idn(const char *name)
{
    /* An A-label starts with "xn--" (any case). */
    for (const char *p = name; p && *p;) {
        if (ucp_strcaseeq_n(p, strlen(p) < 4 ? strlen(p) : 4, "xn--", 4))
            return true;
        p = strchr(p, '.');
        if (p)
            p++;
    }
    return false;
}

bool ucp_name_is_single_label(const char *name)
{
    return name && *name && !strchr(name, '.');
}

bool ucp_name_matches(const char *presented, const char *host)
{
    if (!presented || !host)
        return false;
    size_t plen = strlen(presented), hlen = strlen(host);
    if (ucp_name_check((const uint8_t *)host, hlen, false, NULL) != UCP_NAME_OK)
        return false;
    if (ucp_name_check((const uint8_t *)presented, plen, true, NULL) != UCP_NAME_OK)
        return false;
    if (presented[0] != '*')
        return ucp_strcaseeq_n(presented, plen, host, hlen);
    /* "*.rest" matches "label.rest" with exactly one non-empty left-most label. */
    const char *dot = strchr(host, '.');
    if (!dot || dot == host)
        return false;
    return ucp_strcaseeq_n(presented + 1, plen - 1, dot, strlen(dot));
}

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void psl_load(void)
{
    /* The distribution's list (publicsuffix package) when present, else libpsl's built-in one. */
    psl = psl_latest(NULL);
    if (!psl)
        psl = psl_builtin();
}

static bool psl_query(const char *domain, int type);

bool ucp_is_public_suffix(const char *domain)
{
    pthread_once(&psl_once, psl_load);
    return psl && psl_query(domain, PSL_TYPE_ICANN);
}

char *ucp_normalize_fqdn(const char *in, const char **why)
{
    *why = NULL;
    if (!in) {
        *why = "it is empty";
        return NULL;
    }
    size_t n = strlen(in);
    while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
        n--;
    while (n > 0 && (*in == ' ' || *in == '\t')) {
        in++;
        n--;
    }
    if (n > 1 && in[n - 1] == '.')
        n--;
    enum ucp_name_problem p = ucp_name_check((const uint8_t *)in, n, false, NULL);
    if (p != UCP_NAME_OK) {
        *why = ucp_name_problem_text(p);
        return NULL;
    }
    if (!memchr(in, '.', n)) {
        *why = "it is a single-label name, not a fully qualified domain name";
        return NULL;
    }
    char *out = ucp_strndup(in, n);
    if (!out) {
        *why = "out of memory";
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = ucp_tolower(out[i]);
    return out;
}

/* One IPv4 dotted quad (decimal parts 0-255, no leading zeros) of exactly @len bytes. */
static bool parse_ipv4(const char *t, size_t len, uint8_t out[4])
{
    size_t part = 0, i = 0;
    while (part < 4) {
        size_t start = i;
        unsigned v = 0;
        while (i < len && t[i] >= '0' && t[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(t[i++] - '0');
        if (i == start || v > 255 || (i - start > 1 && t[start] == '0'))
            return false;
        out[part++] = (uint8_t)v;
        if (part < 4) {
            if (i >= len || t[i] != '.')
                return false;
            i++;
        }
    }
    return i == len;
}

size_t ucp_ip_parse(const char *text, uint8_t out[16])
{
    size_t len = strlen(text);
    if (!memchr(text, ':', len))
        return parse_ipv4(text, len, out) ? 4 : 0;
    if (len > 45)
        return 0;
    uint8_t w[16];
    size_t n = 0, gap = SIZE_MAX, i = 0;
    if (len >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        i = 2;
    } else if (text[0] == ':') {
        return 0;
    }
    while (i < len) {
        size_t start = i;
        unsigned v = 0;
        while (i < len && i - start < 4 && strchr("0123456789abcdefABCDEF", text[i]) && text[i]) {
            char ch = text[i++];
            v = v * 16 + (unsigned)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
        }
        if (i < len && text[i] == '.') { /* a trailing dotted quad: the last 32 bits */
            if (n > 12 || !parse_ipv4(text + start, len - start, w + n))
                return 0;
            n += 4;
            i = len;
            break;
        }
        if (i == start || n > 14)
            return 0;
        w[n++] = (uint8_t)(v >> 8);
        w[n++] = (uint8_t)v;
        if (i == len)
            break;
        if (text[i] != ':')
            return 0;
        i++;
        if (i < len && text[i] == ':') {
            if (gap != SIZE_MAX)
                return 0;
            gap = n;
            i++;
        } else if (i == len) {
            return 0; /* a trailing single colon */
        }
    }
    if (gap == SIZE_MAX) {
        if (n != 16)
            return 0;
        memcpy(out, w, 16);
        return 16;
    }
    if (n > 14)
        return 0;
    memset(out, 0, 16);
    memcpy(out, w, gap);
    memcpy(out + 16 - (n - gap), w + gap, n - gap);
    return 16;
}

/* libpsl answers one name in 2,000-5,000 instructions, and the names of a deployment's
 * certificates repeat (pool, sip, lyncdiscover and web services names, one or two TLDs): each
 * thread keeps its last answers. Fixed buffers: nothing to free at thread exit. */
#define PSL_CACHE_SLOTS 16
#define PSL_CACHE_NAME 64
static _Thread_local struct {
    int type; /* 0: empty */
    bool answer;
    uint8_t len;
    char name[PSL_CACHE_NAME];
} psl_cache[PSL_CACHE_SLOTS];
static _Thread_local unsigned psl_cache_next;

static bool psl_query(const char *domain, int type)
{
    pthread_once(&psl_once, psl_load);
    if (!psl)
        return true;
    char lower[256];
    size_t n = strlen(domain);
    if (n == 0 || n >= sizeof lower)
        return false;
    for (size_t i = 0; i <= n; i++)
        lower[i] = ucp_tolower(domain[i]);
    bool cacheable = n < PSL_CACHE_NAME;
    if (cacheable)
        for (unsigned i = 0; i < PSL_CACHE_SLOTS; i++)
            if (psl_cache[i].type == type && psl_cache[i].len == n && memcmp(psl_cache[i].name, lower, n) == 0)
                return psl_cache[i].answer;
    bool answer = psl_is_public_suffix2(psl, lower, type) != 0;
    if (cacheable) {
        unsigned slot = psl_cache_next++ % PSL_CACHE_SLOTS;
        psl_cache[slot].type = type;
        psl_cache[slot].answer = answer;
        psl_cache[slot].len = (uint8_t)n;
        memcpy(psl_cache[slot].name, lower, n);
    }
    return answer;
}

bool ucp_tld_known(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *tld = dot ? dot + 1 : name;
    if (!*tld)
        return false;
    return psl_query(tld, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE);
}

bool ucp_is_listed_public_suffix(const char *domain)
{
    pthread_once(&psl_once, psl_load);
    return psl && psl_query(domain, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE);
}

bool ucp_ip_reserved(const uint8_t *ip, size_t len, const char **range)
{
    /* IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and updates), the ranges
     * that name no single host on the public Internet; prefix lengths in bits. */
    static const struct {
        uint8_t len, bits;
        uint8_t prefix[16];
        const char *name;
    } ranges[] = {
        {4, 8, {0}, "0.0.0.0/8, this network"},
        {4, 8, {10}, "10.0.0.0/8, private"},
        {4, 10, {100, 64}, "100.64.0.0/10, shared address space"},
        {4, 8, {127}, "127.0.0.0/8, loopback"},
        {4, 16, {169, 254}, "169.254.0.0/16, link-local"},
        {4, 12, {172, 16}, "172.16.0.0/12, private"},
        {4, 24, {192, 0, 0}, "192.0.0.0/24, IETF protocol assignments"},
        {4, 24, {192, 0, 2}, "192.0.2.0/24, documentation"},
        {4, 24, {192, 88, 99}, "192.88.99.0/24, 6to4 relay anycast"},
        {4, 16, {192, 168}, "192.168.0.0/16, private"},
        {4, 15, {198, 18}, "198.18.0.0/15, benchmarking"},
        {4, 24, {198, 51, 100}, "198.51.100.0/24, documentation"},
        {4, 24, {203, 0, 113}, "203.0.113.0/24, documentation"},
        {4, 4, {224}, "224.0.0.0/4, multicast"},
        {4, 4, {240}, "240.0.0.0/4, reserved"},
        {16, 128, {0}, "::/128, unspecified"},
        {16, 128, {[15] = 1}, "::1/128, loopback"},
        {16, 96, {[10] = 0xff, [11] = 0xff}, "::ffff:0:0/96, IPv4-mapped"},
        {16, 96, {0x00, 0x64, 0xff, 0x9b}, "64:ff9b::/96, IPv4/IPv6 translation"},
        {16, 64, {0x01, 0x00}, "100::/64, discard-only"},
        {16, 23, {0x20, 0x01}, "2001::/23, IETF protocol assignments"},
        {16, 32, {0x20, 0x01, 0x0d, 0xb8}, "2001:db8::/32, documentation"},
        {16, 16, {0x20, 0x02}, "2002::/16, 6to4"},
        {16, 7, {0xfc}, "fc00::/7, unique local"},
        {16, 10, {0xfe, 0x80}, "fe80::/10, link-local"},
        {16, 8, {0xff}, "ff00::/8, multicast"},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (ranges[i].len != len)
            continue;
        unsigned bits = ranges[i].bits, full = bits / 8, rest = bits % 8;
        if (memcmp(ip, ranges[i].prefix, full) != 0)
            continue;
        if (rest && ((ip[full] ^ ranges[i].prefix[full]) & (uint8_t)(0xff << (8 - rest))) != 0)
            continue;
        if (range)
            *range = ranges[i].name;
        return true;
    }
    return false;
}
