// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// A probe of a live server: connect to HOST:PORT, speak the protocol that starts TLS (plain
    /// TLS, SMTP STARTTLS, or TLS then SIP OPTIONS), take the certificate chain the server presents
    /// and check it against a role as <see cref="Checker.Check(CertificateInput, string, Topology)"/>
    /// checks a file; with a client certificate, record whether the server accepted it
    /// (<see cref="Report.Connection"/>): a TLS alert, or Lync's SIP 403 with ms-diagnostics "The
    /// peer is not a configured server on this network interface".
    /// </summary>
    /// <remarks>
    /// Every step is bounded by <see cref="Timeout"/> (name resolution excepted). Configure a probe,
    /// then run it any number of times; its members are serialised, so one probe runs once at a time,
    /// while different probes may run concurrently with one checker. Dispose wipes the client key.
    /// </remarks>
    /// <example>
    /// <code>
    /// using var checker = new Checker();
    /// checker.AddTrustAnchors("root.pem");
    /// using var probe = new Probe("fe01.contoso.com", 5061) { Protocol = ProbeProtocol.Sip };
    /// probe.SetClientCredentials("um.pfx", null, password);
    /// Report report = probe.Run(checker, "frontend-default");
    /// if (report.Connection!.Rejected) Console.WriteLine(report.Connection.Diagnostics);
    /// </code>
    /// </example>
    public sealed class Probe : IDisposable
    {
        /// <summary>The default <see cref="Timeout"/>: 10 seconds.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(10000);

        readonly ProbeHandle handle;
        readonly object sync = new object();
        ProbeProtocol protocol;
        TimeSpan timeout = DefaultTimeout;

        /// <summary>Creates a probe of HOST:PORT: plain TLS, SNI = host unless it is an IP address, a
        /// 10 s time limit, no client certificate.</summary>
        /// <param name="host">A DNS name, an IPv4 or an IPv6 address (with or without brackets).</param>
        /// <param name="port">The TCP port, 1 to 65535.</param>
        /// <exception cref="UcPolicyException">The host is not a name or an address (InvalidArgument).</exception>
        public Probe(string host, int port)
        {
            if (host == null)
                throw new ArgumentNullException(nameof(host));
            if (port < 1 || port > 65535)
                throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 1 and 65535.");
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpProbeNew(out handle, host, (uint)port);
            Host = host;
            Port = port;
        }

        /// <summary>Creates a probe speaking <paramref name="protocol"/>, on its default port when
        /// <paramref name="port"/> is null (<see cref="DefaultPort"/>).</summary>
        public Probe(string host, ProbeProtocol protocol, int? port = null)
            : this(host, port ?? DefaultPort(protocol))
        {
            Protocol = protocol;
        }

        /// <summary>The port `ucpolicy probe` uses for a protocol: tls 443, smtp 25, sip 5061.</summary>
        public static int DefaultPort(ProbeProtocol protocol)
        {
            switch (protocol)
            {
                case ProbeProtocol.Tls: return 443;
                case ProbeProtocol.Smtp: return 25;
                case ProbeProtocol.Sip: return 5061;
                default: throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Not a probe protocol.");
            }
        }

        /// <summary>The host to probe.</summary>
        public string Host { get; }

        /// <summary>The TCP port to probe.</summary>
        public int Port { get; }

        /// <summary>The application protocol (default <see cref="ProbeProtocol.Tls"/>).</summary>
        public ProbeProtocol Protocol
        {
            get => protocol;
            set
            {
                lock (sync)
                {
                    Native.UcpProbeSetProtocol(Handle, (ucp_probe_protocol)value);
                    protocol = value;
                }
            }
        }

        /// <summary>The time limit of a run: connection, protocol exchange, handshake and the exchange
        /// after it, together (default 10 s; 1 ms to 10 minutes).</summary>
        public TimeSpan Timeout
        {
            get => timeout;
            set
            {
                if (value.TotalMilliseconds < 1 || value.TotalMilliseconds > 600000)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be between 1 ms and 10 minutes.");
                lock (sync)
                {
                    Native.UcpProbeSetTimeout(Handle, (uint)value.TotalMilliseconds);
                    timeout = value;
                }
            }
        }

        /// <summary>Sets the name sent as TLS Server Name Indication (also the host of the SIP request
        /// URI); null sends none. The default is the host unless it is an IP address.</summary>
        /// <exception cref="UcPolicyException">Not a DNS name (InvalidArgument).</exception>
        public void SetServerName(string? name)
        {
            lock (sync)
                Native.UcpProbeSetServerName(Handle, name);
        }

        /// <summary>
        /// Loads the client certificate presented when the server asks for one: a PKCS#12 file
        /// (<paramref name="keyPath"/> null), or a certificate file (PEM, leaf first, or DER) with its
        /// private key file (PEM or DER, PKCS#1 or PKCS#8, encrypted or not; null when the key is in
        /// the same PEM file). The password is passed as unmanaged memory, wiped after the call; the
        /// library keeps no copy.
        /// </summary>
        /// <exception cref="UcPolicyException">A file cannot be read, the password is wrong or missing,
        /// or the key does not match the certificate; the message names the file.</exception>
        public void SetClientCredentials(string certificatePath, string? keyPath = null, SecureString? password = null)
        {
            if (certificatePath == null)
                throw new ArgumentNullException(nameof(certificatePath));
            lock (sync)
            {
                using (NativePassword? secret = NativePassword.From(password))
                    Native.UcpProbeSetClientCredentials(Handle, certificatePath, keyPath, secret?.Pointer ?? IntPtr.Zero);
            }
        }

        /// <summary>
        /// Loads a .NET certificate with its private key as the client certificate (e.g. from the
        /// Windows certificate store; the key must be exportable), with the intermediate certificates
        /// to send along (a server that trusts only the root needs them, as Lync does). The library
        /// reads credentials from files only: the certificates and key are exported to a PKCS#12 file
        /// (on .NET, readable by the current user alone) under a random password, loaded, and the
        /// file is deleted at once.
        /// </summary>
        /// <exception cref="ArgumentException">The certificate has no private key.</exception>
        /// <exception cref="CryptographicException">The private key cannot be exported.</exception>
        public void SetClientCertificate(X509Certificate2 certificate, params X509Certificate2[] chain) =>
            ClientCertificateFile.Load(certificate, chain, (path, password) => SetClientCredentials(path, null, password));

        /// <summary>
        /// Connects, takes the presented chain and checks it against a role with the checker's trust
        /// anchors, intermediates, validation time and revocation settings. Anything after the
        /// server's certificate arrived (an alert, a SIP 403, silence) is in the report, not thrown.
        /// </summary>
        /// <exception cref="UcPolicyException">No certificate was obtained: <see cref="UcPolicyErrorCode.Network"/>
        /// (not resolved, refused, reset), <see cref="UcPolicyErrorCode.Timeout"/>, <see cref="UcPolicyErrorCode.Tls"/>
        /// (the peer does not speak TLS), <see cref="UcPolicyErrorCode.Unsupported"/> (no STARTTLS), or an
        /// unknown role.</exception>
        public Report Run(Checker checker, string role, Topology? topology = null)
        {
            if (checker == null)
                throw new ArgumentNullException(nameof(checker));
            if (role == null)
                throw new ArgumentNullException(nameof(role));
            lock (sync)
                return checker.RunProbe(Handle, role, topology);
        }

        /// <summary>Frees the probe and wipes the client key. Idempotent; reports stay valid.</summary>
        public void Dispose() => handle.Dispose();

        ProbeHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                    throw new ObjectDisposedException(nameof(Probe));
                return handle;
            }
        }

        /// <summary>"HOST:PORT (protocol)".</summary>
        public override string ToString() => Host + ":" + Port + " (" + Protocol + ")";
    }
}
