// SPDX-License-Identifier: MIT
using System.IO;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Strings cross the boundary as UTF-8 both ways (SWIG's default would use the ANSI
    /// code page on Windows): paths, names, subjects and messages outside ASCII arrive intact.</summary>
    [Collection(PkiCollection.Name)]
    public class Utf8Tests
    {
        const string NonAscii = "Zertifikate-Müller-Søren-証明書";
        readonly PkiFixture f;

        public Utf8Tests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void PathInAndOut()
        {
            string directory = Directory.CreateDirectory(Path.Combine(f.Pki.Directory, NonAscii)).FullName;
            string path = Path.Combine(directory, "exch01-größe.pem");
            File.Copy(f.CorrectUmPath, path);

            using Checker checker = f.NewChecker();
            Report report = checker.Check(path, "UM", f.UmTopology);
            Assert.Equal(path, report.InputName);
            Assert.Equal(Result.Pass, report.Result);
            Assert.Contains(NonAscii, report.ToJson());
        }

        [Fact]
        public void PathInAnErrorMessage()
        {
            string path = Path.Combine(f.Pki.Directory, NonAscii + "-fehlt.pem");
            var e = Assert.Throws<UcPolicyException>(() => CertificateInput.FromFile(path));
            Assert.Equal(path, e.Source);
            Assert.StartsWith(path + ":", e.Message);
        }

        [Fact]
        public void NameOfBytes()
        {
            const string name = "Zertifikat für Jürgen (証明書).cer";
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            Report report = checker.Check(f.CorrectUm.RawData, "UM", f.UmTopology, name);
            Assert.Equal(name, report.InputName);
        }

        [Fact]
        public void SubjectOutsideAscii()
        {
            using X509Certificate2 cert = f.Pki.Leaf(PkiFixture.UmFqdn)
                .Subject("CN=" + PkiFixture.UmFqdn + ",O=Müller & Søn GmbH,L=Zürich").Build();
            using Checker checker = f.NewChecker();
            Report report = checker.Check(cert, "UM", f.UmTopology, new[] { f.Pki.Issuing });
            Assert.Contains("Müller & Søn GmbH", report.Subject);
            Assert.Contains("Zürich", report.Subject);
            Assert.Equal(Result.Pass, report.Result);
        }

        [Fact]
        public void RoleNameInTheMessage()
        {
            using Checker checker = f.NewChecker();
            var e = Assert.Throws<UcPolicyException>(() => checker.Check(f.CorrectUmPath, "Rôle-Ünbekannt"));
            Assert.Equal(UcPolicyErrorCode.UnknownRole, e.Code);
            Assert.Contains("Rôle-Ünbekannt", e.Message);
        }
    }
}
