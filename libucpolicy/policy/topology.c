/* SPDX-License-Identifier: MIT */
/* Deployment facts: a builder with validation, and its JSON form (read and written with jansson). */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy-private.h"

static const struct {
    const char *name;
    const char *json;
    const char *title;
    bool list;
} facts[UCP_FACT_COUNT] = {
    [UCP_FACT_FQDN] = {"fqdn", "fqdn", "server FQDN", false},
    [UCP_FACT_POOL] = {"pool", "pool", "pool FQDN", false},
    [UCP_FACT_SIP_DOMAIN] = {"sip-domain", "sipDomains", "SIP domain", true},
    [UCP_FACT_SIMPLE_URL] = {"simple-url", "simpleUrls", "simple URL", true},
    [UCP_FACT_WEB_FQDN] = {"web-fqdn", "webFqdn", "web services FQDN", false},
    [UCP_FACT_ACCESS_EDGE] = {"access-edge", "accessEdge", "Access Edge FQDN", false},
    [UCP_FACT_WEBCONF_EDGE] = {"webconf-edge", "webConfEdge", "Web Conferencing Edge FQDN", false},
    [UCP_FACT_XMPP_DOMAIN] = {"xmpp-domain", "xmppDomain", "XMPP domain", false},
};

static bool fact_valid(ucp_fact f)
{
    return (unsigned)f < UCP_FACT_COUNT;
}

UCP_EXPORT const char *ucp_fact_name(ucp_fact f) { return fact_valid(f) ? facts[f].name : ""; }
UCP_EXPORT const char *ucp_fact_json_key(ucp_fact f) { return fact_valid(f) ? facts[f].json : ""; }
UCP_EXPORT bool ucp_fact_is_list(ucp_fact f) { return fact_valid(f) && facts[f].list; }

UCP_EXPORT ucp_status ucp_fact_from_name(ucp_fact *out, const char *name)
{
    for (unsigned i = 0; name && i < UCP_FACT_COUNT; i++) {
        if (ucp_strcasecmp(name, facts[i].name) == 0 || ucp_strcasecmp(name, facts[i].json) == 0) {
            if (out)
                *out = (ucp_fact)i;
            return UCP_OK;
        }
    }
    return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "unknown deployment fact '%s'", name ? name : "(null)");
}

UCP_EXPORT ucp_status ucp_topology_new(ucp_topology **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_topology_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return ucp_fail_nomem();
    (*out)->product = UCP_PRODUCT_SFB2019;
    return UCP_OK;
}

void ucp_topology_clear_fact(ucp_topology *t, ucp_fact f)
{
    for (size_t i = 0; i < t->counts[f]; i++)
        free(t->values[f][i]);
    free(t->values[f]);
    t->values[f] = NULL;
    t->counts[f] = 0;
}

UCP_EXPORT void ucp_topology_free(ucp_topology *t)
{
    if (!t)
        return;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++)
        ucp_topology_clear_fact(t, f);
    ucp_topo_doc_free(t->doc);
    free(t);
}

/* The host of a simple URL given as "https://meet.contoso.com/path" or as a host name. */
static char *simple_url_host(const char *value)
{
    const char *p = value;
    const char *scheme = strstr(p, "://");
    if (scheme)
        p = scheme + 3;
    size_t n = strcspn(p, "/:?#");
    return ucp_strndup(p, n);
}

static ucp_status normalize(ucp_fact f, const char *value, const char *source, char **out)
{
    *out = NULL;
    char *host = f == UCP_FACT_SIMPLE_URL ? simple_url_host(value) : ucp_strdup(value);
    if (!host)
        return ucp_fail_nomem();
    const char *why = NULL;
    char *norm = ucp_normalize_fqdn(host, &why);
    free(host);
    if (!norm) {
        char *shown = ucp_display_bytes((const uint8_t *)value, strlen(value));
        ucp_status st = ucp_fail(UCP_E_TOPOLOGY, source, "%s '%s' is not acceptable: %s",
                                 facts[f].title, shown ? shown : "", why ? why : "invalid");
        free(shown);
        return st;
    }
    *out = norm;
    return UCP_OK;
}

ucp_status ucp_topology_add_value(ucp_topology *t, ucp_fact f, const char *value, const char *source)
{
    char *norm;
    ucp_status st = normalize(f, value, source, &norm);
    if (st != UCP_OK)
        return st;
    for (size_t i = 0; i < t->counts[f]; i++) {
        if (strcmp(t->values[f][i], norm) == 0) {
            free(norm);
            return UCP_OK;
        }
    }
    /* Each value is compared with the others here and with every SAN entry by the checks: a
     * list of 50,000 SIP domains took 7 s to load. */
    if (t->counts[f] >= UCP_MAX_FACT_VALUES) {
        free(norm);
        return ucp_fail(UCP_E_TOPOLOGY, source, "more than %d values for the %s (the limit)", UCP_MAX_FACT_VALUES,
                        facts[f].title);
    }
    char **v = realloc(t->values[f], (t->counts[f] + 1) * sizeof *v);
    if (!v) {
        free(norm);
        return ucp_fail_nomem();
    }
    t->values[f] = v;
    v[t->counts[f]++] = norm;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_topology_set(ucp_topology *t, ucp_fact f, const char *value)
{
    if (!t || !fact_valid(f))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_topology_set: invalid topology or fact");
    if (!value || !*value) {
        ucp_topology_clear_fact(t, f);
        return UCP_OK;
    }
    char *norm;
    ucp_status st = normalize(f, value, NULL, &norm);
    if (st != UCP_OK)
        return st;
    char **v = malloc(sizeof *v);
    if (!v) {
        free(norm);
        return ucp_fail_nomem();
    }
    ucp_topology_clear_fact(t, f);
    v[0] = norm;
    t->values[f] = v;
    t->counts[f] = 1;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_topology_add(ucp_topology *t, ucp_fact f, const char *value)
{
    if (!t || !fact_valid(f))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_topology_add: invalid topology or fact");
    if (!facts[f].list)
        return ucp_topology_set(t, f, value);
    if (!value || !*value)
        return ucp_fail(UCP_E_TOPOLOGY, NULL, "empty %s", facts[f].title);
    return ucp_topology_add_value(t, f, value, NULL);
}

UCP_EXPORT size_t ucp_topology_count(const ucp_topology *t, ucp_fact f)
{
    return t && fact_valid(f) ? t->counts[f] : 0;
}

UCP_EXPORT const char *ucp_topology_get(const ucp_topology *t, ucp_fact f, size_t i)
{
    return t && fact_valid(f) && i < t->counts[f] ? t->values[f][i] : NULL;
}

UCP_EXPORT ucp_status ucp_topology_set_product(ucp_topology *t, ucp_product p)
{
    if (!t || (unsigned)p >= UCP_PRODUCT_COUNT)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_topology_set_product: invalid product");
    t->product = p;
    return UCP_OK;
}

UCP_EXPORT ucp_product ucp_topology_product(const ucp_topology *t)
{
    return t ? t->product : UCP_PRODUCT_SFB2019;
}

ucp_status ucp_topology_copy(ucp_topology **out, const ucp_topology *src)
{
    ucp_status st = ucp_topology_new(out);
    if (st != UCP_OK || !src)
        return st;
    (*out)->product = src->product;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        for (size_t i = 0; i < src->counts[f]; i++) {
            char **v = realloc((*out)->values[f], ((*out)->counts[f] + 1) * sizeof *v);
            char *s = ucp_strdup(src->values[f][i]);
            if (v)
                (*out)->values[f] = v;
            if (!v || !s) {
                free(s);
                ucp_topology_free(*out);
                *out = NULL;
                return ucp_fail_nomem();
            }
            v[(*out)->counts[f]++] = s;
        }
    }
    return UCP_OK;
}

/* Move the facts and product of @from into @to (replacing them); @from is left empty. */
void ucp_topology_take_facts(ucp_topology *to, ucp_topology *from)
{
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        ucp_topology_clear_fact(to, f);
        to->values[f] = from->values[f];
        to->counts[f] = from->counts[f];
        from->values[f] = NULL;
        from->counts[f] = 0;
    }
    to->product = from->product;
}

void ucp_topology_write_json(struct ucp_jgen *j, const ucp_topology *t)
{
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "product", ucp_product_name(t ? t->product : UCP_PRODUCT_SFB2019));
    for (unsigned f = 0; t && f < UCP_FACT_COUNT; f++) {
        if (!t->counts[f])
            continue;
        ucp_jgen_key(j, facts[f].json);
        if (facts[f].list) {
            ucp_jgen_array(j);
            for (size_t i = 0; i < t->counts[f]; i++)
                ucp_jgen_string(j, t->values[f][i]);
            ucp_jgen_close(j);
        } else {
            ucp_jgen_string(j, t->values[f][0]);
        }
    }
    ucp_jgen_close(j);
}

UCP_EXPORT ucp_status ucp_topology_to_json(const ucp_topology *t, ucp_buffer *out)
{
    if (!t || !out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_topology_to_json: invalid argument");
    out->data = NULL;
    out->size = 0;
    struct ucp_strbuf sb;
    struct ucp_jgen j;
    ucp_sb_init(&sb);
    if (ucp_jgen_init(&j, &sb, true, 0))
        ucp_topology_write_json(&j, t);
    if (!ucp_jgen_finish(&j) || sb.len == 0) {
        ucp_sb_dispose(&sb);
        return ucp_fail_nomem();
    }
    size_t n = sb.len;
    out->data = ucp_sb_finish(&sb);
    if (!out->data)
        return ucp_fail_nomem();
    out->size = n;
    return UCP_OK;
}

/* ---- the servers of a topology document ------------------------------------------------------ */

UCP_EXPORT size_t ucp_topology_server_count(const ucp_topology *t)
{
    return t && t->doc ? t->doc->nservers : 0;
}

UCP_EXPORT const char *ucp_topology_server_fqdn(const ucp_topology *t, size_t i)
{
    return i < ucp_topology_server_count(t) ? t->doc->servers[i].fqdn : NULL;
}

UCP_EXPORT const char *ucp_topology_server_pool(const ucp_topology *t, size_t i)
{
    return i < ucp_topology_server_count(t) ? t->doc->pools[t->doc->servers[i].pool].fqdn : NULL;
}

UCP_EXPORT const char *ucp_topology_selected_server(const ucp_topology *t)
{
    return t && t->doc && t->selected ? t->doc->servers[t->selected - 1].fqdn : NULL;
}

/* "fe01.contoso.com, fe02.contoso.com, ..." (the first 20). */
static char *server_list(const struct ucp_topo_doc *doc)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    for (size_t i = 0; i < doc->nservers && i < 20; i++)
        ucp_sb_printf(&sb, "%s%s", i ? ", " : "", doc->servers[i].fqdn);
    if (doc->nservers > 20)
        ucp_sb_printf(&sb, " and %zu more", doc->nservers - 20);
    return ucp_sb_finish(&sb);
}

UCP_EXPORT ucp_status ucp_topology_select_server(ucp_topology *t, const char *fqdn)
{
    if (!t || !fqdn)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_topology_select_server: invalid argument");
    if (!t->doc || !t->doc->nservers)
        return ucp_fail(UCP_E_NOT_FOUND, NULL,
                        "no server to select: the topology does not come from a document that lists servers");
    const char *why = NULL;
    char *want = ucp_normalize_fqdn(fqdn, &why);
    size_t found = 0;
    for (size_t i = 0; want && i < t->doc->nservers; i++)
        if (strcmp(t->doc->servers[i].fqdn, want) == 0)
            found = i + 1;
    free(want);
    if (!found) {
        char *list = server_list(t->doc);
        char *shown = ucp_display_bytes((const uint8_t *)fqdn, strlen(fqdn));
        ucp_status st = ucp_fail(UCP_E_NOT_FOUND, t->doc->source,
                                 "no server '%s' in the topology; its servers: %s", shown ? shown : "",
                                 list ? list : "");
        free(shown);
        free(list);
        return st;
    }
    ucp_topology *copy;
    ucp_status st = ucp_topology_copy(&copy, t->doc->servers[found - 1].facts);
    if (st != UCP_OK)
        return st;
    ucp_topology_take_facts(t, copy);
    ucp_topology_free(copy);
    t->selected = found;
    return UCP_OK;
}

ucp_status ucp_topology_require_server(const ucp_topology *t)
{
    if (!t || !t->doc || t->selected || t->doc->nservers < 2)
        return UCP_OK;
    char *list = server_list(t->doc);
    ucp_status st = ucp_fail(UCP_E_TOPOLOGY, t->doc->source,
                             "the topology describes %zu servers; choose the one to check "
                             "(--server FQDN, or ucp_topology_select_server()): %s",
                             t->doc->nservers, list ? list : "");
    free(list);
    return st;
}

/* ---- the model of a topology document ----------------------------------------------------- */

void ucp_topo_doc_free(struct ucp_topo_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->npools; i++) {
        free(doc->pools[i].fqdn);
        free(doc->pools[i].key);
        for (size_t m = 0; m < doc->pools[i].nmachines; m++)
            free(doc->pools[i].machines[m]);
        free(doc->pools[i].machines);
    }
    free(doc->pools);
    for (size_t i = 0; i < doc->nservices; i++) {
        struct ucp_topo_service *s = &doc->services[i];
        free(s->role);
        free(s->installed_on);
        free(s->web_external);
        free(s->wac_discovery);
        for (size_t p = 0; p < s->nports; p++) {
            free(s->ports[p].owner);
            free(s->ports[p].usage);
            free(s->ports[p].side);
            free(s->ports[p].protocol);
            free(s->ports[p].fqdn);
        }
        free(s->ports);
    }
    free(doc->services);
    for (size_t i = 0; i < doc->nservers; i++) {
        free(doc->servers[i].fqdn);
        free(doc->servers[i].av_edge);
        ucp_topology_free(doc->servers[i].facts);
    }
    free(doc->servers);
    free(doc->source);
    free(doc);
}
