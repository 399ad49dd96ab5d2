// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace UcPolicy.Interop
{
    /// <summary>
    /// Finds and loads the native libraries before the first P/Invoke: the SWIG
    /// wrapper (ucpolicy_csharp) and, next to it, libucpolicy itself. The assembly does this itself
    /// rather than trusting a host's probing (PowerShell 7's has had several bugs), in this order:
    /// <list type="number">
    /// <item>every directory of the UCPOLICY_NATIVE_DIR environment variable (path-separated), as a
    /// build tree or a test run sets it;</item>
    /// <item><c>runtimes/&lt;rid&gt;/native</c> next to the assembly (NuGet layout);</item>
    /// <item><c>../../runtimes/&lt;rid&gt;/native</c> from the assembly (the PowerShell module:
    /// <c>lib/&lt;tfm&gt;/UcPolicy.dll</c>);</item>
    /// <item>the assembly's own directory;</item>
    /// <item>the operating system's search (a system-wide installation).</item>
    /// </list>
    /// On .NET the library is loaded with NativeLibrary.Load and handed to the runtime through the
    /// assembly's DllImport resolver. On netstandard2.0 (Windows PowerShell 5.1) there is no resolver:
    /// the library is preloaded by absolute path with LoadLibraryEx(LOAD_WITH_ALTERED_SEARCH_PATH), so
    /// that its dependencies (GnuTLS and its DLLs) resolve from its own folder, or with dlopen; the
    /// runtime's later load by name then finds the module already loaded.
    /// </summary>
    internal static class NativeLibraryLoader
    {
        /// <summary>The DllImport name of the SWIG wrapper (swig -dllimport).</summary>
        public const string LibraryName = "ucpolicy_csharp";

        /// <summary>Environment variable naming directories to search first.</summary>
        public const string DirectoryVariable = "UCPOLICY_NATIVE_DIR";

        static readonly object Gate = new object();
        static volatile bool loaded;
        static string? loadedFrom;
#if NET
        static IntPtr wrapperHandle;
        static bool resolverRegistered;
#endif

        /// <summary>The full path of the wrapper library loaded, or null when the operating
        /// system's search found it (or nothing is loaded yet).</summary>
        public static string? LoadedFrom => loadedFrom;

        /// <summary>Loads the native libraries once; cheap after the first call.</summary>
        /// <exception cref="DllNotFoundException">No usable library was found; the message lists
        /// what was tried and why each attempt failed.</exception>
        public static void EnsureLoaded()
        {
            if (loaded)
                return;
            lock (Gate)
            {
                if (loaded)
                    return;
                Load();
                CheckVersion();
                loaded = true;
            }
        }

        static void Load()
        {
            var tried = new List<string>();
            foreach (string directory in CandidateDirectories())
            {
                foreach (string fileName in WrapperFileNames())
                {
                    string path;
                    try
                    {
                        path = Path.GetFullPath(Path.Combine(directory, fileName));
                    }
                    catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
                    {
                        continue;
                    }
                    if (!File.Exists(path))
                        continue;
                    // libucpolicy next to the wrapper is loaded first, by absolute path, so the wrapper's
                    // dependency resolves to it whatever RPATH or PATH say.
                    string? dir = Path.GetDirectoryName(path);
                    if (dir != null)
                    {
                        foreach (string coreName in CoreFileNames())
                        {
                            string core = Path.Combine(dir, coreName);
                            if (File.Exists(core) && PlatformLoad(core, out string? coreError) == IntPtr.Zero)
                                tried.Add(core + ": " + coreError);
                        }
                    }
                    IntPtr handle = PlatformLoad(path, out string? error);
                    if (handle != IntPtr.Zero)
                    {
                        Register(handle);
                        loadedFrom = path;
                        return;
                    }
                    tried.Add(path + ": " + error);
                }
            }

            // A system-wide installation: the operating system's own search.
            IntPtr system = PlatformLoadByName(out string? systemError);
            if (system != IntPtr.Zero)
            {
                Register(system);
                return;
            }
            tried.Add(LibraryName + " (system search): " + systemError);

            var message = new StringBuilder();
            message.Append("The native libucpolicy .NET wrapper (").Append(LibraryName)
                   .Append(") could not be loaded. Set ").Append(DirectoryVariable)
                   .Append(" to the directory that holds it, or install it next to the UcPolicy assembly. Tried:");
            foreach (string attempt in tried)
                message.Append(Environment.NewLine).Append("  ").Append(attempt);
            throw new DllNotFoundException(message.ToString());
        }

        /// <summary>The headers the binding was generated from promise an ABI; the loaded library
        /// must be at least that version (same soname, so the same major).</summary>
        static void CheckVersion()
        {
            string? ok = Utf8.FromNative(NativeMethods.UcpCheckVersion(Utf8.ToNative(Native.UCP_VERSION)));
            if (ok == null)
            {
                string? actual = Utf8.FromNative(NativeMethods.UcpVersion());
                throw new DllNotFoundException(
                    "The loaded libucpolicy is version " + actual + "; this binding needs " + Native.UCP_VERSION +
                    " or later" + (loadedFrom != null ? " (" + loadedFrom + ")." : "."));
            }
        }

        static IEnumerable<string> CandidateDirectories()
        {
            string? variable = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrEmpty(variable))
            {
                foreach (string entry in variable!.Split(Path.PathSeparator))
                {
                    if (entry.Length > 0)
                        yield return entry;
                }
            }
            string? assemblyDirectory = AssemblyDirectory();
            if (assemblyDirectory == null)
                yield break;
            foreach (string rid in RuntimeIdentifiers())
            {
                yield return Path.Combine(assemblyDirectory, "runtimes", rid, "native");
                yield return Path.Combine(assemblyDirectory, "..", "..", "runtimes", rid, "native");
            }
            yield return assemblyDirectory;
        }

        static string? AssemblyDirectory()
        {
            string location = typeof(NativeLibraryLoader).Assembly.Location;
            // Empty in single-file applications: the application's directory is the place then.
            string? directory = string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location);
            return string.IsNullOrEmpty(directory) ? null : directory;
        }

        /// <summary>The runtime identifiers whose native folders apply to this process, most specific first.</summary>
        internal static IEnumerable<string> RuntimeIdentifiers()
        {
            string architecture = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                yield return "win-" + architecture;
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                yield return "osx-" + architecture;
            }
            else
            {
                yield return "linux-" + architecture;
                yield return "linux-musl-" + architecture;
            }
        }

        static IEnumerable<string> WrapperFileNames()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return new[] { LibraryName + ".dll", "lib" + LibraryName + ".dll" };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                return new[] { "lib" + LibraryName + ".dylib" };
            return new[] { "lib" + LibraryName + ".so" };
        }

        static IEnumerable<string> CoreFileNames()
        {
            string major = Native.UCP_SOVERSION.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return new[] { "ucpolicy-" + major + ".dll", "libucpolicy-" + major + ".dll" };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                return new[] { "libucpolicy." + major + ".dylib" };
            return new[] { "libucpolicy.so." + major };
        }

#if NET
        static void Register(IntPtr handle)
        {
            wrapperHandle = handle;
            if (resolverRegistered)
                return;
            // One resolver per assembly; this assembly registers none elsewhere.
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, (name, assembly, searchPath) =>
                name == LibraryName ? wrapperHandle : IntPtr.Zero);
            resolverRegistered = true;
        }

        static IntPtr PlatformLoad(string path, out string? error)
        {
            error = null;
            try
            {
                return NativeLibrary.Load(path);
            }
            catch (Exception e) when (e is DllNotFoundException || e is BadImageFormatException)
            {
                error = e.Message;
                return IntPtr.Zero;
            }
        }

        static IntPtr PlatformLoadByName(out string? error)
        {
            error = null;
            if (NativeLibrary.TryLoad(LibraryName, typeof(NativeLibraryLoader).Assembly, DllImportSearchPath.SafeDirectories, out IntPtr handle))
                return handle;
            error = "not found";
            return IntPtr.Zero;
        }
#else
        // netstandard2.0: no resolver. A module preloaded by absolute path satisfies the runtime's
        // later load by name (Windows matches the module name; glibc matches the soname, which the
        // meson build sets to the file name).
        static void Register(IntPtr handle) { }

        static IntPtr PlatformLoad(string path, out string? error)
        {
            error = null;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // Backslashes, or LOAD_WITH_ALTERED_SEARCH_PATH is silently ignored.
                IntPtr handle = Windows.LoadLibraryExW(path.Replace('/', '\\'), IntPtr.Zero, Windows.LoadWithAlteredSearchPath);
                if (handle == IntPtr.Zero)
                    error = new System.ComponentModel.Win32Exception(Marshal.GetLastWin32Error()).Message;
                return handle;
            }
            return Unix.Open(path, out error);
        }

        static IntPtr PlatformLoadByName(out string? error)
        {
            error = null;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // The safe default directories only: never the current directory (DLL planting).
                IntPtr handle = Windows.LoadLibraryExW(LibraryName + ".dll", IntPtr.Zero, Windows.LoadLibrarySearchDefaultDirs);
                if (handle == IntPtr.Zero)
                    error = new System.ComponentModel.Win32Exception(Marshal.GetLastWin32Error()).Message;
                return handle;
            }
            string name = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "lib" + LibraryName + ".dylib" : "lib" + LibraryName + ".so";
            return Unix.Open(name, out error);
        }

        static class Windows
        {
            public const uint LoadWithAlteredSearchPath = 0x00000008;
            public const uint LoadLibrarySearchDefaultDirs = 0x00001000;

            [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            public static extern IntPtr LoadLibraryExW(string fileName, IntPtr reserved, uint flags);
        }

        static class Unix
        {
            const int RtldNow = 2;

            public static IntPtr Open(string path, out string? error)
            {
                byte[]? file = Utf8.ToNative(path);
                error = null;
                IntPtr handle;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    handle = MacOS.dlopen(file, RtldNow);
                    if (handle == IntPtr.Zero)
                        error = Utf8.FromNative(MacOS.dlerror());
                    return handle;
                }
                try
                {
                    handle = LibDl.dlopen(file, RtldNow);
                    if (handle == IntPtr.Zero)
                        error = Utf8.FromNative(LibDl.dlerror());
                }
                catch (DllNotFoundException)
                {
                    // C libraries that have dlopen in libc itself and no libdl.so.2 (musl).
                    handle = LibC.dlopen(file, RtldNow);
                    if (handle == IntPtr.Zero)
                        error = Utf8.FromNative(LibC.dlerror());
                }
                return handle;
            }

            static class LibDl
            {
                [DllImport("libdl.so.2")]
                public static extern IntPtr dlopen(byte[]? file, int mode);

                [DllImport("libdl.so.2")]
                public static extern IntPtr dlerror();
            }

            static class LibC
            {
                [DllImport("libc")]
                public static extern IntPtr dlopen(byte[]? file, int mode);

                [DllImport("libc")]
                public static extern IntPtr dlerror();
            }

            static class MacOS
            {
                [DllImport("/usr/lib/libSystem.B.dylib")]
                public static extern IntPtr dlopen(byte[]? file, int mode);

                [DllImport("/usr/lib/libSystem.B.dylib")]
                public static extern IntPtr dlerror();
            }
        }
#endif
    }
}
