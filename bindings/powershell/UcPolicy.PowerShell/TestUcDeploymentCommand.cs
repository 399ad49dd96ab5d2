// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Scans a whole deployment: checks the certificate every TLS endpoint of a topology document presents.</para>
    /// <para type="description">Test-UcDeployment reads a Topology Builder file (.tbxml) or Get-CsTopology -AsXml output, lists every TLS, MTLS and HTTPS port of every server it names (SIP 5061, web 443 and 4443, the Edge's 443/444/5061/5062/5269, Office Online Server's 443...) with the role whose certificate that port presents, probes them several at once (-Jobs) and checks each certificate against its role with the facts of its server, as Test-UcServerEndpoint checks one. It writes one UcPolicy.ScanResult per endpoint as soon as that endpoint is done (in the order the probes finish), with Host, Port, Server, Role, Protocol, Result (Pass, Warning, Fail or Error), Report, Error and ClientCertificateRefused, and shows the progress meanwhile. Only the hosts the document names are connected to; -Resolve points a name at an address, as curl's --resolve. An endpoint that cannot be reached is a result with Result Error and the reason in Error, not an error record: the scan goes on. With -ClientCertificate, every server that asks is shown that certificate and ClientCertificateRefused says which ones refused it (a refusal makes the result Fail).</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Test-UcDeployment -Topology .\contoso.tbxml -Trust .\contoso-root.cer | Where-Object Result -ne 'Pass'
    /// </code>
    /// <para>Lists the endpoints whose certificate has a warning or an error, or that could not be reached.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Test-UcDeployment -Topology .\contoso.tbxml -ClientCertificate .\um-exch01.pfx -Password $pw -Trust .\contoso-root.cer |
    ///     Where-Object ClientCertificateRefused | Select-Object Host, Port, @{ n = 'Response'; e = { $_.Report.Connection.Response } }
    /// </code>
    /// <para>Presents Exchange UM's certificate to every server of the topology and lists the ones that refuse it (for Lync's SIP ports, "SIP/2.0 403 Forbidden" with "The peer is not a configured server on this network interface").</para>
    /// </example>
    /// <example>
    /// <code>
    /// Test-UcDeployment -Topology .\lab.xml -Resolve fe01.contoso.com:10.0.0.11, edge01.contoso.com:10.0.1.5 -Jobs 4 -TimeoutSeconds 5
    /// </code>
    /// <para>Scans a lab whose names are not in DNS: each host connects to the given address, the name is still sent as the TLS server name.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "UcDeployment")]
    [OutputType(typeof(ScanResult))]
    public sealed class TestUcDeploymentCommand : UcTrustCommandBase
    {
        /// <summary><para type="description">The topology document: a Topology Builder file (.tbxml) or Get-CsTopology -AsXml output. JSON facts name no endpoint and are refused.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("TopologyPath", "Path")]
        [ValidateNotNullOrEmpty]
        public string Topology { get; set; } = string.Empty;

        /// <summary><para type="description">How many endpoints are probed at once (default 8, at most 64).</para></summary>
        [Parameter]
        [ValidateRange(1, Scanner.MaxJobs)]
        public int Jobs { get; set; } = Scanner.DefaultJobs;

        /// <summary><para type="description">The time limit of each endpoint in seconds: TCP, protocol exchange, handshake and the exchange after it, together (default 10, at most 600).</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSeconds { get; set; } = 10;

        /// <summary><para type="description">Addresses to connect to instead of resolving names, as curl's --resolve: HOST:ADDRESS (every port of HOST; [::1] for IPv6) or HOST:PORT:ADDRESS. HOST must be a host of the topology; the TLS server name and the role's facts stay HOST's.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Resolve { get; set; }

        /// <summary><para type="description">Connect to loopback addresses only (127.0.0.0/8, ::1): an endpoint without a loopback -Resolve address is a result with Result Error before any packet is sent. For tests and sandboxes.</para></summary>
        [Parameter]
        public SwitchParameter LoopbackOnly { get; set; }

        /// <summary><para type="description">The client certificate to present to every server that asks for one: a PKCS#12 (.pfx) file (with -Password), a PEM or DER certificate file (with -ClientKeyPath, or the key in the same PEM file), or an X509Certificate2 with an exportable private key (from Cert:\ or Get-PfxCertificate).</para></summary>
        [Parameter]
        public object? ClientCertificate { get; set; }

        /// <summary><para type="description">The private key file of a PEM or DER -ClientCertificate.</para></summary>
        [Parameter]
        public string? ClientKeyPath { get; set; }

        /// <summary><para type="description">With an X509Certificate2 -ClientCertificate: the intermediate certificates to send with it.</para></summary>
        [Parameter]
        public X509Certificate2[]? ClientCertificateChain { get; set; }

        /// <summary><para type="description">The password of a PKCS#12 -ClientCertificate, or of its encrypted key file.</para></summary>
        [Parameter]
        public SecureString? Password { get; set; }

        Scanner? scanner;
        volatile bool stopping;

        /// <summary>Reads the topology, configures the scan, and runs it, writing each endpoint's result as it finishes.</summary>
        protected override void EndProcessing()
        {
            if (ClientKeyPath != null && ClientCertificate == null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ClientKeyPath needs -ClientCertificate."),
                                                      "UcPolicy.ClientKeyWithoutCertificate", ErrorCategory.InvalidArgument, ClientKeyPath));
            try
            {
                Configure();
            }
            catch (DllNotFoundException e)
            {
                ThrowTerminatingError(Errors.NativeLibrary(e));
            }
            catch (UcPolicyException e)
            {
                ThrowTerminatingError(Errors.From(e, Topology));
            }
            catch (Exception e) when (e is ArgumentException || e is CryptographicException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "UcPolicy.ClientCertificate", ErrorCategory.InvalidArgument, ClientCertificate));
            }

            var progress = new ProgressRecord(0, "Test-UcDeployment", "Scanning " + scanner!.Endpoints.Count + " endpoints of " + Topology);
            progress.PercentComplete = 0;
            WriteProgress(progress);
            // The scan calls back on this thread: writing to the pipeline from the callback is safe.
            scanner.Run(checker!, (result, done, total) =>
            {
                WriteVerbose(result.Host + ":" + result.Port + " (" + result.Role + "): " + result.Result +
                             (result.Error != null ? ": " + result.Error.Message : ""));
                WriteObject(result);
                progress.PercentComplete = total == 0 ? 100 : done * 100 / total;
                progress.StatusDescription = done + " of " + total + " endpoints done";
                progress.CurrentOperation = result.Host + ":" + result.Port + " " + result.Result;
                WriteProgress(progress);
                return stopping;
            });
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        void Configure()
        {
            string topology = FileSystemPath(Topology);
            scanner = new Scanner(topology)
            {
                Jobs = Jobs,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                LoopbackOnly = LoopbackOnly,
            };
            foreach (string spec in Resolve ?? Array.Empty<string>())
                scanner.AddResolve(spec);
            object? client = ClientCertificate is PSObject ps ? ps.BaseObject : ClientCertificate;
            switch (client)
            {
                case null:
                    break;
                case X509Certificate2 certificate:
                    scanner.SetClientCertificate(certificate, ClientCertificateChain ?? Array.Empty<X509Certificate2>());
                    break;
                case FileInfo file:
                    scanner.SetClientCredentials(file.FullName, ClientKeyPath != null ? FileSystemPath(ClientKeyPath) : null, Password);
                    break;
                case string path:
                    scanner.SetClientCredentials(FileSystemPath(path), ClientKeyPath != null ? FileSystemPath(ClientKeyPath) : null, Password);
                    break;
                default:
                    throw new ArgumentException("-ClientCertificate takes a file path or an X509Certificate2, not " + client.GetType().FullName + ".");
            }
            ConfigureChecker(TimeSpan.FromSeconds(TimeoutSeconds));
        }

        string FileSystemPath(string path)
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
                throw new ArgumentException("'" + path + "' is in the " + provider.Name + " provider; give a file system path.");
            return file;
        }

        /// <summary>Ctrl+C: probes under way finish, no new one starts.</summary>
        protected override void StopProcessing() => stopping = true;

        /// <summary>Frees the scan (before the checker it uses).</summary>
        protected override void DisposeInputs()
        {
            scanner?.Dispose();
            scanner = null;
        }
    }
}
