// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Tasks;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>tests/tools/probe-server on 127.0.0.1 (UCPOLICY_PROBE_SERVER, set by meson): it plays a
    /// Lync front end that accepts only a client certificate whose CN names a configured peer
    /// (exch01.contoso.com). It serves a fixed number of connections and stops by itself.</summary>
    public sealed class ProbeServer : IDisposable
    {
        readonly Process process;

        public ProbeServer(ProbePki pki, int connections, params string[] args)
        {
            string program = Environment.GetEnvironmentVariable("UCPOLICY_PROBE_SERVER")
                ?? throw new Xunit.Sdk.XunitException("UCPOLICY_PROBE_SERVER must name tests/tools/probe-server (meson sets it)");
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { "--cert", pki.ServerChain, "--key", pki.ServerKey, "--ca", pki.Pki.RootPath,
                                         "--peer", "exch01.contoso.com", "--connections", connections.ToString(),
                                         "--lifetime", "60" }.Concat(args))
                start.ArgumentList.Add(a);
            process = Process.Start(start)!;
            Task<string?> line = process.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(10)) || line.Result == null || !line.Result.StartsWith("PORT "))
            {
                process.Kill();
                throw new InvalidOperationException("probe-server did not start: " + process.StandardError.ReadToEnd());
            }
            Port = int.Parse(line.Result.Substring(5));
            Log = process.StandardError.ReadToEndAsync();
        }

        public int Port { get; }

        /// <summary>What the server wrote about each peer (complete once it has exited).</summary>
        public Task<string> Log { get; }

        public string WaitLog()
        {
            if (!process.WaitForExit(15000))
                process.Kill();
            return Log.Result;
        }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill();
            process.WaitForExit(5000);
            process.Dispose();
        }
    }

    /// <summary>The front end's certificate (served), Exchange's right one and the incident's wildcard one.</summary>
    public sealed class ProbePki : IDisposable
    {
        public ProbePki()
        {
            Pki = new Pki();
            using X509Certificate2 server = Pki.Leaf("pool01.contoso.com")
                .DnsNames("pool01.contoso.com", "fe01.contoso.com", "sip.contoso.com", "lyncdiscoverinternal.contoso.com")
                .Eku(true, true).Build();
            ServerChain = Pki.WritePem("probe-fe01-chain.pem", server, Pki.Issuing);
            ServerKey = WriteKey("probe-fe01.key", server);
            Exchange = Pki.Leaf("exch01.contoso.com").Eku(true, true).Build();
            Wildcard = Pki.Leaf("*.contoso.com").DnsNames("exch01.contoso.com", "*.contoso.com").Eku(true, true).Build();
            ExchangeChain = Pki.WritePem("probe-exch01-chain.pem", Exchange, Pki.Issuing);
            ExchangeKey = WriteKey("probe-exch01.key", Exchange);
            WildcardPfx = Pki.WritePfx("probe-wildcard.pfx", Wildcard, "contoso", Pki.Issuing);
        }

        string WriteKey(string name, X509Certificate2 cert)
        {
            using RSA key = cert.GetRSAPrivateKey()!;
            return Pki.WriteBytes(name, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        }

        public Pki Pki { get; }
        public string ServerChain { get; }
        public string ServerKey { get; }
        public X509Certificate2 Exchange { get; }
        public X509Certificate2 Wildcard { get; }
        public string ExchangeChain { get; }
        public string ExchangeKey { get; }
        public string WildcardPfx { get; }

        public Checker NewChecker()
        {
            var checker = new Checker { ValidationTime = Pki.Now };
            checker.AddTrustAnchors(Pki.RootPath);
            return checker;
        }

        public void Dispose()
        {
            Exchange.Dispose();
            Wildcard.Dispose();
            Pki.Dispose();
        }
    }

    public class ProbeTests : IClassFixture<ProbePki>
    {
        const string LyncReason = "The peer is not a configured server on this network interface";
        readonly ProbePki k;

        public ProbeTests(ProbePki pki) => k = pki;

        static Topology Facts()
        {
            var t = new Topology { Fqdn = "fe01.contoso.com", PoolFqdn = "pool01.contoso.com" };
            t.SipDomains.Add("contoso.com");
            return t;
        }

        static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        [Fact]
        public void IncidentWildcardCnRejectedOverSip()
        {
            using var server = new ProbeServer(k, 1, "--mode", "sip");
            using Checker checker = k.NewChecker();
            using var probe = new Probe("127.0.0.1", server.Port) { Protocol = ProbeProtocol.Sip, Timeout = TimeSpan.FromSeconds(10) };
            probe.SetServerName("fe01.contoso.com");
            using (SecureString password = KeysAndPoolTests.Secure("contoso"))
                probe.SetClientCredentials(k.WildcardPfx, null, password);
            Report report = probe.Run(checker, "frontend-default", Facts());
            ConnectionInfo c = report.Connection!;
            Assert.Equal(Result.Pass, report.Result); // the front end's own certificate is right
            Assert.Equal(ClientAuthentication.Rejected, c.ClientAuthentication);
            Assert.True(c.Rejected && c.ClientCertificateRequested && c.ClientCertificateSent);
            Assert.Equal("CN=*.contoso.com,O=Contoso", c.ClientCertificateSubject);
            Assert.Equal("SIP/2.0 403 Forbidden", c.Response);
            Assert.StartsWith("1000;", c.Diagnostics);
            Assert.Contains("reason=\"" + LyncReason + "\"", c.Diagnostics);
            Assert.Null(c.Alert);
            Assert.Equal(("127.0.0.1", server.Port, "127.0.0.1", "fe01.contoso.com", ProbeProtocol.Sip),
                         (c.Host, c.Port, c.Address, c.ServerName, c.Protocol));
            Assert.Equal(2, report.GetExitCode());
            Assert.Equal(0, report.GetExitCode(null));
            Assert.Equal("127.0.0.1:" + server.Port, report.InputName);
            JsonElement json = JsonDocument.Parse(report.ToJson()).RootElement.GetProperty("connection");
            Assert.Equal(c.Response, json.GetProperty("response").GetString());
            Assert.Equal(c.Diagnostics, json.GetProperty("msDiagnostics").GetString());
            Assert.Equal("rejected", json.GetProperty("clientCertificate").GetProperty("verdict").GetString());
            Assert.Equal(c.TlsVersion, json.GetProperty("tlsVersion").GetString());
            Assert.Equal(c.Detail, json.GetProperty("detail").GetString());
            Assert.Contains("SIP peer CN=*.contoso.com: 403 Forbidden", server.WaitLog());
        }

        [Fact]
        public void FixedWithTheFqdnCertificateFromADotNetObjectAndFromFiles()
        {
            using var server = new ProbeServer(k, 3, "--mode", "sip");
            using Checker checker = k.NewChecker();
            // Without its intermediate, the server (which trusts only the root) cannot verify it.
            using var alone = new Probe("127.0.0.1", ProbeProtocol.Sip, server.Port);
            alone.SetClientCertificate(k.Exchange);
            Assert.Equal(ClientAuthentication.Rejected, alone.Run(checker, "frontend-default", Facts()).Connection!.ClientAuthentication);
            using var probe = new Probe("127.0.0.1", ProbeProtocol.Sip, server.Port);
            probe.SetClientCertificate(k.Exchange, k.Pki.Issuing);
            Report report = probe.Run(checker, "frontend-default", Facts());
            Assert.True(report.Connection!.ClientAuthentication == ClientAuthentication.Accepted,
                        report.Connection.Detail);
            Assert.Equal("SIP/2.0 200 OK", report.Connection.Response);
            Assert.Null(report.Connection.Diagnostics);
            Assert.Null(report.Connection.ServerName); // no SNI for an IP address
            using var files = new Probe("127.0.0.1", ProbeProtocol.Sip, server.Port);
            files.SetClientCredentials(k.ExchangeChain, k.ExchangeKey);
            Report again = files.Run(checker, "frontend-default", Facts());
            Assert.Equal(ClientAuthentication.Accepted, again.Connection!.ClientAuthentication);
            Assert.Equal(0, again.GetExitCode());
            Assert.Equal("pool01.contoso.com", again.Topology.PoolFqdn);
            Assert.Equal(2, server.WaitLog().Split('\n').Count(l => l.Contains("SIP peer CN=exch01.contoso.com: 200 OK")));
        }

        [Fact]
        public void RejectionByTlsAlert()
        {
            using var server = new ProbeServer(k, 2, "--mode", "tls", "--reject", "alert");
            using Checker checker = k.NewChecker();
            using var probe = new Probe("127.0.0.1", server.Port);
            probe.SetClientCredentials(k.Pki.WritePem("probe-wildcard-chain.pem", k.Wildcard, k.Pki.Issuing),
                                       k.Pki.WriteBytes("probe-wildcard.key", System.Text.Encoding.ASCII.GetBytes(
                                           k.Wildcard.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem())));
            Report rejected = probe.Run(checker, "tls-server");
            Assert.Equal((ClientAuthentication.Rejected, "bad_certificate"), (rejected.Connection!.ClientAuthentication, rejected.Connection.Alert));
            Assert.Equal("pool01.contoso.com", rejected.Certificate.CommonName); // the server was checked all the same
            using var none = new Probe("127.0.0.1", server.Port);
            Report anonymous = none.Run(checker, "tls-server");
            Assert.True(anonymous.Connection!.ClientCertificateRequested);
            Assert.False(anonymous.Connection.ClientCertificateSent);
            Assert.Equal(ClientAuthentication.Rejected, anonymous.Connection.ClientAuthentication);
        }

        [Fact]
        public void NoCertificateObtainedThrows()
        {
            using Checker checker = k.NewChecker();
            int port = FreePort();
            // What ended each probe is in its error (the refusal, or the limit named), so no
            // wall-clock bound is needed, and none is asserted: a busy machine stalls any program.
            using var refused = new Probe("127.0.0.1", port) { Timeout = TimeSpan.FromSeconds(60) };
            var e = Assert.Throws<UcPolicyException>(() => refused.Run(checker, "tls-server"));
            Assert.Equal(UcPolicyErrorCode.Network, e.Code);
            Assert.Contains("127.0.0.1:" + port + ": cannot connect: connection refused", e.Message);

            using var silent = new ProbeServer(k, 1, "--hostile", "silent");
            using var slow = new Probe("127.0.0.1", silent.Port) { Timeout = TimeSpan.FromSeconds(1) };
            var timeout = Assert.Throws<UcPolicyException>(() => slow.Run(checker, "tls-server"));
            Assert.Equal(UcPolicyErrorCode.Timeout, timeout.Code);
            Assert.Contains("no answer to the TLS ClientHello within 1000 ms", timeout.Message);
        }

        [Fact]
        public void ArgumentAndCredentialErrors()
        {
            using Checker checker = k.NewChecker();
            Assert.Throws<ArgumentOutOfRangeException>(() => new Probe("127.0.0.1", 0));
            Assert.Throws<ArgumentNullException>(() => new Probe(null!, 443));
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, Assert.Throws<UcPolicyException>(() => new Probe("not a host", 443)).Code);
            using var probe = new Probe("127.0.0.1", FreePort());
            Assert.Throws<ArgumentOutOfRangeException>(() => probe.Timeout = TimeSpan.Zero);
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, Assert.Throws<UcPolicyException>(() => probe.SetServerName("not a name")).Code);
            using (SecureString wrong = KeysAndPoolTests.Secure("not-contoso"))
            {
                var e = Assert.Throws<UcPolicyException>(() => probe.SetClientCredentials(k.WildcardPfx, null, wrong));
                Assert.Equal(UcPolicyErrorCode.Password, e.Code);
                Assert.DoesNotContain("not-contoso", e.Message);
            }
            var mismatch = Assert.Throws<UcPolicyException>(() => probe.SetClientCredentials(k.ExchangeChain, k.ServerChain));
            Assert.Contains(k.ServerChain, mismatch.Message);
            using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(k.Exchange.RawData);
            Assert.Throws<ArgumentException>(() => probe.SetClientCertificate(publicOnly));
            Assert.Equal(UcPolicyErrorCode.UnknownRole, Assert.Throws<UcPolicyException>(() => probe.Run(checker, "no-such-role")).Code);
            Assert.Equal((443, 25, 5061), (Probe.DefaultPort(ProbeProtocol.Tls), Probe.DefaultPort(ProbeProtocol.Smtp), Probe.DefaultPort(ProbeProtocol.Sip)));
            probe.Dispose();
            probe.Dispose(); // idempotent
            Assert.Throws<ObjectDisposedException>(() => probe.Run(checker, "tls-server"));
        }
    }
}
