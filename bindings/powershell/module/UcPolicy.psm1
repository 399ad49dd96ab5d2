# SPDX-License-Identifier: MIT
# Root module of UcPolicy: loads the cmdlet assembly built for the running PowerShell.
#   Windows PowerShell 5.1 (Desktop, .NET Framework)  -> lib/netstandard2.0
#   PowerShell 7.6 and later (.NET 10)                 -> lib/net10.0
#   PowerShell 7 on an older .NET                      -> lib/netstandard2.0
# The assembly loads its native libraries itself from runtimes/<rid>/native (no reliance on
# PowerShell's own native probing). $env:UCPOLICY_MODULE_TFM forces a folder (diagnostics and
# the test suite, which runs the netstandard2.0 build in PowerShell 7 too).
Set-StrictMode -Version Latest

$framework = if ($env:UCPOLICY_MODULE_TFM) {
    $env:UCPOLICY_MODULE_TFM
} elseif ($PSVersionTable.PSEdition -eq 'Core' -and [Environment]::Version.Major -ge 10) {
    'net10.0'
} else {
    'netstandard2.0'
}

$assembly = Join-Path $PSScriptRoot (Join-Path 'lib' (Join-Path $framework 'UcPolicy.PowerShell.dll'))
if (-not (Test-Path -LiteralPath $assembly -PathType Leaf)) {
    throw "UcPolicy: the cmdlet assembly for this PowerShell is missing: $assembly"
}
Import-Module -Name $assembly -ErrorAction Stop

Export-ModuleMember -Cmdlet @(
    'Test-UcCertificate'
    'Test-UcServerEndpoint'
    'Test-UcDeployment'
    'Get-UcRole'
    'Get-UcCertificatePlan'
    'Get-UcPolicyRule'
    'Export-UcPolicyReport'
    'ConvertTo-UcPolicyReport'
)
