# SPDX-License-Identifier: MIT
<#
.SYNOPSIS
    Checks the certificates bound to Exchange UM and Lync / Skype for Business services, from
    exported files, and prints one table for the whole estate.

.DESCRIPTION
    Reads an inventory (CSV) of exported certificate files and what each is bound to, checks
    every file against the policy of that use with Test-UcCertificate, and prints a table:
    Result, Server, Use, Role, DaysRemaining, Thumbprint, Subject. The errors and warnings of the
    certificates that do not pass follow, with what to do about them. Optionally writes the
    reports as HTML, CSV or JSON (-ReportPath).

    Inventory columns (a header row; empty cells are fine):
      Path              the exported file (.cer, .crt, .pem, .p7b or .pfx), relative to the CSV
      Server            the server it was exported from (shown in the table)
      Use               the binding: an Exchange -Services name (UM, UMCallRouter) or a
                        Get-CsCertificate -Type name (Default, WebServicesInternal,
                        WebServicesExternal, Internal, External, OAuthTokenIssuer...)
      Fqdn              the server's FQDN (the CN Exchange UM must carry)
      PoolFqdn          the Lync / SfB pool FQDN
      SipDomain         SIP domains, separated by ';'
      SimpleUrl         simple URLs (meet, dialin, admin), separated by ';'
      WebServicesFqdn   the internal or external web services FQDN

    Making the inventory, on each server (Windows PowerShell 5.1 is fine):
      Exchange:  Get-ExchangeCertificate | Where-Object { $_.Services -match 'UM' } | ForEach-Object {
                     $file = "$env:COMPUTERNAME-$($_.Thumbprint).cer"
                     Export-Certificate -Cert "Cert:\LocalMachine\My\$($_.Thumbprint)" -FilePath $file | Out-Null
                     foreach ($use in 'UM', 'UMCallRouter') { if ($_.Services -match "\b$use\b") {
                         [pscustomobject]@{ Path = $file; Server = $env:COMPUTERNAME; Use = $use
                                            Fqdn = ([Net.Dns]::GetHostEntry('').HostName) } } } }
      Lync/SfB:  Get-CsCertificate | ForEach-Object {
                     $file = "$env:COMPUTERNAME-$($_.Use)-$($_.Thumbprint).cer"
                     Export-Certificate -Cert "Cert:\LocalMachine\My\$($_.Thumbprint)" -FilePath $file | Out-Null
                     [pscustomobject]@{ Path = $file; Server = $env:COMPUTERNAME; Use = $_.Use } }
    Pipe those objects to Export-Csv -NoTypeInformation -Append, then fill in the pool FQDN and
    SIP domains the Default and web services certificates are checked against.

.PARAMETER Inventory
    The CSV file described above.

.PARAMETER TrustAnchor
    Root certificates to trust (files). Default: the system trust store.

.PARAMETER Chain
    Intermediate CA certificates (files) that the exported files do not carry.

.PARAMETER Password
    The password of exported .pfx files.

.PARAMETER ReportPath
    Also write the reports to this .html, .csv or .json file.

.EXAMPLE
    .\Test-UcServerCertificates.ps1 -Inventory .\certificates.csv -TrustAnchor .\contoso-root.cer -ReportPath .\uc-certificates.html

.OUTPUTS
    The table on the host. Exit status: 0 all pass, 1 warnings only, 2 a certificate fails,
    3 an inventory row could not be checked (as the ucpolicy command).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Inventory,
    [string[]] $TrustAnchor,
    [string[]] $Chain,
    [SecureString] $Password,
    [string] $ReportPath,
    [datetime] $ValidationTime
)
Set-StrictMode -Version Latest
if (-not (Get-Module UcPolicy)) {
    Import-Module UcPolicy -ErrorAction Stop
}

$inventoryFile = (Resolve-Path -LiteralPath $Inventory -ErrorAction Stop).ProviderPath
$base = Split-Path -Parent $inventoryFile
$rows = @(Import-Csv -LiteralPath $inventoryFile)

$common = @{}
if ($TrustAnchor) { $common.TrustAnchor = $TrustAnchor }
if ($Chain) { $common.Chain = $Chain }
if ($Password) { $common.Password = $Password }
if ($PSBoundParameters.ContainsKey('ValidationTime')) { $common.ValidationTime = $ValidationTime }

$unreadable = 0
$checked = foreach ($row in $rows) {
    $file = if ([IO.Path]::IsPathRooted($row.Path)) { $row.Path } else { Join-Path $base $row.Path }
    $facts = @{}
    foreach ($name in 'Fqdn', 'PoolFqdn', 'WebServicesFqdn') {
        if ($row.PSObject.Properties[$name] -and $row.$name) { $facts[$name] = $row.$name }
    }
    foreach ($name in 'SipDomain', 'SimpleUrl') {
        if ($row.PSObject.Properties[$name] -and $row.$name) { $facts[$name] = @($row.$name -split ';' | ForEach-Object Trim) }
    }
    $server = if ($row.PSObject.Properties['Server']) { $row.Server } else { '' }
    $report = Test-UcCertificate -LiteralPath $file -Role $row.Use @facts @common -ErrorVariable failed -ErrorAction SilentlyContinue
    if ($failed) {
        $unreadable++
        Write-Warning ("{0} ({1}, {2}): {3}" -f $row.Path, $server, $row.Use, $failed[0].Exception.Message)
        continue
    }
    # The report, with where it came from for the table.
    $report | Add-Member -NotePropertyName Server -NotePropertyValue $server -PassThru |
        Add-Member -NotePropertyName Use -NotePropertyValue $row.Use -PassThru
}
$checked = @($checked)

$order = @{ Fail = 0; Warning = 1; Pass = 2 }
# Wide enough for full thumbprints and subjects whatever the console (or log file) is.
$checked |
    Sort-Object { $order[$_.Result.ToString()] }, Server, Use |
    Format-Table -AutoSize -Property @{ Name = 'Result'; Expression = { $_.Result.ToString() } },
        Server, Use, Role, DaysRemaining, Thumbprint, Subject |
    Out-String -Width 300 | ForEach-Object { $_.TrimEnd() } | Out-Host

foreach ($report in $checked | Where-Object Result -ne 'Pass') {
    "`n{0} on {1} ({2}): {3}" -f $report.Use, $report.Server, $report.Result, $report.Subject | Out-Host
    $report.Findings | Where-Object Severity -ne 'Info' |
        Format-List -Property Severity, Code, Message, Remediation | Out-String -Width 160 | Out-Host
}

if ($ReportPath) {
    $checked | Export-UcPolicyReport -Path $ReportPath
    "Reports written to $ReportPath" | Out-Host
}

$status = if ($unreadable -gt 0) { 3 }
          elseif (@($checked | Where-Object Result -eq 'Fail').Count -gt 0) { 2 }
          elseif (@($checked | Where-Object Result -eq 'Warning').Count -gt 0) { 1 }
          else { 0 }
exit $status
