// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Checks the certificate a live server presents, and whether it accepts a client certificate.</para>
    /// <para type="description">Test-UcServerEndpoint connects to a server (TLS, SMTP with STARTTLS, or SIP over TLS), takes the certificate chain it presents in the TLS handshake and checks it against a UC role as Test-UcCertificate checks a file: the server's leaf, then the certificates it sent (an intermediate it does not send is missing). With -ClientCertificate it presents that certificate when the server asks for one, as Exchange UM does to Lync / Skype for Business on port 5061, and reports in Connection whether the server accepted it: the TLS alert, or for SIP the status line and the ms-diagnostics header of its answer to an OPTIONS request. The server's verdict is data, not an error: a rejected client certificate is Connection.ClientAuthentication Rejected (and the report's GetExitCode() is 2, as for ucpolicy probe). A server that cannot be reached (refused, timeout, not TLS) writes a non-terminating error.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Test-UcServerEndpoint -ComputerName fe01.contoso.com -Port 5061 -Protocol Sip -Role Default -ClientCertificate .\um-exch01.pfx -Password $pw -TrustAnchor .\contoso-root.cer
    /// </code>
    /// <para>Presents the Exchange UM certificate to the Lync front end over SIP/TLS. With CN=*.contoso.com, Connection.ClientAuthentication is Rejected, Connection.Response "SIP/2.0 403 Forbidden" and Connection.Diagnostics quotes "The peer is not a configured server on this network interface".</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-ChildItem Cert:\LocalMachine\My\3BF273B56F77BB59B3084E697F94940DF41D2377 |
    ///     Test-UcServerEndpoint -ComputerName fe01.contoso.com -Protocol Sip -Role Default -TrustAnchor .\contoso-root.cer
    /// </code>
    /// <para>Presents a certificate of the machine store (its private key must be exportable) as the client certificate.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Test-UcServerEndpoint exch01.contoso.com -Protocol Smtp -Role TlsServer -Fqdn exch01.contoso.com
    /// </code>
    /// <para>Checks the certificate Exchange presents on port 25 after STARTTLS against the generic TLS server baseline (tls-server, alias TlsServer; Get-UcRole lists the roles).</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "UcServerEndpoint")]
    [OutputType(typeof(Report), typeof(bool))]
    public sealed class TestUcServerEndpointCommand : UcCheckCommandBase
    {
        /// <summary><para type="description">The server: a DNS name, an IPv4 address or an IPv6 address. Several may be given or piped; each is probed in turn.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("CN", "Server", "HostName")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The role(s) the server's certificate is checked against (see Get-UcRole); each gives its own report and connection.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ArgumentCompleter(typeof(RoleCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Role { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The TCP port; default by protocol: Tls 443, Smtp 25, Sip 5061.</para></summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary><para type="description">Tls (TLS from the first byte: HTTPS, SIP-TLS without a request), Smtp (STARTTLS) or Sip (TLS, then a SIP OPTIONS request whose answer tells whether the client is accepted).</para></summary>
        [Parameter]
        public ProbeProtocol Protocol { get; set; } = ProbeProtocol.Tls;

        /// <summary><para type="description">The TLS server name (SNI) to send; default: -ComputerName unless it is an IP address.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServerName { get; set; }

        /// <summary><para type="description">Send no TLS server name.</para></summary>
        [Parameter]
        public SwitchParameter NoServerName { get; set; }

        /// <summary><para type="description">The client certificate to present when the server asks for one: a PKCS#12 (.pfx) file (with -Password), a PEM or DER certificate file (with -ClientKeyPath, or the key in the same PEM file), or an X509Certificate2 with an exportable private key (piped from Cert:\ or Get-PfxCertificate).</para></summary>
        [Parameter(ValueFromPipeline = true)]
        public object? ClientCertificate { get; set; }

        /// <summary><para type="description">The private key file of a PEM or DER -ClientCertificate (PEM or DER, PKCS#1 or PKCS#8, encrypted with -Password or not).</para></summary>
        [Parameter]
        public string? ClientKeyPath { get; set; }

        /// <summary><para type="description">With an X509Certificate2 -ClientCertificate: the intermediate certificates to send with it (a server that trusts only the root needs them).</para></summary>
        [Parameter]
        public X509Certificate2[]? ClientCertificateChain { get; set; }

        /// <summary><para type="description">The time limit of each connection in seconds: TCP, protocol exchange, handshake and the exchange after it, together (default 10, at most 600); with -Online also the time budget of the revocation checks over the network.</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int ConnectionTimeoutSec { get; set; } = 10;

        /// <summary><para type="description">Write one Boolean per server and role instead of reports: $true when the certificate has no error finding and the server did not reject the client certificate.</para></summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>Validates roles and facts and configures the checker once for the pipeline.</summary>
        protected override void BeginProcessing()
        {
            if (ServerName != null && NoServerName)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ServerName and -NoServerName exclude each other."),
                                                      "UcPolicy.ServerNameConflict", ErrorCategory.InvalidArgument, ServerName));
            if (ClientKeyPath != null && ClientCertificate == null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ClientKeyPath needs -ClientCertificate."),
                                                      "UcPolicy.ClientKeyWithoutCertificate", ErrorCategory.InvalidArgument, ClientKeyPath));
            Configure(Role);
        }

        /// <summary>Probes each server.</summary>
        protected override void ProcessRecord()
        {
            foreach (string host in ComputerName)
            {
                foreach (string role in Role)
                    ProbeOne(host, role);
            }
        }

        void ProbeOne(string host, string role)
        {
            string target = host + ":" + (Port != 0 ? Port : Probe.DefaultPort(Protocol));
            Report report;
            try
            {
                using var probe = new Probe(host, Protocol, Port != 0 ? Port : (int?)null)
                {
                    Timeout = TimeSpan.FromSeconds(ConnectionTimeoutSec),
                };
                if (ServerName != null || NoServerName)
                    probe.SetServerName(NoServerName ? null : ServerName);
                SetClient(probe);
                WriteVerbose("Probing " + target + " (" + Protocol + ") as " + role);
                report = probe.Run(checker!, role, topology);
            }
            catch (UcPolicyException e)
            {
                WriteError(Errors.From(e, target));
                if (Quiet)
                    WriteObject(false);
                return;
            }
            catch (Exception e) when (e is ArgumentException || e is System.Security.Cryptography.CryptographicException)
            {
                WriteError(new ErrorRecord(e, "UcPolicy.ClientCertificate", ErrorCategory.InvalidArgument, ClientCertificate));
                if (Quiet)
                    WriteObject(false);
                return;
            }
            if (Quiet)
                WriteObject(report.GetExitCode(Severity.Error) == 0);
            else
                WriteObject(report);
        }

        void SetClient(Probe probe)
        {
            object? value = ClientCertificate is PSObject ps ? ps.BaseObject : ClientCertificate;
            switch (value)
            {
                case null:
                    return;
                case X509Certificate2 certificate:
                    probe.SetClientCertificate(certificate, ClientCertificateChain ?? Array.Empty<X509Certificate2>());
                    return;
                case FileInfo file:
                    probe.SetClientCredentials(file.FullName, ResolveKey(), Password);
                    return;
                case string path:
                    probe.SetClientCredentials(ResolveFile(path), ResolveKey(), Password);
                    return;
                default:
                    throw new ArgumentException("-ClientCertificate takes a file path or an X509Certificate2, not " + value.GetType().FullName + ".");
            }
        }

        string? ResolveKey() => ClientKeyPath != null ? ResolveFile(ClientKeyPath) : null;

        string ResolveFile(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                throw new ArgumentException("'" + path + "' is in the " + provider.Name + " provider; give a file system path or an X509Certificate2.");
            return file;
        }
    }
}
