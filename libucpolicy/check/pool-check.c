/* SPDX-License-Identifier: MIT */
/*
 * Pool consistency (general rule G16, docs/general-rules.md): the files exported from (or meant for) each server of an
 * Edge pool, or each Front End for OAuth, must hold the same certificate with the same private
 * key. Each file is compared with the first (the reference) by its leaf certificate and by the
 * public key of its private key (or of its leaf, for a file without a key); the role check of the
 * reference then turns differences into private-key.pool-mismatch findings (checks.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check/check-private.h"

/* The public key a file deploys: its private key's when it holds one, else its leaf's. */
static const uint8_t *deployed_key(const ucp_input *in)
{
    const struct ucp_key_facts *k = in->key_facts;
    if (k && k->present && k->key_id_set)
        return k->key_id;
    return ucp_certificate_key_id(in->certs[0]);
}

ucp_status ucp_pool_compare_build(struct ucp_pool_compare **out, const ucp_input *const *inputs,
                                  size_t count)
{
    *out = NULL;
    struct ucp_pool_compare *p = calloc(1, sizeof *p);
    if (!p || !(p->members = calloc(count, sizeof *p->members))) {
        free(p);
        return ucp_fail_nomem();
    }
    const ucp_input *ref = inputs[0];
    const uint8_t *ref_key = deployed_key(ref);
    for (size_t i = 0; i < count; i++) {
        const ucp_input *in = inputs[i];
        struct ucp_pool_member *m = &p->members[i];
        m->name = ucp_strdup(in->name);
        if (!m->name) {
            ucp_pool_compare_free(p);
            return ucp_fail_nomem();
        }
        m->cert = ucp_certificate_mut_ref(in->certs[0]);
        p->n++;
        m->same_certificate = ucp_certificate_same(in->certs[0], ref->certs[0]);
        bool same_key = memcmp(deployed_key(in), ref_key, 32) == 0;
        if (i == 0)
            m->state = UCP_POOL_REFERENCE;
        else if (!same_key)
            m->state = UCP_POOL_DIFFERENT_KEY;
        else
            m->state = m->same_certificate ? UCP_POOL_IDENTICAL : UCP_POOL_SAME_KEY;
    }
    *out = p;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_check_pool(ucp_checker *checker, const ucp_input *const *inputs,
                                             size_t count, const char *role,
                                             const ucp_topology *topology, ucp_report **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check_pool: out is NULL");
    *out = NULL;
    if (!checker || !inputs)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check_pool: checker or inputs is NULL");
    if (count == 0 || count > UCP_MAX_POOL_INPUTS)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "ucp_checker_check_pool: %zu inputs; a pool check takes 1 to %d", count,
                        UCP_MAX_POOL_INPUTS);
    for (size_t i = 0; i < count; i++)
        if (!inputs[i])
            return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check_pool: input %zu is NULL", i);
    /* Resolve the role as ucp_checker_check() does, with the same error. */
    const ucp_role *rl;
    ucp_status st = ucp_checker_find_role(role, &rl);
    if (st != UCP_OK)
        return st;
    struct ucp_pool_compare *pool = NULL;
    st = ucp_pool_compare_build(&pool, inputs, count);
    if (st != UCP_OK)
        return st;
    return ucp_evaluate_pool(checker, inputs[0], rl, topology, pool, out);
}
