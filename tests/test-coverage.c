/* SPDX-License-Identifier: MIT */
/*
 * The fixture manifest covers the catalogue: for every (role, rule) binding that applies to some
 * product there is a fail case of that role naming the rule in `present`, and a pass case of
 * that role listing the rule in `absent` for a product where it applies.
 *
 * A binding can apply only to releases that do not have the role (the uc group's Lync 2010
 * rules for Persistent Chat, say). No pass case can exist there, since checking a role against a
 * release without it is itself a warning (input.role-product); for those the fail case must run
 * on such a release and expect input.role-product as well. They are listed as diagnostics.
 */
#include <jansson.h>
#include <string.h>

#include "ucpolicy.h"
#include "tap.h"

static const ucp_product products[] = {UCP_PRODUCT_LYNC2010, UCP_PRODUCT_LYNC2013, UCP_PRODUCT_SFB2015,
                                       UCP_PRODUCT_SFB2019};

static bool list_has(json_t *list, const char *code, const char *severity)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), code) == 0)
            return true;
        if (json_is_object(v)) {
            const char *c = json_string_value(json_object_get(v, "code"));
            const char *s = json_string_value(json_object_get(v, "severity"));
            if (c && strcmp(c, code) == 0 && (!severity || (s && strcmp(s, severity) == 0)))
                return true;
        }
    }
    return false;
}

static ucp_product case_product(json_t *c)
{
    ucp_product p = UCP_PRODUCT_SFB2019;
    const char *name = json_string_value(json_object_get(json_object_get(c, "topology"), "product"));
    if (name)
        ucp_product_from_name(&p, name);
    return p;
}

int main(void)
{
    const char *dir = getenv("UCPOLICY_FIXTURES");
    if (!dir)
        return TAP_SETUP_FAILURE;
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t err;
    json_t *m = json_load_file(path, 0, &err);
    if (!m) {
        fprintf(stderr, "%s: %s\n", path, err.text);
        return TAP_SETUP_FAILURE;
    }
    json_t *cases = json_object_get(m, "cases");
    size_t bindings = 0, role_less = 0;
    for (size_t r = 0; r < ucp_role_count(); r++) {
        const ucp_role *role = ucp_role_at(r);
        const char *rid = ucp_role_id(role);
        for (size_t k = 0; k < ucp_role_rule_count(role); k++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, k);
            const char *code = ucp_role_rule_code(rr);
            bool applies_somewhere = false, applies_with_role = false;
            for (size_t p = 0; p < 4; p++) {
                applies_somewhere |= ucp_role_rule_applies(rr, products[p]);
                applies_with_role |= ucp_role_rule_applies(rr, products[p]) && ucp_role_in_product(role, products[p]);
            }
            if (!applies_somewhere)
                continue;
            bindings++;
            bool fail_case = false, pass_case = false, fail_role_less = false;
            size_t i;
            json_t *c;
            json_array_foreach(cases, i, c) {
                const char *crole = json_string_value(json_object_get(c, "role"));
                const char *kind = json_string_value(json_object_get(c, "kind"));
                json_t *ex = json_object_get(c, "expect");
                if (!crole || !kind || strcmp(crole, rid) != 0)
                    continue;
                ucp_product p = case_product(c);
                if (!ucp_role_rule_applies(rr, p))
                    continue;
                const char *sev = ucp_severity_name(ucp_role_rule_severity(rr, p));
                if (strcmp(kind, "fail") == 0 && list_has(json_object_get(ex, "present"), code, sev)) {
                    fail_case = true;
                    if (!ucp_role_in_product(role, p) &&
                        list_has(json_object_get(ex, "present"), "input.role-product", NULL))
                        fail_role_less = true;
                }
                if (strcmp(kind, "pass") == 0 && list_has(json_object_get(ex, "absent"), code, NULL) &&
                    json_object_get(ex, "result") && strcmp(json_string_value(json_object_get(ex, "result")), "pass") == 0)
                    pass_case = true;
            }
            CHECK(fail_case, "%s / %s: a fail case expects it with the catalogue's severity", rid, code);
            if (applies_with_role) {
                CHECK(pass_case, "%s / %s: a pass case lists it as absent", rid, code);
            } else {
                role_less++;
                printf("# %s / %s applies only to releases without the role: no pass case can exist\n", rid, code);
                CHECK(fail_role_less, "%s / %s: its fail case runs on a release without the role (input.role-product)",
                      rid, code);
            }
        }
    }
    CHECK(bindings > 0, "%zu bindings covered, %zu of them only on releases without their role", bindings, role_less);

    /* Every pass case's absent list is exactly the role's applicable rules for its product. */
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *kind = json_string_value(json_object_get(c, "kind"));
        const ucp_role *role = ucp_role_find(json_string_value(json_object_get(c, "role")));
        if (!kind || strcmp(kind, "pass") != 0)
            continue;
        if (!role) {
            CHECK(false, "pass case %s names a known role", json_string_value(json_object_get(c, "id")));
            continue;
        }
        ucp_product p = case_product(c);
        json_t *absent = json_object_get(json_object_get(c, "expect"), "absent");
        size_t n = 0;
        bool all = true;
        for (size_t k = 0; k < ucp_role_rule_count(role); k++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, k);
            if (!ucp_role_rule_applies(rr, p))
                continue;
            n++;
            all &= list_has(absent, ucp_role_rule_code(rr), NULL);
        }
        CHECK(all && n == json_array_size(absent) && json_array_size(json_object_get(json_object_get(c, "expect"), "present")) == 0,
              "pass case %s: absent is every rule %s applies for %s (%zu)", json_string_value(json_object_get(c, "id")),
              ucp_role_id(role), ucp_product_name(p), n);
    }
    json_decref(m);
    return tap_done();
}
