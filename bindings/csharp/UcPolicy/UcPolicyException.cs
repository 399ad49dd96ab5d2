// SPDX-License-Identifier: MIT
using System;

namespace UcPolicy
{
    /// <summary>
    /// A libucpolicy call failed: the file could not be read, the password is wrong, the role is
    /// unknown... (never a policy violation: those are findings). Raised from the C library's
    /// thread-local last error of the failing call, so it is exact under concurrency.
    /// </summary>
    public class UcPolicyException : Exception
    {
        readonly string? inputSource;

        /// <summary>Creates the exception (the binding raises it; tests and hosts may too).</summary>
        public UcPolicyException(UcPolicyErrorCode code, string name, string message, string? source,
                                 ErrorOrigin origin = ErrorOrigin.UcPolicy, int originCode = 0)
            : base(message)
        {
            Code = code;
            Name = name ?? throw new ArgumentNullException(nameof(name));
            inputSource = source;
            Origin = origin;
            OriginCode = originCode;
        }

        /// <summary>The status code, e.g. <see cref="UcPolicyErrorCode.Password"/>.</summary>
        public UcPolicyErrorCode Code { get; }

        /// <summary>The C status name, e.g. "UCP_E_PASSWORD" (stable; the PowerShell error ids use it).</summary>
        public string Name { get; }

        /// <summary>The file or input name the error concerns (as the C library names it), or,
        /// when the error concerns no input, the usual <see cref="Exception.Source"/>.</summary>
        public override string? Source
        {
            get => inputSource ?? base.Source;
            set => base.Source = value;
        }

        /// <summary>The file or input name the error concerns, or null.</summary>
        public string? InputName => inputSource;

        /// <summary>The component the error came from.</summary>
        public ErrorOrigin Origin { get; }

        /// <summary>That component's own code (GNUTLS_E_*, ASN1_*, errno), 0 if none.</summary>
        public int OriginCode { get; }
    }
}
