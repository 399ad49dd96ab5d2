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
    /// error and the pipeline goes on.</para>
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
    /// Get-ChildItem .\export -Filter *.cer | Test-UcCertificate -Role UM, UMCallRouter -Fqdn exch01.contoso.com |
    ///     Where-Object Result -ne Pass | Export-UcPolicyReport -Path .\um-problems.html
    /// </code>
    /// <para>Checks exported files against both Exchange UM roles and writes the ones that do not pass to an HTML report. A file that cannot be read writes an error and the others are still checked.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "UcCertificate", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(Report), typeof(bool))]
    public sealed class TestUcCertificateCommand : PSCmdlet, IDisposable
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
        /// <para type="description">.NET certificates (their RawData): Get-ChildItem Cert:\LocalMachine\My, Get-PfxCertificate, [X509Certificate2] objects.</para>
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

        /// <summary><para type="description">This server's FQDN (front end, Exchange UM server, SBC, OOS farm). The PKI module's "dns=name" form is accepted.</para></summary>
        [Parameter]
        [Alias("DnsName")]
        public string? Fqdn { get; set; }

        /// <summary><para type="description">The pool FQDN.</para></summary>
        [Parameter]
        public string? PoolFqdn { get; set; }

        /// <summary><para type="description">The SIP domains.</para></summary>
        [Parameter]
        public string[]? SipDomain { get; set; }

        /// <summary><para type="description">The simple URLs (meet, dialin, admin), as URLs or host names.</para></summary>
        [Parameter]
        public string[]? SimpleUrl { get; set; }

        /// <summary><para type="description">The internal or external web services FQDN.</para></summary>
        [Parameter]
        public string? WebServicesFqdn { get; set; }

        /// <summary><para type="description">The Access Edge external FQDN.</para></summary>
        [Parameter]
        public string? AccessEdgeFqdn { get; set; }

        /// <summary><para type="description">The Web Conferencing Edge external FQDN.</para></summary>
        [Parameter]
        public string? WebConferencingEdgeFqdn { get; set; }

        /// <summary><para type="description">The XMPP federation domain.</para></summary>
        [Parameter]
        public string? XmppDomain { get; set; }

        /// <summary><para type="description">The Lync / Skype for Business release (default SfB2019): Lync2010, Lync2013, SfB2015, SfB2019.</para></summary>
        [Parameter]
        public Product Product { get; set; } = Product.SfB2019;

        /// <summary><para type="description">A JSON file of deployment facts (as ucpolicy check --topology); the fact parameters override it.</para></summary>
        [Parameter]
        public string? TopologyPath { get; set; }

        /// <summary><para type="description">Trust anchors: file paths (wildcards allowed) or X509Certificate2 objects. With anchors given, the system trust store is not used.</para></summary>
        [Parameter]
        public object[]? TrustAnchor { get; set; }

        /// <summary><para type="description">Intermediate certificates to build paths with: file paths or X509Certificate2 objects.</para></summary>
        [Parameter]
        [Alias("AdditionalCertificate")]
        public object[]? Chain { get; set; }

        /// <summary><para type="description">The roots that count as public CAs (Edge external, reverse proxy, Teams Direct Routing); default: the system store.</para></summary>
        [Parameter]
        public object[]? PublicRoot { get; set; }

        /// <summary><para type="description">Certificate revocation list files (PEM or DER; wildcards allowed). A CRL counts for the certificates its issuer signed, and confirms "good" only while current.</para></summary>
        [Parameter]
        [SupportsWildcards]
        public string[]? Crl { get; set; }

        /// <summary><para type="description">Fetch revocation data over the network: the CRLs of the certificates' HTTP distribution points and OCSP answers. Off by default: a check never touches the network unless asked to.</para></summary>
        [Parameter]
        public SwitchParameter Online { get; set; }

        /// <summary><para type="description">With -Online, the time limit of each network transfer in seconds (default 5, at most 600).</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary><para type="description">The moment to judge the certificates at (default: now).</para></summary>
        [Parameter]
        public DateTime ValidationTime { get; set; }

        /// <summary><para type="description">Warn when a certificate expires within this many days (default 30; 0: never).</para></summary>
        [Parameter]
        [ValidateRange(0, 3650)]
        public int ExpiryWarningDays { get; set; } = Checker.DefaultExpiryWarningDays;

        /// <summary><para type="description">The password of PKCS#12 (.pfx) files.</para></summary>
        [Parameter]
        public SecureString? Password { get; set; }

        /// <summary><para type="description">Write one Boolean per input instead of reports: $true when no role fails (warnings allowed), $false when one fails or the input cannot be read.</para></summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        Checker? checker;
        Topology? topology;
        readonly List<CertificateInput> configurationInputs = new List<CertificateInput>();

        /// <summary>Validates roles and facts and configures the checker once for the pipeline.</summary>
        protected override void BeginProcessing()
        {
            try
            {
                foreach (string role in Role)
                {
                    if (Catalogue.FindRole(role) == null)
                    {
                        var e = new UcPolicyException(UcPolicyErrorCode.UnknownRole, "UCP_E_UNKNOWN_ROLE",
                            "Unknown role '" + role + "'. Roles: " + string.Join(", ", Catalogue.Roles.Select(r => r.Id)) +
                            " (aliases: see Get-UcRole).", null);
                        ThrowTerminatingError(new ErrorRecord(e, "UcPolicy.UCP_E_UNKNOWN_ROLE", ErrorCategory.InvalidArgument, role));
                    }
                }

                topology = BuildTopology();
                checker = new Checker { ExpiryWarningDays = ExpiryWarningDays };
                if (MyInvocation.BoundParameters.ContainsKey(nameof(ValidationTime)))
                    checker.ValidationTime = new DateTimeOffset(ValidationTime);
                AddCertificates(TrustAnchor, nameof(TrustAnchor), checker.AddTrustAnchors);
                AddCertificates(Chain, nameof(Chain), checker.AddIntermediates);
                AddCertificates(PublicRoot, nameof(PublicRoot), checker.AddPublicRoots);
                foreach (string pattern in Crl ?? Array.Empty<string>())
                {
                    foreach (string file in ResolveConfiguration(pattern, nameof(Crl)))
                        checker.AddCrls(file);
                }
                if (Online)
                {
                    checker.Online = true;
                    checker.NetworkTimeout = TimeSpan.FromSeconds(TimeoutSec);
                }
            }
            catch (DllNotFoundException e)
            {
                ThrowTerminatingError(Errors.NativeLibrary(e));
            }
            catch (UcPolicyException e)
            {
                // A bad fact or an unreadable trust anchor spoils every check: terminating.
                ThrowTerminatingError(Errors.From(e, null));
            }
        }

        /// <summary>Checks each input of the pipeline.</summary>
        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case CertificateSet:
                    foreach (X509Certificate2 certificate in Certificate)
                        CheckOne(certificate, () => CertificateInput.FromCertificate(certificate));
                    break;
                case LiteralPathSet:
                    foreach (string path in LiteralPath)
                    {
                        string? file = ResolveLiteral(path);
                        if (file != null)
                            CheckOne(file, () => CertificateInput.FromFile(file, Password));
                    }
                    break;
                default:
                    foreach (string path in Path)
                    {
                        foreach (string file in Resolve(path))
                            CheckOne(file, () => CertificateInput.FromFile(file, Password));
                    }
                    break;
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
                        report = checker!.Check(input, role, topology);
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

        Topology BuildTopology()
        {
            Topology t = TopologyPath != null ? Topology.Load(ResolveFileOrThrow(TopologyPath)) : new Topology();
            var bound = MyInvocation.BoundParameters;
            if (bound.ContainsKey(nameof(Product)) || TopologyPath == null)
                t.Product = Product;
            if (Fqdn != null)
                t.Fqdn = Fqdn.StartsWith("dns=", StringComparison.OrdinalIgnoreCase) ? Fqdn.Substring(4) : Fqdn;
            if (PoolFqdn != null)
                t.PoolFqdn = PoolFqdn;
            if (SipDomain != null)
                t.SetValues(Fact.SipDomain, SipDomain);
            if (SimpleUrl != null)
                t.SetValues(Fact.SimpleUrl, SimpleUrl);
            if (WebServicesFqdn != null)
                t.WebServicesFqdn = WebServicesFqdn;
            if (AccessEdgeFqdn != null)
                t.AccessEdgeFqdn = AccessEdgeFqdn;
            if (WebConferencingEdgeFqdn != null)
                t.WebConferencingEdgeFqdn = WebConferencingEdgeFqdn;
            if (XmppDomain != null)
                t.XmppDomain = XmppDomain;
            // The library validates and normalises the facts; a bad one fails here, once.
            return t.Normalize();
        }

        void AddCertificates(object[]? items, string parameter, Action<CertificateInput> add)
        {
            if (items == null)
                return;
            foreach (object item in items)
            {
                object value = item is PSObject ps ? ps.BaseObject : item;
                switch (value)
                {
                    case X509Certificate2 certificate:
                        AddInput(CertificateInput.FromCertificate(certificate), add);
                        break;
                    case FileInfo file:
                        AddInput(CertificateInput.FromFile(file.FullName), add);
                        break;
                    case string path:
                        foreach (string file in ResolveConfiguration(path, parameter))
                            AddInput(CertificateInput.FromFile(file), add);
                        break;
                    default:
                        ThrowTerminatingError(new ErrorRecord(
                            new ArgumentException("-" + parameter + " takes file paths or X509Certificate2 objects, not " + (value?.GetType().FullName ?? "null") + "."),
                            "UcPolicy.InvalidCertificateArgument", ErrorCategory.InvalidArgument, value));
                        break;
                }
            }
        }

        void AddInput(CertificateInput input, Action<CertificateInput> add)
        {
            configurationInputs.Add(input);
            add(input);
        }

        /// <summary>Expands a -Path (wildcards) to file system paths; errors are non-terminating.</summary>
        IEnumerable<string> Resolve(string path)
        {
            ProviderInfo provider;
            System.Collections.ObjectModel.Collection<string> resolved;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "UcPolicy.PathNotFound", ErrorCategory.ObjectNotFound, path));
                if (Quiet)
                    WriteObject(false);
                yield break;
            }
            if (!IsFileSystem(provider, path))
                yield break;
            bool wildcard = WildcardPattern.ContainsWildcardCharacters(path);
            foreach (string file in resolved)
            {
                if (Directory.Exists(file))
                {
                    // A wildcard may match directories too: certificates are the files. A directory
                    // named on its own is a mistake worth saying.
                    if (!wildcard)
                    {
                        WriteError(new ErrorRecord(new ArgumentException("'" + file + "' is a directory; give its files, e.g. -Path '" +
                                                                         System.IO.Path.Combine(file, "*.cer") + "'."),
                                                   "UcPolicy.PathIsDirectory", ErrorCategory.InvalidArgument, file));
                        if (Quiet)
                            WriteObject(false);
                    }
                    continue;
                }
                yield return file;
            }
        }

        /// <summary>Expands a path of a configuration parameter (-TrustAnchor, -Chain, -PublicRoot,
        /// -Crl; wildcards allowed) to files. Nothing can be checked without them, so every problem
        /// is a terminating error.</summary>
        List<string> ResolveConfiguration(string path, string parameter)
        {
            var files = new List<string>();
            try
            {
                foreach (string file in GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider))
                {
                    if (provider.Name != "FileSystem")
                        ThrowTerminatingError(NotFileSystem(provider, path));
                    if (!Directory.Exists(file))
                        files.Add(file);
                }
            }
            catch (ItemNotFoundException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "UcPolicy.PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            if (files.Count == 0)
                ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException("No file matches '" + path + "' (-" + parameter + ")."),
                                                      "UcPolicy.PathNotFound", ErrorCategory.ObjectNotFound, path));
            return files;
        }

        /// <summary>A -LiteralPath as a file system path, or null after writing an error.</summary>
        string? ResolveLiteral(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            return IsFileSystem(provider, path) ? file : null;
        }

        string ResolveFileOrThrow(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                ThrowTerminatingError(NotFileSystem(provider, path));
            return file;
        }

        bool IsFileSystem(ProviderInfo provider, string path)
        {
            if (provider.Name == "FileSystem")
                return true;
            WriteError(NotFileSystem(provider, path));
            if (Quiet)
                WriteObject(false);
            return false;
        }

        static ErrorRecord NotFileSystem(ProviderInfo provider, string path) =>
            new ErrorRecord(new ArgumentException("'" + path + "' is in the " + provider.Name +
                                                  " provider; certificate files must be file system paths (pipe Cert:\\ items as objects)."),
                            "UcPolicy.NotFileSystemPath", ErrorCategory.InvalidArgument, path);

        /// <summary>Frees the native checker and the trust inputs.</summary>
        public void Dispose()
        {
            checker?.Dispose();
            foreach (CertificateInput input in configurationInputs)
                input.Dispose();
            configurationInputs.Clear();
        }
    }
}
