// SPDX-License-Identifier: MIT
using System.Linq;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>The reference incident of the design: Exchange UM with a wildcard CN, and its fix,
    /// through every kind of input the facade accepts.</summary>
    [Collection(PkiCollection.Name)]
    public class ExchangeUmTests
    {
        const string Symptom = "The peer is not a configured server on this network interface";
        readonly PkiFixture f;

        public ExchangeUmTests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void WildcardCnFailsWithTheIncidentRemediation()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.WildcardUmPath, "exchange-um", f.UmTopology);

            Assert.Equal(Result.Fail, report.Result);
            Assert.Equal("exchange-um", report.Role);
            Finding finding = Assert.Single(report.Findings, x => x.Code == "subject.cn-wildcard");
            Assert.Equal(Severity.Error, finding.Severity);
            Assert.Equal(Field.Subject, finding.Field);
            Assert.Contains(Symptom, finding.Remediation);
            Assert.Equal("*.contoso.com", finding.Actual);
            Assert.Equal(PkiFixture.UmFqdn, finding.Expected);
            Assert.Equal("*.contoso.com", finding.Arguments["cn"]);
            Assert.Equal("Wildcard in the subject common name", finding.Title);
            Assert.Contains(finding.References, r => r.Key == "L13-WILD");
            Assert.Equal(0, finding.CertificateIndex);
            Assert.Equal("exchange-um", finding.Role);
            Assert.Equal(f.WildcardUm.Thumbprint, finding.Thumbprint);
            Assert.True(report.ErrorCount >= 1);
            Assert.Equal(report.Findings.Count(x => x.Severity == Severity.Error), report.ErrorCount);
        }

        [Fact]
        public void CorrectCertificatePasses()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.CorrectUmPath, "UM", f.UmTopology);

            Assert.Equal(Result.Pass, report.Result);
            Assert.Equal("exchange-um", report.Role); // the alias resolves to the id
            Assert.DoesNotContain(report.Findings, x => x.Severity != Severity.Info);
            Assert.Equal(ChainStatus.Valid, report.ChainStatus);
            Assert.True(report.ChainTrusted);
            Assert.Equal(3, report.Chain.Count);
            Assert.Equal(new[] { "input", "input", "trust" }, report.Chain.Select(c => c.Source));
            Assert.Equal(f.CorrectUm.Thumbprint, report.Thumbprint);
            Assert.Equal("CN=exch01.contoso.com,O=Contoso", report.Subject);
            Assert.Equal(f.Pki.Now, report.ValidationTime);
            Assert.Equal(335, report.DaysRemaining);
            Assert.Equal(CertificateFormat.Pem, report.InputFormat);
            Assert.Equal(f.CorrectUmPath, report.InputName);
            Assert.Equal(Product.SfB2019, report.Product);
        }

        [Fact]
        public void CertificateInfoIsWhatTheCertificateHolds()
        {
            using Checker checker = f.NewChecker();
            CertificateInfo c = checker.Check(f.CorrectUmPath, "UM", f.UmTopology).Certificate;

            Assert.Equal(PkiFixture.UmFqdn, c.CommonName);
            Assert.Equal(new[] { PkiFixture.UmFqdn }, c.DnsNames);
            Assert.Equal(SanType.Dns, Assert.Single(c.SubjectAlternativeNames).Type);
            Assert.Equal(new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" }, c.EnhancedKeyUsages);
            Assert.Equal(new[] { "serverAuth", "clientAuth" }, c.EnhancedKeyUsageNames);
            Assert.Equal("RSA", c.KeyAlgorithm);
            Assert.Equal(2048, c.KeySize);
            Assert.Null(c.KeyCurve);
            Assert.Equal("RSA-SHA256", c.SignatureAlgorithm);
            Assert.Equal(new[] { Pki.CrlUrl }, c.CrlDistributionPoints);
            Assert.False(c.IsCertificateAuthority);
            Assert.False(c.IsSelfSigned);
            Assert.Equal(f.CorrectUm.RawData, c.GetRawData());
            Assert.Equal(f.CorrectUm.NotAfter.ToUniversalTime(), c.NotAfter.UtcDateTime);
            Assert.Equal(f.CorrectUm.SerialNumber, c.SerialNumber);
            using X509Certificate2 copy = c.ToX509Certificate2();
            Assert.Equal(f.CorrectUm.Thumbprint, copy.Thumbprint);
        }

        [Fact]
        public void ByteArraysInEveryFormat()
        {
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.IssuingPath);

            Report der = checker.Check(f.WildcardUm.RawData, "UM", f.UmTopology, name: "um.cer");
            Assert.Equal(CertificateFormat.Der, der.InputFormat);
            Assert.Equal("um.cer", der.InputName);
            Assert.Equal(Result.Fail, der.Result);
            Assert.True(der.HasFinding("subject.cn-wildcard"));

            byte[] pem = System.Text.Encoding.ASCII.GetBytes(Pki.Pem(f.CorrectUm));
            Report fromPem = checker.Check(pem, "UM", f.UmTopology);
            Assert.Equal(CertificateFormat.Pem, fromPem.InputFormat);
            Assert.Equal("<memory>", fromPem.InputName);
            Assert.Equal(Result.Pass, fromPem.Result);
            // The intermediate came from the checker's pool this time.
            Assert.Equal(new[] { "input", "intermediates", "trust" }, fromPem.Chain.Select(c => c.Source));

            using SecureString password = Secure("Pa$$w0rd ü");
            byte[] pfx = Pki.Pfx(f.CorrectUm, "Pa$$w0rd ü", f.Pki.Issuing);
            using CertificateInput input = CertificateInput.FromBytes(pfx, "um.pfx", password);
            Assert.Equal(CertificateFormat.Pkcs12, input.Format);
            Assert.True(input.HasPrivateKey);
            Assert.Equal(f.CorrectUm.Thumbprint, input.Leaf.Thumbprint);
            Assert.Equal(2, input.Certificates.Count);
            Assert.Equal(Result.Pass, checker.Check(input, "UM", f.UmTopology).Result);
        }

        [Fact]
        public void X509Certificate2ByRawData()
        {
            using Checker checker = f.NewChecker();

            Report bad = checker.Check(f.WildcardUm, "UM", f.UmTopology, new[] { f.Pki.Issuing });
            Assert.Equal(Result.Fail, bad.Result);
            Assert.Contains(Symptom, bad.Findings.Single(x => x.Code == "subject.cn-wildcard").Remediation);
            Assert.Equal("Thumbprint " + f.WildcardUm.Thumbprint, bad.InputName);

            Report good = checker.Check(f.CorrectUm, "UM", f.UmTopology, new[] { f.Pki.Issuing });
            Assert.Equal(Result.Pass, good.Result);
            Assert.Equal(f.CorrectUm.Thumbprint, good.Thumbprint);

            // Without the intermediate the path is incomplete: the chain is not invented. An empty
            // presented chain means the certificate alone; none (null) means the intermediates the
            // system's stores hold, and no store holds this test's fresh issuing CA. (The Pester
            // suite puts it in a CurrentUser CA store and sees the chain completed.)
            Report alone = checker.Check(f.CorrectUm, "UM", f.UmTopology, System.Array.Empty<X509Certificate2>());
            Assert.Equal(ChainStatus.Incomplete, alone.ChainStatus);
            Assert.True(alone.HasFinding("chain.issuer-missing"));
            Report unknown = checker.Check(f.CorrectUm, "UM", f.UmTopology);
            Assert.Equal(ChainStatus.Incomplete, unknown.ChainStatus);
            Assert.Empty(CertificateInput.FindSystemIntermediates(f.CorrectUm));
            Assert.Empty(CertificateInput.FindSystemIntermediates(f.Pki.Root));   // a root is never "presented"

            // Intermediates found for it in the system's stores are named as such in the report.
            using (CertificateInput input = CertificateInput.FromCertificate(f.CorrectUm))
            {
                input.AddSystemIntermediates(new[] { f.Pki.Issuing });
                Report found = checker.Check(input, "UM", f.UmTopology);
                Assert.Equal(Result.Pass, found.Result);
                Assert.Equal(new[] { "input", "system-intermediates", "trust" }, found.Chain.Select(c => c.Source));
                Assert.Contains("\"source\": \"system-intermediates\"", found.ToJson());
            }

            // Trust anchors and intermediates may be .NET certificates too.
            using var other = new Checker { ValidationTime = f.Pki.Now };
            other.AddTrustAnchors(f.Pki.Root);
            other.AddIntermediates(f.Pki.Issuing);
            Assert.Equal(Result.Pass, other.Check(f.CorrectUm, "UM", f.UmTopology).Result);
        }

        [Fact]
        public void PkcsTwelveFileWithPassword()
        {
            string path = f.Pki.WritePfx("um-file.pfx", f.CorrectUm, "secret", f.Pki.Issuing);
            using Checker checker = f.NewChecker();
            using SecureString password = Secure("secret");
            Report report = checker.Check(path, "UM", f.UmTopology, password);
            Assert.Equal(Result.Pass, report.Result);
            Assert.Equal(CertificateFormat.Pkcs12, report.InputFormat);
        }

        [Fact]
        public void MissingFactsAreAWarningNotAPass()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.CorrectUmPath, "UM");
            Assert.Equal(Result.Warning, report.Result);
            Finding missing = Assert.Single(report.Findings, x => x.Code == "input.facts-missing");
            Assert.Equal(Severity.Warning, missing.Severity);
            Assert.Equal(-1, missing.CertificateIndex);
        }

        [Fact]
        public void SeveralRolesFromOneInput()
        {
            using Checker checker = f.NewChecker();
            using CertificateInput input = CertificateInput.FromFile(f.WildcardUmPath);
            Report um = checker.Check(input, "UM", f.UmTopology);
            Report callRouter = checker.Check(input, "UMCallRouter", f.UmTopology);
            Assert.Equal("exchange-um", um.Role);
            Assert.Equal("exchange-um-callrouter", callRouter.Role);
            Assert.True(um.HasFinding("subject.cn-wildcard"));
            Assert.True(callRouter.HasFinding("subject.cn-wildcard"));
        }

        [Fact]
        public void ExpiryWarningFollowsTheSetting()
        {
            using X509Certificate2 soon = f.Pki.Leaf(PkiFixture.UmFqdn).ExpiresInDays(20).Build();
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            Report warned = checker.Check(soon, "UM", f.UmTopology);
            Assert.Equal(Result.Warning, warned.Result);
            Assert.Equal(20, warned.DaysRemaining);
            Assert.True(warned.HasFinding("validity.expiring"));

            checker.ExpiryWarningDays = 10;
            Assert.Equal(Result.Pass, checker.Check(soon, "UM", f.UmTopology).Result);
            Assert.Equal(10, checker.ExpiryWarningDays);
        }

        internal static SecureString Secure(string text)
        {
            var s = new SecureString();
            foreach (char c in text)
                s.AppendChar(c);
            s.MakeReadOnly();
            return s;
        }
    }
}
