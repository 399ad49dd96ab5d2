// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using System.Security;
using System.Threading.Tasks;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Failures arrive as UcPolicyException with the C library's code, name, message and source.</summary>
    [Collection(PkiCollection.Name)]
    public class ErrorTests
    {
        readonly PkiFixture f;

        public ErrorTests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void MissingFile()
        {
            string path = Path.Combine(f.Pki.Directory, "no-such-file.pem");
            using Checker checker = f.NewChecker();
            var e = Assert.Throws<UcPolicyException>(() => checker.Check(path, "UM"));
            Assert.Equal(UcPolicyErrorCode.IO, e.Code);
            Assert.Equal("UCP_E_IO", e.Name);
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Equal(path, e.InputName);
            Assert.Equal(path, e.Source);
            Assert.Equal(ErrorOrigin.System, e.Origin);
            Assert.Equal(2, e.OriginCode); // ENOENT
        }

        [Fact]
        public void NotACertificate()
        {
            string path = f.Pki.WriteBytes("garbage.bin", new byte[] { 0x47, 0x41, 0x52, 0x42, 0x41, 0x47, 0x45 });
            var e = Assert.Throws<UcPolicyException>(() => CertificateInput.FromFile(path));
            Assert.Equal(UcPolicyErrorCode.Format, e.Code);
            Assert.Equal("UCP_E_FORMAT", e.Name);
            Assert.Contains("not a certificate", e.Message);
            Assert.Equal(path, e.Source);
        }

        [Fact]
        public void WrongPassword()
        {
            byte[] pfx = TestPki.Pki.Pfx(f.CorrectUm, "right");
            using SecureString wrong = ExchangeUmTests.Secure("wrong");
            var e = Assert.Throws<UcPolicyException>(() => CertificateInput.FromBytes(pfx, "um.pfx", wrong));
            Assert.Equal(UcPolicyErrorCode.Password, e.Code);
            Assert.Equal("UCP_E_PASSWORD", e.Name);
            Assert.StartsWith("um.pfx: ", e.Message);

            // No password at all for a protected file is the same error.
            var none = Assert.Throws<UcPolicyException>(() => CertificateInput.FromBytes(pfx, "um.pfx"));
            Assert.Equal(UcPolicyErrorCode.Password, none.Code);
        }

        [Fact]
        public void UnknownRoleListsTheRoles()
        {
            using Checker checker = f.NewChecker();
            var e = Assert.Throws<UcPolicyException>(() => checker.Check(f.CorrectUmPath, "no-such-role"));
            Assert.Equal(UcPolicyErrorCode.UnknownRole, e.Code);
            Assert.Equal("UCP_E_UNKNOWN_ROLE", e.Name);
            Assert.Contains("no-such-role", e.Message);
            Assert.Contains("exchange-um", e.Message);
            Assert.Null(e.InputName);
        }

        [Fact]
        public void InvalidFactNamesTheFact()
        {
            var topology = new Topology { Fqdn = "not a host name!" };
            var e = Assert.Throws<UcPolicyException>(() => topology.Normalize());
            Assert.Equal(UcPolicyErrorCode.Topology, e.Code);
            Assert.Equal("UCP_E_TOPOLOGY", e.Name);
            Assert.Contains("not a host name!", e.Message);

            using Checker checker = f.NewChecker();
            Assert.Equal(UcPolicyErrorCode.Topology,
                         Assert.Throws<UcPolicyException>(() => checker.Check(f.CorrectUmPath, "UM", topology)).Code);
        }

        [Fact]
        public void InvalidSettingsAreRefusedByTheLibrary()
        {
            using Checker checker = f.NewChecker();
            var e = Assert.Throws<UcPolicyException>(() => checker.ExpiryWarningDays = 4000);
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, e.Code);
            Assert.Equal(Checker.DefaultExpiryWarningDays, checker.ExpiryWarningDays);
            Assert.Throws<ArgumentOutOfRangeException>(() => checker.ExpiryWarningDays = -1);
        }

        [Fact]
        public void EmptyInput()
        {
            var e = Assert.Throws<UcPolicyException>(() => CertificateInput.FromBytes(Array.Empty<byte>(), "empty.cer"));
            Assert.Contains(e.Code, new[] { UcPolicyErrorCode.Format, UcPolicyErrorCode.NoCertificate });
            Assert.StartsWith("empty.cer", e.Message);
        }

        [Fact]
        public void NulCharactersNeverReachC()
        {
            Assert.Throws<ArgumentException>(() => CertificateInput.FromFile(f.CorrectUmPath + "\0.txt"));
            using SecureString nul = ExchangeUmTests.Secure("a\0b");
            Assert.Throws<ArgumentException>(() => CertificateInput.FromBytes(f.CorrectUm.RawData, null, nul));
        }

        [Fact]
        public async Task ErrorsStayOnTheirThread()
        {
            // The last error is thread-local in C and the pending exception thread-static in C#:
            // threads failing differently at the same time each see their own failure.
            string missing = Path.Combine(f.Pki.Directory, "missing.pem");
            string garbage = f.Pki.WriteBytes("garbage-threads.bin", new byte[] { 1, 2, 3, 4, 5 });
            using Checker checker = f.NewChecker();
            var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    switch ((t + i) % 3)
                    {
                        case 0:
                            var io = Assert.Throws<UcPolicyException>(() => CertificateInput.FromFile(missing));
                            Assert.Equal(UcPolicyErrorCode.IO, io.Code);
                            Assert.Equal(missing, io.Source);
                            break;
                        case 1:
                            var format = Assert.Throws<UcPolicyException>(() => CertificateInput.FromFile(garbage));
                            Assert.Equal(UcPolicyErrorCode.Format, format.Code);
                            Assert.Equal(garbage, format.Source);
                            break;
                        default:
                            Assert.Equal(Result.Pass, checker.Check(f.CorrectUmPath, "UM", f.UmTopology).Result);
                            break;
                    }
                }
            })).ToArray();
            await Task.WhenAll(tasks);
        }

        [Fact]
        public void CodesMatchTheLibrarysStatusNames()
        {
            // Every public code is one the library names, and every status SWIG saw in status.h has a public code.
            foreach (UcPolicyErrorCode code in Enum.GetValues(typeof(UcPolicyErrorCode)))
            {
                string name = Interop.Native.UcpStrerrorName((int)code);
                Assert.NotEqual("UCP_E_UNKNOWN", name);
                string expected = code == UcPolicyErrorCode.None ? "UCP_OK" :
                    "UCP_E_" + string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(code.ToString()[i - 1]) ? "_" + c : c.ToString())).ToUpperInvariant();
                Assert.Equal(expected, name);
            }
            foreach (int status in Enum.GetValues(typeof(Interop.ucp_status)))
                Assert.True(Enum.IsDefined(typeof(UcPolicyErrorCode), (long)status), "status " + status + " has no public code");
        }
    }
}
