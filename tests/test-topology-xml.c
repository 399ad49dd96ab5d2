/* SPDX-License-Identifier: MIT */
/*
 * Skype for Business / Lync topology documents (public API): the servers read from a Topology
 * Builder file and from Get-CsTopology -AsXml output, the facts each gives the role rules, server
 * selection, and bad documents refused with the file, line and element named. The documents
 * are in tests/topology (TOPOLOGY_DIR).
 */
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"
#include "tap.h"

static ucp_topology *load_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TOPOLOGY_DIR, name);
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_status st = ucp_topology_load_file(t, path);
    if (!CHECK(st == UCP_OK, "%s loads", name)) {
        printf("#   %s\n", ucp_error_message(ucp_error_last()));
        exit(1);
    }
    return t;
}

static const char *fact(const ucp_topology *t, ucp_fact f)
{
    return ucp_topology_get(t, f, 0);
}

static bool has_value(const ucp_topology *t, ucp_fact f, const char *want)
{
    for (size_t i = 0; i < ucp_topology_count(t, f); i++)
        if (strcmp(ucp_topology_get(t, f, i), want) == 0)
            return true;
    return false;
}

static void select_ok(ucp_topology *t, const char *fqdn)
{
    ucp_status st = ucp_topology_select_server(t, fqdn);
    if (!CHECK(st == UCP_OK, "select %s", fqdn))
        printf("#   %s\n", ucp_error_message(ucp_error_last()));
}

/* Load @xml from memory: the status, the message in @msg. */
static ucp_status load_text(const char *xml, size_t len, const char **msg)
{
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_status st = ucp_topology_load_data(t, (const uint8_t *)xml, len, "bad.tbxml");
    *msg = st == UCP_OK ? "" : ucp_error_message(ucp_error_last());
    ucp_topology_free(t);
    return st;
}

static void refused(const char *xml, const char *must_contain, const char *what)
{
    const char *msg;
    ucp_status st = load_text(xml, strlen(xml), &msg);
    if (!CHECK(st == UCP_E_TOPOLOGY, "refused with UCP_E_TOPOLOGY: %s", what))
        printf("#   got %s\n", ucp_strerror_name(st));
    CHECK_CONTAINS(msg, "bad.tbxml", "the message names the document: %s", what);
    CHECK_CONTAINS(msg, must_contain, "the message says where and why: %s", what);
}

#define TB_OPEN                                                                                    \
    "<?xml version=\"1.0\"?>\n<TopologyBuilder "                                                  \
    "xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"><NewTopology>\n"      \
    "<PartialTopology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008\">\n"
#define TB_CLOSE "</PartialTopology></NewTopology></TopologyBuilder>\n"

static void enterprise(void)
{
    ucp_topology *t = load_file("contoso-enterprise.tbxml");
    static const char *const servers[] = {
        "fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com", "dir01.contoso.com", "edge01.contoso.net",
        "edge02.contoso.net", "med01.contoso.com", "pchat01.contoso.com", "oos.contoso.com",
    };
    size_t n = sizeof servers / sizeof *servers;
    CHECK(ucp_topology_server_count(t) == n, "9 servers (no SQL, file share, old topology or foreign element)");
    for (size_t i = 0; i < n && i < ucp_topology_server_count(t); i++)
        CHECK_STR(ucp_topology_server_fqdn(t, i), servers[i], "server %zu", i);
    CHECK(ucp_topology_server_fqdn(t, n) == NULL, "no server past the end");
    CHECK_STR(ucp_topology_server_pool(t, 0), "pool01.contoso.com", "fe01's pool");
    CHECK_STR(ucp_topology_server_pool(t, 8), "oos.contoso.com", "the OOS farm is its own pool");
    CHECK(ucp_topology_selected_server(t) == NULL, "several servers: none selected on loading");
    CHECK(ucp_topology_count(t, UCP_FACT_FQDN) == 0, "no server FQDN before a server is selected");
    CHECK(ucp_topology_count(t, UCP_FACT_SIP_DOMAIN) == 3, "the three SIP domains are shared");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_SIP_DOMAIN, 0), "contoso.com", "the default domain first");
    CHECK(has_value(t, UCP_FACT_SIP_DOMAIN, "fabrikam.com"), "SIP domains are normalised (Fabrikam.com)");

    /* A Front End server of the pool; its FQDN was written "FE03.Contoso.com." */
    select_ok(t, "FE03.contoso.com");
    CHECK_STR(ucp_topology_selected_server(t), "fe03.contoso.com", "selected");
    CHECK_STR(fact(t, UCP_FACT_FQDN), "fe03.contoso.com", "fe03: fqdn");
    CHECK_STR(fact(t, UCP_FACT_POOL), "pool01.contoso.com", "fe03: pool");
    CHECK_STR(fact(t, UCP_FACT_WEB_FQDN), "webext.contoso.com", "fe03: external web services FQDN");
    CHECK(ucp_topology_count(t, UCP_FACT_SIP_DOMAIN) == 3, "fe03: SIP domains");
    CHECK(ucp_topology_count(t, UCP_FACT_SIMPLE_URL) == 4, "fe03: four simple URLs");
    CHECK(has_value(t, UCP_FACT_SIMPLE_URL, "meet.fabrikam.com"), "fe03: meet.fabrikam.com");
    CHECK(has_value(t, UCP_FACT_SIMPLE_URL, "admin.contoso.com"), "fe03: the admin URL, path removed");
    CHECK(ucp_topology_count(t, UCP_FACT_ACCESS_EDGE) == 0, "fe03: no Edge facts");
    CHECK(ucp_topology_product(t) == UCP_PRODUCT_SFB2019, "fe03: ServiceVersion 8 is SfB Server 2019");

    select_ok(t, "dir01.contoso.com");
    CHECK_STR(fact(t, UCP_FACT_FQDN), "dir01.contoso.com", "Director: fqdn");
    CHECK_STR(fact(t, UCP_FACT_POOL), "dirpool.contoso.com", "Director: pool");
    CHECK_STR(fact(t, UCP_FACT_WEB_FQDN), "dirweb.contoso.com", "Director: its own external web FQDN");

    select_ok(t, "edge02.contoso.net.");
    CHECK_STR(fact(t, UCP_FACT_FQDN), "edge02.contoso.net", "Edge: fqdn");
    CHECK_STR(fact(t, UCP_FACT_POOL), "edgepool.contoso.net", "Edge: pool");
    CHECK_STR(fact(t, UCP_FACT_ACCESS_EDGE), "sip.contoso.com", "Edge: Access Edge FQDN");
    CHECK_STR(fact(t, UCP_FACT_WEBCONF_EDGE), "webconf.contoso.com", "Edge: Web Conferencing Edge FQDN");
    CHECK_STR(fact(t, UCP_FACT_XMPP_DOMAIN), "contoso.com", "Edge: XMPP domain (the default SIP domain)");
    CHECK(ucp_topology_count(t, UCP_FACT_WEB_FQDN) == 0, "Edge: no web services FQDN (fe03's is gone)");

    select_ok(t, "med01.contoso.com");
    CHECK_STR(fact(t, UCP_FACT_POOL), "med01.contoso.com", "Mediation: its own pool");
    CHECK(ucp_topology_product(t) == UCP_PRODUCT_SFB2015, "Mediation: ServiceVersion 7 is SfB Server 2015");
    CHECK(ucp_topology_count(t, UCP_FACT_ACCESS_EDGE) == 0, "Mediation: the Edge facts are gone");

    select_ok(t, "pchat01.contoso.com");
    CHECK_STR(fact(t, UCP_FACT_POOL), "pchatpool.contoso.com", "Persistent Chat: pool");
    select_ok(t, "oos.contoso.com");
    CHECK_STR(fact(t, UCP_FACT_FQDN), "oos.contoso.com", "OOS: a machine without Fqdn is the pool");

    /* Facts set after selecting still win; the JSON form shows the selected server's facts. */
    CHECK(ucp_topology_set(t, UCP_FACT_FQDN, "oos02.contoso.com") == UCP_OK, "set a fact after selecting");
    ucp_buffer json = {0};
    CHECK(ucp_topology_to_json(t, &json) == UCP_OK, "to JSON");
    CHECK_CONTAINS((const char *)json.data, "\"oos02.contoso.com\"", "JSON: the fact set last");
    ucp_buffer_dispose(&json);

    ucp_status st = ucp_topology_select_server(t, "old01.contoso.com");
    CHECK(st == UCP_E_NOT_FOUND, "a server of the old topology is not there");
    const char *msg = ucp_error_message(ucp_error_last());
    CHECK_CONTAINS(msg, "old01.contoso.com", "the message names the server asked for");
    CHECK_CONTAINS(msg, "fe01.contoso.com, fe02.contoso.com", "the message lists the servers");
    CHECK(ucp_topology_select_server(t, "decoy01.contoso.com") == UCP_E_NOT_FOUND,
          "an element of a foreign namespace is no server");
    CHECK(ucp_topology_select_server(t, "sql01.contoso.com") == UCP_E_NOT_FOUND, "a SQL back end is no server");
    CHECK(ucp_topology_select_server(t, NULL) == UCP_E_INVALID_ARGUMENT, "NULL FQDN");
    ucp_topology_free(t);
}

static void standard_edition(void)
{
    ucp_topology *t = load_file("contoso-se.tbxml");
    CHECK(ucp_topology_server_count(t) == 1, "SE: one server");
    CHECK_STR(ucp_topology_selected_server(t), "se01.contoso.com", "SE: the one server is selected on loading");
    CHECK_STR(fact(t, UCP_FACT_FQDN), "se01.contoso.com", "SE: fqdn");
    CHECK_STR(fact(t, UCP_FACT_POOL), "se01.contoso.com", "SE: the pool is the server");
    CHECK_STR(fact(t, UCP_FACT_WEB_FQDN), "webext.contoso.com", "SE: web FQDN");
    CHECK(has_value(t, UCP_FACT_SIMPLE_URL, "dialin.contoso.com"), "SE: dialin simple URL");
    CHECK(ucp_topology_count(t, UCP_FACT_SIMPLE_URL) == 2, "SE: two simple URLs, each once");

    /* Loading JSON afterwards merges facts; loading another document replaces the servers. */
    const char *json = "{\"pool\": \"pool9.contoso.com\"}";
    CHECK(ucp_topology_load_data(t, (const uint8_t *)json, strlen(json), "x.json") == UCP_OK, "JSON after XML");
    CHECK_STR(fact(t, UCP_FACT_POOL), "pool9.contoso.com", "the JSON fact wins");
    CHECK_STR(fact(t, UCP_FACT_FQDN), "se01.contoso.com", "the others stay");
    ucp_topology_free(t);

    /* The same document in UTF-16 with a byte order mark (Windows PowerShell 5.1's "> file"). */
    char path[1024];
    snprintf(path, sizeof path, "%s/contoso-se.tbxml", TOPOLOGY_DIR);
    FILE *f = fopen(path, "rb");
    if (!f)
        exit(TAP_SETUP_FAILURE);
    static char text[64 * 1024];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    /* Without its declaration (which says UTF-8): the byte order mark tells the encoding. */
    char *body = strstr(text, "?>");
    if (!body)
        exit(TAP_SETUP_FAILURE);
    body += 2;
    n = strlen(body);
    memmove(text, body, n + 1);
    uint8_t *u16 = malloc(2 * n + 2);
    if (!u16)
        exit(TAP_SETUP_FAILURE);
    u16[0] = 0xff;
    u16[1] = 0xfe;
    for (size_t i = 0; i < n; i++) {
        u16[2 + 2 * i] = (uint8_t)text[i];
        u16[3 + 2 * i] = 0;
    }
    if (ucp_topology_new(&t) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_status st = ucp_topology_load_data(t, u16, 2 * n + 2, "utf16.xml");
    if (!CHECK(st == UCP_OK, "a UTF-16 document loads"))
        printf("#   %s\n", ucp_error_message(ucp_error_last()));
    CHECK_STR(ucp_topology_selected_server(t), "se01.contoso.com", "UTF-16: the server");
    free(u16);
    ucp_topology_free(t);
}

static void published(void)
{
    ucp_topology *t = load_file("contoso-published.xml");
    CHECK(ucp_topology_server_count(t) == 3, "Get-CsTopology -AsXml: three servers");
    select_ok(t, "fe02.contoso.com");
    CHECK_STR(fact(t, UCP_FACT_POOL), "pool01.contoso.com", "published: pool by ClusterId");
    CHECK_STR(fact(t, UCP_FACT_WEB_FQDN), "lyncweb.contoso.com", "published: web FQDN");
    CHECK(ucp_topology_product(t) == UCP_PRODUCT_LYNC2013, "published: ServiceVersion 6 is Lync Server 2013");
    select_ok(t, "edge01.contoso.net");
    CHECK_STR(fact(t, UCP_FACT_ACCESS_EDGE), "access.contoso.com", "published: Access Edge");
    CHECK_STR(fact(t, UCP_FACT_WEBCONF_EDGE), "webconf.contoso.com", "published: Web Conferencing Edge");
    CHECK(ucp_topology_count(t, UCP_FACT_XMPP_DOMAIN) == 0, "published: no XMPP proxy, no XMPP domain");
    ucp_topology_free(t);
}

static void bad_documents(void)
{
    refused("<?xml version=\"1.0\"?>\n<Topology xmlns=\"urn:example:other\"/>", "not a Skype for Business",
            "a Topology root in another namespace");
    refused("<TopologyBuilder/>", "the root must be TopologyBuilder", "a root without namespace");
    refused("<html><body>hello</body></html>", "{}html", "an HTML page");
    refused(TB_OPEN "<Services><Service RoleName=\"Registrar\">\n</PartialTopology>" TB_CLOSE,
            "line 4", "mismatched tags (with the line)");
    refused("<?xml version=\"1.0\"?>\n<!DOCTYPE TopologyBuilder [<!ENTITY a \"b\">]>\n<TopologyBuilder "
            "xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"/>",
            "DOCTYPE", "a document type declaration");
    refused(TB_OPEN "<CentralSites><CentralSite><Clusters>\n<Cluster UniqueId=\"1\" Fqdn=\"pool 01.contoso.com\"/>"
                    "</Clusters></CentralSite></CentralSites>" TB_CLOSE,
            "line 5, element <Cluster>: Fqdn=\"pool 01.contoso.com\" is not a valid FQDN", "a bad pool FQDN");
    refused(TB_OPEN "<CentralSites><CentralSite><Clusters>\n<Cluster UniqueId=\"1\"/>"
                    "</Clusters></CentralSite></CentralSites>" TB_CLOSE,
            "the Fqdn attribute is missing", "a pool without FQDN");
    refused(TB_OPEN "<Services><Service RoleName=\"EdgeServer\" InstalledOn=\"1\">\n<Ports "
                    "xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\"><Port Owner=\"x\" "
                    "Port=\"70000\"/></Ports></Service></Services>" TB_CLOSE,
            "element <Port>: Port=\"70000\" is not a port number", "a port out of range");
    refused(TB_OPEN "<InternalDomains xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\" "
                    "DefaultDomain=\"contoso.com\">\n<InternalDomain Name=\"-bad-.com\"/></InternalDomains>" TB_CLOSE,
            "line 5, element <InternalDomain>: SIP domain", "a bad SIP domain");
    {
        /* Nested past the limit, each element in the topology's namespace. */
        char deep[8192] = TB_OPEN;
        for (int i = 0; i < 60; i++)
            strcat(deep, "<Clusters>");
        refused(deep, "nested more than 32 deep", "deep nesting");
    }
    const char *msg;
    CHECK(load_text("", 0, &msg) == UCP_E_TOPOLOGY, "an empty document is (invalid) JSON");

    /* A document without servers loads: its shared facts only. */
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    const char *doc = TB_OPEN "<InternalDomains xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\" "
                              "DefaultDomain=\"contoso.com\"/>" TB_CLOSE;
    CHECK(ucp_topology_load_data(t, (const uint8_t *)doc, strlen(doc), "empty.tbxml") == UCP_OK,
          "a document without servers loads");
    CHECK(ucp_topology_server_count(t) == 0, "no servers");
    CHECK_STR(fact(t, UCP_FACT_SIP_DOMAIN), "contoso.com", "its SIP domain");
    CHECK(ucp_topology_select_server(t, "fe01.contoso.com") == UCP_E_NOT_FOUND, "nothing to select");
    ucp_topology_free(t);
}

int main(void)
{
    enterprise();
    standard_edition();
    published();
    bad_documents();
    return tap_done();
}
