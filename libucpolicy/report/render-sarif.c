/* SPDX-License-Identifier: MIT */
/*
 * SARIF 2.1.0 for code-scanning dashboards: one run whose tool.driver lists every rule of the
 * catalogue, one result per finding, the inputs as artifacts, and the inputs that could not be
 * read as toolExecutionNotifications of the invocation.
 *
 * Streamed: the tool and each result are written as they come (each result by the streaming
 * writer, ucp_jgen, with no tree); the renderer keeps only the artifacts and the notifications
 * (jansson values of a few strings each) for the end.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "report/report-private.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* The project's address as pkgconfig/meson.build gives it. */
#define UCP_INFORMATION_URI "https://example.invalid/libucpolicy"

struct sarif_state {
    size_t nresults;
    json_t *artifacts;     /* one per input, in order */
    json_t *notifications; /* one per input that could not be read */
};

static void sarif_free(struct ucp_renderer *r)
{
    struct sarif_state *s = r->state;
    if (!s)
        return;
    json_decref(s->artifacts);
    json_decref(s->notifications);
    free(s);
    r->state = NULL;
}

/* ---- URIs ------------------------------------------------------------------------------------ */

/* Append @p[0..n) percent-encoded: unreserved characters, sub-delims, '@' and (when @slash) '/'
 * stay, everything else (':' included, so that a relative reference never looks like a scheme)
 * is %HH of its UTF-8 bytes. */
static void percent_encode(struct ucp_strbuf *sb, const char *p, size_t n, bool backslash_is_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\' && backslash_is_slash)
            c = '/';
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=@/", c))
            ucp_sb_appendc(sb, (char)c);
        else
            ucp_sb_printf(sb, "%%%02X", c);
    }
}

/* The input name as a URI reference: an absolute path becomes a file: URI (a Windows drive path
 * C:\x or C:/x too, and a UNC path \\server\share\x file://server/share/x); a relative path stays
 * relative. On Windows a backslash separates directories; elsewhere it is part of a name. */
static void input_uri(struct ucp_strbuf *sb, const char *name)
{
#if defined(_WIN32)
    const bool windows = true;
#else
    const bool windows = false;
#endif
    size_t n = strlen(name);
    bool drive = n >= 3 && ((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':' &&
                 (name[2] == '\\' || name[2] == '/');
    if (drive) {
        ucp_sb_printf(sb, "file:///%c:", name[0]);
        percent_encode(sb, name + 2, n - 2, true);
    } else if (n > 2 && name[0] == '\\' && name[1] == '\\') {
        ucp_sb_append(sb, "file://");
        percent_encode(sb, name + 2, n - 2, true);
    } else if (name[0] == '/') {
        ucp_sb_append(sb, "file://");
        percent_encode(sb, name, n, windows);
    } else {
        percent_encode(sb, name, n, windows);
    }
}

static json_t *uri_json(const char *name)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    input_uri(&sb, name);
    char *uri = ucp_sb_finish(&sb);
    json_t *j = uri ? json_string(uri) : NULL;
    free(uri);
    return j;
}

static json_t *artifact_location(const char *name, size_t index)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "uri", uri_json(name));
    json_object_set_new_nocheck(o, "index", json_integer((json_int_t)index));
    return o;
}

static json_t *text_message(const char *text)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "text", ucp_json_string(text));
    return o;
}

/* ---- the tool: one reportingDescriptor per catalogue rule -------------------------------------- */

static const char *level_of(ucp_severity s)
{
    return s == UCP_SEVERITY_ERROR ? "error" : s == UCP_SEVERITY_WARNING ? "warning" : "note";
}

/* "subject.cn-wildcard" -> "SubjectCnWildcard". */
static json_t *rule_name(const char *code)
{
    char name[128];
    size_t o = 0;
    bool up = true;
    for (const char *p = code; *p && o + 1 < sizeof name; p++) {
        if (*p == '.' || *p == '-') {
            up = true;
            continue;
        }
        name[o++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        up = false;
    }
    name[o] = '\0';
    return json_string(name);
}

/* A template with each {arg} shown as <arg>. */
static json_t *template_text(const char *tmpl)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    for (const char *p = tmpl ? tmpl : ""; *p; p++)
        ucp_sb_appendc(&sb, *p == '{' ? '<' : *p == '}' ? '>' : *p);
    char *text = ucp_sb_finish(&sb);
    json_t *j = text_message(text ? text : "");
    free(text);
    return j;
}

/* The severity the rule has most often over the roles and products that bind it (the more
 * serious on a tie). */
static ucp_severity common_severity(const struct ucp_rule *rule)
{
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < ucp_role_total; i++) {
        const struct ucp_role *role = &ucp_roles[i];
        for (size_t k = 0; k < role->nrules; k++) {
            if (role->rules[k].rule != rule)
                continue;
            for (int p = 0; p < UCP_PRODUCT_COUNT; p++)
                if (role->rules[k].severity[p] >= 0 && role->rules[k].severity[p] <= UCP_SEVERITY_ERROR)
                    count[role->rules[k].severity[p]]++;
        }
    }
    ucp_severity best = UCP_SEVERITY_ERROR;
    for (int s = UCP_SEVERITY_ERROR; s >= UCP_SEVERITY_INFO; s--)
        if (count[s] > count[best])
            best = (ucp_severity)s;
    return best;
}

static json_t *sources_json(const struct ucp_reference *const *refs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new_nocheck(o, "key", ucp_json_string(refs[i]->key));
        json_object_set_new_nocheck(o, "title", ucp_json_string(refs[i]->title));
        json_object_set_new_nocheck(o, "url", *refs[i]->url ? ucp_json_string(refs[i]->url) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *tool_json(void)
{
    json_t *rules = json_array();
    for (size_t i = 0; i < ucp_rule_total; i++) {
        const struct ucp_rule *rule = &ucp_rules[i];
        json_t *d = json_object();
        json_object_set_new_nocheck(d, "id", json_string(rule->code));
        json_object_set_new_nocheck(d, "name", rule_name(rule->code));
        json_object_set_new_nocheck(d, "shortDescription", text_message(rule->title));
        json_object_set_new_nocheck(d, "fullDescription", template_text(rule->message));
        json_object_set_new_nocheck(d, "help", template_text(rule->remediation));
        if (rule->nrefs && *rule->refs[0]->url)
            json_object_set_new_nocheck(d, "helpUri", ucp_json_string(rule->refs[0]->url));
        json_t *config = json_object();
        json_object_set_new_nocheck(config, "level", json_string(level_of(common_severity(rule))));
        json_object_set_new_nocheck(d, "defaultConfiguration", config);
        json_t *props = json_object();
        json_object_set_new_nocheck(props, "field", json_string(ucp_field_name(rule->field)));
        json_object_set_new_nocheck(props, "sources", sources_json(rule->refs, rule->nrefs));
        json_object_set_new_nocheck(d, "properties", props);
        json_array_append_new(rules, d);
    }
    json_t *driver = json_object();
    json_object_set_new_nocheck(driver, "name", json_string("ucpolicy"));
    json_object_set_new_nocheck(driver, "fullName", json_string("libucpolicy: certificate policies of UC server roles"));
    json_object_set_new_nocheck(driver, "version", json_string(ucp_version()));
    json_object_set_new_nocheck(driver, "semanticVersion", json_string(ucp_version()));
    json_object_set_new_nocheck(driver, "informationUri", json_string(UCP_INFORMATION_URI));
    json_object_set_new_nocheck(driver, "rules", rules);
    json_t *tool = json_object();
    json_object_set_new_nocheck(tool, "driver", driver);
    return tool;
}

/* The document up to the results array, written before the first entry. */
static ucp_status start(struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    if (r->state)
        return UCP_OK;
    struct sarif_state *s = calloc(1, sizeof *s);
    if (!s || !(s->artifacts = json_array()) || !(s->notifications = json_array())) {
        if (s) {
            json_decref(s->artifacts);
            free(s);
        }
        return ucp_fail_nomem();
    }
    r->state = s;
    const char *sp = r->flags & UCP_RENDER_PRETTY ? " " : "";
    ucp_sb_appendc(sb, '{');
    ucp_render_newline(sb, r->flags, 1);
    ucp_sb_printf(sb, "\"$schema\":%s\"%s\",", sp, SARIF_SCHEMA);
    ucp_render_newline(sb, r->flags, 1);
    ucp_sb_printf(sb, "\"version\":%s\"2.1.0\",", sp);
    ucp_render_newline(sb, r->flags, 1);
    ucp_sb_printf(sb, "\"runs\":%s[", sp);
    ucp_render_newline(sb, r->flags, 2);
    ucp_sb_appendc(sb, '{');
    ucp_render_newline(sb, r->flags, 3);
    ucp_sb_printf(sb, "\"tool\":%s", sp);
    json_t *tool = tool_json();
    bool ok = ucp_render_json_at(sb, tool, r->flags, 3);
    json_decref(tool);
    if (!ok)
        return ucp_fail_nomem();
    ucp_sb_appendc(sb, ',');
    ucp_render_newline(sb, r->flags, 3);
    ucp_sb_printf(sb, "\"results\":%s[", sp);
    return UCP_OK;
}

/* ---- results ----------------------------------------------------------------------------------- */

/* Stable across runs (for de-duplication): the role, the rule and the certificate concerned. */
static void fingerprint(struct ucp_jgen *j, const ucp_report *report, const struct ucp_finding *f,
                        const ucp_certificate *cert)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_printf(&sb, "%s\n%s\n%s", report->role->id, f->rule->code, cert ? cert->sha256 : "");
    uint8_t digest[32];
    char hex[65];
    ucp_jgen_key(j, "partialFingerprints");
    ucp_jgen_object(j);
    if (!sb.failed && gnutls_hash_fast(GNUTLS_DIG_SHA256, sb.data, sb.len, digest) >= 0) {
        for (size_t i = 0; i < sizeof digest; i++)
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        ucp_jgen_kstr(j, "ucpolicy/v1", hex);
    }
    ucp_jgen_close(j);
    ucp_sb_dispose(&sb);
}

/* A result, written as it is walked (ucp_jgen): the bytes the jansson tree it was gave. */
static void result_write(struct ucp_jgen *j, const ucp_report *report, const struct ucp_finding *f,
                         size_t artifact)
{
    const ucp_certificate *cert = f->cert_index >= 0 && (size_t)f->cert_index < report->nchain
                                      ? report->chain[f->cert_index]
                                      : NULL;
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "ruleId", f->rule->code);
    ucp_jgen_kint(j, "ruleIndex", (int64_t)(f->rule - ucp_rules));
    ucp_jgen_kstr(j, "level", level_of(f->severity));
    ucp_jgen_key(j, "message");
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "text", f->message);
    ucp_jgen_close(j);
    ucp_jgen_key(j, "locations");
    ucp_jgen_array(j);
    ucp_jgen_object(j);
    ucp_jgen_key(j, "physicalLocation");
    ucp_jgen_object(j);
    ucp_jgen_key(j, "artifactLocation");
    ucp_jgen_object(j);
    struct ucp_strbuf uri;
    ucp_sb_init(&uri);
    ucp_sb_appendn(&uri, "", 0);
    input_uri(&uri, report->input_name);
    if (!uri.failed)
        ucp_jgen_kstr(j, "uri", uri.data); /* percent-encoded: ASCII */
    ucp_sb_dispose(&uri);
    ucp_jgen_kint(j, "index", (int64_t)artifact);
    ucp_jgen_close(j);
    /* The certificate is the whole file; dashboards want a line to anchor the alert on. */
    ucp_jgen_key(j, "region");
    ucp_jgen_object(j);
    ucp_jgen_kint(j, "startLine", 1);
    ucp_jgen_close(j);
    ucp_jgen_close(j);
    if (cert) {
        char fqn[64];
        snprintf(fqn, sizeof fqn, "chain[%d]", f->cert_index);
        ucp_jgen_key(j, "logicalLocations");
        ucp_jgen_array(j);
        ucp_jgen_object(j);
        ucp_jgen_kstr(j, "name", *cert->subject ? cert->subject : "(empty subject)");
        ucp_jgen_kstr(j, "fullyQualifiedName", fqn);
        ucp_jgen_kstr(j, "kind", "object");
        ucp_jgen_close(j);
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
    ucp_jgen_close(j);
    fingerprint(j, report, f, cert ? cert : report->nchain ? report->chain[0] : NULL);
    ucp_jgen_key(j, "properties");
    ucp_jgen_object(j);
    ucp_jgen_kstr(j, "role", report->role->id);
    ucp_jgen_kstr(j, "product", ucp_product_name(report->product));
    ucp_jgen_kstr(j, "field", ucp_field_name(f->rule->field));
    ucp_jgen_kstr(j, "expected", f->expected);
    ucp_jgen_kstr(j, "actual", f->actual);
    ucp_jgen_kstr(j, "remediation", f->remediation);
    if (f->cert_index >= 0)
        ucp_jgen_kint(j, "certificateIndex", f->cert_index);
    else
        ucp_jgen_knull(j, "certificateIndex");
    ucp_jgen_kstr(j, "certificateSha256", cert ? cert->sha256 : NULL);
    ucp_jgen_key(j, "sources");
    ucp_jgen_array(j);
    for (size_t i = 0; i < f->role_rule->nrefs; i++) {
        const struct ucp_reference *ref = f->role_rule->refs[i];
        ucp_jgen_object(j);
        ucp_jgen_kstr(j, "key", ref->key);
        ucp_jgen_kstr(j, "title", ref->title);
        ucp_jgen_kstr(j, "url", *ref->url ? ref->url : NULL);
        ucp_jgen_close(j);
    }
    ucp_jgen_close(j);
    ucp_jgen_close(j);
    ucp_jgen_close(j);
}

static ucp_status add_artifact(struct sarif_state *s, const char *name, const char *result)
{
    json_t *a = json_object(), *loc = json_object(), *roles = json_array(), *props = json_object();
    json_object_set_new_nocheck(loc, "uri", uri_json(name));
    json_object_set_new_nocheck(a, "location", loc);
    json_array_append_new(roles, json_string("analysisTarget"));
    json_object_set_new_nocheck(a, "roles", roles);
    json_object_set_new_nocheck(props, "result", json_string(result));
    json_object_set_new_nocheck(a, "properties", props);
    return json_array_append_new(s->artifacts, a) == 0 ? UCP_OK : ucp_fail_nomem();
}

static ucp_status sarif_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *sb)
{
    ucp_status st = start(r, sb);
    if (st != UCP_OK)
        return st;
    struct sarif_state *s = r->state;
    for (size_t i = 0; i < report->nfindings; i++) {
        if (s->nresults++)
            ucp_sb_appendc(sb, ',');
        ucp_render_newline(sb, r->flags, 4);
        struct ucp_jgen j;
        if (ucp_jgen_init(&j, sb, r->flags & UCP_RENDER_PRETTY, 4))
            result_write(&j, report, &report->findings[i], r->entries);
        if (!ucp_jgen_finish(&j))
            return ucp_fail_nomem();
    }
    return add_artifact(s, report->input_name, ucp_result_name(report->result));
}

static ucp_status sarif_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                  struct ucp_strbuf *sb)
{
    ucp_status st = start(r, sb);
    if (st != UCP_OK)
        return st;
    struct sarif_state *s = r->state;
    json_t *n = json_object(), *desc = json_object(), *locs = json_array(), *loc = json_object(),
           *phys = json_object();
    json_object_set_new_nocheck(n, "level", json_string("error"));
    json_object_set_new_nocheck(n, "message", text_message(message));
    json_object_set_new_nocheck(desc, "id", json_string(ucp_strerror_name(code)));
    json_object_set_new_nocheck(n, "descriptor", desc);
    json_object_set_new_nocheck(phys, "artifactLocation", artifact_location(name, r->entries));
    json_object_set_new_nocheck(loc, "physicalLocation", phys);
    json_array_append_new(locs, loc);
    json_object_set_new_nocheck(n, "locations", locs);
    if (json_array_append_new(s->notifications, n) != 0)
        return ucp_fail_nomem();
    return add_artifact(s, name, "error");
}

static ucp_status sarif_finish(struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    ucp_status st = start(r, sb);
    if (st != UCP_OK)
        return st;
    struct sarif_state *s = r->state;
    const char *sp = r->flags & UCP_RENDER_PRETTY ? " " : "";
    if (s->nresults)
        ucp_render_newline(sb, r->flags, 3);
    ucp_sb_append(sb, "],");
    ucp_render_newline(sb, r->flags, 3);
    ucp_sb_printf(sb, "\"artifacts\":%s", sp);
    if (!ucp_render_json_at(sb, s->artifacts, r->flags, 3))
        return ucp_fail_nomem();
    ucp_sb_appendc(sb, ',');
    ucp_render_newline(sb, r->flags, 3);
    ucp_sb_printf(sb, "\"invocations\":%s", sp);
    json_t *inv = json_object(), *list = json_array();
    json_object_set_new_nocheck(inv, "executionSuccessful", json_boolean(r->errors == 0));
    json_object_set_new_nocheck(inv, "exitCode", json_integer(r->errors ? 3 : r->worst[r->fail_on]));
    if (json_array_size(s->notifications))
        json_object_set(inv, "toolExecutionNotifications", s->notifications);
    json_array_append_new(list, inv);
    bool ok = ucp_render_json_at(sb, list, r->flags, 3);
    json_decref(list);
    if (!ok)
        return ucp_fail_nomem();
    ucp_render_newline(sb, r->flags, 2);
    ucp_sb_appendc(sb, '}');
    ucp_render_newline(sb, r->flags, 1);
    ucp_sb_appendc(sb, ']');
    ucp_render_newline(sb, r->flags, 0);
    ucp_sb_appendc(sb, '}');
    return UCP_OK;
}

const struct ucp_format_ops ucp_sarif_ops = {sarif_add_report, sarif_add_error, sarif_finish, sarif_free};
