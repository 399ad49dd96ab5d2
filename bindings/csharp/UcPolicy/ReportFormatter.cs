// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;

namespace UcPolicy
{
    /// <summary>A file format for several reports (the formats of 1.0; <see cref="OutputFormat"/> has them all).</summary>
    public enum ReportFormat : long
    {
        /// <summary>A JSON array of reports in the library's schema (as `ucpolicy check --format json` with several files).</summary>
        Json,
        /// <summary>Comma-separated values, one row per finding (a report without findings gives one row).</summary>
        Csv,
        /// <summary>A self-contained HTML page: a summary table and the findings of each report.</summary>
        Html,
    }

    /// <summary>
    /// Renders several reports as one document, as `ucpolicy check --format FORMAT FILE...` prints
    /// them: every format is the library's (one <see cref="ReportRenderer"/> per document), so the
    /// command, the Python binding, this assembly and the PowerShell module write the same bytes.
    /// Export-UcPolicyReport and ConvertTo-UcPolicyReport use it. Null reports are skipped.
    /// </summary>
    public static class ReportFormatter
    {
        /// <summary>The CSV columns, in order (the header row the library writes).</summary>
        public static IReadOnlyList<string> CsvColumns { get; } = Array.AsReadOnly(new[]
        {
            "InputName", "Role", "Product", "Result", "Thumbprint", "Subject", "Issuer", "NotAfter",
            "DaysRemaining", "ChainStatus", "Severity", "Code", "Field", "Message", "Expected", "Actual",
            "Remediation",
        });

        /// <summary>The title of the HTML page the library writes.</summary>
        const string HtmlTitle = "UC certificate policy report";

        /// <summary>Renders <paramref name="reports"/> in <paramref name="format"/> (Json, Csv or Html),
        /// as <see cref="Format(IEnumerable{Report}, OutputFormat)"/> does.</summary>
        public static string Format(IEnumerable<Report> reports, ReportFormat format) => format switch
        {
            ReportFormat.Json => Format(reports, OutputFormat.Json),
            ReportFormat.Csv => Format(reports, OutputFormat.Csv),
            ReportFormat.Html => Format(reports, OutputFormat.Html),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

        /// <summary>
        /// Renders <paramref name="reports"/> as one document in <paramref name="format"/>, byte for
        /// byte what `ucpolicy check --format FORMAT` prints for the same reports (JSON: an array
        /// whose entries are laid out as <see cref="Report.ToJson(bool)"/>, even for one report;
        /// JUnit, Nagios and SARIF judged with <c>--fail-on warning</c>). The text ends with a newline.
        /// </summary>
        /// <remarks>Since 1.1.</remarks>
        public static string Format(IEnumerable<Report> reports, OutputFormat format) =>
            Format(reports, format, RenderOptions.Pretty | RenderOptions.Flat, Severity.Warning);

        /// <summary>
        /// Renders <paramref name="reports"/> as one document in <paramref name="format"/> through a
        /// <see cref="ReportRenderer"/>. The text ends with a newline (the library's JSON and SARIF
        /// end without one; the command, and this method, add it).
        /// </summary>
        /// <param name="reports">The reports; null entries are skipped.</param>
        /// <param name="format">The format.</param>
        /// <param name="options">How to render; the command's are <see cref="RenderOptions.Pretty"/>
        /// and <see cref="RenderOptions.Flat"/> (and <see cref="RenderOptions.Verbose"/> with -v).</param>
        /// <param name="failOn">For JUnit, Nagios and SARIF: the lowest severity that fails (null: never).</param>
        /// <remarks>Since 1.1.</remarks>
        public static string Format(IEnumerable<Report> reports, OutputFormat format, RenderOptions options, Severity? failOn)
        {
            if (reports == null)
                throw new ArgumentNullException(nameof(reports));
            using (var renderer = new ReportRenderer(format, options, failOn))
            {
                var text = new StringBuilder();
                foreach (Report report in reports)
                {
                    if (report != null)
                        text.Append(renderer.Add(report));
                }
                text.Append(renderer.Finish());
                if (format == OutputFormat.Json || format == OutputFormat.Sarif)
                    text.Append('\n');
                return text.ToString();
            }
        }

        /// <summary>
        /// The exit status `ucpolicy check FILE...` gives these reports: the worst
        /// <see cref="Report.GetExitCode(Severity?)"/> of them (0 for none), computed by the library
        /// (ucp_renderer_exit_code).
        /// </summary>
        /// <param name="reports">The reports; null entries are skipped.</param>
        /// <param name="failOn">The lowest severity that fails (null: never).</param>
        /// <remarks>Since 1.1.</remarks>
        public static int GetExitCode(IEnumerable<Report> reports, Severity? failOn)
        {
            using (ReportRenderer renderer = Tally(reports))
                return renderer.GetExitCode(failOn);
        }

        /// <summary>The exit status `ucpolicy check FILE...` gives these reports with its default,
        /// <c>--fail-on warning</c>. (An overload, not an optional argument: PowerShell cannot omit
        /// an optional Nullable&lt;enum&gt; argument.)</summary>
        /// <remarks>Since 1.1.</remarks>
        public static int GetExitCode(IEnumerable<Report> reports) => GetExitCode(reports, Severity.Warning);

        /// <summary>The summary line `ucpolicy check FILE...` writes for these reports, e.g.
        /// "checked 300: 280 pass, 15 warning, 5 fail" (ucp_renderer_summary).</summary>
        /// <param name="reports">The reports; null entries are skipped.</param>
        /// <remarks>Since 1.1.</remarks>
        public static string GetSummary(IEnumerable<Report> reports)
        {
            using (ReportRenderer renderer = Tally(reports))
                return renderer.Summary;
        }

        /// <summary>A JSON array of the reports, each in the library's own JSON schema, as
        /// `ucpolicy check --format json FILE...` prints it (ending with a newline).</summary>
        public static string ToJson(IEnumerable<Report> reports) => Format(reports, OutputFormat.Json);

        /// <summary>
        /// RFC 4180 CSV with a header row (<see cref="CsvColumns"/>), every field quoted, lines
        /// ending in CRLF, one row per finding (one for a report without findings). Text that a
        /// spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
        /// is prefixed with an apostrophe: subjects and names come from certificates, which anyone
        /// can write.
        /// </summary>
        public static string ToCsv(IEnumerable<Report> reports) => Format(reports, OutputFormat.Csv);

        /// <summary>A self-contained HTML page (UTF-8, no scripts, no external resources), the
        /// library's: the totals, a summary table, then each report.</summary>
        /// <param name="reports">The reports.</param>
        /// <param name="title">The page title (the library's default: "UC certificate policy report").</param>
        /// <param name="generated">Not used since 1.1: the page is the library's, which prints no
        /// generation time, so that the same reports always give the same page.</param>
        public static string ToHtml(IEnumerable<Report> reports, string title = HtmlTitle, DateTimeOffset? generated = null)
        {
            string html = Format(reports, OutputFormat.Html);
            if (title == null || title == HtmlTitle)
                return html;
            // The title appears twice, in the head and as the heading, before any text of a report
            // (whose markup characters the library escapes, so neither element can come from one).
            string encoded = System.Net.WebUtility.HtmlEncode(title);
            html = ReplaceFirst(html, "<title>" + HtmlTitle + "</title>", "<title>" + encoded + "</title>");
            return ReplaceFirst(html, "<h1>" + HtmlTitle + "</h1>", "<h1>" + encoded + "</h1>");
        }

        static string ReplaceFirst(string text, string what, string with)
        {
            int at = text.IndexOf(what, StringComparison.Ordinal);
            return at < 0 ? text : text.Substring(0, at) + with + text.Substring(at + what.Length);
        }

        /// <summary>A finished renderer fed the reports (the cheapest format: CSV), for its counts.</summary>
        static ReportRenderer Tally(IEnumerable<Report> reports)
        {
            if (reports == null)
                throw new ArgumentNullException(nameof(reports));
            var renderer = new ReportRenderer(OutputFormat.Csv, RenderOptions.None, Severity.Warning);
            try
            {
                foreach (Report report in reports)
                {
                    if (report != null)
                        renderer.Add(report);
                }
                renderer.Finish();
                return renderer;
            }
            catch
            {
                renderer.Dispose();
                throw;
            }
        }
    }
}
