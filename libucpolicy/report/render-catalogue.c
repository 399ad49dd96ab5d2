/* SPDX-License-Identifier: MIT */
/*
 * The catalogue listings of `ucpolicy roles` and `ucpolicy rules [--role R] [--product P]`, text
 * and JSON, byte for byte as the command has printed them since 1.0. The JSON is an array (or
 * object) with one entry a line, each entry written by jansson on one line (", " and ": "
 * separators). Reads the catalogue (policy/) through its getters; called by render.c only.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

/* @j (stolen) on one line, as jansson writes it without indentation; false when out of memory. */
static bool one_line(struct ucp_strbuf *sb, json_t *j)
{
    size_t n = j ? json_dumpb(j, NULL, 0, JSON_ENCODE_ANY) : 0;
    char *buf = n ? malloc(n) : NULL;
    bool ok = buf && json_dumpb(j, buf, n, JSON_ENCODE_ANY) == n;
    if (ok)
        ucp_sb_appendn(sb, buf, n);
    free(buf);
    json_decref(j);
    return ok;
}

static json_t *references(const ucp_role_rule *rr)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < ucp_role_rule_reference_count(rr); k++) {
        const ucp_reference *ref = ucp_role_rule_reference_at(rr, k);
        json_t *o = json_object();
        json_object_set_new(o, "key", ucp_json_string(ucp_reference_key(ref)));
        json_object_set_new(o, "title", ucp_json_string(ucp_reference_title(ref)));
        json_object_set_new(o, "url", ucp_json_string(ucp_reference_url(ref)));
        json_array_append_new(a, o);
    }
    return a;
}

static ucp_status unsupported(ucp_output_format format, const char *what)
{
    return ucp_fail(UCP_E_UNSUPPORTED, NULL, "the %s are listed as text or json, not as '%s'", what,
                    ucp_output_format_name(format));
}

static json_t *role_json(const ucp_role *r)
{
    json_t *o = json_object();
    json_t *aliases = json_array(), *products = json_array(), *required = json_array(), *optional = json_array();
    json_object_set_new(o, "id", ucp_json_string(ucp_role_id(r)));
    json_object_set_new(o, "title", ucp_json_string(ucp_role_title(r)));
    json_object_set_new(o, "description", ucp_json_string(ucp_role_description(r)));
    for (size_t k = 0; k < ucp_role_alias_count(r); k++)
        json_array_append_new(aliases, ucp_json_string(ucp_role_alias_at(r, k)));
    json_object_set_new(o, "aliases", aliases);
    for (int p = UCP_PRODUCT_LYNC2010; p <= UCP_PRODUCT_SFB2019; p++)
        if (ucp_role_in_product(r, (ucp_product)p))
            json_array_append_new(products, json_string(ucp_product_name((ucp_product)p)));
    json_object_set_new(o, "products", products);
    for (int f = 0; f < UCP_FACT_COUNT; f++) {
        if (ucp_role_requires_fact(r, (ucp_fact)f))
            json_array_append_new(required, json_string(ucp_fact_name((ucp_fact)f)));
        else if (ucp_role_uses_fact(r, (ucp_fact)f))
            json_array_append_new(optional, json_string(ucp_fact_name((ucp_fact)f)));
    }
    json_object_set_new(o, "requiredFacts", required);
    json_object_set_new(o, "optionalFacts", optional);
    json_object_set_new(o, "ruleCount", json_integer((json_int_t)ucp_role_rule_count(r)));
    return o;
}

ucp_status ucp_catalogue_roles(struct ucp_strbuf *sb, ucp_output_format format)
{
    if (format != UCP_OUTPUT_TEXT && format != UCP_OUTPUT_JSON)
        return unsupported(format, "roles");
    bool json = format == UCP_OUTPUT_JSON;
    if (json)
        ucp_sb_append(sb, "[\n");
    for (size_t i = 0; i < ucp_role_count(); i++) {
        const ucp_role *r = ucp_role_at(i);
        if (json) {
            ucp_sb_append(sb, "  ");
            if (!one_line(sb, role_json(r)))
                return ucp_fail_nomem();
            ucp_sb_append(sb, i + 1 < ucp_role_count() ? ",\n" : "\n");
            continue;
        }
        ucp_sb_printf(sb, "%-26s %s\n", ucp_role_id(r), ucp_role_title(r));
        if (ucp_role_alias_count(r)) {
            ucp_sb_printf(sb, "%-26s aliases:", "");
            for (size_t k = 0; k < ucp_role_alias_count(r); k++)
                ucp_sb_printf(sb, "%s %s", k ? "," : "", ucp_role_alias_at(r, k));
            ucp_sb_appendc(sb, '\n');
        }
        bool any = false;
        for (int f = 0; f < UCP_FACT_COUNT; f++) {
            if (!ucp_role_uses_fact(r, (ucp_fact)f))
                continue;
            ucp_sb_printf(sb, "%s--%s%s", any ? " " : "                           needs: ", ucp_fact_name((ucp_fact)f),
                          ucp_role_requires_fact(r, (ucp_fact)f) ? "" : " (optional)");
            any = true;
        }
        if (any)
            ucp_sb_appendc(sb, '\n');
    }
    if (json)
        ucp_sb_append(sb, "]\n");
    return UCP_OK;
}

/* Every rule of the catalogue, with the roles that bind it. */
static ucp_status all_rules(struct ucp_strbuf *sb, bool json)
{
    if (json)
        ucp_sb_append(sb, "[\n");
    for (size_t i = 0; i < ucp_rule_count(); i++) {
        const ucp_rule *r = ucp_rule_at(i);
        if (!json) {
            ucp_sb_printf(sb, "%-38s %-18s %s\n", ucp_rule_code(r), ucp_field_name(ucp_rule_field(r)), ucp_rule_title(r));
            continue;
        }
        json_t *o = json_object(), *roles = json_array();
        json_object_set_new(o, "code", ucp_json_string(ucp_rule_code(r)));
        json_object_set_new(o, "field", json_string(ucp_field_name(ucp_rule_field(r))));
        json_object_set_new(o, "title", ucp_json_string(ucp_rule_title(r)));
        json_object_set_new(o, "remediation", ucp_json_string(ucp_rule_remediation(r)));
        for (size_t k = 0; k < ucp_role_count(); k++) {
            const ucp_role *role = ucp_role_at(k);
            for (size_t j = 0; j < ucp_role_rule_count(role); j++)
                if (ucp_role_rule_rule(ucp_role_rule_at(role, j)) == r)
                    json_array_append_new(roles, ucp_json_string(ucp_role_id(role)));
        }
        json_object_set_new(o, "roles", roles);
        ucp_sb_append(sb, "  ");
        if (!one_line(sb, o))
            return ucp_fail_nomem();
        ucp_sb_append(sb, i + 1 < ucp_rule_count() ? ",\n" : "\n");
    }
    if (json)
        ucp_sb_append(sb, "]\n");
    return UCP_OK;
}

ucp_status ucp_catalogue_rules(struct ucp_strbuf *sb, const char *role_name, ucp_product product,
                               ucp_output_format format)
{
    if (format != UCP_OUTPUT_TEXT && format != UCP_OUTPUT_JSON)
        return unsupported(format, "rules");
    bool json = format == UCP_OUTPUT_JSON;
    if (!role_name)
        return all_rules(sb, json);
    if ((unsigned)product > UCP_PRODUCT_SFB2019)
        return ucp_fail(UCP_E_UNKNOWN_PRODUCT, NULL, "unknown product %d (use lync2010, lync2013, sfb2015 or sfb2019)",
                        (int)product);
    const ucp_role *role = ucp_role_find(role_name);
    if (!role) {
        char *shown = ucp_render_clean(role_name);
        ucp_status st = ucp_fail(UCP_E_UNKNOWN_ROLE, NULL, "unknown role '%s'", shown ? shown : "");
        free(shown);
        return st;
    }
    if (json) {
        ucp_sb_append(sb, "{\"role\": ");
        if (!one_line(sb, ucp_json_string(ucp_role_id(role))))
            return ucp_fail_nomem();
        ucp_sb_printf(sb, ", \"product\": \"%s\", \"rules\": [\n", ucp_product_name(product));
    } else {
        ucp_sb_printf(sb, "%s - %s (%s)\n\n", ucp_role_id(role), ucp_role_title(role), ucp_product_title(product));
    }
    bool first = true;
    for (size_t i = 0; i < ucp_role_rule_count(role); i++) {
        const ucp_role_rule *rr = ucp_role_rule_at(role, i);
        if (!ucp_role_rule_applies(rr, product))
            continue;
        const char *sev = ucp_severity_name(ucp_role_rule_severity(rr, product));
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "code", ucp_json_string(ucp_role_rule_code(rr)));
            json_object_set_new(o, "field", json_string(ucp_field_name(ucp_rule_field(ucp_role_rule_rule(rr)))));
            json_object_set_new(o, "severity", json_string(sev));
            json_object_set_new(o, "text", ucp_json_string(ucp_role_rule_text(rr)));
            json_object_set_new(o, "baseline", json_boolean(ucp_role_rule_is_baseline(rr)));
            json_object_set_new(o, "references", references(rr));
            ucp_sb_append(sb, first ? "  " : ",\n  ");
            if (!one_line(sb, o))
                return ucp_fail_nomem();
        } else {
            ucp_sb_printf(sb, "%-38s %-8s %s [", ucp_role_rule_code(rr), sev, ucp_role_rule_text(rr));
            for (size_t k = 0; k < ucp_role_rule_reference_count(rr); k++)
                ucp_sb_printf(sb, "%s%s", k ? ", " : "", ucp_reference_key(ucp_role_rule_reference_at(rr, k)));
            ucp_sb_append(sb, "]\n");
        }
        first = false;
    }
    if (json)
        ucp_sb_append(sb, "\n]}\n");
    return UCP_OK;
}
