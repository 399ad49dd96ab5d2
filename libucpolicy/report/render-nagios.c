/* SPDX-License-Identifier: MIT */
/*
 * The output of a Nagios plugin (Nagios Plugin Development Guidelines): one status line,
 *
 *   UCPOLICY STATE - SUMMARY | 'pass'=N 'warning'=N 'fail'=N 'unreadable'=N 'days_left'=N;W:;0:
 *
 * then, for a batch, one line per input that fails (the first finding of each) or could not be
 * read: the plugin's long output. STATE follows the exit status under the renderer's fail-on
 * level (default warning): OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3 (an input could not be
 * read). One certificate gives one line, whose summary is its first finding. days_left is the
 * least over the batch, a plain number (days are not among the guidelines' units of measure),
 * with the thresholds in the guidelines' range syntax: warning below the expiry warning of the
 * checker ("30:"), critical once expired ("0:").
 *
 * The status line comes first and depends on every input, so the output is written at the end;
 * the renderer keeps one line per failing input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

struct nagios_state {
    struct ucp_strbuf lines; /* the long output */
    char *single;            /* the summary of the first entry, for a batch of one */
    bool has_days;
    int64_t days;
    unsigned warn_days;
};

static void nagios_free(struct ucp_renderer *r)
{
    struct nagios_state *s = r->state;
    if (!s)
        return;
    ucp_sb_dispose(&s->lines);
    free(s->single);
    free(s);
    r->state = NULL;
}

static struct nagios_state *state(struct ucp_renderer *r)
{
    if (!r->state) {
        struct nagios_state *s = calloc(1, sizeof *s);
        if (s)
            ucp_sb_init(&s->lines);
        r->state = s;
    }
    return r->state;
}

/* Text on one line, without the perfdata separator '|' (as \x7C, as other escapes). */
static void plain(struct ucp_strbuf *sb, const char *text)
{
    char *clean = ucp_render_clean(text);
    for (const char *p = clean ? clean : ""; *p; p++) {
        if (*p == '|')
            ucp_sb_append(sb, "\\x7C");
        else
            ucp_sb_appendc(sb, *p);
    }
    free(clean);
}

/* "NAME: FAIL (ROLE): CODE: MESSAGE", or "NAME: PASS (ROLE), N days left". */
static void entry_line(struct ucp_strbuf *sb, const ucp_report *report)
{
    char result[16];
    snprintf(result, sizeof result, "%s", ucp_result_name(report->result));
    for (char *p = result; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    plain(sb, report->input_name);
    ucp_sb_printf(sb, ": %s (%s)", result, report->role->id);
    const struct ucp_finding *first = ucp_render_first_finding(report);
    if (report->connection && report->connection->verdict == UCP_CLIENT_AUTH_REJECTED) {
        ucp_sb_append(sb, ": the server rejected the client certificate");
    } else if (first) {
        ucp_sb_printf(sb, ": %s: ", first->rule->code);
        plain(sb, first->message);
    } else {
        int64_t days;
        if (ucp_render_days_left(report, &days))
            ucp_sb_printf(sb, ", %lld days left", (long long)days);
    }
}

static ucp_status nagios_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *out)
{
    struct nagios_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    int64_t days;
    if (ucp_render_days_left(report, &days) && (!s->has_days || days < s->days)) {
        s->has_days = true;
        s->days = days;
        s->warn_days = report->expiry_days;
    }
    struct ucp_strbuf line;
    ucp_sb_init(&line);
    entry_line(&line, report);
    ucp_sb_appendn(&line, "", 0);
    if (line.failed)
        return ucp_fail_nomem();
    if (ucp_report_exit_code(report, r->fail_on)) {
        ucp_sb_appendn(&s->lines, line.data, line.len);
        ucp_sb_appendc(&s->lines, '\n');
    }
    if (r->entries == 0)
        s->single = ucp_sb_finish(&line);
    else
        ucp_sb_dispose(&line);
    return s->lines.failed ? ucp_fail_nomem() : UCP_OK;
}

static ucp_status nagios_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                   struct ucp_strbuf *out)
{
    struct nagios_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    struct ucp_strbuf line;
    ucp_sb_init(&line);
    plain(&line, name);
    ucp_sb_printf(&line, ": could not be read (%s): ", ucp_strerror_name(code));
    plain(&line, message);
    ucp_sb_appendn(&line, "", 0);
    if (line.failed)
        return ucp_fail_nomem();
    ucp_sb_appendn(&s->lines, line.data, line.len);
    ucp_sb_appendc(&s->lines, '\n');
    if (r->entries == 0)
        s->single = ucp_sb_finish(&line);
    else
        ucp_sb_dispose(&line);
    return s->lines.failed ? ucp_fail_nomem() : UCP_OK;
}

static ucp_status nagios_finish(struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    struct nagios_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    static const char *const states[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    int code = r->errors ? 3 : r->worst[r->fail_on];
    ucp_sb_printf(sb, "UCPOLICY %s - ", states[code]);
    bool one = r->entries == 1 && s->single;
    if (one)
        ucp_sb_append(sb, s->single);
    else if (r->entries == 0)
        ucp_sb_append(sb, "nothing checked");
    else
        ucp_sb_printf(sb, "checked %zu: %zu pass, %zu warning, %zu fail", r->entries, r->counts[UCP_RESULT_PASS],
                      r->counts[UCP_RESULT_WARNING], r->counts[UCP_RESULT_FAIL]);
    if (!one && r->errors)
        ucp_sb_printf(sb, ", %zu could not be read", r->errors);
    ucp_sb_printf(sb, " | 'pass'=%zu 'warning'=%zu 'fail'=%zu 'unreadable'=%zu", r->counts[UCP_RESULT_PASS],
                  r->counts[UCP_RESULT_WARNING], r->counts[UCP_RESULT_FAIL], r->errors);
    if (s->has_days) {
        ucp_sb_printf(sb, " 'days_left'=%lld;", (long long)s->days);
        if (s->warn_days)
            ucp_sb_printf(sb, "%u:", s->warn_days);
        ucp_sb_append(sb, ";0:");
    }
    ucp_sb_appendc(sb, '\n');
    if (!one)
        ucp_sb_appendn(sb, s->lines.data ? s->lines.data : "", s->lines.len);
    return UCP_OK;
}

const struct ucp_format_ops ucp_nagios_ops = {nagios_add_report, nagios_add_error, nagios_finish, nagios_free};
