# SPDX-License-Identifier: MIT
# Runs the Pester suite of the UcPolicy module in this PowerShell (meson suite "powershell").
#   -ModulePath   the module's manifest in the build tree (build/bindings/powershell/UcPolicy/UcPolicy.psd1)
#   -TestPkiPath  UcPolicy.TestPki.dll, which makes the test certificates
#   -Framework    the lib/<tfm> folder the module is made to load (net10.0 or netstandard2.0)
#   -ResultsPath  where to write JUnit XML
# Pester comes from $env:UCPOLICY_PESTER (dotnet.py finds it in the NuGet cache).
# Exit status: 0 when every test passed and at least one ran; 1 otherwise; 99 for a setup error.
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPkiPath,
    [Parameter(Mandatory)] [ValidateSet('net10.0', 'netstandard2.0')] [string] $Framework,
    [Parameter(Mandatory)] [string] $ResultsPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (Get-Variable -Name PSStyle -ErrorAction Ignore) {
    $PSStyle.OutputRendering = 'PlainText' # a log file, not a terminal
}

if (-not $env:UCPOLICY_PESTER -or -not (Test-Path -LiteralPath $env:UCPOLICY_PESTER)) {
    Write-Error "Pester not found: UCPOLICY_PESTER='$env:UCPOLICY_PESTER'" -ErrorAction Continue
    exit 99
}
Import-Module -Name $env:UCPOLICY_PESTER -MinimumVersion 5.7.0

# The module must find its native libraries by itself, next to its assemblies: nothing from the
# environment may help it (a build tree's UCPOLICY_NATIVE_DIR would hide a packaging mistake).
Remove-Item Env:UCPOLICY_NATIVE_DIR -ErrorAction SilentlyContinue
# net10.0: the manifest's own choice, as an admin's PowerShell 7.6 gets it (the ReadyToRun copy);
# netstandard2.0, what Windows PowerShell 5.1 loads, forced.
if ($Framework -eq 'netstandard2.0') {
    $env:UCPOLICY_MODULE_TFM = $Framework
} else {
    Remove-Item Env:UCPOLICY_MODULE_TFM -ErrorAction SilentlyContinue
}

# Every *.Tests.ps1 beside this script, with the same data.
$container = New-PesterContainer -Path (Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.Tests.ps1' | Sort-Object Name).FullName -Data @{
    ModulePath  = $ModulePath
    TestPkiPath = $TestPkiPath
    Framework   = $Framework
}
$config = New-PesterConfiguration
$config.Run.Container = $container
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = $ResultsPath
$config.Should.ErrorAction = 'Continue'

$result = Invoke-Pester -Configuration $config
# The closing line CI reads: "N passed, N failed, N skipped".
"UcPolicy module under ${Framework}:"
"powershell: {0} passed, {1} failed, {2} skipped" -f $result.PassedCount, $result.FailedCount, $result.SkippedCount
if ($result.Result -ne 'Passed' -or $result.PassedCount -eq 0 -or $result.FailedBlocksCount -gt 0) {
    exit 1
}
exit 0
