// SPDX-License-Identifier: MIT
// Public enumerations. Their values are those of the C API (ABI-stable); a test compares each one
// with the enumeration SWIG generated from the headers, so they cannot drift apart.
//
// Every one is based on long (since 1.1; int in 1.0): ConvertTo-Json, in Windows PowerShell 5.1 and
// in PowerShell 7 by default, writes an int-based enumeration as its number and a long-based one as
// its name, and admins pipe reports into ConvertTo-Json. The numbers are unchanged; code compiled
// against 1.0 must be rebuilt (source code compiles unchanged).

using System;

namespace UcPolicy
{
    /// <summary>How serious a finding is; a larger value is more serious (ucp_severity).</summary>
    public enum Severity : long
    {
        /// <summary>Context only; never affects the result.</summary>
        Info = 0,
        /// <summary>A recommendation or an environment-dependent risk.</summary>
        Warning = 1,
        /// <summary>A documented "must" or "not supported", or a documented outage.</summary>
        Error = 2,
    }

    /// <summary>The overall result of a check (ucp_result).</summary>
    public enum Result : long
    {
        /// <summary>No error or warning finding.</summary>
        Pass = 0,
        /// <summary>Warnings, but no error.</summary>
        Warning = 1,
        /// <summary>At least one error finding.</summary>
        Fail = 2,
    }

    /// <summary>The certificate field (or other input) a rule concerns (ucp_field).</summary>
    public enum Field : long
    {
        /// <summary>"subject"</summary>
        Subject = 0,
        /// <summary>"san": subject alternative names.</summary>
        San = 1,
        /// <summary>"eku": extended key usage.</summary>
        Eku = 2,
        /// <summary>"key-usage"</summary>
        KeyUsage = 3,
        /// <summary>"key": the public key.</summary>
        Key = 4,
        /// <summary>"signature"</summary>
        Signature = 5,
        /// <summary>"validity"</summary>
        Validity = 6,
        /// <summary>"revocation": CRL distribution points, OCSP.</summary>
        Revocation = 7,
        /// <summary>"chain": the certification path.</summary>
        Chain = 8,
        /// <summary>"basic-constraints"</summary>
        BasicConstraints = 9,
        /// <summary>"private-key"</summary>
        PrivateKey = 10,
        /// <summary>"input": missing deployment facts, product mismatch.</summary>
        Input = 11,
        /// <summary>"serial": the certificate's serial number (since 1.2).</summary>
        Serial = 12,
    }

    /// <summary>The Lync / Skype for Business Server release of a deployment (ucp_product).</summary>
    public enum Product : long
    {
        /// <summary>Lync Server 2010 ("lync2010").</summary>
        Lync2010 = 0,
        /// <summary>Lync Server 2013 ("lync2013").</summary>
        Lync2013 = 1,
        /// <summary>Skype for Business Server 2015 ("sfb2015").</summary>
        SfB2015 = 2,
        /// <summary>Skype for Business Server 2019 ("sfb2019"), the default.</summary>
        SfB2019 = 3,
    }

    /// <summary>A deployment fact a role's name rules use (ucp_fact). The names are those of the
    /// <see cref="Topology"/> properties and of the Test-UcCertificate parameters.</summary>
    public enum Fact : long
    {
        /// <summary>This server's FQDN (front end, UM server, SBC, OOS farm...).</summary>
        Fqdn = 0,
        /// <summary>The pool FQDN.</summary>
        PoolFqdn = 1,
        /// <summary>A SIP domain (several allowed).</summary>
        SipDomain = 2,
        /// <summary>A simple URL host: meet, dialin, admin (several allowed).</summary>
        SimpleUrl = 3,
        /// <summary>The internal or external web services FQDN.</summary>
        WebServicesFqdn = 4,
        /// <summary>The Access Edge external FQDN.</summary>
        AccessEdgeFqdn = 5,
        /// <summary>The Web Conferencing Edge external FQDN.</summary>
        WebConferencingEdgeFqdn = 6,
        /// <summary>The XMPP federation domain.</summary>
        XmppDomain = 7,
    }

    /// <summary>The container format of an input (ucp_format).</summary>
    public enum CertificateFormat : long
    {
        /// <summary>One or more PEM CERTIFICATE blocks.</summary>
        Pem = 0,
        /// <summary>One DER certificate (.cer/.crt).</summary>
        Der = 1,
        /// <summary>A PKCS#7 certificate bag (.p7b), PEM or DER.</summary>
        Pkcs7 = 2,
        /// <summary>A PKCS#12 file (.pfx/.p12).</summary>
        Pkcs12 = 3,
    }

    /// <summary>The kind of a subject alternative name (ucp_san_type).</summary>
    public enum SanType : long
    {
        /// <summary>dNSName</summary>
        Dns = 0,
        /// <summary>iPAddress, in text form.</summary>
        IPAddress = 1,
        /// <summary>uniformResourceIdentifier</summary>
        Uri = 2,
        /// <summary>rfc822Name</summary>
        Email = 3,
        /// <summary>Any other GeneralName, shown as "type:hex".</summary>
        Other = 4,
    }

    /// <summary>What became of path building (ucp_chain_status).</summary>
    public enum ChainStatus : long
    {
        /// <summary>A path to a trust anchor validated.</summary>
        Valid = 0,
        /// <summary>An issuer certificate is missing.</summary>
        Incomplete = 1,
        /// <summary>The path ends at a root that is not a trust anchor.</summary>
        Untrusted = 2,
        /// <summary>A path exists but breaks a rule (signature, CA, time...).</summary>
        Invalid = 3,
    }

    /// <summary>The revocation status of a certificate of the path (ucp_revocation).</summary>
    public enum RevocationStatus : long
    {
        /// <summary>No CRL given and not online (or no issuer).</summary>
        NotChecked = 0,
        /// <summary>A current CRL or an OCSP answer says the certificate is good.</summary>
        Good = 1,
        /// <summary>Revoked.</summary>
        Revoked = 2,
        /// <summary>No usable answer (no CRL for the issuer, a stale CRL, OCSP "unknown").</summary>
        Unknown = 3,
        /// <summary>Online, and no source could be fetched.</summary>
        Unreachable = 4,
    }

    /// <summary>When the operating system's trust store supplies trust anchors (ucp_system_trust).</summary>
    public enum SystemTrust : long
    {
        /// <summary>Only when no trust anchor was added (the default).</summary>
        Auto = 0,
        /// <summary>Always, in addition to added anchors.</summary>
        On = 1,
        /// <summary>Never.</summary>
        Off = 2,
    }

    /// <summary>Key usage bits of a certificate (RFC 5280 4.2.1.3; ucp_key_usage), as flags.</summary>
    [Flags]
    public enum KeyUsages : long
    {
        /// <summary>No bit (or no key usage extension: see <see cref="CertificateInfo.HasKeyUsage"/>).</summary>
        None = 0,
        /// <summary>digitalSignature</summary>
        DigitalSignature = 1 << 0,
        /// <summary>nonRepudiation (contentCommitment)</summary>
        NonRepudiation = 1 << 1,
        /// <summary>keyEncipherment</summary>
        KeyEncipherment = 1 << 2,
        /// <summary>dataEncipherment</summary>
        DataEncipherment = 1 << 3,
        /// <summary>keyAgreement</summary>
        KeyAgreement = 1 << 4,
        /// <summary>keyCertSign</summary>
        KeyCertSign = 1 << 5,
        /// <summary>cRLSign</summary>
        CrlSign = 1 << 6,
        /// <summary>encipherOnly</summary>
        EncipherOnly = 1 << 7,
        /// <summary>decipherOnly</summary>
        DecipherOnly = 1 << 8,
    }

    /// <summary>Whether the private key of an input belongs to its leaf certificate (ucp_key_match).</summary>
    public enum KeyMatch : long
    {
        /// <summary>No private key, or none that can be read (an encrypted key without its password).</summary>
        Unknown = 0,
        /// <summary>The private key is the leaf certificate's.</summary>
        Yes = 1,
        /// <summary>The input holds a private key, but not the leaf's: the pair cannot work.</summary>
        No = 2,
    }

    /// <summary>The kind of Windows key store a private key's provider is (ucp_key_storage). Lync
    /// Server 2010/2013 and Exchange UM support only legacy CryptoAPI providers.</summary>
    public enum KeyStorage : long
    {
        /// <summary>No provider recorded, or a name known as neither kind.</summary>
        Unknown = 0,
        /// <summary>A legacy CryptoAPI cryptographic service provider.</summary>
        Csp = 1,
        /// <summary>A CNG key storage provider.</summary>
        Ksp = 2,
    }

    /// <summary>Whether an input tells which provider its private key belongs to (ucp_key_provider_state).</summary>
    public enum KeyProviderState : long
    {
        /// <summary>No PKCS#12 private key: provider facts are not available.</summary>
        NotApplicable = 0,
        /// <summary>The key's SafeBag names its provider.</summary>
        Recorded = 1,
        /// <summary>The key's SafeBag names no provider (OpenSSL, GnuTLS and Java write none).</summary>
        NotRecorded = 2,
        /// <summary>The SafeBag is inside an encrypted ContentInfo whose attributes are not visible.</summary>
        NotVisible = 3,
    }

    /// <summary>How a file of a pool check compares with the pool's reference, the first file (ucp_pool_state).</summary>
    public enum PoolState : long
    {
        /// <summary>The first file, which the others are compared with.</summary>
        Reference = 0,
        /// <summary>The same leaf certificate, and no other private key.</summary>
        Identical = 1,
        /// <summary>Another certificate for the same key (re-issued or renewed with the same key).</summary>
        DifferentCertificateSameKey = 2,
        /// <summary>Another key.</summary>
        DifferentKey = 3,
    }

    /// <summary>The application protocol a probe speaks to start TLS and after it (ucp_probe_protocol).</summary>
    public enum ProbeProtocol : long
    {
        /// <summary>TLS from the first byte (HTTPS 443, SIP-TLS 5061 without a SIP request).</summary>
        Tls = 0,
        /// <summary>SMTP with STARTTLS (25, 587).</summary>
        Smtp = 1,
        /// <summary>TLS, then a SIP OPTIONS request whose answer tells whether the peer is accepted.</summary>
        Sip = 2,
    }

    /// <summary>The server's verdict on the client, as a probe presented itself (ucp_client_auth).</summary>
    public enum ClientAuthentication : long
    {
        /// <summary>The server's answer does not tell (no answer in time, SIP 404...).</summary>
        Unknown = 0,
        /// <summary>The handshake completed and the server went on (SIP 2xx, SMTP 250).</summary>
        Accepted = 1,
        /// <summary>A TLS alert, SIP 401/403/407, or the connection closed without an answer.</summary>
        Rejected = 2,
    }

    /// <summary>An output format of reports (ucp_output_format): what `ucpolicy check --format`
    /// writes, rendered by the library for every face alike.</summary>
    public enum OutputFormat : long
    {
        /// <summary>"text": the report for people, as <see cref="Report.ToText(bool)"/>.</summary>
        Text = 0,
        /// <summary>"json": the report schema (<see cref="Report.ToJson(bool)"/>); several reports are an array.</summary>
        Json = 1,
        /// <summary>"sarif": a SARIF 2.1.0 log for code-scanning dashboards: one run, one result per finding.</summary>
        Sarif = 2,
        /// <summary>"csv": RFC 4180, a header row (<see cref="ReportFormatter.CsvColumns"/>), one row per
        /// finding (one for a report without findings).</summary>
        Csv = 3,
        /// <summary>"html": one self-contained page (no script, no external resource): a summary table,
        /// then each report.</summary>
        Html = 4,
        /// <summary>"junit": JUnit XML for CI dashboards: one test case per input.</summary>
        JUnit = 5,
        /// <summary>"nagios": a Nagios plugin's status line with performance data, then one line per
        /// failing input.</summary>
        Nagios = 6,
    }

    /// <summary>How the library renders (ucp_render_flags, and UCP_RENDER_FLAT of ucpolicy/render.h).</summary>
    [Flags]
    public enum RenderOptions : long
    {
        /// <summary>Compact JSON and SARIF; plain text.</summary>
        None = 0,
        /// <summary>JSON and SARIF indented by two spaces.</summary>
        Pretty = 1,
        /// <summary>Text with ANSI colours (for terminals).</summary>
        Color = 2,
        /// <summary>Text with the remediation and sources of every finding.</summary>
        Verbose = 4,
        /// <summary>With <see cref="Pretty"/>, JSON of several reports writes each entry of the array
        /// exactly as it is alone, as `ucpolicy check --format json FILE...` does (not indented one
        /// level inside the array). Compact JSON and the other formats are the same either way.</summary>
        Flat = 8,
    }

    /// <summary>The component an error came from (ucp_error_origin).</summary>
    public enum ErrorOrigin : long
    {
        /// <summary>libucpolicy itself.</summary>
        UcPolicy = 0,
        /// <summary>GnuTLS; the origin code is a GNUTLS_E_* value.</summary>
        GnuTls = 1,
        /// <summary>libtasn1; the origin code is an ASN1_* value.</summary>
        LibTasn1 = 2,
        /// <summary>The JSON parser.</summary>
        Json = 3,
        /// <summary>The operating system; the origin code is an errno value.</summary>
        System = 4,
    }

    /// <summary>The status code of a failed libucpolicy call (ucp_status). Policy violations are
    /// never errors: they are findings of a <see cref="Report"/>.</summary>
    public enum UcPolicyErrorCode : long
    {
        /// <summary>UCP_OK (never the code of an exception).</summary>
        None = 0,
        /// <summary>UCP_E_INVALID_ARGUMENT</summary>
        InvalidArgument = -1,
        /// <summary>UCP_E_NO_MEMORY</summary>
        NoMemory = -2,
        /// <summary>UCP_E_IO: the file could not be read.</summary>
        IO = -3,
        /// <summary>UCP_E_FORMAT: not a certificate in PEM, DER, PKCS#7 or PKCS#12 form.</summary>
        Format = -4,
        /// <summary>UCP_E_CORRUPT: malformed or truncated certificate data.</summary>
        Corrupt = -5,
        /// <summary>UCP_E_PASSWORD: wrong or missing PKCS#12 password.</summary>
        Password = -6,
        /// <summary>UCP_E_NO_CERTIFICATE: the input holds no certificate.</summary>
        NoCertificate = -7,
        /// <summary>UCP_E_TOO_LARGE: the input exceeds a size limit.</summary>
        TooLarge = -8,
        /// <summary>UCP_E_UNKNOWN_ROLE</summary>
        UnknownRole = -9,
        /// <summary>UCP_E_UNKNOWN_PRODUCT</summary>
        UnknownProduct = -10,
        /// <summary>UCP_E_TOPOLOGY: an invalid deployment fact.</summary>
        Topology = -11,
        /// <summary>UCP_E_NOT_FOUND</summary>
        NotFound = -12,
        /// <summary>UCP_E_UNSUPPORTED</summary>
        Unsupported = -13,
        /// <summary>UCP_E_CRYPTO: cryptographic library failure.</summary>
        Crypto = -14,
        /// <summary>UCP_E_NETWORK</summary>
        Network = -15,
        /// <summary>UCP_E_TIMEOUT</summary>
        Timeout = -16,
        /// <summary>UCP_E_TLS</summary>
        Tls = -17,
        /// <summary>UCP_E_LIMIT: a work limit was reached.</summary>
        Limit = -18,
        /// <summary>UCP_E_CANCELLED: the operation was cancelled (a batch stopped by its progress callback).</summary>
        Cancelled = -19,
        /// <summary>UCP_E_INTERNAL</summary>
        Internal = -99,
    }
}
