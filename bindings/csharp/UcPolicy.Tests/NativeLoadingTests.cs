// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>The assembly loads the native libraries itself, from where it was told.</summary>
    public class NativeLoadingTests
    {
        [Fact]
        public void WrapperComesFromTheConfiguredDirectory()
        {
            string? path = Library.NativeLibraryPath;
            string? configured = Environment.GetEnvironmentVariable("UCPOLICY_NATIVE_DIR");
            Assert.NotNull(path);
            Assert.True(File.Exists(path), path);
            Assert.EndsWith(OperatingSystem.IsWindows() ? "ucpolicy_csharp.dll" : "libucpolicy_csharp.so", path);
            if (!string.IsNullOrEmpty(configured))
                Assert.Equal(Path.GetFullPath(configured.Split(Path.PathSeparator)[0]), Path.GetDirectoryName(path));
        }

        [Fact]
        public void TheProcessMapsTheLibrariesOfTheBuildTree()
        {
            if (!OperatingSystem.IsLinux())
                return; // /proc/self/maps is Linux's; the path check above holds everywhere.
            Assert.NotNull(Library.NativeLibraryPath);
            string[] maps = File.ReadAllLines("/proc/self/maps");
            string wrapper = maps.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())
                                 .First(p => p.EndsWith("/libucpolicy_csharp.so", StringComparison.Ordinal));
            Assert.Equal(Library.NativeLibraryPath, wrapper);
            // Exactly one libucpolicy is mapped (no second copy from elsewhere).
            var cores = maps.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())
                            .Where(p => Path.GetFileName(p).StartsWith("libucpolicy.so", StringComparison.Ordinal))
                            .Distinct().ToList();
            Assert.Single(cores);
        }

        [Fact]
        public void TheFacadeIsTheBuildUnderTest()
        {
            // The same tests run against both builds of the facade (UcPolicy.Tests.NetStandard).
            string framework = typeof(Checker).Assembly
                .GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false)
                .Cast<System.Runtime.Versioning.TargetFrameworkAttribute>().Single().FrameworkName;
#if UCPOLICY_FACADE_NETSTANDARD
            Assert.Equal(".NETStandard,Version=v2.0", framework);
#else
            Assert.Equal(".NETCoreApp,Version=v10.0", framework);
#endif
        }

        [Fact]
        public void RuntimeIdentifiersOfThisProcess()
        {
            string first = Interop.NativeLibraryLoader.RuntimeIdentifiers().First();
            Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, first);
        }
    }
}
