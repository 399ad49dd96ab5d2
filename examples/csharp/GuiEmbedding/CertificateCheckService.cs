// SPDX-License-Identifier: MIT
// How a management GUI (WPF, WinForms, Avalonia, an SBC vendor's console) embeds libucpolicy
// through the UcPolicy assembly. Nothing here depends on a UI framework: bind the view models to
// your controls, call CheckAsync from a button handler and await it on the UI thread.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using UcPolicy;

namespace Contoso.UcAdmin
{
    /// <summary>One row of a findings grid.</summary>
    public sealed record FindingRow(string Severity, string Code, string Message, string Expected, string Actual, string Remediation);

    /// <summary>What the window shows after a check: a headline, a traffic light, the findings.</summary>
    public sealed record CheckViewModel(string Headline, Result? Result, IReadOnlyList<FindingRow> Findings, string? ErrorText, string? Json);

    /// <summary>
    /// Create one per application (or per connected site) and keep it: a Checker is configured
    /// once and is safe for concurrent checks from any number of threads. Dispose it on exit.
    /// </summary>
    public sealed class CertificateCheckService : IDisposable
    {
        readonly Checker checker = new Checker();

        /// <param name="trustAnchorFile">The enterprise root (PEM/DER/P7B), or null for the system store.</param>
        public CertificateCheckService(string? trustAnchorFile)
        {
            if (trustAnchorFile != null)
                checker.AddTrustAnchors(trustAnchorFile);
            checker.ExpiryWarningDays = 60; // CSS-Exchange HealthChecker turns yellow at 60 days.
        }

        /// <summary>The roles for a drop-down: ids for the code, titles for people.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> RoleChoices() =>
            Catalogue.Roles.Select(r => new KeyValuePair<string, string>(r.Id, r.Title)).ToList();

        /// <summary>Checks a file off the UI thread. Never throws for a bad certificate: policy
        /// failures are findings; an unreadable file becomes ErrorText.</summary>
        public Task<CheckViewModel> CheckAsync(string file, string role, Topology topology, SecureString? password,
                                               CancellationToken cancellation = default) =>
            Task.Run(() =>
            {
                try
                {
                    Report report = checker.Check(file, role, topology, password);
                    return ToViewModel(report);
                }
                catch (UcPolicyException e)
                {
                    return new CheckViewModel(System.IO.Path.GetFileName(file), null, Array.Empty<FindingRow>(), Explain(e), null);
                }
            }, cancellation);

        static CheckViewModel ToViewModel(Report report)
        {
            string headline = string.Format("{0}: {1} ({2} days left)", report.Role, report.Subject, report.DaysRemaining);
            // Localising hosts pick a template by Code and fill it from Arguments instead of Message.
            var rows = report.Findings
                .Where(f => f.Severity != Severity.Info)
                .Select(f => new FindingRow(f.Severity.ToString(), f.Code, f.Message, f.Expected, f.Actual, f.Remediation))
                .ToList();
            return new CheckViewModel(headline, report.Result, rows, null, report.ToJson());
        }

        /// <summary>A message for a dialog; the Code decides what the user can do about it.</summary>
        static string Explain(UcPolicyException e) => e.Code switch
        {
            UcPolicyErrorCode.Password => "The password of the PFX file is wrong.",
            UcPolicyErrorCode.IO => "The file cannot be opened: " + e.Message,
            UcPolicyErrorCode.Format or UcPolicyErrorCode.Corrupt or UcPolicyErrorCode.NoCertificate =>
                "This is not a certificate file the checker can read: " + e.Message,
            UcPolicyErrorCode.Topology => "Check the server names you entered: " + e.Message,
            _ => e.Message,
        };

        public void Dispose() => checker.Dispose();
    }
}
