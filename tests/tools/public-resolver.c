/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for the revocation tests: a public address that is this machine. A name
 * ending in ".public.test" resolves to 93.184.216.34 (a public address, IPv4 only), and a
 * connect() to that address goes to 127.0.0.1 on the same port, where the test's HTTP server
 * listens. The library's address check sees a public address and lets the connection through,
 * so the tests can show what only a public address shows: a redirect from it into the loopback
 * network or to a name that resolves there is refused (the check applies to every connection).
 *
 * A name ending in ".private.test" resolves to two private addresses, 10.0.0.5 and 192.168.0.5,
 * as a split-horizon name may: a refusal names both.
 *
 * Nothing leaves the machine under the shim: any other connect() to an address that is not
 * loopback fails with ENETUNREACH. Without the shim a ".public.test" name does not resolve
 * (.test is reserved, RFC 6761), so a test that lost its shim fails instead of going out.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PUBLIC_ADDRESS 0x5db8d822u /* 93.184.216.34 */

static const uint32_t private_addresses[] = {0x0a000005u, 0xc0a80005u}; /* 10.0.0.5, 192.168.0.5 */

static int ends_with(const char *node, const char *suffix)
{
    size_t n = node ? strlen(node) : 0, k = strlen(suffix);
    return n >= k && strcmp(node + n - k, suffix) == 0;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo"); /* the POSIX way to take a function */
    int private = ends_with(node, ".private.test");
    if (!private && !ends_with(node, ".public.test"))
        return real ? real(node, service, hints, res) : EAI_SYSTEM;
    if (hints && hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET)
        return EAI_NONAME;
    char *end = NULL;
    long port = service ? strtol(service, &end, 10) : 0;
    if (service && (*end || port < 0 || port > 65535))
        return EAI_SERVICE;
    /* One block per address, as glibc allocates them: its freeaddrinfo() frees each entry (and
     * its ai_canonname) along ai_next. */
    const uint32_t *addresses = private ? private_addresses : &(const uint32_t){PUBLIC_ADDRESS};
    size_t count = private ? sizeof private_addresses / sizeof private_addresses[0] : 1;
    struct addrinfo *first = NULL, **next = &first;
    for (size_t i = 0; i < count; i++) {
        struct {
            struct addrinfo ai;
            struct sockaddr_in sin;
        } *block = calloc(1, sizeof *block);
        if (!block) {
            freeaddrinfo(first);
            return EAI_MEMORY;
        }
        block->sin.sin_family = AF_INET;
        block->sin.sin_port = htons((uint16_t)port);
        block->sin.sin_addr.s_addr = htonl(addresses[i]);
        block->ai.ai_family = AF_INET;
        block->ai.ai_socktype = hints && hints->ai_socktype ? hints->ai_socktype : SOCK_STREAM;
        block->ai.ai_protocol = block->ai.ai_socktype == SOCK_STREAM ? IPPROTO_TCP : 0;
        block->ai.ai_addrlen = sizeof block->sin;
        block->ai.ai_addr = (struct sockaddr *)&block->sin;
        *next = &block->ai;
        next = &block->ai.ai_next;
    }
    *res = first;
    return 0;
}

/* glibc declares connect() with a transparent union under _GNU_SOURCE: take the same type. */
#if defined(__USE_GNU) && defined(__GLIBC__)
#  define SOCKADDR_ARG __CONST_SOCKADDR_ARG
#  define SOCKADDR_PTR(a) ((a).__sockaddr__)
#else
#  define SOCKADDR_ARG const struct sockaddr *
#  define SOCKADDR_PTR(a) (a)
#endif

int connect(int fd, SOCKADDR_ARG arg, socklen_t len)
{
    const struct sockaddr *addr = SOCKADDR_PTR(arg);
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "connect");
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    if (addr && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;
        memcpy(&sin, addr, sizeof sin);
        uint32_t a = ntohl(sin.sin_addr.s_addr);
        if (a == PUBLIC_ADDRESS) {
            sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return real(fd, (const struct sockaddr *)&sin, sizeof sin);
        }
        if ((a >> 24) != 127) {
            errno = ENETUNREACH;
            return -1;
        }
    } else if (addr && addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, addr, sizeof sin6);
        if (!IN6_IS_ADDR_LOOPBACK(&sin6.sin6_addr)) {
            errno = ENETUNREACH;
            return -1;
        }
    }
    return real(fd, addr, len);
}
