/* SPDX-License-Identifier: MIT */
/*
 * The network layer's socket calls, POSIX (net-private.h): the clock of the deadlines, name
 * resolution within the deadline, a non-blocking TCP connection, waiting for the socket, and the
 * socket as a stream for the reader and writer (net.c). Every call to the system's sockets is in
 * this file; a winsock implementation of the same functions would sit beside it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe/net-private.h"

_Static_assert(UCP_NET_ADDR_MAX >= INET6_ADDRSTRLEN + 2, "an IPv6 address in brackets fits");

int64_t ucp_net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool ucp_net_ip_literal(const char *host, bool *v6)
{
    unsigned char buf[sizeof(struct in6_addr)];
    bool is6 = inet_pton(AF_INET6, host, buf) == 1;
    if (v6)
        *v6 = is6;
    return is6 || inet_pton(AF_INET, host, buf) == 1;
}

/* Wait until @fd is ready for @events or the deadline passes: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - ucp_net_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {fd, events, 0};
        int r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

int ucp_net_wait(struct ucp_net *n, bool write)
{
    return wait_fd(n->fd, write ? POLLOUT : POLLIN, n->deadline);
}

/* ---- name resolution within the deadline ---------------------------------------------------
 * getaddrinfo() cannot be interrupted and the system resolver's own time (resolv.conf timeout x
 * attempts x servers) may exceed --timeout, so a host name is resolved on a helper thread that
 * this one waits for until the deadline. A late helper finishes on its own: the request is
 * reference-counted (this thread and the helper) and freed by whichever lets go last. */
struct resolve {
    atomic_int refs;
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done;
    int gai;
    struct addrinfo hints;
    struct addrinfo *res;
    char port[8];
    char host[];
};

static void resolve_release(struct resolve *q)
{
    if (atomic_fetch_sub(&q->refs, 1) != 1)
        return;
    if (q->res)
        freeaddrinfo(q->res);
    pthread_cond_destroy(&q->done_cv);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static void *resolve_thread(void *arg)
{
    struct resolve *q = arg;
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(q->host, q->port, &q->hints, &res);
    pthread_mutex_lock(&q->lock);
    q->gai = gai;
    q->res = res;
    q->done = true;
    pthread_cond_signal(&q->done_cv);
    pthread_mutex_unlock(&q->lock);
    resolve_release(q);
    return NULL;
}

/* getaddrinfo() of @host, given up at @deadline (ucp_net_now_ms() time): 0 and *res, a
 * getaddrinfo error, or EAI_AGAIN with *timed_out set. Numeric hosts never block and are
 * resolved here. */
static int resolve_within(const char *host, const char *port, const struct addrinfo *hints, int64_t deadline,
                          struct addrinfo **res, bool *timed_out)
{
    *res = NULL;
    *timed_out = false;
    size_t hlen = strlen(host);
    struct resolve *q = (hints->ai_flags & AI_NUMERICHOST) ? NULL : calloc(1, sizeof *q + hlen + 1);
    if (!q)
        return getaddrinfo(host, port, hints, res);
    memcpy(q->host, host, hlen + 1);
    snprintf(q->port, sizeof q->port, "%s", port);
    q->hints = *hints;
    atomic_init(&q->refs, 2);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&q->lock, NULL);
    pthread_attr_t ta;
    pthread_t tid;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    /* The resolver needs little stack, but glibc's NSS modules are not ours to size: default. */
    int rc = pthread_create(&tid, &ta, resolve_thread, q);
    pthread_attr_destroy(&ta);
    if (rc != 0) {
        atomic_store(&q->refs, 1);
        resolve_release(q);
        return getaddrinfo(host, port, hints, res); /* no thread to spare: wait for the resolver */
    }
    int gai = EAI_AGAIN;
    pthread_mutex_lock(&q->lock);
    while (!q->done) {
        int64_t left = deadline - ucp_net_now_ms();
        if (left <= 0)
            break;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)(left / 1000);
        until.tv_nsec += (long)(left % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&q->done_cv, &q->lock, &until);
    }
    if (q->done) {
        gai = q->gai;
        *res = q->res;
        q->res = NULL; /* ours now */
    } else {
        *timed_out = true;
    }
    pthread_mutex_unlock(&q->lock);
    resolve_release(q);
    return gai;
}

/* ---- the connection ----------------------------------------------------------------------- */

/* The numeric addresses of both ends of the connected @fd. */
static void note_addresses(struct ucp_net *n, int fd, const struct addrinfo *ai)
{
    char host[INET6_ADDRSTRLEN];
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(host, sizeof host, "?");
    snprintf(n->address, sizeof n->address, "%s", host);
    struct sockaddr_storage local;
    socklen_t llen = sizeof local;
    char lhost[INET6_ADDRSTRLEN], lport[8];
    if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0 &&
        getnameinfo((struct sockaddr *)&local, llen, lhost, sizeof lhost, lport, sizeof lport,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        snprintf(n->local_addr, sizeof n->local_addr, local.ss_family == AF_INET6 ? "[%s]" : "%s", lhost);
        n->local_port = (unsigned)atoi(lport);
    } else {
        snprintf(n->local_addr, sizeof n->local_addr, "127.0.0.1");
    }
}

ucp_status ucp_net_connect(struct ucp_net *n, const char *host, unsigned port)
{
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* No AI_ADDRCONFIG: on a host with loopback addresses only it would hide "localhost". */
    hints.ai_flags = AI_NUMERICSERV | (ucp_net_ip_literal(host, NULL) ? AI_NUMERICHOST : 0);
    bool resolve_timed_out;
    int gai = resolve_within(host, service, &hints, n->deadline, &res, &resolve_timed_out);
    if (resolve_timed_out)
        return ucp_fail(UCP_E_TIMEOUT, n->target, "cannot resolve the host name: no answer from the resolver within %u ms",
                        n->timeout_ms);
    if (gai != 0)
        return ucp_fail(UCP_E_NETWORK, n->target, "cannot resolve the host name: %s", gai_strerror(gai));
    int last_errno = 0;
    bool timed_out = false;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            int w = wait_fd(fd, POLLOUT, n->deadline);
            if (w == 1) {
                int err = 0;
                socklen_t elen = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
                    err = errno;
                rc = err ? -1 : 0;
                errno = err;
            } else {
                rc = -1;
                if (w == 0)
                    timed_out = true;
            }
        }
        if (rc == 0) {
            n->fd = fd;
            note_addresses(n, fd, ai);
            freeaddrinfo(res);
            return UCP_OK;
        }
        if (!timed_out)
            last_errno = errno;
        close(fd);
        if (timed_out)
            break;
    }
    freeaddrinfo(res);
    if (timed_out)
        return ucp_fail(UCP_E_TIMEOUT, n->target, "no TCP connection within %u ms", n->timeout_ms);
    return ucp_fail_origin(UCP_E_NETWORK, UCP_ORIGIN_SYSTEM, last_errno, n->target, "cannot connect: %s",
                           last_errno == ECONNREFUSED ? "connection refused (nothing listens on that port)"
                                                      : strerror(last_errno));
}

void ucp_net_close(struct ucp_net *n)
{
    if (n->fd >= 0)
        close(n->fd);
    n->fd = -1;
    ucp_wipe(n->buf, sizeof n->buf);
    n->blen = 0;
}

/* ---- the socket as a stream --------------------------------------------------------------- */

ptrdiff_t ucp_net_recv_some(struct ucp_net *n, void *buf, size_t len)
{
    return recv(n->fd, buf, len, 0);
}

ptrdiff_t ucp_net_send_some(struct ucp_net *n, const void *data, size_t len)
{
    return send(n->fd, data, len, MSG_NOSIGNAL);
}

static bool not_now(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

static ptrdiff_t socket_recv(void *ctx, void *buf, size_t len)
{
    ptrdiff_t k = ucp_net_recv_some(ctx, buf, len);
    return k >= 0 ? k : not_now() ? UCP_NET_AGAIN : UCP_NET_FAILED;
}

static ptrdiff_t socket_send(void *ctx, const void *data, size_t len)
{
    ptrdiff_t k = ucp_net_send_some(ctx, data, len);
    return k >= 0 ? k : not_now() ? UCP_NET_AGAIN : UCP_NET_FAILED;
}

const struct ucp_net_layer ucp_net_socket_layer = {socket_recv, socket_send, UCP_E_NETWORK};
