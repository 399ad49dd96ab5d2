// SPDX-License-Identifier: MIT
using System;
using System.Security.Cryptography.X509Certificates;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>One test PKI for the whole run (RSA key generation is the slow part), with the
    /// certificates of the reference incident: Exchange UM with CN=*.contoso.com, and the correct one.</summary>
    public sealed class PkiFixture : IDisposable
    {
        public const string UmFqdn = "exch01.contoso.com";

        public PkiFixture()
        {
            Pki = new Pki();
            CorrectUm = Pki.Leaf(UmFqdn).Build();
            WildcardUm = Pki.Leaf("*.contoso.com").Build();
            CorrectUmPath = Pki.WritePem("um-correct.pem", CorrectUm, Pki.Issuing);
            WildcardUmPath = Pki.WritePem("um-wildcard.pem", WildcardUm, Pki.Issuing);
        }

        public Pki Pki { get; }
        public X509Certificate2 CorrectUm { get; }
        public X509Certificate2 WildcardUm { get; }
        public string CorrectUmPath { get; }
        public string WildcardUmPath { get; }

        public Topology UmTopology => new Topology { Fqdn = UmFqdn };

        /// <summary>A checker that trusts the test root and judges at the PKI's time.</summary>
        public Checker NewChecker()
        {
            var checker = new Checker { ValidationTime = Pki.Now };
            checker.AddTrustAnchors(Pki.RootPath);
            return checker;
        }

        public void Dispose()
        {
            CorrectUm.Dispose();
            WildcardUm.Dispose();
            Pki.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class PkiCollection : ICollectionFixture<PkiFixture>
    {
        public const string Name = "pki";
    }

    /// <summary>Tests that count native frees or time themselves: nothing runs beside them.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SerialCollection : ICollectionFixture<PkiFixture>
    {
        public const string Name = "serial";
    }
}
