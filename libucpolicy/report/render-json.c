/* SPDX-License-Identifier: MIT */
/*
 * The JSON report, schema version UCP_REPORT_SCHEMA_VERSION (libucpolicy/report/schema/report-v1.schema.json).
 * Written as the report is walked, by yajl's generator (ucp_jgen): no tree is built, and the text
 * is what jansson's json_dumps() made of the tree before, byte for byte. Every string put in is
 * valid UTF-8 (certificate text is escaped at load time by ucp_display_bytes), so nothing is
 * dropped. Fields are added only in minor versions;
 * renaming or removing one is a new major schema version.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

/* A member (an element when @key is NULL) whose value the tree builder made with json_string():
 * left out when there is no text (jansson refused the NULL), as the report has always done. */
static void kname(struct ucp_jgen *j, const char *key, const char *s)
{
    if (!s)
        return;
    if (key)
        ucp_jgen_key(j, key);
    ucp_jgen_string(j, s);
}

static void ktime(struct ucp_jgen *j, const char *key, int64_t t)
{
    char buf[32];
    ucp_format_time(t, buf, sizeof buf);
    ucp_jgen_kstr(j, key, buf);
}

static void kstr_array(struct ucp_jgen *j, const char *key, char *const *v, size_t n)
{
    ucp_jgen_key(j, key);
    ucp_jgen_array(j);
    for (size_t i = 0; i < n; i++)
        ucp_jgen_string(j, v[i]);
    ucp_jgen_close(j);
}

static void key_usage_json(struct ucp_jgen *j, const ucp_certificate *c)
{
    ucp_jgen_key(j, "keyUsage");
    if (!c->has_ku) {
        ucp_jgen_null(j);
        return;
    }
    ucp_jgen_object(j);
    ucp_jgen_key(j, "usages");
    ucp_jgen_array(j);
    for (size_t i = 0; i < UCP_KEY_USAGE_NAMES; i++)
        if (c->ku & ucp_key_usage_names[i].gnutls)
            kname(j, NULL, ucp_key_usage_names[i].name);
    ucp_jgen_close(j);
    ucp_jgen_kbool(j, "critical", c->ku_critical);
    ucp_jgen_close(j);
}
/* The Microsoft certificate template extensions (templates.c), null when neither is present. */
static void template_json(struct ucp_jgen *j, const ucp_certificate *c)
{
    ucp_jgen_key(j, "template");
    if (!c->template_name && !c->template_oid) {
        ucp_jgen_null(j);
        return;
    }
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "name", c->template_name);
    ucp_jgen_kstr(j, "oid", c->template_oid);
    ucp_jgen_key(j, "majorVersion");
    if (c->template_oid && c->template_major >= 0)
        ucp_jgen_int(j, c->template_major);
    else
        ucp_jgen_null(j);
    ucp_jgen_key(j, "minorVersion");
    if (c->template_oid && c->template_minor >= 0)
        ucp_jgen_int(j, c->template_minor);
    else
        ucp_jgen_null(j);
    ucp_jgen_close(j);
}

/* What the input says about its private key (pkcs12.c). */
static void private_key_json(struct ucp_jgen *j, const ucp_report *r)
{
    ucp_jgen_key(j, "privateKey");
    ucp_jgen_object(j);
    ucp_jgen_kbool(j, "present", ucp_report_has_private_key(r));
    kname(j, "matchesCertificate", ucp_key_match_name(ucp_report_key_match(r)));
    ucp_jgen_kstr(j, "provider", ucp_report_key_provider(r));
    kname(j, "providerState", ucp_key_provider_state_name(ucp_report_key_provider_state(r)));
    kname(j, "storage", ucp_key_storage_name(ucp_report_key_storage(r)));
    ucp_jgen_kstr(j, "friendlyName", ucp_report_friendly_name(r));
    ucp_jgen_close(j);
}

/* The files of a pool check and how each compares with the reference; null otherwise. */
static void pool_json(struct ucp_jgen *j, const ucp_report *r)
{
    ucp_jgen_key(j, "pool");
    if (!r->pool) {
        ucp_jgen_null(j);
        return;
    }
    ucp_jgen_array(j);
    for (size_t i = 0; i < r->pool->n; i++) {
        const struct ucp_pool_member *m = &r->pool->members[i];
        ucp_jgen_object(j);
        ucp_jgen_kstr(j, "name", m->name);
        kname(j, "state", ucp_pool_state_name(m->state));
        ucp_jgen_kstr(j, "subject", m->cert->subject);
        ucp_jgen_kstr(j, "sha1", ucp_certificate_sha1(m->cert));
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
}
static void certificate_json(struct ucp_jgen *j, const ucp_certificate *c)
{
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "subject", c->subject);
    ucp_jgen_kstr(j, "issuer", c->issuer);
    if (c->ncns)
        ucp_jgen_kstr(j, "commonName", c->cns[0]);
    else
        ucp_jgen_knull(j, "commonName");
    ucp_jgen_kstr(j, "serial", c->serial);
    ucp_jgen_key(j, "san");
    ucp_jgen_array(j);
    for (size_t i = 0; i < c->nsans; i++) {
        ucp_jgen_object(j);
        kname(j, "type", ucp_san_type_name(c->sans[i].type));
        ucp_jgen_kstr(j, "value", c->sans[i].display);
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
    ucp_jgen_key(j, "eku");
    if (c->has_eku) {
        ucp_jgen_object(j);
        ucp_jgen_key(j, "usages");
        ucp_jgen_array(j);
        for (size_t i = 0; i < c->nekus; i++) {
            ucp_jgen_object(j);
            ucp_jgen_kstr(j, "oid", c->ekus[i]);
            ucp_jgen_kstr(j, "name", ucp_eku_name(c->ekus[i]));
            ucp_jgen_close(j);
        }
        ucp_jgen_close(j);
        ucp_jgen_kbool(j, "critical", c->eku_critical);
        ucp_jgen_close(j);
    } else {
        ucp_jgen_null(j);
    }
    key_usage_json(j, c);
    ucp_jgen_key(j, "key");
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "algorithm", c->key_algorithm);
    ucp_jgen_kint(j, "bits", c->bits);
    if (c->curve)
        ucp_jgen_kstr(j, "curve", c->curve);
    else
        ucp_jgen_knull(j, "curve");
    ucp_jgen_close(j);
    ucp_jgen_kstr(j, "signatureAlgorithm", c->signature_name);
    ktime(j, "notBefore", c->not_before);
    ktime(j, "notAfter", c->not_after);
    ucp_jgen_kstr(j, "sha1", ucp_certificate_sha1(c));
    ucp_jgen_kstr(j, "sha256", c->sha256);
    ucp_jgen_kbool(j, "isCa", c->bc_ca);
    ucp_jgen_kbool(j, "selfSigned", c->self_signed);
    kstr_array(j, "crlDistributionPoints", c->crl_urls, c->ncrl_urls);
    kstr_array(j, "ocsp", c->ocsp_urls, c->nocsp_urls);
    kstr_array(j, "caIssuers", c->ca_issuers_urls, c->nca_issuers_urls);
    template_json(j, c);
    ucp_jgen_close(j);
}

static void finding_json(struct ucp_jgen *j, const struct ucp_finding *f)
{
    ucp_jgen_object(j);
    kname(j, "code", f->rule->code);
    kname(j, "severity", ucp_severity_name(f->severity));
    kname(j, "field", ucp_field_name(f->rule->field));
    if (f->cert_index >= 0)
        ucp_jgen_kint(j, "certificateIndex", f->cert_index);
    else
        ucp_jgen_knull(j, "certificateIndex");
    ucp_jgen_kstr(j, "message", f->message);
    ucp_jgen_kstr(j, "expected", f->expected);
    ucp_jgen_kstr(j, "actual", f->actual);
    ucp_jgen_kstr(j, "remediation", f->remediation);
    ucp_jgen_key(j, "references");
    ucp_jgen_array(j);
    for (size_t i = 0; i < f->role_rule->nrefs; i++) {
        const struct ucp_reference *r = f->role_rule->refs[i];
        ucp_jgen_object(j);
        kname(j, "key", r->key);
        ucp_jgen_kstr(j, "title", r->title);
        kname(j, "url", r->url);
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
    ucp_jgen_key(j, "args");
    ucp_jgen_object(j);
    for (size_t i = 0; i < f->nargs; i++)
        ucp_jgen_kstr(j, f->rule->args[i], f->arg_values[i]);
    ucp_jgen_close(j);
    ucp_jgen_close(j);
}

void ucp_connection_write_json(struct ucp_jgen *j, const struct ucp_connection *c)
{
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "host", c->host);
    ucp_jgen_kint(j, "port", c->port);
    ucp_jgen_kstr(j, "address", c->address);
    ucp_jgen_kstr(j, "serverName", c->server_name);
    kname(j, "protocol", ucp_probe_protocol_name(c->protocol));
    ucp_jgen_kstr(j, "tlsVersion", c->tls_version);
    ucp_jgen_kstr(j, "cipherSuite", c->cipher_suite);
    ucp_jgen_key(j, "clientCertificate");
    ucp_jgen_object(j);
    ucp_jgen_kbool(j, "requested", c->requested);
    ucp_jgen_kbool(j, "sent", c->sent);
    ucp_jgen_kstr(j, "subject", c->client_subject);
    kname(j, "verdict", ucp_client_auth_name(c->verdict));
    ucp_jgen_close(j);
    ucp_jgen_kstr(j, "alert", c->alert);
    ucp_jgen_kstr(j, "response", c->response);
    ucp_jgen_kstr(j, "msDiagnostics", c->diagnostics);
    ucp_jgen_kstr(j, "detail", c->detail);
    ucp_jgen_close(j);
}

static void report_json(struct ucp_jgen *j, const ucp_report *r)
{
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "schema", "ucpolicy-report");
    ucp_jgen_kstr(j, "schemaVersion", UCP_REPORT_SCHEMA_VERSION);
    ucp_jgen_key(j, "tool");
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "name", "libucpolicy");
    ucp_jgen_kstr(j, "version", UCP_VERSION);
    kname(j, "gnutls", ucp_gnutls_version());
    ucp_jgen_close(j);
    ucp_jgen_key(j, "input");
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "name", r->input_name);
    kname(j, "format", ucp_format_name(r->format));
    ucp_jgen_close(j);
    ucp_jgen_key(j, "role");
    ucp_jgen_object(j);
    kname(j, "id", r->role->id);
    ucp_jgen_kstr(j, "title", r->role->title);
    ucp_jgen_close(j);
    kname(j, "product", ucp_product_name(r->product));
    ktime(j, "validationTime", r->time);
    kname(j, "result", ucp_result_name(r->result));
    ucp_jgen_key(j, "summary");
    ucp_jgen_object(j);
    ucp_jgen_kint(j, "error", (int64_t)r->counts[UCP_SEVERITY_ERROR]);
    ucp_jgen_kint(j, "warning", (int64_t)r->counts[UCP_SEVERITY_WARNING]);
    ucp_jgen_kint(j, "info", (int64_t)r->counts[UCP_SEVERITY_INFO]);
    ucp_jgen_close(j);
    ucp_jgen_key(j, "certificate");
    if (r->nchain)
        certificate_json(j, r->chain[0]);
    else
        ucp_jgen_null(j);
    ucp_jgen_kint(j, "daysRemaining", ucp_report_days_remaining(r));
    private_key_json(j, r);
    pool_json(j, r);
    ucp_jgen_key(j, "chain");
    ucp_jgen_object(j);
    kname(j, "status", ucp_chain_status_name(r->chain_status));
    ucp_jgen_kbool(j, "trusted", r->trusted);
    ucp_jgen_key(j, "policies");
    ucp_jgen_array(j);
    for (size_t i = 0; i < r->npolicies; i++)
        kname(j, NULL, r->policies[i]);
    ucp_jgen_close(j);
    ucp_jgen_key(j, "certificates");
    ucp_jgen_array(j);
    for (size_t i = 0; i < r->nchain; i++) {
        const ucp_certificate *c = r->chain[i];
        ucp_jgen_object(j);
        ucp_jgen_kint(j, "index", (int64_t)i);
        kname(j, "source", ucp_cert_source_name(r->chain_sources[i]));
        ucp_jgen_kstr(j, "subject", c->subject);
        ucp_jgen_kstr(j, "issuer", c->issuer);
        ucp_jgen_kstr(j, "sha256", c->sha256);
        ktime(j, "notBefore", c->not_before);
        ktime(j, "notAfter", c->not_after);
        ucp_jgen_kstr(j, "signatureAlgorithm", c->signature_name);
        ucp_jgen_kbool(j, "selfSigned", c->self_signed);
        kname(j, "revocation", ucp_revocation_name(r->revocation[i]));
        ucp_jgen_kstr(j, "revocationSource", r->revocation_source[i]);
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
    ucp_jgen_key(j, "rejected");
    ucp_jgen_array(j);
    for (size_t i = 0; i < r->nrejected; i++) {
        const struct ucp_path *p = &r->rejected[i];
        ucp_jgen_object(j);
        ucp_jgen_key(j, "certificates");
        ucp_jgen_array(j);
        for (size_t k = 0; k < p->n; k++) {
            ucp_jgen_object(j);
            ucp_jgen_kstr(j, "subject", p->certs[k]->subject);
            ucp_jgen_kstr(j, "sha256", p->certs[k]->sha256);
            kname(j, "source", ucp_cert_source_name(p->sources[k]));
            ucp_jgen_close(j);
        }
        ucp_jgen_close(j);
        kname(j, "status", ucp_chain_status_name(p->status));
        ucp_jgen_key(j, "problems");
        ucp_jgen_array(j);
        for (size_t k = 0; k < p->nproblems; k++) {
            char *m = ucp_problem_message(&p->problems[k]);
            ucp_jgen_object(j);
            kname(j, "code", ucp_rules[p->problems[k].rule].code);
            ucp_jgen_kint(j, "certificateIndex", p->problems[k].cert_index);
            ucp_jgen_kstr(j, "message", m ? m : "");
            ucp_jgen_close(j);
            free(m);
        }
        ucp_jgen_close(j);
        ucp_jgen_kstr(j, "summary", r->rejected_summary[i]);
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
    ucp_jgen_close(j);
    ucp_jgen_key(j, "topology");
    ucp_topology_write_json(j, r->topology);
    ucp_jgen_key(j, "findings");
    ucp_jgen_array(j);
    for (size_t i = 0; i < r->nfindings; i++)
        finding_json(j, &r->findings[i]);
    ucp_jgen_close(j);
    /* Schema 1.1: reports of ucpolicy probe say what happened on the wire. */
    if (r->connection) {
        ucp_jgen_key(j, "connection");
        ucp_connection_write_json(j, r->connection);
    }
    ucp_jgen_close(j);
}

ucp_status ucp_report_render_json(struct ucp_strbuf *sb, const ucp_report *report, unsigned flags, unsigned depth)
{
    struct ucp_jgen j;
    ucp_sb_reserve(sb, 8192); /* a report is 4-5 kB: one allocation, not doubling from 64 bytes */
    if (ucp_jgen_init(&j, sb, flags & UCP_RENDER_PRETTY, depth))
        report_json(&j, report);
    return ucp_jgen_finish(&j) ? UCP_OK : ucp_fail_nomem();
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
    open_entry(r, out);
    return ucp_report_render_json(out, report, r->flags, r->flags & UCP_RENDER_FLAT ? 0 : 1);
}

bool ucp_json_input_error(struct ucp_strbuf *sb, const char *name, ucp_status code, const char *message,
                          bool pretty, unsigned depth)
{
    struct ucp_jgen j;
    if (!ucp_jgen_init(&j, sb, pretty, depth))
        return ucp_jgen_finish(&j);
    ucp_jgen_object(&j);
    ucp_jgen_kstr(&j, "schema", "ucpolicy-report");
    ucp_jgen_kstr(&j, "schemaVersion", UCP_REPORT_SCHEMA_VERSION);
    ucp_jgen_key(&j, "input");
    ucp_jgen_object(&j);
    ucp_jgen_kstr(&j, "name", name);
    ucp_jgen_close(&j);
    ucp_jgen_kstr(&j, "result", "error");
    ucp_jgen_key(&j, "error");
    ucp_jgen_object(&j);
    ucp_jgen_kstr(&j, "code", ucp_strerror_name(code));
    ucp_jgen_kstr(&j, "message", message);
    ucp_jgen_close(&j);
    ucp_jgen_close(&j);
    return ucp_jgen_finish(&j);
}

static ucp_status json_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                 struct ucp_strbuf *out)
{
    open_entry(r, out);
    bool pretty = r->flags & UCP_RENDER_PRETTY;
    /* One level in, as every entry of the array. */
    unsigned depth = pretty && !(r->flags & UCP_RENDER_FLAT) ? 1 : 0;
    return ucp_json_input_error(out, name, code, message, pretty, depth) ? UCP_OK : ucp_fail_nomem();
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
