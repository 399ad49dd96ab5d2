/* SPDX-License-Identifier: MIT */
/*
 * One self-contained HTML page for a batch: inline CSS, no script, no external resource (a
 * Content-Security-Policy says so to the browser too), everything from outside escaped. A summary
 * table (input, role, result, days left, the first finding) links to a section per input with its
 * certificate and every finding: expected, actual, fix and sources. Usable without JavaScript,
 * and printable (the badges keep their colours, rows are not split across pages).
 *
 * The page starts with the totals, so it is written at the end; the renderer keeps each
 * entry's row and section as text, never the reports.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

struct html_state {
    struct ucp_strbuf rows;
    struct ucp_strbuf sections;
};

static void html_free(struct ucp_renderer *r)
{
    struct html_state *s = r->state;
    if (!s)
        return;
    ucp_sb_dispose(&s->rows);
    ucp_sb_dispose(&s->sections);
    free(s);
    r->state = NULL;
}

static struct html_state *state(struct ucp_renderer *r)
{
    if (!r->state) {
        struct html_state *s = calloc(1, sizeof *s);
        if (!s)
            return NULL;
        ucp_sb_init(&s->rows);
        ucp_sb_init(&s->sections);
        r->state = s;
    }
    return r->state;
}

static void esc(struct ucp_strbuf *sb, const char *s)
{
    ucp_render_xml(sb, s, false);
}

static void badge(struct ucp_strbuf *sb, const char *result)
{
    char upper[16];
    size_t i = 0;
    for (; result[i] && i + 1 < sizeof upper; i++)
        upper[i] = result[i] >= 'a' && result[i] <= 'z' ? (char)(result[i] - 32) : result[i];
    upper[i] = '\0';
    ucp_sb_printf(sb, "<span class=\"badge %s\">%s</span>", result, upper);
}

static void fact(struct ucp_strbuf *sb, const char *name, const char *value)
{
    ucp_sb_printf(sb, "<tr><th>%s</th><td>", name);
    esc(sb, value && *value ? value : "(none)");
    ucp_sb_append(sb, "</td></tr>\n");
}

static void sources(struct ucp_strbuf *sb, const struct ucp_finding *f)
{
    for (size_t k = 0; k < f->role_rule->nrefs; k++) {
        const struct ucp_reference *ref = f->role_rule->refs[k];
        if (k)
            ucp_sb_append(sb, ", ");
        bool link = strncmp(ref->url, "https://", 8) == 0 || strncmp(ref->url, "http://", 7) == 0;
        if (link) {
            ucp_sb_append(sb, "<a href=\"");
            ucp_render_xml(sb, ref->url, true);
            ucp_sb_append(sb, "\" title=\"");
            ucp_render_xml(sb, ref->title, true);
            ucp_sb_append(sb, "\">");
        }
        esc(sb, ref->key);
        if (link)
            ucp_sb_append(sb, "</a>");
    }
}

static ucp_status html_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *out)
{
    struct html_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    size_t id = r->entries;
    const char *result = ucp_result_name(report->result);
    const ucp_certificate *c = report->nchain ? report->chain[0] : NULL;
    const struct ucp_finding *first = ucp_render_first_finding(report);
    int64_t days = 0;
    bool has_days = ucp_render_days_left(report, &days);

    /* The summary row. */
    struct ucp_strbuf *sb = &s->rows;
    ucp_sb_printf(sb, "<tr><td><a href=\"#input-%zu\">", id);
    esc(sb, report->input_name);
    ucp_sb_append(sb, "</a></td><td>");
    esc(sb, report->role->id);
    ucp_sb_append(sb, "</td><td>");
    badge(sb, result);
    if (has_days)
        ucp_sb_printf(sb, "</td><td class=\"num\">%lld</td><td>", (long long)days);
    else
        ucp_sb_append(sb, "</td><td class=\"num\"></td><td>");
    if (first) {
        ucp_sb_printf(sb, "<span class=\"sev %s\">", ucp_severity_name(first->severity));
        esc(sb, first->rule->code);
        ucp_sb_append(sb, "</span> ");
        esc(sb, first->message);
    } else if (ucp_report_connection_client_auth(report) == UCP_CLIENT_AUTH_REJECTED && report->connection) {
        ucp_sb_append(sb, "the server rejected the client certificate");
    } else {
        ucp_sb_append(sb, "no finding");
    }
    ucp_sb_append(sb, "</td></tr>\n");

    /* The section. */
    sb = &s->sections;
    ucp_sb_printf(sb, "<section id=\"input-%zu\">\n<h2>", id);
    badge(sb, result);
    ucp_sb_append(sb, " ");
    esc(sb, report->input_name);
    ucp_sb_append(sb, "</h2>\n<table class=\"facts\">\n");
    char *role = ucp_asprintf("%s (%s)", report->role->id, report->role->title);
    fact(sb, "Role", role);
    free(role);
    fact(sb, "Product", ucp_product_title(report->product));
    if (report->connection) {
        const char *labels[8];
        char *values[8];
        size_t n = ucp_connection_lines(report->connection, labels, values, 8);
        for (size_t i = 0; i < n; i++) {
            char label[16];
            snprintf(label, sizeof label, "%.*s", (int)strcspn(labels[i], ":"), labels[i]);
            fact(sb, label, values[i]);
            free(values[i]);
        }
    }
    if (c) {
        fact(sb, "Subject", c->subject);
        fact(sb, "Issuer", c->issuer);
        struct ucp_strbuf sans;
        ucp_sb_init(&sans);
        ucp_sb_appendn(&sans, "", 0);
        for (size_t i = 0; i < c->nsans; i++)
            ucp_sb_printf(&sans, "%s%s", i ? ", " : "", c->sans[i].display);
        char *text = ucp_sb_finish(&sans);
        fact(sb, "Subject alternative names", text);
        free(text);
        char nb[32], na[32];
        ucp_format_date(c->not_before, nb, sizeof nb);
        ucp_format_date(c->not_after, na, sizeof na);
        text = days >= 0 ? ucp_asprintf("%s to %s (%lld days left)", nb, na, (long long)days)
                         : ucp_asprintf("%s to %s (expired %lld days ago)", nb, na, (long long)-days);
        fact(sb, "Validity", text);
        free(text);
        fact(sb, "SHA-1 thumbprint", ucp_certificate_sha1(c));
    }
    char *chain = ucp_asprintf("%s%s", ucp_chain_status_name(report->chain_status), report->trusted ? ", trusted" : ", not trusted");
    fact(sb, "Chain", chain);
    free(chain);
    char when[32];
    ucp_format_time(report->time, when, sizeof when);
    fact(sb, "Validated at", when);
    ucp_sb_append(sb, "</table>\n");
    if (!report->nfindings) {
        ucp_sb_append(sb, "<p>No findings.</p>\n</section>\n");
        return UCP_OK;
    }
    ucp_sb_append(sb, "<table class=\"findings\">\n<colgroup><col class=\"c-sev\"><col class=\"c-finding\">"
                      "<col class=\"c-value\"><col class=\"c-value\"><col class=\"c-fix\"><col class=\"c-src\">"
                      "</colgroup>\n<thead><tr><th>Severity</th><th>Finding</th><th>Expected</th>"
                      "<th>Actual</th><th>Fix</th><th>Sources</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < report->nfindings; i++) {
        const struct ucp_finding *f = &report->findings[i];
        char sev[16];
        snprintf(sev, sizeof sev, "%s", ucp_severity_name(f->severity));
        for (char *p = sev; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        ucp_sb_printf(sb, "<tr><td><span class=\"sev %s\">%s</span></td><td><code>", ucp_severity_name(f->severity),
                      sev);
        esc(sb, f->rule->code);
        ucp_sb_printf(sb, "</code> [%s", ucp_field_name(f->rule->field));
        if (f->cert_index > 0)
            ucp_sb_printf(sb, ", certificate %d of the chain", f->cert_index + 1);
        ucp_sb_append(sb, "]<br>");
        esc(sb, f->message);
        ucp_sb_append(sb, "</td><td>");
        esc(sb, f->expected);
        ucp_sb_append(sb, "</td><td>");
        esc(sb, f->actual);
        ucp_sb_append(sb, "</td><td>");
        esc(sb, f->remediation);
        ucp_sb_append(sb, "</td><td>");
        sources(sb, f);
        ucp_sb_append(sb, "</td></tr>\n");
    }
    ucp_sb_append(sb, "</tbody>\n</table>\n</section>\n");
    return s->rows.failed || s->sections.failed ? ucp_fail_nomem() : UCP_OK;
}

static ucp_status html_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                 struct ucp_strbuf *out)
{
    struct html_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    size_t id = r->entries;
    struct ucp_strbuf *sb = &s->rows;
    ucp_sb_printf(sb, "<tr><td><a href=\"#input-%zu\">", id);
    esc(sb, name);
    ucp_sb_append(sb, "</a></td><td></td><td>");
    badge(sb, "error");
    ucp_sb_append(sb, "</td><td class=\"num\"></td><td>could not be read: ");
    esc(sb, message);
    ucp_sb_append(sb, "</td></tr>\n");
    sb = &s->sections;
    ucp_sb_printf(sb, "<section id=\"input-%zu\">\n<h2>", id);
    badge(sb, "error");
    ucp_sb_append(sb, " ");
    esc(sb, name);
    ucp_sb_append(sb, "</h2>\n<table class=\"facts\">\n");
    fact(sb, "Could not be read", message);
    fact(sb, "Status", ucp_strerror_name(code));
    ucp_sb_append(sb, "</table>\n</section>\n");
    return s->rows.failed || s->sections.failed ? ucp_fail_nomem() : UCP_OK;
}

static const char style[] =
    "body{font-family:\"Segoe UI\",Helvetica,Arial,sans-serif;margin:1.5em;color:#1f2328;line-height:1.4}\n"
    "h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.6em 0 .4em;word-break:break-all}\n"
    "table{border-collapse:collapse;margin:.4em 0 1em;width:100%}\n"
    "th,td{border:1px solid #c8ccd1;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:break-word}\n"
    "thead th{background:#eef1f4}table.facts th{background:#f6f8fa;width:14em;font-weight:600}\n"
    "table.summary td:first-child{word-break:break-all}table.summary td:nth-child(2),table.summary td:nth-child(3)"
    "{white-space:nowrap}\n"
    "table.findings{table-layout:fixed}col.c-sev{width:6.5em}col.c-finding{width:27%}col.c-value{width:13%}"
    "col.c-fix{width:31%}col.c-src{width:9%}\n"
    "td.num{text-align:right;white-space:nowrap}code{font-family:Consolas,\"DejaVu Sans Mono\",monospace}\n"
    ".badge{display:inline-block;min-width:5.5em;padding:.1em .5em;border-radius:.3em;color:#fff;"
    "font-weight:700;text-align:center;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".badge.pass{background:#1a7f37}.badge.warning{background:#b35900}.badge.fail{background:#cf222e}"
    ".badge.error{background:#6639ba}\n"
    ".sev{font-weight:700}.sev.error{color:#cf222e}.sev.warning{color:#b35900}.sev.info{color:#57606a}\n"
    ".totals{font-size:1.05em}footer{margin-top:2em;color:#57606a;font-size:.9em}\n"
    "@media print{body{margin:0;font-size:10pt}tr,h2{break-inside:avoid}h2{break-after:avoid}"
    "a{color:inherit;text-decoration:none}}\n";

static ucp_status html_finish(struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    struct html_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    ucp_sb_append(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>UC certificate policy report</title>\n<style>\n");
    ucp_sb_append(sb, style);
    ucp_sb_append(sb, "</style>\n</head>\n<body>\n<h1>UC certificate policy report</h1>\n<p class=\"totals\">");
    ucp_sb_printf(sb, "checked %zu: %zu pass, %zu warning, %zu fail", r->entries, r->counts[UCP_RESULT_PASS],
                  r->counts[UCP_RESULT_WARNING], r->counts[UCP_RESULT_FAIL]);
    if (r->errors)
        ucp_sb_printf(sb, ", %zu could not be read", r->errors);
    ucp_sb_append(sb, ".</p>\n<table class=\"summary\">\n<thead><tr><th>Input</th><th>Role</th><th>Result</th>"
                      "<th>Days left</th><th>First finding</th></tr></thead>\n<tbody>\n");
    ucp_sb_appendn(sb, s->rows.data ? s->rows.data : "", s->rows.len);
    ucp_sb_append(sb, "</tbody>\n</table>\n");
    ucp_sb_appendn(sb, s->sections.data ? s->sections.data : "", s->sections.len);
    ucp_sb_printf(sb, "<footer>libucpolicy %s, report schema %s.</footer>\n</body>\n</html>\n", ucp_version(),
                  UCP_REPORT_SCHEMA_VERSION);
    return UCP_OK;
}

const struct ucp_format_ops ucp_html_ops = {html_add_report, html_add_error, html_finish, html_free};
