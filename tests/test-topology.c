/* SPDX-License-Identifier: MIT */
/* Deployment facts: the builder and its JSON form (public API). */
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"
#include "tap.h"

/* Load @json into a fresh topology; returns the status, the message in @msg. */
static ucp_status load(const char *json, ucp_topology **out, const char **msg)
{
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_status st = ucp_topology_load_data(t, (const uint8_t *)json, strlen(json), "topo.json");
    *msg = st == UCP_OK ? "" : ucp_error_message(ucp_error_last());
    if (out)
        *out = t;
    else
        ucp_topology_free(t);
    return st;
}

static void refused(const char *json, const char *must_contain, const char *what)
{
    const char *msg;
    ucp_status st = load(json, NULL, &msg);
    if (!CHECK(st == UCP_E_TOPOLOGY, "refused with UCP_E_TOPOLOGY: %s", what))
        printf("#   got %s\n", ucp_strerror_name(st));
    CHECK_CONTAINS(msg, "topo.json", "the message names the document: %s", what);
    if (must_contain)
        CHECK_CONTAINS(msg, must_contain, "the message says why: %s", what);
}

int main(void)
{
    /* ---- wrong types ---- */
    refused("{\"fqdn\": 5}", "'fqdn' must be a string, not an integer", "a number for fqdn");
    refused("{\"fqdn\": [\"fe01.contoso.com\"]}", "'fqdn' must be a string", "an array for a single fact");
    refused("{\"pool\": true}", "not a boolean", "a boolean for pool");
    refused("{\"sipDomains\": [\"contoso.com\", 7]}", "'sipDomains'[1] must be a string", "a number in a list");
    refused("{\"sipDomains\": {\"a\": \"contoso.com\"}}", "an array of strings", "an object for a list");
    refused("{\"product\": 2019}", "'product' must be a string", "a number for product");
    refused("{\"product\": \"sfb2021\"}", "unknown product 'sfb2021'", "an unknown product");
    refused("[\"fe01.contoso.com\"]", "must be a JSON object, not an array", "an array document");
    refused("\"fe01.contoso.com\"", NULL, "a string document");

    /* ---- keys ---- */
    refused("{\"fqnd\": \"fe01.contoso.com\"}", "unknown key 'fqnd'", "an unknown key (a typo)");
    refused("{\"FQDN\": \"fe01.contoso.com\"}", "unknown key 'FQDN'", "keys are case-sensitive");
    refused("{\"fqdn\": \"fe01.contoso.com\", \"fqdn\": \"fe02.contoso.com\"}", "duplicate", "a duplicate key");

    /* ---- syntax and size ---- */
    refused("{\"fqdn\": \"fe01.contoso.com\",\n \"pool\": }", "line 2", "a syntax error (with its line)");
    refused("{\"fqdn\": \"fe01\\u0000.contoso.com\"}", NULL, "an escaped NUL in a string");
    refused("", NULL, "an empty document");
    {
        /* 100,000 nested arrays: refused by the parser's depth limit, without a crash. */
        size_t depth = 100000;
        char *deep = malloc(2 * depth + 32);
        strcpy(deep, "{\"sipDomains\": ");
        size_t o = strlen(deep);
        memset(deep + o, '[', depth);
        memset(deep + o + depth, ']', depth);
        strcpy(deep + o + 2 * depth, "}");
        refused(deep, NULL, "100000 nested arrays");
        memset(deep, '[', depth);
        memset(deep + depth, ']', depth);
        deep[2 * depth] = '\0';
        refused(deep, NULL, "a document of 100000 nested arrays");
        free(deep);
    }
    {
        size_t n = 1024 * 1024 + 16;
        char *big = malloc(n + 1);
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        big[n] = '\0';
        ucp_topology *t = NULL;
        ucp_topology_new(&t);
        ucp_status st = ucp_topology_load_data(t, (const uint8_t *)big, n, "big.json");
        CHECK(st == UCP_E_TOO_LARGE, "a document over 1 MiB is UCP_E_TOO_LARGE");
        ucp_topology_free(t);
        free(big);
    }

    /* ---- values ---- */
    refused("{\"fqdn\": \"fe_01.contoso.com\"}", "underscore", "an FQDN with an underscore");
    refused("{\"fqdn\": \"fe01\"}", "single-label", "a single-label FQDN");
    refused("{\"pool\": \"*.contoso.com\"}", NULL, "a wildcard pool");
    refused("{\"fqdn\": \"\"}", NULL, "an empty FQDN");
    refused("{\"webFqdn\": \"web services.contoso.com\"}", NULL, "a space in an FQDN");
    refused("{\"simpleUrls\": [\"https://meet_1.contoso.com/\"]}", "simple URL", "an invalid simple URL host");
    refused("{\"sipDomains\": [\"b\xc3\xbc" "cher.com\"]}", "non-ASCII", "a Unicode SIP domain");

    const char *msg;
    ucp_topology *t = NULL;
    ucp_status st = load("{\"$schema\": \"x\", \"comment\": \"lab\", \"product\": \"LYNC2013\","
                         " \"fqdn\": \"FE01.Contoso.com.\", \"pool\": \"pool01.contoso.com\","
                         " \"sipDomains\": [\"contoso.com\", \"fabrikam.com\", \"CONTOSO.com\"],"
                         " \"simpleUrls\": [\"https://Meet.Contoso.com:443/abc?x=1\", \"dialin.contoso.com\","
                         " \"https://admin.contoso.com\"],"
                         " \"webFqdn\": \"web.contoso.com\", \"accessEdge\": \"sip.contoso.com\","
                         " \"webConfEdge\": \"webconf.contoso.com\", \"xmppDomain\": \"contoso.com\"}",
                         &t, &msg);
    if (!CHECK(st == UCP_OK, "a complete topology loads"))
        printf("#   %s\n", msg);
    CHECK(ucp_topology_product(t) == UCP_PRODUCT_LYNC2013, "product names are case-insensitive");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_FQDN, 0), "fe01.contoso.com", "FQDNs are lower-cased, trailing dot removed");
    CHECK(ucp_topology_count(t, UCP_FACT_SIP_DOMAIN) == 2, "a list keeps duplicates once (case-insensitively)");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_SIP_DOMAIN, 1), "fabrikam.com", "list order is kept");
    CHECK(ucp_topology_count(t, UCP_FACT_SIMPLE_URL) == 3, "three simple URLs");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_SIMPLE_URL, 0), "meet.contoso.com",
              "a simple URL given as a URL keeps its host (no port, path or query)");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_SIMPLE_URL, 1), "dialin.contoso.com", "a simple URL given as a host");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_SIMPLE_URL, 2), "admin.contoso.com", "a URL without a path");
    CHECK(ucp_topology_get(t, UCP_FACT_SIMPLE_URL, 3) == NULL, "out of range gives NULL");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_XMPP_DOMAIN, 0), "contoso.com", "xmppDomain");

    /* A failing load leaves the topology unchanged. */
    st = ucp_topology_load_data(t, (const uint8_t *)"{\"pool\": \"pool02.contoso.com\", \"bogus\": 1}", 43, "bad.json");
    CHECK(st == UCP_E_TOPOLOGY, "a document with an unknown key after a valid one is refused");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_POOL, 0), "pool01.contoso.com", "and the topology is unchanged");

    /* null clears a fact; facts not in the document stay. */
    st = ucp_topology_load_data(t, (const uint8_t *)"{\"xmppDomain\": null}", 20, "clear.json");
    CHECK(st == UCP_OK && ucp_topology_count(t, UCP_FACT_XMPP_DOMAIN) == 0 &&
              ucp_topology_count(t, UCP_FACT_POOL) == 1,
          "null removes a fact, other facts stay");

    /* Round trip through the JSON form. */
    ucp_buffer b = {NULL, 0};
    st = ucp_topology_to_json(t, &b);
    CHECK(st == UCP_OK && b.data && strlen(b.data) == b.size, "ucp_topology_to_json");
    ucp_topology *t2 = NULL;
    ucp_topology_new(&t2);
    st = ucp_topology_load_data(t2, (const uint8_t *)b.data, b.size, "roundtrip.json");
    bool same = st == UCP_OK && ucp_topology_product(t2) == ucp_topology_product(t);
    for (int f = 0; same && f < UCP_FACT_COUNT; f++) {
        same = ucp_topology_count(t, (ucp_fact)f) == ucp_topology_count(t2, (ucp_fact)f);
        for (size_t i = 0; same && i < ucp_topology_count(t, (ucp_fact)f); i++)
            same = strcmp(ucp_topology_get(t, (ucp_fact)f, i), ucp_topology_get(t2, (ucp_fact)f, i)) == 0;
    }
    CHECK(same, "the JSON form reads back to the same topology");
    ucp_buffer_dispose(&b);
    CHECK(b.data == NULL && b.size == 0, "ucp_buffer_dispose resets the buffer");
    ucp_topology_free(t2);

    /* ---- the builder ---- */
    CHECK(ucp_topology_set(t, UCP_FACT_SIMPLE_URL, "https://dialin.contoso.com/x") == UCP_OK &&
              ucp_topology_count(t, UCP_FACT_SIMPLE_URL) == 1,
          "set replaces every value of a list fact");
    CHECK(ucp_topology_add(t, UCP_FACT_SIMPLE_URL, "meet.contoso.com") == UCP_OK &&
              ucp_topology_count(t, UCP_FACT_SIMPLE_URL) == 2,
          "add appends to a list fact");
    CHECK(ucp_topology_add(t, UCP_FACT_FQDN, "fe02.contoso.com") == UCP_OK &&
              ucp_topology_count(t, UCP_FACT_FQDN) == 1 &&
              strcmp(ucp_topology_get(t, UCP_FACT_FQDN, 0), "fe02.contoso.com") == 0,
          "add on a single fact replaces it");
    st = ucp_topology_set(t, UCP_FACT_POOL, "pool_01.contoso.com");
    CHECK(st == UCP_E_TOPOLOGY, "set refuses an invalid FQDN");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "pool FQDN 'pool_01.contoso.com'", "naming the fact and value");
    CHECK_STR(ucp_topology_get(t, UCP_FACT_POOL, 0), "pool01.contoso.com", "and keeps the previous value");
    CHECK(ucp_topology_set(t, UCP_FACT_POOL, NULL) == UCP_OK && ucp_topology_count(t, UCP_FACT_POOL) == 0,
          "set(NULL) removes a fact");
    CHECK(ucp_topology_set(t, UCP_FACT_WEB_FQDN, "") == UCP_OK && ucp_topology_count(t, UCP_FACT_WEB_FQDN) == 0,
          "set(\"\") removes a fact");
    CHECK(ucp_topology_add(t, UCP_FACT_SIP_DOMAIN, "") == UCP_E_TOPOLOGY, "add(\"\") to a list is refused");
    CHECK(ucp_topology_set(t, (ucp_fact)UCP_FACT_COUNT, "a.contoso.com") == UCP_E_INVALID_ARGUMENT,
          "an out-of-range fact is UCP_E_INVALID_ARGUMENT");
    CHECK(ucp_topology_set_product(t, (ucp_product)7) == UCP_E_INVALID_ARGUMENT,
          "an out-of-range product is UCP_E_INVALID_ARGUMENT");
    ucp_topology_free(t);

    /* ---- fact names ---- */
    ucp_fact f;
    CHECK(ucp_fact_from_name(&f, "sip-domain") == UCP_OK && f == UCP_FACT_SIP_DOMAIN, "fact name (CLI spelling)");
    CHECK(ucp_fact_from_name(&f, "WEBCONFEDGE") == UCP_OK && f == UCP_FACT_WEBCONF_EDGE, "fact name (JSON key, any case)");
    CHECK(ucp_fact_from_name(&f, "nope") == UCP_E_INVALID_ARGUMENT, "unknown fact name");
    for (int i = 0; i < UCP_FACT_COUNT; i++) {
        ucp_fact g;
        CHECK(ucp_fact_from_name(&g, ucp_fact_name((ucp_fact)i)) == UCP_OK && g == (ucp_fact)i &&
                  ucp_fact_from_name(&g, ucp_fact_json_key((ucp_fact)i)) == UCP_OK && g == (ucp_fact)i,
              "fact %s / %s round trip", ucp_fact_name((ucp_fact)i), ucp_fact_json_key((ucp_fact)i));
    }
    CHECK(ucp_fact_is_list(UCP_FACT_SIP_DOMAIN) && ucp_fact_is_list(UCP_FACT_SIMPLE_URL) &&
              !ucp_fact_is_list(UCP_FACT_FQDN) && !ucp_fact_is_list((ucp_fact)42),
          "ucp_fact_is_list");
    CHECK(*ucp_fact_name((ucp_fact)42) == '\0' && *ucp_fact_json_key((ucp_fact)-1) == '\0',
          "out-of-range fact names are empty");
    return tap_done();
}
