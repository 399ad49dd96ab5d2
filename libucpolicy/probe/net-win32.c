/* SPDX-License-Identifier: MIT */
/*
 * The network layer's socket calls, Winsock (net-private.h): what net-posix.c does, for Windows.
 * meson.build compiles one of the two. Differences from POSIX that matter here:
 *
 * - Winsock is started once (WSAStartup) before the first call, and never stopped: the library
 *   has no unload hook, and the system cleans up at exit.
 * - A SOCKET is an unsigned handle; it is kept in struct ucp_net's int (Windows' handle values
 *   are small and fit), -1 standing for INVALID_SOCKET as elsewhere.
 * - select(), not WSAPoll(): WSAPoll does not report a refused non-blocking connect before
 *   Windows 10 2004 (it waits for the timeout); select() reports it in its except set.
 * - The resolver thread is a Windows thread waited for with an event, so the deadline is the
 *   monotonic GetTickCount64() clock, as everywhere else.
 * - Errors are WSA codes: recv and send translate them to errno as POSIX would set it (EAGAIN,
 *   ECONNRESET, EPIPE), which is what tls.c and GnuTLS read; messages come from the system
 *   (FormatMessage) in UTF-8. There is no SIGPIPE to suppress.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "probe/net-private.h"

/* Winsock's INET6_ADDRSTRLEN (65) has room for a scope id ("%12"); an address without one has
 * at most 45 characters, as POSIX's 46 counts. A longer text is cut (snprintf), never overrun. */
_Static_assert(UCP_NET_ADDR_MAX >= 45 + 1 + 2, "an IPv6 address in brackets fits");

/* ---- Winsock ------------------------------------------------------------------------------ */

static INIT_ONCE wsa_once = INIT_ONCE_STATIC_INIT;
static int wsa_status = -1;

static BOOL CALLBACK wsa_start(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    WSADATA data;
    wsa_status = WSAStartup(MAKEWORD(2, 2), &data);
    return TRUE;
}

/* 0, or the WSAStartup error. */
static int wsa_ready(void)
{
    InitOnceExecuteOnce(&wsa_once, wsa_start, NULL, NULL);
    return wsa_status;
}

/* The system's text for a Winsock (or Win32) error code, UTF-8, without the trailing newline. */
static void error_text(int err, char *buf, size_t size)
{
    wchar_t w[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)err,
                             MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), w, UCP_ARRAY_SIZE(w), NULL);
    if (n == 0)
        n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)err, 0, w,
                           UCP_ARRAY_SIZE(w), NULL);
    while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ' || w[n - 1] == L'.'))
        n--;
    int k = n ? WideCharToMultiByte(CP_UTF8, 0, w, (int)n, buf, (int)size - 1, NULL, NULL) : 0;
    if (k <= 0) {
        snprintf(buf, size, "Winsock error %d", err);
        return;
    }
    buf[k] = '\0';
}

/* errno as POSIX sets it for the Winsock error @err. */
static int errno_of(int err)
{
    switch (err) {
    case WSAEWOULDBLOCK: return EAGAIN;
    case WSAEINTR: return EINTR;
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAENETRESET: return ECONNRESET;
    case WSAESHUTDOWN: return EPIPE;
    case WSAECONNREFUSED: return ECONNREFUSED;
    case WSAETIMEDOUT: return ETIMEDOUT;
    default: return EIO;
    }
}

/* ---- the clock, addresses, waiting -------------------------------------------------------- */

int64_t ucp_net_now_ms(void)
{
    return (int64_t)GetTickCount64();
}

bool ucp_net_ip_literal(const char *host, bool *v6)
{
    unsigned char buf[sizeof(struct in6_addr)];
    bool is6 = inet_pton(AF_INET6, host, buf) == 1;
    if (v6)
        *v6 = is6;
    return is6 || inet_pton(AF_INET, host, buf) == 1;
}

/* Wait until @fd is writable (@write; a failed connect counts: it is in the except set) or
 * readable, or the deadline passes: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, bool write, int64_t deadline)
{
    SOCKET s = (SOCKET)fd;
    for (;;) {
        int64_t left = deadline - ucp_net_now_ms();
        if (left <= 0)
            return 0;
        if (left > 60000)
            left = 60000;
        fd_set set, except;
        FD_ZERO(&set);
        FD_ZERO(&except);
        FD_SET(s, &set);
        FD_SET(s, &except);
        struct timeval tv = {(long)(left / 1000), (long)(left % 1000) * 1000};
        int r = select(0, write ? NULL : &set, write ? &set : NULL, &except, &tv);
        if (r > 0)
            return 1;
        if (r < 0 && WSAGetLastError() != WSAEINTR)
            return -1;
    }
}

int ucp_net_wait(struct ucp_net *n, bool write)
{
    return wait_fd(n->fd, write, n->deadline);
}

/* ---- name resolution within the deadline ---------------------------------------------------
 * As in net-posix.c: getaddrinfo() cannot be interrupted, so a host name is resolved on a helper
 * thread that this one waits for until the deadline; the request is reference-counted and freed
 * by whichever lets go last. */
struct resolve {
    atomic_int refs;
    HANDLE done; /* a manual-reset event, set when gai and res are */
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
    CloseHandle(q->done);
    free(q);
}

static DWORD WINAPI resolve_thread(LPVOID arg)
{
    struct resolve *q = arg;
    q->gai = getaddrinfo(q->host, q->port, &q->hints, &q->res);
    SetEvent(q->done);
    resolve_release(q);
    return 0;
}

/* getaddrinfo() of @host, given up at @deadline: 0 and *res, a getaddrinfo error (a WSA code), or
 * WSATRY_AGAIN with *timed_out set. Numeric hosts never block and are resolved here. */
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
    q->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE thread = q->done ? CreateThread(NULL, 0, resolve_thread, q, 0, NULL) : NULL;
    if (!thread) {
        if (q->done)
            CloseHandle(q->done);
        free(q);
        return getaddrinfo(host, port, hints, res); /* no thread to spare: wait for the resolver */
    }
    CloseHandle(thread); /* detached: it ends on its own */
    int64_t left = deadline - ucp_net_now_ms();
    DWORD w = WaitForSingleObject(q->done, left <= 0 ? 0 : left >= INFINITE ? INFINITE - 1 : (DWORD)left);
    int gai = WSATRY_AGAIN;
    if (w == WAIT_OBJECT_0) {
        gai = q->gai;
        *res = q->res;
        q->res = NULL; /* ours now; the helper no longer touches it once the event is set */
    } else {
        *timed_out = true;
    }
    resolve_release(q);
    return gai;
}

/* ---- the connection ----------------------------------------------------------------------- */

/* The numeric addresses of both ends of the connected @fd. */
static void note_addresses(struct ucp_net *n, int fd, const struct addrinfo *ai)
{
    char host[INET6_ADDRSTRLEN];
    if (getnameinfo(ai->ai_addr, (socklen_t)ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(host, sizeof host, "?");
    snprintf(n->address, sizeof n->address, "%s", host);
    struct sockaddr_storage local;
    int llen = sizeof local;
    char lhost[INET6_ADDRSTRLEN], lport[8];
    if (getsockname((SOCKET)fd, (struct sockaddr *)&local, &llen) == 0 &&
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
    char text[256];
    int err = wsa_ready();
    if (err != 0) {
        error_text(err, text, sizeof text);
        return ucp_fail_origin(UCP_E_NETWORK, UCP_ORIGIN_SYSTEM, err, n->target, "cannot start Winsock: %s", text);
    }
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (ucp_net_ip_literal(host, NULL) ? AI_NUMERICHOST : 0);
    bool resolve_timed_out;
    int gai = resolve_within(host, service, &hints, n->deadline, &res, &resolve_timed_out);
    if (resolve_timed_out)
        return ucp_fail(UCP_E_TIMEOUT, n->target, "cannot resolve the host name: no answer from the resolver within %u ms",
                        n->timeout_ms);
    if (gai != 0) {
        error_text(gai, text, sizeof text);
        return ucp_fail(UCP_E_NETWORK, n->target, "cannot resolve the host name: %s", text);
    }
    int last_error = 0;
    bool timed_out = false;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        SOCKET s = WSASocketW(ai->ai_family, ai->ai_socktype, ai->ai_protocol, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET || s > (SOCKET)INT_MAX) {
            last_error = s == INVALID_SOCKET ? WSAGetLastError() : WSAEMFILE;
            if (s != INVALID_SOCKET)
                closesocket(s);
            continue;
        }
        u_long nonblocking = 1;
        int rc = ioctlsocket(s, FIONBIO, &nonblocking);
        if (rc == 0)
            rc = connect(s, ai->ai_addr, (int)ai->ai_addrlen);
        if (rc != 0 && WSAGetLastError() == WSAEWOULDBLOCK) {
            int w = wait_fd((int)s, true, n->deadline);
            if (w == 1) {
                int so_error = 0;
                int elen = sizeof so_error;
                if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&so_error, &elen) != 0)
                    so_error = WSAGetLastError();
                rc = so_error ? -1 : 0;
                WSASetLastError(so_error);
            } else {
                rc = -1;
                if (w == 0)
                    timed_out = true;
            }
        }
        if (rc == 0) {
            n->fd = (int)s;
            note_addresses(n, n->fd, ai);
            freeaddrinfo(res);
            return UCP_OK;
        }
        if (!timed_out)
            last_error = WSAGetLastError();
        closesocket(s);
        if (timed_out)
            break;
    }
    freeaddrinfo(res);
    if (timed_out)
        return ucp_fail(UCP_E_TIMEOUT, n->target, "no TCP connection within %u ms", n->timeout_ms);
    if (last_error == WSAECONNREFUSED)
        snprintf(text, sizeof text, "connection refused (nothing listens on that port)");
    else
        error_text(last_error, text, sizeof text);
    return ucp_fail_origin(UCP_E_NETWORK, UCP_ORIGIN_SYSTEM, last_error, n->target, "cannot connect: %s", text);
}

void ucp_net_close(struct ucp_net *n)
{
    if (n->fd >= 0)
        closesocket((SOCKET)n->fd);
    n->fd = -1;
    ucp_wipe(n->buf, sizeof n->buf);
    n->blen = 0;
}

/* ---- the socket as a stream --------------------------------------------------------------- */

ptrdiff_t ucp_net_recv_some(struct ucp_net *n, void *buf, size_t len)
{
    int k = recv((SOCKET)n->fd, buf, len > INT_MAX ? INT_MAX : (int)len, 0);
    if (k == SOCKET_ERROR) {
        int err = WSAGetLastError();
        errno = errno_of(err);
        WSASetLastError(err); /* GnuTLS's own transport errno on Windows reads it */
        return -1;
    }
    return k;
}

ptrdiff_t ucp_net_send_some(struct ucp_net *n, const void *data, size_t len)
{
    int k = send((SOCKET)n->fd, data, len > INT_MAX ? INT_MAX : (int)len, 0);
    if (k == SOCKET_ERROR) {
        int err = WSAGetLastError();
        errno = errno_of(err);
        WSASetLastError(err);
        return -1;
    }
    return k;
}

static bool not_now(void)
{
    return errno == EAGAIN || errno == EINTR;
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
