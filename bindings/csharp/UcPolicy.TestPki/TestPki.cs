// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace UcPolicy.TestPki
{
    /// <summary>
    /// A throw-away PKI for tests: a root CA and an issuing CA made when the object is created,
    /// leaves on demand, files in a temporary directory removed on Dispose. Every certificate is
    /// valid around <see cref="Now"/>, which tests pass as the validation time, so results never
    /// depend on the clock.
    /// </summary>
    public sealed class Pki : IDisposable
    {
        /// <summary>The CRL distribution point every certificate carries (UC roles require one).</summary>
        public const string CrlUrl = "http://pki.contoso.com/crl/contoso-issuing.crl";

        readonly RSA rootKey = RSA.Create(2048);
        readonly RSA issuingKey = RSA.Create(2048);
        readonly RSA leafKey = RSA.Create(2048);
        int serial = 1000;

        /// <summary>Creates the CAs and the directory.</summary>
        public Pki()
        {
            var now = DateTimeOffset.UtcNow;
            Now = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
            Directory = System.IO.Directory.CreateTempSubdirectory("ucpolicy-pki-").FullName;

            var rootRequest = new CertificateRequest("CN=Contoso Test Root CA,O=Contoso", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
            Root = rootRequest.CreateSelfSigned(Now.AddYears(-2), Now.AddYears(10));

            var issuingRequest = new CertificateRequest("CN=Contoso Test Issuing CA,O=Contoso", issuingKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            issuingRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            issuingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            issuingRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(issuingRequest.PublicKey, false));
            issuingRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
            using (X509Certificate2 issuing = issuingRequest.Create(Root, Now.AddYears(-1), Now.AddYears(5), NextSerial()))
                Issuing = issuing.CopyWithPrivateKey(issuingKey);

            RootPath = WritePem("root.pem", Root);
            IssuingPath = WritePem("issuing.pem", Issuing);
        }

        /// <summary>The validation time tests use (UTC, whole seconds).</summary>
        public DateTimeOffset Now { get; }

        /// <summary>The directory the files are written to.</summary>
        public string Directory { get; }

        /// <summary>The root CA (the trust anchor).</summary>
        public X509Certificate2 Root { get; }

        /// <summary>The issuing CA (the intermediate).</summary>
        public X509Certificate2 Issuing { get; }

        /// <summary>root.pem.</summary>
        public string RootPath { get; }

        /// <summary>issuing.pem.</summary>
        public string IssuingPath { get; }

        /// <summary>Another certificate for the issuing CA: same name, same key, other validity
        /// (an old or renewed CA certificate, as path building meets them), optionally with an
        /// extended key usage extension of these OIDs.</summary>
        public X509Certificate2 ReissueIssuing(DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] ekuOids)
        {
            var request = new CertificateRequest(Issuing.SubjectName, issuingKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
            if (ekuOids.Length > 0)
            {
                var oids = new OidCollection();
                foreach (string oid in ekuOids)
                    oids.Add(new Oid(oid));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
            }
            X509SignatureGenerator generator = X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1);
            return request.Create(Root.SubjectName, generator, notBefore, notAfter, NextSerial());
        }

        /// <summary>Starts a leaf certificate issued by the issuing CA, with the properties of a
        /// correct UC server certificate: CN and SAN dNSName <paramref name="commonName"/>, server and
        /// client authentication EKU, digitalSignature and keyEncipherment, an HTTP CDP, RSA 2048,
        /// SHA-256, one year of validity around <see cref="Now"/>.</summary>
        public LeafBuilder Leaf(string commonName) => new LeafBuilder(this, commonName);

        /// <summary>Writes certificates as one PEM file (the first is the leaf).</summary>
        public string WritePem(string name, params X509Certificate2[] certificates)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllText(path, Pem(certificates), Encoding.ASCII);
            return path;
        }

        /// <summary>Writes a certificate as DER.</summary>
        public string WriteDer(string name, X509Certificate2 certificate)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllBytes(path, certificate.RawData);
            return path;
        }

        /// <summary>Writes a PKCS#12 file with the leaf's private key and the chain.</summary>
        public string WritePfx(string name, X509Certificate2 leaf, string password, params X509Certificate2[] chain)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllBytes(path, Pfx(leaf, password, chain));
            return path;
        }

        /// <summary>A CRL of the issuing CA (DER) revoking <paramref name="revoked"/>, current from
        /// <paramref name="thisUpdate"/> to <paramref name="nextUpdate"/>.</summary>
        public byte[] Crl(DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
        {
            var builder = new CertificateRevocationListBuilder();
            foreach (X509Certificate2 certificate in revoked)
                builder.AddEntry(certificate, thisUpdate.AddHours(-1), X509RevocationReason.KeyCompromise);
            return builder.Build(Issuing, System.Threading.Interlocked.Increment(ref serial), nextUpdate,
                                 HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, thisUpdate);
        }

        /// <summary>A CRL current at <see cref="Now"/> (issued a day ago, next update in a week).</summary>
        public byte[] CurrentCrl(params X509Certificate2[] revoked) => Crl(Now.AddDays(-1), Now.AddDays(7), revoked);

        /// <summary>A CRL of the root CA (DER) revoking nothing, current at <see cref="Now"/>: the
        /// issuing CA's revocation status.</summary>
        public byte[] CurrentRootCrl() =>
            new CertificateRevocationListBuilder().Build(Root, System.Threading.Interlocked.Increment(ref serial), Now.AddDays(7),
                                                        HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, Now.AddDays(-1));

        /// <summary>Writes arbitrary bytes (for unreadable-input tests).</summary>
        public string WriteBytes(string name, byte[] data)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllBytes(path, data);
            return path;
        }

        /// <summary>PEM text of certificates.</summary>
        public static string Pem(params X509Certificate2[] certificates) =>
            string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

        /// <summary>PKCS#12 bytes (AES-256 / SHA-256 protection, which GnuTLS reads): the leaf with its
        /// private key, the chain without theirs (as Windows exports a certificate with its chain).</summary>
        public static byte[] Pfx(X509Certificate2 leaf, string password, params X509Certificate2[] chain)
        {
            var collection = new X509Certificate2Collection { leaf };
            foreach (X509Certificate2 c in chain)
                collection.Add(X509CertificateLoader.LoadCertificate(c.RawData));
            var parameters = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048);
            return collection.ExportPkcs12(parameters, password);
        }

        internal byte[] NextSerial()
        {
            int value = System.Threading.Interlocked.Increment(ref serial);
            return new byte[] { 0x01, (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value };
        }

        internal RSA RootKey => rootKey;
        internal RSA IssuingKey => issuingKey;
        internal RSA LeafKey => leafKey;

        /// <summary>Removes the directory and the keys.</summary>
        public void Dispose()
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
            Root.Dispose();
            Issuing.Dispose();
            rootKey.Dispose();
            issuingKey.Dispose();
            leafKey.Dispose();
        }
    }

    /// <summary>The properties of a leaf; each method returns the builder.</summary>
    public sealed class LeafBuilder
    {
        readonly Pki pki;
        string subject;
        readonly List<string> dnsNames = new List<string>();
        bool serverAuth = true;
        bool clientAuth = true;
        bool eku = true;
        X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;
        string? crl = Pki.CrlUrl;
        DateTimeOffset notBefore;
        DateTimeOffset notAfter;
        bool selfSigned;
        bool isCa;
        HashAlgorithmName hash = HashAlgorithmName.SHA256;
        ECDsa? ecKey;

        internal LeafBuilder(Pki pki, string commonName)
        {
            this.pki = pki;
            subject = "CN=" + commonName + ",O=Contoso";
            dnsNames.Add(commonName);
            notBefore = pki.Now.AddDays(-30);
            notAfter = pki.Now.AddDays(335);
        }

        /// <summary>Replaces the subject DN (RFC 4514 / X.500 text as .NET parses it).</summary>
        public LeafBuilder Subject(string distinguishedName) { subject = distinguishedName; return this; }

        /// <summary>Replaces the SAN DNS names (none: no SAN extension).</summary>
        public LeafBuilder DnsNames(params string[] names) { dnsNames.Clear(); dnsNames.AddRange(names); return this; }

        /// <summary>Adds SAN DNS names.</summary>
        public LeafBuilder AddDnsNames(params string[] names) { dnsNames.AddRange(names); return this; }

        /// <summary>Which EKUs to include; none of them leaves the extension out.</summary>
        public LeafBuilder Eku(bool server, bool client) { serverAuth = server; clientAuth = client; eku = server || client; return this; }

        /// <summary>The key usage flags (None leaves the extension out).</summary>
        public LeafBuilder KeyUsage(X509KeyUsageFlags flags) { keyUsage = flags; return this; }

        /// <summary>No CRL distribution point.</summary>
        public LeafBuilder NoCrl() { crl = null; return this; }

        /// <summary>This CRL distribution point instead of <see cref="Pki.CrlUrl"/>.</summary>
        public LeafBuilder CrlAt(string url) { crl = url; return this; }

        /// <summary>The validity period.</summary>
        public LeafBuilder Validity(DateTimeOffset from, DateTimeOffset to) { notBefore = from; notAfter = to; return this; }

        /// <summary>Days of validity left at <see cref="Pki.Now"/>.</summary>
        public LeafBuilder ExpiresInDays(int days) { notAfter = pki.Now.AddDays(days); return this; }

        /// <summary>Self-signed instead of issued.</summary>
        public LeafBuilder SelfSigned() { selfSigned = true; return this; }

        /// <summary>Basic constraints CA:TRUE on the leaf.</summary>
        public LeafBuilder CertificateAuthority() { isCa = true; return this; }

        /// <summary>SHA-1 signature.</summary>
        public LeafBuilder Sha1() { hash = HashAlgorithmName.SHA1; return this; }

        /// <summary>An ECDSA P-256 key instead of RSA.</summary>
        public LeafBuilder Ecdsa() { ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256); return this; }

        /// <summary>Adds an extension as is (e.g. a Microsoft certificate template extension).</summary>
        public LeafBuilder AddExtension(X509Extension extension) { extra.Add(extension); return this; }

        readonly List<X509Extension> extra = new List<X509Extension>();

        /// <summary>Makes the certificate, with its private key.</summary>
        public X509Certificate2 Build()
        {
            CertificateRequest request = ecKey != null
                ? new CertificateRequest(subject, ecKey, hash)
                : new CertificateRequest(subject, pki.LeafKey, hash, RSASignaturePadding.Pkcs1);
            if (isCa)
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            else
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            if (keyUsage != X509KeyUsageFlags.None)
                request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, true));
            if (eku)
            {
                var oids = new OidCollection();
                if (serverAuth)
                    oids.Add(new Oid("1.3.6.1.5.5.7.3.1"));
                if (clientAuth)
                    oids.Add(new Oid("1.3.6.1.5.5.7.3.2"));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
            }
            if (dnsNames.Count > 0)
            {
                var san = new SubjectAlternativeNameBuilder();
                foreach (string name in dnsNames)
                    san.AddDnsName(name);
                request.CertificateExtensions.Add(san.Build());
            }
            foreach (X509Extension extension in extra)
                request.CertificateExtensions.Add(extension);
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            if (crl != null)
                request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(new[] { crl }));

            if (selfSigned)
            {
                return ecKey != null ? request.CreateSelfSigned(notBefore, notAfter)
                                     : request.CreateSelfSigned(notBefore, notAfter);
            }
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(pki.Issuing, true, false));
            X509SignatureGenerator generator = X509SignatureGenerator.CreateForRSA(pki.IssuingKey, RSASignaturePadding.Pkcs1);
            using (X509Certificate2 issued = request.Create(pki.Issuing.SubjectName, generator, notBefore, notAfter, pki.NextSerial()))
            {
                return ecKey != null ? issued.CopyWithPrivateKey(ecKey) : issued.CopyWithPrivateKey(pki.LeafKey);
            }
        }
    }
}
