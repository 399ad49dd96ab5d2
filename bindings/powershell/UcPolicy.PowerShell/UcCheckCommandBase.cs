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
    /// <summary>The parameters and set-up Test-UcCertificate and Test-UcServerEndpoint share: the
    /// deployment facts, trust, validation time, revocation and the PKCS#12 password, and the
    /// checker configured from them once per pipeline.</summary>
    public abstract class UcCheckCommandBase : PSCmdlet, IDisposable
    {
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

        /// <summary><para type="description">A file of deployment facts (as ucpolicy check --topology): JSON, or the deployment's own topology, a Topology Builder file (.tbxml) or Get-CsTopology -AsXml output; the fact parameters override it.</para></summary>
        [Parameter]
        public string? TopologyPath { get; set; }

        /// <summary><para type="description">The server of the -TopologyPath topology whose facts apply, by FQDN (as ucpolicy check --server; -Server is Test-UcServerEndpoint's host); needed when the topology lists several servers.</para></summary>
        [Parameter]
        public string? TopologyServer { get; set; }

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

        /// <summary><para type="description">Fetch revocation data over the network: the CRLs of the certificates' HTTP distribution points and OCSP answers. Off by default: a check never touches the network unless asked to. Fetches reach public addresses only (see -AllowPrivateNetwork); no proxy is used. At most 8 URLs are tried per certificate, within -TimeoutSec; fetched CRLs are kept for the other certificates of the pipeline in a cache of 32 MiB (least recently used dropped first; another issuer's never kept).</para></summary>
        [Parameter]
        public SwitchParameter Online { get; set; }

        /// <summary><para type="description">With -Online, let revocation fetches connect to loopback, private (RFC 1918, fc00::/7), link-local and other non-public addresses. Off by default: the URLs come from the certificate under test, so every connection, each redirect's included (at most 3, http and https only), is checked after name resolution and one to such an address is refused; the certificate is then Unreachable, with a revocation.unreachable finding that names the address. Use it for an internal PKI whose distribution points or OCSP responders are on the private network. Test-UcServerEndpoint's own connection to the server you name is not concerned.</para></summary>
        [Parameter]
        public SwitchParameter AllowPrivateNetwork { get; set; }

        /// <summary><para type="description">With -Online, the time budget in seconds of the revocation checks over the network of each certificate checked, all its CRL and OCSP transfers together (default 5, at most 600); the URLs not tried when it is spent are counted in the revocation.unreachable finding.</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary><para type="description">Certificate policy OIDs (dotted, e.g. 2.23.140.1.2.1) a trusted path must be valid for, one of them: the initial policy set of RFC 5280 policy processing (default: any policy). A path asserting none of them gets a chain.policy-invalid finding; the report's Policies lists the path's valid policies.</para></summary>
        [Parameter]
        public string[]? Policy { get; set; }

        /// <summary><para type="description">Require a valid certificate policy of every trusted path (RFC 5280 initial-explicit-policy): a path without one gets a chain.policy-invalid finding.</para></summary>
        [Parameter]
        public SwitchParameter RequireExplicitPolicy { get; set; }

        /// <summary><para type="description">Ignore the policy mappings of the CAs (RFC 5280 initial-policy-mapping-inhibit).</para></summary>
        [Parameter]
        public SwitchParameter InhibitPolicyMapping { get; set; }

        /// <summary><para type="description">Let anyPolicy in a certificate match no policy (RFC 5280 initial-any-policy-inhibit).</para></summary>
        [Parameter]
        public SwitchParameter InhibitAnyPolicy { get; set; }

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

        private protected Checker? checker;
        private protected Topology? topology;
        readonly List<CertificateInput> configurationInputs = new List<CertificateInput>();

        /// <summary>Validates the roles and facts and configures the checker (terminating errors).</summary>
        private protected void Configure(string[] roles)
        {
            try
            {
                foreach (string role in roles)
                {
                    // Not FindRole: that reads the whole catalogue into managed objects, a cost the first
                    // check of a session paid only to learn that the name is known.
                    if (role == null || !Catalogue.IsKnownRole(role))
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
                if (Policy != null)
                    checker.InitialPolicies = Policy;
                checker.RequireExplicitPolicy = RequireExplicitPolicy;
                checker.InhibitPolicyMapping = InhibitPolicyMapping;
                checker.InhibitAnyPolicy = InhibitAnyPolicy;
                if (Online)
                {
                    checker.Online = true;
                    checker.AllowPrivateNetwork = AllowPrivateNetwork;
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

        Topology BuildTopology()
        {
            if (TopologyServer != null && TopologyPath == null)
                throw new UcPolicyException(UcPolicyErrorCode.InvalidArgument, "UCP_E_INVALID_ARGUMENT",
                    "-TopologyServer needs -TopologyPath (the topology that lists the servers).", null);
            Topology t = TopologyPath != null ? Topology.Load(ResolveFileOrThrow(TopologyPath), TopologyServer) : new Topology();
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
                foreach (CertificateInput input in ReadConfigurationInputs(item, parameter, null))
                {
                    configurationInputs.Add(input);
                    add(input);
                }
            }
        }

        /// <summary>The inputs of one item of a configuration parameter: an X509Certificate2, a
        /// FileInfo or a path (wildcards allowed). The caller owns (disposes) them.</summary>
        private protected List<CertificateInput> ReadConfigurationInputs(object item, string parameter, SecureString? password)
        {
            object value = item is PSObject ps ? ps.BaseObject : item;
            var inputs = new List<CertificateInput>();
            switch (value)
            {
                case X509Certificate2 certificate:
                    inputs.Add(CertificateInput.FromCertificate(certificate));
                    break;
                case FileInfo file:
                    inputs.Add(CertificateInput.FromFile(file.FullName, password));
                    break;
                case string path:
                    foreach (string file in ResolveConfiguration(path, parameter))
                        inputs.Add(CertificateInput.FromFile(file, password));
                    break;
                default:
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("-" + parameter + " takes file paths or X509Certificate2 objects, not " + (value?.GetType().FullName ?? "null") + "."),
                        "UcPolicy.InvalidCertificateArgument", ErrorCategory.InvalidArgument, value));
                    break;
            }
            return inputs;
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

        string ResolveFileOrThrow(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                ThrowTerminatingError(NotFileSystem(provider, path));
            return file;
        }

        private protected static ErrorRecord NotFileSystem(ProviderInfo provider, string path) =>
            new ErrorRecord(new ArgumentException("'" + path + "' is in the " + provider.Name +
                                                  " provider; certificate files must be file system paths (pipe Cert:\\ items as objects)."),
                            "UcPolicy.NotFileSystemPath", ErrorCategory.InvalidArgument, path);

        /// <summary>Frees what a derived command holds besides the checker.</summary>
        protected virtual void DisposeInputs()
        {
        }

        /// <summary>Frees the native checker and the trust inputs.</summary>
        public void Dispose()
        {
            DisposeInputs();
            checker?.Dispose();
            foreach (CertificateInput input in configurationInputs)
                input.Dispose();
            configurationInputs.Clear();
        }
    }
}
