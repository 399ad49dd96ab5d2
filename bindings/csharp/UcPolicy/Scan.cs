// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>What a <see cref="Scanner"/> found at one endpoint.</summary>
    public enum ScanOutcome : long
    {
        /// <summary>The certificate passed (and the server accepted the client certificate, if one was presented).</summary>
        Pass = 0,
        /// <summary>Warnings, but no error.</summary>
        Warning = 1,
        /// <summary>An error finding, or the server refused the client certificate.</summary>
        Fail = 2,
        /// <summary>No certificate could be obtained (see <see cref="ScanResult.Error"/>).</summary>
        Error = 3,
    }

    /// <summary>An endpoint of a scan: a TLS, MTLS or HTTPS port the topology document names.</summary>
    public sealed class ScanEndpoint
    {
        internal ScanEndpoint(IntPtr endpoint)
        {
            Index = Native.UcpEndpointIndex(endpoint);
            Host = Utf8.NonNull(Native.UcpEndpointHost(endpoint));
            Port = checked((int)Native.UcpEndpointPort(endpoint));
            Server = Utf8.NonNull(Native.UcpEndpointServer(endpoint));
            Role = Utf8.NonNull(Native.UcpEndpointRole(endpoint));
            Protocol = (ProbeProtocol)(long)Native.UcpEndpointProtocol(endpoint);
            Transport = Utf8.NonNull(Native.UcpEndpointTransport(endpoint));
        }

        /// <summary>The endpoint's place in the scan (document order, server by server).</summary>
        public int Index { get; }

        /// <summary>The host connected to and sent as the TLS server name (lower case).</summary>
        public string Host { get; }

        /// <summary>The TCP port.</summary>
        public int Port { get; }

        /// <summary>The FQDN of the server whose facts the role rules use (the host itself, or for an
        /// Edge's public name, the Edge server).</summary>
        public string Server { get; }

        /// <summary>The role id of the certificate the port presents, e.g. "frontend-default".</summary>
        public string Role { get; }

        /// <summary><see cref="ProbeProtocol.Sip"/> for a SIP port, else <see cref="ProbeProtocol.Tls"/>.</summary>
        public ProbeProtocol Protocol { get; }

        /// <summary>The protocol as the document names it: "Mtls", "Tls" or "Https".</summary>
        public string Transport { get; }

        /// <summary>"HOST:PORT (role)".</summary>
        public override string ToString() => Host + ":" + Port + " (" + Role + ")";
    }

    /// <summary>One endpoint of a scan and what was found there: a <see cref="Report"/>, or the
    /// <see cref="Error"/> that says why no certificate was obtained (not thrown).</summary>
    public sealed class ScanResult
    {
        internal ScanResult(ScanEndpoint endpoint, Report? report, UcPolicyException? error)
        {
            Endpoint = endpoint;
            Report = report;
            Error = error;
            if (report == null)
            {
                Result = ScanOutcome.Error;
                return;
            }
            ClientCertificateRefused = report.Connection?.Rejected ?? false;
            int code = report.GetExitCode(Severity.Warning);
            Result = ClientCertificateRefused ? ScanOutcome.Fail
                   : code >= 0 && code <= 2 ? (ScanOutcome)code : ScanOutcome.Error;
        }

        /// <summary>The endpoint.</summary>
        public ScanEndpoint Endpoint { get; }

        /// <summary>The host connected to (<see cref="ScanEndpoint.Host"/>).</summary>
        public string Host => Endpoint.Host;

        /// <summary>The TCP port.</summary>
        public int Port => Endpoint.Port;

        /// <summary>The server whose facts apply.</summary>
        public string Server => Endpoint.Server;

        /// <summary>The role the port's certificate serves.</summary>
        public string Role => Endpoint.Role;

        /// <summary>SIP or plain TLS.</summary>
        public ProbeProtocol Protocol => Endpoint.Protocol;

        /// <summary>Pass, Warning, Fail (the report's, with warnings failing nothing; a refused client
        /// certificate is a failure) or Error (no certificate obtained).</summary>
        public ScanOutcome Result { get; }

        /// <summary>Whether the result is <see cref="ScanOutcome.Pass"/>.</summary>
        public bool Ok => Result == ScanOutcome.Pass;

        /// <summary>The report of the certificate the endpoint presented; null with an error.</summary>
        public Report? Report { get; }

        /// <summary>Why no certificate was obtained (Network, Timeout, Tls...); null with a report.</summary>
        public UcPolicyException? Error { get; }

        /// <summary>Whether the server refused the client certificate presented (a TLS alert, or
        /// Lync's SIP 403); false when none was presented or asked for.</summary>
        public bool ClientCertificateRefused { get; }

        /// <summary>"HOST:PORT role: Result".</summary>
        public override string ToString() => Host + ":" + Port + " " + Role + ": " + Result;
    }

    /// <summary>
    /// A scan of a whole deployment, as <c>ucpolicy scan</c>: every TLS, MTLS and HTTPS endpoint a
    /// topology document (a Topology Builder file, or <c>Get-CsTopology -AsXml</c> output) lists is
    /// probed, several at once, and the certificate each presents is checked against the role that
    /// port serves with the facts of its server.
    /// </summary>
    /// <remarks>
    /// Only the hosts the document names are connected to; <see cref="AddResolve"/> points a name at
    /// an address, the name still being sent as the TLS server name. Configure a scanner, then run it
    /// from one thread at a time (its members are serialised). The callback of
    /// <see cref="Run(Checker, Func{ScanResult, int, int, bool})"/> is called on the calling thread.
    /// </remarks>
    /// <example>
    /// <code>
    /// using var checker = new Checker();
    /// checker.AddTrustAnchors("root.pem");
    /// using var scanner = new Scanner("contoso.tbxml") { Jobs = 16 };
    /// scanner.SetClientCredentials("um.pfx", null, password);
    /// foreach (ScanResult r in scanner.Run(checker))
    ///     if (r.ClientCertificateRefused) Console.WriteLine(r.Host + ":" + r.Port + " refuses UM");
    /// </code>
    /// </example>
    public sealed class Scanner : IDisposable
    {
        /// <summary>The default <see cref="Jobs"/>: 8 endpoints at once.</summary>
        public const int DefaultJobs = 8;

        /// <summary>The most endpoints probed at once: 64.</summary>
        public const int MaxJobs = 64;

        readonly ScanHandle handle;
        readonly object sync = new object();
        int jobs = DefaultJobs;
        TimeSpan timeout = Probe.DefaultTimeout;
        bool loopbackOnly;

        /// <summary>Reads a topology document and lists its endpoints.</summary>
        /// <param name="topologyPath">A Topology Builder file (.tbxml) or Get-CsTopology -AsXml output.</param>
        /// <exception cref="UcPolicyException">The file cannot be read or is invalid (the message names
        /// it), or it is JSON facts, which list no endpoint (<see cref="UcPolicyErrorCode.Topology"/>).</exception>
        public Scanner(string topologyPath)
        {
            if (topologyPath == null)
                throw new ArgumentNullException(nameof(topologyPath));
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpTopologyNew(out TopologyHandle topology);
            using (topology)
            {
                Native.UcpTopologyLoadFile(topology, topologyPath);
                Native.UcpScanNew(out handle, topology);
            }
            TopologyPath = topologyPath;
            int count = Native.UcpScanEndpointCount(handle);
            var endpoints = new ScanEndpoint[count];
            for (int i = 0; i < count; i++)
                endpoints[i] = new ScanEndpoint(Native.UcpScanEndpointAt(handle, i));
            Endpoints = Array.AsReadOnly(endpoints);
        }

        /// <summary>The topology document.</summary>
        public string TopologyPath { get; }

        /// <summary>The endpoints, in document order.</summary>
        public IReadOnlyList<ScanEndpoint> Endpoints { get; }

        /// <summary>How many endpoints are probed at once (default 8, 1 to 64).</summary>
        public int Jobs
        {
            get => jobs;
            set
            {
                if (value < 1 || value > MaxJobs)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Jobs must be between 1 and " + MaxJobs + ".");
                lock (sync)
                {
                    Native.UcpScanSetJobs(Handle, (uint)value);
                    jobs = value;
                }
            }
        }

        /// <summary>The time limit of each endpoint's probe (default 10 s; 1 ms to 10 minutes).</summary>
        public TimeSpan Timeout
        {
            get => timeout;
            set
            {
                if (value.TotalMilliseconds < 1 || value.TotalMilliseconds > 600000)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be between 1 ms and 10 minutes.");
                lock (sync)
                {
                    Native.UcpScanSetTimeout(Handle, (uint)value.TotalMilliseconds);
                    timeout = value;
                }
            }
        }

        /// <summary>Connect to loopback addresses only (127.0.0.0/8, ::1): an endpoint without a
        /// loopback <see cref="AddResolve"/> override is an error before any packet is sent. For tests
        /// and sandboxes. Default false.</summary>
        public bool LoopbackOnly
        {
            get => loopbackOnly;
            set
            {
                lock (sync)
                {
                    Native.UcpScanSetLoopbackOnly(Handle, value);
                    loopbackOnly = value;
                }
            }
        }

        /// <summary>Connects to an address instead of resolving a host, as curl's <c>--resolve</c>:
        /// "HOST:ADDRESS" (every port of HOST; "sip.contoso.com:[::1]" for IPv6) or "HOST:PORT:ADDRESS".
        /// The TLS server name and the role's facts stay those of HOST.</summary>
        /// <exception cref="UcPolicyException">Not HOST:ADDRESS or ADDRESS not an IP address
        /// (InvalidArgument); HOST is not an endpoint of the document (NotFound).</exception>
        public void AddResolve(string spec)
        {
            if (spec == null)
                throw new ArgumentNullException(nameof(spec));
            lock (sync)
                Native.UcpScanAddResolve(Handle, spec);
        }

        /// <summary>Loads the client certificate presented to every server that asks for one, as
        /// <see cref="Probe.SetClientCredentials"/>; each result then tells whether the server
        /// refused it (<see cref="ScanResult.ClientCertificateRefused"/>).</summary>
        /// <exception cref="UcPolicyException">A file cannot be read, the password is wrong or missing,
        /// or the key does not match; the message names the file.</exception>
        public void SetClientCredentials(string certificatePath, string? keyPath = null, SecureString? password = null)
        {
            if (certificatePath == null)
                throw new ArgumentNullException(nameof(certificatePath));
            lock (sync)
            {
                using (NativePassword? secret = NativePassword.From(password))
                    Native.UcpScanSetClientCredentials(Handle, certificatePath, keyPath, secret?.Pointer ?? IntPtr.Zero);
            }
        }

        /// <summary>Loads a .NET certificate with its exportable private key as the client
        /// certificate, with the intermediates to send along, as <see cref="Probe.SetClientCertificate"/>.</summary>
        /// <exception cref="ArgumentException">The certificate has no private key.</exception>
        /// <exception cref="CryptographicException">The private key cannot be exported.</exception>
        public void SetClientCertificate(X509Certificate2 certificate, params X509Certificate2[] chain) =>
            ClientCertificateFile.Load(certificate, chain, (path, password) => SetClientCredentials(path, null, password));

        /// <summary>
        /// Probes every endpoint and checks what each presents, with the checker's trust, validation
        /// time and revocation settings; at most <see cref="Jobs"/> at once.
        /// </summary>
        /// <param name="checker">Trust and validation settings, shared by every probe.</param>
        /// <param name="progress">Called after each endpoint as it finishes, on the calling thread, with
        /// the result, how many are done and how many there are; true stops the scan (probes under way
        /// finish, no new one starts). An exception it throws stops the scan and is rethrown.</param>
        /// <returns>One result per endpoint scanned, in document order (fewer when stopped). An endpoint
        /// that gave no certificate is a result with <see cref="ScanOutcome.Error"/>, not an exception.</returns>
        public IReadOnlyList<ScanResult> Run(Checker checker, Func<ScanResult, int, int, bool>? progress = null)
        {
            if (checker == null)
                throw new ArgumentNullException(nameof(checker));
            int count = Endpoints.Count;
            var results = new ScanResult?[count];
            int done = 0;
            ExceptionDispatchInfo? failure = null;
            ScanCallback callback = (UIntPtr index, int hasReport, int status, IntPtr name, IntPtr message, IntPtr state) =>
            {
                try
                {
                    int i = checked((int)index.ToUInt64());
                    Report? report = null;
                    UcPolicyException? error = null;
                    if (hasReport != 0)
                    {
                        Native.UcpCsharpScanTakeReport(state, out ReportHandle native);
                        report = Report.FromNative(native);
                    }
                    else
                    {
                        error = new UcPolicyException((UcPolicyErrorCode)status, Utf8.FromNative(name) ?? "UCP_E_UNKNOWN",
                                                      Utf8.FromNative(message) ?? "",
                                                      null, ErrorOrigin.UcPolicy, 0);
                    }
                    var result = new ScanResult(Endpoints[i], report, error);
                    results[i] = result;
                    done++;
                    return progress != null && progress(result, done, count) ? 1 : 0;
                }
                catch (Exception e)
                {
                    // Never across the native frames: kept, the scan stopped, rethrown below.
                    failure = ExceptionDispatchInfo.Capture(e);
                    return 1;
                }
            };
            lock (sync)
            {
                checker.RunScan(Handle, callback);
                GC.KeepAlive(callback);
            }
            failure?.Throw();
            var list = new List<ScanResult>(done);
            foreach (ScanResult? r in results)
            {
                if (r != null)
                    list.Add(r);
            }
            return list.AsReadOnly();
        }

        /// <summary>Frees the scan and wipes the client key. Idempotent; results stay valid.</summary>
        public void Dispose() => handle.Dispose();

        ScanHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                    throw new ObjectDisposedException(nameof(Scanner));
                return handle;
            }
        }

        /// <summary>"PATH (N endpoints)".</summary>
        public override string ToString() => TopologyPath + " (" + Endpoints.Count + " endpoints)";
    }

    /// <summary>A .NET certificate and its key, handed to the library as a PKCS#12 file: the library
    /// reads credentials from files only. The file (on .NET, readable by the current user alone) has
    /// a random password and is deleted as soon as <c>load</c> returns.</summary>
    internal static class ClientCertificateFile
    {
        public static void Load(X509Certificate2 certificate, X509Certificate2[]? chain, Action<string, SecureString> load)
        {
            if (certificate == null)
                throw new ArgumentNullException(nameof(certificate));
            if (!certificate.HasPrivateKey)
                throw new ArgumentException("The certificate has no private key to present.", nameof(certificate));
            var random = new byte[24];
            using (var rng = RandomNumberGenerator.Create())
                rng.GetBytes(random);
            string secret = Convert.ToBase64String(random);
            var collection = new X509Certificate2Collection(certificate);
            foreach (X509Certificate2 c in chain ?? Array.Empty<X509Certificate2>())
            {
                // The chain without private keys: the key in the file must be the leaf's alone.
#if NET
                collection.Add(X509CertificateLoader.LoadCertificate(c.RawData));
#else
                collection.Add(new X509Certificate2(c.RawData));
#endif
            }
            byte[] pfx = collection.Export(X509ContentType.Pkcs12, secret)!;
            string path = Path.Combine(Path.GetTempPath(), "ucpolicy-client-" + Guid.NewGuid().ToString("N") + ".pfx");
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    RestrictToOwner(path);
                    file.Write(pfx, 0, pfx.Length);
                }
                var password = new SecureString();
                foreach (char c in secret)
                    password.AppendChar(c);
                password.MakeReadOnly();
                using (password)
                    load(path, password);
            }
            finally
            {
                Array.Clear(pfx, 0, pfx.Length);
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        static void RestrictToOwner(string path)
        {
#if NET
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
#endif
            // On Windows the temporary folder is the user's own profile folder.
        }
    }
}

namespace UcPolicy.Interop
{
    /// <summary>A ucp_scan (the client key it holds is wiped when it is freed).</summary>
    internal sealed class ScanHandle : UcpHandle
    {
        static long released;

        internal static long Released => Interlocked.Read(ref released);

        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpScanRelease(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>ucp_csharp_scan_callback (ucpolicy_csharp.i): one endpoint finished; returns 0 to go on.</summary>
    [UnmanagedFunctionPointer(CallingConvention.StdCall)]
    internal delegate int ScanCallback(UIntPtr index, int hasReport, int status, IntPtr name, IntPtr message, IntPtr state);
}
