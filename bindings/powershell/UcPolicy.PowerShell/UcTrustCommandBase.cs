// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace UcPolicy.PowerShell
{
    /// <summary>The trust, revocation, policy and time parameters every checking command shares
    /// (Test-UcCertificate, Test-UcServerEndpoint, Test-UcDeployment), and the checker configured
    /// from them once per pipeline.</summary>
    public abstract class UcTrustCommandBase : PSCmdlet, IDisposable
    {
        /// <summary><para type="description">Trust anchors: file paths (wildcards allowed) or X509Certificate2 objects. With anchors given, the system trust store is not used.</para></summary>
        [Parameter]
        [Alias("Trust")]
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

        /// <summary><para type="description">Fetch revocation data over the network: the CRLs of the certificates' HTTP distribution points and OCSP answers. Off by default: a check never touches the network unless asked to. Fetches reach public addresses only (see -AllowPrivateNetwork); no proxy is used. At most 8 URLs are tried per certificate, within -TimeoutSec (Test-UcDeployment: -TimeoutSeconds); fetched CRLs are kept for the other certificates of the pipeline in a cache of 32 MiB (least recently used dropped first; another issuer's never kept).</para></summary>
        [Parameter]
        public SwitchParameter Online { get; set; }

        /// <summary><para type="description">With -Online, let revocation fetches connect to loopback, private (RFC 1918, fc00::/7), link-local and other non-public addresses. Off by default: the URLs come from the certificate under test, so every connection, each redirect's included (at most 3, http and https only), is checked after name resolution and one to such an address is refused; the certificate is then Unreachable, with a revocation.unreachable finding that names the address. Use it for an internal PKI whose distribution points or OCSP responders are on the private network. Test-UcServerEndpoint's own connection to the server you name is not concerned.</para></summary>
        [Parameter]
        public SwitchParameter AllowPrivateNetwork { get; set; }

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

        private protected Checker? checker;
        readonly List<CertificateInput> configurationInputs = new List<CertificateInput>();

        /// <summary>Makes the checker from the trust, revocation, policy and time parameters; with
        /// -Online, @networkTimeout is each certificate's revocation budget. A path that names no
        /// file is a terminating error; a certificate file that does not load throws
        /// UcPolicyException.</summary>
        private protected void ConfigureChecker(TimeSpan networkTimeout)
        {
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
                checker.NetworkTimeout = networkTimeout;
            }
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
        private protected List<string> ResolveConfiguration(string path, string parameter) => Paths.ResolveFiles(this, path, parameter);

        private protected static ErrorRecord NotFileSystem(ProviderInfo provider, string path) => Paths.NotFileSystem(provider, path);

        /// <summary>Frees what a derived command holds besides the checker.</summary>
        protected virtual void DisposeInputs()
        {
        }

        /// <summary>Frees what a derived command holds, the native checker and the trust inputs.</summary>
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
