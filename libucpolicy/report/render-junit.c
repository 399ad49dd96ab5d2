/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML for CI dashboards (Jenkins, GitLab, Azure DevOps): <testsuites> holding one
 * <testsuite name="ucpolicy"> for the run, one <testcase> per input (name: the input,
 * classname: ucpolicy.ROLE; ucpolicy.unreadable for an input that could not be read).
 *
 * A test case fails as the exit status does, under the renderer's fail-on level
 * (ucp_renderer_set_fail_on(), default warning as the command): <failure type="fail"> when
 * ucp_report_exit_code() is 2 (an error finding, or a client certificate the server rejected),
 * <failure type="warning"> when it is 1 (warnings; information findings with fail-on info), and
 * no failure when it is 0: then its findings (warnings that do not fail the run, information)
 * are in the test case's <system-out>, so they are still shown. An input that could not be read
 * is an <error>. The suite's counts are those of its test cases.
 *
 * The counts come first, so the document is written at the end; the renderer keeps each test
 * case as text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

struct junit_state {
    struct ucp_strbuf cases;
    size_t failures;
};

static void junit_free(struct ucp_renderer *r)
{
    struct junit_state *s = r->state;
    if (!s)
        return;
    ucp_sb_dispose(&s->cases);
    free(s);
    r->state = NULL;
}

static struct junit_state *state(struct ucp_renderer *r)
{
    if (!r->state) {
        struct junit_state *s = calloc(1, sizeof *s);
        if (s)
            ucp_sb_init(&s->cases);
        r->state = s;
    }
    return r->state;
}

/* The findings as lines of text (XML-escaped). */
static void findings_text(struct ucp_strbuf *sb, const ucp_report *report)
{
    if (report->connection && report->connection->verdict == UCP_CLIENT_AUTH_REJECTED) {
        ucp_sb_append(sb, "CLIENT CERTIFICATE REJECTED by ");
        ucp_render_xml(sb, report->input_name, false);
        if (report->connection->detail) {
            ucp_sb_append(sb, ": ");
            ucp_render_xml(sb, report->connection->detail, false);
        }
        ucp_sb_append(sb, "\n");
    }
    for (size_t i = 0; i < report->nfindings; i++) {
        const struct ucp_finding *f = &report->findings[i];
        char sev[16];
        snprintf(sev, sizeof sev, "%s", ucp_severity_name(f->severity));
        for (char *p = sev; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        ucp_sb_printf(sb, "%s %s [%s]: ", sev, f->rule->code, ucp_field_name(f->rule->field));
        ucp_render_xml(sb, f->message, false);
        if (*f->expected) {
            ucp_sb_append(sb, "\n  expected: ");
            ucp_render_xml(sb, f->expected, false);
        }
        if (*f->actual) {
            ucp_sb_append(sb, "\n  actual:   ");
            ucp_render_xml(sb, f->actual, false);
        }
        ucp_sb_append(sb, "\n  fix:      ");
        ucp_render_xml(sb, f->remediation, false);
        ucp_sb_append(sb, "\n  sources:  ");
        for (size_t k = 0; k < f->role_rule->nrefs; k++) {
            ucp_sb_append(sb, k ? ", " : "");
            ucp_render_xml(sb, f->role_rule->refs[k]->key, false);
        }
        ucp_sb_append(sb, "\n");
    }
}

static ucp_status junit_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *out)
{
    struct junit_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    struct ucp_strbuf *sb = &s->cases;
    ucp_sb_append(sb, "    <testcase name=\"");
    ucp_render_xml(sb, report->input_name, true);
    ucp_sb_printf(sb, "\" classname=\"ucpolicy.%s\"", report->role->id);
    int code = ucp_report_exit_code(report, r->fail_on);
    if (!code && !report->nfindings && !report->connection) {
        ucp_sb_append(sb, "/>\n");
        return sb->failed ? ucp_fail_nomem() : UCP_OK;
    }
    ucp_sb_append(sb, ">\n");
    if (code) {
        const struct ucp_finding *first = ucp_render_first_finding(report);
        bool rejected = report->connection && report->connection->verdict == UCP_CLIENT_AUTH_REJECTED;
        ucp_sb_append(sb, "      <failure message=\"");
        if (rejected) {
            ucp_sb_append(sb, "the server rejected the client certificate");
        } else if (first) {
            ucp_render_xml(sb, first->rule->code, true);
            ucp_sb_append(sb, ": ");
            ucp_render_xml(sb, first->message, true);
        } else {
            ucp_sb_append(sb, "the server's answer does not tell whether it accepted the client certificate");
        }
        ucp_sb_printf(sb, "\" type=\"%s\">", code == 2 ? "fail" : "warning");
        findings_text(sb, report);
        ucp_sb_append(sb, "</failure>\n");
        s->failures++;
    } else {
        ucp_sb_append(sb, "      <system-out>");
        char *summary = ucp_asprintf("%s: %s, %s (%s)\n", report->input_name, ucp_result_name(report->result),
                                     report->role->id, ucp_product_name(report->product));
        if (summary)
            ucp_render_xml(sb, summary, false);
        free(summary);
        findings_text(sb, report);
        ucp_sb_append(sb, "</system-out>\n");
    }
    ucp_sb_append(sb, "    </testcase>\n");
    return sb->failed ? ucp_fail_nomem() : UCP_OK;
}

static ucp_status junit_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                  struct ucp_strbuf *out)
{
    struct junit_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    struct ucp_strbuf *sb = &s->cases;
    ucp_sb_append(sb, "    <testcase name=\"");
    ucp_render_xml(sb, name, true);
    ucp_sb_append(sb, "\" classname=\"ucpolicy.unreadable\">\n      <error message=\"");
    ucp_render_xml(sb, message, true);
    ucp_sb_printf(sb, "\" type=\"%s\">", ucp_strerror_name(code));
    ucp_render_xml(sb, message, false);
    ucp_sb_append(sb, "</error>\n    </testcase>\n");
    return sb->failed ? ucp_fail_nomem() : UCP_OK;
}

static ucp_status junit_finish(struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    struct junit_state *s = state(r);
    if (!s)
        return ucp_fail_nomem();
    char counts[128];
    snprintf(counts, sizeof counts, "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\"", r->entries,
             s->failures, r->errors);
    ucp_sb_printf(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ucpolicy\" %s>\n", counts);
    ucp_sb_printf(sb, "  <testsuite name=\"ucpolicy\" %s>\n", counts);
    ucp_sb_printf(sb, "    <properties>\n      <property name=\"libucpolicy\" value=\"%s\"/>\n"
                      "      <property name=\"fail-on\" value=\"%s\"/>\n    </properties>\n",
                  ucp_version(), ucp_fail_on_name(r->fail_on));
    ucp_sb_appendn(sb, s->cases.data ? s->cases.data : "", s->cases.len);
    ucp_sb_append(sb, "  </testsuite>\n</testsuites>\n");
    return UCP_OK;
}

const struct ucp_format_ops ucp_junit_ops = {junit_add_report, junit_add_error, junit_finish, junit_free};
