/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_ENDPOINTS_PRIVATE_H
#define UCPOLICY_ENDPOINTS_PRIVATE_H

/*
 * The TLS endpoints of a topology document (endpoints.c): every TLS, MTLS and HTTPS port the
 * document lists for each server, with the certificate role that port presents and the server
 * whose facts the role rules use. What `ucpolicy scan` connects to. Part of policy/ (see
 * policy-private.h for the model it reads).
 */

#include "policy/policy-private.h"

struct ucp_topo_endpoint {
    char *host;         /* the name connected to and sent as SNI (lower case) */
    unsigned port;
    bool sip;           /* a SIP port (Usage Sip*): SIP OPTIONS after the handshake; else plain TLS */
    char *protocol;     /* as the document says: "Mtls", "Tls" or "Https" */
    char *owner;        /* the port's component ("Registrar", "AccessEdge", ...), or the service's role */
    const char *role;   /* the role id (static) */
    size_t server;      /* index in doc->servers: whose facts apply */
};

/* The endpoints of @doc, in document order (server by server), each HOST:PORT once (the first
 * server naming it keeps it: a pool's shared external name). Ports that carry no certificate
 * (TCP, UDP, the A/V Edge's TURN ports) and roles with no certificate rule (stores, gateways)
 * are left out. An empty list is not an error. On failure *out is NULL. */
ucp_status ucp_topo_endpoints(const struct ucp_topo_doc *doc, struct ucp_topo_endpoint **out, size_t *count);
void ucp_topo_endpoints_free(struct ucp_topo_endpoint *endpoints, size_t count);

#endif /* UCPOLICY_ENDPOINTS_PRIVATE_H */
