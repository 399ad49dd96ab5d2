/* SPDX-License-Identifier: MIT */
/*
 * The probe's SIP over TLS: after the handshake, an OPTIONS request; the final answer's status
 * says whether the server accepts the client, and its ms-diagnostics header, when it has one, is
 * kept for the report. Keep-alive CRLFs and at most MAX_SIP_RESPONSES provisional answers (their
 * bodies up to MAX_SIP_BODY bytes) are skipped; at most UCP_NET_MAX_LINES header lines of an
 * answer are read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "probe/probe-private.h"

#define MAX_SIP_RESPONSES 8      /* provisional (1xx) answers skipped before the final one */
#define MAX_SIP_BODY (64 * 1024) /* body bytes of a SIP answer skipped */

static void hex(char *out, size_t bytes)
{
    uint8_t raw[16];
    if (bytes > sizeof raw)
        bytes = sizeof raw;
    if (gnutls_rnd(GNUTLS_RND_NONCE, raw, bytes) < 0)
        memset(raw, 0x5a, bytes);
    for (size_t i = 0; i < bytes; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* "Name: value" with @name matched ASCII case-insensitively; the value with blanks trimmed. */
static const char *header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || !ucp_strcaseeq_n(line, n, name, n))
        return NULL;
    size_t i = n;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || line[i] != ':')
        return NULL;
    i++;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    *vlen = end - i;
    return line + i;
}

void ucp_sip_options(struct ucp_probe_run *r)
{
    const ucp_probe *p = r->probe;
    struct ucp_connection *c = r->conn;
    char branch[33], tag[17], callid[33];
    hex(branch, 16);
    hex(tag, 8);
    hex(callid, 16);
    const char *uri_host = p->server_name ? p->server_name : p->target;
    char *req;
    if (p->server_name)
        req = ucp_asprintf("OPTIONS sip:%s:%u;transport=tls SIP/2.0\r\n", uri_host, p->port);
    else
        req = ucp_asprintf("OPTIONS sip:%s;transport=tls SIP/2.0\r\n", p->target);
    char *rest = ucp_asprintf(
        "Via: SIP/2.0/TLS %s:%u;branch=z9hG4bK%s\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:ucpolicy-probe@%s>;tag=%s\r\n"
        "To: <sip:%s>\r\n"
        "Call-ID: %s@ucpolicy\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Contact: <sip:%s:%u;transport=tls>\r\n"
        "Accept: application/sdp\r\n"
        "User-Agent: ucpolicy/%s\r\n"
        "Content-Length: 0\r\n\r\n",
        r->net.local_addr, r->net.local_port, branch, r->net.local_addr, tag,
        p->server_name ? p->server_name : p->host, callid,
        r->net.local_addr, r->net.local_port, UCP_VERSION);
    if (!req || !rest) {
        free(req);
        free(rest);
        r->nomem = true;
        return;
    }
    ucp_status st = ucp_net_send_all(&r->net, req, strlen(req));
    if (st == UCP_OK)
        st = ucp_net_send_all(&r->net, rest, strlen(rest));
    free(req);
    free(rest);
    if (st != UCP_OK) {
        if (r->tls_error == 0 && st == UCP_E_TIMEOUT) {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ucp_strdup("the SIP OPTIONS request could not be sent in time");
        } else {
            ucp_tls_verdict_from_read(r, UCP_RD_EOF, "before the SIP OPTIONS request was sent");
        }
        return;
    }
    char line[UCP_NET_LINE_MAX + 1];
    size_t len;
    for (size_t resp = 0; resp < MAX_SIP_RESPONSES; resp++) {
        /* Keep-alive CRLFs may precede a message (RFC 5626). */
        enum ucp_rd e;
        size_t blank = 0;
        do
            e = ucp_net_read_line(&r->net, line, &len);
        while (e == UCP_RD_OK && len == 0 && ++blank < UCP_NET_MAX_LINES);
        if (e != UCP_RD_OK) {
            ucp_tls_verdict_from_read(r, e, "after the SIP OPTIONS request");
            return;
        }
        free(c->response);
        c->response = ucp_net_shown(line, len);
        /* Status-Line = "SIP/2.0" SP Status-Code SP Reason-Phrase; a bare "SIP/2.0 200" (no
         * space, no reason) is tolerated as well. */
        int code = -1;
        if (len >= 11 && memcmp(line, "SIP/2.0 ", 8) == 0 && line[8] >= '1' && line[8] <= '6' && line[9] >= '0' &&
            line[9] <= '9' && line[10] >= '0' && line[10] <= '9' && (len == 11 || line[11] == ' '))
            code = (line[8] - '0') * 100 + (line[9] - '0') * 10 + (line[10] - '0');
        if (code < 0) {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ucp_strdup("the server's answer to the SIP OPTIONS request is not a SIP response");
            return;
        }
        size_t body = 0;
        bool ended = false;
        for (size_t h = 0; h < UCP_NET_MAX_LINES; h++) {
            e = ucp_net_read_line(&r->net, line, &len);
            if (e != UCP_RD_OK)
                break;
            if (len == 0) {
                ended = true;
                break;
            }
            size_t vlen;
            const char *v;
            if ((v = header_value(line, len, "ms-diagnostics", &vlen)) && !c->diagnostics) {
                c->diagnostics = ucp_net_shown(v, vlen);
                if (!c->diagnostics)
                    r->nomem = true;
            } else if ((v = header_value(line, len, "content-length", &vlen)) || (v = header_value(line, len, "l", &vlen))) {
                body = 0;
                for (size_t i = 0; i < vlen && i < 10; i++)
                    if (v[i] >= '0' && v[i] <= '9')
                        body = body * 10 + (size_t)(v[i] - '0');
            }
        }
        if (code >= 200) {
            /* The final answer: its status decides, whatever follows it. */
            if (code < 300) {
                c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
            } else if (code == 401 || code == 403 || code == 407) {
                c->verdict = UCP_CLIENT_AUTH_REJECTED;
            } else {
                c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            }
            c->detail = ucp_asprintf("the server answered the SIP OPTIONS request with %d%s%s", code,
                                     c->verdict == UCP_CLIENT_AUTH_UNKNOWN
                                         ? ", which says neither that it accepts this peer nor that it refuses it"
                                         : "",
                                     ended ? "" : " (its header did not end within the limits read)");
            return;
        }
        if (!ended || body > MAX_SIP_BODY || ucp_net_skip(&r->net, body) != UCP_RD_OK) {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ucp_strdup("the server's provisional answer to the SIP OPTIONS request cannot be read to its end");
            return;
        }
    }
    c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
    c->detail = ucp_asprintf("more than %d provisional answers and no final one", MAX_SIP_RESPONSES);
}
