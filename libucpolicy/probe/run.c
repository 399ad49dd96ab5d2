/* SPDX-License-Identifier: MIT */
/*
 * The state of one run of the probe (probe-private.h, struct ucp_probe_run): made with its
 * connection facts begun and its deadline set, and let go with everything it holds - the TLS
 * session, the socket, the reader's buffer (wiped: it held what the server said), the presented
 * chain, and the connection facts unless a report took them.
 */
#include "config.h"

#include <stdlib.h>

#include "probe/probe-private.h"

ucp_status ucp_probe_run_new(struct ucp_probe_run **out, const ucp_probe *p)
{
    *out = NULL;
    struct ucp_probe_run *r = calloc(1, sizeof *r);
    struct ucp_connection *c = calloc(1, sizeof *c);
    if (!r || !c) {
        free(r);
        free(c);
        return ucp_fail_nomem();
    }
    r->probe = p;
    r->conn = c;
    ucp_net_init(&r->net, p->target, p->timeout_ms);
    c->port = p->port;
    c->protocol = p->protocol;
    c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
    c->host = ucp_strdup(p->host);
    c->server_name = p->server_name ? ucp_strdup(p->server_name) : NULL;
    if (!c->host || (p->server_name && !c->server_name)) {
        ucp_probe_run_free(r);
        return ucp_fail_nomem();
    }
    *out = r;
    return UCP_OK;
}

void ucp_probe_run_free(struct ucp_probe_run *r)
{
    if (!r)
        return;
    ucp_tls_dispose(r);
    ucp_net_close(&r->net);
    for (size_t i = 0; i < r->npeers; i++)
        free(r->peers[i].data);
    ucp_connection_free(r->conn);
    free(r);
}
