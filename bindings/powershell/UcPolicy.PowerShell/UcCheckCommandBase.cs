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
    /// <summary>The parameters and set-up Test-UcCertificate and Test-UcServerEndpoint share besides
    /// the trust ones (UcTrustCommandBase): the deployment facts, the revocation time budget and the
    /// PKCS#12 password.</summary>
    public abstract class UcCheckCommandBase : UcTrustCommandBase
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

        /// <summary><para type="description">With -Online, the time budget in seconds of the revocation checks over the network of each certificate checked, all its CRL and OCSP transfers together (default 5, at most 600); the URLs not tried when it is spent are counted in the revocation.unreachable finding.</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary><para type="description">The password of PKCS#12 (.pfx) files.</para></summary>
        [Parameter]
        public SecureString? Password { get; set; }

        private protected Topology? topology;

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
                ConfigureChecker(TimeSpan.FromSeconds(TimeoutSec));
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

        string ResolveFileOrThrow(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                ThrowTerminatingError(NotFileSystem(provider, path));
            return file;
        }
    }
}
