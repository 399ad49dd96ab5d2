// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>The form of a certificate request file (<see cref="PlannedCertificate.GetRequest"/>).</summary>
    public enum RequestFormat : long
    {
        /// <summary>A Windows <c>certreq -new</c> INF file.</summary>
        CertReq = 0,
        /// <summary>An OpenSSL <c>req -config</c> file.</summary>
        OpenSsl = 1,
        /// <summary>A GnuTLS <c>certtool</c> template.</summary>
        CertTool = 2,
        /// <summary>The <c>Request-CsCertificate</c> (or <c>New-ExchangeCertificate</c>) command line.</summary>
        PowerShell = 3,
    }

    /// <summary>
    /// The certificate plan of a deployment (<c>ucpolicy plan</c>): every certificate each server of
    /// a Skype for Business / Lync topology document (Topology Builder file or
    /// <c>Get-CsTopology -AsXml</c> output) needs, and what the role's rules ask of it.
    /// </summary>
    public sealed class Deployment
    {
        Deployment(IReadOnlyList<PlannedCertificate> certificates) => Certificates = certificates;

        /// <summary>Every planned certificate, server by server in document order.</summary>
        public IReadOnlyList<PlannedCertificate> Certificates { get; }

        /// <summary>Plans the certificates of a topology document.</summary>
        /// <param name="path">The Topology Builder file or Get-CsTopology -AsXml output.</param>
        /// <param name="server">Only this server's certificates, or null for every server.</param>
        /// <exception cref="UcPolicyException">The file cannot be read or is invalid, it lists no
        /// servers, or it has no such server (the message lists them).</exception>
        public static Deployment Plan(string path, string? server = null)
        {
            if (path == null)
                throw new ArgumentNullException(nameof(path));
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpTopologyNew(out TopologyHandle topology);
            DeploymentHandle native;
            using (topology)
            {
                Native.UcpTopologyLoadFile(topology, path);
                Native.UcpDeploymentNew(out native, topology);
            }
            using (native)
            {
                if (server != null) // the library's error, listing the servers, when there is none
                    Buffers.Take((ref UcpBuffer b) => Native.UcpDeploymentRender(native, server, (ucp_output_format)OutputFormat.Csv, 0u, ref b));
                var list = new List<PlannedCertificate>();
                int count = Native.UcpDeploymentServerCount(native);
                for (int s = 0; s < count; s++)
                {
                    string fqdn = Utf8.NonNull(Native.UcpDeploymentServerFqdn(native, s));
                    if (server != null && !string.Equals(fqdn, server.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
                        continue;
                    int needs = Native.UcpDeploymentNeedCount(native, s);
                    for (int k = 0; k < needs; k++)
                        list.Add(new PlannedCertificate(native, s, Native.UcpDeploymentNeedAt(native, s, k)));
                }
                return new Deployment(new ReadOnlyCollection<PlannedCertificate>(list));
            }
        }

        /// <summary>The plan as <c>ucpolicy plan --format</c> writes it: Text, Json, Csv or Html.</summary>
        /// <exception cref="UcPolicyException">As <see cref="Plan"/>; another format.</exception>
        public static string Render(string path, OutputFormat format = OutputFormat.Text, string? server = null)
        {
            if (path == null)
                throw new ArgumentNullException(nameof(path));
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpTopologyNew(out TopologyHandle topology);
            DeploymentHandle native;
            using (topology)
            {
                Native.UcpTopologyLoadFile(topology, path);
                Native.UcpDeploymentNew(out native, topology);
            }
            using (native)
                return Buffers.Take((ref UcpBuffer b) => Native.UcpDeploymentRender(native, server, (ucp_output_format)format, 1u, ref b));
        }
    }

    /// <summary>One certificate a server needs (<see cref="Deployment.Plan"/>).</summary>
    public sealed class PlannedCertificate
    {
        readonly Dictionary<RequestFormat, string> requests = new Dictionary<RequestFormat, string>();

        internal PlannedCertificate(DeploymentHandle deployment, int server, IntPtr need)
        {
            Server = Utf8.NonNull(Native.UcpDeploymentServerFqdn(deployment, server));
            Pool = Utf8.NonNull(Native.UcpDeploymentServerPool(deployment, server));
            Product = (Product)Native.UcpDeploymentServerProduct(deployment, server);
            Role = Utf8.NonNull(Native.UcpRoleId(Native.UcpCertNeedRole(need)));
            SubjectName = Utf8.NonNull(Native.UcpCertNeedSubjectName(need));
            var required = new List<string>();
            for (int i = 0; i < Native.UcpCertNeedRequiredNameCount(need); i++)
                required.Add(Utf8.NonNull(Native.UcpCertNeedRequiredNameAt(need, i)));
            RequiredNames = required.AsReadOnly();
            var optional = new List<string>();
            for (int i = 0; i < Native.UcpCertNeedOptionalNameCount(need); i++)
                optional.Add(Utf8.NonNull(Native.UcpCertNeedOptionalNameAt(need, i)));
            OptionalNames = optional.AsReadOnly();
            uint eku = Native.UcpCertNeedEku(need);
            var ekus = new List<string>();
            if ((eku & 1) != 0)
                ekus.Add("serverAuth");
            if ((eku & 2) != 0)
                ekus.Add("clientAuth");
            Eku = ekus.AsReadOnly();
            KeyRule = Utf8.NonNull(Native.UcpCertNeedKeyRule(need));
            MinRsaBits = (int)Native.UcpCertNeedMinRsaBits(need);
            EccAccepted = Native.UcpCertNeedEccOk(need);
            PublicCa = Native.UcpCertNeedPublicCa(need);
            PoolShared = Native.UcpCertNeedPoolShared(need);
            ExportableKey = Native.UcpCertNeedExportableKey(need);
            foreach (RequestFormat f in (RequestFormat[])Enum.GetValues(typeof(RequestFormat)))
                requests[f] = Buffers.Take((ref UcpBuffer b) => Native.UcpCertNeedRequest(need, (ucp_request_format)f, ref b));
        }

        /// <summary>The FQDN of the server that needs it.</summary>
        public string Server { get; }
        /// <summary>The FQDN of its pool.</summary>
        public string Pool { get; }
        /// <summary>The product release the server runs.</summary>
        public Product Product { get; }
        /// <summary>The role id its check uses.</summary>
        public string Role { get; }
        /// <summary>The subject common name to request.</summary>
        public string SubjectName { get; }
        /// <summary>The DNS names the subject alternative name must hold.</summary>
        public IReadOnlyList<string> RequiredNames { get; }
        /// <summary>Names the rules recommend and the wildcards they allow.</summary>
        public IReadOnlyList<string> OptionalNames { get; }
        /// <summary>Extended key usages to request: "serverAuth", "clientAuth".</summary>
        public IReadOnlyList<string> Eku { get; }
        /// <summary>The key rule in words.</summary>
        public string KeyRule { get; }
        /// <summary>The smallest RSA key size accepted without a finding.</summary>
        public int MinRsaBits { get; }
        /// <summary>Whether an ECDSA key passes without a warning.</summary>
        public bool EccAccepted { get; }
        /// <summary>Whether a publicly trusted CA must issue it.</summary>
        public bool PublicCa { get; }
        /// <summary>Whether every server of the pool must hold the same certificate and key.</summary>
        public bool PoolShared { get; }
        /// <summary>Whether the private key must be exportable.</summary>
        public bool ExportableKey { get; }

        /// <summary>The request file of this certificate in a form.</summary>
        public string GetRequest(RequestFormat format) =>
            requests.TryGetValue(format, out string? text) ? text : throw new ArgumentOutOfRangeException(nameof(format));

        /// <inheritdoc/>
        public override string ToString() => Server + " " + Role + " (CN=" + SubjectName + ")";
    }
}
