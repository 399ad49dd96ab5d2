// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Writes the reports of Test-UcCertificate to a JSON, CSV or HTML file.</para>
    /// <para type="description">Collects the reports piped in and writes them as one file: JSON
    /// (an array of reports in the library's schema, as ucpolicy check --format json writes),
    /// CSV (one row per finding, for spreadsheets; UTF-8 with a byte order mark so that Excel
    /// reads names outside ASCII) or HTML (a self-contained page to mail or archive). Without
    /// -Format the file extension decides (.json, .csv, .html, .htm).</para>
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

        /// <summary><para type="description">Json, Csv or Html; default: from the file extension.</para></summary>
        [Parameter]
        public ReportFormat? Format { get; set; }

        /// <summary><para type="description">Do not overwrite an existing file.</para></summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary><para type="description">Write the file's FileInfo to the pipeline.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        readonly List<Report> reports = new List<Report>();
        string file = "";
        ReportFormat format;

        /// <summary>Resolves the path and the format before any input arrives.</summary>
        protected override void BeginProcessing()
        {
            file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("'" + Path + "' is not a file system path."),
                                                      "UcPolicy.NotFileSystemPath", ErrorCategory.InvalidArgument, Path));
            format = Format ?? FormatFromExtension(file);
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
            string text = ReportFormatter.Format(reports, format);
            // CSV with a byte order mark: Excel reads UTF-8 only with one. JSON and HTML without.
            var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: format == ReportFormat.Csv);
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

        ReportFormat FormatFromExtension(string path)
        {
            switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
            {
                case ".json": return ReportFormat.Json;
                case ".csv": return ReportFormat.Csv;
                case ".html":
                case ".htm": return ReportFormat.Html;
            }
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Cannot tell the format from '" + path + "': give -Format Json, Csv or Html."),
                "UcPolicy.UnknownReportFormat", ErrorCategory.InvalidArgument, path));
            return ReportFormat.Json;
        }
    }

    /// <summary>
    /// <para type="synopsis">Renders the reports of Test-UcCertificate as JSON, CSV or HTML text.</para>
    /// <para type="description">As Export-UcPolicyReport, but writes the text to the pipeline
    /// (one string) instead of a file.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Test-UcCertificate .\um.cer -Role UM -Fqdn exch01.contoso.com | ConvertTo-UcPolicyReport -Format Json
    /// </code>
    /// <para>The report as JSON in the library's schema (the same document ucpolicy check --format json prints).</para>
    /// </example>
    [Cmdlet(VerbsData.ConvertTo, "UcPolicyReport")]
    [OutputType(typeof(string))]
    public sealed class ConvertToUcPolicyReportCommand : PSCmdlet
    {
        /// <summary><para type="description">The reports (from Test-UcCertificate).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public Report[] InputObject { get; set; } = Array.Empty<Report>();

        /// <summary><para type="description">Json, Csv or Html.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        public ReportFormat Format { get; set; }

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
        protected override void EndProcessing() => WriteObject(ReportFormatter.Format(reports, Format));
    }
}
