/* SPDX-License-Identifier: MIT */
/* The public catalogue API over the generated tables (catalogue-data.c). */
#include "config.h"

#include <string.h>

#include "policy/policy-private.h"

static const char *const severity_names[] = {"info", "warning", "error"};
static const char *const field_names[] = {"subject", "san", "eku", "key-usage", "key", "signature",
                                          "validity", "revocation", "chain", "basic-constraints",
                                          "private-key", "input", "serial"};
static const char *const product_names[] = {"lync2010", "lync2013", "sfb2015", "sfb2019"};
static const char *const product_titles[] = {"Lync Server 2010", "Lync Server 2013",
                                             "Skype for Business Server 2015",
                                             "Skype for Business Server 2019"};

UCP_EXPORT const char *ucp_severity_name(ucp_severity s)
{
    return (unsigned)s < UCP_ARRAY_SIZE(severity_names) ? severity_names[s] : "";
}

UCP_EXPORT ucp_status ucp_severity_from_name(ucp_severity *out, const char *name)
{
    for (size_t i = 0; name && i < UCP_ARRAY_SIZE(severity_names); i++) {
        if (ucp_strcasecmp(name, severity_names[i]) == 0) {
            if (out)
                *out = (ucp_severity)i;
            return UCP_OK;
        }
    }
    return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "unknown severity '%s' (use info, warning or error)",
                    name ? name : "(null)");
}

UCP_EXPORT const char *ucp_field_name(ucp_field f)
{
    return (unsigned)f < UCP_ARRAY_SIZE(field_names) ? field_names[f] : "";
}

UCP_EXPORT const char *ucp_product_name(ucp_product p)
{
    return (unsigned)p < UCP_ARRAY_SIZE(product_names) ? product_names[p] : "";
}

UCP_EXPORT const char *ucp_product_title(ucp_product p)
{
    return (unsigned)p < UCP_ARRAY_SIZE(product_titles) ? product_titles[p] : "";
}

UCP_EXPORT ucp_status ucp_product_from_name(ucp_product *out, const char *name)
{
    for (size_t i = 0; name && i < UCP_ARRAY_SIZE(product_names); i++) {
        if (ucp_strcasecmp(name, product_names[i]) == 0) {
            if (out)
                *out = (ucp_product)i;
            return UCP_OK;
        }
    }
    return ucp_fail(UCP_E_UNKNOWN_PRODUCT, NULL,
                    "unknown product '%s' (use lync2010, lync2013, sfb2015 or sfb2019)",
                    name ? name : "(null)");
}

UCP_EXPORT size_t ucp_role_count(void) { return ucp_role_total; }

UCP_EXPORT const ucp_role *ucp_role_at(size_t i) { return i < ucp_role_total ? &ucp_roles[i] : NULL; }

UCP_EXPORT const ucp_role *ucp_role_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < ucp_role_total; i++) {
        const struct ucp_role *r = &ucp_roles[i];
        if (ucp_strcasecmp(r->id, name) == 0)
            return r;
        for (size_t k = 0; k < r->naliases; k++)
            if (ucp_strcasecmp(r->aliases[k], name) == 0)
                return r;
    }
    return NULL;
}

UCP_EXPORT const char *ucp_role_id(const ucp_role *r) { return r ? r->id : ""; }
UCP_EXPORT const char *ucp_role_title(const ucp_role *r) { return r ? r->title : ""; }
UCP_EXPORT const char *ucp_role_description(const ucp_role *r) { return r ? r->description : ""; }
UCP_EXPORT size_t ucp_role_alias_count(const ucp_role *r) { return r ? r->naliases : 0; }
UCP_EXPORT const char *ucp_role_alias_at(const ucp_role *r, size_t i)
{
    return r && i < r->naliases ? r->aliases[i] : NULL;
}
UCP_EXPORT bool ucp_role_in_product(const ucp_role *r, ucp_product p)
{
    return r && (unsigned)p < UCP_PRODUCT_COUNT && (r->products & (1u << p));
}
UCP_EXPORT bool ucp_role_requires_fact(const ucp_role *r, ucp_fact f)
{
    return r && (unsigned)f < UCP_FACT_COUNT && (r->required_facts & UCP_FACT_BIT(f));
}
UCP_EXPORT bool ucp_role_uses_fact(const ucp_role *r, ucp_fact f)
{
    return r && (unsigned)f < UCP_FACT_COUNT && ((r->required_facts | r->optional_facts) & UCP_FACT_BIT(f));
}
UCP_EXPORT size_t ucp_role_rule_count(const ucp_role *r) { return r ? r->nrules : 0; }
UCP_EXPORT const ucp_role_rule *ucp_role_rule_at(const ucp_role *r, size_t i)
{
    return r && i < r->nrules ? &r->rules[i] : NULL;
}

UCP_EXPORT size_t ucp_rule_count(void) { return ucp_rule_total; }
UCP_EXPORT const ucp_rule *ucp_rule_at(size_t i) { return i < ucp_rule_total ? &ucp_rules[i] : NULL; }
UCP_EXPORT const ucp_rule *ucp_rule_find(const char *code)
{
    for (size_t i = 0; code && i < ucp_rule_total; i++)
        if (strcmp(ucp_rules[i].code, code) == 0)
            return &ucp_rules[i];
    return NULL;
}
UCP_EXPORT const char *ucp_rule_code(const ucp_rule *r) { return r ? r->code : ""; }
UCP_EXPORT const char *ucp_rule_title(const ucp_rule *r) { return r ? r->title : ""; }
UCP_EXPORT ucp_field ucp_rule_field(const ucp_rule *r) { return r ? r->field : UCP_FIELD_INPUT; }
UCP_EXPORT const char *ucp_rule_remediation(const ucp_rule *r) { return r ? r->remediation : ""; }

UCP_EXPORT const ucp_rule *ucp_role_rule_rule(const ucp_role_rule *rr) { return rr ? rr->rule : NULL; }
UCP_EXPORT const char *ucp_role_rule_code(const ucp_role_rule *rr) { return rr ? rr->rule->code : ""; }
UCP_EXPORT const char *ucp_role_rule_text(const ucp_role_rule *rr) { return rr ? rr->text : ""; }
UCP_EXPORT bool ucp_role_rule_applies(const ucp_role_rule *rr, ucp_product p)
{
    return rr && (unsigned)p < UCP_PRODUCT_COUNT && rr->severity[p] >= 0;
}
UCP_EXPORT ucp_severity ucp_role_rule_severity(const ucp_role_rule *rr, ucp_product p)
{
    if (!rr || (unsigned)p >= UCP_PRODUCT_COUNT || rr->severity[p] < 0)
        return UCP_SEVERITY_INFO;
    return (ucp_severity)rr->severity[p];
}
UCP_EXPORT bool ucp_role_rule_is_baseline(const ucp_role_rule *rr) { return rr && rr->baseline; }
UCP_EXPORT size_t ucp_role_rule_reference_count(const ucp_role_rule *rr) { return rr ? rr->nrefs : 0; }
UCP_EXPORT const ucp_reference *ucp_role_rule_reference_at(const ucp_role_rule *rr, size_t i)
{
    return rr && i < rr->nrefs ? rr->refs[i] : NULL;
}

UCP_EXPORT size_t ucp_reference_count(void) { return ucp_reference_total; }
UCP_EXPORT const ucp_reference *ucp_reference_at(size_t i)
{
    return i < ucp_reference_total ? &ucp_references[i] : NULL;
}
UCP_EXPORT const ucp_reference *ucp_reference_find(const char *key)
{
    for (size_t i = 0; key && i < ucp_reference_total; i++)
        if (strcmp(ucp_references[i].key, key) == 0)
            return &ucp_references[i];
    return NULL;
}
UCP_EXPORT const char *ucp_reference_key(const ucp_reference *r) { return r ? r->key : ""; }
UCP_EXPORT const char *ucp_reference_title(const ucp_reference *r) { return r ? r->title : ""; }
UCP_EXPORT const char *ucp_reference_url(const ucp_reference *r) { return r ? r->url : ""; }

unsigned ucp_role_rule_flags(const struct ucp_role_rule *rr)
{
    unsigned f = rr->rule->flags | rr->flags;
    if (rr->flags & UCP_RF_WILDCARD_OK)
        f &= ~(unsigned)UCP_RF_EXPLICIT;
    return f;
}
