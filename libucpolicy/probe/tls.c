/* SPDX-License-Identifier: MIT */
/*
 * The probe's TLS: a GnuTLS client session over the connection (net.c) that accepts any server
 * certificate, keeping the presented chain for the role check to judge, and presents the client
 * certificate whenever the server asks for one. The handshake, its callbacks and the alerts; what
 * the end of a handshake or of a session says about the client (the verdict); the session as the
 * stream the conversations after the handshake read and write through.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe-private.h"

#define TLS13_SETTLE_MS 1000 /* TLS 1.3: how long to wait for a rejection after the handshake */

/* ---- the transport under GnuTLS: the socket ----------------------------------------------- */

static ssize_t push_fn(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct ucp_probe_run *r = ptr;
    ptrdiff_t n = ucp_net_send_some(&r->net, data, len);
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
        /* The server has closed: its last words (an alert) may be waiting to be read. Swallow what
         * we send so that GnuTLS goes on to read them; reading then ends the exchange. */
        return (ssize_t)len;
    }
    if (n < 0)
        gnutls_transport_set_errno(r->tls, errno); /* on Windows GnuTLS would read WSAGetLastError() */
    return n;
}

static ssize_t pull_fn(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct ucp_probe_run *r = ptr;
    ptrdiff_t n = ucp_net_recv_some(&r->net, data, len);
    if (n > 0 && r->nfirst < UCP_PROBE_FIRST_BYTES) {
        size_t k = (size_t)n < UCP_PROBE_FIRST_BYTES - r->nfirst ? (size_t)n : UCP_PROBE_FIRST_BYTES - r->nfirst;
        memcpy(r->first + r->nfirst, data, k);
        r->nfirst += k;
    }
    if (n < 0)
        gnutls_transport_set_errno(r->tls, errno);
    return n;
}

/* ---- the session as a stream for the conversations after the handshake -------------------- */

static ptrdiff_t session_recv(void *ctx, void *buf, size_t len)
{
    struct ucp_probe_run *r = ctx;
    ssize_t n = gnutls_record_recv(r->tls, buf, len);
    if (n >= 0)
        return n;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        return UCP_NET_AGAIN;
    if (!gnutls_error_is_fatal((int)n))
        return UCP_NET_RETRY; /* a warning alert, a session ticket: keep reading until the deadline */
    r->tls_error = (int)n;
    return n == GNUTLS_E_PREMATURE_TERMINATION ? 0 : UCP_NET_FAILED;
}

static ptrdiff_t session_send(void *ctx, const void *data, size_t len)
{
    struct ucp_probe_run *r = ctx;
    ssize_t n = gnutls_record_send(r->tls, data, len);
    if (n >= 0)
        return n;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        return UCP_NET_AGAIN;
    r->tls_error = (int)n;
    return UCP_NET_FAILED;
}

static const struct ucp_net_layer session_layer = {session_recv, session_send, UCP_E_TLS};

/* ---- the session -------------------------------------------------------------------------- */

/* The presented chain, once (at most UCP_PROBE_MAX_CERTS certificates). */
static void keep_peers(struct ucp_probe_run *r)
{
    if (r->npeers)
        return;
    unsigned n = 0;
    const gnutls_datum_t *list = gnutls_certificate_get_peers(r->tls, &n);
    for (unsigned i = 0; list && i < n; i++) {
        if (r->npeers == UCP_PROBE_MAX_CERTS) {
            r->peers_truncated = true;
            break;
        }
        uint8_t *d = malloc(list[i].size ? list[i].size : 1);
        if (!d) {
            r->nomem = true;
            return;
        }
        memcpy(d, list[i].data, list[i].size);
        r->peers[r->npeers].data = d;
        r->peers[r->npeers].len = list[i].size;
        r->npeers++;
    }
}

/* Called by GnuTLS when the server's certificate has arrived: keep the chain, accept it. */
static int verify_fn(gnutls_session_t session)
{
    keep_peers(gnutls_session_get_ptr(session));
    return 0;
}

/* Called by GnuTLS when the server asks for a client certificate. */
static int retrieve_fn(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                       const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                       unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
    struct ucp_probe_run *r = gnutls_session_get_ptr(session);
    r->conn->requested = true;
    /* Present the configured certificate whatever CA names the server lists, as a server
     * configured with one certificate does: the server's judgement is what the probe reports. */
    if (r->probe->client.npcerts) {
        *pcert = r->probe->client.pcerts;
        *pcert_length = r->probe->client.npcerts;
        *privkey = r->probe->client.key;
        r->conn->sent = true;
    } else {
        *pcert = NULL;
        *pcert_length = 0;
        *privkey = NULL;
    }
    return 0;
}

ucp_status ucp_tls_start(struct ucp_probe_run *r)
{
    const ucp_probe *p = r->probe;
    int ret;
    if ((ret = gnutls_certificate_allocate_credentials(&r->tls_cred)) < 0 ||
        (ret = gnutls_init(&r->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0)
        return ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, p->target, "%s", gnutls_strerror(ret));
    gnutls_certificate_set_retrieve_function2(r->tls_cred, retrieve_fn);
    gnutls_session_set_ptr(r->tls, r);
    gnutls_session_set_verify_function(r->tls, verify_fn);
    if ((ret = gnutls_set_default_priority(r->tls)) < 0 ||
        (ret = gnutls_credentials_set(r->tls, GNUTLS_CRD_CERTIFICATE, r->tls_cred)) < 0 ||
        (p->server_name && (ret = gnutls_server_name_set(r->tls, GNUTLS_NAME_DNS, p->server_name,
                                                         strlen(p->server_name))) < 0))
        return ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, p->target, "%s", gnutls_strerror(ret));
    gnutls_transport_set_ptr(r->tls, r);
    gnutls_transport_set_push_function(r->tls, push_fn);
    gnutls_transport_set_pull_function(r->tls, pull_fn);
    ucp_net_set_layer(&r->net, &session_layer, r);
    return UCP_OK;
}

/* ---- the handshake ------------------------------------------------------------------------ */

static const char *alert_name(gnutls_alert_description_t a)
{
    switch ((int)a) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    }
    return NULL;
}

static void record_alert(struct ucp_probe_run *r)
{
    gnutls_alert_description_t a = gnutls_alert_get(r->tls);
    const char *name = alert_name(a);
    free(r->conn->alert);
    r->conn->alert = name ? ucp_strdup(name) : ucp_asprintf("alert %d", (int)a);
    if (!r->conn->alert)
        r->nomem = true;
}

static bool looks_tls(const struct ucp_probe_run *r)
{
    /* A TLS record starts with a content type 20-23 and a major version 3. */
    return r->nfirst == 0 || (r->first[0] >= 20 && r->first[0] <= 23 && (r->nfirst < 2 || r->first[1] == 3));
}

ucp_status ucp_tls_handshake(struct ucp_probe_run *r)
{
    const ucp_probe *p = r->probe;
    struct ucp_connection *c = r->conn;
    int ret;
    for (unsigned rounds = 0;; rounds++) {
        ret = gnutls_handshake(r->tls);
        if (ret == 0)
            break;
        if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
            int w = ucp_net_wait(&r->net, gnutls_record_get_direction(r->tls) != 0);
            if (w == 1 && rounds < 1000000)
                continue;
            ret = w == 0 ? GNUTLS_E_TIMEDOUT : GNUTLS_E_PULL_ERROR;
            break;
        }
        if (!gnutls_error_is_fatal(ret) && ucp_net_now_ms() < r->net.deadline)
            continue;
        if (!gnutls_error_is_fatal(ret))
            ret = GNUTLS_E_TIMEDOUT;
        break;
    }
    if (ret != 0)
        keep_peers(r); /* when the alert came before the verify callback ran */
    if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
        record_alert(r);
    if (ret == 0) {
        keep_peers(r);
        const char *v = gnutls_protocol_get_name(gnutls_protocol_get_version(r->tls));
        const char *cs = gnutls_ciphersuite_get(r->tls);
        c->tls_version = v ? ucp_strdup(v) : NULL;
        c->cipher_suite = cs ? ucp_strdup(cs) : NULL;
        if ((v && !c->tls_version) || (cs && !c->cipher_suite))
            r->nomem = true;
        return UCP_OK;
    }
    if (r->npeers) {
        /* The server sent its certificate, then ended the handshake: a verdict on the client. */
        if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED || ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_PULL_ERROR) {
            c->verdict = UCP_CLIENT_AUTH_REJECTED;
            c->detail = ucp_asprintf(ret == GNUTLS_E_FATAL_ALERT_RECEIVED
                                         ? "the server ended the TLS handshake with an alert%s"
                                         : "the server closed the connection during the TLS handshake%s",
                                     c->requested ? (c->sent ? " after receiving the client certificate"
                                                             : " after asking for a client certificate that the probe did not have")
                                                  : "");
        } else {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ret == GNUTLS_E_TIMEDOUT
                            ? ucp_asprintf("the TLS handshake did not complete within %u ms", p->timeout_ms)
                            : ucp_asprintf("the TLS handshake failed after the server's certificate: %s",
                                           gnutls_strerror(ret));
        }
        return UCP_OK;
    }
    if (ret == GNUTLS_E_TIMEDOUT)
        return ucp_fail(UCP_E_TIMEOUT, p->target, r->nfirst ? "the TLS handshake did not complete within %u ms"
                                                            : "no answer to the TLS ClientHello within %u ms",
                        p->timeout_ms);
    if (!looks_tls(r)) {
        /* GnuTLS stopped at the record header: show a little more of what the server said. */
        if (r->nfirst < UCP_PROBE_FIRST_BYTES) {
            ptrdiff_t n = ucp_net_recv_some(&r->net, r->first + r->nfirst, UCP_PROBE_FIRST_BYTES - r->nfirst);
            if (n > 0)
                r->nfirst += (size_t)n;
        }
        char *first = ucp_display_bytes(r->first, r->nfirst);
        ucp_status st = ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                                        "the server does not speak TLS%s (it sent '%s')",
                                        p->protocol == UCP_PROBE_SMTP ? " after STARTTLS" : "", first ? first : "");
        free(first);
        return st;
    }
    if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
        return ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                               "the TLS handshake failed before the server sent a certificate: the server sent the "
                               "alert %s",
                               c->alert ? c->alert : "?");
    if (ret == GNUTLS_E_PREMATURE_TERMINATION || (ret == GNUTLS_E_PULL_ERROR && r->nfirst == 0))
        return ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                               "the server closed the connection before sending a certificate");
    return ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                           "the TLS handshake failed before the server sent a certificate: %s", gnutls_strerror(ret));
}

/* ---- after the handshake ------------------------------------------------------------------ */

void ucp_tls_verdict_from_read(struct ucp_probe_run *r, enum ucp_rd e, const char *when)
{
    struct ucp_connection *c = r->conn;
    if (r->tls_error == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        c->verdict = UCP_CLIENT_AUTH_REJECTED;
        c->detail = ucp_asprintf("the server ended the TLS session with an alert %s", when);
    } else if (e == UCP_RD_EOF || r->tls_error == GNUTLS_E_PREMATURE_TERMINATION ||
               r->tls_error == GNUTLS_E_PULL_ERROR) {
        c->verdict = UCP_CLIENT_AUTH_REJECTED;
        c->detail = ucp_asprintf("the server closed the connection %s without answering", when);
    } else {
        c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
        if (e == UCP_RD_TIMEOUT)
            c->detail = ucp_asprintf("no answer to the SIP OPTIONS request within %u ms", r->probe->timeout_ms);
        else
            c->detail = ucp_asprintf("the answer to the SIP OPTIONS request cannot be read: %s", ucp_net_rd_text(e));
    }
}

/* Plain TLS: the handshake's end says it all, except in TLS 1.3, where the server judges the
 * client's certificate after the client has finished: wait briefly for its alert. */
void ucp_tls_after_handshake(struct ucp_probe_run *r)
{
    struct ucp_connection *c = r->conn;
    bool tls13 = gnutls_protocol_get_version(r->tls) == GNUTLS_TLS1_3;
    if (!c->requested || !tls13) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_strdup(!c->requested ? "the TLS handshake completed; the server did not ask for a client certificate"
                                             : "the TLS handshake completed, which in TLS 1.2 means the server accepted the client");
        return;
    }
    int64_t saved = r->net.deadline;
    int64_t settle = ucp_net_now_ms() + TLS13_SETTLE_MS;
    if (settle < r->net.deadline)
        r->net.deadline = settle;
    enum ucp_rd e = ucp_net_fill(&r->net);
    r->net.deadline = saved;
    if (e == UCP_RD_OK) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_strdup("the server sent application data after the TLS 1.3 handshake");
    } else if (e == UCP_RD_TIMEOUT) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_asprintf("no alert within %d ms after the TLS 1.3 handshake", TLS13_SETTLE_MS);
    } else {
        ucp_tls_verdict_from_read(r, e, "after the TLS 1.3 handshake");
        if (c->verdict == UCP_CLIENT_AUTH_REJECTED && r->tls_error != GNUTLS_E_FATAL_ALERT_RECEIVED) {
            free(c->detail);
            c->detail = ucp_strdup("the server closed the connection right after the TLS 1.3 handshake");
        }
    }
}

void ucp_tls_finish(struct ucp_probe_run *r)
{
    if (r->tls_error == GNUTLS_E_FATAL_ALERT_RECEIVED)
        record_alert(r);
    /* A polite end, without waiting for the server's. */
    if (!r->net.eof)
        gnutls_bye(r->tls, GNUTLS_SHUT_WR);
}

void ucp_tls_dispose(struct ucp_probe_run *r)
{
    if (r->tls)
        gnutls_deinit(r->tls);
    r->tls = NULL;
    if (r->tls_cred)
        gnutls_certificate_free_credentials(r->tls_cred);
    r->tls_cred = NULL;
}
