// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Checks certificates against the certificate policy of a UC server role.</para>
    /// <para type="description">Test-UcCertificate checks X.509 certificates (files in PEM, DER,
    /// PKCS#7 or PKCS#12 form, or X509Certificate2 objects such as those of Cert:\ or
    /// Get-PfxCertificate) against the documented certificate requirements of Lync / Skype
    /// for Business Server, Exchange Unified Messaging, Office Online Server and Teams Direct
    /// Routing roles. It writes one UcPolicy.Report per certificate and role: Result, Role,
    /// Thumbprint, Subject, NotAfter, DaysRemaining and the Findings, each with what to do about
    /// it. Policy failures are data, not errors; an unreadable input writes a non-terminating
    /// error and the pipeline goes on. Over several inputs it shows its progress (Write-Progress,
    /// activity "Checking certificates"; the percentage when the inputs are given as parameters,
    /// whose number is known). To render the reports as text, JSON, SARIF, CSV, HTML, JUnit or
    /// Nagios, pipe them to ConvertTo-UcPolicyReport or Export-UcPolicyReport.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Test-UcCertificate -Path .\um-exch01.cer -Role UM -Fqdn exch01.contoso.com -TrustAnchor .\contoso-root.cer
    /// </code>
    /// <para>Checks a certificate exported from the Exchange UM service of exch01 against the Exchange UM policy. A wildcard CN fails with subject.cn-wildcard and the remediation names the symptom: Lync refuses the connection with "The peer is not a configured server on this network interface".</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-ChildItem Cert:\LocalMachine\My -SSLServerAuthentication |
    ///     Test-UcCertificate -Role Default -PoolFqdn pool01.contoso.com -Fqdn fe01.contoso.com -SipDomain contoso.com
    /// </code>
    /// <para>Checks every server certificate of the machine store as the Default certificate of a Front End server (Windows; the Cert: drive exists there only).</para>
    /// </example>
    /// <example>
    /// <code>
    /// $r = Test-UcCertificate .\sbc1.pfx -Role TeamsDirectRoutingSbc -Fqdn sbc1.contoso.com -Password (Read-Host -AsSecureString 'PFX password')
    /// $r.Findings | Format-List
    /// </code>
    /// <para>Checks a Teams Direct Routing SBC certificate in a PFX file and lists each finding with Field, Expected, Actual and Remediation.</para>
    /// </example>
    /// <example>
    /// <code>
    /// if (-not (Test-UcCertificate -LiteralPath .\um.cer -Role UM -Fqdn exch01.contoso.com -Quiet)) { Write-Warning 'UM certificate needs attention' }
    /// </code>
    /// <para>-Quiet writes $true or $false per input, for scripts and scheduled checks.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Test-UcCertificate -Path .\edge01.pfx -Role EdgeInternal -Fqdn edgeint.contoso.com -Password $pw -SameCertificate .\edge02.pfx, .\edge03.pfx
    /// </code>
    /// <para>Checks the Edge pool's internal certificate exported from edge01 and compares it with the ones exported from the other Edge Servers: each must hold the same certificate with the same private key (Pool lists how each compares).</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-ChildItem .\export -Filter *.cer | Test-UcCertificate -Role UM, UMCallRouter -Fqdn exch01.contoso.com |
    ///     Where-Object Result -ne Pass | Export-UcPolicyReport -Path .\um-problems.html
    /// </code>
    /// <para>Checks exported files against both Exchange UM roles and writes the ones that do not pass to an HTML report. A file that cannot be read writes an error and the others are still checked.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "UcCertificate", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(Report), typeof(bool))]
    public sealed class TestUcCertificateCommand : UcCheckCommandBase
    {
        const string PathSet = "Path";
        const string LiteralPathSet = "LiteralPath";
        const string CertificateSet = "Certificate";

        /// <summary>
        /// <para type="description">Certificate files; wildcards are expanded. Strings piped in bind here.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">Certificate files, taken literally (no wildcards). Get-ChildItem output binds here through PSPath.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">.NET certificates (their RawData): Get-ChildItem Cert:\LocalMachine\My, Get-PfxCertificate, [X509Certificate2] objects. Without -Chain each comes with the intermediate certificates the system's stores hold for it (as X509Chain finds them, without revocation checks or downloads), as the server using it would present them; with -Chain, with those alone.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = CertificateSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public X509Certificate2[] Certificate { get; set; } = Array.Empty<X509Certificate2>();

        /// <summary>
        /// <para type="description">The role(s) to check against: a role id (exchange-um, frontend-default...) or an alias (UM, Default, WebServicesExternal, TeamsDirectRoutingSbc...). See Get-UcRole. Each role gives its own report.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ArgumentCompleter(typeof(RoleCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Role { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The certificate deployed on the other servers of the same pool (every Edge Server of an Edge pool, every Front End for OAuthTokenIssuer): file paths (wildcards allowed; PFX files with -Password) or X509Certificate2 objects. Each input is then checked with a pool comparison: its report lists every server in Pool (Reference, Identical, DifferentCertificateSameKey, DifferentKey) and a server holding another certificate or key gives a private-key.pool-mismatch finding, for the roles that need one certificate on every server.</para></summary>
        [Parameter]
        public object[]? SameCertificate { get; set; }

        /// <summary><para type="description">Write one Boolean per input instead of reports: $true when no role fails (warnings allowed), $false when one fails or the input cannot be read.</para></summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        readonly List<CertificateInput> sameCertificate = new List<CertificateInput>();

        /// <summary>Validates roles and facts and configures the checker once for the pipeline.</summary>
        protected override void BeginProcessing()
        {
            Configure(Role);
            try
            {
                foreach (object item in SameCertificate ?? Array.Empty<object>())
                    sameCertificate.AddRange(ReadConfigurationInputs(item, nameof(SameCertificate), Password));
            }
            catch (UcPolicyException e)
            {
                // A pool file that cannot be read spoils every comparison: terminating.
                ThrowTerminatingError(Errors.From(e, null));
            }
        }

        /// <summary>The progress activity of this command.</summary>
        internal const string ProgressActivity = "Checking certificates";

        static int lastActivityId;
        readonly int activityId = System.Threading.Interlocked.Increment(ref lastActivityId);
        int progressed;

        /// <summary>One input of a record: something to check, or the error that stops it.</summary>
        sealed class Item
        {
            public Item(object target, string status, Func<CertificateInput> open)
            {
                Target = target;
                Status = status;
                Open = open;
            }

            public Item(ErrorRecord error)
            {
                Error = error;
            }

            public object Target { get; } = "";
            public string Status { get; } = "";
            public Func<CertificateInput>? Open { get; }
            public ErrorRecord? Error { get; }
        }

        static CertificateInput FromStoreCertificate(X509Certificate2 certificate, bool withSystemIntermediates) =>
            withSystemIntermediates ? CertificateInput.FromStoreCertificate(certificate) : CertificateInput.FromCertificate(certificate);

        /// <summary>Checks each input of the pipeline, with a progress record per input.</summary>
        protected override void ProcessRecord()
        {
            var items = new List<Item>();
            switch (ParameterSetName)
            {
                case CertificateSet:
                    // Without -Chain, a certificate from a store comes with the intermediates the
                    // system holds for it (X509Chain: no revocation check, no download), as the
                    // server using it presents them; with -Chain, exactly those.
                    foreach (X509Certificate2 certificate in Certificate)
                        items.Add(new Item(certificate, certificate.Subject, () => FromStoreCertificate(certificate, Chain == null)));
                    break;
                case LiteralPathSet:
                    foreach (string path in LiteralPath)
                        items.Add(ResolveLiteral(path));
                    break;
                default:
                    foreach (string path in Path)
                        items.AddRange(Resolve(path));
                    break;
            }
            // Inputs given as parameters arrive in one record: their number is known. Piped ones
            // arrive one record each, and their number is not.
            int total = MyInvocation.ExpectingInput ? -1 : items.Count(i => i.Error == null);
            int done = 0;
            foreach (Item item in items)
            {
                if (item.Error != null)
                {
                    WriteError(item.Error);
                    if (Quiet)
                        WriteObject(false);
                    continue;
                }
                var progress = new ProgressRecord(activityId, ProgressActivity, item.Status.Length > 0 ? item.Status : "(no name)")
                {
                    PercentComplete = total > 0 ? done * 100 / total : -1,
                };
                WriteProgress(progress);
                progressed++;
                CheckOne(item.Target, item.Open!);
                done++;
            }
        }

        /// <summary>Completes the progress activity.</summary>
        protected override void EndProcessing()
        {
            if (progressed > 0)
            {
                WriteProgress(new ProgressRecord(activityId, ProgressActivity, "Checked " + progressed + " input(s)")
                {
                    PercentComplete = 100,
                    RecordType = ProgressRecordType.Completed,
                });
            }
        }

        void CheckOne(object target, Func<CertificateInput> open)
        {
            CertificateInput input;
            try
            {
                input = open();
            }
            catch (UcPolicyException e)
            {
                WriteError(Errors.From(e, target));
                if (Quiet)
                    WriteObject(false);
                return;
            }
            using (input)
            {
                bool pass = true;
                foreach (string role in Role)
                {
                    Report report;
                    try
                    {
                        report = sameCertificate.Count > 0
                            ? checker!.CheckPool(new[] { input }.Concat(sameCertificate), role, topology)
                            : checker!.Check(input, role, topology);
                    }
                    catch (UcPolicyException e)
                    {
                        WriteError(Errors.From(e, target));
                        pass = false;
                        continue;
                    }
                    pass &= report.Result != Result.Fail;
                    if (!Quiet)
                        WriteObject(report);
                }
                if (Quiet)
                    WriteObject(pass);
            }
        }

        /// <summary>Expands a -Path (wildcards) to the files to check, and the errors to write in
        /// their place (non-terminating).</summary>
        List<Item> Resolve(string path)
        {
            var items = new List<Item>();
            ProviderInfo provider;
            System.Collections.ObjectModel.Collection<string> resolved;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException e)
            {
                items.Add(new Item(new ErrorRecord(e, "UcPolicy.PathNotFound", ErrorCategory.ObjectNotFound, path)));
                return items;
            }
            if (provider.Name != "FileSystem")
            {
                items.Add(new Item(NotFileSystem(provider, path)));
                return items;
            }
            bool wildcard = WildcardPattern.ContainsWildcardCharacters(path);
            foreach (string file in resolved)
            {
                if (Directory.Exists(file))
                {
                    // A wildcard may match directories too: certificates are the files. A directory
                    // named on its own is a mistake worth saying.
                    if (!wildcard)
                    {
                        items.Add(new Item(new ErrorRecord(new ArgumentException("'" + file + "' is a directory; give its files, e.g. -Path '" +
                                                                                 System.IO.Path.Combine(file, "*.cer") + "'."),
                                                           "UcPolicy.PathIsDirectory", ErrorCategory.InvalidArgument, file)));
                    }
                    continue;
                }
                items.Add(FileItem(file));
            }
            return items;
        }

        /// <summary>A -LiteralPath as a file to check, or the error to write.</summary>
        Item ResolveLiteral(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            return provider.Name == "FileSystem" ? FileItem(file) : new Item(NotFileSystem(provider, path));
        }

        Item FileItem(string file) => new Item(file, file, () => CertificateInput.FromFile(file, Password));

        /// <summary>Frees the checker, the trust inputs and the pool's other files.</summary>
        protected override void DisposeInputs()
        {
            foreach (CertificateInput input in sameCertificate)
                input.Dispose();
            sameCertificate.Clear();
        }
    }
}
