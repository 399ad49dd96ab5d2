/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for the probe tests: getaddrinfo() of a name ending in ".slow.test"
 * answers only after UCP_SLOW_RESOLVER_SECONDS (default 5) seconds, as a resolver with an
 * unreachable name server does (resolv.conf: timeout 5, attempts 2 per server). Every other name
 * goes to the real getaddrinfo(). Lets the test show that `ucpolicy probe --timeout` bounds
 * name resolution too, without a network.
 *
 * With UCP_SLOW_RESOLVER_ANSWERED=FILE, the shim creates FILE when its slow answer is given: a
 * test that finds no FILE once the program has exited knows the program did not wait for the
 * answer, whatever the load of the machine.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo"); /* the POSIX way to take a function */
    static const char suffix[] = ".slow.test";
    size_t n = node ? strlen(node) : 0;
    if (n >= sizeof suffix - 1 && strcmp(node + n - (sizeof suffix - 1), suffix) == 0) {
        const char *env = getenv("UCP_SLOW_RESOLVER_SECONDS");
        struct timespec ts = {env ? atoi(env) : 5, 0};
        while (nanosleep(&ts, &ts) != 0)
            ;
        const char *answered = getenv("UCP_SLOW_RESOLVER_ANSWERED");
        if (answered) {
            int fd = open(answered, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
            if (fd >= 0)
                close(fd);
        }
        return EAI_AGAIN;
    }
    return real ? real(node, service, hints, res) : EAI_SYSTEM;
}
