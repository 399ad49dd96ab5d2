/* SPDX-License-Identifier: MIT */
/*
 * Which addresses an online fetch may connect to. A certificate under test is untrusted input:
 * its CRL distribution points and OCSP responders name any host, so without a filter `--online`
 * makes the checking machine send requests into its own network (server-side request forgery).
 * fetch.c asks ucp_address_is_private() about every address libcurl is about to connect to,
 * after name resolution and for every redirect; unless the user allows the private network,
 * an address it classifies is refused.
 *
 * Refused: what is not a globally reachable unicast address. IPv4: 0.0.0.0/8, 10/8, 100.64/10,
 * 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.168/16, 198.18/15, 198.51.100/24,
 * 203.0.113/24, 224/4, 240/4 (255.255.255.255 included). IPv6: everything outside 2000::/3
 * (::, ::1, fc00::/7, fe80::/10, fec0::/10, ff00::/8 and the reserved space), 2001::/23 (IETF
 * protocol assignments, Teredo included), 2001:db8::/32 and 3fff::/20 (documentation). Addresses
 * that carry an IPv4 address are judged by it: IPv4-mapped ::ffff:a.b.c.d, IPv4-translated
 * ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96 and 6to4 2002::/16. Unknown families are refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#ifdef _WIN32
#  include <winsock2.h>
#  include <ws2tcpip.h>
#else
#  include <arpa/inet.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
#endif

#include "trust/trust-private.h"

struct v4_range {
    uint32_t net;
    unsigned bits;
    const char *kind;
};

/* Most specific first where ranges nest (255.255.255.255 inside 240/4). */
static const struct v4_range v4_refused[] = {
    {0x00000000u, 8, "an unspecified address (0.0.0.0/8, \"this network\")"},
    {0x0a000000u, 8, "a private address (RFC 1918)"},
    {0x64400000u, 10, "a shared address (carrier-grade NAT, 100.64.0.0/10)"},
    {0x7f000000u, 8, "a loopback address"},
    {0xa9fe0000u, 16, "a link-local address"},
    {0xac100000u, 12, "a private address (RFC 1918)"},
    {0xc0000000u, 24, "an IETF protocol assignment address (192.0.0.0/24)"},
    {0xc0000200u, 24, "a documentation address"},
    {0xc0a80000u, 16, "a private address (RFC 1918)"},
    {0xc6120000u, 15, "a benchmarking address (198.18.0.0/15)"},
    {0xc6336400u, 24, "a documentation address"},
    {0xcb007100u, 24, "a documentation address"},
    {0xe0000000u, 4, "a multicast address"},
    {0xffffffffu, 32, "the broadcast address"},
    {0xf0000000u, 4, "a reserved address (240.0.0.0/4)"},
};

/* The kind of a refused IPv4 address (host byte order), or NULL when it may be reached. */
static const char *v4_kind(uint32_t a)
{
    for (size_t i = 0; i < sizeof v4_refused / sizeof *v4_refused; i++) {
        uint32_t mask = v4_refused[i].bits ? 0xffffffffu << (32 - v4_refused[i].bits) : 0;
        if ((a & mask) == v4_refused[i].net)
            return v4_refused[i].kind;
    }
    return NULL;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool prefix(const uint8_t *a, const uint8_t *p, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, p, whole) != 0)
        return false;
    return rest == 0 || ((a[whole] ^ p[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* The kind of a refused IPv6 address, or NULL; *@v4 is set when the verdict is that of an
 * embedded IPv4 address (@via names the embedding). */
static const char *v6_kind(const uint8_t a[16], const char **via, uint32_t *v4)
{
    static const uint8_t zero[16] = {0};
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t translated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
    static const uint8_t nat64_local[6] = {0, 0x64, 0xff, 0x9b, 0, 1};
    static const uint8_t teredo_ietf[3] = {0x20, 0x01, 0x00};
    static const uint8_t doc[4] = {0x20, 0x01, 0x0d, 0xb8};
    static const uint8_t doc2[3] = {0x3f, 0xff, 0x00};
    *via = NULL;
    if (memcmp(a, zero, 15) == 0 && a[15] <= 1)
        return a[15] ? "a loopback address" : "an unspecified address";
    if (memcmp(a, mapped, 12) == 0)
        *via = "IPv4-mapped";
    else if (memcmp(a, translated, 12) == 0)
        *via = "IPv4-translated";
    else if (memcmp(a, nat64, 12) == 0)
        *via = "NAT64";
    if (*via) {
        *v4 = be32(a + 12);
        return v4_kind(*v4);
    }
    if (prefix(a, nat64_local, 48))
        return "a local-use NAT64 address (64:ff9b:1::/48)";
    if ((a[0] & 0xfe) == 0xfc)
        return "a unique local address (private, fc00::/7)";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return "a link-local address";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return "a site-local address (fec0::/10)";
    if (a[0] == 0xff)
        return "a multicast address";
    if ((a[0] & 0xe0) != 0x20)
        return "a reserved address (outside the global unicast space 2000::/3)";
    if (a[0] == 0x20 && a[1] == 0x02) {
        *via = "6to4";
        *v4 = be32(a + 2);
        return v4_kind(*v4);
    }
    if (prefix(a, doc, 32) || prefix(a, doc2, 20))
        return "a documentation address";
    if (prefix(a, teredo_ietf, 23))
        return "an IETF protocol assignment address (2001::/23, Teredo included)";
    return NULL;
}

bool ucp_address_is_private(const struct sockaddr *sa, char *why, size_t why_size)
{
    char text[INET6_ADDRSTRLEN] = "?";
    const char *kind = NULL, *via = NULL;
    uint32_t v4 = 0;
    if (!sa) {
        kind = "no address";
    } else if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        uint8_t b[4];
        memcpy(b, &in->sin_addr, 4);
        snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        kind = v4_kind(be32(b));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        uint8_t b[16];
        memcpy(b, &in6->sin6_addr, 16);
        if (!inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text))
            snprintf(text, sizeof text, "?");
        kind = v6_kind(b, &via, &v4);
    } else {
        if (why && why_size)
            snprintf(why, why_size, "an address of family %d, which is refused", (int)sa->sa_family);
        return true;
    }
    if (!kind) {
        if (why && why_size)
            why[0] = '\0';
        return false;
    }
    if (why && why_size) {
        if (via)
            snprintf(why, why_size, "%s, %s (%s %u.%u.%u.%u)", text, kind, via, v4 >> 24, (v4 >> 16) & 0xff,
                     (v4 >> 8) & 0xff, v4 & 0xff);
        else
            snprintf(why, why_size, "%s, %s", text, kind);
    }
    return true;
}
