/* SPDX-License-Identifier: MIT */
/*
 * Probing a live server (ucpolicy/probe.h): TCP connection, SMTP STARTTLS when asked, a GnuTLS
 * handshake that accepts any server certificate (the role check judges it) and presents the
 * client certificate when the server asks for one, then for SIP an OPTIONS request whose answer
 * says whether the server accepted the client. The presented chain becomes an input and is
 * checked like a file; the connection facts are attached to the report. This file holds the
 * public probe object, its options and the run; the parts of a run are in the files listed in
 * probe-private.h.
 *
 * Bounds: one deadline covers the whole run (every wait is a poll() until that deadline, on a
 * non-blocking socket); every line read is at most UCP_NET_LINE_MAX bytes, every reply at most
 * UCP_NET_MAX_LINES lines, a SIP message body is skipped up to MAX_SIP_BODY bytes, at most
 * MAX_SIP_RESPONSES provisional answers are skipped (sip.c), and at most UCP_PROBE_MAX_CERTS
 * certificates of the presented chain are kept. Nothing the server sends is trusted to end a
 * loop.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probe/probe-private.h"

/* ---- names -------------------------------------------------------------------------------- */

UCP_EXPORT ucp_status ucp_probe_protocol_from_name(ucp_probe_protocol *out, const char *name)
{
    if (!out || !name)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_protocol_from_name: invalid argument");
    for (int p = UCP_PROBE_TLS; p <= UCP_PROBE_SIP; p++) {
        if (ucp_strcasecmp(name, ucp_probe_protocol_name((ucp_probe_protocol)p)) == 0) {
            *out = (ucp_probe_protocol)p;
            return UCP_OK;
        }
    }
    char *shown = ucp_display_bytes((const uint8_t *)name, strlen(name));
    ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "unknown protocol '%s'; the protocols are tls, smtp and sip",
                             shown ? shown : "");
    free(shown);
    return st;
}

/* ---- the probe object --------------------------------------------------------------------- */

/* A DNS name usable as SNI: RFC 1123 syntax, no wildcard, no IP literal. */
static ucp_status check_dns_name(const char *name, const char *what)
{
    size_t n = strlen(name);
    enum ucp_name_problem pr = ucp_name_check((const uint8_t *)name, n, false, NULL);
    if (pr != UCP_NAME_OK || ucp_net_ip_literal(name, NULL)) {
        char *shown = ucp_display_bytes((const uint8_t *)name, n);
        ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s '%s' is not a DNS name: %s", what,
                                 shown ? shown : "", pr != UCP_NAME_OK ? ucp_name_problem_text(pr) : "it is an IP address");
        free(shown);
        return st;
    }
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_probe_new(ucp_probe **out, const char *host, unsigned port)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_new: out is NULL");
    *out = NULL;
    if (!host || !*host)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "no host given");
    if (port == 0 || port > 65535)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, host, "the port %u is not between 1 and 65535", port);
    size_t n = strlen(host);
    if (n > 253 + 2)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the host name is longer than 253 characters");
    char bare[260];
    if (host[0] == '[' && host[n - 1] == ']') {
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
    } else {
        memcpy(bare, host, n + 1);
    }
    bool v6;
    bool ip = ucp_net_ip_literal(bare, &v6);
    if (!ip) {
        ucp_status st = check_dns_name(bare, "the host");
        if (st != UCP_OK)
            return st;
    }
    ucp_probe *p = calloc(1, sizeof *p);
    if (!p)
        return ucp_fail_nomem();
    p->host = ucp_strdup(bare);
    p->target = ucp_asprintf(v6 ? "[%s]:%u" : "%s:%u", bare, port);
    p->server_name = ip ? NULL : ucp_strdup(bare);
    if (!p->host || !p->target || (!ip && !p->server_name)) {
        ucp_probe_free(p);
        return ucp_fail_nomem();
    }
    p->port = port;
    p->protocol = UCP_PROBE_TLS;
    p->timeout_ms = UCP_PROBE_DEFAULT_TIMEOUT_MS;
    *out = p;
    return UCP_OK;
}

UCP_EXPORT void ucp_probe_free(ucp_probe *p)
{
    if (!p)
        return;
    if (!p->borrowed_client)
        ucp_probe_credentials_dispose(&p->client);
    free(p->connect_to);
    free(p->host);
    free(p->target);
    free(p->server_name);
    free(p);
}

UCP_EXPORT ucp_status ucp_probe_set_protocol(ucp_probe *p, ucp_probe_protocol protocol)
{
    if (!p || (unsigned)protocol > UCP_PROBE_SIP)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_set_protocol: invalid argument");
    p->protocol = protocol;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_probe_set_server_name(ucp_probe *p, const char *name)
{
    if (!p)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_set_server_name: probe is NULL");
    char *copy = NULL;
    if (name) {
        ucp_status st = check_dns_name(name, "the server name (SNI)");
        if (st != UCP_OK)
            return st;
        if (!(copy = ucp_strdup(name)))
            return ucp_fail_nomem();
    }
    free(p->server_name);
    p->server_name = copy;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_probe_set_timeout(ucp_probe *p, unsigned ms)
{
    if (!p || ms == 0 || ms > 600000)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the probe timeout must be between 1 and 600000 ms");
    p->timeout_ms = ms;
    return UCP_OK;
}

/* ---- client credentials ------------------------------------------------------------------- */

UCP_EXPORT ucp_status ucp_probe_set_client_credentials(ucp_probe *p, const char *cert_file, const char *key_file,
                                                       const char *password)
{
    if (!p || !cert_file || !*cert_file || (key_file && !*key_file))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_set_client_credentials: invalid argument");
    struct ucp_probe_credentials loaded;
    ucp_status st = ucp_probe_credentials_load(&loaded, cert_file, key_file, password);
    if (st != UCP_OK)
        return st;
    ucp_probe_credentials_dispose(&p->client);
    p->client = loaded;
    return UCP_OK;
}

/* ---- the run ------------------------------------------------------------------------------ */

UCP_EXPORT ucp_status ucp_probe_run(ucp_probe *p, ucp_checker *checker, const char *role,
                                    const ucp_topology *topology, ucp_report **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_run: out is NULL");
    *out = NULL;
    if (!p || !checker || !role)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_run: probe, checker or role is NULL");
    const struct ucp_role *rl;
    ucp_status rst = ucp_checker_find_role(role, &rl); /* the one resolver, the one message */
    if (rst != UCP_OK)
        return rst;

    struct ucp_probe_run *r;
    ucp_status st = ucp_probe_run_new(&r, p);
    if (st != UCP_OK)
        return st;
    struct ucp_connection *c = r->conn;
    ucp_input *input = NULL;
    ucp_report *report = NULL;

    st = ucp_net_connect(&r->net, p->connect_to ? p->connect_to : p->host, p->port);
    if (st == UCP_OK && !(c->address = ucp_strdup(r->net.address)))
        st = ucp_fail_nomem();
    if (st == UCP_OK && p->protocol == UCP_PROBE_SMTP)
        st = ucp_smtp_starttls(r);
    if (st == UCP_OK)
        st = ucp_tls_start(r);
    if (st == UCP_OK)
        st = ucp_tls_handshake(r);
    if (st == UCP_OK && c->tls_version) {
        switch (p->protocol) {
        case UCP_PROBE_TLS: ucp_tls_after_handshake(r); break;
        case UCP_PROBE_SMTP: ucp_smtp_after_tls(r); break;
        case UCP_PROBE_SIP: ucp_sip_options(r); break;
        }
        ucp_tls_finish(r);
    }
    if (st == UCP_OK && !r->npeers)
        st = ucp_fail(UCP_E_TLS, p->target, "the server completed the TLS handshake without a certificate");
    if (st == UCP_OK && c->sent && !(c->client_subject = ucp_strdup(p->client.subject)))
        r->nomem = true;
    if (st == UCP_OK && (r->nomem || !c->detail))
        st = ucp_fail_nomem();
    if (st == UCP_OK)
        st = ucp_input_from_der_list(&input, p->target, r->peers, r->npeers);
    if (st == UCP_OK)
        st = ucp_evaluate(checker, input, rl, topology, &report);
    if (st == UCP_OK) {
        report->connection = c; /* the report is not shared yet: still ours to complete */
        r->conn = NULL;
    }

    ucp_input_free(input);
    ucp_probe_run_free(r);
    *out = report;
    return st;
}
