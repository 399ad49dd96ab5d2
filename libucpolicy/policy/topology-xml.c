/* SPDX-License-Identifier: MIT */
/*
 * Skype for Business / Lync topology documents: the Topology Builder file (.tbxml, root
 * TopologyBuilder) and the published topology (Get-CsTopology -AsXml, root Topology), read with
 * libxml2's streaming reader into the model of policy-private.h and each server's facts.
 *
 * Bounded like every input: the size (UCP_MAX_TOPOLOGY_XML_SIZE), the nesting depth and the
 * number of elements (counted while reading, so a hostile document stops early), no network
 * (XML_PARSE_NONET), no DTD at all (a document type declaration is refused as soon as it is
 * met, so no entity is ever declared, loaded or expanded). Elements are matched by namespace
 * and local name, never by prefix.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy-private.h"
#include "policy/libxml-private.h" /* brings libxml/parser.h and libxml/xmlreader.h */

#define NS_BUILDER "urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"
#define NS_TOPOLOGY "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"
/* Every element of the topology lives in one of these (Topology, WritableTopology, ServiceRoles,
 * Settings.SimpleUrl, WebServices ...). */
#define NS_RTC_PREFIX "urn:schema:Microsoft.Rtc.Management."

/* ---- the model ------------------------------------------------------------------------------ */

/* Grow an array by one zeroed element; NULL when out of memory or past the limit. */
static void *grow(void **array, size_t *count, size_t size, size_t limit)
{
    if (*count >= limit)
        return NULL;
    void *a = realloc(*array, (*count + 1) * size);
    if (!a)
        return NULL;
    *array = a;
    void *item = (char *)a + *count * size;
    memset(item, 0, size);
    (*count)++;
    return item;
}

/* ---- the reader ------------------------------------------------------------------------------ */

struct parse {
    xmlTextReaderPtr reader;
    const char *source;
    struct ucp_topo_doc *doc;
    ucp_topology *facts;      /* shared: SIP domains, simple URLs */
    char *default_domain;
    ucp_status status;        /* the first error (then the reading stops) */
    char xml_error[256];      /* libxml2's own message for a syntax error */
    int xml_error_line;
    /* context: the local name of each open element, and the pool and service being read */
    const char *open[UCP_MAX_TOPOLOGY_XML_DEPTH + 1];
    int pool_depth, service_depth;
    unsigned elements;
};

#if LIBXML_VERSION >= 21200
static void on_xml_error(void *arg, const xmlError *e)
#else
static void on_xml_error(void *arg, xmlErrorPtr e)
#endif
{
    struct parse *p = arg;
    if (!e || p->xml_error[0])
        return;
    if (e->level < XML_ERR_ERROR)
        return;
    snprintf(p->xml_error, sizeof p->xml_error, "%s", e->message ? e->message : "syntax error");
    size_t n = strlen(p->xml_error);
    while (n && (p->xml_error[n - 1] == '\n' || p->xml_error[n - 1] == ' '))
        p->xml_error[--n] = '\0';
    p->xml_error_line = e->line;
}

/* The line of the element being read (the parser itself may have read ahead). */
static int line(const struct parse *p)
{
    xmlNodePtr node = sym_xmlTextReaderCurrentNode(p->reader);
    long n = node ? sym_xmlGetLineNo(node) : -1;
    return n > 0 && n < INT32_MAX ? (int)n : sym_xmlTextReaderGetParserLineNumber(p->reader);
}

/* Fail naming the file, the line and the element. */
UCP_PRINTF(2, 3) static ucp_status fail(struct parse *p, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const xmlChar *name = sym_xmlTextReaderConstLocalName(p->reader);
    p->status = ucp_fail(UCP_E_TOPOLOGY, p->source, "line %d, element <%s>: %s", line(p),
                         name ? (const char *)name : "?", why);
    return p->status;
}

static ucp_status nomem(struct parse *p)
{
    return p->status = ucp_fail_nomem();
}

/* An attribute (no namespace), a malloc'd copy or NULL when absent. */
static char *attr(struct parse *p, const char *name)
{
    xmlChar *v = sym_xmlTextReaderGetAttribute(p->reader, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = ucp_strdup((const char *)v);
    (*sym_xmlFree)(v);
    if (!s)
        nomem(p);
    return s;
}

static bool attr_is_true(struct parse *p, const char *name)
{
    char *v = attr(p, name);
    bool t = v && ucp_strcasecmp(v, "true") == 0;
    free(v);
    return t;
}

/* An FQDN attribute, normalised; NULL when absent (or on error: p->status says). */
static char *fqdn_attr(struct parse *p, const char *name, bool required)
{
    char *v = attr(p, name);
    if (!v) {
        if (required && p->status == UCP_OK)
            fail(p, "the %s attribute is missing", name);
        return NULL;
    }
    const char *why = NULL;
    char *norm = ucp_normalize_fqdn(v, &why);
    if (!norm) {
        char *shown = ucp_display_bytes((const uint8_t *)v, strlen(v));
        fail(p, "%s=\"%s\" is not a valid FQDN: %s", name, shown ? shown : "", why ? why : "invalid");
        free(shown);
    }
    free(v);
    return norm;
}

/* Add a value to a shared list fact, the error located at the element. */
static void add_shared(struct parse *p, ucp_fact f, const char *value)
{
    if (!value || !*value || p->status != UCP_OK)
        return;
    if (ucp_topology_add(p->facts, f, value) != UCP_OK) {
        char *msg = ucp_strdup(ucp_error_message(ucp_error_last()));
        fail(p, "%s", msg ? msg : "invalid value");
        free(msg);
    }
}

static bool in_rtc_ns(struct parse *p)
{
    const xmlChar *ns = sym_xmlTextReaderConstNamespaceUri(p->reader);
    return ns && strncmp((const char *)ns, NS_RTC_PREFIX, strlen(NS_RTC_PREFIX)) == 0;
}

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static struct ucp_topo_pool *cur_pool(struct parse *p)
{
    return p->pool_depth >= 0 ? &p->doc->pools[p->doc->npools - 1] : NULL;
}

static struct ucp_topo_service *cur_service(struct parse *p)
{
    return p->service_depth >= 0 ? &p->doc->services[p->doc->nservices - 1] : NULL;
}

static void set_key(struct parse *p, char **key)
{
    char *site = attr(p, "SiteId"), *number = attr(p, "Number");
    if (site && number && !*key) {
        size_t n = strlen(site) + strlen(number) + 2;
        *key = malloc(n);
        if (*key)
            snprintf(*key, n, "%s:%s", site, number);
        else
            nomem(p);
    }
    free(site);
    free(number);
}

static void read_cluster(struct parse *p, int depth)
{
    struct ucp_topo_pool *pool = grow((void **)&p->doc->pools, &p->doc->npools, sizeof *pool,
                                      UCP_MAX_TOPOLOGY_SERVERS);
    if (!pool) {
        if (p->doc->npools >= UCP_MAX_TOPOLOGY_SERVERS)
            fail(p, "more than %u pools (the limit)", UCP_MAX_TOPOLOGY_SERVERS);
        else
            nomem(p);
        return;
    }
    p->pool_depth = depth;
    pool->fqdn = fqdn_attr(p, "Fqdn", true);
    pool->key = attr(p, "UniqueId");
    pool->single = attr_is_true(p, "IsSingleMachineOnly");
}

static void read_machine(struct parse *p, struct ucp_topo_pool *pool)
{
    char *fqdn = fqdn_attr(p, "Fqdn", false);
    if (p->status != UCP_OK)
        return;
    if (!fqdn && pool->fqdn && !(fqdn = ucp_strdup(pool->fqdn))) {
        nomem(p);
        return;
    }
    if (!fqdn)
        return;
    char **slot = grow((void **)&pool->machines, &pool->nmachines, sizeof *slot, UCP_MAX_TOPOLOGY_SERVERS);
    if (!slot) {
        free(fqdn);
        if (pool->nmachines >= UCP_MAX_TOPOLOGY_SERVERS)
            fail(p, "more than %u machines in a pool (the limit)", UCP_MAX_TOPOLOGY_SERVERS);
        else
            nomem(p);
        return;
    }
    *slot = fqdn;
}

static void read_service(struct parse *p, int depth)
{
    struct ucp_topo_service *s = grow((void **)&p->doc->services, &p->doc->nservices, sizeof *s,
                                      UCP_MAX_TOPOLOGY_SERVERS);
    if (!s) {
        if (p->doc->nservices >= UCP_MAX_TOPOLOGY_SERVERS)
            fail(p, "more than %u services (the limit)", UCP_MAX_TOPOLOGY_SERVERS);
        else
            nomem(p);
        return;
    }
    p->service_depth = depth;
    s->pool = SIZE_MAX;
    s->role = attr(p, "RoleName");
    s->installed_on = attr(p, "InstalledOn");
    char *v = attr(p, "ServiceVersion");
    if (v) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (*v && !*end && n < 1000)
            s->version = (unsigned)n;
        free(v);
    }
}

static unsigned port_number(struct parse *p, const char *name, bool required)
{
    char *v = attr(p, name);
    if (!v) {
        if (required)
            fail(p, "the %s attribute is missing", name);
        return 0;
    }
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    bool ok = *v >= '0' && *v <= '9' && !*end && n >= 1 && n <= 65535;
    if (!ok) {
        char *shown = ucp_display_bytes((const uint8_t *)v, strlen(v));
        fail(p, "%s=\"%s\" is not a port number (1 to 65535)", name, shown ? shown : "");
        free(shown);
    }
    free(v);
    return ok ? (unsigned)n : 0;
}

static void read_port(struct parse *p, struct ucp_topo_service *s)
{
    struct ucp_topo_port *port = grow((void **)&s->ports, &s->nports, sizeof *port, UCP_MAX_TOPOLOGY_PORTS);
    if (!port) {
        if (s->nports >= UCP_MAX_TOPOLOGY_PORTS)
            fail(p, "more than %u ports in a service (the limit)", UCP_MAX_TOPOLOGY_PORTS);
        else
            nomem(p);
        return;
    }
    char *owner = attr(p, "Owner");
    if (owner) {
        const char *colon = strrchr(owner, ':');
        port->owner = ucp_strdup(colon ? colon + 1 : owner);
        free(owner);
        if (!port->owner)
            nomem(p);
    }
    port->usage = attr(p, "Usage");
    port->side = attr(p, "InterfaceSide");
    port->protocol = attr(p, "Protocol");
    port->port = port_number(p, "Port", true);
    if (p->status == UCP_OK)
        port->configured_port = port_number(p, "ConfiguredPort", false);
    if (p->status == UCP_OK)
        port->fqdn = fqdn_attr(p, "ConfiguredFqdn", false);
}

/* One element start. @depth is its nesting (the root is 0). */
static void element(struct parse *p, const char *name, int depth)
{
    const char *parent = depth > 0 ? p->open[depth - 1] : "";
    const char *grandparent = depth > 1 ? p->open[depth - 2] : "";
    if (p->pool_depth >= depth)
        p->pool_depth = -1;
    if (p->service_depth >= depth)
        p->service_depth = -1;
    struct ucp_topo_pool *pool = cur_pool(p);
    struct ucp_topo_service *svc = cur_service(p);

    if (is(name, "InternalDomains")) {
        char *d = attr(p, "DefaultDomain");
        if (d && !p->default_domain) {
            add_shared(p, UCP_FACT_SIP_DOMAIN, d);
            p->default_domain = d;
        } else {
            free(d);
        }
    } else if (is(name, "InternalDomain")) {
        char *d = attr(p, "Name");
        add_shared(p, UCP_FACT_SIP_DOMAIN, d);
        free(d);
    } else if (is(name, "SimpleUrl") || is(name, "SimpleUrlEntry")) {
        char *u = attr(p, is(name, "SimpleUrl") ? "ActiveUrl" : "Url");
        add_shared(p, UCP_FACT_SIMPLE_URL, u);
        free(u);
    } else if (is(name, "Cluster")) {
        read_cluster(p, depth);
    } else if (is(name, "ClusterId") && pool && is(parent, "Cluster")) {
        set_key(p, &pool->key);
    } else if (is(name, "Machine") && pool) {
        read_machine(p, pool);
    } else if (is(name, "Service") && !svc) {
        read_service(p, depth);
    } else if (svc && is(name, "ServiceId") && is(parent, "Service")) {
        if (!svc->role)
            svc->role = attr(p, "RoleName");
    } else if (svc && is(name, "ClusterId") && is(parent, "InstalledOn") && is(grandparent, "Service")) {
        set_key(p, &svc->installed_on);
    } else if (svc && is(name, "Port")) {
        read_port(p, svc);
    } else if (svc && is(name, "RegistrarService")) {
        svc->director = attr_is_true(p, "IsDirector");
    } else if (svc && is(name, "ExternalSettings") && is(parent, "WebService")) {
        free(svc->web_external);
        svc->web_external = fqdn_attr(p, "Host", false);
    } else if (svc && is(name, "WacService") && !is(parent, "Services")) {
        free(svc->wac_discovery);
        svc->wac_discovery = attr(p, "DiscoveryUrl");
    }
}

static ucp_status read_document(struct parse *p)
{
    bool root_seen = false, skipping = false;
    int ret = 0;
    while (p->status == UCP_OK && (ret = sym_xmlTextReaderRead(p->reader)) == 1) {
        int type = sym_xmlTextReaderNodeType(p->reader);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            return p->status = ucp_fail(UCP_E_TOPOLOGY, p->source,
                                        "line %d: a document type declaration (DOCTYPE) is not allowed in a "
                                        "topology (no DTD, no entities are read)", line(p));
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        int depth = sym_xmlTextReaderDepth(p->reader);
        if (++p->elements > UCP_MAX_TOPOLOGY_XML_ELEMENTS)
            return fail(p, "more than %u elements (the limit)", UCP_MAX_TOPOLOGY_XML_ELEMENTS);
        if (depth < 0 || depth > UCP_MAX_TOPOLOGY_XML_DEPTH)
            return fail(p, "elements nested more than %d deep (the limit)", UCP_MAX_TOPOLOGY_XML_DEPTH);
        const char *name = (const char *)sym_xmlTextReaderConstLocalName(p->reader);
        const char *ns = (const char *)sym_xmlTextReaderConstNamespaceUri(p->reader);
        if (!name)
            return nomem(p);
        if (!root_seen) {
            root_seen = true;
            if (ns && is(ns, NS_BUILDER) && is(name, "TopologyBuilder"))
                p->doc->builder = true;
            else if (!(ns && is(ns, NS_TOPOLOGY) && is(name, "Topology")))
                return fail(p, "not a Skype for Business or Lync topology: the root must be TopologyBuilder "
                               "(namespace %s) or Topology (namespace %s), not {%s}%s",
                            NS_BUILDER, NS_TOPOLOGY, ns ? ns : "", name);
            p->open[0] = "";
            continue;
        }
        /* A Topology Builder file may also hold the topology it was downloaded from: only the
         * new one counts (the rest is still read, within the same bounds, but not used). */
        if (p->doc->builder && depth == 1)
            skipping = !(ns && is(ns, NS_BUILDER) && is(name, "NewTopology"));
        if (skipping) {
            p->open[depth] = "";
            continue;
        }
        /* Keep the local name for the children to see; libxml2 interns names in its dictionary,
         * which lives as long as the reader. */
        p->open[depth] = in_rtc_ns(p) ? (const char *)sym_xmlTextReaderConstLocalName(p->reader) : "";
        if (in_rtc_ns(p))
            element(p, name, depth);
    }
    if (p->status != UCP_OK)
        return p->status;
    if (ret != 0 || p->xml_error[0]) {
        return p->status = ucp_fail(UCP_E_TOPOLOGY, p->source, "not well-formed XML at line %d: %s",
                                    p->xml_error_line ? p->xml_error_line : line(p),
                                    p->xml_error[0] ? p->xml_error : "the document cannot be read");
    }
    if (!root_seen)
        return p->status = ucp_fail(UCP_E_TOPOLOGY, p->source, "not well-formed XML: no root element");
    return UCP_OK;
}

/* ---- from the model to each server's facts ------------------------------------------------- */

static ucp_product product_of(unsigned service_version)
{
    /* ServiceVersion of the roles: 5 Lync Server 2010, 6 Lync Server 2013, 7 Skype for Business
     * Server 2015, 8 Skype for Business Server 2019. */
    switch (service_version) {
    case 5: return UCP_PRODUCT_LYNC2010;
    case 6: return UCP_PRODUCT_LYNC2013;
    case 7: return UCP_PRODUCT_SFB2015;
    default: return UCP_PRODUCT_SFB2019;
    }
}

/* Roles that are data, not servers with a certificate: the SQL stores and file shares. */
static bool is_store(const char *role)
{
    size_t n = role ? strlen(role) : 0;
    return !role || (n >= 5 && strcmp(role + n - 5, "Store") == 0);
}

static ucp_status set_fact(ucp_topology *t, ucp_fact f, const char *value)
{
    return value ? ucp_topology_set(t, f, value) : UCP_OK;
}

static ucp_status server_facts(struct ucp_topo_doc *doc, struct ucp_topo_server *srv,
                               const ucp_topology *shared, const char *default_domain)
{
    ucp_status st = ucp_topology_copy(&srv->facts, shared);
    if (st != UCP_OK)
        return st;
    struct ucp_topo_pool *pool = &doc->pools[srv->pool];
    if ((st = set_fact(srv->facts, UCP_FACT_FQDN, srv->fqdn)) != UCP_OK ||
        (st = set_fact(srv->facts, UCP_FACT_POOL, pool->fqdn)) != UCP_OK)
        return st;
    unsigned version = 0;
    for (size_t i = 0; i < doc->nservices; i++) {
        struct ucp_topo_service *s = &doc->services[i];
        if (s->pool != srv->pool)
            continue;
        if (s->version > version && !is_store(s->role))
            version = s->version;
        if (s->web_external && (st = set_fact(srv->facts, UCP_FACT_WEB_FQDN, s->web_external)) != UCP_OK)
            return st;
        for (size_t k = 0; k < s->nports; k++) {
            const struct ucp_topo_port *port = &s->ports[k];
            if (!port->owner || !port->side || strcmp(port->side, "External") != 0)
                continue;
            if (is(port->owner, "AccessEdge") && port->fqdn)
                st = set_fact(srv->facts, UCP_FACT_ACCESS_EDGE, port->fqdn);
            else if (is(port->owner, "DataEdge") && port->fqdn)
                st = set_fact(srv->facts, UCP_FACT_WEBCONF_EDGE, port->fqdn);
            else if (is(port->owner, "MediaRelayEdge") && port->fqdn && !srv->av_edge &&
                     !(srv->av_edge = ucp_strdup(port->fqdn)))
                st = ucp_fail_nomem();
            else if (is(port->owner, "XmppFederationProxy") && default_domain)
                /* XMPP federation serves the default SIP domain. */
                st = set_fact(srv->facts, UCP_FACT_XMPP_DOMAIN, default_domain);
            if (st != UCP_OK)
                return st;
        }
    }
    if (version)
        srv->facts->product = product_of(version);
    return UCP_OK;
}

static ucp_status build_servers(struct parse *p)
{
    struct ucp_topo_doc *doc = p->doc;
    for (size_t i = 0; i < doc->nservices; i++) {
        struct ucp_topo_service *s = &doc->services[i];
        for (size_t k = 0; s->installed_on && k < doc->npools; k++)
            if (doc->pools[k].key && strcmp(doc->pools[k].key, s->installed_on) == 0)
                s->pool = k;
    }
    unsigned version = 0;
    for (size_t k = 0; k < doc->npools; k++) {
        struct ucp_topo_pool *pool = &doc->pools[k];
        bool serves = false;
        for (size_t i = 0; i < doc->nservices; i++) {
            if (doc->services[i].pool == k && !is_store(doc->services[i].role)) {
                serves = true;
                if (doc->services[i].version > version)
                    version = doc->services[i].version;
            }
        }
        if (!serves)
            continue;
        /* A pool whose Machines list no FQDN (Office Online Server, a gateway) is one server. */
        size_t n = pool->nmachines ? pool->nmachines : 1;
        for (size_t m = 0; m < n; m++) {
            const char *fqdn = pool->nmachines ? pool->machines[m] : pool->fqdn;
            bool dup = false;
            for (size_t j = 0; j < doc->nservers; j++)
                dup = dup || strcmp(doc->servers[j].fqdn, fqdn) == 0;
            if (dup)
                continue;
            struct ucp_topo_server *srv = grow((void **)&doc->servers, &doc->nservers, sizeof *srv,
                                               UCP_MAX_TOPOLOGY_SERVERS);
            if (!srv)
                return doc->nservers >= UCP_MAX_TOPOLOGY_SERVERS
                           ? ucp_fail(UCP_E_TOPOLOGY, p->source, "more than %u servers (the limit)",
                                      UCP_MAX_TOPOLOGY_SERVERS)
                           : ucp_fail_nomem();
            srv->pool = k;
            if (!(srv->fqdn = ucp_strdup(fqdn)))
                return ucp_fail_nomem();
            ucp_status st = server_facts(doc, srv, p->facts, p->default_domain);
            if (st != UCP_OK)
                return st;
        }
    }
    if (version)
        p->facts->product = product_of(version);
    return UCP_OK;
}

ucp_status ucp_topo_doc_parse(const uint8_t *data, size_t length, const char *source,
                              struct ucp_topo_doc **out, ucp_topology **facts_out)
{
    *out = NULL;
    *facts_out = NULL;
    if (length > UCP_MAX_TOPOLOGY_XML_SIZE)
        return ucp_fail(UCP_E_TOO_LARGE, source, "the topology document is %zu bytes; the limit is %u", length,
                        UCP_MAX_TOPOLOGY_XML_SIZE);
    if (length > INT32_MAX)
        return ucp_fail(UCP_E_TOO_LARGE, source, "the topology document is too large");
    const char *problem = ucp_xml_load(); /* libxml2 is opened on first use (libxml.c) */
    if (problem)
        return ucp_fail(UCP_E_UNSUPPORTED, source, "%s", problem);
    struct parse p;
    memset(&p, 0, sizeof p);
    p.source = source;
    p.pool_depth = p.service_depth = -1;
    p.doc = calloc(1, sizeof *p.doc);
    if (p.doc)
        p.doc->source = ucp_strdup(source);
    ucp_status st = p.doc && p.doc->source ? ucp_topology_new(&p.facts) : ucp_fail_nomem();
    if (st != UCP_OK) {
        ucp_topo_doc_free(p.doc);
        return st;
    }
    /* No XML_PARSE_NOENT (entities are not substituted), no XML_PARSE_DTDLOAD/DTDATTR/DTDVALID
     * (nothing external is read), no network; libxml2's own messages go to p, not stderr. */
    p.reader = sym_xmlReaderForMemory((const char *)data, (int)length, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                      XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS);
    if (!p.reader) {
        st = ucp_fail_nomem();
    } else {
        sym_xmlTextReaderSetStructuredErrorHandler(p.reader, on_xml_error, &p);
        st = read_document(&p);
        if (st == UCP_OK)
            st = build_servers(&p);
        sym_xmlFreeTextReader(p.reader);
    }
    free(p.default_domain);
    if (st != UCP_OK) {
        ucp_topo_doc_free(p.doc);
        ucp_topology_free(p.facts);
        return st;
    }
    *out = p.doc;
    *facts_out = p.facts;
    return UCP_OK;
}
