// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace UcPolicy
{
    /// <summary>A file format for several reports.</summary>
    public enum ReportFormat
    {
        /// <summary>A JSON array of reports in the library's schema (as `ucpolicy check --format json` with several files).</summary>
        Json,
        /// <summary>Comma-separated values, one row per finding (a report without findings gives one row).</summary>
        Csv,
        /// <summary>A self-contained HTML page: a summary table and the findings of each report.</summary>
        Html,
    }

    /// <summary>Renders several reports as one document (Export-UcPolicyReport uses it).</summary>
    public static class ReportFormatter
    {
        /// <summary>The CSV columns, in order.</summary>
        public static IReadOnlyList<string> CsvColumns { get; } = Array.AsReadOnly(new[]
        {
            "InputName", "Role", "Product", "Result", "Thumbprint", "Subject", "Issuer", "NotAfter",
            "DaysRemaining", "ChainStatus", "Severity", "Code", "Field", "Message", "Expected", "Actual",
            "Remediation",
        });

        /// <summary>Renders <paramref name="reports"/> in <paramref name="format"/>.</summary>
        public static string Format(IEnumerable<Report> reports, ReportFormat format) => format switch
        {
            ReportFormat.Json => ToJson(reports),
            ReportFormat.Csv => ToCsv(reports),
            ReportFormat.Html => ToHtml(reports),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

        /// <summary>A JSON array of the reports, each in the library's own JSON schema.</summary>
        public static string ToJson(IEnumerable<Report> reports)
        {
            List<Report> list = Materialise(reports);
            if (list.Count == 0)
                return "[]\n";
            var json = new StringBuilder("[\n");
            for (int i = 0; i < list.Count; i++)
            {
                string[] lines = list[i].ToJson(indented: true).TrimEnd('\n', '\r').Split('\n');
                for (int j = 0; j < lines.Length; j++)
                {
                    json.Append("  ").Append(lines[j].TrimEnd('\r'));
                    if (j < lines.Length - 1)
                        json.Append('\n');
                }
                json.Append(i < list.Count - 1 ? ",\n" : "\n");
            }
            return json.Append("]\n").ToString();
        }

        /// <summary>
        /// RFC 4180 CSV with a header row, every field quoted, lines ending in CRLF. Text that a
        /// spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with an
        /// apostrophe: subjects and names come from certificates, which anyone can write.
        /// </summary>
        public static string ToCsv(IEnumerable<Report> reports)
        {
            var csv = new StringBuilder();
            AppendRow(csv, CsvColumns);
            foreach (Report report in Materialise(reports))
            {
                var common = new[]
                {
                    Text(report.InputName), report.Role, report.Product.ToString(), report.Result.ToString(),
                    report.Thumbprint, Text(report.Subject), Text(report.Certificate.Issuer),
                    report.NotAfter.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    report.DaysRemaining.ToString(CultureInfo.InvariantCulture), report.ChainStatus.ToString(),
                };
                if (report.Findings.Count == 0)
                {
                    AppendRow(csv, common.Concat(new[] { "", "", "", "", "", "", "" }));
                    continue;
                }
                foreach (Finding f in report.Findings)
                {
                    AppendRow(csv, common.Concat(new[]
                    {
                        f.Severity.ToString(), f.Code, f.Field.ToString(), Text(f.Message), Text(f.Expected),
                        Text(f.Actual), Text(f.Remediation),
                    }));
                }
            }
            return csv.ToString();
        }

        /// <summary>A self-contained HTML page (UTF-8, no scripts, no external resources).</summary>
        /// <param name="reports">The reports.</param>
        /// <param name="title">The page title.</param>
        /// <param name="generated">The time to print as the generation time (default: now).</param>
        public static string ToHtml(IEnumerable<Report> reports, string title = "UC certificate policy report", DateTimeOffset? generated = null)
        {
            List<Report> list = Materialise(reports);
            DateTimeOffset when = generated ?? DateTimeOffset.UtcNow;
            var html = new StringBuilder();
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .Append(E(title)).Append("</title>\n<style>\n")
                .Append("body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:1.5em;color:#222}\n")
                .Append("table{border-collapse:collapse;margin:0.5em 0 1.5em}\n")
                .Append("th,td{border:1px solid #bbb;padding:0.25em 0.5em;text-align:left;vertical-align:top}\n")
                .Append("th{background:#eee}\n.fail,.error{color:#a00;font-weight:bold}\n")
                .Append(".warning{color:#a60;font-weight:bold}\n.pass{color:#070;font-weight:bold}\n.info{color:#555}\n")
                .Append("code{font-family:Consolas,monospace}\n")
                .Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n<p>")
                .Append(list.Count.ToString(CultureInfo.InvariantCulture)).Append(" report(s): ")
                .Append(list.Count(r => r.Result == Result.Fail).ToString(CultureInfo.InvariantCulture)).Append(" fail, ")
                .Append(list.Count(r => r.Result == Result.Warning).ToString(CultureInfo.InvariantCulture)).Append(" warning, ")
                .Append(list.Count(r => r.Result == Result.Pass).ToString(CultureInfo.InvariantCulture)).Append(" pass. Generated ")
                .Append(E(when.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
                .Append(".</p>\n");

            html.Append("<table class=\"summary\">\n<thead><tr><th>Result</th><th>Role</th><th>Thumbprint</th>")
                .Append("<th>Days remaining</th><th>Subject</th><th>Input</th></tr></thead>\n<tbody>\n");
            for (int i = 0; i < list.Count; i++)
            {
                Report r = list[i];
                html.Append("<tr><td class=\"").Append(Css(r.Result)).Append("\"><a href=\"#report-")
                    .Append(i.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(E(r.Result.ToString()))
                    .Append("</a></td><td>").Append(E(r.Role)).Append("</td><td><code>").Append(E(r.Thumbprint))
                    .Append("</code></td><td>").Append(r.DaysRemaining.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(E(r.Subject)).Append("</td><td>").Append(E(r.InputName)).Append("</td></tr>\n");
            }
            html.Append("</tbody>\n</table>\n");

            for (int i = 0; i < list.Count; i++)
            {
                Report r = list[i];
                html.Append("<section id=\"report-").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\">\n<h2><span class=\"")
                    .Append(Css(r.Result)).Append("\">").Append(E(r.Result.ToString())).Append("</span> ")
                    .Append(E(r.Role)).Append(": ").Append(E(r.Subject)).Append("</h2>\n<table class=\"facts\">\n");
                Row(html, "Input", r.InputName + " (" + r.InputFormat.ToString().ToUpperInvariant() + ")");
                Row(html, "Product", r.Product.ToString());
                Row(html, "Issuer", r.Certificate.Issuer);
                Row(html, "Thumbprint", r.Thumbprint);
                Row(html, "Subject alternative names", string.Join(", ", r.Certificate.SubjectAlternativeNames.Select(s => s.Value)));
                Row(html, "Valid", r.Certificate.NotBefore.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " to " +
                                   r.NotAfter.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " (" +
                                   r.DaysRemaining.ToString(CultureInfo.InvariantCulture) + " days remaining)");
                Row(html, "Chain", r.ChainStatus.ToString() + (r.ChainTrusted ? ", trusted" : ", not trusted"));
                Row(html, "Validated at", r.ValidationTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
                html.Append("</table>\n");
                if (r.Findings.Count == 0)
                {
                    html.Append("<p>No findings.</p>\n</section>\n");
                    continue;
                }
                html.Append("<table class=\"findings\">\n<thead><tr><th>Severity</th><th>Code</th><th>Message</th>")
                    .Append("<th>Expected</th><th>Actual</th><th>Remediation</th></tr></thead>\n<tbody>\n");
                foreach (Finding f in r.Findings)
                {
                    html.Append("<tr><td class=\"").Append(f.Severity.ToString().ToLowerInvariant()).Append("\">")
                        .Append(E(f.Severity.ToString())).Append("</td><td><code>").Append(E(f.Code)).Append("</code></td><td>")
                        .Append(E(f.Message)).Append("</td><td>").Append(E(f.Expected)).Append("</td><td>")
                        .Append(E(f.Actual)).Append("</td><td>").Append(E(f.Remediation)).Append("</td></tr>\n");
                }
                html.Append("</tbody>\n</table>\n</section>\n");
            }
            html.Append("<p>libucpolicy ").Append(E(Library.Version)).Append(", report schema ")
                .Append(E(Library.ReportSchemaVersion)).Append(".</p>\n</body>\n</html>\n");
            return html.ToString();
        }

        static List<Report> Materialise(IEnumerable<Report> reports)
        {
            if (reports == null)
                throw new ArgumentNullException(nameof(reports));
            return reports.Where(r => r != null).ToList();
        }

        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

        static string Css(Result result) => result.ToString().ToLowerInvariant();

        static void Row(StringBuilder html, string name, string value) =>
            html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

        static string Text(string value) =>
            value.Length > 0 && "=+-@\t\r".IndexOf(value[0]) >= 0 ? "'" + value : value;

        static void AppendRow(StringBuilder csv, IEnumerable<string> fields)
        {
            bool first = true;
            foreach (string field in fields)
            {
                if (!first)
                    csv.Append(',');
                first = false;
                csv.Append('"').Append((field ?? "").Replace("\"", "\"\"")).Append('"');
            }
            csv.Append("\r\n");
        }
    }
}
