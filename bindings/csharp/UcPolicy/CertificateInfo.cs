// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>A subject alternative name.</summary>
    public sealed class SubjectAlternativeName
    {
        internal SubjectAlternativeName(SanType type, string value)
        {
            Type = type;
            Value = value;
        }

        /// <summary>The kind of name.</summary>
        public SanType Type { get; }

        /// <summary>The name as text; bytes that are not printable ASCII appear as "\xHH", so the
        /// text never hides what the certificate holds.</summary>
        public string Value { get; }

        /// <summary>"DNS Name=..." style, as Windows shows SANs.</summary>
        public override string ToString() => Type + "=" + Value;
    }

    /// <summary>The Microsoft (AD CS) certificate template a certificate was issued from.</summary>
    public sealed class CertificateTemplate
    {
        internal CertificateTemplate(string? name, string? oid, long? majorVersion, long? minorVersion)
        {
            Name = name;
            Oid = oid;
            MajorVersion = majorVersion;
            MinorVersion = minorVersion;
        }

        /// <summary>The template name of a version 1 template (szOID_ENROLL_CERTTYPE_EXTENSION), e.g.
        /// "WebServer"; null when only the OID is present.</summary>
        public string? Name { get; }

        /// <summary>The template OID of a version 2+ template (szOID_CERTIFICATE_TEMPLATE); null for a
        /// version 1 template.</summary>
        public string? Oid { get; }

        /// <summary>templateMajorVersion, or null when absent.</summary>
        public long? MajorVersion { get; }

        /// <summary>templateMinorVersion, or null when absent.</summary>
        public long? MinorVersion { get; }

        internal static CertificateTemplate? FromNative(IntPtr cert)
        {
            string? name = Native.UcpCertificateTemplateName(cert);
            string? oid = Native.UcpCertificateTemplateOid(cert);
            if (name == null && oid == null)
                return null;
            long major = Native.UcpCertificateTemplateMajor(cert);
            long minor = Native.UcpCertificateTemplateMinor(cert);
            return new CertificateTemplate(name, oid, major >= 0 ? major : (long?)null, minor >= 0 ? minor : (long?)null);
        }

        /// <summary>"WebServer", or the OID with its version ("1.3.6.1.4.1.311.21.8... v100.4").</summary>
        public override string ToString()
        {
            string text = Name ?? Oid ?? "";
            if (Name != null && Oid != null)
                text += " (" + Oid + ")";
            if (MajorVersion.HasValue)
                text += " v" + MajorVersion + (MinorVersion.HasValue ? "." + MinorVersion : "");
            return text;
        }
    }

    /// <summary>
    /// What libucpolicy read from one certificate: a managed copy, valid forever, that does not
    /// depend on the .NET certificate classes (so it shows what GnuTLS parsed, on every platform).
    /// </summary>
    public sealed class CertificateInfo
    {
        CertificateInfo() { }

        /// <summary>The subject DN in RFC 4514 form, e.g. "CN=exch01.contoso.com,O=Contoso"; "" if empty.</summary>
        public string Subject { get; private set; } = "";

        /// <summary>The issuer DN in RFC 4514 form.</summary>
        public string Issuer { get; private set; } = "";

        /// <summary>The first subject common name, or null when the subject has none.</summary>
        public string? CommonName { get; private set; }

        /// <summary>The serial number in upper-case hexadecimal.</summary>
        public string SerialNumber { get; private set; } = "";

        /// <summary>The SHA-1 hash of the DER encoding in upper-case hexadecimal: the Windows thumbprint.</summary>
        public string Thumbprint { get; private set; } = "";

        /// <summary>The SHA-256 hash of the DER encoding in upper-case hexadecimal.</summary>
        public string Sha256 { get; private set; } = "";

        /// <summary>All subject alternative names, in certificate order.</summary>
        public IReadOnlyList<SubjectAlternativeName> SubjectAlternativeNames { get; private set; } = Array.Empty<SubjectAlternativeName>();

        /// <summary>The DNS names among the subject alternative names (Windows' DnsNameList).</summary>
        public IReadOnlyList<string> DnsNames { get; private set; } = Array.Empty<string>();

        /// <summary>Whether the certificate has an extended key usage extension at all.</summary>
        public bool HasEnhancedKeyUsage { get; private set; }

        /// <summary>The extended key usage OIDs, e.g. "1.3.6.1.5.5.7.3.1".</summary>
        public IReadOnlyList<string> EnhancedKeyUsages { get; private set; } = Array.Empty<string>();

        /// <summary>Readable names of the extended key usages ("serverAuth", ...), or the OID when unknown.</summary>
        public IReadOnlyList<string> EnhancedKeyUsageNames { get; private set; } = Array.Empty<string>();

        /// <summary>"RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA" or "unknown".</summary>
        public string KeyAlgorithm { get; private set; } = "";

        /// <summary>The key size in bits.</summary>
        public int KeySize { get; private set; }

        /// <summary>The elliptic curve ("P-256", ...), or null for other keys.</summary>
        public string? KeyCurve { get; private set; }

        /// <summary>The signature algorithm, e.g. "RSA-SHA256".</summary>
        public string SignatureAlgorithm { get; private set; } = "";

        /// <summary>Start of validity (UTC).</summary>
        public DateTimeOffset NotBefore { get; private set; }

        /// <summary>End of validity (UTC).</summary>
        public DateTimeOffset NotAfter { get; private set; }

        /// <summary>Whether basic constraints say CA:TRUE.</summary>
        public bool IsCertificateAuthority { get; private set; }

        /// <summary>Whether the certificate is self-signed (issuer = subject and its own key verifies it).</summary>
        public bool IsSelfSigned { get; private set; }

        /// <summary>CRL distribution point URLs.</summary>
        public IReadOnlyList<string> CrlDistributionPoints { get; private set; } = Array.Empty<string>();

        /// <summary>OCSP responder URLs (authority information access).</summary>
        public IReadOnlyList<string> OcspUrls { get; private set; } = Array.Empty<string>();

        /// <summary>Where the issuing CA certificate can be fetched (authority information access).</summary>
        public IReadOnlyList<string> CaIssuersUrls { get; private set; } = Array.Empty<string>();

        /// <summary>Whether the extended key usage extension is marked critical.</summary>
        public bool EnhancedKeyUsageCritical { get; private set; }

        /// <summary>Whether the certificate has a key usage extension.</summary>
        public bool HasKeyUsage { get; private set; }

        /// <summary>The key usage bits (<see cref="KeyUsages.None"/> without the extension).</summary>
        public KeyUsages KeyUsages { get; private set; }

        /// <summary>The RFC 5280 names of the key usage bits set ("digitalSignature", "keyEncipherment"...),
        /// as the library names them.</summary>
        public IReadOnlyList<string> KeyUsageNames { get; private set; } = Array.Empty<string>();

        /// <summary>Whether the key usage extension is marked critical.</summary>
        public bool KeyUsageCritical { get; private set; }

        /// <summary>The AD CS certificate template the certificate names, or null.</summary>
        public CertificateTemplate? Template { get; private set; }

        byte[] rawData = Array.Empty<byte>();

        /// <summary>A copy of the DER encoding.</summary>
        public byte[] GetRawData() => (byte[])rawData.Clone();

        /// <summary>A .NET certificate object for the same DER bytes (the caller disposes it).</summary>
        public X509Certificate2 ToX509Certificate2()
        {
#if NET
            return X509CertificateLoader.LoadCertificate(rawData);
#else
            return new X509Certificate2(rawData);
#endif
        }

        /// <summary>Copies a certificate borrowed from a live report or input.</summary>
        internal static CertificateInfo FromNative(IntPtr cert)
        {
            var info = new CertificateInfo
            {
                Subject = Utf8.NonNull(Native.UcpCertificateSubject(cert)),
                Issuer = Utf8.NonNull(Native.UcpCertificateIssuer(cert)),
                CommonName = Native.UcpCertificateCommonName(cert),
                SerialNumber = Utf8.NonNull(Native.UcpCertificateSerial(cert)),
                Thumbprint = Utf8.NonNull(Native.UcpCertificateSha1(cert)),
                Sha256 = Utf8.NonNull(Native.UcpCertificateSha256(cert)),
                HasEnhancedKeyUsage = Native.UcpCertificateHasEku(cert),
                KeyAlgorithm = Utf8.NonNull(Native.UcpCertificateKeyAlgorithm(cert)),
                KeySize = checked((int)Native.UcpCertificateKeyBits(cert)),
                KeyCurve = Native.UcpCertificateKeyCurve(cert),
                SignatureAlgorithm = Utf8.NonNull(Native.UcpCertificateSignatureAlgorithm(cert)),
                NotBefore = Util.FromUnixSeconds(Native.UcpCertificateNotBefore(cert)),
                NotAfter = Util.FromUnixSeconds(Native.UcpCertificateNotAfter(cert)),
                IsCertificateAuthority = Native.UcpCertificateIsCa(cert),
                IsSelfSigned = Native.UcpCertificateIsSelfSigned(cert),
            };
            info.SubjectAlternativeNames = Util.List(Native.UcpCertificateSanCount(cert), i =>
                new SubjectAlternativeName((SanType)Native.UcpCertificateSanTypeAt(cert, i),
                                           Utf8.NonNull(Native.UcpCertificateSanAt(cert, i))));
            info.DnsNames = info.SubjectAlternativeNames.Where(s => s.Type == SanType.Dns).Select(s => s.Value).ToList().AsReadOnly();
            info.EnhancedKeyUsages = Util.List(Native.UcpCertificateEkuCount(cert), i => Utf8.NonNull(Native.UcpCertificateEkuAt(cert, i)));
            info.EnhancedKeyUsageNames = info.EnhancedKeyUsages.Select(oid => Native.UcpEkuName(oid) ?? oid).ToList().AsReadOnly();
            info.CrlDistributionPoints = Util.List(Native.UcpCertificateCrlUrlCount(cert), i => Utf8.NonNull(Native.UcpCertificateCrlUrlAt(cert, i)));
            info.OcspUrls = Util.List(Native.UcpCertificateOcspUrlCount(cert), i => Utf8.NonNull(Native.UcpCertificateOcspUrlAt(cert, i)));
            info.CaIssuersUrls = Util.List(Native.UcpCertificateCaIssuersUrlCount(cert), i => Utf8.NonNull(Native.UcpCertificateCaIssuersUrlAt(cert, i)));
            info.EnhancedKeyUsageCritical = Native.UcpCertificateEkuCritical(cert);
            info.HasKeyUsage = Native.UcpCertificateHasKeyUsage(cert);
            info.KeyUsages = (KeyUsages)Native.UcpCertificateKeyUsage(cert);
            info.KeyUsageCritical = Native.UcpCertificateKeyUsageCritical(cert);
            var names = new List<string>();
            foreach (KeyUsages bit in Enum.GetValues(typeof(KeyUsages)))
            {
                if (bit != KeyUsages.None && (info.KeyUsages & bit) == bit)
                    names.Add(Utf8.NonNull(Native.UcpKeyUsageName((ucp_key_usage)bit)));
            }
            info.KeyUsageNames = names.AsReadOnly();
            info.Template = CertificateTemplate.FromNative(cert);
            int length = Native.UcpCsharpCertificateDerCopy(cert, null, 0);
            var der = new byte[length];
            if (length > 0)
                Native.UcpCsharpCertificateDerCopy(cert, der, length);
            info.rawData = der;
            return info;
        }

        /// <summary>The subject and thumbprint.</summary>
        public override string ToString() => Subject + " [" + Thumbprint + "]";
    }
}
