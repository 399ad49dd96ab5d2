// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace UcPolicy.Interop
{
    /// <summary>
    /// An owned libucpolicy object. The P/Invoke signatures take these handles, so the runtime
    /// holds a reference for the length of every call: Dispose (or the finalizer) on another thread
    /// waits until no call uses the pointer, and the C _free runs exactly once. The C _free
    /// functions accept any thread, so running them on the finalizer thread is safe.
    /// </summary>
    internal abstract class UcpHandle : SafeHandle
    {
        protected UcpHandle() : base(IntPtr.Zero, ownsHandle: true) { }

        public override bool IsInvalid => handle == IntPtr.Zero;
    }

    /// <summary>A ucp_checker.</summary>
    internal sealed class CheckerHandle : UcpHandle
    {
        static long released;

        /// <summary>How many checkers have been freed (diagnostics; the finalizer test reads it).</summary>
        internal static long Released => Interlocked.Read(ref released);

        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpCheckerRelease(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>A ucp_input.</summary>
    internal sealed class InputHandle : UcpHandle
    {
        static long released;

        internal static long Released => Interlocked.Read(ref released);

        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpInputRelease(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>A ucp_topology; an invalid (zero) handle passes NULL, "no topology".</summary>
    internal sealed class TopologyHandle : UcpHandle
    {
        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpTopologyRelease(handle);
            return true;
        }
    }

    /// <summary>A ucp_deployment (a certificate plan).</summary>
    internal sealed class DeploymentHandle : UcpHandle
    {
        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpDeploymentRelease(handle);
            return true;
        }
    }

    /// <summary>A ucp_report.</summary>
    internal sealed class ReportHandle : UcpHandle
    {
        static long released;

        internal static long Released => Interlocked.Read(ref released);

        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpReportRelease(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>A ucp_renderer (ucpolicy/render.h): one batch being rendered.</summary>
    internal sealed class RendererHandle : UcpHandle
    {
        static long released;

        /// <summary>How many renderers have been freed (diagnostics; a test reads it).</summary>
        internal static long Released => Interlocked.Read(ref released);

        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpRendererRelease(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>A ucp_probe (the client key it holds is wiped when it is freed).</summary>
    internal sealed class ProbeHandle : UcpHandle
    {
        static long released;

        internal static long Released => Interlocked.Read(ref released);

        protected override bool ReleaseHandle()
        {
            Native.UcpCsharpProbeRelease(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>The C ucp_buffer: text a renderer allocated; release it with ucp_buffer_dispose.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct UcpBuffer
    {
        public IntPtr Data;
        public UIntPtr Size;
    }

    /// <summary>Runs a renderer and returns its text, releasing the buffer in every case.</summary>
    internal static class Buffers
    {
        public delegate void Renderer(ref UcpBuffer buffer);

        public static string Take(Renderer render)
        {
            var buffer = new UcpBuffer();
            try
            {
                render(ref buffer);
                return Utf8.FromNative(buffer.Data, checked((int)buffer.Size.ToUInt64()));
            }
            finally
            {
                Native.UcpBufferDispose(ref buffer);
            }
        }
    }
}
