/* SPDX-License-Identifier: MIT */
/*
 * What every renderer shares: the names of formats and fail-on levels, the exit-code rule, and
 * escaping text from outside (file names, certificate text, messages) for JSON, XML and HTML.
 * Calls report.c's getters and core/ only; every render-*.c file calls it.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

/* ---- names ----------------------------------------------------------------------------------- */

static const char *const format_names[] = {"text", "json", "sarif", "csv", "html", "junit", "nagios"};
static const char *const fail_on_names[] = {"error", "warning", "info", "never"};

UCP_EXPORT const char *ucp_output_format_name(ucp_output_format format)
{
    return (unsigned)format < UCP_ARRAY_SIZE(format_names) ? format_names[format] : "";
}

UCP_EXPORT ucp_status ucp_output_format_from_name(ucp_output_format *out, const char *name)
{
    for (size_t i = 0; name && i < UCP_ARRAY_SIZE(format_names); i++) {
        if (ucp_strcasecmp(name, format_names[i]) == 0) {
            if (out)
                *out = (ucp_output_format)i;
            return UCP_OK;
        }
    }
    char *shown = name ? ucp_render_clean(name) : NULL;
    ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                             "unknown output format '%s' (use text, json, sarif, csv, html, junit or nagios)",
                             shown ? shown : "(null)");
    free(shown);
    return st;
}

UCP_EXPORT const char *ucp_fail_on_name(ucp_fail_on fail_on)
{
    return (unsigned)fail_on < UCP_ARRAY_SIZE(fail_on_names) ? fail_on_names[fail_on] : "";
}

UCP_EXPORT ucp_status ucp_fail_on_from_name(ucp_fail_on *out, const char *name)
{
    for (size_t i = 0; name && i < UCP_ARRAY_SIZE(fail_on_names); i++) {
        if (ucp_strcasecmp(name, fail_on_names[i]) == 0) {
            if (out)
                *out = (ucp_fail_on)i;
            return UCP_OK;
        }
    }
    char *shown = name ? ucp_render_clean(name) : NULL;
    ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                             "unknown fail-on level '%s' (use error, warning, info or never)",
                             shown ? shown : "(null)");
    free(shown);
    return st;
}

/* ---- the exit-code rule ------------------------------------------------------------------------ */

/* As `ucpolicy check` and `ucpolicy probe` have computed it since 1.0 (exit_for, probe_exit). */
UCP_EXPORT int ucp_report_exit_code(const ucp_report *r, ucp_fail_on fail_on)
{
    if (!r)
        return 3;
    if (fail_on == UCP_FAIL_ON_NEVER)
        return 0;
    int status = 0;
    if (ucp_report_count(r, UCP_SEVERITY_ERROR))
        status = 2;
    else if (ucp_report_count(r, UCP_SEVERITY_WARNING))
        status = fail_on == UCP_FAIL_ON_ERROR ? 0 : 1;
    else if (ucp_report_count(r, UCP_SEVERITY_INFO) && fail_on == UCP_FAIL_ON_INFO)
        status = 1;
    /* A probe: the server's verdict on the client certificate (none for a file check). */
    ucp_client_auth v = ucp_report_connection_client_auth(r);
    if (v == UCP_CLIENT_AUTH_REJECTED && ucp_report_has_connection(r))
        return 2;
    if (v == UCP_CLIENT_AUTH_UNKNOWN && ucp_report_connection_client_cert_sent(r) && fail_on != UCP_FAIL_ON_ERROR &&
        status < 1)
        status = 1;
    return status;
}

/* ---- escaping ---------------------------------------------------------------------------------- */

char *ucp_render_clean(const char *s)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    const uint8_t *p = (const uint8_t *)s;
    size_t left = strlen(s);
    while (left) {
        size_t n = *p >= 0x20 && *p != 0x7f ? ucp_utf8_seq(p, left) : 0;
        if (n) {
            ucp_sb_appendn(&sb, (const char *)p, n);
        } else {
            ucp_sb_printf(&sb, "\\x%02X", *p);
            n = 1;
        }
        p += n;
        left -= n;
    }
    return ucp_sb_finish(&sb);
}

void ucp_render_xml(struct ucp_strbuf *sb, const char *s, bool attribute)
{
    const uint8_t *p = (const uint8_t *)(s ? s : "");
    size_t left = strlen((const char *)p);
    while (left) {
        size_t n = 1;
        switch (*p) {
        case '&': ucp_sb_append(sb, "&amp;"); break;
        case '<': ucp_sb_append(sb, "&lt;"); break;
        case '>': ucp_sb_append(sb, "&gt;"); break;
        case '"': ucp_sb_append(sb, "&quot;"); break;
        case '\'': ucp_sb_append(sb, "&#39;"); break;
        case '\n':
            /* Text keeps its lines; an attribute value would lose them to normalisation. */
            ucp_sb_append(sb, attribute ? "&#10;" : "\n");
            break;
        case '\t': ucp_sb_append(sb, attribute ? "&#9;" : "\t"); break;
        default:
            /* XML 1.0 has no place for other control characters, not even as references. */
            n = *p >= 0x20 && *p != 0x7f ? ucp_utf8_seq(p, left) : 0;
            if (n) {
                ucp_sb_appendn(sb, (const char *)p, n);
            } else {
                ucp_sb_printf(sb, "\\x%02X", *p);
                n = 1;
            }
        }
        p += n;
        left -= n;
    }
}

void ucp_render_newline(struct ucp_strbuf *sb, unsigned flags, unsigned depth)
{
    if (!(flags & UCP_RENDER_PRETTY))
        return;
    ucp_sb_appendc(sb, '\n');
    for (unsigned i = 0; i < depth; i++)
        ucp_sb_append(sb, "  ");
}

bool ucp_render_json_at(struct ucp_strbuf *sb, const json_t *j, unsigned flags, unsigned depth)
{
    return ucp_json_write(sb, j, flags & UCP_RENDER_PRETTY, depth);
}

const struct ucp_finding *ucp_render_first_finding(const ucp_report *r)
{
    return ucp_report_finding_count(r) ? ucp_report_finding_at(r, 0) : NULL;
}

bool ucp_render_days_left(const ucp_report *r, int64_t *days)
{
    *days = ucp_report_days_remaining(r);
    return ucp_report_certificate(r) != NULL;
}
