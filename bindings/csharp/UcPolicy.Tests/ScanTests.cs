// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>The front end fe01.contoso.com's certificate, served by tests/tools/probe-server on
    /// 127.0.0.2, and a topology document (made here) naming fe01 and fe02; nothing listens on
    /// fe02's port at 127.0.0.3. Every scan is loopback only.</summary>
    public sealed class ScanPki : IDisposable
    {
        public ScanPki()
        {
            Probe = new ProbePki();
            Pki pki = Probe.Pki;
            using X509Certificate2 fe01 = pki.Leaf("fe01.contoso.com")
                .DnsNames("fe01.contoso.com", "sip.contoso.com", "lyncdiscoverinternal.contoso.com")
                .Eku(true, true).Build();
            ServerChain = pki.WritePem("scan-fe01-chain.pem", fe01, pki.Issuing);
            using (RSA key = fe01.GetRSAPrivateKey()!)
                ServerKey = pki.WriteBytes("scan-fe01.key", Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        }

        public ProbePki Probe { get; }
        public string ServerChain { get; }
        public string ServerKey { get; }

        /// <summary>A Topology Builder document: each server a Standard Edition pool of its own whose
        /// Registrar listens (Mtls) on the given port.</summary>
        public string Topology(string name, params (string Fqdn, int Sip)[] servers)
        {
            const string sr = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
            var clusters = new StringBuilder();
            var services = new StringBuilder();
            for (int i = 1; i <= servers.Length; i++)
            {
                string uid = "11111111-0000-4000-8000-" + i.ToString("D12");
                string fqdn = SecurityElement.Escape(servers[i - 1].Fqdn)!;
                clusters.Append($"            <Cluster IsSingleMachineOnly=\"true\" UniqueId=\"{uid}\" Fqdn=\"{fqdn}\">\n" +
                                $"              <Machines><Machine Fqdn=\"{fqdn}\" /></Machines>\n            </Cluster>\n");
                services.Append($"        <Service UniqueId=\"{uid.Substring(0, uid.Length - 4)}a{i % 1000:D3}\" RoleName=\"Registrar\" " +
                                $"InstalledOn=\"{uid}\" ServiceVersion=\"8\">\n          <Ports xmlns=\"{sr}\">" +
                                "<Port Owner=\"urn:component:Registrar\" Usage=\"SipServer\" InterfaceSide=\"Primary\" " +
                                $"InterfaceNumber=\"1\" Port=\"{servers[i - 1].Sip}\" Protocol=\"Mtls\" /></Ports>\n" +
                                $"          <RegistrarService IsDirector=\"false\" xmlns=\"{sr}\" />\n        </Service>\n");
            }
            string text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
                "<TopologyBuilder xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\">\n" +
                "  <NewTopology>\n" +
                "    <PartialTopology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008\">\n" +
                "      <InternalDomains DefaultDomain=\"contoso.com\" xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">\n" +
                "        <InternalDomain Name=\"contoso.com\" />\n" +
                "      </InternalDomains>\n" +
                "      <CentralSites>\n        <CentralSite SiteId=\"1\">\n          <Clusters>\n" +
                clusters +
                "          </Clusters>\n        </CentralSite>\n      </CentralSites>\n      <Services>\n" +
                services +
                "      </Services>\n    </PartialTopology>\n  </NewTopology>\n</TopologyBuilder>\n";
            return Probe.Pki.WriteBytes(name, Encoding.UTF8.GetBytes(text));
        }

        /// <summary>A port on 127.0.0.3 where nothing listens.</summary>
        public static int ClosedPort()
        {
            var l = new TcpListener(IPAddress.Parse("127.0.0.3"), 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        public void Dispose() => Probe.Dispose();
    }

    public class ScanTests : IClassFixture<ScanPki>
    {
        readonly ScanPki k;

        public ScanTests(ScanPki pki) => k = pki;

        ProbeServer Fe01(int connections) =>
            new ProbeServer(k.Probe, connections, "--mode", "sip", "--address", "127.0.0.2",
                            "--cert", k.ServerChain, "--key", k.ServerKey);

        Scanner NewScanner(ProbeServer fe01, string name)
        {
            string topology = k.Topology(name, ("fe01.contoso.com", fe01.Port), ("fe02.contoso.com", ScanPki.ClosedPort()));
            var scanner = new Scanner(topology) { LoopbackOnly = true, Timeout = TimeSpan.FromSeconds(20), Jobs = 2 };
            scanner.AddResolve("fe01.contoso.com:127.0.0.2");
            scanner.AddResolve("fe02.contoso.com:127.0.0.3");
            return scanner;
        }

        [Fact]
        public void EveryEndpointOnceInDocumentOrderWithProgressOnTheCallingThread()
        {
            using ProbeServer server = Fe01(1);
            using Checker checker = k.Probe.NewChecker();
            using Scanner scanner = NewScanner(server, "scan-order.tbxml");
            scanner.SetClientCredentials(k.Probe.ExchangeChain, k.Probe.ExchangeKey);
            Assert.Equal(new[] { "fe01.contoso.com", "fe02.contoso.com" }, scanner.Endpoints.Select(e => e.Host));
            Assert.All(scanner.Endpoints, e => Assert.Equal(("frontend-default", ProbeProtocol.Sip, "Mtls"), (e.Role, e.Protocol, e.Transport)));
            int caller = Environment.CurrentManagedThreadId;
            var seen = new List<(string Host, int Done, int Total, bool SameThread)>();
            IReadOnlyList<ScanResult> results = scanner.Run(checker, (r, done, total) =>
            {
                seen.Add((r.Host, done, total, Environment.CurrentManagedThreadId == caller));
                return false;
            });
            Assert.Equal(new[] { ("fe01.contoso.com", "fe01.contoso.com"), ("fe02.contoso.com", "fe02.contoso.com") },
                         results.Select(r => (r.Host, r.Server)));
            ScanResult fe01 = results[0], fe02 = results[1];
            Assert.True(fe01.Ok, string.Join(", ", fe01.Report?.Findings.Select(f => f.Code) ?? new[] { fe01.Error?.Message ?? "" }));
            Assert.Equal(ScanOutcome.Pass, fe01.Result);
            Assert.Null(fe01.Error);
            Assert.False(fe01.ClientCertificateRefused);
            Assert.Equal(ClientAuthentication.Accepted, fe01.Report!.Connection!.ClientAuthentication);
            Assert.Equal(("127.0.0.2", "fe01.contoso.com"), (fe01.Report.Connection.Address, fe01.Report.Connection.ServerName));
            Assert.Equal(ScanOutcome.Error, fe02.Result);
            Assert.Null(fe02.Report);
            Assert.Equal(UcPolicyErrorCode.Network, fe02.Error!.Code);
            Assert.Equal("UCP_E_NETWORK", fe02.Error.Name);
            Assert.Contains("fe02.contoso.com:" + fe02.Port, fe02.Error.Message);
            Assert.Equal(new[] { "fe01.contoso.com", "fe02.contoso.com" }, seen.Select(s => s.Host).OrderBy(h => h));
            Assert.Equal(new[] { (1, 2, true), (2, 2, true) }, seen.Select(s => (s.Done, s.Total, s.SameThread)));
        }

        [Fact]
        public void RefusedClientCertificateFailsTheEndpoint()
        {
            using ProbeServer server = Fe01(1);
            using Checker checker = k.Probe.NewChecker();
            using Scanner scanner = NewScanner(server, "scan-refused.tbxml");
            using (SecureString password = KeysAndPoolTests.Secure("contoso"))
                scanner.SetClientCredentials(k.Probe.WildcardPfx, null, password);
            ScanResult fe01 = scanner.Run(checker)[0];
            Assert.True(fe01.ClientCertificateRefused);
            Assert.Equal(ScanOutcome.Fail, fe01.Result);
            Assert.Equal(Result.Pass, fe01.Report!.Result); // the front end's own certificate is right
            Assert.Equal("SIP/2.0 403 Forbidden", fe01.Report.Connection!.Response);
        }

        [Fact]
        public void ProgressStopsTheScanAndItsExceptionsAreRethrown()
        {
            string topology = k.Topology("scan-stop.tbxml", ("fe01.contoso.com", 5061), ("fe02.contoso.com", 5061));
            using Checker checker = k.Probe.NewChecker();
            using var scanner = new Scanner(topology) { LoopbackOnly = true, Jobs = 1 };
            IReadOnlyList<ScanResult> results = scanner.Run(checker, (r, done, total) => true);
            ScanResult only = Assert.Single(results);
            Assert.Equal(ScanOutcome.Error, only.Result);
            Assert.Contains("no loopback address is given", only.Error!.Message);
            var e = Assert.Throws<InvalidOperationException>(() =>
                scanner.Run(checker, (r, done, total) => throw new InvalidOperationException("from the callback")));
            Assert.Equal("from the callback", e.Message);
            // Not a loopback address: refused before any packet is sent.
            scanner.AddResolve("fe01.contoso.com:192.0.2.1");
            Assert.Contains("not a loopback address", scanner.Run(checker)[0].Error!.Message);
        }

        [Fact]
        public void Refusals()
        {
            string topology = k.Topology("scan-refusals.tbxml", ("fe01.contoso.com", 5061));
            using var scanner = new Scanner(topology);
            var notFound = Assert.Throws<UcPolicyException>(() => scanner.AddResolve("www.example.com:127.0.0.1"));
            Assert.Equal(UcPolicyErrorCode.NotFound, notFound.Code);
            Assert.Contains("'www.example.com' is not an endpoint of the topology", notFound.Message);
            var address = Assert.Throws<UcPolicyException>(() => scanner.AddResolve("fe01.contoso.com:localhost"));
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, address.Code);
            Assert.Contains("not an IP address", address.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => scanner.Jobs = 0);
            Assert.Throws<ArgumentOutOfRangeException>(() => scanner.Jobs = Scanner.MaxJobs + 1);
            Assert.Throws<ArgumentOutOfRangeException>(() => scanner.Timeout = TimeSpan.Zero);
            string json = k.Probe.Pki.WriteBytes("scan-facts.json", Encoding.UTF8.GetBytes("{\"fqdn\": \"fe01.contoso.com\"}"));
            var facts = Assert.Throws<UcPolicyException>(() => new Scanner(json));
            Assert.Equal(UcPolicyErrorCode.Topology, facts.Code);
            Assert.Contains("topology document", facts.Message);
            var missing = Assert.Throws<UcPolicyException>(() => new Scanner(Path.Combine(k.Probe.Pki.Directory, "none.tbxml")));
            Assert.Contains("none.tbxml", missing.Message);
            scanner.Dispose();
            Assert.Throws<ObjectDisposedException>(() => scanner.Jobs = 2);
        }
    }
}
