/* SPDX-License-Identifier: MIT */
/*
 * The TLS endpoints of a topology document (libucpolicy/policy/endpoints.c, through the internal
 * twin of the library): for the test topologies in tests/topology (TOPOLOGY_DIR), every
 * endpoint a scan connects to, in order, with its port, whether SIP is spoken, the role and the
 * server whose facts apply; ports without a certificate left out, shared names listed once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/endpoints-private.h"
#include "tap.h"

struct want {
    const char *host;
    unsigned port;
    bool sip;
    const char *role;
    const char *server;
};

static ucp_topology *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TOPOLOGY_DIR, name);
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK || ucp_topology_load_file(t, path) != UCP_OK) {
        printf("# %s: %s\n", name, ucp_error_message(ucp_error_last()));
        exit(TAP_SETUP_FAILURE);
    }
    return t;
}

static void expect(const char *name, const struct want *want, size_t nwant)
{
    ucp_topology *t = load(name);
    struct ucp_topo_endpoint *e = NULL;
    size_t n = 0;
    ucp_status st = ucp_topo_endpoints(t->doc, &e, &n);
    CHECK(st == UCP_OK, "%s: endpoints listed", name);
    if (!CHECK(n == nwant, "%s: %zu endpoints (want %zu)", name, n, nwant))
        for (size_t i = 0; i < n; i++)
            printf("#   %s:%u %s %s\n", e[i].host, e[i].port, e[i].role, t->doc->servers[e[i].server].fqdn);
    for (size_t i = 0; i < n && i < nwant; i++) {
        const struct want *w = &want[i];
        bool ok = strcmp(e[i].host, w->host) == 0 && e[i].port == w->port && e[i].sip == w->sip &&
                  strcmp(e[i].role, w->role) == 0 && strcmp(t->doc->servers[e[i].server].fqdn, w->server) == 0;
        if (!CHECK(ok, "%s: %s:%u is %s of %s%s", name, w->host, w->port, w->role, w->server, w->sip ? " (SIP)" : ""))
            printf("#   got %s:%u %s of %s%s\n", e[i].host, e[i].port, e[i].role,
                   t->doc->servers[e[i].server].fqdn, e[i].sip ? " (SIP)" : "");
    }
    ucp_topo_endpoints_free(e, n);
    ucp_topology_free(t);
}

#define FE(h)                                                                                      \
    {h, 5061, true, "frontend-default", h}, {h, 444, false, "frontend-default", h},                \
        {h, 4443, false, "frontend-web-external", h}, {h, 443, false, "frontend-web-internal", h}, \
        {h, 5062, true, "frontend-default", h}

static const struct want enterprise[] = {
    FE("fe01.contoso.com"),
    FE("fe02.contoso.com"),
    FE("fe03.contoso.com"),
    {"dir01.contoso.com", 5061, true, "director-default", "dir01.contoso.com"},
    {"dir01.contoso.com", 4443, false, "director-web-external", "dir01.contoso.com"},
    {"edge01.contoso.net", 5061, true, "edge-internal", "edge01.contoso.net"},
    {"sip.contoso.com", 5061, true, "edge-external", "edge01.contoso.net"},
    {"edge01.contoso.net", 8057, false, "edge-internal", "edge01.contoso.net"},
    {"webconf.contoso.com", 444, false, "edge-external", "edge01.contoso.net"},
    {"sip.contoso.com", 5269, false, "edge-external", "edge01.contoso.net"},
    {"edge02.contoso.net", 5061, true, "edge-internal", "edge02.contoso.net"},
    {"edge02.contoso.net", 8057, false, "edge-internal", "edge02.contoso.net"},
    {"med01.contoso.com", 5070, true, "mediation", "med01.contoso.com"},
    {"med01.contoso.com", 5067, true, "mediation", "med01.contoso.com"},
    {"pchat01.contoso.com", 5041, true, "persistent-chat", "pchat01.contoso.com"},
    {"oos.contoso.com", 443, false, "office-online-server", "oos.contoso.com"},
};

static const struct want standard[] = {
    {"se01.contoso.com", 5061, true, "frontend-default", "se01.contoso.com"},
    {"se01.contoso.com", 4443, false, "frontend-web-external", "se01.contoso.com"},
    {"se01.contoso.com", 443, false, "frontend-web-internal", "se01.contoso.com"},
};

int main(void)
{
    expect("contoso-enterprise.tbxml", enterprise, sizeof enterprise / sizeof *enterprise);
    expect("contoso-se.tbxml", standard, sizeof standard / sizeof *standard);

    /* No document (facts set by hand): no endpoint, no error. */
    struct ucp_topo_endpoint *e = (void *)1;
    size_t n = 7;
    CHECK(ucp_topo_endpoints(NULL, &e, &n) == UCP_OK && e == NULL && n == 0, "no document: no endpoint");
    return tap_done();
}
