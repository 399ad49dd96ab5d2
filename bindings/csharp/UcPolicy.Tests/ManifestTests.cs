// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>A theory that runs only with ucpolicy-certgen's fixtures (tests/FIXTURES.md).</summary>
    public sealed class FixturesTheoryAttribute : TheoryAttribute
    {
        public FixturesTheoryAttribute()
        {
            if (FixtureManifest.ConfiguredDirectory() == null)
                Skip = "UCPOLICY_FIXTURES is not set: the fixtures of ucpolicy-certgen (tests/certgen) were not generated for this run";
        }
    }

    /// <summary>The manifest of the shared fixtures, case by case (the same cases every face runs).</summary>
    public class ManifestTests
    {
        static readonly Lazy<FixtureManifest?> Manifest = new Lazy<FixtureManifest?>(() =>
            FixtureManifest.ConfiguredDirectory() is string dir ? FixtureManifest.Load(dir) : null);

        public static IEnumerable<object[]> Cases() =>
            Manifest.Value?.Cases.Select(c => new object[] { c.Id }) ?? Enumerable.Empty<object[]>();

        public static IEnumerable<object[]> InputErrors() =>
            Manifest.Value?.InputErrors.Select(e => new object[] { e.Id }) ?? Enumerable.Empty<object[]>();

        [FixturesTheory]
        [MemberData(nameof(Cases))]
        public void Case(string id)
        {
            FixtureManifest m = Manifest.Value!;
            List<string> problems = m.Run(m.Cases.Single(c => c.Id == id));
            Assert.True(problems.Count == 0, id + ": " + string.Join("; ", problems));
        }

        [FixturesTheory]
        [MemberData(nameof(InputErrors))]
        public void InputError(string id)
        {
            FixtureManifest m = Manifest.Value!;
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
            string time = f.Pki.Now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
            string manifest = @"{
  ""version"": 1,
  ""validationTime"": """ + time + @""",
  ""cases"": [
    {""id"": ""exchange-um/subject.cn-wildcard/fail"", ""role"": ""exchange-um"", ""rule"": ""subject.cn-wildcard"", ""kind"": ""fail"",
     ""file"": ""certs/exchange-um-subject.cn-wildcard-fail.pem"", ""password"": null, ""chain"": [""certs/issuing.pem""],
     ""trust"": [""certs/root.pem""], ""publicRoots"": [], ""topology"": {""product"": ""sfb2019"", ""fqdn"": ""exch01.contoso.com""},
     ""expect"": {""result"": ""fail"", ""present"": [{""code"": ""subject.cn-wildcard"", ""severity"": ""error""}], ""absent"": []}},
    {""id"": ""exchange-um/subject.cn-wildcard/pass"", ""role"": ""exchange-um"", ""rule"": ""subject.cn-wildcard"", ""kind"": ""pass"",
     ""file"": ""certs/exchange-um-pass.pfx"", ""password"": ""pfx-secret"", ""chain"": [],
     ""trust"": [""certs/root.pem""], ""publicRoots"": [], ""topology"": {""product"": ""sfb2019"", ""fqdn"": ""exch01.contoso.com""},
     ""expect"": {""result"": """ + expectedResultOfPass + @""", ""present"": [], ""absent"": [""subject.cn-wildcard""]}}
  ],
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
            Assert.Equal(2, m.Cases.Count);
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

            var wrongStatus = new FixtureManifest.InputError { Id = "x", File = m.InputErrors[0].File, Status = "UCP_E_CORRUPT" };
            Assert.Contains(m.Run(wrongStatus), p => p.StartsWith("status UCP_E_FORMAT, expected UCP_E_CORRUPT"));
        }
    }
}
