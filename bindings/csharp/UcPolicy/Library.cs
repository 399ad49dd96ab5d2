// SPDX-License-Identifier: MIT
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>Versions and location of the native library.</summary>
    public static class Library
    {
        /// <summary>The version of libucpolicy loaded at run time, e.g. "1.0.0".</summary>
        public static string Version
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return Utf8.NonNull(Native.UcpVersion());
            }
        }

        /// <summary>The version of the headers this binding was generated from (the loaded
        /// library is at least this version, or loading fails).</summary>
        public static string BindingVersion => Native.UCP_VERSION;

        /// <summary>The version of GnuTLS the native library uses at run time.</summary>
        public static string GnuTlsVersion
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return Utf8.NonNull(Native.UcpGnutlsVersion());
            }
        }

        /// <summary>The version of the JSON report schema of <see cref="Report.ToJson"/>.</summary>
        public static string ReportSchemaVersion => Native.UCP_REPORT_SCHEMA_VERSION;

        /// <summary>The full path of the native wrapper library loaded, or null when the operating
        /// system's own search found it. Loads the library if it is not loaded yet.</summary>
        public static string? NativeLibraryPath
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return NativeLibraryLoader.LoadedFrom;
            }
        }
    }
}
