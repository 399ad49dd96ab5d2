// SPDX-License-Identifier: MIT
using System;
using System.Management.Automation;

namespace UcPolicy.PowerShell
{
    /// <summary>ErrorRecords for the module's errors; ids are stable (scripts filter on them).</summary>
    internal static class Errors
    {
        /// <summary>"UcPolicy.UCP_E_FORMAT" etc.: the C status name, so every face names an error alike.</summary>
        public static ErrorRecord From(UcPolicyException e, object? target) =>
            new ErrorRecord(e, "UcPolicy." + e.Name, Category(e), target);

        public static ErrorRecord NativeLibrary(Exception e) =>
            new ErrorRecord(e, "UcPolicy.NativeLibraryNotLoaded", ErrorCategory.ResourceUnavailable, null);

        static ErrorCategory Category(UcPolicyException e)
        {
            const int ENOENT = 2;
            switch (e.Code)
            {
                case UcPolicyErrorCode.IO:
                    return e.Origin == ErrorOrigin.System && e.OriginCode == ENOENT ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError;
                case UcPolicyErrorCode.Format:
                case UcPolicyErrorCode.Corrupt:
                case UcPolicyErrorCode.NoCertificate:
                    return ErrorCategory.InvalidData;
                case UcPolicyErrorCode.Password:
                    return ErrorCategory.AuthenticationError;
                case UcPolicyErrorCode.TooLarge:
                case UcPolicyErrorCode.Limit:
                    return ErrorCategory.LimitsExceeded;
                case UcPolicyErrorCode.InvalidArgument:
                case UcPolicyErrorCode.UnknownRole:
                case UcPolicyErrorCode.UnknownProduct:
                case UcPolicyErrorCode.Topology:
                    return ErrorCategory.InvalidArgument;
                case UcPolicyErrorCode.NoMemory:
                    return ErrorCategory.ResourceUnavailable;
                default:
                    return ErrorCategory.NotSpecified;
            }
        }
    }
}
