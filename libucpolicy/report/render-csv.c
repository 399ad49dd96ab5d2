/* SPDX-License-Identifier: MIT */
/*
 * CSV for spreadsheets: RFC 4180, a header row, every field quoted, lines ending in CRLF; one row
 * per finding, one for a report without findings, one for an input that could not be read. The
 * columns and values are those of the .NET binding's ReportFormatter.ToCsv since 1.0 (its enum
 * names: "Fail", "SfB2019", "KeyUsage"...). Text that a spreadsheet would run as a formula
 * (starting with =, +, -, @, a tab or a carriage return: OWASP's list) gets a leading
 * apostrophe: names and subjects come from certificates, which anyone can write. Bytes that are
 * not UTF-8 become the text \xHH, so the file stays UTF-8.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

static const char *const columns[] = {
    "InputName", "Role", "Product", "Result", "Thumbprint", "Subject", "Issuer", "NotAfter", "DaysRemaining",
    "ChainStatus", "Severity", "Code", "Field", "Message", "Expected", "Actual", "Remediation",
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

static const char *const product_names[] = {"Lync2010", "Lync2013", "SfB2015", "SfB2019"};
static const char *const result_names[] = {"Pass", "Warning", "Fail"};
static const char *const chain_names[] = {"Valid", "Incomplete", "Untrusted", "Invalid"};
static const char *const severity_names[] = {"Info", "Warning", "Error"};
static const char *const field_names[] = {"Subject", "San", "Eku", "KeyUsage", "Key", "Signature",
                                          "Validity", "Revocation", "Chain", "BasicConstraints", "PrivateKey",
                                          "Input"};

#define NAME(table, v) ((unsigned)(v) < sizeof table / sizeof table[0] ? table[v] : "")

/* One quoted field; @guard: text from outside, which gets the formula guard. */
static void field(struct ucp_strbuf *sb, const char *value, bool guard, bool first)
{
    if (!first)
        ucp_sb_appendc(sb, ',');
    ucp_sb_appendc(sb, '"');
    if (guard && value[0] && strchr("=+-@\t\r", value[0]))
        ucp_sb_appendc(sb, '\'');
    const uint8_t *p = (const uint8_t *)value;
    size_t left = strlen(value);
    while (left) {
        size_t n = *p < 0x80 ? 1 : ucp_utf8_seq(p, left);
        if (*p == '"')
            ucp_sb_append(sb, "\"\"");
        else if (n)
            ucp_sb_appendn(sb, (const char *)p, n);
        else
            ucp_sb_printf(sb, "\\x%02X", *p);
        n = n ? n : 1;
        p += n;
        left -= n;
    }
    ucp_sb_appendc(sb, '"');
}

static void header(const struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    if (r->entries)
        return;
    for (size_t i = 0; i < NCOLUMNS; i++)
        field(sb, columns[i], false, i == 0);
    ucp_sb_append(sb, "\r\n");
}

static ucp_status csv_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *sb)
{
    header(r, sb);
    const ucp_certificate *c = ucp_report_certificate(report);
    char not_after[32] = "", days[32];
    if (c)
        ucp_format_time(ucp_certificate_not_after(c), not_after, sizeof not_after);
    snprintf(days, sizeof days, "%lld", (long long)ucp_report_days_remaining(report));
    size_t n = ucp_report_finding_count(report);
    for (size_t i = 0; i < (n ? n : 1); i++) {
        field(sb, ucp_report_input_name(report), true, true);
        field(sb, ucp_report_role(report), false, false);
        field(sb, NAME(product_names, ucp_report_product(report)), false, false);
        field(sb, NAME(result_names, ucp_report_result(report)), false, false);
        field(sb, c ? ucp_certificate_sha1(c) : "", false, false);
        field(sb, c ? ucp_certificate_subject(c) : "", true, false);
        field(sb, c ? ucp_certificate_issuer(c) : "", true, false);
        field(sb, not_after, false, false);
        field(sb, days, false, false);
        field(sb, NAME(chain_names, ucp_report_chain_status(report)), false, false);
        const ucp_finding *f = n ? ucp_report_finding_at(report, i) : NULL;
        field(sb, f ? NAME(severity_names, ucp_finding_severity(f)) : "", false, false);
        field(sb, f ? ucp_finding_code(f) : "", false, false);
        field(sb, f ? NAME(field_names, ucp_finding_field(f)) : "", false, false);
        field(sb, f ? ucp_finding_message(f) : "", true, false);
        field(sb, f ? ucp_finding_expected(f) : "", true, false);
        field(sb, f ? ucp_finding_actual(f) : "", true, false);
        field(sb, f ? ucp_finding_remediation(f) : "", true, false);
        ucp_sb_append(sb, "\r\n");
    }
    return UCP_OK;
}

/* An input that could not be read: Result and Severity "Error", Code the status name, Field
 * "Input", Message the error's message. */
static ucp_status csv_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                struct ucp_strbuf *sb)
{
    header(r, sb);
    field(sb, name, true, true);
    for (size_t i = 1; i < NCOLUMNS; i++) {
        const char *v = i == 3 || i == 10 ? "Error" : i == 11 ? ucp_strerror_name(code) : i == 12 ? "Input"
                        : i == 13         ? message
                                          : "";
        field(sb, v, i == 13, false);
    }
    ucp_sb_append(sb, "\r\n");
    return UCP_OK;
}

static ucp_status csv_finish(struct ucp_renderer *r, struct ucp_strbuf *sb)
{
    header(r, sb);
    return UCP_OK;
}

const struct ucp_format_ops ucp_csv_ops = {csv_add_report, csv_add_error, csv_finish, NULL};
