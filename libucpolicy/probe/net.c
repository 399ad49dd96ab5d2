/* SPDX-License-Identifier: MIT */
/*
 * The network layer's reader and writer (net-private.h): lines and bodies read from a stream into
 * one bounded buffer, data written to it, every wait until the connection's deadline. The stream
 * is a layer of functions (the socket, a TLS session, bytes in memory): nothing here calls the
 * system's sockets, so this file serves every platform.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probe/net-private.h"

_Static_assert(UCP_NET_LINE_MAX == 4096 && UCP_NET_MAX_LINES == 100, "ucp_net_rd_text() names these bounds");
_Static_assert(UCP_NET_BUFFER > UCP_NET_LINE_MAX + 2, "a whole line fits in the buffer");

void ucp_net_init(struct ucp_net *n, const char *target, unsigned timeout_ms)
{
    memset(n, 0, sizeof *n);
    n->target = target;
    n->timeout_ms = timeout_ms;
    n->deadline = ucp_net_now_ms() + timeout_ms;
    n->fd = -1;
    n->layer = &ucp_net_socket_layer;
    n->layer_ctx = n;
}

void ucp_net_set_layer(struct ucp_net *n, const struct ucp_net_layer *layer, void *ctx)
{
    n->layer = layer;
    n->layer_ctx = ctx;
    ucp_wipe(n->buf, n->blen);
    n->blen = 0;
    n->eof = false;
}

enum ucp_rd ucp_net_fill(struct ucp_net *n)
{
    if (n->eof)
        return UCP_RD_EOF;
    if (n->blen == sizeof n->buf)
        return UCP_RD_TOO_LONG;
    for (;;) {
        if (ucp_net_now_ms() >= n->deadline)
            return UCP_RD_TIMEOUT;
        ptrdiff_t k = n->layer->recv(n->layer_ctx, n->buf + n->blen, sizeof n->buf - n->blen);
        if (k == UCP_NET_AGAIN) {
            int w = ucp_net_wait(n, false);
            if (w == 0)
                return UCP_RD_TIMEOUT;
            if (w < 0)
                return UCP_RD_ERROR;
            continue;
        }
        if (k == UCP_NET_RETRY)
            continue; /* until the deadline */
        if (k <= 0) {
            n->eof = true;
            return k == 0 ? UCP_RD_EOF : UCP_RD_ERROR;
        }
        n->blen += (size_t)k;
        return UCP_RD_OK;
    }
}

enum ucp_rd ucp_net_read_line(struct ucp_net *n, char *line, size_t *len)
{
    for (;;) {
        char *nl = memchr(n->buf, '\n', n->blen);
        if (nl) {
            size_t k = (size_t)(nl - n->buf);
            size_t keep = k > 0 && n->buf[k - 1] == '\r' ? k - 1 : k;
            if (keep > UCP_NET_LINE_MAX)
                return UCP_RD_TOO_LONG;
            memcpy(line, n->buf, keep);
            line[keep] = '\0';
            *len = keep;
            memmove(n->buf, nl + 1, n->blen - k - 1);
            n->blen -= k + 1;
            return UCP_RD_OK;
        }
        if (n->blen > UCP_NET_LINE_MAX)
            return UCP_RD_TOO_LONG;
        enum ucp_rd e = ucp_net_fill(n);
        if (e != UCP_RD_OK)
            return e;
    }
}

enum ucp_rd ucp_net_skip(struct ucp_net *n, size_t count)
{
    while (count > 0) {
        if (n->blen == 0) {
            enum ucp_rd e = ucp_net_fill(n);
            if (e != UCP_RD_OK)
                return e;
        }
        size_t k = count < n->blen ? count : n->blen;
        memmove(n->buf, n->buf + k, n->blen - k);
        n->blen -= k;
        count -= k;
    }
    return UCP_RD_OK;
}

ucp_status ucp_net_send_all(struct ucp_net *n, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ptrdiff_t k = n->layer->send(n->layer_ctx, data + off, len - off);
        if (k == UCP_NET_AGAIN) {
            if (ucp_net_wait(n, true) != 1)
                return UCP_E_TIMEOUT;
            continue;
        }
        if (k < 0)
            return n->layer->send_error;
        off += (size_t)k;
    }
    return UCP_OK;
}

const char *ucp_net_rd_text(enum ucp_rd e)
{
    switch (e) {
    case UCP_RD_OK: return "ok";
    case UCP_RD_EOF: return "the server closed the connection";
    case UCP_RD_TIMEOUT: return "no answer in time";
    case UCP_RD_TOO_LONG: return "a line longer than 4096 bytes";
    case UCP_RD_TOO_MANY: return "more than 100 lines";
    case UCP_RD_ERROR: return "a read error";
    }
    return "";
}

char *ucp_net_shown(const char *s, size_t len)
{
    return ucp_display_bytes((const uint8_t *)s, len > UCP_NET_FIELD_MAX ? UCP_NET_FIELD_MAX : len);
}
