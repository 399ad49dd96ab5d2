// SPDX-License-Identifier: MIT
using System;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>A documentary source of a requirement (a Microsoft document, an RFC, a blog post
    /// recording an incident), keyed as in the catalogue's sources (docs/rules), e.g. "L13-WILD".</summary>
    public sealed class Reference
    {
        internal Reference(string key, string title, string url)
        {
            Key = key;
            Title = title;
            Url = url;
        }

        /// <summary>The source key, e.g. "L13-WILD".</summary>
        public string Key { get; }

        /// <summary>The document's title.</summary>
        public string Title { get; }

        /// <summary>Where to read it, or "" when only a repository path is known.</summary>
        public string Url { get; }

        internal static Reference FromNative(IntPtr reference) => new Reference(
            Utf8.NonNull(Native.UcpReferenceKey(reference)),
            Utf8.NonNull(Native.UcpReferenceTitle(reference)),
            Utf8.NonNull(Native.UcpReferenceUrl(reference)));

        /// <summary>The key and title.</summary>
        public override string ToString() => Key + ": " + Title;
    }
}
