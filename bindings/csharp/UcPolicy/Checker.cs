// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// Checks certificates against UC role policies. Configure it once (trust anchors,
    /// intermediates, validation time, expiry warning), then check any number of certificates, from
    /// any number of threads at once.
    /// </summary>
    /// <remarks>
    /// Thread safety: every member may be called from any thread. Checks run concurrently;
    /// configuration calls wait for running checks and hold new ones back until they are done (the
    /// C library forbids configuring a checker while it checks). Dispose is safe at any time: a
    /// check already running keeps the native checker alive until it returns; later calls throw
    /// <see cref="ObjectDisposedException"/>. A checker that is never disposed is freed by the
    /// finalizer; the reports it produced are managed copies and stay valid in every case.
    /// </remarks>
    /// <example>
    /// <code>
    /// using var checker = new Checker();
    /// checker.AddTrustAnchors("root.pem");
    /// Report report = checker.Check("um.pfx", "exchange-um",
    ///     new Topology { Fqdn = "exch01.contoso.com" }, password);
    /// if (report.Result == Result.Fail) { ... report.Findings ... }
    /// </code>
    /// </example>
    public sealed class Checker : IDisposable
    {
        /// <summary>The default <see cref="ExpiryWarningDays"/>.</summary>
        public const int DefaultExpiryWarningDays = 30;

        readonly CheckerHandle handle;
        readonly ReaderWriterLockSlim gate = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        DateTimeOffset? validationTime;
        int expiryWarningDays = DefaultExpiryWarningDays;
        SystemTrust systemTrust = SystemTrust.Auto;
        bool online;
        bool allowPrivateNetwork;
        bool requireExplicitPolicy, inhibitPolicyMapping, inhibitAnyPolicy;
        readonly List<string> initialPolicies = new List<string>();
        TimeSpan networkTimeout = TimeSpan.FromSeconds(5);
        int fetchLimit = 10 * 1024 * 1024;

        /// <summary>Creates a checker: system trust store (when no anchor is added), validation
        /// at the time of each check, an expiry warning 30 days ahead.</summary>
        /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
        public Checker()
        {
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpCheckerNew(out handle);
        }

        /// <summary>The moment certificates are judged at; null (the default) for the time of each check.</summary>
        public DateTimeOffset? ValidationTime
        {
            get => validationTime;
            set => Configure(() =>
            {
                Native.UcpCheckerSetTime(Handle, value.HasValue ? value.Value.ToUnixTimeSeconds() : long.MinValue);
                validationTime = value;
            });
        }

        /// <summary>Warn when a certificate expires within this many days of the validation time
        /// (default 30; 0 disables the warning; at most 3650).</summary>
        public int ExpiryWarningDays
        {
            get => expiryWarningDays;
            set
            {
                if (value < 0)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The number of days cannot be negative.");
                Configure(() =>
                {
                    Native.UcpCheckerSetExpiryWarningDays(Handle, (uint)value);
                    expiryWarningDays = value;
                });
            }
        }

        /// <summary>When the operating system's trust store supplies trust anchors (default: only
        /// when none was added).</summary>
        public SystemTrust SystemTrust
        {
            get => systemTrust;
            set => Configure(() =>
            {
                Native.UcpCheckerSetSystemTrust(Handle, (ucp_system_trust)value);
                systemTrust = value;
            });
        }

        /// <summary>Adds every certificate of <paramref name="anchors"/> as a trust anchor (then the
        /// system store is not used, unless <see cref="SystemTrust"/> is On).</summary>
        public void AddTrustAnchors(CertificateInput anchors) => Add(anchors, Native.UcpCheckerAddTrust);

        /// <summary>Adds the certificates of a file as trust anchors.</summary>
        public void AddTrustAnchors(string path) => AddFile(path, AddTrustAnchors);

        /// <summary>Adds .NET certificates as trust anchors.</summary>
        public void AddTrustAnchors(params X509Certificate2[] certificates) => AddCertificates(certificates, AddTrustAnchors);

        /// <summary>Adds untrusted intermediate certificates used to build paths (any order).</summary>
        public void AddIntermediates(CertificateInput certificates) => Add(certificates, Native.UcpCheckerAddIntermediates);

        /// <summary>Adds the certificates of a file as intermediates.</summary>
        public void AddIntermediates(string path) => AddFile(path, AddIntermediates);

        /// <summary>Adds .NET certificates as intermediates.</summary>
        public void AddIntermediates(params X509Certificate2[] certificates) => AddCertificates(certificates, AddIntermediates);

        /// <summary>Declares the roots that count as "public" for roles that need a publicly trusted
        /// CA (Edge external, reverse proxy, Teams Direct Routing). By default the system store is the
        /// public store; once this is called, only the roots added here are.</summary>
        public void AddPublicRoots(CertificateInput roots) => Add(roots, Native.UcpCheckerAddPublicRoots);

        /// <summary>Adds the certificates of a file as public roots.</summary>
        public void AddPublicRoots(string path) => AddFile(path, AddPublicRoots);

        /// <summary>Adds .NET certificates as public roots.</summary>
        public void AddPublicRoots(params X509Certificate2[] certificates) => AddCertificates(certificates, AddPublicRoots);

        /// <summary>Adds certificate revocation lists from a file (one or more CRLs, PEM or DER). A
        /// CRL counts for a certificate when its issuer's signature verifies, and confirms "good"
        /// only while current at the validation time.</summary>
        /// <exception cref="UcPolicyException">The file cannot be read (IO, Format, Corrupt).</exception>
        public void AddCrls(string path)
        {
            if (path == null)
                throw new ArgumentNullException(nameof(path));
            Configure(() => Native.UcpCheckerAddCrlFile(Handle, path));
        }

        /// <summary>Adds certificate revocation lists held in memory (PEM or DER).</summary>
        /// <param name="data">The CRL bytes.</param>
        /// <param name="name">A name for messages and reports, or null.</param>
        public void AddCrls(byte[] data, string? name = null)
        {
            if (data == null)
                throw new ArgumentNullException(nameof(data));
            Configure(() => Native.UcpCheckerAddCrlData(Handle, data, data.Length, name));
        }

        /// <summary>Whether checks fetch revocation data over the network: the CRLs of the HTTP
        /// distribution points and OCSP answers (default false: a check never touches the network
        /// unless asked to). Fetches reach public addresses only unless
        /// <see cref="AllowPrivateNetwork"/>; no proxy is used. At most 8 URLs are tried per
        /// certificate, within the check's <see cref="NetworkTimeout"/>; fetched CRLs are kept for
        /// later checks in a cache of 32 MiB per checker (least recently used dropped first;
        /// another issuer's never kept).</summary>
        public bool Online
        {
            get => online;
            set => Configure(() =>
            {
                Native.UcpCheckerSetOnline(Handle, value);
                online = value;
            });
        }

        /// <summary>
        /// Whether <see cref="Online"/> fetches may connect to loopback, private (RFC 1918,
        /// fc00::/7), link-local and other non-public addresses (CLI --allow-private-network).
        /// Default false: the URLs come from the certificate under test, so every connection,
        /// each redirect's included (at most 3, http and https only), is checked after name
        /// resolution and one to such an address is refused; the certificate is then
        /// <see cref="RevocationStatus.Unreachable"/> with a "revocation.unreachable" finding
        /// naming the address. Set it for an internal PKI whose distribution points or
        /// responders are on the private network. It does not concern the connection a
        /// <see cref="Probe"/> makes to the server you name.
        /// </summary>
        public bool AllowPrivateNetwork
        {
            get => allowPrivateNetwork;
            set => Configure(() =>
            {
                Native.UcpCheckerSetAllowPrivateNetwork(Handle, value);
                allowPrivateNetwork = value;
            });
        }

        /// <summary>
        /// The initial policy set of certificate policy processing (RFC 5280 6.1; CLI --policy):
        /// dotted OIDs a trusted path must be valid for (one of them). Empty (the default): any
        /// policy. A path asserting none of them gets a "chain.policy-invalid" finding;
        /// <see cref="Report.Policies"/> lists the path's valid policies. Setting it replaces the
        /// set; an OID that is not one throws (the set is then empty).
        /// </summary>
        public IReadOnlyList<string> InitialPolicies
        {
            get => initialPolicies.ToArray();
            set
            {
                if (value == null)
                    throw new ArgumentNullException(nameof(value));
                Configure(() =>
                {
                    initialPolicies.Clear();
                    Native.UcpCheckerClearInitialPolicies(Handle);
                    foreach (string oid in value)
                    {
                        if (oid == null)
                            throw new ArgumentNullException(nameof(value), "A policy OID is null.");
                        try
                        {
                            Native.UcpCheckerAddInitialPolicy(Handle, oid);
                        }
                        catch
                        {
                            initialPolicies.Clear();
                            Native.UcpCheckerClearInitialPolicies(Handle);
                            throw;
                        }
                        initialPolicies.Add(oid);
                    }
                });
            }
        }

        /// <summary>Whether a trusted path must have a valid certificate policy (RFC 5280
        /// initial-explicit-policy; CLI --require-explicit-policy). Default false.</summary>
        public bool RequireExplicitPolicy
        {
            get => requireExplicitPolicy;
            set => Configure(() =>
            {
                Native.UcpCheckerSetRequireExplicitPolicy(Handle, value);
                requireExplicitPolicy = value;
            });
        }

        /// <summary>Whether the CAs' policy mappings are ignored (RFC 5280
        /// initial-policy-mapping-inhibit; CLI --inhibit-policy-mapping). Default false.</summary>
        public bool InhibitPolicyMapping
        {
            get => inhibitPolicyMapping;
            set => Configure(() =>
            {
                Native.UcpCheckerSetInhibitPolicyMapping(Handle, value);
                inhibitPolicyMapping = value;
            });
        }

        /// <summary>Whether anyPolicy in a certificate matches no policy (RFC 5280
        /// initial-any-policy-inhibit; CLI --inhibit-any-policy). Default false.</summary>
        public bool InhibitAnyPolicy
        {
            get => inhibitAnyPolicy;
            set => Configure(() =>
            {
                Native.UcpCheckerSetInhibitAnyPolicy(Handle, value);
                inhibitAnyPolicy = value;
            });
        }

        /// <summary>The time budget of the online work of each check (default 5 s, at most 10 minutes):
        /// all its CRL and OCSP transfers share it, and the URLs not tried when it is spent are
        /// counted in the revocation.unreachable finding.</summary>
        public TimeSpan NetworkTimeout
        {
            get => networkTimeout;
            set
            {
                if (value < TimeSpan.Zero || value.TotalMilliseconds > uint.MaxValue)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be between 0 and 10 minutes.");
                Configure(() =>
                {
                    Native.UcpCheckerSetNetworkTimeout(Handle, (uint)value.TotalMilliseconds);
                    networkTimeout = value;
                });
            }
        }

        /// <summary>Size limit of each fetched CRL or OCSP response (default 10 MiB, at least 1 KiB).</summary>
        public int FetchLimit
        {
            get => fetchLimit;
            set
            {
                if (value < 0)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The limit cannot be negative.");
                Configure(() =>
                {
                    Native.UcpCheckerSetFetchLimit(Handle, value);
                    fetchLimit = value;
                });
            }
        }

        /// <summary>
        /// Checks the leaf of <paramref name="input"/> (with the rest of the input as its presented
        /// chain) against a role. Policy violations are findings of the report, never exceptions.
        /// </summary>
        /// <param name="input">The certificate and its chain.</param>
        /// <param name="role">A role id or alias, e.g. "exchange-um", "UM", "WebServicesExternal".</param>
        /// <param name="topology">Deployment facts, or null (rules that need a missing fact then
        /// report an "input.facts-missing" warning).</param>
        /// <exception cref="UcPolicyException">An unknown role (<see cref="UcPolicyErrorCode.UnknownRole"/>,
        /// the message lists the roles) or an invalid fact (<see cref="UcPolicyErrorCode.Topology"/>).</exception>
        public Report Check(CertificateInput input, string role, Topology? topology = null)
        {
            if (input == null)
                throw new ArgumentNullException(nameof(input));
            if (role == null)
                throw new ArgumentNullException(nameof(role));
            using (TopologyHandle native = topology?.ToNative() ?? new TopologyHandle())
            {
                ReportHandle report;
                gate.EnterReadLock();
                try
                {
                    Native.UcpCheckerCheck(Handle, input.Handle, role, native, out report);
                }
                finally
                {
                    gate.ExitReadLock();
                }
                return Report.FromNative(report); // the report keeps the handle
            }
        }

        /// <summary>Reads a file (PEM, DER, PKCS#7, PKCS#12) and checks its leaf against a role.</summary>
        /// <param name="path">The file.</param>
        /// <param name="role">A role id or alias.</param>
        /// <param name="topology">Deployment facts, or null.</param>
        /// <param name="password">The PKCS#12 password, or null for none.</param>
        /// <exception cref="UcPolicyException">The file cannot be read (IO, Format, Password...), or as
        /// <see cref="Check(CertificateInput, string, Topology)"/>.</exception>
        public Report Check(string path, string role, Topology? topology = null, SecureString? password = null)
        {
            using (CertificateInput input = CertificateInput.FromFile(path, password))
                return Check(input, role, topology);
        }

        /// <summary>Checks certificates held in memory (the bytes of any supported file format).</summary>
        public Report Check(byte[] data, string role, Topology? topology = null, string? name = null, SecureString? password = null)
        {
            using (CertificateInput input = CertificateInput.FromBytes(data, name, password))
                return Check(input, role, topology);
        }

        /// <summary>Checks a .NET certificate (its RawData), with the chain presented with it. Without
        /// one (null), the intermediates the system's certificate stores hold for it are used
        /// (<see cref="CertificateInput.FromStoreCertificate"/>: no revocation check, no download;
        /// the report names their source "system-intermediates"), as a certificate from a store
        /// would be presented by the server that uses it; pass an empty list to check the
        /// certificate alone. (1.0 checked it alone when null.)</summary>
        public Report Check(X509Certificate2 certificate, string role, Topology? topology = null, IEnumerable<X509Certificate2>? presentedChain = null)
        {
            if (certificate == null)
                throw new ArgumentNullException(nameof(certificate));
            using (CertificateInput input = presentedChain == null ? CertificateInput.FromStoreCertificate(certificate)
                                                                   : CertificateInput.FromCertificate(certificate, presentedChain))
                return Check(input, role, topology);
        }

        /// <summary>
        /// Checks the certificate deployed on every server of a pool: the same certificate with the
        /// same private key on each Edge Server of an Edge pool (external, A/V Authentication,
        /// internal interfaces) and, for OAuthTokenIssuer, on every Front End. The first input, the
        /// reference, is checked against the role as <see cref="Check(CertificateInput, string, Topology)"/>
        /// checks it; every other one is compared with it (<see cref="Report.Pool"/>), and each that
        /// differs gives a "private-key.pool-mismatch" finding for the roles that need one
        /// certificate. Check the others on their own for their own findings.
        /// </summary>
        /// <param name="inputs">1 to 64 inputs, one per server (typically the PFX exported on each).</param>
        /// <param name="role">A role id or alias.</param>
        /// <param name="topology">Deployment facts, or null.</param>
        /// <exception cref="UcPolicyException">No input or more than 64 (<see cref="UcPolicyErrorCode.InvalidArgument"/>),
        /// or as <see cref="Check(CertificateInput, string, Topology)"/>.</exception>
        public Report CheckPool(IEnumerable<CertificateInput> inputs, string role, Topology? topology = null)
        {
            if (inputs == null)
                throw new ArgumentNullException(nameof(inputs));
            if (role == null)
                throw new ArgumentNullException(nameof(role));
            var list = new List<CertificateInput>(inputs);
            var handles = new InputHandle[list.Count];
            for (int i = 0; i < list.Count; i++)
                handles[i] = (list[i] ?? throw new ArgumentException("An input is null.", nameof(inputs))).Handle;
            var pointers = new IntPtr[handles.Length];
            int added = 0;
            try
            {
                // The native call borrows the inputs: keep each handle referenced until it returns.
                for (; added < handles.Length; added++)
                {
                    bool ok = false;
                    handles[added].DangerousAddRef(ref ok);
                    pointers[added] = handles[added].DangerousGetHandle();
                }
                using (TopologyHandle native = topology?.ToNative() ?? new TopologyHandle())
                {
                    ReportHandle report;
                    gate.EnterReadLock();
                    try
                    {
                        Native.UcpCsharpCheckPool(Handle, pointers, pointers.Length, role, native, out report);
                    }
                    finally
                    {
                        gate.ExitReadLock();
                    }
                    return Report.FromNative(report); // the report keeps the handle
                }
            }
            finally
            {
                for (int i = 0; i < added; i++)
                    handles[i].DangerousRelease();
            }
        }

        /// <summary>Reads the file exported on each server of a pool (all with the same password) and
        /// checks them as <see cref="CheckPool(IEnumerable{CertificateInput}, string, Topology)"/>.</summary>
        /// <exception cref="UcPolicyException">A file cannot be read (the message names it), or as the other overload.</exception>
        public Report CheckPool(IEnumerable<string> paths, string role, Topology? topology = null, SecureString? password = null)
        {
            if (paths == null)
                throw new ArgumentNullException(nameof(paths));
            var inputs = new List<CertificateInput>();
            try
            {
                foreach (string path in paths)
                    inputs.Add(CertificateInput.FromFile(path, password));
                return CheckPool(inputs, role, topology);
            }
            finally
            {
                foreach (CertificateInput input in inputs)
                    input.Dispose();
            }
        }

        /// <summary>Runs a configured probe with this checker's trust settings (see <see cref="Probe.Run"/>).</summary>
        internal Report RunProbe(ProbeHandle probe, string role, Topology? topology)
        {
            using (TopologyHandle native = topology?.ToNative() ?? new TopologyHandle())
            {
                ReportHandle report;
                gate.EnterReadLock();
                try
                {
                    Native.UcpProbeRun(probe, Handle, role, native, out report);
                }
                finally
                {
                    gate.ExitReadLock();
                }
                return Report.FromNative(report); // the report keeps the handle
            }
        }

        internal void RunScan(ScanHandle scan, ScanCallback callback)
        {
            gate.EnterReadLock();
            try
            {
                Native.UcpCsharpScanRun(scan, Handle, callback);
            }
            finally
            {
                gate.ExitReadLock();
            }
        }

        /// <summary>Frees the native checker. Idempotent and thread-safe; reports already produced stay valid.</summary>
        public void Dispose() => handle.Dispose();

        /// <summary>Whether <see cref="Dispose"/> has been called.</summary>
        public bool IsDisposed => handle.IsClosed;

        CheckerHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                    throw new ObjectDisposedException(nameof(Checker));
                return handle;
            }
        }

        void Configure(Action action)
        {
            gate.EnterWriteLock();
            try
            {
                action();
            }
            finally
            {
                gate.ExitWriteLock();
            }
        }

        void Add(CertificateInput certificates, Action<CheckerHandle, InputHandle> add)
        {
            if (certificates == null)
                throw new ArgumentNullException(nameof(certificates));
            Configure(() => add(Handle, certificates.Handle));
        }

        static void AddFile(string path, Action<CertificateInput> add)
        {
            using (CertificateInput input = CertificateInput.FromFile(path))
                add(input);
        }

        static void AddCertificates(X509Certificate2[] certificates, Action<CertificateInput> add)
        {
            if (certificates == null)
                throw new ArgumentNullException(nameof(certificates));
            foreach (X509Certificate2 certificate in certificates)
            {
                using (CertificateInput input = CertificateInput.FromCertificate(certificate))
                    add(input);
            }
        }
    }
}
