// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>A theory over ucpolicy-certgen's fixtures (tests/FIXTURES.md). Meson passes
    /// UCPOLICY_FIXTURES (the fixture target's directory); without it the theory fails, saying so,
    /// rather than skipping: a run without the fixtures has not run them.</summary>
    public sealed class FixturesTheoryAttribute : TheoryAttribute
    {
    }

    /// <summary>The manifest of the shared fixtures, case by case (the same cases every face runs).</summary>
    public class ManifestTests
    {
        static readonly Lazy<FixtureManifest?> Manifest = new Lazy<FixtureManifest?>(() =>
            FixtureManifest.ConfiguredDirectory() is string dir ? FixtureManifest.Load(dir) : null);

        const string NoFixtures = "(no fixtures)";

        public static IEnumerable<object[]> Cases() =>
            Manifest.Value?.Cases.Select(c => new object[] { c.Id }) ?? new[] { new object[] { NoFixtures } };

        public static IEnumerable<object[]> InputErrors() =>
            Manifest.Value?.InputErrors.Select(e => new object[] { e.Id }) ?? new[] { new object[] { NoFixtures } };

        static FixtureManifest Loaded() =>
            Manifest.Value ?? throw new Xunit.Sdk.XunitException(
                "UCPOLICY_FIXTURES is not set: meson sets it to the fixture target's directory (tests/fixtures); " +
                "by hand, run ucpolicy-certgen --out DIR and set it to DIR");

        [FixturesTheory]
        [MemberData(nameof(Cases))]
        public void Case(string id)
        {
            FixtureManifest m = Loaded();
            List<string> problems = m.Run(m.Cases.Single(c => c.Id == id));
            Assert.True(problems.Count == 0, id + ": " + string.Join("; ", problems));
        }

        [FixturesTheory]
        [MemberData(nameof(InputErrors))]
        public void InputError(string id)
        {
            FixtureManifest m = Loaded();
            List<string> problems = m.Run(m.InputErrors.Single(e => e.Id == id));
            Assert.True(problems.Count == 0, id + ": " + string.Join("; ", problems));
        }
    }

    /// <summary>The runner itself, on a manifest written here in the contract's shape, so that it is
    /// known to work (and to fail when it should) before the shared generator's fixtures exist.</summary>
    [Collection(PkiCollection.Name)]
    public class ManifestRunnerTests
    {
        readonly PkiFixture f;

        public ManifestRunnerTests(PkiFixture fixture) => f = fixture;

        string WriteManifest(string expectedResultOfPass)
        {
            string dir = Directory.CreateDirectory(Path.Combine(f.Pki.Directory, "fixtures-" + Guid.NewGuid().ToString("N"))).FullName;
            Directory.CreateDirectory(Path.Combine(dir, "certs"));
            Directory.CreateDirectory(Path.Combine(dir, "bad"));
            File.Copy(f.Pki.RootPath, Path.Combine(dir, "certs", "root.pem"));
            File.WriteAllText(Path.Combine(dir, "certs", "issuing.pem"), Pki.Pem(f.Pki.Issuing));
            File.WriteAllText(Path.Combine(dir, "certs", "exchange-um-subject.cn-wildcard-fail.pem"), Pki.Pem(f.WildcardUm));
            File.WriteAllBytes(Path.Combine(dir, "certs", "exchange-um-pass.pfx"), Pki.Pfx(f.CorrectUm, "pfx-secret", f.Pki.Issuing));
            File.WriteAllBytes(Path.Combine(dir, "bad", "garbage.bin"), new byte[] { 0x00, 0x01, 0x02, 0x03 });
            // The optional fields: a CRL revoking the correct UM certificate, and a pool of three
            // servers of which the last holds another key.
            File.WriteAllBytes(Path.Combine(dir, "certs", "issuing.crl"), f.Pki.CurrentCrl(f.CorrectUm));
            File.WriteAllText(Path.Combine(dir, "certs", "exchange-um-correct.pem"), Pki.Pem(f.CorrectUm, f.Pki.Issuing));
            using (X509Certificate2 foreign = f.Pki.Leaf("edgeint.contoso.com").Ecdsa().Build())
            {
                byte[] edge = Pki.Pfx(f.CorrectUm, "pool", f.Pki.Issuing);
                File.WriteAllBytes(Path.Combine(dir, "certs", "edge01.pfx"), edge);
                File.WriteAllBytes(Path.Combine(dir, "certs", "edge02.pfx"), edge);
                File.WriteAllBytes(Path.Combine(dir, "certs", "edge03.pfx"), Pki.Pfx(foreign, "pool", f.Pki.Issuing));
            }
            string time = f.Pki.Now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
            string manifest = @"{
  ""version"": 1,
  ""validationTime"": """ + time + @""",
  ""cases"": [
    {""id"": ""exchange-um/subject.cn-wildcard/fail"", ""role"": ""exchange-um"", ""rule"": ""subject.cn-wildcard"", ""kind"": ""fail"",
     ""file"": ""certs/exchange-um-subject.cn-wildcard-fail.pem"", ""password"": null, ""chain"": [""certs/issuing.pem""],
     ""trust"": [""certs/root.pem""], ""publicRoots"": [], ""topology"": {""product"": ""sfb2019"", ""fqdn"": ""exch01.contoso.com""},
     ""expect"": {""result"": ""fail"", ""format"": ""pem"", ""present"": [{""code"": ""subject.cn-wildcard"", ""severity"": ""error"",
                 ""remediationContains"": ""The peer is not a configured server""}], ""absent"": []}},
    {""id"": ""revocation/crl-revoked"", ""role"": ""exchange-um"", ""rule"": ""revocation.revoked"", ""kind"": ""fail"",
     ""file"": ""certs/exchange-um-correct.pem"", ""password"": null, ""chain"": [], ""crls"": [""certs/issuing.crl""],
     ""trust"": [""certs/root.pem""], ""publicRoots"": [], ""topology"": {""product"": ""sfb2019"", ""fqdn"": ""exch01.contoso.com""},
     ""expect"": {""result"": ""fail"", ""present"": [{""code"": ""revocation.revoked"", ""severity"": ""error""}], ""absent"": []}},
    {""id"": ""key/pool-mismatch"", ""role"": ""edge-internal"", ""rule"": ""private-key.pool-mismatch"", ""kind"": ""fail"",
     ""file"": ""certs/edge01.pfx"", ""password"": ""pool"", ""pool"": [""certs/edge02.pfx"", ""certs/edge03.pfx""], ""chain"": [],
     ""trust"": [""certs/root.pem""], ""publicRoots"": [], ""topology"": {""product"": ""sfb2019"", ""fqdn"": ""exch01.contoso.com""},
     ""expect"": {""result"": ""fail"", ""format"": ""pkcs12"", ""present"": [{""code"": ""private-key.pool-mismatch"", ""severity"": ""error""}], ""absent"": []}},
    {""id"": ""exchange-um/subject.cn-wildcard/pass"", ""role"": ""exchange-um"", ""rule"": ""subject.cn-wildcard"", ""kind"": ""pass"",
     ""file"": ""certs/exchange-um-pass.pfx"", ""password"": ""pfx-secret"", ""chain"": [],
     ""trust"": [""certs/root.pem""], ""publicRoots"": [], ""topology"": {""product"": ""sfb2019"", ""fqdn"": ""exch01.contoso.com""},
     ""expect"": {""result"": """ + expectedResultOfPass + @""", ""present"": [], ""absent"": [""subject.cn-wildcard""]}}
  ],
  ""exemptions"": [{""face"": ""python"", ""case"": ""garbage"", ""reason"": ""ignored by runners""}],
  ""inputErrors"": [
    {""id"": ""garbage"", ""file"": ""bad/garbage.bin"", ""password"": null, ""status"": ""UCP_E_FORMAT""}
  ]
}";
            File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest);
            return dir;
        }

        [Fact]
        public void RunsAContractShapedManifest()
        {
            FixtureManifest m = FixtureManifest.Load(WriteManifest("pass"));
            Assert.Equal(4, m.Cases.Count);
            Assert.Equal(f.Pki.Now, m.ValidationTime);
            Assert.All(m.Cases, c => Assert.Empty(m.Run(c)));
            Assert.Empty(m.Run(Assert.Single(m.InputErrors)));
        }

        [Fact]
        public void ReportsWhatDisagrees()
        {
            FixtureManifest m = FixtureManifest.Load(WriteManifest("fail"));
            List<string> problems = m.Run(m.Cases.Single(c => c.Kind == "pass"));
            Assert.Contains("result pass, expected fail", problems);

            // The optional fields change the result: without them the same files do not fail so.
            FixtureManifest.Case revoked = m.Cases.Single(c => c.Id == "revocation/crl-revoked");
            revoked.Crls.Clear();
            Assert.Contains("no error finding revocation.revoked", m.Run(revoked));
            FixtureManifest.Case pool = m.Cases.Single(c => c.Id == "key/pool-mismatch");
            pool.Pool = null;
            Assert.Contains("no error finding private-key.pool-mismatch", m.Run(pool));
            FixtureManifest.Case wildcard = m.Cases.Single(c => c.Kind == "fail" && c.Rule == "subject.cn-wildcard");
            wildcard.Expect.Format = "der";
            wildcard.Expect.RemediationContains["subject.cn-wildcard"] = "no such sentence";
            List<string> wrong = m.Run(wildcard);
            Assert.Contains("format Pem, expected der", wrong);
            Assert.Contains(wrong, p => p.Contains("remediation contains \"no such sentence\""));

            var wrongStatus = new FixtureManifest.InputError { Id = "x", File = m.InputErrors[0].File, Status = "UCP_E_CORRUPT" };
            Assert.Contains(m.Run(wrongStatus), p => p.StartsWith("status UCP_E_FORMAT, expected UCP_E_CORRUPT"));
        }
    }
}
