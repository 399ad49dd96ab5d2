/* SPDX-License-Identifier: MIT */
/* The certificate plan as text, JSON, CSV and HTML (ucpolicy plan --format). */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"
#include "policy/plan-private.h"

static const char *eku_text(unsigned eku)
{
    switch (eku & (UCP_EKU_SERVER_AUTH | UCP_EKU_CLIENT_AUTH)) {
    case UCP_EKU_SERVER_AUTH: return "serverAuth";
    case UCP_EKU_CLIENT_AUTH: return "clientAuth";
    case UCP_EKU_SERVER_AUTH | UCP_EKU_CLIENT_AUTH: return "serverAuth, clientAuth";
    default: return "";
    }
}

static char *joined(char **v, size_t n, const char *sep)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    for (size_t i = 0; i < n; i++)
        ucp_sb_printf(&sb, "%s%s", i ? sep : "", v[i]);
    return ucp_sb_finish(&sb);
}

/* ---- JSON ----------------------------------------------------------------------------------- */

static json_t *string_array(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, ucp_json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *need_json(const struct ucp_cert_need *n)
{
    json_t *eku = json_array();
    if (eku && (n->eku & UCP_EKU_SERVER_AUTH))
        json_array_append_new(eku, json_string("serverAuth"));
    if (eku && (n->eku & UCP_EKU_CLIENT_AUTH))
        json_array_append_new(eku, json_string("clientAuth"));
    return json_pack("{s:s, s:s, s:o, s:o*, s:o*, s:o*, s:o, s:I, s:b, s:b, s:b, s:b}",
                     "role", n->role->id, "title", n->role->title, "subjectName", ucp_json_string(n->subject),
                     "requiredNames", string_array(n->required, n->nrequired),
                     "optionalNames", string_array(n->optional, n->noptional), "eku", eku,
                     "keyRule", ucp_json_string(n->key_rule), "minRsaBits", (json_int_t)n->min_rsa_bits,
                     "eccAccepted", n->ecc_ok, "publicCa", n->public_ca, "poolShared", n->pool_shared,
                     "exportableKey", n->exportable);
}

static json_t *plan_json(const ucp_deployment *d, size_t first, size_t end)
{
    json_t *servers = json_array();
    for (size_t i = first; servers && i < end; i++) {
        const struct ucp_plan_server *s = &d->servers[i];
        json_t *certs = json_array();
        for (size_t k = 0; certs && k < s->nneeds; k++) {
            json_t *c = need_json(&s->needs[k]);
            if (!c || json_array_append_new(certs, c) != 0) {
                json_decref(certs);
                certs = NULL;
            }
        }
        json_t *o = certs ? json_pack("{s:s, s:s, s:s, s:o}", "fqdn", s->fqdn, "pool", s->pool, "product",
                                      ucp_product_name(s->product), "certificates", certs)
                          : NULL;
        if (!o || json_array_append_new(servers, o) != 0) {
            json_decref(servers);
            return NULL;
        }
    }
    return servers ? json_pack("{s:o}", "servers", servers) : NULL;
}

/* ---- text ----------------------------------------------------------------------------------- */

static void list_line(struct ucp_strbuf *sb, const char *label, char **v, size_t n)
{
    ucp_sb_printf(sb, "    %-16s", label);
    if (!n)
        ucp_sb_append(sb, "(none)");
    for (size_t i = 0; i < n; i++)
        ucp_sb_printf(sb, "%s%s", i ? ", " : "", v[i]);
    ucp_sb_append(sb, "\n");
}

static void plan_text(struct ucp_strbuf *sb, const ucp_deployment *d, size_t first, size_t end)
{
    size_t certs = 0;
    for (size_t i = first; i < end; i++) {
        const struct ucp_plan_server *s = &d->servers[i];
        ucp_sb_printf(sb, "%s%s (pool %s, %s): %zu certificate%s\n", i > first ? "\n" : "", s->fqdn, s->pool,
                      ucp_product_title(s->product), s->nneeds, s->nneeds == 1 ? "" : "s");
        for (size_t k = 0; k < s->nneeds; k++) {
            const struct ucp_cert_need *n = &s->needs[k];
            certs++;
            ucp_sb_printf(sb, "  %s - %s\n", n->role->id, n->role->title);
            ucp_sb_printf(sb, "    %-16s%s\n", "subject:", n->subject);
            list_line(sb, "required SAN:", n->required, n->nrequired);
            list_line(sb, "optional SAN:", n->optional, n->noptional);
            ucp_sb_printf(sb, "    %-16s%s\n", "EKU:", n->eku ? eku_text(n->eku) : "(any)");
            ucp_sb_printf(sb, "    %-16s%s%s\n", "key:", n->key_rule, n->exportable ? "; exportable" : "");
            ucp_sb_printf(sb, "    %-16s%s%s\n", "CA:", n->public_ca ? "public CA" : "internal or public CA",
                          n->pool_shared ? "; the same certificate and key on every server of the pool" : "");
        }
    }
    ucp_sb_printf(sb, "\n%zu server%s, %zu certificate%s\n", end - first, end - first == 1 ? "" : "s", certs,
                  certs == 1 ? "" : "s");
}

/* ---- CSV (RFC 4180) ------------------------------------------------------------------------- */

static void csv_field(struct ucp_strbuf *sb, const char *s, bool last)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) {
        ucp_sb_appendc(sb, '"');
        for (; *s; s++) {
            if (*s == '"')
                ucp_sb_appendc(sb, '"');
            ucp_sb_appendc(sb, *s);
        }
        ucp_sb_appendc(sb, '"');
    } else {
        ucp_sb_append(sb, s);
    }
    ucp_sb_append(sb, last ? "\r\n" : ",");
}

static bool plan_csv(struct ucp_strbuf *sb, const ucp_deployment *d, size_t first, size_t end)
{
    ucp_sb_append(sb, "server,pool,product,role,subjectName,requiredNames,optionalNames,eku,keyRule,publicCa,"
                      "poolShared,exportableKey\r\n");
    for (size_t i = first; i < end; i++) {
        const struct ucp_plan_server *s = &d->servers[i];
        for (size_t k = 0; k < s->nneeds; k++) {
            const struct ucp_cert_need *n = &s->needs[k];
            char *req = joined(n->required, n->nrequired, " "), *opt = joined(n->optional, n->noptional, " ");
            if (!req || !opt) {
                free(req);
                free(opt);
                return false;
            }
            csv_field(sb, s->fqdn, false);
            csv_field(sb, s->pool, false);
            csv_field(sb, ucp_product_name(s->product), false);
            csv_field(sb, n->role->id, false);
            csv_field(sb, n->subject, false);
            csv_field(sb, req, false);
            csv_field(sb, opt, false);
            csv_field(sb, eku_text(n->eku), false);
            csv_field(sb, n->key_rule, false);
            csv_field(sb, n->public_ca ? "true" : "false", false);
            csv_field(sb, n->pool_shared ? "true" : "false", false);
            csv_field(sb, n->exportable ? "true" : "false", true);
            free(req);
            free(opt);
        }
    }
    return true;
}

/* ---- HTML ----------------------------------------------------------------------------------- */

static void html_text(struct ucp_strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': ucp_sb_append(sb, "&lt;"); break;
        case '>': ucp_sb_append(sb, "&gt;"); break;
        case '&': ucp_sb_append(sb, "&amp;"); break;
        case '"': ucp_sb_append(sb, "&quot;"); break;
        case '\'': ucp_sb_append(sb, "&#39;"); break;
        default: ucp_sb_appendc(sb, *s);
        }
    }
}

static void html_list(struct ucp_strbuf *sb, char **v, size_t n)
{
    ucp_sb_append(sb, "<td>");
    for (size_t i = 0; i < n; i++) {
        if (i)
            ucp_sb_append(sb, "<br>");
        html_text(sb, v[i]);
    }
    ucp_sb_append(sb, "</td>");
}

static void plan_html(struct ucp_strbuf *sb, const ucp_deployment *d, size_t first, size_t end)
{
    ucp_sb_append(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>Certificate plan</title>\n<style>\n"
                      "body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse;margin-bottom:1.5em}"
                      "th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}"
                      "th{background:#eee}\n</style>\n</head>\n<body>\n<h1>Certificate plan</h1>\n");
    for (size_t i = first; i < end; i++) {
        const struct ucp_plan_server *s = &d->servers[i];
        ucp_sb_append(sb, "<h2>");
        html_text(sb, s->fqdn);
        ucp_sb_append(sb, "</h2>\n<p>Pool ");
        html_text(sb, s->pool);
        ucp_sb_printf(sb, ", %s.</p>\n", ucp_product_title(s->product));
        ucp_sb_append(sb, "<table>\n<tr><th>Role</th><th>Subject name</th><th>Required SAN names</th>"
                          "<th>Optional SAN names</th><th>EKU</th><th>Key</th><th>Public CA</th>"
                          "<th>Shared by the pool</th></tr>\n");
        for (size_t k = 0; k < s->nneeds; k++) {
            const struct ucp_cert_need *n = &s->needs[k];
            ucp_sb_append(sb, "<tr><td>");
            html_text(sb, n->role->id);
            ucp_sb_append(sb, "</td><td>");
            html_text(sb, n->subject);
            ucp_sb_append(sb, "</td>");
            html_list(sb, n->required, n->nrequired);
            html_list(sb, n->optional, n->noptional);
            ucp_sb_printf(sb, "<td>%s</td><td>", eku_text(n->eku));
            html_text(sb, n->key_rule);
            ucp_sb_printf(sb, "%s</td><td>%s</td><td>%s</td></tr>\n", n->exportable ? "; exportable" : "",
                          n->public_ca ? "yes" : "no", n->pool_shared ? "yes" : "no");
        }
        ucp_sb_append(sb, "</table>\n");
    }
    ucp_sb_append(sb, "</body>\n</html>\n");
}

static char *server_list(const ucp_deployment *d)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    for (size_t i = 0; i < d->nservers && i < 20; i++)
        ucp_sb_printf(&sb, "%s%s", i ? ", " : "", d->servers[i].fqdn);
    if (d->nservers > 20)
        ucp_sb_printf(&sb, " and %zu more", d->nservers - 20);
    return ucp_sb_finish(&sb);
}

UCP_EXPORT ucp_status ucp_deployment_render(const ucp_deployment *d, const char *server, ucp_output_format format,
                                            unsigned flags, ucp_buffer *out)
{
    if (!d || !out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_deployment_render: %s is NULL", d ? "out" : "deployment");
    out->data = NULL;
    out->size = 0;
    size_t first = 0, end = d->nservers;
    if (server) {
        first = ucp_deployment_find_server(d, server);
        if (first == (size_t)-1) {
            char *list = server_list(d);
            ucp_status st = ucp_fail(UCP_E_NOT_FOUND, NULL, "no server '%s' in the topology; its servers: %s",
                                     server, list ? list : "");
            free(list);
            return st;
        }
        end = first + 1;
    }
    if (format == UCP_OUTPUT_JSON) {
        json_t *j = plan_json(d, first, end);
        if (!j)
            return ucp_fail_nomem();
        ucp_status st = ucp_json_to_buffer(j, flags, out);
        json_decref(j);
        return st;
    }
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    switch (format) {
    case UCP_OUTPUT_TEXT: plan_text(&sb, d, first, end); break;
    case UCP_OUTPUT_CSV:
        if (!plan_csv(&sb, d, first, end)) {
            ucp_sb_dispose(&sb);
            return ucp_fail_nomem();
        }
        break;
    case UCP_OUTPUT_HTML: plan_html(&sb, d, first, end); break;
    default:
        ucp_sb_dispose(&sb);
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "a plan is rendered as text, json, csv or html, not %s",
                        ucp_output_format_name(format));
    }
    char *s = ucp_sb_finish(&sb);
    if (!s)
        return ucp_fail_nomem();
    out->data = s;
    out->size = strlen(s);
    return UCP_OK;
}
