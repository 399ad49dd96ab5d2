// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Management.Automation;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Gets the UC server roles of the policy catalogue.</para>
    /// <para type="description">Lists the roles Test-UcCertificate checks against, with their
    /// aliases (Get-CsCertificate -Type and Enable-ExchangeCertificate -Services names), the
    /// products they exist in and the deployment facts their rules need.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Get-UcRole
    /// </code>
    /// <para>Lists every role with its aliases: the names -Role accepts.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-UcRole UM | Format-List
    /// </code>
    /// <para>Shows the Exchange UM role: its aliases, the products it exists in and the deployment facts (-Fqdn) its rules need.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-UcRole -Name *Edge* -Product SfB2019
    /// </code>
    /// <para>The Edge roles of Skype for Business Server 2019.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "UcRole")]
    [OutputType(typeof(Role))]
    public sealed class GetUcRoleCommand : PSCmdlet
    {
        /// <summary><para type="description">Role ids or aliases; wildcards allowed. Default: every role.</para></summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(RoleCompleter))]
        public string[]? Name { get; set; }

        /// <summary><para type="description">Only the roles that exist in this product release.</para></summary>
        [Parameter]
        public Product? Product { get; set; }

        /// <summary>Writes the matching roles.</summary>
        protected override void ProcessRecord()
        {
            try
            {
                var roles = Catalogue.Roles.Where(r => Product == null || r.IsInProduct(Product.Value)).ToList();
                if (Name == null || Name.Length == 0)
                {
                    WriteObject(roles, enumerateCollection: true);
                    return;
                }
                foreach (string name in Name)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var matches = roles.Where(r => pattern.IsMatch(r.Id) || r.Aliases.Any(pattern.IsMatch)).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException("No role is named '" + name + "'" +
                                                                             (Product != null ? " in " + Product : "") + "."),
                                                   "UcPolicy.RoleNotFound", ErrorCategory.ObjectNotFound, name));
                        continue;
                    }
                    WriteObject(matches, enumerateCollection: true);
                }
            }
            catch (DllNotFoundException e)
            {
                ThrowTerminatingError(Errors.NativeLibrary(e));
            }
        }
    }
}
