/* SPDX-License-Identifier: MIT */
/*
 * The report object: its lifetime and every getter of the public API (include/ucpolicy/report.h).
 * check/ builds reports; the renderers in this folder read them.
 */

#include "config.h"

#include <stdlib.h>

#include "report/report-private.h"

/* ---- lifetime ---------------------------------------------------------------------------------- */

void ucp_finding_dispose(struct ucp_finding *f)
{
    free(f->message);
    free(f->expected);
    free(f->actual);
    free(f->remediation);
    for (size_t i = 0; i < f->nargs; i++)
        free(f->arg_values[i]);
    free(f->arg_values);
}

void ucp_report_destroy(ucp_report *r)
{
    for (size_t i = 0; i < r->nchain; i++) {
        ucp_certificate_unref(r->chain[i]);
        free(r->revocation_source[i]);
    }
    for (size_t i = 0; i < r->nrejected; i++) {
        ucp_path_dispose(&r->rejected[i]);
        free(r->rejected_summary[i]);
    }
    for (size_t i = 0; i < r->nfindings; i++)
        ucp_finding_dispose(&r->findings[i]);
    free(r->findings);
    ucp_strv_free(r->policies, r->npolicies);
    free(r->input_name);
    ucp_topology_free(r->topology);
    ucp_connection_free(r->connection);
    ucp_key_facts_free(r->key_facts);
    ucp_pool_compare_free(r->pool);
    free(r);
}

/* ---- public report API ------------------------------------------------------------------------ */

UCP_EXPORT ucp_report *ucp_report_ref(ucp_report *r)
{
    if (r)
        atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
    return r;
}

UCP_EXPORT void ucp_report_free(ucp_report *r)
{
    if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
        ucp_report_destroy(r);
}

UCP_EXPORT const char *ucp_result_name(ucp_result r)
{
    switch (r) {
    case UCP_RESULT_PASS: return "pass";
    case UCP_RESULT_WARNING: return "warning";
    case UCP_RESULT_FAIL: return "fail";
    }
    return "";
}

UCP_EXPORT const char *ucp_chain_status_name(ucp_chain_status s)
{
    switch (s) {
    case UCP_CHAIN_VALID: return "valid";
    case UCP_CHAIN_INCOMPLETE: return "incomplete";
    case UCP_CHAIN_UNTRUSTED: return "untrusted";
    case UCP_CHAIN_INVALID: return "invalid";
    }
    return "";
}

UCP_EXPORT ucp_result ucp_report_result(const ucp_report *r) { return r ? r->result : UCP_RESULT_FAIL; }
UCP_EXPORT const char *ucp_report_role(const ucp_report *r) { return r ? r->role->id : ""; }
UCP_EXPORT ucp_product ucp_report_product(const ucp_report *r) { return r ? r->product : UCP_PRODUCT_SFB2019; }
UCP_EXPORT const char *ucp_report_input_name(const ucp_report *r) { return r ? r->input_name : ""; }
UCP_EXPORT ucp_format ucp_report_input_format(const ucp_report *r) { return r ? r->format : UCP_FORMAT_PEM; }
UCP_EXPORT const ucp_topology *ucp_report_topology(const ucp_report *r) { return r ? r->topology : NULL; }
UCP_EXPORT int64_t ucp_report_validation_time(const ucp_report *r) { return r ? r->time : 0; }
UCP_EXPORT const ucp_certificate *ucp_report_certificate(const ucp_report *r)
{
    return r && r->nchain ? r->chain[0] : NULL;
}
UCP_EXPORT int64_t ucp_report_days_remaining(const ucp_report *r)
{
    if (!r || !r->nchain)
        return 0;
    int64_t d = r->chain[0]->not_after - r->time;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}
UCP_EXPORT ucp_chain_status ucp_report_chain_status(const ucp_report *r)
{
    return r ? r->chain_status : UCP_CHAIN_INCOMPLETE;
}
UCP_EXPORT size_t ucp_report_chain_count(const ucp_report *r) { return r ? r->nchain : 0; }
UCP_EXPORT const ucp_certificate *ucp_report_chain_at(const ucp_report *r, size_t i)
{
    return r && i < r->nchain ? r->chain[i] : NULL;
}
UCP_EXPORT const char *ucp_report_chain_source_at(const ucp_report *r, size_t i)
{
    return r && i < r->nchain ? ucp_cert_source_name(r->chain_sources[i]) : NULL;
}
UCP_EXPORT bool ucp_report_chain_trusted(const ucp_report *r) { return r && r->trusted; }
UCP_EXPORT size_t ucp_report_policy_count(const ucp_report *r) { return r ? r->npolicies : 0; }
UCP_EXPORT const char *ucp_report_policy_at(const ucp_report *r, size_t i)
{
    return r && i < r->npolicies ? r->policies[i] : NULL;
}
UCP_EXPORT size_t ucp_report_rejected_path_count(const ucp_report *r) { return r ? r->nrejected : 0; }
UCP_EXPORT const char *ucp_report_rejected_path_at(const ucp_report *r, size_t i)
{
    return r && i < r->nrejected ? r->rejected_summary[i] : NULL;
}
UCP_EXPORT ucp_revocation ucp_report_revocation_at(const ucp_report *r, size_t i)
{
    return r && i < r->nchain ? r->revocation[i] : UCP_REVOCATION_NOT_CHECKED;
}
UCP_EXPORT const char *ucp_report_revocation_source_at(const ucp_report *r, size_t i)
{
    return r && i < r->nchain ? r->revocation_source[i] : NULL;
}
UCP_EXPORT size_t ucp_report_finding_count(const ucp_report *r) { return r ? r->nfindings : 0; }
UCP_EXPORT const ucp_finding *ucp_report_finding_at(const ucp_report *r, size_t i)
{
    return r && i < r->nfindings ? &r->findings[i] : NULL;
}
UCP_EXPORT size_t ucp_report_count(const ucp_report *r, ucp_severity s)
{
    return r && (unsigned)s < 3 ? r->counts[s] : 0;
}

UCP_EXPORT const char *ucp_finding_code(const ucp_finding *f) { return f ? f->rule->code : ""; }
UCP_EXPORT ucp_severity ucp_finding_severity(const ucp_finding *f) { return f ? f->severity : UCP_SEVERITY_INFO; }
UCP_EXPORT ucp_field ucp_finding_field(const ucp_finding *f) { return f ? f->rule->field : UCP_FIELD_INPUT; }
UCP_EXPORT const char *ucp_finding_message(const ucp_finding *f) { return f ? f->message : ""; }
UCP_EXPORT const char *ucp_finding_expected(const ucp_finding *f) { return f ? f->expected : ""; }
UCP_EXPORT const char *ucp_finding_actual(const ucp_finding *f) { return f ? f->actual : ""; }
UCP_EXPORT const char *ucp_finding_remediation(const ucp_finding *f) { return f ? f->remediation : ""; }
UCP_EXPORT int ucp_finding_certificate_index(const ucp_finding *f) { return f ? f->cert_index : -1; }
UCP_EXPORT size_t ucp_finding_reference_count(const ucp_finding *f) { return f ? f->role_rule->nrefs : 0; }
UCP_EXPORT const ucp_reference *ucp_finding_reference_at(const ucp_finding *f, size_t i)
{
    return f && i < f->role_rule->nrefs ? f->role_rule->refs[i] : NULL;
}
UCP_EXPORT size_t ucp_finding_arg_count(const ucp_finding *f) { return f ? f->nargs : 0; }
UCP_EXPORT const char *ucp_finding_arg_name(const ucp_finding *f, size_t i)
{
    return f && i < f->nargs ? f->rule->args[i] : NULL;
}
UCP_EXPORT const char *ucp_finding_arg_value(const ucp_finding *f, size_t i)
{
    return f && i < f->nargs ? f->arg_values[i] : NULL;
}

/* ---- pool comparison -------------------------------------------------------------------------- */

void ucp_pool_compare_free(struct ucp_pool_compare *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->members[i].name);
        ucp_certificate_unref(p->members[i].cert);
    }
    free(p->members);
    free(p);
}

UCP_EXPORT const char *ucp_pool_state_name(ucp_pool_state s)
{
    switch (s) {
    case UCP_POOL_REFERENCE: return "reference";
    case UCP_POOL_IDENTICAL: return "identical";
    case UCP_POOL_SAME_KEY: return "different-certificate-same-key";
    case UCP_POOL_DIFFERENT_KEY: return "different-key";
    }
    return "";
}

UCP_EXPORT size_t ucp_report_pool_count(const ucp_report *r)
{
    return r && r->pool ? r->pool->n : 0;
}

UCP_EXPORT const char *ucp_report_pool_name_at(const ucp_report *r, size_t i)
{
    return r && r->pool && i < r->pool->n ? r->pool->members[i].name : NULL;
}

UCP_EXPORT ucp_pool_state ucp_report_pool_state_at(const ucp_report *r, size_t i)
{
    return r && r->pool && i < r->pool->n ? r->pool->members[i].state : UCP_POOL_REFERENCE;
}

UCP_EXPORT const ucp_certificate *ucp_report_pool_certificate_at(const ucp_report *r, size_t i)
{
    return r && r->pool && i < r->pool->n ? r->pool->members[i].cert : NULL;
}

/* ---- private key facts --------------------------------------------------------------------- */

static const struct ucp_key_facts *report_facts(const ucp_report *r)
{
    return r ? r->key_facts : NULL;
}

UCP_EXPORT bool ucp_report_has_private_key(const ucp_report *r)
{
    return r && r->has_key;
}
UCP_EXPORT ucp_key_match ucp_report_key_match(const ucp_report *r)
{
    const struct ucp_key_facts *k = report_facts(r);
    return k ? k->match : UCP_KEY_MATCH_UNKNOWN;
}
UCP_EXPORT const char *ucp_report_key_provider(const ucp_report *r)
{
    const struct ucp_key_facts *k = report_facts(r);
    return k ? k->provider : NULL;
}
UCP_EXPORT ucp_key_provider_state ucp_report_key_provider_state(const ucp_report *r)
{
    const struct ucp_key_facts *k = report_facts(r);
    return k ? k->provider_state : UCP_KEY_PROVIDER_NOT_APPLICABLE;
}
UCP_EXPORT ucp_key_storage ucp_report_key_storage(const ucp_report *r)
{
    const struct ucp_key_facts *k = report_facts(r);
    return k ? k->storage : UCP_KEY_STORAGE_UNKNOWN;
}
UCP_EXPORT const char *ucp_report_friendly_name(const ucp_report *r)
{
    const struct ucp_key_facts *k = report_facts(r);
    return k ? k->friendly_name : NULL;
}
