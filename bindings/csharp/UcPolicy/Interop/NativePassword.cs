// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace UcPolicy.Interop
{
    /// <summary>
    /// A PKCS#12 password as NUL-terminated UTF-8 in unmanaged memory, for the length of one call.
    /// It is transcoded straight from the SecureString's unmanaged copy, so the clear text never
    /// becomes a managed string, and both copies are wiped when the call is over.
    /// </summary>
    internal sealed class NativePassword : IDisposable
    {
        IntPtr pointer;
        int size;

        NativePassword(IntPtr pointer, int size)
        {
            this.pointer = pointer;
            this.size = size;
        }

        /// <summary>The pointer to pass, IntPtr.Zero for "no password".</summary>
        public IntPtr Pointer => pointer;

        /// <summary>Null for a null password (the C API's "none").</summary>
        /// <exception cref="ArgumentException">The password holds a NUL character, which C cannot receive.</exception>
        public static unsafe NativePassword? From(SecureString? password)
        {
            if (password == null)
                return null;
            IntPtr unicode = Marshal.SecureStringToGlobalAllocUnicode(password);
            try
            {
                char* chars = (char*)unicode;
                int length = password.Length;
                for (int i = 0; i < length; i++)
                {
                    if (chars[i] == '\0')
                        throw new ArgumentException("The password contains a NUL character.", nameof(password));
                }
                int count = length == 0 ? 0 : Encoding.UTF8.GetByteCount(chars, length);
                IntPtr buffer = Marshal.AllocHGlobal(count + 1);
                if (count > 0)
                    Encoding.UTF8.GetBytes(chars, length, (byte*)buffer, count);
                ((byte*)buffer)[count] = 0;
                return new NativePassword(buffer, count + 1);
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(unicode);
            }
        }

        public unsafe void Dispose()
        {
            IntPtr p = pointer;
            if (p == IntPtr.Zero)
                return;
            pointer = IntPtr.Zero;
            byte* bytes = (byte*)p;
            for (int i = 0; i < size; i++)
                bytes[i] = 0;
            Marshal.FreeHGlobal(p);
        }
    }
}
