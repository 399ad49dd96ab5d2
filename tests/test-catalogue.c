/* SPDX-License-Identifier: MIT */
/*
 * Integrity of the built-in catalogue (public API): every rule is bound by some role, every role
 * runs the tls-server baseline (except the bindings roles.yaml removes on purpose), every
 * reference has a key, names and aliases resolve, and the roles of the issue exist.
 */
#include <ctype.h>
#include <string.h>

#include "ucpolicy.h"
#include "tap.h"

static const ucp_product products[] = {UCP_PRODUCT_LYNC2010, UCP_PRODUCT_LYNC2013, UCP_PRODUCT_SFB2015,
                                       UCP_PRODUCT_SFB2019};

/* The baseline bindings that roles.yaml removes with `severity: none`, each for a documented
 * reason (the role's own text). The test also checks that each is really removed. */
static const struct {
    const char *role, *code;
} removed[] = {
    {"edge-internal", "san.fqdn-missing"},          /* no SAN needed on the internal interface */
    {"edge-av-auth", "san.fqdn-missing"},           /* the A/V Authentication service uses no names */
    {"edge-external", "san.fqdn-missing"},          /* reached by its public names, never the internal FQDN */
    {"frontend-web-external", "san.fqdn-missing"},  /* reached by the external web FQDN and simple URLs */
    {"director-web-external", "san.fqdn-missing"},  /* same */
    {"oauth-token-issuer", "san.fqdn-missing"},     /* the subject names the SIP domain instead */
    {"exchange-um", "san.fqdn-missing"},            /* a stand-alone UM server: the CN decides */
    {"exchange-um-callrouter", "san.fqdn-missing"}, /* same */
    {"exchange-auth", "san.fqdn-missing"},          /* self-signed by design, no names */
    {"exchange-auth", "san.missing"},
    {"exchange-auth", "chain.untrusted-root"},
};

static const char *const issue_roles[] = {
    "tls-server", "frontend-default", "frontend-web-internal", "frontend-web-external", "director-default",
    "director-web-internal", "director-web-external", "edge-internal", "edge-external", "edge-av-auth",
    "mediation", "sba", "persistent-chat", "video-interop", "trusted-application", "reverse-proxy",
    "oauth-token-issuer", "exchange-um", "exchange-um-callrouter", "exchange-auth", "office-online-server",
    "teams-direct-routing-sbc",
};

static const ucp_role_rule *bound(const ucp_role *role, const ucp_rule *rule)
{
    for (size_t i = 0; i < ucp_role_rule_count(role); i++)
        if (ucp_role_rule_rule(ucp_role_rule_at(role, i)) == rule)
            return ucp_role_rule_at(role, i);
    return NULL;
}

static bool is_removed(const char *role, const char *code)
{
    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++)
        if (strcmp(removed[i].role, role) == 0 && strcmp(removed[i].code, code) == 0)
            return true;
    return false;
}

static bool valid_code(const ucp_rule *rule)
{
    const char *code = ucp_rule_code(rule), *field = ucp_field_name(ucp_rule_field(rule));
    size_t fl = strlen(field);
    if (!*field || strncmp(code, field, fl) != 0 || code[fl] != '.' || !code[fl + 1])
        return false;
    for (const char *p = code + fl + 1; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return false;
    return true;
}

static bool references_ok(const ucp_role_rule *rr)
{
    if (ucp_role_rule_reference_count(rr) == 0)
        return false;
    for (size_t k = 0; k < ucp_role_rule_reference_count(rr); k++) {
        const ucp_reference *ref = ucp_role_rule_reference_at(rr, k);
        if (!ref || !*ucp_reference_key(ref) || ucp_reference_find(ucp_reference_key(ref)) != ref)
            return false;
    }
    return ucp_role_rule_reference_at(rr, ucp_role_rule_reference_count(rr)) == NULL;
}

int main(void)
{
    const ucp_role *base = ucp_role_find("tls-server");
    if (!base)
        return TAP_SETUP_FAILURE;
    CHECK(ucp_role_at(0) == base, "the baseline tls-server is the first role");
    CHECK(ucp_role_at(ucp_role_count()) == NULL && ucp_rule_at(ucp_rule_count()) == NULL &&
              ucp_reference_at(ucp_reference_count()) == NULL,
          "_at(count) is NULL");

    /* ---- the roles of the issue, and names ---- */
    for (size_t i = 0; i < sizeof issue_roles / sizeof issue_roles[0]; i++) {
        const ucp_role *r = ucp_role_find(issue_roles[i]);
        CHECK(r && strcmp(ucp_role_id(r), issue_roles[i]) == 0, "role %s exists, spelled so", issue_roles[i]);
    }
    for (size_t i = 0; i < ucp_role_count(); i++) {
        const ucp_role *r = ucp_role_at(i);
        const char *id = ucp_role_id(r);
        bool names_ok = ucp_role_find(id) == r && *ucp_role_title(r) && *ucp_role_description(r);
        char upper[128];
        for (size_t k = 0; k < ucp_role_alias_count(r); k++) {
            const char *a = ucp_role_alias_at(r, k);
            size_t n = 0;
            for (; a[n] && n + 1 < sizeof upper; n++)
                upper[n] = (char)toupper((unsigned char)a[n]);
            upper[n] = '\0';
            names_ok &= ucp_role_find(a) == r && ucp_role_find(upper) == r;
        }
        names_ok &= ucp_role_alias_at(r, ucp_role_alias_count(r)) == NULL;
        CHECK(names_ok, "%s: id, title, description; every alias resolves to it, in any case", id);
        bool in_any = false;
        for (size_t p = 0; p < 4; p++)
            in_any |= ucp_role_in_product(r, products[p]);
        CHECK(in_any, "%s exists in at least one product", id);

        /* No rule bound twice, every binding with text and references. */
        bool unique = true, refs = true, text = true;
        for (size_t a = 0; a < ucp_role_rule_count(r); a++) {
            const ucp_role_rule *rr = ucp_role_rule_at(r, a);
            for (size_t b = a + 1; b < ucp_role_rule_count(r); b++)
                unique &= ucp_role_rule_rule(ucp_role_rule_at(r, b)) != ucp_role_rule_rule(rr);
            refs &= references_ok(rr);
            text &= *ucp_role_rule_text(rr) != '\0';
        }
        CHECK(unique, "%s binds each rule once", id);
        CHECK(refs, "%s: every binding has references, each with a key the catalogue knows", id);
        CHECK(text, "%s: every binding states its requirement", id);

        /* Required facts are used facts. */
        bool facts_ok = true;
        for (int f = 0; f < UCP_FACT_COUNT; f++)
            if (ucp_role_requires_fact(r, (ucp_fact)f) && !ucp_role_uses_fact(r, (ucp_fact)f))
                facts_ok = false;
        CHECK(facts_ok, "%s: every required fact is a used fact", id);
    }

    /* ---- every role runs the baseline ---- */
    for (size_t i = 1; i < ucp_role_count(); i++) {
        const ucp_role *r = ucp_role_at(i);
        const char *id = ucp_role_id(r);
        for (size_t k = 0; k < ucp_role_rule_count(base); k++) {
            const ucp_role_rule *b = ucp_role_rule_at(base, k);
            const char *code = ucp_role_rule_code(b);
            const ucp_role_rule *rr = bound(r, ucp_role_rule_rule(b));
            if (is_removed(id, code)) {
                CHECK(rr == NULL, "%s removes the baseline's %s (documented in roles.yaml)", id, code);
                continue;
            }
            if (!CHECK(rr != NULL, "%s runs the baseline's %s", id, code))
                continue;
            if (!ucp_role_rule_is_baseline(rr))
                continue; /* the role states its own version of the rule */
            bool same = true;
            bool input_rule = strncmp(code, "input.", 6) == 0;
            for (size_t p = 0; p < 4 && !input_rule; p++)
                same &= ucp_role_rule_applies(rr, products[p]) == ucp_role_rule_applies(b, products[p]) &&
                        ucp_role_rule_severity(rr, products[p]) == ucp_role_rule_severity(b, products[p]);
            same &= strcmp(ucp_role_rule_text(rr), ucp_role_rule_text(b)) == 0;
            CHECK(same, "%s: the inherited %s is the baseline's (severity and text)", id, code);
        }
    }
    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++)
        CHECK(ucp_role_find(removed[i].role) != NULL && ucp_rule_find(removed[i].code) != NULL,
              "the removal table names a real role and rule (%s, %s)", removed[i].role, removed[i].code);

    /* The baseline's input rules apply where they can fire, and only there. */
    const ucp_rule *role_product = ucp_rule_find("input.role-product");
    const ucp_rule *facts_missing = ucp_rule_find("input.facts-missing");
    for (size_t i = 0; i < ucp_role_count(); i++) {
        const ucp_role *r = ucp_role_at(i);
        const ucp_role_rule *rp = bound(r, role_product), *fm = bound(r, facts_missing);
        bool ok = rp != NULL;
        for (size_t p = 0; ok && p < 4; p++)
            ok = ucp_role_rule_applies(rp, products[p]) == !ucp_role_in_product(r, products[p]);
        CHECK(ok, "%s: input.role-product applies exactly to the products without the role", ucp_role_id(r));
        bool requires = false;
        for (int f = 0; f < UCP_FACT_COUNT; f++)
            requires |= ucp_role_requires_fact(r, (ucp_fact)f);
        ok = fm != NULL;
        for (size_t p = 0; ok && p < 4; p++)
            ok = ucp_role_rule_applies(fm, products[p]) == requires;
        CHECK(ok, "%s: input.facts-missing applies %s", ucp_role_id(r),
              requires ? "(the role requires facts)" : "nowhere (the role requires no facts)");
    }

    /* ---- rules ---- */
    for (size_t i = 0; i < ucp_rule_count(); i++) {
        const ucp_rule *rule = ucp_rule_at(i);
        const char *code = ucp_rule_code(rule);
        CHECK(valid_code(rule) && ucp_rule_find(code) == rule && *ucp_rule_title(rule) && *ucp_rule_remediation(rule),
              "rule %s: '<field>.<name>', found by its code, with title and remediation", code);
        bool used = false;
        for (size_t k = 0; k < ucp_role_count() && !used; k++) {
            const ucp_role_rule *rr = bound(ucp_role_at(k), rule);
            for (size_t p = 0; rr && p < 4; p++)
                used |= ucp_role_rule_applies(rr, products[p]);
        }
        CHECK(used, "rule %s is bound by some role for some product", code);
    }

    /* ---- references ---- */
    for (size_t i = 0; i < ucp_reference_count(); i++) {
        const ucp_reference *ref = ucp_reference_at(i);
        const char *key = ucp_reference_key(ref), *url = ucp_reference_url(ref);
        bool unique = true;
        for (size_t k = i + 1; k < ucp_reference_count(); k++)
            unique &= strcmp(ucp_reference_key(ucp_reference_at(k)), key) != 0;
        CHECK(*key && unique && ucp_reference_find(key) == ref && *ucp_reference_title(ref) &&
                  (!*url || strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0),
              "reference %s: a unique key, a title, an http(s) URL or none", *key ? key : "(empty)");
    }

    /* ---- names of enums ---- */
    for (int s = 0; s < 3; s++) {
        ucp_severity back;
        CHECK(ucp_severity_from_name(&back, ucp_severity_name((ucp_severity)s)) == UCP_OK && back == (ucp_severity)s,
              "severity %s round trip", ucp_severity_name((ucp_severity)s));
    }
    ucp_severity sev;
    CHECK(ucp_severity_from_name(&sev, "WARNING") == UCP_OK && sev == UCP_SEVERITY_WARNING,
          "severity names are case-insensitive");
    CHECK(ucp_severity_from_name(&sev, "fatal") == UCP_E_INVALID_ARGUMENT, "an unknown severity");
    for (size_t p = 0; p < 4; p++) {
        ucp_product back;
        CHECK(ucp_product_from_name(&back, ucp_product_name(products[p])) == UCP_OK && back == products[p] &&
                  *ucp_product_title(products[p]),
              "product %s round trip, with a title", ucp_product_name(products[p]));
    }
    ucp_product prod;
    CHECK(ucp_product_from_name(&prod, "SfB2015") == UCP_OK && prod == UCP_PRODUCT_SFB2015,
          "product names are case-insensitive");
    CHECK(ucp_product_from_name(&prod, "teams") == UCP_E_UNKNOWN_PRODUCT, "an unknown product");
    static const char *const fields[] = {"subject", "san", "eku", "key-usage", "key", "signature",
                                         "validity", "revocation", "chain", "basic-constraints",
                                         "private-key", "input", "serial"};
    bool fields_ok = true;
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
        fields_ok &= strcmp(ucp_field_name((ucp_field)f), fields[f]) == 0;
    CHECK(fields_ok, "the field names of the report (subject ... serial)");
    return tap_done();
}
