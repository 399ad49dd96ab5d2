/* SPDX-License-Identifier: MIT */
/*
 * The certificate plan of a deployment (ucpolicy/deployment.h, public API): the certificates
 * each server of tests/topology/contoso-enterprise.tbxml needs and, name by name, what the role
 * rules ask of them; the renderers; the request files; bad arguments.
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
    if (ucp_topology_load_file(t, path) != UCP_OK) {
        printf("# %s: %s\n", name, ucp_error_message(ucp_error_last()));
        exit(TAP_SETUP_FAILURE);
    }
    return t;
}

static const ucp_cert_need *need_of(const ucp_deployment *d, const char *server, const char *role)
{
    size_t s = ucp_deployment_find_server(d, server);
    for (size_t i = 0; i < ucp_deployment_need_count(d, s); i++) {
        const ucp_cert_need *n = ucp_deployment_need_at(d, s, i);
        if (strcmp(ucp_role_id(ucp_cert_need_role(n)), role) == 0)
            return n;
    }
    return NULL;
}

/* The names, space-separated, for comparison with what the rules ask. */
static const char *names(const ucp_cert_need *n, bool optional)
{
    static char buf[2048];
    buf[0] = '\0';
    size_t count = optional ? ucp_cert_need_optional_name_count(n) : ucp_cert_need_required_name_count(n);
    for (size_t i = 0; i < count; i++) {
        const char *v = optional ? ucp_cert_need_optional_name_at(n, i) : ucp_cert_need_required_name_at(n, i);
        if (strlen(buf) + strlen(v) + 2 < sizeof buf) {
            if (i)
                strcat(buf, " ");
            strcat(buf, v);
        }
    }
    return buf;
}

static const char *roles(const ucp_deployment *d, const char *server)
{
    static char buf[512];
    buf[0] = '\0';
    size_t s = ucp_deployment_find_server(d, server);
    for (size_t i = 0; i < ucp_deployment_need_count(d, s); i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, ucp_role_id(ucp_cert_need_role(ucp_deployment_need_at(d, s, i))));
    }
    return buf;
}

int main(void)
{
    ucp_topology *t = load_file("contoso-enterprise.tbxml");
    ucp_deployment *d = NULL;
    if (!CHECK(ucp_deployment_new(&d, t) == UCP_OK, "a plan of the enterprise topology"))
        return 1;
    ucp_topology_free(t); /* the plan is a snapshot */
    CHECK(ucp_deployment_server_count(d) == 9, "9 servers");
    CHECK(ucp_deployment_find_server(d, "FE02.Contoso.COM.") == 1, "servers found case-insensitively, trailing dot ignored");
    CHECK(ucp_deployment_find_server(d, "sql01.contoso.com") == (size_t)-1, "a SQL store is no server");
    CHECK_STR(ucp_deployment_server_pool(d, 0), "pool01.contoso.com", "fe01's pool");
    CHECK(ucp_deployment_server_product(d, 0) == UCP_PRODUCT_SFB2019, "fe01 runs SfB Server 2019");

    /* ---- which certificates ---- */
    CHECK_STR(roles(d, "fe01.contoso.com"), "frontend-default frontend-web-internal frontend-web-external oauth-token-issuer",
              "a Front End: Default, both web certificates and OAuth");
    CHECK_STR(roles(d, "dir01.contoso.com"), "director-default director-web-internal director-web-external",
              "a Director: its Default and web certificates, no OAuth");
    CHECK_STR(roles(d, "edge02.contoso.net"), "edge-internal edge-external edge-av-auth", "an Edge: three certificates");
    CHECK_STR(roles(d, "med01.contoso.com"), "mediation", "a stand-alone Mediation Server");
    CHECK_STR(roles(d, "pchat01.contoso.com"), "persistent-chat", "Persistent Chat");
    CHECK_STR(roles(d, "oos.contoso.com"), "office-online-server", "the Office Online Server farm");

    /* ---- name by name, from the role rules and fe01's facts ---- */
    const ucp_cert_need *n = need_of(d, "fe01.contoso.com", "frontend-default");
    CHECK_STR(ucp_cert_need_subject_name(n), "pool01.contoso.com", "Default: CN = the pool FQDN (decision 1)");
    CHECK_STR(names(n, false), "pool01.contoso.com fe01.contoso.com", "Default: SAN = pool + server");
    CHECK_STR(names(n, true),
              "sip.contoso.com lyncdiscoverinternal.contoso.com sip.fabrikam.com lyncdiscoverinternal.fabrikam.com "
              "sip.litwareinc.com lyncdiscoverinternal.litwareinc.com *.contoso.com *.fabrikam.com *.litwareinc.com",
              "Default: optional sip.<domain>, lyncdiscoverinternal.<domain> and *.<SIP domain>");
    CHECK(ucp_cert_need_eku(n) == UCP_EKU_SERVER_AUTH, "Default: serverAuth");
    CHECK(ucp_cert_need_min_rsa_bits(n) == 2048 && ucp_cert_need_ecc_ok(n), "Default on SfB 2019: RSA 2048, ECC accepted");
    CHECK(!ucp_cert_need_public_ca(n) && !ucp_cert_need_pool_shared(n), "Default: internal CA, one per server");
    CHECK_STR(ucp_cert_need_server(n), "fe01.contoso.com", "the need names its server");

    n = need_of(d, "fe01.contoso.com", "frontend-web-internal");
    CHECK_STR(names(n, false),
              "pool01.contoso.com fe01.contoso.com webext.contoso.com meet.contoso.com meet.fabrikam.com "
              "dialin.contoso.com admin.contoso.com",
              "internal web: pool, server, web services FQDN, every simple URL");
    n = need_of(d, "fe01.contoso.com", "frontend-web-external");
    /* Not the server FQDN: clients reach it by the external names only. */
    CHECK_STR(names(n, false),
              "pool01.contoso.com webext.contoso.com meet.contoso.com meet.fabrikam.com dialin.contoso.com",
              "external web: no admin URL");
    CHECK_CONTAINS(names(n, true), "lyncdiscover.fabrikam.com", "external web: lyncdiscover.<domain> optional");

    n = need_of(d, "fe01.contoso.com", "oauth-token-issuer");
    CHECK_STR(ucp_cert_need_subject_name(n), "contoso.com", "OAuth: the default SIP domain as subject");
    CHECK_STR(names(n, true), "fabrikam.com litwareinc.com", "OAuth: the other SIP domains in the SAN");
    CHECK(ucp_cert_need_pool_shared(n) && ucp_cert_need_exportable_key(n), "OAuth: shared, exportable");

    n = need_of(d, "edge01.contoso.net", "edge-external");
    CHECK_STR(ucp_cert_need_subject_name(n), "sip.contoso.com", "Edge external: CN = the Access Edge FQDN");
    CHECK_CONTAINS(names(n, false), "sip.contoso.com", "Edge external: Access Edge FQDN");
    CHECK_CONTAINS(names(n, false), "webconf.contoso.com", "Edge external: Web Conferencing Edge FQDN");
    CHECK_CONTAINS(names(n, false), "sip.litwareinc.com", "Edge external: sip.<domain> for each SIP domain");
    CHECK(strstr(names(n, false), "av.contoso.com") == NULL, "Edge external: the A/V Edge FQDN is not required (decision 2)");
    CHECK(strstr(names(n, false), "edge01.contoso.net") == NULL, "Edge external: not the internal server FQDN");
    CHECK(ucp_cert_need_public_ca(n) && ucp_cert_need_pool_shared(n), "Edge external: public CA, shared by the pool");
    CHECK(ucp_cert_need_eku(n) == (UCP_EKU_SERVER_AUTH | UCP_EKU_CLIENT_AUTH), "Edge external: server and client EKU");
    n = need_of(d, "edge01.contoso.net", "edge-av-auth");
    CHECK_STR(ucp_cert_need_subject_name(n), "edgepool.contoso.net", "A/V authentication: no name rule, the pool FQDN");
    CHECK(ucp_cert_need_required_name_count(n) == 0, "A/V authentication: no SAN name needed");
    n = need_of(d, "med01.contoso.com", "mediation");
    CHECK(ucp_cert_need_ecc_ok(n), "Mediation on SfB 2015: ECC accepted (key.ecc is information there)");
    CHECK_CONTAINS(ucp_cert_need_key_rule(n), "ECDSA P-256/P-384/P-521 accepted", "the key rule says so");

    /* ---- renderers ---- */
    ucp_buffer b = {NULL, 0};
    CHECK(ucp_deployment_render(d, NULL, UCP_OUTPUT_JSON, 0, &b) == UCP_OK, "JSON");
    CHECK_CONTAINS(b.data, "{\"servers\":[{\"fqdn\":\"fe01.contoso.com\",\"pool\":\"pool01.contoso.com\"",
                   "JSON: servers, fqdn, pool");
    CHECK_CONTAINS(b.data, "\"requiredNames\":[\"pool01.contoso.com\",\"fe01.contoso.com\"]", "JSON: requiredNames");
    CHECK_CONTAINS(b.data, "\"publicCa\":true", "JSON: publicCa");
    ucp_buffer_dispose(&b);
    CHECK(ucp_deployment_render(d, "oos.contoso.com", UCP_OUTPUT_CSV, 0, &b) == UCP_OK, "CSV of one server");
    CHECK_CONTAINS(b.data, "\r\noos.contoso.com,oos.contoso.com,sfb2019,office-online-server,oos.contoso.com,", "CSV row");
    CHECK(b.data && !strstr(b.data, "fe01"), "CSV: only the server asked for");
    ucp_buffer_dispose(&b);
    CHECK(ucp_deployment_render(d, NULL, UCP_OUTPUT_HTML, 0, &b) == UCP_OK, "HTML");
    CHECK_CONTAINS(b.data, "<h2>edge02.contoso.net</h2>", "HTML: a section per server");
    ucp_buffer_dispose(&b);
    CHECK(ucp_deployment_render(d, NULL, UCP_OUTPUT_TEXT, 0, &b) == UCP_OK, "text");
    CHECK_CONTAINS(b.data, "9 servers, 24 certificates", "text: the total");
    ucp_buffer_dispose(&b);
    CHECK(ucp_deployment_render(d, "nope.contoso.com", UCP_OUTPUT_TEXT, 0, &b) == UCP_E_NOT_FOUND,
          "an unknown server: not found");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "fe01.contoso.com", "the message lists the servers");
    CHECK(ucp_deployment_render(d, NULL, UCP_OUTPUT_SARIF, 0, &b) == UCP_E_INVALID_ARGUMENT, "SARIF: not a plan format");

    /* ---- requests ---- */
    ucp_request_format rf;
    CHECK(ucp_request_format_from_name(&rf, "OpenSSL") == UCP_OK && rf == UCP_REQUEST_OPENSSL, "format names");
    CHECK(ucp_request_format_from_name(&rf, "pem") == UCP_E_INVALID_ARGUMENT, "unknown request format refused");
    CHECK_STR(ucp_request_format_extension(UCP_REQUEST_CERTREQ), ".inf", "certreq: .inf");
    n = need_of(d, "fe01.contoso.com", "frontend-default");
    CHECK(ucp_cert_need_request(n, UCP_REQUEST_CERTTOOL, &b) == UCP_OK, "certtool template");
    CHECK_CONTAINS(b.data, "cn = \"pool01.contoso.com\"\ndns_name = \"pool01.contoso.com\"\ndns_name = \"fe01.contoso.com\"\n",
                   "certtool: CN, then the names");
    CHECK(b.data && !strstr(b.data, "\"*."), "certtool: no wildcard requested");
    ucp_buffer_dispose(&b);
    CHECK(ucp_cert_need_request(n, UCP_REQUEST_CERTREQ, &b) == UCP_OK, "certreq INF");
    CHECK_CONTAINS(b.data, "Subject = \"CN=pool01.contoso.com\"", "certreq: subject");
    CHECK_CONTAINS(b.data, "_continue_ = \"dns=fe01.contoso.com&\"", "certreq: SAN");
    ucp_buffer_dispose(&b);
    CHECK(ucp_cert_need_request(n, UCP_REQUEST_OPENSSL, &b) == UCP_OK, "OpenSSL config");
    CHECK_CONTAINS(b.data, "DNS.2 = fe01.contoso.com", "openssl: SAN");
    ucp_buffer_dispose(&b);
    CHECK(ucp_cert_need_request(n, UCP_REQUEST_POWERSHELL, &b) == UCP_OK, "PowerShell");
    CHECK_CONTAINS(b.data, "Request-CsCertificate -New -Type Default", "PowerShell: Request-CsCertificate");
    ucp_buffer_dispose(&b);
    CHECK(ucp_cert_need_request(n, (ucp_request_format)9, &b) == UCP_E_INVALID_ARGUMENT, "a bad format value refused");

    /* ---- bad arguments ---- */
    ucp_topology *plain = NULL;
    ucp_topology_new(&plain);
    ucp_topology_set(plain, UCP_FACT_FQDN, "fe01.contoso.com");
    ucp_deployment *none = NULL;
    CHECK(ucp_deployment_new(&none, plain) == UCP_E_TOPOLOGY && !none, "facts without a document: no plan");
    CHECK(ucp_deployment_new(&none, NULL) == UCP_E_INVALID_ARGUMENT, "NULL topology refused");
    ucp_topology_free(plain);
    CHECK(ucp_deployment_need_at(d, 99, 0) == NULL && ucp_deployment_server_fqdn(NULL, 0) == NULL &&
              ucp_cert_need_required_name_at(NULL, 0) == NULL,
          "out of range and NULL: NULL");
    ucp_deployment_free(d);
    ucp_deployment_free(NULL);
    return tap_done();
}
