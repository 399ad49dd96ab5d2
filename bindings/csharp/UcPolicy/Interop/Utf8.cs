// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace UcPolicy.Interop
{
    /// <summary>
    /// UTF-8 marshalling for every string crossing into or out of libucpolicy (the C API's only
    /// string encoding). Used by the SWIG typemaps of ucpolicy_csharp.i instead of SWIG's default,
    /// which goes through the ANSI code page on Windows.
    /// </summary>
    internal static class Utf8
    {
        static readonly UTF8Encoding Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="value"/>, or null for null.</summary>
        /// <exception cref="ArgumentException">The string contains a NUL character, which C
        /// would silently treat as its end (a path "a.pem\0b" must not become "a.pem").</exception>
        public static byte[]? ToNative(string? value)
        {
            if (value == null)
                return null;
            if (value.IndexOf('\0') >= 0)
                throw new ArgumentException("The string contains a NUL character, which libucpolicy cannot accept.", nameof(value));
            int count = Encoding.GetByteCount(value);
            var bytes = new byte[count + 1];
            Encoding.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        /// <summary>Decodes a NUL-terminated UTF-8 string; null for a null pointer.</summary>
        public static unsafe string? FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
                return null;
            byte* bytes = (byte*)pointer;
            int length = 0;
            while (bytes[length] != 0)
                length++;
            return length == 0 ? string.Empty : Encoding.GetString(bytes, length);
        }

        /// <summary>Decodes <paramref name="length"/> bytes of UTF-8.</summary>
        public static unsafe string FromNative(IntPtr pointer, int length)
        {
            if (pointer == IntPtr.Zero || length == 0)
                return string.Empty;
            return Encoding.GetString((byte*)pointer, length);
        }

        /// <summary>As <see cref="FromNative(IntPtr)"/>, with "" for a null pointer.</summary>
        public static string NonNull(string? value) => value ?? string.Empty;
    }
}
