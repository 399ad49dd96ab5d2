// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// The deployment facts a role's name rules are checked against: this server's FQDN, the pool,
    /// SIP domains, simple URLs... A plain managed object; the native library validates and
    /// normalises the values (lower case, no trailing dot, a simple URL reduced to its host) when a
    /// check uses it, or at once with <see cref="Normalize"/>.
    /// </summary>
    public sealed class Topology
    {
        /// <summary>The Lync / Skype for Business release (default Skype for Business Server 2019).</summary>
        public Product Product { get; set; } = Product.SfB2019;

        /// <summary>This server's FQDN (front end, UM server, SBC, OOS farm...).</summary>
        public string? Fqdn { get; set; }

        /// <summary>The pool FQDN.</summary>
        public string? PoolFqdn { get; set; }

        /// <summary>The SIP domains.</summary>
        public IList<string> SipDomains { get; } = new List<string>();

        /// <summary>The simple URLs (meet, dialin, admin), as URLs or host names.</summary>
        public IList<string> SimpleUrls { get; } = new List<string>();

        /// <summary>The internal or external web services FQDN.</summary>
        public string? WebServicesFqdn { get; set; }

        /// <summary>The Access Edge external FQDN.</summary>
        public string? AccessEdgeFqdn { get; set; }

        /// <summary>The Web Conferencing Edge external FQDN.</summary>
        public string? WebConferencingEdgeFqdn { get; set; }

        /// <summary>The XMPP federation domain.</summary>
        public string? XmppDomain { get; set; }

        /// <summary>The values of a fact (none when unset).</summary>
        public IReadOnlyList<string> GetValues(Fact fact)
        {
            switch (fact)
            {
                case Fact.SipDomain: return new List<string>(SipDomains).AsReadOnly();
                case Fact.SimpleUrl: return new List<string>(SimpleUrls).AsReadOnly();
                default:
                    string? value = GetSingle(fact);
                    return string.IsNullOrEmpty(value) ? Array.Empty<string>() : new[] { value! };
            }
        }

        /// <summary>Replaces the values of a fact (none, or null, removes it).</summary>
        public void SetValues(Fact fact, params string[]? values)
        {
            values ??= Array.Empty<string>();
            switch (fact)
            {
                case Fact.SipDomain: Replace(SipDomains, values); break;
                case Fact.SimpleUrl: Replace(SimpleUrls, values); break;
                default:
                    if (values.Length > 1)
                        throw new ArgumentException("The fact " + fact + " takes one value.", nameof(values));
                    SetSingle(fact, values.Length == 0 ? null : values[0]);
                    break;
            }
        }

        /// <summary>Whether any fact is set.</summary>
        public bool IsEmpty
        {
            get
            {
                foreach (Fact fact in AllFacts)
                {
                    if (GetValues(fact).Count > 0)
                        return false;
                }
                return true;
            }
        }

        /// <summary>A copy with the values as the library stores them (validated, lower case, no
        /// trailing dot, simple URLs reduced to hosts).</summary>
        /// <exception cref="UcPolicyException">A value is not acceptable (<see cref="UcPolicyErrorCode.Topology"/>;
        /// the message names the fact and why).</exception>
        public Topology Normalize()
        {
            using (TopologyHandle native = ToNative())
                return FromNative(native);
        }

        /// <summary>The JSON form that <see cref="FromJson"/> and `ucpolicy check --topology` read.</summary>
        public string ToJson()
        {
            using (TopologyHandle native = ToNative())
                return Buffers.Take((ref UcpBuffer b) => Native.UcpTopologyToJson(native, ref b));
        }

        /// <summary>Reads facts from the JSON form (unknown keys are an error, so typos are caught).</summary>
        /// <param name="json">The document.</param>
        /// <param name="name">A name for messages, e.g. the file name.</param>
        public static Topology FromJson(string json, string? name = null)
        {
            if (json == null)
                throw new ArgumentNullException(nameof(json));
            NativeLibraryLoader.EnsureLoaded();
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            Native.UcpTopologyNew(out TopologyHandle native);
            using (native)
            {
                Native.UcpTopologyLoadData(native, bytes, bytes.Length, name);
                return FromNative(native);
            }
        }

        /// <summary>Reads facts from a file: JSON, or the deployment's own topology (a Topology
        /// Builder file, .tbxml, or Get-CsTopology -AsXml output, told apart by the content). A
        /// topology that lists several servers needs <see cref="Load(string, string)"/>.</summary>
        /// <exception cref="UcPolicyException">The file cannot be read, is invalid (the message names
        /// the line and element), or lists several servers (<see cref="UcPolicyErrorCode.Topology"/>;
        /// the message lists them).</exception>
        public static Topology Load(string path) => Load(path, null);

        /// <summary>Reads the facts of one server of a topology document (Topology Builder or
        /// Get-CsTopology -AsXml): its FQDN, pool, web services and Edge FQDNs and product, with the
        /// shared SIP domains and simple URLs (as <c>ucpolicy check --topology FILE --server FQDN</c>).</summary>
        /// <param name="path">The file.</param>
        /// <param name="server">The server's FQDN (see <see cref="GetServers"/>), or null: then the
        /// document must list at most one server.</param>
        /// <exception cref="UcPolicyException">As <see cref="Load(string)"/>; an unknown server is
        /// <see cref="UcPolicyErrorCode.NotFound"/> (the message lists the servers).</exception>
        public static Topology Load(string path, string? server)
        {
            if (path == null)
                throw new ArgumentNullException(nameof(path));
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpTopologyNew(out TopologyHandle native);
            using (native)
            {
                Native.UcpTopologyLoadFile(native, path);
                if (server != null)
                {
                    Native.UcpTopologySelectServer(native, server);
                }
                else if (Native.UcpTopologyServerCount(native) > 1)
                {
                    var names = new List<string>();
                    foreach (TopologyServer s in ServersOf(native))
                        names.Add(s.Fqdn);
                    throw new UcPolicyException(UcPolicyErrorCode.Topology, "UCP_E_TOPOLOGY",
                        path + ": the topology lists " + names.Count + " servers; choose one (server): " +
                        string.Join(", ", names), path);
                }
                return FromNative(native);
            }
        }

        /// <summary>The servers a topology document lists (the machines of every pool that runs a
        /// server role; SQL stores and file shares are not servers), in document order. A JSON file
        /// lists none.</summary>
        /// <exception cref="UcPolicyException">The file cannot be read or is invalid.</exception>
        public static IReadOnlyList<TopologyServer> GetServers(string path)
        {
            if (path == null)
                throw new ArgumentNullException(nameof(path));
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpTopologyNew(out TopologyHandle native);
            using (native)
            {
                Native.UcpTopologyLoadFile(native, path);
                return ServersOf(native).AsReadOnly();
            }
        }

        static List<TopologyServer> ServersOf(TopologyHandle native)
        {
            int count = Native.UcpTopologyServerCount(native);
            var servers = new List<TopologyServer>(count);
            for (int i = 0; i < count; i++)
                servers.Add(new TopologyServer(Utf8.NonNull(Native.UcpTopologyServerFqdn(native, i)),
                                               Utf8.NonNull(Native.UcpTopologyServerPool(native, i))));
            return servers;
        }

        internal TopologyHandle ToNative()
        {
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpTopologyNew(out TopologyHandle native);
            try
            {
                Native.UcpTopologySetProduct(native, (ucp_product)Product);
                foreach (Fact fact in AllFacts)
                {
                    foreach (string value in GetValues(fact))
                        Native.UcpTopologyAdd(native, (ucp_fact)fact, value);
                }
                return native;
            }
            catch
            {
                native.Dispose();
                throw;
            }
        }

        static Topology FromNative(TopologyHandle native)
        {
            var topology = new Topology { Product = (Product)Native.UcpTopologyProduct(native) };
            foreach (Fact fact in AllFacts)
            {
                int count = Native.UcpTopologyCount(native, (ucp_fact)fact);
                var values = new string[count];
                for (int i = 0; i < count; i++)
                    values[i] = Utf8.NonNull(Native.UcpTopologyGet(native, (ucp_fact)fact, i));
                topology.SetValues(fact, values);
            }
            return topology;
        }

        static readonly Fact[] AllFacts = (Fact[])Enum.GetValues(typeof(Fact));

        static void Replace(IList<string> list, string[] values)
        {
            list.Clear();
            foreach (string value in values)
                list.Add(value);
        }

        string? GetSingle(Fact fact) => fact switch
        {
            Fact.Fqdn => Fqdn,
            Fact.PoolFqdn => PoolFqdn,
            Fact.WebServicesFqdn => WebServicesFqdn,
            Fact.AccessEdgeFqdn => AccessEdgeFqdn,
            Fact.WebConferencingEdgeFqdn => WebConferencingEdgeFqdn,
            Fact.XmppDomain => XmppDomain,
            _ => throw new ArgumentOutOfRangeException(nameof(fact)),
        };

        void SetSingle(Fact fact, string? value)
        {
            switch (fact)
            {
                case Fact.Fqdn: Fqdn = value; break;
                case Fact.PoolFqdn: PoolFqdn = value; break;
                case Fact.WebServicesFqdn: WebServicesFqdn = value; break;
                case Fact.AccessEdgeFqdn: AccessEdgeFqdn = value; break;
                case Fact.WebConferencingEdgeFqdn: WebConferencingEdgeFqdn = value; break;
                case Fact.XmppDomain: XmppDomain = value; break;
                default: throw new ArgumentOutOfRangeException(nameof(fact));
            }
        }
    }

    /// <summary>A server a topology document lists (<see cref="Topology.GetServers"/>).</summary>
    public sealed class TopologyServer
    {
        internal TopologyServer(string fqdn, string poolFqdn)
        {
            Fqdn = fqdn;
            PoolFqdn = poolFqdn;
        }

        /// <summary>The server's FQDN (lower case).</summary>
        public string Fqdn { get; }

        /// <summary>Its pool's FQDN (the server's own for a Standard Edition server).</summary>
        public string PoolFqdn { get; }

        /// <inheritdoc/>
        public override string ToString() => Fqdn + " (pool " + PoolFqdn + ")";
    }
}
