// SPDX-License-Identifier: MIT
using System;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>What the checked input says about its private key (PKCS#12 files carry one).</summary>
    public sealed class PrivateKeyInfo
    {
        internal PrivateKeyInfo(ReportHandle report)
        {
            Present = Native.UcpReportHasPrivateKey(report);
            MatchesCertificate = (KeyMatch)Native.UcpReportKeyMatch(report);
            Provider = Native.UcpReportKeyProvider(report);
            ProviderState = (KeyProviderState)Native.UcpReportKeyProviderState(report);
            Storage = (KeyStorage)Native.UcpReportKeyStorage(report);
            FriendlyName = Native.UcpReportFriendlyName(report);
        }

        /// <summary>Whether the input held a private key.</summary>
        public bool Present { get; }

        /// <summary>Whether that key belongs to the leaf certificate.</summary>
        public KeyMatch MatchesCertificate { get; }

        /// <summary>The Windows provider recorded for the key (the Microsoft CSP name attribute), or null.</summary>
        public string? Provider { get; }

        /// <summary>Whether the input tells the provider at all.</summary>
        public KeyProviderState ProviderState { get; }

        /// <summary>The kind of provider: legacy CryptoAPI (CSP) or CNG (KSP).</summary>
        public KeyStorage Storage { get; }

        /// <summary>The friendly name of the leaf's PKCS#12 bag (what the certificate store shows), or null.</summary>
        public string? FriendlyName { get; }

        /// <summary>The kind of a Windows provider name, as libucpolicy classifies it
        /// (ucp_key_storage_classify): "... Key Storage Provider" is KSP, "... Cryptographic Provider" CSP.</summary>
        public static KeyStorage Classify(string? provider)
        {
            NativeLibraryLoader.EnsureLoaded();
            return (KeyStorage)Native.UcpKeyStorageClassify(provider);
        }

        /// <summary>"present, matches: Yes, provider: ... (Csp)" or "none".</summary>
        public override string ToString() =>
            !Present ? "none" : "present, matches: " + MatchesCertificate + ", provider: " +
                                (Provider ?? ProviderState.ToString()) + " (" + Storage + ")";
    }

    /// <summary>One file of a pool check (every server of an Edge pool, every Front End for OAuth)
    /// and how it compares with the reference, the first file.</summary>
    public sealed class PoolMember
    {
        internal PoolMember(int index, string name, PoolState state, CertificateInfo certificate)
        {
            Index = index;
            Name = name;
            State = state;
            Certificate = certificate;
        }

        /// <summary>0 is the reference.</summary>
        public int Index { get; }

        /// <summary>The file name, or the name given for bytes.</summary>
        public string Name { get; }

        /// <summary>How this file compares with the reference.</summary>
        public PoolState State { get; }

        /// <summary>The file's leaf certificate.</summary>
        public CertificateInfo Certificate { get; }

        /// <summary>Whether this server holds the reference's certificate and key (the reference included).</summary>
        public bool IsConsistent => State == PoolState.Reference || State == PoolState.Identical;

        /// <summary>"NAME: State".</summary>
        public override string ToString() => Name + ": " + State;
    }

    /// <summary>What happened on the wire during a probe (<see cref="Probe"/>): the server probed,
    /// the TLS session, and the server's verdict on the client certificate.</summary>
    public sealed class ConnectionInfo
    {
        internal ConnectionInfo(ReportHandle r)
        {
            Host = Utf8.NonNull(Native.UcpReportConnectionHost(r));
            Port = checked((int)Native.UcpReportConnectionPort(r));
            Address = Native.UcpReportConnectionAddress(r);
            ServerName = Native.UcpReportConnectionServerName(r);
            Protocol = (ProbeProtocol)Native.UcpReportConnectionProtocol(r);
            TlsVersion = Native.UcpReportConnectionTlsVersion(r);
            CipherSuite = Native.UcpReportConnectionCipherSuite(r);
            ClientCertificateRequested = Native.UcpReportConnectionClientCertRequested(r);
            ClientCertificateSent = Native.UcpReportConnectionClientCertSent(r);
            ClientCertificateSubject = Native.UcpReportConnectionClientCertSubject(r);
            ClientAuthentication = (ClientAuthentication)Native.UcpReportConnectionClientAuth(r);
            Alert = Native.UcpReportConnectionAlert(r);
            Response = Native.UcpReportConnectionResponse(r);
            Diagnostics = Native.UcpReportConnectionDiagnostics(r);
            Detail = Utf8.NonNull(Native.UcpReportConnectionDetail(r));
        }

        /// <summary>The host probed, as given (IPv6 without brackets).</summary>
        public string Host { get; }

        /// <summary>The TCP port probed.</summary>
        public int Port { get; }

        /// <summary>The IP address connected to, e.g. "127.0.0.1".</summary>
        public string? Address { get; }

        /// <summary>The TLS SNI name sent; null when none was sent.</summary>
        public string? ServerName { get; }

        /// <summary>The application protocol spoken.</summary>
        public ProbeProtocol Protocol { get; }

        /// <summary>E.g. "TLS1.3"; null when the handshake did not complete.</summary>
        public string? TlsVersion { get; }

        /// <summary>The IANA name of the cipher suite; null as <see cref="TlsVersion"/>.</summary>
        public string? CipherSuite { get; }

        /// <summary>Whether the server asked for a client certificate.</summary>
        public bool ClientCertificateRequested { get; }

        /// <summary>Whether the probe sent one (asked, and a client certificate was given).</summary>
        public bool ClientCertificateSent { get; }

        /// <summary>The subject of the client certificate sent, or null.</summary>
        public string? ClientCertificateSubject { get; }

        /// <summary>The server's verdict on the client.</summary>
        public ClientAuthentication ClientAuthentication { get; }

        /// <summary>Whether the server refused the client (certificate).</summary>
        public bool Rejected => ClientAuthentication == ClientAuthentication.Rejected;

        /// <summary>The TLS alert the server sent (e.g. "bad_certificate"), or null.</summary>
        public string? Alert { get; }

        /// <summary>The server's application-level answer: the SIP status line ("SIP/2.0 403
        /// Forbidden") or the last SMTP reply after TLS; control characters escaped as \xHH.</summary>
        public string? Response { get; }

        /// <summary>The SIP ms-diagnostics header of the answer, where Lync / Skype for Business gives
        /// its reason (e.g. 1000;reason="The peer is not a configured server on this network
        /// interface"); null when absent.</summary>
        public string? Diagnostics { get; }

        /// <summary>One sentence saying how the verdict was reached.</summary>
        public string Detail { get; }

        /// <summary>"HOST:PORT (protocol): verdict".</summary>
        public override string ToString() => Host + ":" + Port + " (" + Protocol + "): " + ClientAuthentication;
    }
}
