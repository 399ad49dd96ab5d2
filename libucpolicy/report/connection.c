/* SPDX-License-Identifier: MIT */
/*
 * The connection facts of a probe report (ucpolicy/probe.h, "the report's connection facts"):
 * what happened on the wire. probe/ fills them; the report owns them; the renderers show them.
 */
#include "config.h"

#include <stdlib.h>

#include "report/report-private.h"

void ucp_connection_free(struct ucp_connection *c)
{
    if (!c)
        return;
    free(c->host);
    free(c->address);
    free(c->server_name);
    free(c->tls_version);
    free(c->cipher_suite);
    free(c->client_subject);
    free(c->alert);
    free(c->response);
    free(c->diagnostics);
    free(c->detail);
    free(c);
}

UCP_EXPORT const char *ucp_probe_protocol_name(ucp_probe_protocol p)
{
    switch (p) {
    case UCP_PROBE_TLS: return "tls";
    case UCP_PROBE_SMTP: return "smtp";
    case UCP_PROBE_SIP: return "sip";
    }
    return "";
}

UCP_EXPORT const char *ucp_client_auth_name(ucp_client_auth v)
{
    switch (v) {
    case UCP_CLIENT_AUTH_UNKNOWN: return "unknown";
    case UCP_CLIENT_AUTH_ACCEPTED: return "accepted";
    case UCP_CLIENT_AUTH_REJECTED: return "rejected";
    }
    return "";
}

/* ---- the report's connection facts -------------------------------------------------------- */

ucp_client_auth ucp_connection_verdict(const struct ucp_connection *c) { return c->verdict; }
const char *ucp_connection_detail(const struct ucp_connection *c) { return c->detail; }
const char *ucp_connection_response(const struct ucp_connection *c) { return c->response; }
const char *ucp_connection_diagnostics(const struct ucp_connection *c) { return c->diagnostics; }

static const struct ucp_connection *conn_of(const ucp_report *r)
{
    return r ? r->connection : NULL;
}

UCP_EXPORT bool ucp_report_has_connection(const ucp_report *r) { return conn_of(r) != NULL; }
UCP_EXPORT const char *ucp_report_connection_host(const ucp_report *r) { return conn_of(r) ? conn_of(r)->host : ""; }
UCP_EXPORT unsigned ucp_report_connection_port(const ucp_report *r) { return conn_of(r) ? conn_of(r)->port : 0; }
UCP_EXPORT const char *ucp_report_connection_address(const ucp_report *r) { return conn_of(r) ? conn_of(r)->address : NULL; }
UCP_EXPORT const char *ucp_report_connection_server_name(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->server_name : NULL;
}
UCP_EXPORT ucp_probe_protocol ucp_report_connection_protocol(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->protocol : UCP_PROBE_TLS;
}
UCP_EXPORT const char *ucp_report_connection_tls_version(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->tls_version : NULL;
}
UCP_EXPORT const char *ucp_report_connection_cipher_suite(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->cipher_suite : NULL;
}
UCP_EXPORT bool ucp_report_connection_client_cert_requested(const ucp_report *r)
{
    return conn_of(r) && conn_of(r)->requested;
}
UCP_EXPORT bool ucp_report_connection_client_cert_sent(const ucp_report *r) { return conn_of(r) && conn_of(r)->sent; }
UCP_EXPORT const char *ucp_report_connection_client_cert_subject(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->client_subject : NULL;
}
UCP_EXPORT ucp_client_auth ucp_report_connection_client_auth(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->verdict : UCP_CLIENT_AUTH_UNKNOWN;
}
UCP_EXPORT const char *ucp_report_connection_alert(const ucp_report *r) { return conn_of(r) ? conn_of(r)->alert : NULL; }
UCP_EXPORT const char *ucp_report_connection_response(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->response : NULL;
}
UCP_EXPORT const char *ucp_report_connection_diagnostics(const ucp_report *r)
{
    return conn_of(r) ? conn_of(r)->diagnostics : NULL;
}
UCP_EXPORT const char *ucp_report_connection_detail(const ucp_report *r) { return conn_of(r) ? conn_of(r)->detail : NULL; }
