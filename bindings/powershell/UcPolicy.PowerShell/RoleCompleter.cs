// SPDX-License-Identifier: MIT
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// Tab completion of role names: every role id and every alias (the Get-CsCertificate -Type and
    /// Enable-ExchangeCertificate -Services names admins already use: Default, WebServicesExternal,
    /// UM...), with the role's title as the tooltip.
    /// </summary>
    public sealed class RoleCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                              CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = new WildcardPattern(WildcardPattern.Escape(prefix) + "*", WildcardOptions.IgnoreCase);
            IReadOnlyList<Role> roles;
            try
            {
                roles = Catalogue.Roles;
            }
            catch (DllNotFoundException)
            {
                // A completer never throws; the command itself reports the missing library.
                return Array.Empty<CompletionResult>();
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var results = new List<(string Name, Role Role)>();
            foreach (Role role in roles)
            {
                foreach (string name in new[] { role.Id }.Concat(role.Aliases))
                {
                    if (pattern.IsMatch(name) && seen.Add(name))
                        results.Add((name, role));
                }
            }
            return results.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
                          .Select(r => new CompletionResult(r.Name, r.Name, CompletionResultType.ParameterValue,
                                                            r.Role.Title + " (" + r.Role.Id + ")"))
                          .ToList();
        }
    }
}
