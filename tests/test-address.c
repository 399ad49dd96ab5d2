/* SPDX-License-Identifier: MIT */
/*
 * Which addresses an online fetch may connect to (trust/address.c, through the internal twin of
 * the library): ucp_address_is_private() on a table of addresses at the edges of every refused
 * range, the addresses that carry an IPv4 address (mapped, translated, NAT64, 6to4), unknown
 * families, and the text it gives.
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
#include "tap.h"

struct row {
    const char *address;
    const char *kind; /* a part of the refusal's text, or NULL: may be reached */
};

static const struct row rows[] = {
    /* IPv4: each refused range at its first and last address, and its public neighbours */
    {"0.0.0.0", "an unspecified address"},
    {"0.255.255.255", "an unspecified address"},
    {"1.0.0.0", NULL},
    {"1.1.1.1", NULL},
    {"8.8.8.8", NULL},
    {"9.255.255.255", NULL},
    {"10.0.0.0", "a private address (RFC 1918)"},
    {"10.255.255.255", "a private address (RFC 1918)"},
    {"11.0.0.0", NULL},
    {"93.184.216.34", NULL},
    {"100.63.255.255", NULL},
    {"100.64.0.0", "carrier-grade NAT"},
    {"100.127.255.255", "carrier-grade NAT"},
    {"100.128.0.0", NULL},
    {"126.255.255.255", NULL},
    {"127.0.0.1", "a loopback address"},
    {"127.255.255.254", "a loopback address"},
    {"128.0.0.0", NULL},
    {"169.253.255.255", NULL},
    {"169.254.0.0", "a link-local address"},
    {"169.254.169.254", "a link-local address"}, /* the cloud metadata service */
    {"169.255.0.0", NULL},
    {"172.15.255.255", NULL},
    {"172.16.0.0", "a private address (RFC 1918)"},
    {"172.31.255.255", "a private address (RFC 1918)"},
    {"172.32.0.0", NULL},
    {"191.255.255.255", NULL},
    {"192.0.0.0", "an IETF protocol assignment address"},
    {"192.0.0.255", "an IETF protocol assignment address"},
    {"192.0.1.0", NULL},
    {"192.0.2.1", "a documentation address"},
    {"192.0.3.0", NULL},
    {"192.167.255.255", NULL},
    {"192.168.0.0", "a private address (RFC 1918)"},
    {"192.168.255.255", "a private address (RFC 1918)"},
    {"192.169.0.0", NULL},
    {"198.17.255.255", NULL},
    {"198.18.0.0", "a benchmarking address"},
    {"198.19.255.255", "a benchmarking address"},
    {"198.20.0.0", NULL},
    {"198.51.100.7", "a documentation address"},
    {"203.0.113.255", "a documentation address"},
    {"203.0.114.0", NULL},
    {"223.255.255.255", NULL},
    {"224.0.0.0", "a multicast address"},
    {"239.255.255.255", "a multicast address"},
    {"240.0.0.0", "a reserved address"},
    {"255.255.255.254", "a reserved address"},
    {"255.255.255.255", "the broadcast address"},
    /* IPv6 */
    {"::", "an unspecified address"},
    {"::1", "a loopback address"},
    {"::2", "a reserved address"},
    {"::7f00:1", "a reserved address"}, /* IPv4-compatible, deprecated */
    {"::ffff:127.0.0.1", "a loopback address (IPv4-mapped 127.0.0.1)"},
    {"::ffff:10.1.2.3", "a private address (RFC 1918) (IPv4-mapped 10.1.2.3)"},
    {"::ffff:169.254.169.254", "a link-local address (IPv4-mapped 169.254.169.254)"},
    {"::ffff:0.0.0.0", "an unspecified address"},
    {"::ffff:8.8.8.8", NULL},
    {"::ffff:0:127.0.0.1", "a loopback address (IPv4-translated 127.0.0.1)"},
    {"::ffff:0:8.8.8.8", NULL},
    {"64:ff9b::127.0.0.1", "a loopback address (NAT64 127.0.0.1)"},
    {"64:ff9b::192.168.1.1", "a private address (RFC 1918) (NAT64 192.168.1.1)"},
    {"64:ff9b::8.8.8.8", NULL},
    {"64:ff9b:1::1", "a local-use NAT64 address"},
    {"100::1", "a reserved address"},
    {"1fff:ffff::1", "a reserved address"},
    {"2001::1", "Teredo"},
    {"2001:1ff:ffff::1", "an IETF protocol assignment address"},
    {"2001:200::1", NULL},
    {"2001:db8::1", "a documentation address"},
    {"2001:db9::1", NULL},
    {"2002:7f00:1::1", "a loopback address (6to4 127.0.0.1)"},
    {"2002:a00:1::1", "a private address (RFC 1918) (6to4 10.0.0.1)"},
    {"2002:808:808::1", NULL},
    {"2606:4700:4700::1111", NULL},
    {"2a00:1450:4001::1", NULL},
    {"3ffe:ffff::1", NULL},
    {"3fff::1", "a documentation address"},
    {"3fff:fff::1", "a documentation address"},
    {"3fff:1000::1", NULL},
    {"4000::1", "a reserved address"},
    {"fbff::1", "a reserved address"},
    {"fc00::1", "a unique local address"},
    {"fdff:ffff::1", "a unique local address"},
    {"fe80::1", "a link-local address"},
    {"febf::1", "a link-local address"},
    {"fec0::1", "a site-local address"},
    {"ff02::1", "a multicast address"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "a multicast address"},
};

/* @text as a socket address: false when it is neither IPv4 nor IPv6. */
static bool parse(const char *text, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(80);
        return true;
    }
    if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(80);
        return true;
    }
    return false;
}

int main(void)
{
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return TAP_SETUP_FAILURE;
#endif
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const struct row *r = &rows[i];
        struct sockaddr_storage ss;
        if (!parse(r->address, &ss)) {
            CHECK(false, "the table's address %s parses", r->address);
            continue;
        }
        char why[192] = "unset";
        bool refused = ucp_address_is_private((const struct sockaddr *)&ss, why, sizeof why);
        if (r->kind) {
            if (!CHECK(refused, "%s is refused (%s)", r->address, r->kind))
                continue;
            CHECK_CONTAINS(why, r->kind, "%s: the refusal says what it is", r->address);
        } else {
            if (!CHECK(!refused, "%s may be reached", r->address))
                printf("#   why: %s\n", why);
            else
                CHECK_STR(why, "", "%s: no reason given", r->address);
        }
    }

    /* The text: the address as written, then what it is. */
    struct sockaddr_storage ss;
    char why[192];
    parse("127.0.0.1", &ss);
    ucp_address_is_private((const struct sockaddr *)&ss, why, sizeof why);
    CHECK_STR(why, "127.0.0.1, a loopback address", "the IPv4 text");
    parse("::ffff:7f00:1", &ss);
    ucp_address_is_private((const struct sockaddr *)&ss, why, sizeof why);
    CHECK_STR(why, "::ffff:127.0.0.1, a loopback address (IPv4-mapped 127.0.0.1)", "the IPv4-mapped text");
    parse("FE80:0:0::0001", &ss);
    ucp_address_is_private((const struct sockaddr *)&ss, why, sizeof why);
    CHECK_STR(why, "fe80::1, a link-local address", "an IPv6 address in its canonical form");

    /* Edges of the interface. */
    char small[8];
    memset(small, 'x', sizeof small);
    parse("169.254.169.254", &ss);
    CHECK(ucp_address_is_private((const struct sockaddr *)&ss, small, sizeof small) &&
              memchr(small, '\0', sizeof small) != NULL,
          "a short buffer gets a truncated, terminated text");
    CHECK(ucp_address_is_private((const struct sockaddr *)&ss, NULL, 0), "no buffer: the verdict alone");
    parse("8.8.8.8", &ss);
    CHECK(!ucp_address_is_private((const struct sockaddr *)&ss, NULL, 0), "no buffer: a public address");
    struct sockaddr_storage other;
    memset(&other, 0, sizeof other);
    other.ss_family = AF_UNSPEC; /* or any family the check does not know: refused */
    why[0] = '\0';
    CHECK(ucp_address_is_private((const struct sockaddr *)&other, why, sizeof why),
          "an unknown family is refused");
    CHECK_CONTAINS(why, "an address of family", "the refusal of an unknown family says so");
    CHECK(ucp_address_is_private(NULL, why, sizeof why), "no address is refused");
#ifdef _WIN32
    WSACleanup();
#endif
    return tap_done();
}
