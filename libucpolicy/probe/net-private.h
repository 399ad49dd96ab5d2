/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_NET_PRIVATE_H
#define UCPOLICY_NET_PRIVATE_H

/*
 * The probe's one network layer: a TCP connection to HOST:PORT (the name resolved within the
 * deadline), and a buffered line reader and a writer over it, every wait bounded by that one
 * deadline. The reader and writer (net.c) run over a stream: the socket itself, or a layer on it
 * (the TLS session, tls.c), or bytes in memory (replay.c). The socket calls are in net-posix.c
 * and nowhere else, or on Windows in its Winsock twin net-win32.c (meson.build picks one).
 * Nothing here knows about probes, TLS or the protocols spoken; it calls core/ only and keeps no
 * global state: one struct ucp_net a connection, any number at once, each used by one thread.
 */

#include "core/core-private.h"

/* ---- bounds (the first two are the probe's, documented in probe.c) ------------------------ */
#define UCP_NET_LINE_MAX 4096  /* bytes of one line read, without its CR LF */
#define UCP_NET_MAX_LINES 100  /* lines of one reply or message header (the protocols count them) */
#define UCP_NET_FIELD_MAX 1024 /* bytes of a line or value kept to be shown (ucp_net_shown) */
#define UCP_NET_BUFFER 8192    /* the reader's buffer */
#define UCP_NET_ADDR_MAX 48    /* a numeric address as text, IPv6 in brackets */

/* ---- streams ------------------------------------------------------------------------------ */
/* What a stream's recv and send give besides a byte count. */
enum {
    UCP_NET_AGAIN = -1,  /* not now: wait for the socket (readable to read, writable to send) */
    UCP_NET_RETRY = -2,  /* nothing moved and nothing to wait for (TLS housekeeping): try again */
    UCP_NET_FAILED = -3, /* the stream failed: reading or sending has ended */
};

/* A stream under the reader and writer. */
struct ucp_net_layer {
    /* At most @len bytes: the number moved, 0 at the end of the stream (recv), or UCP_NET_*
     * (send: UCP_NET_AGAIN or UCP_NET_FAILED). */
    ptrdiff_t (*recv)(void *ctx, void *buf, size_t len);
    ptrdiff_t (*send)(void *ctx, const void *data, size_t len);
    ucp_status send_error; /* what ucp_net_send_all() returns when send fails */
};

/* ---- a connection ------------------------------------------------------------------------- */
struct ucp_net {
    const char *target;   /* "host:port" or "[v6]:port", for messages (borrowed) */
    unsigned timeout_ms;  /* the time the deadline allowed, for messages */
    int64_t deadline;     /* every wait ends by then (ucp_net_now_ms()); a caller may shorten it */
    char address[UCP_NET_ADDR_MAX];    /* once connected: the server's numeric address, or "?" */
    char local_addr[UCP_NET_ADDR_MAX]; /* once connected: ours, IPv6 in brackets */
    unsigned local_port;
    /* the reader's buffer: others may read blen (bytes received, not yet read) and eof */
    char buf[UCP_NET_BUFFER];
    size_t blen;
    bool eof;
    /* net.c's and net-posix.c's alone */
    int fd; /* -1: no socket */
    const struct ucp_net_layer *layer;
    void *layer_ctx;
};

/* net.c: no socket yet, the deadline @timeout_ms from now; the stream is the socket itself. */
void ucp_net_init(struct ucp_net *n, const char *target, unsigned timeout_ms);
/* Read and write through @layer from now on. What the reader held from the stream before is
 * dropped (a caller to whom it matters looks at blen first: STARTTLS). */
void ucp_net_set_layer(struct ucp_net *n, const struct ucp_net_layer *layer, void *ctx);
/* net-posix.c: close the socket, wipe the reader's buffer (it held what the server said). */
void ucp_net_close(struct ucp_net *n);

/* net-posix.c: monotonic milliseconds, the clock of every deadline. */
int64_t ucp_net_now_ms(void);
/* net-posix.c: is @host an IPv4 or IPv6 address (no brackets)? *v6 (may be NULL) says which. */
bool ucp_net_ip_literal(const char *host, bool *v6);
/* net-posix.c: resolve @host (a helper thread, given up at the deadline: the system resolver
 * cannot be interrupted) and connect to each address in turn within the deadline. Fails naming
 * n->target: UCP_E_TIMEOUT, UCP_E_NETWORK. */
ucp_status ucp_net_connect(struct ucp_net *n, const char *host, unsigned port);

/* ---- the socket under a layer (net-posix.c) ----------------------------------------------- */
/* Wait until the socket is writable (@write) or readable, or the deadline passes: 1 ready, 0
 * timed out, -1 error. */
int ucp_net_wait(struct ucp_net *n, bool write);
/* One non-blocking recv()/send() on the socket: the bytes moved (recv: 0 at its end), or -1 with
 * errno set as POSIX sets it (EAGAIN: not now), which is what GnuTLS reads from its transport. */
ptrdiff_t ucp_net_recv_some(struct ucp_net *n, void *buf, size_t len);
ptrdiff_t ucp_net_send_some(struct ucp_net *n, const void *data, size_t len);
/* The socket itself as a stream (ctx: the struct ucp_net). */
extern const struct ucp_net_layer ucp_net_socket_layer;

/* ---- reading and writing (net.c) ---------------------------------------------------------- */
enum ucp_rd { UCP_RD_OK, UCP_RD_EOF, UCP_RD_TIMEOUT, UCP_RD_TOO_LONG, UCP_RD_TOO_MANY, UCP_RD_ERROR };
/* Read more bytes into the buffer (UCP_RD_TOO_LONG: it is full). */
enum ucp_rd ucp_net_fill(struct ucp_net *n);
/* One line without its CR LF into @line (room for UCP_NET_LINE_MAX + 1 bytes; NUL-terminated,
 * NULs inside kept as *len says). */
enum ucp_rd ucp_net_read_line(struct ucp_net *n, char *line, size_t *len);
/* Discard @count bytes (a message body). */
enum ucp_rd ucp_net_skip(struct ucp_net *n, size_t count);
/* Send all of @data: UCP_OK, UCP_E_TIMEOUT, or the layer's send_error. Records no error. */
ucp_status ucp_net_send_all(struct ucp_net *n, const char *data, size_t len);
/* "the server closed the connection", "no answer in time", ... */
const char *ucp_net_rd_text(enum ucp_rd e);
/* Bytes the server sent, as shown in messages and reports: at most UCP_NET_FIELD_MAX of them,
 * escaped (ucp_display_bytes); NULL when out of memory. */
char *ucp_net_shown(const char *s, size_t len);

#endif /* UCPOLICY_NET_PRIVATE_H */
