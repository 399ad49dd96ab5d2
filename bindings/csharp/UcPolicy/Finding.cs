// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// One rule a certificate breaks (or, for info findings, context worth knowing), with the
    /// role's wording of what to do about it. A managed copy: it does not depend on any native object.
    /// </summary>
    public sealed class Finding
    {
        Finding() { }

        /// <summary>How serious it is for this role and product.</summary>
        public Severity Severity { get; private set; }

        /// <summary>The rule's stable code, e.g. "subject.cn-wildcard" (renaming one is an API break).</summary>
        public string Code { get; private set; } = "";

        /// <summary>The rule's one-line title, e.g. "Wildcard in the subject common name".</summary>
        public string Title { get; private set; } = "";

        /// <summary>The certificate field concerned.</summary>
        public Field Field { get; private set; }

        /// <summary>What is wrong, with the values involved.</summary>
        public string Message { get; private set; } = "";

        /// <summary>What the rule expects here ("" when it has nothing to state).</summary>
        public string Expected { get; private set; } = "";

        /// <summary>What the certificate has ("" when it has nothing to state).</summary>
        public string Actual { get; private set; } = "";

        /// <summary>How to fix it, and why it matters: the symptom admins see.</summary>
        public string Remediation { get; private set; } = "";

        /// <summary>Which certificate of the path it concerns (0 = the leaf), or -1 for none in particular.</summary>
        public int CertificateIndex { get; private set; }

        /// <summary>The sources of the requirement.</summary>
        public IReadOnlyList<Reference> References { get; private set; } = Array.Empty<Reference>();

        /// <summary>The named arguments of the message (for hosts that localise: the code selects
        /// the template, the arguments fill it), in the library's order.</summary>
        public IReadOnlyDictionary<string, string> Arguments { get; private set; } = Empty;

        /// <summary>The id of the role checked (as on the report), e.g. "exchange-um".</summary>
        public string Role { get; private set; } = "";

        /// <summary>The thumbprint of the leaf checked (as on the report).</summary>
        public string Thumbprint { get; private set; } = "";

        static readonly IReadOnlyDictionary<string, string> Empty = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

        internal static Finding FromNative(IntPtr finding, string role, string thumbprint)
        {
            string code = Utf8.NonNull(Native.UcpFindingCode(finding));
            IntPtr rule = Native.UcpRuleFind(code);
            var result = new Finding
            {
                Severity = (Severity)Native.UcpFindingSeverity(finding),
                Code = code,
                Title = rule == IntPtr.Zero ? "" : Utf8.NonNull(Native.UcpRuleTitle(rule)),
                Field = (Field)Native.UcpFindingField(finding),
                Message = Utf8.NonNull(Native.UcpFindingMessage(finding)),
                Expected = Utf8.NonNull(Native.UcpFindingExpected(finding)),
                Actual = Utf8.NonNull(Native.UcpFindingActual(finding)),
                Remediation = Utf8.NonNull(Native.UcpFindingRemediation(finding)),
                CertificateIndex = Native.UcpFindingCertificateIndex(finding),
                References = Util.List(Native.UcpFindingReferenceCount(finding),
                                       i => Reference.FromNative(Native.UcpFindingReferenceAt(finding, i))),
                Role = role,
                Thumbprint = thumbprint,
            };
            int count = Native.UcpFindingArgCount(finding);
            if (count > 0)
            {
                var arguments = new Dictionary<string, string>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                    arguments[Utf8.NonNull(Native.UcpFindingArgName(finding, i))] = Utf8.NonNull(Native.UcpFindingArgValue(finding, i));
                result.Arguments = new ReadOnlyDictionary<string, string>(arguments);
            }
            return result;
        }

        /// <summary>"error subject.cn-wildcard: message".</summary>
        public override string ToString() => Severity.ToString().ToLowerInvariant() + " " + Code + ": " + Message;
    }
}
