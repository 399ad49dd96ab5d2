// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.IO;
using System.Linq;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Key usage, certificate templates, private key facts, the report's deployment facts
    /// and the pool check, each compared with what the library writes in its JSON report.</summary>
    [Collection(PkiCollection.Name)]
    public class KeysAndPoolTests
    {
        const string TemplateOid = "1.3.6.1.4.1.311.21.8.1234.5678.17";
        readonly PkiFixture f;

        public KeysAndPoolTests(PkiFixture fixture) => f = fixture;

        static JsonElement Json(Report report) => JsonDocument.Parse(report.ToJson()).RootElement;

        internal static SecureString Secure(string text)
        {
            var s = new SecureString();
            foreach (char c in text)
                s.AppendChar(c);
            s.MakeReadOnly();
            return s;
        }

        [Fact]
        public void KeyUsageBitsAndNames()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.CorrectUmPath, "exchange-um", f.UmTopology);
            CertificateInfo cert = report.Certificate;
            Assert.True(cert.HasKeyUsage);
            Assert.True(cert.KeyUsageCritical);
            Assert.Equal(KeyUsages.DigitalSignature | KeyUsages.KeyEncipherment, cert.KeyUsages);
            Assert.Equal(new[] { "digitalSignature", "keyEncipherment" }, cert.KeyUsageNames);
            Assert.False(cert.EnhancedKeyUsageCritical);
            JsonElement ku = Json(report).GetProperty("certificate").GetProperty("keyUsage");
            Assert.Equal(cert.KeyUsageNames, ku.GetProperty("usages").EnumerateArray().Select(e => e.GetString()!));
            Assert.True(ku.GetProperty("critical").GetBoolean());
        }

        [Fact]
        public void NoKeyUsageExtension()
        {
            using X509Certificate2 leaf = f.Pki.Leaf(PkiFixture.UmFqdn).KeyUsage(X509KeyUsageFlags.None).Build();
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.IssuingPath);
            Report report = checker.Check(leaf, "exchange-um", f.UmTopology);
            Assert.False(report.Certificate.HasKeyUsage);
            Assert.Equal(KeyUsages.None, report.Certificate.KeyUsages);
            Assert.Empty(report.Certificate.KeyUsageNames);
            Assert.Equal(JsonValueKind.Null, Json(report).GetProperty("certificate").GetProperty("keyUsage").ValueKind);
        }

        static X509Extension TemplateName(string name)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            w.WriteCharacterString(UniversalTagNumber.BMPString, name);
            return new X509Extension("1.3.6.1.4.1.311.20.2", w.Encode(), false);
        }

        static X509Extension TemplateV2(string oid, int? major, int? minor)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(oid);
                if (major.HasValue)
                    w.WriteInteger(major.Value);
                if (minor.HasValue)
                    w.WriteInteger(minor.Value);
            }
            return new X509Extension("1.3.6.1.4.1.311.21.7", w.Encode(), false);
        }

        [Theory]
        [InlineData("v1", "WebServer", null, null, null)]
        [InlineData("v2", null, TemplateOid, 100L, 4L)]
        [InlineData("both", "LyncServer", TemplateOid, 2L, 0L)]
        [InlineData("none", null, null, null, null)]
        public void CertificateTemplate(string kind, string? name, string? oid, long? major, long? minor)
        {
            LeafBuilder builder = f.Pki.Leaf(PkiFixture.UmFqdn);
            if (name != null)
                builder.AddExtension(TemplateName(name));
            if (oid != null)
                builder.AddExtension(TemplateV2(oid, (int?)major, (int?)minor));
            using X509Certificate2 leaf = builder.Build();
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.IssuingPath);
            Report report = checker.Check(leaf, "exchange-um", f.UmTopology);
            JsonElement json = Json(report).GetProperty("certificate").GetProperty("template");
            if (kind == "none")
            {
                Assert.Null(report.Certificate.Template);
                Assert.Equal(JsonValueKind.Null, json.ValueKind);
                return;
            }
            CertificateTemplate t = Assert.IsType<CertificateTemplate>(report.Certificate.Template);
            Assert.Equal((name, oid, major, minor), (t.Name, t.Oid, t.MajorVersion, t.MinorVersion));
            Assert.Equal(name, json.GetProperty("name").GetString());
            Assert.Equal(oid, json.GetProperty("oid").GetString());
            Assert.Equal(major, json.GetProperty("majorVersion").ValueKind == JsonValueKind.Null ? null : json.GetProperty("majorVersion").GetInt64());
            Assert.False(report.HasFinding("input.template-malformed"));
        }

        [Fact]
        public void PrivateKeyFactsOfAPfxAndOfAPemFile()
        {
            using Checker checker = f.NewChecker();
            string pfx = f.Pki.WritePfx("keys-um.pfx", f.CorrectUm, "pw", f.Pki.Issuing);
            using SecureString password = Secure("pw");
            Report report = checker.Check(pfx, "exchange-um", f.UmTopology, password);
            PrivateKeyInfo key = report.PrivateKey;
            Assert.True(key.Present);
            Assert.Equal(KeyMatch.Yes, key.MatchesCertificate);
            JsonElement json = Json(report).GetProperty("privateKey");
            Assert.Equal(key.Present, json.GetProperty("present").GetBoolean());
            Assert.Equal("yes", json.GetProperty("matchesCertificate").GetString());
            Assert.Equal(key.Provider, json.GetProperty("provider").GetString());
            Assert.Equal(key.FriendlyName, json.GetProperty("friendlyName").GetString());
            Assert.Equal(json.GetProperty("providerState").GetString(), ProviderStateName(key.ProviderState));
            Assert.Equal(json.GetProperty("storage").GetString(), key.Storage.ToString().ToLowerInvariant());

            Report pem = checker.Check(f.CorrectUmPath, "exchange-um", f.UmTopology);
            Assert.False(pem.PrivateKey.Present);
            Assert.Equal(KeyProviderState.NotApplicable, pem.PrivateKey.ProviderState);
            Assert.DoesNotContain(pem.Findings, x => x.Field == Field.PrivateKey);
        }

        static string ProviderStateName(KeyProviderState state) => state switch
        {
            KeyProviderState.NotApplicable => "not-applicable",
            KeyProviderState.Recorded => "recorded",
            KeyProviderState.NotRecorded => "not-recorded",
            _ => "not-visible",
        };

        [Theory]
        [InlineData("Microsoft Software Key Storage Provider", KeyStorage.Ksp)]
        [InlineData("Microsoft RSA SChannel Cryptographic Provider", KeyStorage.Csp)]
        [InlineData("Contoso HSM", KeyStorage.Unknown)]
        [InlineData(null, KeyStorage.Unknown)]
        public void ClassifiesProviders(string? provider, KeyStorage expected) =>
            Assert.Equal(expected, PrivateKeyInfo.Classify(provider));

        [Fact]
        public void TheReportCarriesTheFactsItUsed()
        {
            using Checker checker = f.NewChecker();
            var facts = new Topology { Product = Product.Lync2013, Fqdn = "edge01.contoso.com", PoolFqdn = "edgepool.contoso.com" };
            facts.SipDomains.Add("contoso.com");
            facts.SipDomains.Add("fabrikam.com");
            Report report = checker.Check(f.CorrectUmPath, "edge-external", facts);
            Topology used = report.Topology;
            Assert.Equal(Product.Lync2013, used.Product);
            Assert.Equal("edge01.contoso.com", used.Fqdn);
            Assert.Equal(new[] { "contoso.com", "fabrikam.com" }, used.SipDomains);
            Assert.Null(used.XmppDomain);
            used.Fqdn = "changed.contoso.com"; // a copy
            Assert.Equal("edge01.contoso.com", report.Topology.Fqdn);
            Assert.True(checker.Check(f.CorrectUmPath, "exchange-um").Topology.IsEmpty);
        }

        // ---- pool ------------------------------------------------------------------------------

        [Fact]
        public void PoolOfIdenticalRenewedAndForeignServers()
        {
            using X509Certificate2 edge = f.Pki.Leaf("edgeint.contoso.com").Build();
            using X509Certificate2 renewed = f.Pki.Leaf("edgeint.contoso.com").Build(); // same key, new certificate
            using X509Certificate2 foreign = f.Pki.Leaf("edgeint.contoso.com").Ecdsa().Build();
            string[] files =
            {
                f.Pki.WritePfx("edge01.pfx", edge, "pool", f.Pki.Issuing),
                f.Pki.WritePfx("edge02.pfx", edge, "pool", f.Pki.Issuing),
                f.Pki.WritePfx("edge03.pfx", renewed, "pool", f.Pki.Issuing),
                f.Pki.WritePfx("edge04.pfx", foreign, "pool", f.Pki.Issuing),
            };
            using Checker checker = f.NewChecker();
            using SecureString password = Secure("pool");
            var facts = new Topology { Fqdn = "edgeint.contoso.com" };
            Report report = checker.CheckPool(files, "edge-internal", facts, password);
            Assert.Equal(new[] { PoolState.Reference, PoolState.Identical, PoolState.DifferentCertificateSameKey, PoolState.DifferentKey },
                         report.Pool.Select(m => m.State));
            Assert.Equal(files, report.Pool.Select(m => m.Name));
            Assert.Equal(new[] { true, true, false, false }, report.Pool.Select(m => m.IsConsistent));
            Assert.Equal(edge.Thumbprint, report.Pool[1].Certificate.Thumbprint);
            Assert.Equal(foreign.Thumbprint, report.Pool[3].Certificate.Thumbprint);
            Finding[] mismatches = report.Findings.Where(x => x.Code == "private-key.pool-mismatch").ToArray();
            Assert.Equal(2, mismatches.Length);
            Assert.All(mismatches, x => Assert.Equal(Severity.Error, x.Severity));
            Assert.Equal(Result.Fail, report.Result);
            Assert.Equal(new[] { "reference", "identical", "different-certificate-same-key", "different-key" },
                         Json(report).GetProperty("pool").EnumerateArray().Select(e => e.GetProperty("state").GetString()));
            // The same two servers, identical: no finding.
            Report same = checker.CheckPool(files.Take(2), "edge-internal", facts, password);
            Assert.False(same.HasFinding("private-key.pool-mismatch"));
            // A role that does not need one certificate compares, and does not fail for it.
            Report um = checker.CheckPool(new[] { files[0], files[3] }, "exchange-um", null, password);
            Assert.Equal(PoolState.DifferentKey, um.Pool[1].State);
            Assert.False(um.HasFinding("private-key.pool-mismatch"));
        }

        [Fact]
        public void PoolOfInputsInMemory()
        {
            using Checker checker = f.NewChecker();
            using SecureString password = Secure("pw");
            using CertificateInput a = CertificateInput.FromBytes(Pki.Pfx(f.CorrectUm, "pw", f.Pki.Issuing), "fe01.pfx", password);
            using CertificateInput b = CertificateInput.FromBytes(Pki.Pfx(f.CorrectUm, "pw", f.Pki.Issuing), "fe02.pfx", password);
            Report report = checker.CheckPool(new[] { a, b }, "oauth-token-issuer");
            Assert.Equal(new[] { ("fe01.pfx", PoolState.Reference), ("fe02.pfx", PoolState.Identical) },
                         report.Pool.Select(m => (m.Name, m.State)));
            Assert.Equal("fe01.pfx", report.InputName);
            Assert.Empty(checker.Check(a, "oauth-token-issuer").Pool);
        }

        [Fact]
        public void PoolErrors()
        {
            using Checker checker = f.NewChecker();
            var none = Assert.Throws<UcPolicyException>(() => checker.CheckPool(Array.Empty<CertificateInput>(), "edge-internal"));
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, none.Code);
            using CertificateInput one = CertificateInput.FromFile(f.CorrectUmPath);
            var tooMany = Assert.Throws<UcPolicyException>(() => checker.CheckPool(Enumerable.Repeat(one, 65), "edge-internal"));
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, tooMany.Code);
            Assert.Equal(64, checker.CheckPool(Enumerable.Repeat(one, 64), "edge-internal").Pool.Count);
            var missing = Assert.Throws<UcPolicyException>(() => checker.CheckPool(new[] { f.CorrectUmPath, "no-such-edge.pfx" }, "edge-internal"));
            Assert.Equal(UcPolicyErrorCode.IO, missing.Code);
            Assert.Contains("no-such-edge.pfx", missing.Message);
            var role = Assert.Throws<UcPolicyException>(() => checker.CheckPool(new[] { one, one }, "no-such-role"));
            Assert.Equal(UcPolicyErrorCode.UnknownRole, role.Code);
            CertificateInput disposed = CertificateInput.FromFile(f.CorrectUmPath);
            disposed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => checker.CheckPool(new[] { one, disposed }, "edge-internal"));
            // The inputs stay usable after a pool check borrowed them.
            Assert.Equal(PkiFixture.UmFqdn, checker.Check(one, "exchange-um").Certificate.CommonName);
        }
    }
}
