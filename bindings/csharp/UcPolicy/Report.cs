// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>A certificate of the certification path, with where it came from.</summary>
    public sealed class ChainElement
    {
        internal ChainElement(CertificateInfo certificate, string source, RevocationStatus revocation, string? revocationSource)
        {
            Certificate = certificate;
            Source = source;
            Revocation = revocation;
            RevocationSource = revocationSource;
        }

        /// <summary>The revocation status of this certificate (NotChecked unless CRLs were added or
        /// the checker was online).</summary>
        public RevocationStatus Revocation { get; }

        /// <summary>Where the revocation answer came from: "crl FILE-OR-URL" or "ocsp URL"; null
        /// when no source answered.</summary>
        public string? RevocationSource { get; }

        /// <summary>The certificate.</summary>
        public CertificateInfo Certificate { get; }

        /// <summary>"input" (the checked file), "intermediates" (added with
        /// <see cref="Checker.AddIntermediates(CertificateInput)"/>), "trust" (an added anchor),
        /// "system" (the operating system's trust store) or "system-intermediates" (found for a
        /// store certificate in the system's stores: <see cref="CertificateInput.AddSystemIntermediates"/>).</summary>
        public string Source { get; }

        /// <summary>The subject and source.</summary>
        public override string ToString() => Certificate.Subject + " (" + Source + ")";
    }

    /// <summary>
    /// The result of checking one certificate against one role: a managed copy of the C report,
    /// immutable. It also holds the (immutable) native report, which the library renders
    /// (<see cref="Render(OutputFormat, RenderOptions)"/>, <see cref="ReportFormatter"/>) and judges (<see cref="GetExitCode(Severity?)"/>);
    /// the runtime frees it with the object: nothing needs disposing.
    /// </summary>
    public sealed class Report
    {
        Report() { }

        /// <summary>The overall result: <see cref="Result.Fail"/> when any finding is an error.</summary>
        public Result Result { get; private set; }

        /// <summary>The id of the role checked (aliases resolved), e.g. "exchange-um".</summary>
        public string Role { get; private set; } = "";

        /// <summary>The product release the rules were chosen for.</summary>
        public Product Product { get; private set; }

        /// <summary>The input's name: the file path, or the name given for bytes and certificates.</summary>
        public string InputName { get; private set; } = "";

        /// <summary>The input's format.</summary>
        public CertificateFormat InputFormat { get; private set; }

        /// <summary>The moment the certificate was judged at (UTC).</summary>
        public DateTimeOffset ValidationTime { get; private set; }

        /// <summary>The leaf certificate checked.</summary>
        public CertificateInfo Certificate { get; private set; } = null!;

        /// <summary>The leaf's thumbprint (SHA-1, upper-case hexadecimal), as Windows shows it.</summary>
        public string Thumbprint => Certificate.Thumbprint;

        /// <summary>The leaf's subject DN.</summary>
        public string Subject => Certificate.Subject;

        /// <summary>The leaf's end of validity (UTC).</summary>
        public DateTimeOffset NotAfter => Certificate.NotAfter;

        /// <summary>Days from the validation time to the leaf's expiry (negative once expired).</summary>
        public long DaysRemaining { get; private set; }

        /// <summary>What became of path building.</summary>
        public ChainStatus ChainStatus { get; private set; }

        /// <summary>Whether the path ends at a trust anchor.</summary>
        public bool ChainTrusted { get; private set; }

        /// <summary>The path used (or the best one found): the leaf first, the anchor last when one was reached.</summary>
        public IReadOnlyList<ChainElement> Chain { get; private set; } = Array.Empty<ChainElement>();

        /// <summary>Candidate paths built to the end but not chosen (at most 16), one line each:
        /// their certificates with sources, status and why they failed.</summary>
        public IReadOnlyList<string> RejectedPaths { get; private set; } = Array.Empty<string>();

        /// <summary>The path's valid certificate policies (RFC 5280 6.1.5 (g), within
        /// <see cref="Checker.InitialPolicies"/>), dotted OIDs, "2.5.29.32.0" for anyPolicy; empty
        /// when the path is not trusted, asserts no policy or fails policy processing (a
        /// "chain.policy-invalid" finding).</summary>
        public IReadOnlyList<string> Policies { get; private set; } = Array.Empty<string>();

        /// <summary>The findings, most serious first.</summary>
        public IReadOnlyList<Finding> Findings { get; private set; } = Array.Empty<Finding>();

        /// <summary>Number of error findings.</summary>
        public int ErrorCount { get; private set; }

        /// <summary>Number of warning findings.</summary>
        public int WarningCount { get; private set; }

        /// <summary>Number of info findings.</summary>
        public int InfoCount { get; private set; }

        /// <summary>What the input says about its private key (present, matching the leaf, the Windows
        /// provider recorded, the PKCS#12 friendly name).</summary>
        public PrivateKeyInfo PrivateKey { get; private set; } = null!;

        /// <summary>For a pool check (<see cref="Checker.CheckPool(IEnumerable{CertificateInput}, string, Topology)"/>):
        /// every file, the reference first, and how each compares with it; empty otherwise.</summary>
        public IReadOnlyList<PoolMember> Pool { get; private set; } = Array.Empty<PoolMember>();

        /// <summary>The deployment facts the check used (a copy; change it freely).</summary>
        public Topology Topology
        {
            get
            {
                var copy = new Topology { Product = topology.Product };
                foreach (Fact fact in Enum.GetValues(typeof(Fact)))
                    copy.SetValues(fact, topology.GetValues(fact).ToArray());
                return copy;
            }
        }

        /// <summary>For a probe (<see cref="Probe.Run"/>): what happened on the wire; null for a check of a file.</summary>
        public ConnectionInfo? Connection { get; private set; }

        /// <summary>
        /// The exit status `ucpolicy check` (or `ucpolicy probe`) gives this report (the Nagios plugin
        /// convention: 0 pass, 1 warning, 2 error), computed by the library (ucp_report_exit_code).
        /// <paramref name="failOn"/> is the lowest severity that fails, as the command's --fail-on:
        /// Warning (the default), Error (warnings give 0), Info (information findings give 1), or
        /// null (never: always 0). For a probe, a client certificate the server rejected gives 2,
        /// and one sent whose fate the server's answer does not tell gives at least 1 unless
        /// <paramref name="failOn"/> is Error.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="failOn"/> is not a severity.</exception>
        public int GetExitCode(Severity? failOn = Severity.Warning) =>
            Native.UcpReportExitCode(native, Util.FailOn(failOn, nameof(failOn)));

        /// <summary>The exit status with the command's default, <c>--fail-on warning</c>: the same as
        /// <c>GetExitCode(Severity.Warning)</c>, for callers that cannot omit an optional argument
        /// (PowerShell: <c>$report.GetExitCode()</c>).</summary>
        /// <remarks>Since 1.1.</remarks>
        public int GetExitCode() => GetExitCode(Severity.Warning);

        /// <summary>
        /// The report in <paramref name="format"/>, rendered by the library (ucp_report_render):
        /// text and JSON are <see cref="ToText(bool)"/> and <see cref="ToJson(bool)"/>; the
        /// document formats (SARIF, CSV, HTML, JUnit, Nagios) are the document of a batch of this
        /// one report, judged with the command's default fail-on level (warning). JSON and SARIF
        /// end without a newline, the other formats with one. For several reports in one
        /// document, see <see cref="ReportFormatter"/> and <see cref="ReportRenderer"/>.
        /// </summary>
        /// <param name="format">The format.</param>
        /// <param name="options"><see cref="RenderOptions.Pretty"/> (JSON, SARIF),
        /// <see cref="RenderOptions.Color"/> and <see cref="RenderOptions.Verbose"/> (text).</param>
        /// <exception cref="UcPolicyException"><paramref name="format"/> is not a format
        /// (<see cref="UcPolicyErrorCode.InvalidArgument"/>).</exception>
        /// <remarks>Since 1.1.</remarks>
        public string Render(OutputFormat format, RenderOptions options) =>
            Buffers.Take((ref UcpBuffer b) => Native.UcpReportRender(native, (ucp_output_format)format, (uint)options, ref b));

        /// <summary>The report in <paramref name="format"/> with <see cref="RenderOptions.Pretty"/>
        /// (indented JSON and SARIF, plain text): see <see cref="Render(OutputFormat, RenderOptions)"/>.</summary>
        /// <remarks>Since 1.1.</remarks>
        public string Render(OutputFormat format) => Render(format, RenderOptions.Pretty);

        /// <summary>The native report: kept (immutable, reference-counted) so that the library can
        /// render it and judge its exit code at any time; the runtime frees it with this object.</summary>
        internal ReportHandle Handle => native;

        ReportHandle native = null!;
        Topology topology = new Topology();
        string json = "";
        string compactJson = "";
        string text = "";
        string verboseText = "";

        /// <summary>The report in the library's JSON schema (<see cref="Library.ReportSchemaVersion"/>),
        /// the same document `ucpolicy check --format json` prints.</summary>
        public string ToJson(bool indented = true) => indented ? json : compactJson;

        /// <summary>The report as text for people, as `ucpolicy check` prints it (verbose: with
        /// remediation and sources of every finding).</summary>
        public string ToText(bool verbose = false) => verbose ? verboseText : text;

        /// <summary>Whether a finding with this code is present.</summary>
        public bool HasFinding(string code) => Findings.Any(f => f.Code == code);

        /// <summary>Copies a native report; the new Report owns <paramref name="report"/> (it is
        /// disposed here if the copy fails).</summary>
        internal static Report FromNative(ReportHandle report)
        {
            try
            {
                Report copy = Copy(report);
                copy.native = report;
                return copy;
            }
            catch
            {
                report.Dispose();
                throw;
            }
        }

        static Report Copy(ReportHandle report)
        {
            IntPtr leaf = Native.UcpReportCertificate(report);
            var result = new Report
            {
                Result = (Result)Native.UcpReportResult(report),
                Role = Utf8.NonNull(Native.UcpReportRole(report)),
                Product = (Product)Native.UcpReportProduct(report),
                InputName = Utf8.NonNull(Native.UcpReportInputName(report)),
                InputFormat = (CertificateFormat)Native.UcpReportInputFormat(report),
                ValidationTime = Util.FromUnixSeconds(Native.UcpReportValidationTime(report)),
                Certificate = CertificateInfo.FromNative(leaf),
                DaysRemaining = Native.UcpReportDaysRemaining(report),
                ChainStatus = (ChainStatus)Native.UcpReportChainStatus(report),
                ChainTrusted = Native.UcpReportChainTrusted(report),
                ErrorCount = Native.UcpReportCount(report, Interop.ucp_severity.UCP_SEVERITY_ERROR),
                WarningCount = Native.UcpReportCount(report, Interop.ucp_severity.UCP_SEVERITY_WARNING),
                InfoCount = Native.UcpReportCount(report, Interop.ucp_severity.UCP_SEVERITY_INFO),
            };
            result.Chain = Util.List(Native.UcpReportChainCount(report), i =>
                new ChainElement(CertificateInfo.FromNative(Native.UcpReportChainAt(report, i)),
                                 Utf8.NonNull(Native.UcpReportChainSourceAt(report, i)),
                                 (RevocationStatus)Native.UcpReportRevocationAt(report, i),
                                 Native.UcpReportRevocationSourceAt(report, i)));
            result.RejectedPaths = Util.List(Native.UcpReportRejectedPathCount(report),
                                             i => Utf8.NonNull(Native.UcpReportRejectedPathAt(report, i)));
            result.Policies = Util.List(Native.UcpReportPolicyCount(report),
                                        i => Utf8.NonNull(Native.UcpReportPolicyAt(report, i)));
            string role = result.Role;
            string thumbprint = result.Certificate.Thumbprint;
            result.Findings = Util.List(Native.UcpReportFindingCount(report),
                                        i => Finding.FromNative(Native.UcpReportFindingAt(report, i), role, thumbprint));
            result.PrivateKey = new PrivateKeyInfo(report);
            result.Pool = Util.List(Native.UcpReportPoolCount(report), i =>
                new PoolMember(i, Utf8.NonNull(Native.UcpReportPoolNameAt(report, i)),
                               (PoolState)Native.UcpReportPoolStateAt(report, i),
                               CertificateInfo.FromNative(Native.UcpReportPoolCertificateAt(report, i))));
            var facts = new Topology { Product = (Product)Native.UcpCsharpReportTopologyProduct(report) };
            foreach (Fact fact in Enum.GetValues(typeof(Fact)))
            {
                var values = Util.List(Native.UcpCsharpReportFactCount(report, (ucp_fact)fact),
                                       i => Utf8.NonNull(Native.UcpCsharpReportFactAt(report, (ucp_fact)fact, i)));
                if (values.Count > 0)
                    facts.SetValues(fact, values.ToArray());
            }
            result.topology = facts;
            if (Native.UcpReportHasConnection(report))
                result.Connection = new ConnectionInfo(report);
            result.json = Buffers.Take((ref UcpBuffer b) => Native.UcpReportToJson(report, (uint)ucp_render_flags.UCP_RENDER_PRETTY, ref b));
            result.compactJson = Buffers.Take((ref UcpBuffer b) => Native.UcpReportToJson(report, (uint)ucp_render_flags.UCP_RENDER_DEFAULT, ref b));
            result.text = Buffers.Take((ref UcpBuffer b) => Native.UcpReportToText(report, (uint)ucp_render_flags.UCP_RENDER_DEFAULT, ref b));
            result.verboseText = Buffers.Take((ref UcpBuffer b) => Native.UcpReportToText(report, (uint)ucp_render_flags.UCP_RENDER_VERBOSE, ref b));
            return result;
        }

        /// <summary>"fail exchange-um CN=... (2 errors, 1 warning)".</summary>
        public override string ToString() =>
            Result.ToString().ToLowerInvariant() + " " + Role + " " + Subject +
            " (" + ErrorCount + " error(s), " + WarningCount + " warning(s))";
    }
}
