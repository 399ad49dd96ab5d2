// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// The certificates read from one file or buffer: the leaf first, then the rest of the chain
    /// it came with. The format (PEM, DER, PKCS#7, PKCS#12) is detected from the content, never from
    /// a file name. Read an input once to check it against several roles, or to show what it holds.
    /// Dispose it when done (a forgotten one is freed by the finalizer).
    /// </summary>
    public sealed class CertificateInput : IDisposable
    {
        readonly InputHandle handle;

        CertificateInput(InputHandle handle)
        {
            this.handle = handle;
            Name = Utf8.NonNull(Native.UcpInputName(handle));
            Format = (CertificateFormat)Native.UcpInputFormat(handle);
            HasPrivateKey = Native.UcpInputHasPrivateKey(handle);
            Certificates = Util.List(Native.UcpInputCertificateCount(handle),
                                     i => CertificateInfo.FromNative(Native.UcpInputCertificateAt(handle, i)));
        }

        /// <summary>The file path, or the name given for bytes.</summary>
        public string Name { get; }

        /// <summary>The detected format.</summary>
        public CertificateFormat Format { get; }

        /// <summary>Whether a PKCS#12 input held a private key.</summary>
        public bool HasPrivateKey { get; }

        /// <summary>The certificates, the leaf first (at least one).</summary>
        public IReadOnlyList<CertificateInfo> Certificates { get; }

        /// <summary>The leaf certificate.</summary>
        public CertificateInfo Leaf => Certificates[0];

        internal InputHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                    throw new ObjectDisposedException(nameof(CertificateInput));
                return handle;
            }
        }

        /// <summary>Reads a file.</summary>
        /// <param name="path">The file (PEM, DER, PKCS#7 or PKCS#12).</param>
        /// <param name="password">The PKCS#12 password, or null for none.</param>
        /// <exception cref="UcPolicyException">The file cannot be read or holds no certificate;
        /// <see cref="UcPolicyException.Code"/> says why (IO, Format, Corrupt, Password...).</exception>
        public static CertificateInput FromFile(string path, SecureString? password = null)
        {
            if (path == null)
                throw new ArgumentNullException(nameof(path));
            NativeLibraryLoader.EnsureLoaded();
            using (NativePassword? secret = NativePassword.From(password))
            {
                Native.UcpInputFromFile(out InputHandle handle, path, secret?.Pointer ?? IntPtr.Zero);
                return Wrap(handle);
            }
        }

        /// <summary>Reads certificates from memory.</summary>
        /// <param name="data">The bytes of a PEM, DER, PKCS#7 or PKCS#12 file.</param>
        /// <param name="name">A name for messages and reports (e.g. the original file name), or
        /// null for "&lt;memory&gt;".</param>
        /// <param name="password">The PKCS#12 password, or null for none.</param>
        public static CertificateInput FromBytes(byte[] data, string? name = null, SecureString? password = null)
        {
            if (data == null)
                throw new ArgumentNullException(nameof(data));
            NativeLibraryLoader.EnsureLoaded();
            using (NativePassword? secret = NativePassword.From(password))
            {
                // A zero-length array still passes a valid pointer; the library reports the empty input.
                Native.UcpInputFromData(out InputHandle handle, data, data.Length, name, secret?.Pointer ?? IntPtr.Zero);
                return Wrap(handle);
            }
        }

        /// <summary>
        /// Takes a .NET certificate (from a store, Get-ChildItem Cert:\, a file) by its DER bytes
        /// (RawData), followed by the chain presented with it, if any. The private key, if the object
        /// has one, is not passed on.
        /// </summary>
        /// <param name="certificate">The leaf.</param>
        /// <param name="presentedChain">Certificates the server presents with it (intermediates), or null.</param>
        /// <param name="name">A name for reports, or null for "Thumbprint &lt;SHA-1&gt;".</param>
        public static CertificateInput FromCertificate(X509Certificate2 certificate, IEnumerable<X509Certificate2>? presentedChain = null, string? name = null)
        {
            if (certificate == null)
                throw new ArgumentNullException(nameof(certificate));
            name ??= "Thumbprint " + certificate.Thumbprint;
            var chain = new List<X509Certificate2>();
            if (presentedChain != null)
            {
                foreach (X509Certificate2 c in presentedChain)
                {
                    if (c != null)
                        chain.Add(c);
                }
            }
            if (chain.Count == 0)
                return FromBytes(certificate.RawData, name);
            // Several certificates travel as one PEM document, the leaf first.
            var pem = new StringBuilder();
            AppendPem(pem, certificate.RawData);
            foreach (X509Certificate2 c in chain)
                AppendPem(pem, c.RawData);
            return FromBytes(Encoding.ASCII.GetBytes(pem.ToString()), name);
        }

        /// <summary>
        /// Adds intermediate CA certificates that this input does not carry but that the system's
        /// certificate stores hold for it (<see cref="FindSystemIntermediates"/>): path building uses
        /// them as the input's own intermediates, and the report names their source
        /// "system-intermediates" (<see cref="ChainElement.Source"/>). They are never trust anchors.
        /// Since 1.1.
        /// </summary>
        /// <exception cref="UcPolicyException">More than 64 in all (<see cref="UcPolicyErrorCode.Limit"/>).</exception>
        public void AddSystemIntermediates(IEnumerable<X509Certificate2> intermediates)
        {
            if (intermediates == null)
                throw new ArgumentNullException(nameof(intermediates));
            foreach (X509Certificate2 c in intermediates)
            {
                if (c != null)
                    Native.UcpInputAddSystemIntermediates(Handle, c.RawData, c.RawData.Length);
            }
        }

        /// <summary>
        /// Takes a certificate from a store as the server using it would present it: the leaf, with
        /// the intermediates the system's stores hold for it (<see cref="FindSystemIntermediates"/>,
        /// added with <see cref="AddSystemIntermediates"/>, so reports say where each came from).
        /// Since 1.1.
        /// </summary>
        public static CertificateInput FromStoreCertificate(X509Certificate2 certificate, string? name = null)
        {
            X509Certificate2[] system = FindSystemIntermediates(certificate);
            try
            {
                CertificateInput input = FromCertificate(certificate, null, name);
                try
                {
                    input.AddSystemIntermediates(system);
                }
                catch
                {
                    input.Dispose();
                    throw;
                }
                return input;
            }
            finally
            {
                foreach (X509Certificate2 c in system)
                    c.Dispose();
            }
        }

        /// <summary>
        /// The intermediate certificates the system holds for a certificate, as X509Chain finds
        /// them: the certificate stores (Windows: the CA and Root stores of the user and the machine;
        /// Linux: .NET's CurrentUser CA store under ~/.dotnet/corefx/cryptography/x509stores/ca and
        /// the distribution's bundle), with no revocation check and no download of missing issuers
        /// (DisableCertificateDownloads, where the runtime has it: .NET 5 and later; .NET Framework
        /// may still follow the AIA URL of a missing issuer). Neither the certificate itself nor a
        /// self-signed root is returned: the result is what a server would present with the
        /// certificate, issuer first, and may be empty. Trust is still decided by the checker's own
        /// anchors. Since 1.1.
        /// </summary>
        /// <param name="certificate">The leaf, e.g. from Cert:\LocalMachine\My.</param>
        /// <returns>New certificate objects: dispose them when done.</returns>
        public static X509Certificate2[] FindSystemIntermediates(X509Certificate2 certificate)
        {
            if (certificate == null)
                throw new ArgumentNullException(nameof(certificate));
            var found = new List<X509Certificate2>();
            using (var chain = new X509Chain())
            {
                X509ChainPolicy policy = chain.ChainPolicy;
                policy.RevocationMode = X509RevocationMode.NoCheck;
                policy.VerificationFlags = X509VerificationFlags.AllFlags;
#if NET
                policy.DisableCertificateDownloads = true;
#else
                // The netstandard2.0 build runs on .NET too (PowerShell 7 on an older .NET): use the
                // property where the runtime has it.
                typeof(X509ChainPolicy).GetProperty("DisableCertificateDownloads")?.SetValue(policy, true);
#endif
                try
                {
                    chain.Build(certificate);
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    return found.ToArray();
                }
                // Element 0 is the leaf; a self-signed element is a root (a trust anchor, not
                // something a server presents).
                for (int i = 1; i < chain.ChainElements.Count; i++)
                {
                    X509Certificate2 element = chain.ChainElements[i].Certificate;
                    if (!SameBytes(element.SubjectName.RawData, element.IssuerName.RawData) && !SameBytes(element.RawData, certificate.RawData))
                        found.Add(element);
                }
            }
            return found.ToArray();
        }

        static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
                return false;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                    return false;
            }
            return true;
        }

        static void AppendPem(StringBuilder pem, byte[] der)
        {
            pem.Append("-----BEGIN CERTIFICATE-----\n");
            string base64 = Convert.ToBase64String(der);
            for (int i = 0; i < base64.Length; i += 64)
                pem.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
            pem.Append("-----END CERTIFICATE-----\n");
        }

        static CertificateInput Wrap(InputHandle handle)
        {
            try
            {
                return new CertificateInput(handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        /// <summary>Frees the native input; safe to call more than once, from any thread.</summary>
        public void Dispose() => handle.Dispose();

        /// <summary>The name, format and leaf.</summary>
        public override string ToString() => Name + " (" + Format.ToString().ToLowerInvariant() + ", " + Certificates.Count + " certificate(s))";
    }
}
