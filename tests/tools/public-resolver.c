/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for the revocation tests: a public address that is this machine. A name
 * ending in ".public.test" resolves to 93.184.216.34 (a public address, IPv4 only), and a
 * connect() to that address goes to 127.0.0.1 on the same port, where the test's HTTP server
 * listens. The library's address check sees a public address and lets the connection through,
 * so the tests can show what only a public address shows: a redirect from it into the loopback
 * network or to a name that resolves there is refused (the check applies to every connection).
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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PUBLIC_ADDRESS 0x5db8d822u /* 93.184.216.34 */

static const char suffix[] = ".public.test";

static int ours(const char *node)
{
    size_t n = node ? strlen(node) : 0;
    return n >= sizeof suffix - 1 && strcmp(node + n - (sizeof suffix - 1), suffix) == 0;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo"); /* the POSIX way to take a function */
    if (!ours(node))
        return real ? real(node, service, hints, res) : EAI_SYSTEM;
    if (hints && hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET)
        return EAI_NONAME;
    char *end = NULL;
    long port = service ? strtol(service, &end, 10) : 0;
    if (service && (*end || port < 0 || port > 65535))
        return EAI_SERVICE;
    /* One block, as glibc allocates it: its freeaddrinfo() frees ai_canonname and the entry. */
    struct {
        struct addrinfo ai;
        struct sockaddr_in sin;
    } *block = calloc(1, sizeof *block);
    if (!block)
        return EAI_MEMORY;
    block->sin.sin_family = AF_INET;
    block->sin.sin_port = htons((uint16_t)port);
    block->sin.sin_addr.s_addr = htonl(PUBLIC_ADDRESS);
    block->ai.ai_family = AF_INET;
    block->ai.ai_socktype = hints && hints->ai_socktype ? hints->ai_socktype : SOCK_STREAM;
    block->ai.ai_protocol = block->ai.ai_socktype == SOCK_STREAM ? IPPROTO_TCP : 0;
    block->ai.ai_addrlen = sizeof block->sin;
    block->ai.ai_addr = (struct sockaddr *)&block->sin;
    *res = &block->ai;
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
