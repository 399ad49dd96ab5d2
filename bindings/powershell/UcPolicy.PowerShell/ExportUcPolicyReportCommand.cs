// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Writes the reports of Test-UcCertificate to a file: JSON, SARIF, CSV, HTML, JUnit, Nagios or text.</para>
    /// <para type="description">Collects the reports piped in and writes them as one file, byte for
    /// byte what ucpolicy check --format FORMAT writes for the same certificates (the library
    /// renders every format): Json (an array of reports in the library's schema), Sarif (a SARIF
    /// 2.1.0 log for code-scanning dashboards, one result per finding), Csv (one row per finding,
    /// for spreadsheets; UTF-8 with a byte order mark so that Excel reads names outside ASCII),
    /// Html (a self-contained page to mail or archive), JUnit (XML for CI dashboards, one test
    /// case per report), Nagios (a monitoring plugin's status line with performance data) or Text
    /// (the reports for people). JUnit, Nagios and Sarif judge the reports with -FailOn. Without
    /// -Format the file extension decides (.json, .sarif, .csv, .html, .htm).</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Get-ChildItem .\export\*.cer | Test-UcCertificate -Role UM -Fqdn exch01.contoso.com | Export-UcPolicyReport -Path .\uc-certificates.html
    /// </code>
    /// <para>Writes an HTML page with a summary table and the findings of every certificate.</para>
    /// </example>
    /// <example>
    /// <code>
    /// $reports | Export-UcPolicyReport -Path .\findings.csv
    /// Import-Csv .\findings.csv | Group-Object Code
    /// </code>
    /// <para>Writes one row per finding for a spreadsheet, then counts the findings by rule.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Test-UcCertificate -Path .\certs\*.pem -Role UM -Fqdn exch01.contoso.com | Export-UcPolicyReport -Path .\uc-certificates.xml -Format JUnit -FailOn Error
    /// </code>
    /// <para>Writes a JUnit file for a CI dashboard: one test case per certificate, failed when it has an error finding.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "UcPolicyReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportUcPolicyReportCommand : PSCmdlet
    {
        /// <summary><para type="description">The reports (from Test-UcCertificate).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public Report[] InputObject { get; set; } = Array.Empty<Report>();

        /// <summary><para type="description">The file to write.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary><para type="description">Text, Json, Sarif, Csv, Html, JUnit or Nagios; default: from the file extension (.json, .sarif, .csv, .html, .htm).</para></summary>
        [Parameter]
        [ValidateSet(Formats.Text, Formats.Json, Formats.Sarif, Formats.Csv, Formats.Html, Formats.JUnit, Formats.Nagios)]
        public string? Format { get; set; }

        /// <summary><para type="description">For JUnit, Nagios and Sarif: the lowest severity that fails a report, as ucpolicy --fail-on: Warning (the default), Error, Info or Never.</para></summary>
        [Parameter]
        [ValidateSet(Formats.Error, Formats.Warning, Formats.Info, Formats.Never)]
        public string FailOn { get; set; } = Formats.Warning;

        /// <summary><para type="description">Do not overwrite an existing file.</para></summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary><para type="description">Write the file's FileInfo to the pipeline.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        readonly List<Report> reports = new List<Report>();
        string file = "";
        OutputFormat format;

        /// <summary>Resolves the path and the format before any input arrives.</summary>
        protected override void BeginProcessing()
        {
            file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("'" + Path + "' is not a file system path."),
                                                      "UcPolicy.NotFileSystemPath", ErrorCategory.InvalidArgument, Path));
            format = Format != null ? Formats.Parse(Format) : FormatFromExtension(file);
        }

        /// <summary>Collects the reports.</summary>
        protected override void ProcessRecord()
        {
            foreach (Report report in InputObject)
            {
                if (report != null)
                    reports.Add(report);
            }
        }

        /// <summary>Writes the file.</summary>
        protected override void EndProcessing()
        {
            if (NoClobber && File.Exists(file))
            {
                ThrowTerminatingError(new ErrorRecord(new IOException("The file '" + file + "' already exists (-NoClobber)."),
                                                      "UcPolicy.FileExists", ErrorCategory.ResourceExists, file));
            }
            if (!ShouldProcess(file, "Write " + reports.Count + " UcPolicy report(s) as " + format))
                return;
            string text = ReportFormatter.Format(reports, format, Formats.Options, Formats.ParseFailOn(FailOn));
            // CSV with a byte order mark: Excel reads UTF-8 only with one. The others without.
            var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: format == OutputFormat.Csv);
            try
            {
                File.WriteAllText(file, text, encoding);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "UcPolicy.WriteFailed", ErrorCategory.WriteError, file));
            }
            if (PassThru)
                WriteObject(new FileInfo(file));
        }

        OutputFormat FormatFromExtension(string path)
        {
            switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
            {
                case ".json": return OutputFormat.Json;
                case ".sarif": return OutputFormat.Sarif;
                case ".csv": return OutputFormat.Csv;
                case ".html":
                case ".htm": return OutputFormat.Html;
            }
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Cannot tell the format from '" + path + "': give -Format " + Formats.List + "."),
                "UcPolicy.UnknownReportFormat", ErrorCategory.InvalidArgument, path));
            return OutputFormat.Json;
        }
    }

    /// <summary>
    /// <para type="synopsis">Renders the reports of Test-UcCertificate as text: JSON, SARIF, CSV, HTML, JUnit, Nagios or text for people.</para>
    /// <para type="description">As Export-UcPolicyReport, but writes the text to the pipeline
    /// (one string, ending with a newline) instead of a file: the document ucpolicy check
    /// --format FORMAT prints for the same certificates.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Test-UcCertificate .\um.cer -Role UM -Fqdn exch01.contoso.com | ConvertTo-UcPolicyReport -Format Json
    /// </code>
    /// <para>The report as JSON in the library's schema (a one-element array, as ucpolicy check --format json prints for several files).</para>
    /// </example>
    /// <example>
    /// <code>
    /// $status = Get-ChildItem .\export\*.cer | Test-UcCertificate -Role UM -Fqdn exch01.contoso.com | ConvertTo-UcPolicyReport Nagios
    /// </code>
    /// <para>A Nagios plugin's output for a monitoring agent: the status line with performance data, then one line per certificate that does not pass.</para>
    /// </example>
    [Cmdlet(VerbsData.ConvertTo, "UcPolicyReport")]
    [OutputType(typeof(string))]
    public sealed class ConvertToUcPolicyReportCommand : PSCmdlet
    {
        /// <summary><para type="description">The reports (from Test-UcCertificate).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public Report[] InputObject { get; set; } = Array.Empty<Report>();

        /// <summary><para type="description">Text, Json, Sarif, Csv, Html, JUnit or Nagios.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateSet(Formats.Text, Formats.Json, Formats.Sarif, Formats.Csv, Formats.Html, Formats.JUnit, Formats.Nagios)]
        public string Format { get; set; } = Formats.Json;

        /// <summary><para type="description">For JUnit, Nagios and Sarif: the lowest severity that fails a report, as ucpolicy --fail-on: Warning (the default), Error, Info or Never.</para></summary>
        [Parameter]
        [ValidateSet(Formats.Error, Formats.Warning, Formats.Info, Formats.Never)]
        public string FailOn { get; set; } = Formats.Warning;

        readonly List<Report> reports = new List<Report>();

        /// <summary>Collects the reports.</summary>
        protected override void ProcessRecord()
        {
            foreach (Report report in InputObject)
            {
                if (report != null)
                    reports.Add(report);
            }
        }

        /// <summary>Writes the text.</summary>
        protected override void EndProcessing() =>
            WriteObject(ReportFormatter.Format(reports, Formats.Parse(Format), Formats.Options, Formats.ParseFailOn(FailOn)));
    }

    /// <summary>The names of -Format and -FailOn, and their values.</summary>
    internal static class Formats
    {
        public const string Text = "Text";
        public const string Json = "Json";
        public const string Sarif = "Sarif";
        public const string Csv = "Csv";
        public const string Html = "Html";
        public const string JUnit = "JUnit";
        public const string Nagios = "Nagios";
        public const string List = "Text, Json, Sarif, Csv, Html, JUnit or Nagios";

        public const string Error = "Error";
        public const string Warning = "Warning";
        public const string Info = "Info";
        public const string Never = "Never";

        /// <summary>The command's: indented JSON and SARIF, array entries laid out as on their own.</summary>
        public const RenderOptions Options = RenderOptions.Pretty | RenderOptions.Flat;

        /// <summary>A -Format value (ValidateSet has checked it, in any case).</summary>
        public static OutputFormat Parse(string name) => (OutputFormat)Enum.Parse(typeof(OutputFormat), name, ignoreCase: true);

        /// <summary>A -FailOn value: a severity, or null for Never.</summary>
        public static Severity? ParseFailOn(string name) =>
            string.Equals(name, Never, StringComparison.OrdinalIgnoreCase) ? (Severity?)null
                                                                           : (Severity)Enum.Parse(typeof(Severity), name, ignoreCase: true);
    }
}
