/* SPDX-License-Identifier: MIT */
/*
 * The one entry to every renderer (ucpolicy/render.h): one report, a list, a streamed batch, a
 * file that could not be read, the catalogue listings, the batch's counters, summary and exit
 * status; and the 1.0 calls of report.h, now thin calls of the same code. Each format is a
 * struct ucp_format_ops in its own file (render-text.c, render-json.c, render-sarif.c,
 * render-csv.c, render-html.c, render-junit.c, render-nagios.c); a list is a batch whose chunks
 * are concatenated, so the two cannot differ.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

static const struct ucp_format_ops *ops_of(ucp_output_format format)
{
    switch (format) {
    case UCP_OUTPUT_TEXT: return &ucp_text_ops;
    case UCP_OUTPUT_JSON: return &ucp_json_ops;
    case UCP_OUTPUT_SARIF: return &ucp_sarif_ops;
    case UCP_OUTPUT_CSV: return &ucp_csv_ops;
    case UCP_OUTPUT_HTML: return &ucp_html_ops;
    case UCP_OUTPUT_JUNIT: return &ucp_junit_ops;
    case UCP_OUTPUT_NAGIOS: return &ucp_nagios_ops;
    }
    return NULL;
}

static void reset(ucp_buffer *b)
{
    b->data = NULL;
    b->size = 0;
}

/* Move a string buffer into a ucp_buffer (data NULL when empty, as common.h says). */
static ucp_status deliver(struct ucp_strbuf *sb, ucp_buffer *out)
{
    if (sb->failed) {
        ucp_sb_dispose(sb);
        return ucp_fail_nomem();
    }
    size_t n = sb->len;
    if (n == 0) {
        ucp_sb_dispose(sb);
        return UCP_OK;
    }
    char *text = ucp_sb_finish(sb);
    if (!text)
        return ucp_fail_nomem();
    out->data = text;
    out->size = n;
    return UCP_OK;
}

/* ---- the streaming renderer ------------------------------------------------------------------- */

UCP_EXPORT ucp_status ucp_renderer_new(ucp_renderer **out, ucp_output_format format, unsigned flags)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_new: out is NULL");
    *out = NULL;
    if (!ops_of(format))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_new: unknown output format %d", (int)format);
    ucp_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return ucp_fail_nomem();
    r->format = format;
    r->flags = flags;
    r->fail_on = UCP_FAIL_ON_WARNING;
    *out = r;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_renderer_set_fail_on(ucp_renderer *r, ucp_fail_on fail_on)
{
    if (!r || (unsigned)fail_on > UCP_FAIL_ON_NEVER)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_set_fail_on: invalid argument");
    if (r->entries || r->finished)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "ucp_renderer_set_fail_on: the fail-on level is set before the first entry");
    r->fail_on = fail_on;
    return UCP_OK;
}

static ucp_status check_open(const ucp_renderer *r, ucp_buffer *chunk, const char *what)
{
    if (!chunk)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: chunk is NULL", what);
    reset(chunk);
    if (!r)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: renderer is NULL", what);
    if (r->finished)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: the renderer is finished", what);
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_renderer_add_report(ucp_renderer *r, const ucp_report *report, ucp_buffer *chunk)
{
    ucp_status st = check_open(r, chunk, "ucp_renderer_add_report");
    if (st != UCP_OK)
        return st;
    if (!report)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_add_report: report is NULL");
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    st = ops_of(r->format)->add_report(r, report, &sb);
    if (st != UCP_OK) {
        ucp_sb_dispose(&sb);
        return st;
    }
    if ((st = deliver(&sb, chunk)) != UCP_OK)
        return st;
    r->entries++;
    ucp_result result = ucp_report_result(report);
    if ((unsigned)result < UCP_ARRAY_SIZE(r->counts))
        r->counts[result]++;
    for (int f = 0; f <= UCP_FAIL_ON_NEVER; f++) {
        int code = ucp_report_exit_code(report, (ucp_fail_on)f);
        if (code > r->worst[f])
            r->worst[f] = code;
    }
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_renderer_add_error(ucp_renderer *r, const char *input_name, ucp_status code,
                                             const char *message, ucp_buffer *chunk)
{
    ucp_status st = check_open(r, chunk, "ucp_renderer_add_error");
    if (st != UCP_OK)
        return st;
    if (!input_name)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_add_error: input_name is NULL");
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    st = ops_of(r->format)->add_error(r, input_name, code, message ? message : "", &sb);
    if (st != UCP_OK) {
        ucp_sb_dispose(&sb);
        return st;
    }
    if ((st = deliver(&sb, chunk)) != UCP_OK)
        return st;
    r->entries++;
    r->errors++;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_renderer_finish(ucp_renderer *r, ucp_buffer *chunk)
{
    ucp_status st = check_open(r, chunk, "ucp_renderer_finish");
    if (st != UCP_OK)
        return st;
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    st = ops_of(r->format)->finish(r, &sb);
    if (st != UCP_OK) {
        ucp_sb_dispose(&sb);
        return st;
    }
    if ((st = deliver(&sb, chunk)) != UCP_OK)
        return st;
    r->finished = true;
    return UCP_OK;
}

UCP_EXPORT void ucp_renderer_free(ucp_renderer *r)
{
    if (!r)
        return;
    const struct ucp_format_ops *ops = ops_of(r->format);
    if (ops && ops->free_state)
        ops->free_state(r);
    free(r);
}

UCP_EXPORT size_t ucp_renderer_count(const ucp_renderer *r, ucp_result result)
{
    return r && (unsigned)result < UCP_ARRAY_SIZE(r->counts) ? r->counts[result] : 0;
}

UCP_EXPORT size_t ucp_renderer_error_count(const ucp_renderer *r)
{
    return r ? r->errors : 0;
}

UCP_EXPORT ucp_status ucp_renderer_summary(const ucp_renderer *r, ucp_buffer *out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_summary: out is NULL");
    reset(out);
    if (!r)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_renderer_summary: renderer is NULL");
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_printf(&sb, "checked %zu: %zu pass, %zu warning, %zu fail", r->entries, r->counts[UCP_RESULT_PASS],
                  r->counts[UCP_RESULT_WARNING], r->counts[UCP_RESULT_FAIL]);
    if (r->errors)
        ucp_sb_printf(&sb, ", %zu could not be read", r->errors);
    return deliver(&sb, out);
}

UCP_EXPORT int ucp_renderer_exit_code(const ucp_renderer *r, ucp_fail_on fail_on)
{
    if (!r || (unsigned)fail_on > UCP_FAIL_ON_NEVER)
        return 3;
    return r->errors ? 3 : r->worst[fail_on];
}

/* ---- one report, a list, one error --------------------------------------------------------------- */

/* A whole batch in one buffer: every chunk concatenated. */
static ucp_status render_batch(const ucp_report *const *reports, size_t count, const char *error_name,
                               ucp_status error_code, const char *error_message, ucp_output_format format,
                               unsigned flags, ucp_buffer *out, const char *what)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: out is NULL", what);
    reset(out);
    if (!reports && count)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: reports is NULL", what);
    for (size_t i = 0; i < count; i++)
        if (!reports[i])
            return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: report %zu is NULL", what, i);
    ucp_renderer *r = NULL;
    ucp_status st = ucp_renderer_new(&r, format, flags);
    if (st != UCP_OK)
        return st == UCP_E_INVALID_ARGUMENT
                   ? ucp_fail(st, NULL, "%s: unknown output format %d", what, (int)format)
                   : st;
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_buffer chunk = {NULL, 0};
    for (size_t i = 0; st == UCP_OK && i <= count; i++) {
        if (i < count)
            st = ucp_renderer_add_report(r, reports[i], &chunk);
        else if (error_name)
            st = ucp_renderer_add_error(r, error_name, error_code, error_message, &chunk);
        else
            continue;
        ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
        ucp_buffer_dispose(&chunk);
    }
    if (st == UCP_OK && (st = ucp_renderer_finish(r, &chunk)) == UCP_OK) {
        ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
        ucp_buffer_dispose(&chunk);
    }
    ucp_renderer_free(r);
    if (st != UCP_OK) {
        ucp_sb_dispose(&sb);
        return st;
    }
    return deliver(&sb, out);
}

UCP_EXPORT ucp_status ucp_report_list_render(const ucp_report *const *reports, size_t count,
                                             ucp_output_format format, unsigned flags, ucp_buffer *out)
{
    return render_batch(reports, count, NULL, UCP_OK, NULL, format, flags, out, "ucp_report_list_render");
}

UCP_EXPORT ucp_status ucp_report_render(const ucp_report *report, ucp_output_format format, unsigned flags,
                                        ucp_buffer *out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_report_render: out is NULL");
    reset(out);
    if (!report)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_report_render: report is NULL");
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    switch (format) {
    case UCP_OUTPUT_TEXT:
        ucp_text_report(&sb, report, flags);
        return deliver(&sb, out);
    case UCP_OUTPUT_JSON: {
        /* Straight into the caller's buffer, as ucp_report_to_json() always did. */
        ucp_status st = ucp_report_render_json(&sb, report, flags, 0);
        if (st != UCP_OK) {
            ucp_sb_dispose(&sb);
            return st;
        }
        return deliver(&sb, out);
    }
    default:
        return render_batch(&report, 1, NULL, UCP_OK, NULL, format, flags, out, "ucp_report_render");
    }
}

UCP_EXPORT ucp_status ucp_input_error_render(const char *input_name, ucp_status code, const char *message,
                                             ucp_output_format format, unsigned flags, ucp_buffer *out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_input_error_render: out is NULL");
    reset(out);
    if (!input_name)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_input_error_render: input_name is NULL");
    if (format == UCP_OUTPUT_JSON) {
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        if (!ucp_json_input_error(&sb, input_name, code, message ? message : "", flags & UCP_RENDER_PRETTY, 0)) {
            ucp_sb_dispose(&sb);
            return ucp_fail_nomem();
        }
        return deliver(&sb, out);
    }
    return render_batch(NULL, 0, input_name, code, message ? message : "", format, flags, out,
                        "ucp_input_error_render");
}

/* ---- the 1.0 renderers of report.h ------------------------------------------------------------ */

UCP_EXPORT ucp_status ucp_report_to_json(const ucp_report *report, unsigned flags, ucp_buffer *out)
{
    if (!report || !out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_report_to_json: invalid argument");
    return ucp_report_render(report, UCP_OUTPUT_JSON, flags & UCP_RENDER_PRETTY, out);
}

UCP_EXPORT ucp_status ucp_report_to_text(const ucp_report *report, unsigned flags, ucp_buffer *out)
{
    if (!report || !out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_report_to_text: invalid argument");
    return ucp_report_render(report, UCP_OUTPUT_TEXT, flags & (UCP_RENDER_COLOR | UCP_RENDER_VERBOSE), out);
}

UCP_EXPORT ucp_status ucp_report_list_to_json(const ucp_report *const *reports, size_t count, unsigned flags,
                                              ucp_buffer *out)
{
    if (!out || (!reports && count))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_report_list_to_json: invalid argument");
    return render_batch(reports, count, NULL, UCP_OK, NULL, UCP_OUTPUT_JSON, flags & UCP_RENDER_PRETTY, out,
                        "ucp_report_list_to_json");
}

/* ---- the catalogue ------------------------------------------------------------------------------ */

UCP_EXPORT ucp_status ucp_catalogue_render_roles(ucp_output_format format, unsigned flags, ucp_buffer *out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_catalogue_render_roles: out is NULL");
    reset(out);
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_status st = ucp_catalogue_roles(&sb, format);
    if (st != UCP_OK) {
        ucp_sb_dispose(&sb);
        return st;
    }
    return deliver(&sb, out);
}

UCP_EXPORT ucp_status ucp_catalogue_render_rules(const char *role, ucp_product product, ucp_output_format format,
                                                 unsigned flags, ucp_buffer *out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_catalogue_render_rules: out is NULL");
    reset(out);
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_status st = ucp_catalogue_rules(&sb, role, product, format);
    if (st != UCP_OK) {
        ucp_sb_dispose(&sb);
        return st;
    }
    return deliver(&sb, out);
}
