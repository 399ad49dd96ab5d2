// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Revocation with CRLs given to the checker, and fetched online from a server on
    /// 127.0.0.1 that the test starts (nothing leaves the loopback interface).</summary>
    [Collection(PkiCollection.Name)]
    public class RevocationTests
    {
        readonly PkiFixture f;

        public RevocationTests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void NotCheckedWithoutCrls()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.CorrectUmPath, "UM", f.UmTopology);
            Assert.All(report.Chain, c => Assert.Equal(RevocationStatus.NotChecked, c.Revocation));
            Assert.All(report.Chain, c => Assert.Null(c.RevocationSource));
            Assert.False(checker.Online);
            Assert.False(checker.AllowPrivateNetwork);
        }

        [Fact]
        public void OnlineFetchesReachTheLoopbackOnlyWhenAllowed()
        {
            using var server = new LoopbackCrlServer();
            using X509Certificate2 revoked = f.Pki.Leaf(PkiFixture.UmFqdn).CrlAt(server.Url).Build();
            server.Crl = f.Pki.CurrentCrl(revoked);
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            checker.Online = true;

            Report refused = checker.Check(revoked, "UM", f.UmTopology);
            Assert.Equal(0, server.Requests);
            Assert.Equal(RevocationStatus.Unreachable, refused.Chain[0].Revocation);
            Finding why = Assert.Single(refused.Findings, x => x.Code == "revocation.unreachable" && x.CertificateIndex == 0);
            Assert.Contains(server.Url + ": refused: 127.0.0.1, a loopback address (allow with --allow-private-network)",
                            why.Message);

            // The same checker, allowed: the CRL is fetched (the refusal is not reused).
            checker.AllowPrivateNetwork = true;
            Report fetched = checker.Check(revoked, "UM", f.UmTopology);
            Assert.Equal(1, server.Requests);
            Assert.Equal(RevocationStatus.Revoked, fetched.Chain[0].Revocation);
            Assert.Equal("crl " + server.Url, fetched.Chain[0].RevocationSource);

            // Disallowed again: the CRL fetched under the other setting is not used either.
            checker.AllowPrivateNetwork = false;
            Assert.Equal(RevocationStatus.Unreachable, checker.Check(revoked, "UM", f.UmTopology).Chain[0].Revocation);
            Assert.Equal(1, server.Requests);
        }

        [Fact]
        public void TheTestHelperGoesOnlineWithThePrivateNetwork()
        {
            using var server = new LoopbackCrlServer();
            using X509Certificate2 leaf = f.Pki.Leaf(PkiFixture.UmFqdn).CrlAt(server.Url).Build();
            server.Crl = f.Pki.CurrentCrl();
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            TestOnline.Enable(checker);
            Assert.True(checker.Online && checker.AllowPrivateNetwork);
            Assert.Equal(RevocationStatus.Good, checker.Check(leaf, "UM", f.UmTopology).Chain[0].Revocation);
            Assert.Equal(1, server.Requests);
        }

        [Fact]
        public void ARevokedLeafFails()
        {
            using X509Certificate2 revoked = f.Pki.Leaf(PkiFixture.UmFqdn).Build();
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            checker.AddCrls(f.Pki.CurrentCrl(revoked), "issuing.crl");
            checker.AddCrls(f.Pki.CurrentRootCrl(), "root.crl");

            Report bad = checker.Check(revoked, "UM", f.UmTopology);
            Assert.Equal(Result.Fail, bad.Result);
            Finding finding = Assert.Single(bad.Findings, x => x.Code == "revocation.revoked");
            Assert.Equal(Severity.Error, finding.Severity);
            Assert.Equal(Field.Revocation, finding.Field);
            Assert.Equal(RevocationStatus.Revoked, bad.Chain[0].Revocation);
            Assert.Contains("issuing.crl", bad.Chain[0].RevocationSource);

            Report good = checker.Check(f.CorrectUm, "UM", f.UmTopology);
            Assert.Equal(Result.Pass, good.Result);
            Assert.Equal(RevocationStatus.Good, good.Chain[0].Revocation);
        }

        [Fact]
        public void AStatusNoCrlGivesIsReported()
        {
            // The issuing CA's CRL only: the issuing CA's own status is unknown, an error for the
            // UM role (Windows fails offline revocation), on that certificate, not on the anchor.
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            checker.AddCrls(f.Pki.CurrentCrl(), "issuing.crl");
            Report report = checker.Check(f.CorrectUm, "UM", f.UmTopology);
            Finding finding = Assert.Single(report.Findings, x => x.Code == "revocation.status-unknown");
            Assert.Equal(Severity.Error, finding.Severity);
            Assert.Equal(1, finding.CertificateIndex);
            Assert.Equal(RevocationStatus.Unknown, report.Chain[1].Revocation);
            Assert.Equal(Result.Fail, report.Result);
        }

        [Fact]
        public void AStaleCrlIsReported()
        {
            string path = f.Pki.WriteBytes("stale.crl", f.Pki.Crl(f.Pki.Now.AddDays(-30), f.Pki.Now.AddDays(-2)));
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            checker.AddCrls(path);
            Report report = checker.Check(f.CorrectUm, "UM", f.UmTopology);
            Assert.True(report.HasFinding("revocation.crl-expired"));
            Assert.NotEqual(RevocationStatus.Good, report.Chain[0].Revocation);
        }

        [Fact]
        public void CrlFilesThatCannotBeReadAreErrors()
        {
            using Checker checker = f.NewChecker();
            string garbage = f.Pki.WriteBytes("garbage.crl", new byte[] { 1, 2, 3 });
            var e = Assert.Throws<UcPolicyException>(() => checker.AddCrls(garbage));
            Assert.Contains(e.Code, new[] { UcPolicyErrorCode.Format, UcPolicyErrorCode.Corrupt });
            Assert.Equal(garbage, e.Source);
        }

        [Fact]
        public void NetworkSettingsAreValidatedByTheLibrary()
        {
            using Checker checker = f.NewChecker();
            checker.Online = true;
            checker.NetworkTimeout = TimeSpan.FromSeconds(2);
            checker.FetchLimit = 64 * 1024;
            Assert.True(checker.Online);
            Assert.Equal(TimeSpan.FromSeconds(2), checker.NetworkTimeout);
            checker.Online = false;
            Assert.Equal(UcPolicyErrorCode.InvalidArgument,
                         Assert.Throws<UcPolicyException>(() => checker.NetworkTimeout = TimeSpan.FromMinutes(11)).Code);
            Assert.Equal(UcPolicyErrorCode.InvalidArgument,
                         Assert.Throws<UcPolicyException>(() => checker.FetchLimit = 100).Code);
            Assert.Equal(TimeSpan.FromSeconds(2), checker.NetworkTimeout);
            Assert.Equal(64 * 1024, checker.FetchLimit);
        }

        [Fact]
        public void RejectedPathsAreReported()
        {
            // A copy of the issuing CA (same name and key) limited to client authentication also
            // verifies the leaf: the path through it is built and rejected, the one through the
            // real CA is chosen.
            using X509Certificate2 clientOnly = f.Pki.ReissueIssuing(f.Pki.Now.AddYears(-1), f.Pki.Now.AddYears(2), "1.3.6.1.5.5.7.3.2");
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(clientOnly, f.Pki.Issuing);
            Report report = checker.Check(f.CorrectUm, "UM", f.UmTopology);
            Assert.Equal(Result.Pass, report.Result);
            Assert.Equal(f.Pki.Issuing.Thumbprint, report.Chain[1].Certificate.Thumbprint);
            string rejected = Assert.Single(report.RejectedPaths);
            Assert.Contains("chain.intermediate-eku", rejected);

            using Checker plain = f.NewChecker();
            Assert.Empty(plain.Check(f.CorrectUmPath, "UM", f.UmTopology).RejectedPaths);
        }
    }
}
