/* SPDX-License-Identifier: MIT */
/* Loading a topology: the format told from the content (our JSON, a Topology Builder file or
 * Get-CsTopology -AsXml output), read into the fact store of topology.c. Above topology.c and
 * topology-xml.c, which do not call it. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy-private.h"

/* Whether @data (after a byte order mark and white space) starts as XML does. */
static bool is_xml(const uint8_t *d, size_t n)
{
    if (n >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff)))
        return true; /* UTF-16, as Windows PowerShell 5.1 writes "Get-CsTopology -AsXml > file" */
    size_t i = n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf ? 3 : 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    return i < n && d[i] == '<';
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* A Topology Builder file or Get-CsTopology -AsXml output: its facts replace all of @t's. */
static ucp_status load_xml(ucp_topology *t, const uint8_t *data, size_t length, const char *source)
{
    struct ucp_topo_doc *doc;
    ucp_topology *shared;
    ucp_status st = ucp_topo_doc_parse(data, length, source, &doc, &shared);
    if (st != UCP_OK)
        return st;
    ucp_topology_take_facts(t, shared);
    ucp_topology_free(shared);
    ucp_topo_doc_free(t->doc);
    t->doc = doc;
    t->selected = 0;
    /* One server: it is the one meant. */
    if (doc->nservers == 1)
        return ucp_topology_select_server(t, doc->servers[0].fqdn);
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_topology_load_data(ucp_topology *t, const uint8_t *data, size_t length,
                                             const char *name)
{
    const char *source = name ? name : "<topology>";
    if (!t || (!data && length))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, name, "ucp_topology_load_data: invalid argument");
    if (is_xml(data, length))
        return load_xml(t, data, length, source);
    if (length > UCP_MAX_TOPOLOGY_SIZE)
        return ucp_fail(UCP_E_TOO_LARGE, source, "the topology document is %zu bytes; the limit is %u",
                        length, UCP_MAX_TOPOLOGY_SIZE);
    json_error_t err;
    json_t *root = json_loadb((const char *)data, length, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return ucp_fail_origin(UCP_E_TOPOLOGY, UCP_ORIGIN_JSON, 0, source,
                               "invalid JSON at line %d, column %d: %s", err.line, err.column, err.text);
    ucp_status st = UCP_OK;
    ucp_topology *tmp = NULL;
    if (!json_is_object(root)) {
        st = ucp_fail(UCP_E_TOPOLOGY, source, "the topology must be a JSON object, not %s",
                      json_type_name(root));
        goto out;
    }
    if ((st = ucp_topology_copy(&tmp, t)) != UCP_OK)
        goto out;
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        if (strcmp(key, "$schema") == 0 || strcmp(key, "comment") == 0)
            continue;
        if (strcmp(key, "product") == 0) {
            ucp_product p;
            if (!json_is_string(value)) {
                st = ucp_fail(UCP_E_TOPOLOGY, source, "'product' must be a string, not %s",
                              json_type_name(value));
                goto out;
            }
            if (ucp_product_from_name(&p, json_string_value(value)) != UCP_OK) {
                st = ucp_fail(UCP_E_TOPOLOGY, source,
                              "'product': unknown product '%s' (use lync2010, lync2013, sfb2015 or sfb2019)",
                              json_string_value(value));
                goto out;
            }
            tmp->product = p;
            continue;
        }
        ucp_fact f = UCP_FACT_COUNT;
        for (unsigned i = 0; i < UCP_FACT_COUNT; i++)
            if (strcmp(key, ucp_fact_json_key((ucp_fact)i)) == 0)
                f = (ucp_fact)i;
        if (f == UCP_FACT_COUNT) {
            struct ucp_strbuf known;
            ucp_sb_init(&known);
            for (unsigned i = 0; i < UCP_FACT_COUNT; i++)
                ucp_sb_printf(&known, "%s, ", ucp_fact_json_key((ucp_fact)i));
            ucp_sb_append(&known, "product");
            char *k = ucp_sb_finish(&known);
            char *shown = ucp_display_bytes((const uint8_t *)key, strlen(key));
            st = ucp_fail(UCP_E_TOPOLOGY, source, "unknown key '%s' (known keys: %s)", shown ? shown : "",
                          k ? k : "");
            free(shown);
            free(k);
            goto out;
        }
        ucp_topology_clear_fact(tmp, f);
        if (json_is_null(value))
            continue;
        if (json_is_string(value)) {
            if ((st = ucp_topology_add_value(tmp, f, json_string_value(value), source)) != UCP_OK)
                goto out;
            continue;
        }
        if (ucp_fact_is_list(f) && json_is_array(value)) {
            size_t i;
            json_t *item;
            json_array_foreach(value, i, item) {
                if (!json_is_string(item)) {
                    st = ucp_fail(UCP_E_TOPOLOGY, source, "'%s'[%zu] must be a string, not %s", key, i,
                                  json_type_name(item));
                    goto out;
                }
                if ((st = ucp_topology_add_value(tmp, f, json_string_value(item), source)) != UCP_OK)
                    goto out;
            }
            continue;
        }
        st = ucp_fail(UCP_E_TOPOLOGY, source, "'%s' must be %s, not %s", key,
                      ucp_fact_is_list(f) ? "an array of strings" : "a string", json_type_name(value));
        goto out;
    }
    /* Commit: swap the validated copy in. */
    ucp_topology_take_facts(t, tmp);
out:
    ucp_topology_free(tmp);
    json_decref(root);
    return st;
}

UCP_EXPORT ucp_status ucp_topology_load_file(ucp_topology *t, const char *path)
{
    if (!t || !path)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, path, "ucp_topology_load_file: invalid argument");
    uint8_t *data;
    size_t len;
    /* The larger limit of the two forms; ucp_topology_load_data applies the JSON one. */
    ucp_status st = ucp_read_file(path, UCP_MAX_TOPOLOGY_XML_SIZE, &data, &len);
    if (st != UCP_OK)
        return st;
    st = ucp_topology_load_data(t, data, len, path);
    free(data);
    return st;
}

