/* SPDX-License-Identifier: MIT */
/* The checker: the configuration shared by checks (its trust settings live in trust/trust.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check/check-private.h"

UCP_EXPORT ucp_status ucp_checker_new(ucp_checker **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_new: out is NULL");
    *out = NULL;
    ucp_checker *c = calloc(1, sizeof *c);
    if (!c)
        return ucp_fail_nomem();
    if (ucp_trust_init(&c->trust) != UCP_OK) {
        free(c);
        return ucp_fail_nomem();
    }
    c->time = UCP_TIME_NOW;
    c->expiry_days = 30;
    *out = c;
    return UCP_OK;
}

UCP_EXPORT void ucp_checker_free(ucp_checker *c)
{
    if (!c)
        return;
    ucp_trust_dispose(&c->trust);
    free(c);
}

static ucp_status add_all(struct ucp_pool *pool, const ucp_input *in, const char *what)
{
    if (!in)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: the input is NULL", what);
    for (size_t i = 0; i < in->ncerts; i++) {
        ucp_status st = ucp_pool_add(pool, in->certs[i]);
        if (st != UCP_OK)
            return st;
    }
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_add_trust(ucp_checker *c, const ucp_input *anchors)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_trust: checker is NULL");
    return add_all(&c->trust.anchors, anchors, "ucp_checker_add_trust");
}

UCP_EXPORT ucp_status ucp_checker_add_intermediates(ucp_checker *c, const ucp_input *certs)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_intermediates: checker is NULL");
    return add_all(&c->trust.intermediates, certs, "ucp_checker_add_intermediates");
}

UCP_EXPORT ucp_status ucp_checker_add_public_roots(ucp_checker *c, const ucp_input *roots)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_public_roots: checker is NULL");
    c->trust.public_roots_set = true;
    return add_all(&c->trust.public_roots, roots, "ucp_checker_add_public_roots");
}

UCP_EXPORT ucp_status ucp_checker_set_system_trust(ucp_checker *c, ucp_system_trust mode)
{
    if (!c || (unsigned)mode > UCP_SYSTEM_TRUST_OFF)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_system_trust: invalid argument");
    c->trust.system_mode = mode;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_time(ucp_checker *c, int64_t t)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_time: checker is NULL");
    /* Years 0000 to 9999 (what certificate times can express), or the current time. */
    if (t != UCP_TIME_NOW && (t < -62167219200LL || t > 253402300799LL))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "ucp_checker_set_time: %lld is outside the years 0000 to 9999", (long long)t);
    c->time = t;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_expiry_warning_days(ucp_checker *c, unsigned days)
{
    if (!c || days > 3650)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "the expiry warning must be between 0 and 3650 days");
    c->expiry_days = days;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_add_crl_data(ucp_checker *c, const uint8_t *data, size_t length,
                                               const char *name)
{
    if (!c || (!data && length))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, name, "ucp_checker_add_crl_data: invalid argument");
    if (length > UCP_MAX_INPUT_SIZE)
        return ucp_fail(UCP_E_TOO_LARGE, name ? name : "<memory>", "the CRL is %zu bytes; the limit is %u",
                        length, UCP_MAX_INPUT_SIZE);
    return ucp_crl_set_load(&c->trust.crls, data ? data : (const uint8_t *)"", length, name ? name : "<memory>");
}

UCP_EXPORT ucp_status ucp_checker_add_crl_file(ucp_checker *c, const char *path)
{
    if (!c || !path)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, path, "ucp_checker_add_crl_file: invalid argument");
    uint8_t *data;
    size_t len;
    ucp_status st = ucp_read_file(path, UCP_MAX_INPUT_SIZE, &data, &len);
    if (st != UCP_OK)
        return st;
    st = ucp_crl_set_load(&c->trust.crls, data, len, path);
    free(data);
    return st;
}

UCP_EXPORT ucp_status ucp_checker_set_online(ucp_checker *c, bool online)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_online: checker is NULL");
    c->trust.online = online;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_allow_private_network(ucp_checker *c, bool allow)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_allow_private_network: checker is NULL");
    if (c->trust.allow_private != allow) {
        /* What was fetched (or refused) under the other setting is not reused. */
        size_t budget = c->trust.fetched.budget;
        ucp_crl_cache_dispose(&c->trust.fetched);
        ucp_crl_cache_init(&c->trust.fetched, budget);
    }
    c->trust.allow_private = allow;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_network_timeout(ucp_checker *c, unsigned ms)
{
    if (!c || ms == 0 || ms > 600000)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the network timeout must be between 1 and 600000 ms");
    c->trust.timeout_ms = ms;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_fetch_limit(ucp_checker *c, size_t bytes)
{
    if (!c || bytes < 1024)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the fetch limit must be at least 1024 bytes");
    c->trust.fetch_limit = bytes;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_signature_cache_size(ucp_checker *c, size_t entries)
{
    if (!c || entries > UCP_SIGCACHE_MAX_ENTRIES)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "the signature cache size must be between 0 and %u entries", UCP_SIGCACHE_MAX_ENTRIES);
    return ucp_trust_set_sigcache_size(&c->trust, entries);
}

ucp_status ucp_checker_find_role(const char *name, const ucp_role **out)
{
    *out = name ? ucp_role_find(name) : NULL;
    if (*out)
        return UCP_OK;
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    for (size_t i = 0; i < ucp_role_total; i++)
        ucp_sb_printf(&sb, "%s%s", i ? ", " : "", ucp_roles[i].id);
    char *list = ucp_sb_finish(&sb);
    char *shown = name ? ucp_display_bytes((const uint8_t *)name, strlen(name)) : NULL;
    ucp_status st = ucp_fail(UCP_E_UNKNOWN_ROLE, NULL, "unknown role '%s'; the roles are: %s",
                             shown ? shown : "(none)", list ? list : "");
    free(shown);
    free(list);
    return st;
}

UCP_EXPORT ucp_status ucp_checker_check(ucp_checker *c, const ucp_input *input, const char *role,
                                        const ucp_topology *topology, ucp_report **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check: out is NULL");
    *out = NULL;
    if (!c || !input || !role)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check: checker, input or role is NULL");
    const ucp_role *r;
    ucp_status st = ucp_checker_find_role(role, &r);
    if (st != UCP_OK)
        return st;
    return ucp_evaluate(c, input, r, topology, out);
}

UCP_EXPORT ucp_status ucp_checker_add_initial_policy(ucp_checker *c, const char *oid)
{
    if (!c || !oid)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_initial_policy: checker or oid is NULL");
    uint8_t der[128];
    size_t len;
    if (!ucp_der_oid_encode(oid, der, sizeof der, &len) || !ucp_der_oid_valid(der, len)) {
        char *shown = ucp_display_bytes((const uint8_t *)oid, strlen(oid));
        ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                                 "'%s' is not a policy OID (dotted decimal, e.g. 2.23.140.1.2.1)", shown ? shown : "");
        free(shown);
        return st;
    }
    struct ucp_policy_settings *s = &c->trust.policy;
    for (size_t i = 0; i < s->nset; i++)
        if (strcmp(s->set[i], oid) == 0)
            return UCP_OK;
    if (s->nset >= UCP_MAX_POLICY_SET)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "at most %d initial policies can be given", UCP_MAX_POLICY_SET);
    if (!ucp_strv_push(&s->set, &s->nset, ucp_strdup(oid)))
        return ucp_fail_nomem();
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_clear_initial_policies(ucp_checker *c)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_clear_initial_policies: checker is NULL");
    ucp_strv_free(c->trust.policy.set, c->trust.policy.nset);
    c->trust.policy.set = NULL;
    c->trust.policy.nset = 0;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_require_explicit_policy(ucp_checker *c, bool require)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_require_explicit_policy: checker is NULL");
    c->trust.policy.explicit_required = require;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_inhibit_policy_mapping(ucp_checker *c, bool inhibit)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_inhibit_policy_mapping: checker is NULL");
    c->trust.policy.mapping_inhibited = inhibit;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_inhibit_any_policy(ucp_checker *c, bool inhibit)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_inhibit_any_policy: checker is NULL");
    c->trust.policy.any_inhibited = inhibit;
    return UCP_OK;
}
