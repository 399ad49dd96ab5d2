/* SPDX-License-Identifier: MIT */
/*
 * The probe's SMTP: before TLS, the greeting, EHLO and STARTTLS, refusing a server that sends
 * anything between accepting STARTTLS and the ClientHello; after TLS, EHLO again, whose answer
 * says whether the server goes on with this client. Every reply is read whole (at most
 * UCP_NET_MAX_LINES lines), its last line kept to be shown.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe-private.h"

/* One SMTP reply: its code (or -1 when malformed), its last line (shown, malloc'd), and whether a
 * line of it says @keyword (EHLO extensions). */
static enum ucp_rd smtp_reply(struct ucp_probe_run *r, int *code, char **last, const char *keyword,
                              bool *has_keyword)
{
    char line[UCP_NET_LINE_MAX + 1];
    size_t len = 0;
    *code = -1;
    *last = NULL;
    if (has_keyword)
        *has_keyword = false;
    for (size_t i = 0; i < UCP_NET_MAX_LINES; i++) {
        enum ucp_rd e = ucp_net_read_line(&r->net, line, &len);
        if (e != UCP_RD_OK)
            return e;
        free(*last);
        *last = ucp_net_shown(line, len);
        if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' ||
            line[2] > '9' || (len > 3 && line[3] != ' ' && line[3] != '-')) {
            *code = -1;
            return UCP_RD_OK; /* not SMTP */
        }
        int c = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (*code >= 0 && c != *code) {
            *code = -1;
            return UCP_RD_OK;
        }
        *code = c;
        if (has_keyword && len >= 4 + strlen(keyword) &&
            ucp_strcaseeq_n(line + 4, strlen(keyword), keyword, strlen(keyword)) &&
            (len == 4 + strlen(keyword) || line[4 + strlen(keyword)] == ' '))
            *has_keyword = true;
        if (len == 3 || line[3] == ' ')
            return UCP_RD_OK;
    }
    return UCP_RD_TOO_MANY;
}

static ucp_status send_ehlo(struct ucp_probe_run *r)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "EHLO %s\r\n", r->net.local_addr);
    return ucp_net_send_all(&r->net, cmd, strlen(cmd));
}

static ucp_status smtp_fail(struct ucp_probe_run *r, enum ucp_rd e, const char *step)
{
    const ucp_probe *p = r->probe;
    if (e == UCP_RD_TIMEOUT)
        return ucp_fail(UCP_E_TIMEOUT, p->target, "no SMTP %s within %u ms", step, p->timeout_ms);
    return ucp_fail(UCP_E_NETWORK, p->target, "SMTP %s: %s", step, ucp_net_rd_text(e));
}

ucp_status ucp_smtp_starttls(struct ucp_probe_run *r)
{
    const ucp_probe *p = r->probe;
    int code;
    char *last = NULL;
    bool starttls = false;
    ucp_status st = UCP_OK;
    enum ucp_rd e = smtp_reply(r, &code, &last, "", NULL);
    if (e != UCP_RD_OK) {
        st = smtp_fail(r, e, "greeting");
        goto out;
    }
    if (code != 220) {
        st = ucp_fail(UCP_E_NETWORK, p->target, code < 0 ? "the server does not speak SMTP: '%s'"
                                                         : "the SMTP server refused the session: '%s'", last);
        goto out;
    }
    if ((st = send_ehlo(r)) != UCP_OK) {
        st = ucp_fail(st, p->target, "cannot send EHLO");
        goto out;
    }
    free(last);
    e = smtp_reply(r, &code, &last, "STARTTLS", &starttls);
    if (e != UCP_RD_OK) {
        st = smtp_fail(r, e, "answer to EHLO");
        goto out;
    }
    if (code != 250) {
        st = ucp_fail(UCP_E_NETWORK, p->target, "the SMTP server refused EHLO: '%s'", last ? last : "");
        goto out;
    }
    if (!starttls) {
        st = ucp_fail(UCP_E_UNSUPPORTED, p->target, "the SMTP server does not offer STARTTLS");
        goto out;
    }
    if ((st = ucp_net_send_all(&r->net, "STARTTLS\r\n", 10)) != UCP_OK) {
        st = ucp_fail(st, p->target, "cannot send STARTTLS");
        goto out;
    }
    free(last);
    e = smtp_reply(r, &code, &last, "", NULL);
    if (e != UCP_RD_OK) {
        st = smtp_fail(r, e, "answer to STARTTLS");
        goto out;
    }
    if (code != 220) {
        st = ucp_fail(UCP_E_NETWORK, p->target, "the SMTP server refused STARTTLS: '%s'", last ? last : "");
        goto out;
    }
    if (r->net.blen) {
        /* Bytes sent before our ClientHello cannot be TLS: a plaintext injection (CVE-2011-0411). */
        st = ucp_fail(UCP_E_NETWORK, p->target,
                      "the SMTP server sent %zu bytes after accepting STARTTLS; not starting TLS on that session",
                      r->net.blen);
        goto out;
    }
out:
    free(last);
    return st;
}

/* After TLS: EHLO again; its answer tells whether the server goes on with this client. */
void ucp_smtp_after_tls(struct ucp_probe_run *r)
{
    struct ucp_connection *c = r->conn;
    int code = -1;
    char *last = NULL;
    enum ucp_rd e = UCP_RD_ERROR;
    if (send_ehlo(r) == UCP_OK)
        e = smtp_reply(r, &code, &last, "", NULL);
    c->response = last;
    if (e == UCP_RD_OK && code >= 200 && code < 300) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_asprintf("the server answered EHLO with %d after TLS", code);
        ucp_net_send_all(&r->net, "QUIT\r\n", 6);
    } else if (e == UCP_RD_OK && code >= 500) {
        c->verdict = UCP_CLIENT_AUTH_REJECTED;
        c->detail = ucp_asprintf("the server refused EHLO with %d after TLS", code);
    } else if (e == UCP_RD_OK) {
        c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
        c->detail = ucp_strdup(code < 0 ? "the server's answer to EHLO after TLS is not an SMTP reply"
                                        : "the server answered EHLO after TLS with neither success nor refusal");
    } else {
        c->verdict = r->tls_error == GNUTLS_E_FATAL_ALERT_RECEIVED || e == UCP_RD_EOF ? UCP_CLIENT_AUTH_REJECTED
                                                                                    : UCP_CLIENT_AUTH_UNKNOWN;
        c->detail = ucp_asprintf("after TLS, EHLO got no answer: %s", ucp_net_rd_text(e));
    }
}
