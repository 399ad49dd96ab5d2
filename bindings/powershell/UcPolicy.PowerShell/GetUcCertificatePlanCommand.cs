// SPDX-License-Identifier: MIT
using System;
using System.Management.Automation;

namespace UcPolicy.PowerShell
{
    /// <summary>
    /// <para type="synopsis">Lists every certificate the servers of a Skype for Business / Lync topology need.</para>
    /// <para type="description">Reads a Topology Builder file (.tbxml) or Get-CsTopology -AsXml output and
    /// writes one object per certificate each server needs: the server, its pool, the role
    /// (Test-UcCertificate -Role), the subject name, the DNS names the subject alternative name must
    /// hold, the optional names and wildcards the rules allow, the EKU, the key rule, whether a public CA
    /// must issue it and whether every server of the pool must share it. All of it comes from the role's
    /// rules with that server's facts, as ucpolicy plan lists it. GetRequest('CertReq'|'OpenSsl'|'CertTool'|
    /// 'PowerShell') on an object gives its request file.</para>
    /// </summary>
    /// <example>
    /// <code>
    /// Get-UcCertificatePlan -Topology .\contoso.tbxml | Format-Table Server, Role, SubjectName, PublicCa
    /// </code>
    /// <para>Every certificate of the deployment, one row each.</para>
    /// </example>
    /// <example>
    /// <code>
    /// Get-UcCertificatePlan -Topology .\contoso.tbxml -Server fe01.contoso.com |
    ///     ForEach-Object { $_.GetRequest('CertReq') | Set-Content "$($_.Server)-$($_.Role).inf" }
    /// </code>
    /// <para>Writes a certreq INF file for each certificate of fe01.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "UcCertificatePlan")]
    [OutputType(typeof(PlannedCertificate))]
    public sealed class GetUcCertificatePlanCommand : PSCmdlet
    {
        /// <summary><para type="description">The topology document: a Topology Builder file or Get-CsTopology -AsXml output.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("Path", "TopologyPath")]
        public string Topology { get; set; } = "";

        /// <summary><para type="description">Only this server's certificates (its FQDN).</para></summary>
        [Parameter(Position = 1)]
        public string? Server { get; set; }

        /// <summary>Writes one object per certificate.</summary>
        protected override void ProcessRecord()
        {
            try
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Topology);
                WriteObject(Deployment.Plan(path, Server).Certificates, enumerateCollection: true);
            }
            catch (UcPolicyException e)
            {
                WriteError(Errors.From(e, Topology));
            }
            catch (DllNotFoundException e)
            {
                ThrowTerminatingError(Errors.NativeLibrary(e));
            }
        }
    }
}
