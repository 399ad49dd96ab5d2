/* SPDX-License-Identifier: MIT */
/*
 * The JSON report, schema version UCP_REPORT_SCHEMA_VERSION (libucpolicy/report/schema/report-v1.schema.json).
 * Built with jansson; every string put in is valid UTF-8 (certificate text is escaped at load
 * time by ucp_display_bytes), so nothing is dropped. Fields are added only in minor versions;
 * renaming or removing one is a new major schema version.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

static json_t *jtime(int64_t t)
{
    char buf[32];
    ucp_format_time(t, buf, sizeof buf);
    return json_string(buf);
}

static json_t *str_array(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, ucp_json_string(v[i]));
    return a;
}

static json_t *key_usage_json(const ucp_certificate *c)
{
    if (!c->has_ku)
        return json_null();
    json_t *o = json_object();
    json_t *a = json_array();
    for (size_t i = 0; i < UCP_KEY_USAGE_NAMES; i++)
        if (c->ku & ucp_key_usage_names[i].gnutls)
            json_array_append_new(a, json_string(ucp_key_usage_names[i].name));
    json_object_set_new_nocheck(o, "usages", a);
    json_object_set_new_nocheck(o, "critical", json_boolean(c->ku_critical));
    return o;
}

/* The Microsoft certificate template extensions (templates.c), null when neither is present. */
static json_t *template_json(const ucp_certificate *c)
{
    if (!c->template_name && !c->template_oid)
        return json_null();
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "name", ucp_json_string(c->template_name));
    json_object_set_new_nocheck(o, "oid", ucp_json_string(c->template_oid));
    json_object_set_new_nocheck(o, "majorVersion",
                        c->template_oid && c->template_major >= 0 ? json_integer(c->template_major) : json_null());
    json_object_set_new_nocheck(o, "minorVersion",
                        c->template_oid && c->template_minor >= 0 ? json_integer(c->template_minor) : json_null());
    return o;
}

/* What the input says about its private key (pkcs12.c). */
static json_t *private_key_json(const ucp_report *r)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "present", json_boolean(ucp_report_has_private_key(r)));
    json_object_set_new_nocheck(o, "matchesCertificate", json_string(ucp_key_match_name(ucp_report_key_match(r))));
    json_object_set_new_nocheck(o, "provider", ucp_json_string(ucp_report_key_provider(r)));
    json_object_set_new_nocheck(o, "providerState",
                        json_string(ucp_key_provider_state_name(ucp_report_key_provider_state(r))));
    json_object_set_new_nocheck(o, "storage", json_string(ucp_key_storage_name(ucp_report_key_storage(r))));
    json_object_set_new_nocheck(o, "friendlyName", ucp_json_string(ucp_report_friendly_name(r)));
    return o;
}

/* The files of a pool check and how each compares with the reference; null otherwise. */
static json_t *pool_json(const ucp_report *r)
{
    if (!r->pool)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < r->pool->n; i++) {
        const struct ucp_pool_member *m = &r->pool->members[i];
        json_t *e = json_object();
        json_object_set_new_nocheck(e, "name", ucp_json_string(m->name));
        json_object_set_new_nocheck(e, "state", json_string(ucp_pool_state_name(m->state)));
        json_object_set_new_nocheck(e, "subject", ucp_json_string(m->cert->subject));
        json_object_set_new_nocheck(e, "sha1", ucp_json_string(ucp_certificate_sha1(m->cert)));
        json_array_append_new(a, e);
    }
    return a;
}

static json_t *certificate_json(const ucp_certificate *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new_nocheck(o, "subject", ucp_json_string(c->subject));
    json_object_set_new_nocheck(o, "issuer", ucp_json_string(c->issuer));
    json_object_set_new_nocheck(o, "commonName", c->ncns ? ucp_json_string(c->cns[0]) : json_null());
    json_object_set_new_nocheck(o, "serial", ucp_json_string(c->serial));
    json_t *san = json_array();
    for (size_t i = 0; i < c->nsans; i++) {
        json_t *e = json_object();
        json_object_set_new_nocheck(e, "type", json_string(ucp_san_type_name(c->sans[i].type)));
        json_object_set_new_nocheck(e, "value", ucp_json_string(c->sans[i].display));
        json_array_append_new(san, e);
    }
    json_object_set_new_nocheck(o, "san", san);
    if (c->has_eku) {
        json_t *eku = json_object();
        json_t *list = json_array();
        for (size_t i = 0; i < c->nekus; i++) {
            json_t *e = json_object();
            json_object_set_new_nocheck(e, "oid", ucp_json_string(c->ekus[i]));
            json_object_set_new_nocheck(e, "name", ucp_json_string(ucp_eku_name(c->ekus[i])));
            json_array_append_new(list, e);
        }
        json_object_set_new_nocheck(eku, "usages", list);
        json_object_set_new_nocheck(eku, "critical", json_boolean(c->eku_critical));
        json_object_set_new_nocheck(o, "eku", eku);
    } else {
        json_object_set_new_nocheck(o, "eku", json_null());
    }
    json_object_set_new_nocheck(o, "keyUsage", key_usage_json(c));
    json_t *key = json_object();
    json_object_set_new_nocheck(key, "algorithm", ucp_json_string(c->key_algorithm));
    json_object_set_new_nocheck(key, "bits", json_integer(c->bits));
    json_object_set_new_nocheck(key, "curve", c->curve ? ucp_json_string(c->curve) : json_null());
    json_object_set_new_nocheck(o, "key", key);
    json_object_set_new_nocheck(o, "signatureAlgorithm", ucp_json_string(c->signature_name));
    json_object_set_new_nocheck(o, "notBefore", jtime(c->not_before));
    json_object_set_new_nocheck(o, "notAfter", jtime(c->not_after));
    json_object_set_new_nocheck(o, "sha1", ucp_json_string(ucp_certificate_sha1(c)));
    json_object_set_new_nocheck(o, "sha256", ucp_json_string(c->sha256));
    json_object_set_new_nocheck(o, "isCa", json_boolean(c->bc_ca));
    json_object_set_new_nocheck(o, "selfSigned", json_boolean(c->self_signed));
    json_object_set_new_nocheck(o, "crlDistributionPoints", str_array(c->crl_urls, c->ncrl_urls));
    json_object_set_new_nocheck(o, "ocsp", str_array(c->ocsp_urls, c->nocsp_urls));
    json_object_set_new_nocheck(o, "caIssuers", str_array(c->ca_issuers_urls, c->nca_issuers_urls));
    json_object_set_new_nocheck(o, "template", template_json(c));
    return o;
}

static json_t *finding_json(const struct ucp_finding *f)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new_nocheck(o, "code", json_string(f->rule->code));
    json_object_set_new_nocheck(o, "severity", json_string(ucp_severity_name(f->severity)));
    json_object_set_new_nocheck(o, "field", json_string(ucp_field_name(f->rule->field)));
    json_object_set_new_nocheck(o, "certificateIndex", f->cert_index >= 0 ? json_integer(f->cert_index) : json_null());
    json_object_set_new_nocheck(o, "message", ucp_json_string(f->message));
    json_object_set_new_nocheck(o, "expected", ucp_json_string(f->expected));
    json_object_set_new_nocheck(o, "actual", ucp_json_string(f->actual));
    json_object_set_new_nocheck(o, "remediation", ucp_json_string(f->remediation));
    json_t *refs = json_array();
    for (size_t i = 0; i < f->role_rule->nrefs; i++) {
        const struct ucp_reference *r = f->role_rule->refs[i];
        json_t *e = json_object();
        json_object_set_new_nocheck(e, "key", json_string(r->key));
        json_object_set_new_nocheck(e, "title", ucp_json_string(r->title));
        json_object_set_new_nocheck(e, "url", json_string(r->url));
        json_array_append_new(refs, e);
    }
    json_object_set_new_nocheck(o, "references", refs);
    json_t *args = json_object();
    for (size_t i = 0; i < f->nargs; i++)
        json_object_set_new(args, f->rule->args[i], ucp_json_string(f->arg_values[i]));
    json_object_set_new_nocheck(o, "args", args);
    return o;
}

json_t *ucp_connection_json(const struct ucp_connection *c)
{
    json_t *o = json_object();
    json_t *client = json_object();
    if (!o || !client) {
        json_decref(o);
        json_decref(client);
        return NULL;
    }
    json_object_set_new_nocheck(o, "host", ucp_json_string(c->host));
    json_object_set_new_nocheck(o, "port", json_integer(c->port));
    json_object_set_new_nocheck(o, "address", ucp_json_string(c->address));
    json_object_set_new_nocheck(o, "serverName", ucp_json_string(c->server_name));
    json_object_set_new_nocheck(o, "protocol", json_string(ucp_probe_protocol_name(c->protocol)));
    json_object_set_new_nocheck(o, "tlsVersion", ucp_json_string(c->tls_version));
    json_object_set_new_nocheck(o, "cipherSuite", ucp_json_string(c->cipher_suite));
    json_object_set_new_nocheck(client, "requested", json_boolean(c->requested));
    json_object_set_new_nocheck(client, "sent", json_boolean(c->sent));
    json_object_set_new_nocheck(client, "subject", ucp_json_string(c->client_subject));
    json_object_set_new_nocheck(client, "verdict", json_string(ucp_client_auth_name(c->verdict)));
    json_object_set_new_nocheck(o, "clientCertificate", client);
    json_object_set_new_nocheck(o, "alert", ucp_json_string(c->alert));
    json_object_set_new_nocheck(o, "response", ucp_json_string(c->response));
    json_object_set_new_nocheck(o, "msDiagnostics", ucp_json_string(c->diagnostics));
    json_object_set_new_nocheck(o, "detail", ucp_json_string(c->detail));
    return o;
}

json_t *ucp_report_json(const ucp_report *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new_nocheck(o, "schema", json_string("ucpolicy-report"));
    json_object_set_new_nocheck(o, "schemaVersion", json_string(UCP_REPORT_SCHEMA_VERSION));
    json_t *tool = json_object();
    json_object_set_new_nocheck(tool, "name", json_string("libucpolicy"));
    json_object_set_new_nocheck(tool, "version", json_string(UCP_VERSION));
    json_object_set_new_nocheck(tool, "gnutls", json_string(ucp_gnutls_version()));
    json_object_set_new_nocheck(o, "tool", tool);
    json_t *input = json_object();
    json_object_set_new_nocheck(input, "name", ucp_json_string(r->input_name));
    json_object_set_new_nocheck(input, "format", json_string(ucp_format_name(r->format)));
    json_object_set_new_nocheck(o, "input", input);
    json_t *role = json_object();
    json_object_set_new_nocheck(role, "id", json_string(r->role->id));
    json_object_set_new_nocheck(role, "title", ucp_json_string(r->role->title));
    json_object_set_new_nocheck(o, "role", role);
    json_object_set_new_nocheck(o, "product", json_string(ucp_product_name(r->product)));
    json_object_set_new_nocheck(o, "validationTime", jtime(r->time));
    json_object_set_new_nocheck(o, "result", json_string(ucp_result_name(r->result)));
    json_t *summary = json_object();
    json_object_set_new_nocheck(summary, "error", json_integer((json_int_t)r->counts[UCP_SEVERITY_ERROR]));
    json_object_set_new_nocheck(summary, "warning", json_integer((json_int_t)r->counts[UCP_SEVERITY_WARNING]));
    json_object_set_new_nocheck(summary, "info", json_integer((json_int_t)r->counts[UCP_SEVERITY_INFO]));
    json_object_set_new_nocheck(o, "summary", summary);
    json_object_set_new_nocheck(o, "certificate", r->nchain ? certificate_json(r->chain[0]) : json_null());
    json_object_set_new_nocheck(o, "daysRemaining", json_integer(ucp_report_days_remaining(r)));
    json_object_set_new_nocheck(o, "privateKey", private_key_json(r));
    json_object_set_new_nocheck(o, "pool", pool_json(r));
    json_t *chain = json_object();
    json_object_set_new_nocheck(chain, "status", json_string(ucp_chain_status_name(r->chain_status)));
    json_object_set_new_nocheck(chain, "trusted", json_boolean(r->trusted));
    json_t *policies = json_array();
    for (size_t i = 0; i < r->npolicies; i++)
        json_array_append_new(policies, json_string(r->policies[i]));
    json_object_set_new_nocheck(chain, "policies", policies);
    json_t *certs = json_array();
    for (size_t i = 0; i < r->nchain; i++) {
        const ucp_certificate *c = r->chain[i];
        json_t *e = json_object();
        json_object_set_new_nocheck(e, "index", json_integer((json_int_t)i));
        json_object_set_new_nocheck(e, "source", json_string(ucp_cert_source_name(r->chain_sources[i])));
        json_object_set_new_nocheck(e, "subject", ucp_json_string(c->subject));
        json_object_set_new_nocheck(e, "issuer", ucp_json_string(c->issuer));
        json_object_set_new_nocheck(e, "sha256", ucp_json_string(c->sha256));
        json_object_set_new_nocheck(e, "notBefore", jtime(c->not_before));
        json_object_set_new_nocheck(e, "notAfter", jtime(c->not_after));
        json_object_set_new_nocheck(e, "signatureAlgorithm", ucp_json_string(c->signature_name));
        json_object_set_new_nocheck(e, "selfSigned", json_boolean(c->self_signed));
        json_object_set_new_nocheck(e, "revocation", json_string(ucp_revocation_name(r->revocation[i])));
        json_object_set_new_nocheck(e, "revocationSource", r->revocation_source[i] ? ucp_json_string(r->revocation_source[i]) : json_null());
        json_array_append_new(certs, e);
    }
    json_object_set_new_nocheck(chain, "certificates", certs);
    json_t *rejected = json_array();
    for (size_t i = 0; i < r->nrejected; i++) {
        const struct ucp_path *p = &r->rejected[i];
        json_t *e = json_object();
        json_t *list = json_array();
        for (size_t k = 0; k < p->n; k++) {
            json_t *c = json_object();
            json_object_set_new_nocheck(c, "subject", ucp_json_string(p->certs[k]->subject));
            json_object_set_new_nocheck(c, "sha256", ucp_json_string(p->certs[k]->sha256));
            json_object_set_new_nocheck(c, "source", json_string(ucp_cert_source_name(p->sources[k])));
            json_array_append_new(list, c);
        }
        json_object_set_new_nocheck(e, "certificates", list);
        json_object_set_new_nocheck(e, "status", json_string(ucp_chain_status_name(p->status)));
        json_t *problems = json_array();
        for (size_t k = 0; k < p->nproblems; k++) {
            json_t *pr = json_object();
            char *m = ucp_problem_message(&p->problems[k]);
            json_object_set_new_nocheck(pr, "code", json_string(ucp_rules[p->problems[k].rule].code));
            json_object_set_new_nocheck(pr, "certificateIndex", json_integer(p->problems[k].cert_index));
            json_object_set_new_nocheck(pr, "message", ucp_json_string(m ? m : ""));
            free(m);
            json_array_append_new(problems, pr);
        }
        json_object_set_new_nocheck(e, "problems", problems);
        json_object_set_new_nocheck(e, "summary", ucp_json_string(r->rejected_summary[i]));
        json_array_append_new(rejected, e);
    }
    json_object_set_new_nocheck(chain, "rejected", rejected);
    json_object_set_new_nocheck(o, "chain", chain);
    json_object_set_new_nocheck(o, "topology", ucp_topology_json(r->topology));
    json_t *findings = json_array();
    for (size_t i = 0; i < r->nfindings; i++)
        json_array_append_new(findings, finding_json(&r->findings[i]));
    json_object_set_new_nocheck(o, "findings", findings);
    /* Schema 1.1: reports of ucpolicy probe say what happened on the wire. */
    if (r->connection)
        json_object_set_new_nocheck(o, "connection", ucp_connection_json(r->connection));
    return o;
}

/* ---- batches: a JSON array, written entry by entry -------------------------------------------- */

/* The array of ucp_report_list_to_json(): jansson's layout, each entry one level in ("[\n  {"
 * ... "\n]"; "[]" when empty); with UCP_RENDER_FLAT, each entry as it is alone ("[\n{" ...
 * "\n]"), the layout `ucpolicy check --format json FILE...` has written since 1.0. */
static void open_entry(const struct ucp_renderer *r, struct ucp_strbuf *out)
{
    ucp_sb_appendc(out, r->entries ? ',' : '[');
    ucp_render_newline(out, r->flags, r->flags & UCP_RENDER_FLAT ? 0 : 1);
}

static ucp_status json_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *out)
{
    json_t *j = ucp_report_json(report);
    open_entry(r, out);
    bool ok = ucp_render_json_at(out, j, r->flags, r->flags & UCP_RENDER_FLAT ? 0 : 1);
    json_decref(j);
    return ok ? UCP_OK : ucp_fail_nomem();
}

void ucp_json_input_error(struct ucp_strbuf *sb, const char *name, ucp_status code, const char *message,
                          bool pretty)
{
    const char *nl = pretty ? "\n" : "", *ind = pretty ? "  " : "";
    ucp_sb_printf(sb, "{%s%s\"schema\": \"ucpolicy-report\",%s%s\"schemaVersion\": \"%s\",%s%s\"input\": {\"name\": ",
                  nl, ind, nl, ind, UCP_REPORT_SCHEMA_VERSION, nl, ind);
    ucp_render_json_quote(sb, name);
    ucp_sb_printf(sb, "},%s%s\"result\": \"error\",%s%s\"error\": {\"code\": \"%s\", \"message\": ", nl, ind, nl,
                  ind, ucp_strerror_name(code));
    ucp_render_json_quote(sb, message);
    ucp_sb_printf(sb, "}%s}", nl);
}

static ucp_status json_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                 struct ucp_strbuf *out)
{
    open_entry(r, out);
    bool pretty = r->flags & UCP_RENDER_PRETTY;
    if (!pretty || (r->flags & UCP_RENDER_FLAT)) {
        ucp_json_input_error(out, name, code, message, pretty);
        return UCP_OK;
    }
    /* One level in, as every entry of the array. */
    struct ucp_strbuf entry;
    ucp_sb_init(&entry);
    ucp_json_input_error(&entry, name, code, message, true);
    for (size_t i = 0; !entry.failed && i < entry.len; i++) {
        ucp_sb_appendc(out, entry.data[i]);
        if (entry.data[i] == '\n')
            ucp_sb_append(out, "  ");
    }
    bool failed = entry.failed;
    ucp_sb_dispose(&entry);
    return failed ? ucp_fail_nomem() : UCP_OK;
}

static ucp_status json_finish(struct ucp_renderer *r, struct ucp_strbuf *out)
{
    if (!r->entries) {
        ucp_sb_append(out, "[]");
        return UCP_OK;
    }
    ucp_render_newline(out, r->flags, 0);
    ucp_sb_appendc(out, ']');
    return UCP_OK;
}

const struct ucp_format_ops ucp_json_ops = {json_add_report, json_add_error, json_finish, NULL};
