// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Management.Automation;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Gets the rules of the policy catalogue, or the rules a role binds.</para>
    /// <para type="description">Without -Role, lists every rule (stable code, field, title).
    /// With -Role, lists the rules that role checks for a product release (default SfB2019),
    /// with their severity and the role's wording of the requirement and its sources.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Get-UcPolicyRule san.*
    /// </code>
    /// <para>Lists the rules about subject alternative names.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-UcPolicyRule -Role UM
    /// </code>
    /// <para>Lists the rules the Exchange UM role checks, with their severity for Skype for Business Server 2019 and the role's wording of each.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-UcRole UM | Get-UcPolicyRule -Code subject.cn-wildcard -Product Lync2013 | Format-List
    /// </code>
    /// <para>Shows one rule as the role binds it for Lync Server 2013, with its sources.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "UcPolicyRule", DefaultParameterSetName = AllSet)]
    [OutputType(typeof(Rule), ParameterSetName = new[] { AllSet })]
    [OutputType(typeof(RoleRule), ParameterSetName = new[] { RoleSet })]
    public sealed class GetUcPolicyRuleCommand : PSCmdlet
    {
        const string AllSet = "All";
        const string RoleSet = "Role";

        /// <summary><para type="description">Rule codes, e.g. subject.cn-wildcard; wildcards allowed (san.*).</para></summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string[]? Code { get; set; }

        /// <summary><para type="description">A role id or alias: list the rules it binds.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = RoleSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(RoleCompleter))]
        [ValidateNotNullOrEmpty]
        public string Role { get; set; } = "";

        /// <summary><para type="description">The product release the severities are for (default SfB2019).</para></summary>
        [Parameter(ParameterSetName = RoleSet)]
        public Product Product { get; set; } = Product.SfB2019;

        /// <summary>Writes the matching rules.</summary>
        protected override void ProcessRecord()
        {
            try
            {
                var patterns = (Code ?? new[] { "*" }).Select(c => new WildcardPattern(c, WildcardOptions.IgnoreCase)).ToList();
                bool Matches(string code) => patterns.Any(p => p.IsMatch(code));
                if (ParameterSetName == RoleSet)
                {
                    Role? role = Catalogue.FindRole(Role);
                    if (role == null)
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException("No role is named '" + Role + "' (see Get-UcRole)."),
                                                   "UcPolicy.RoleNotFound", ErrorCategory.ObjectNotFound, Role));
                        return;
                    }
                    WriteObject(role.GetRules(Product).Where(r => Matches(r.Code)), enumerateCollection: true);
                    return;
                }
                WriteObject(Catalogue.Rules.Where(r => Matches(r.Code)), enumerateCollection: true);
            }
            catch (DllNotFoundException e)
            {
                ThrowTerminatingError(Errors.NativeLibrary(e));
            }
        }
    }
}
