/* SPDX-License-Identifier: MIT */
/*
 * The TLS endpoints of a topology document (endpoints-private.h) and the certificate role each
 * presents:
 *
 *   Edge pool (an EdgeServer service on it)     Internal side                  edge-internal
 *                                               External side (not the A/V     edge-external
 *                                               Edge's TURN ports)
 *   MediationServer                             Primary and Pstn               mediation
 *   PersistentChatServer                        its ports                      persistent-chat
 *   WacService (Office Online Server)           the farm's DiscoveryUrl host   office-online-server
 *   WebServices, OCSWebSite                     Primary / External             frontend-web-internal /
 *                                                                              frontend-web-external
 *                                                                              (director-web-* on a
 *                                                                              Director pool)
 *   any other service of a pool with a          Primary                        frontend-default
 *   Registrar (conferencing, web components)                                   (director-default)
 *
 * Only Tls, Mtls and Https ports carry a certificate. An Edge's external port is reached by the
 * public name the document gives it (ConfiguredFqdn); XMPP federation, which has none, by the
 * Access Edge name; every other port by the server's FQDN. The Front End's external web port is
 * the server's own (4443, which the reverse proxy publishes as 443).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/endpoints-private.h"

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* Does a service named @role run on pool @k? *director: a Registrar there is a Director. */
static bool pool_runs(const struct ucp_topo_doc *doc, size_t k, const char *role, bool *director)
{
    bool found = false;
    for (size_t i = 0; i < doc->nservices; i++) {
        if (doc->services[i].pool == k && is(doc->services[i].role, role)) {
            found = true;
            if (director && doc->services[i].director)
                *director = true;
        }
    }
    return found;
}

/* Roles whose ports present no certificate of ours, or belong to no server we check. */
static bool no_certificate(const char *role)
{
    static const char *const skip[] = {"PstnGateway", "TrunkConfiguration", "ExchangeUM", "FileStore",
                                       "SqlServer", "ExternalServer", "TrustedApplicationPool"};
    size_t n = role ? strlen(role) : 0;
    if (!role || (n >= 5 && strcmp(role + n - 5, "Store") == 0))
        return true;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strcmp(role, skip[i]) == 0)
            return true;
    return false;
}

/* The role a port of service @s on pool @k presents, or NULL when it presents none. */
static const char *port_role(const struct ucp_topo_doc *doc, size_t k, const struct ucp_topo_service *s,
                             const struct ucp_topo_port *p)
{
    if (!is(p->protocol, "Tls") && !is(p->protocol, "Mtls") && !is(p->protocol, "Https"))
        return NULL;
    if (no_certificate(s->role) || is(s->role, "WacService"))
        return NULL; /* Office Online Server: from its DiscoveryUrl, once */
    if (pool_runs(doc, k, "EdgeServer", NULL)) {
        if (is(p->side, "Internal"))
            return "edge-internal";
        if (is(p->side, "External"))
            return is(p->owner, "MediaRelayEdge") ? NULL : "edge-external";
        return NULL;
    }
    if (is(s->role, "MediationServer"))
        return is(p->side, "Primary") || is(p->side, "Pstn") ? "mediation" : NULL;
    if (is(s->role, "PersistentChatServer"))
        return "persistent-chat";
    bool director = false;
    if (!pool_runs(doc, k, "Registrar", &director))
        return NULL;
    if (is(p->owner, "OCSWebSite")) {
        if (is(p->side, "External"))
            return director ? "director-web-external" : "frontend-web-external";
        if (is(p->side, "Primary"))
            return director ? "director-web-internal" : "frontend-web-internal";
        return NULL;
    }
    if (is(p->side, "Primary"))
        return director ? "director-default" : "frontend-default";
    return NULL;
}

/* SIP is spoken on the ports whose Usage says so (SipServer, SipClient, ...). */
static bool sip_usage(const char *usage)
{
    return usage && strncmp(usage, "Sip", 3) == 0;
}

struct list {
    struct ucp_topo_endpoint *v;
    size_t n, cap;
};

/* Append HOST:PORT unless listed already: UCP_OK or UCP_E_NO_MEMORY. */
static ucp_status add(struct list *l, const char *host, unsigned port, bool sip, const char *protocol,
                      const char *owner, const char *role, size_t server)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].port == port && ucp_strcasecmp(l->v[i].host, host) == 0)
            return UCP_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct ucp_topo_endpoint *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return ucp_fail_nomem();
        l->v = v;
        l->cap = cap;
    }
    struct ucp_topo_endpoint *e = &l->v[l->n];
    memset(e, 0, sizeof *e);
    e->host = ucp_strdup(host);
    e->protocol = ucp_strdup(protocol ? protocol : "");
    e->owner = ucp_strdup(owner ? owner : "");
    if (!e->host || !e->protocol || !e->owner) {
        free(e->host);
        free(e->protocol);
        free(e->owner);
        return ucp_fail_nomem();
    }
    for (char *c = e->host; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    e->port = port;
    e->sip = sip;
    e->role = role;
    e->server = server;
    l->n++;
    return UCP_OK;
}

/* The host and port of an https:// URL (Office Online Server's DiscoveryUrl): false when it is
 * not one. @host has room for 256 bytes. */
static bool url_host(const char *url, char *host, unsigned *port)
{
    if (ucp_strcasecmp(url, "https://") == 0 || strlen(url) < 9)
        return false;
    char scheme[9];
    memcpy(scheme, url, 8);
    scheme[8] = '\0';
    if (ucp_strcasecmp(scheme, "https://") != 0)
        return false;
    const char *h = url + 8, *end = h + strcspn(h, ":/?#");
    size_t n = (size_t)(end - h);
    if (n == 0 || n > 253)
        return false;
    memcpy(host, h, n);
    host[n] = '\0';
    *port = 443;
    if (*end == ':') {
        char *stop;
        long v = strtol(end + 1, &stop, 10);
        if (v < 1 || v > 65535 || (*stop && *stop != '/' && *stop != '?' && *stop != '#'))
            return false;
        *port = (unsigned)v;
    }
    return true;
}

ucp_status ucp_topo_endpoints(const struct ucp_topo_doc *doc, struct ucp_topo_endpoint **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!doc)
        return UCP_OK;
    struct list l = {NULL, 0, 0};
    ucp_status st = UCP_OK;
    for (size_t s = 0; st == UCP_OK && s < doc->nservers; s++) {
        const struct ucp_topo_server *srv = &doc->servers[s];
        size_t k = srv->pool;
        for (size_t i = 0; st == UCP_OK && i < doc->nservices; i++) {
            const struct ucp_topo_service *svc = &doc->services[i];
            if (svc->pool != k)
                continue;
            if (is(svc->role, "WacService") && svc->wac_discovery) {
                char host[256];
                unsigned port;
                if (url_host(svc->wac_discovery, host, &port))
                    st = add(&l, host, port, false, "Https", "WacService", "office-online-server", s);
                continue;
            }
            for (size_t j = 0; st == UCP_OK && j < svc->nports; j++) {
                const struct ucp_topo_port *p = &svc->ports[j];
                const char *role = port_role(doc, k, svc, p);
                if (!role || p->port == 0 || p->port > 65535)
                    continue;
                const char *host = srv->fqdn;
                if (is(role, "edge-external")) {
                    const char *access = ucp_topology_get(srv->facts, UCP_FACT_ACCESS_EDGE, 0);
                    host = p->fqdn ? p->fqdn : access ? access : srv->fqdn;
                }
                st = add(&l, host, p->port, sip_usage(p->usage), p->protocol, p->owner ? p->owner : svc->role,
                         role, s);
            }
        }
    }
    if (st != UCP_OK) {
        ucp_topo_endpoints_free(l.v, l.n);
        return st;
    }
    *out = l.v;
    *count = l.n;
    return UCP_OK;
}

void ucp_topo_endpoints_free(struct ucp_topo_endpoint *endpoints, size_t count)
{
    for (size_t i = 0; endpoints && i < count; i++) {
        free(endpoints[i].host);
        free(endpoints[i].protocol);
        free(endpoints[i].owner);
    }
    free(endpoints);
}
