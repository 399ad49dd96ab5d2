# SPDX-License-Identifier: MIT
# Root module of UcPolicy: loads the cmdlet assembly built for the running PowerShell.
#   Windows PowerShell 5.1 (Desktop, .NET Framework)  -> lib/netstandard2.0
#   PowerShell 7.6 and later (.NET 10)                 -> lib/net10.0-<rid> (the same assemblies
#                                                         compiled ahead of time, ReadyToRun, for
#                                                         this OS and architecture) when the module
#                                                         has them, else lib/net10.0
#   PowerShell 7 on an older .NET                      -> lib/netstandard2.0
# The assembly loads its native libraries itself from runtimes/<rid>/native (no reliance on
# PowerShell's own native probing). $env:UCPOLICY_MODULE_TFM forces a folder (diagnostics and
# the test suite, which runs the netstandard2.0 build in PowerShell 7 too).
# Start cost: every command this script runs is paid by each `Import-Module UcPolicy` (a one-shot
# script's own share), and a cmdlet's first use in a process costs milliseconds of JIT and
# command lookup: the path is built and tested with .NET calls, not Join-Path and Test-Path, and
# no Set-StrictMode (the script is short enough to read); Join-Path and Test-Path alone made
# PowerShell load Microsoft.PowerShell.Management. No Export-ModuleMember either: a script module
# that does not call it exports the cmdlets of the assembly it imports, and the manifest's
# CmdletsToExport names them.

$framework = if ($env:UCPOLICY_MODULE_TFM) {
    $env:UCPOLICY_MODULE_TFM
} elseif ($PSVersionTable.PSEdition -eq 'Core' -and [Environment]::Version.Major -ge 10) {
    'net10.0'
} else {
    'netstandard2.0'
}

$assembly = [System.IO.Path]::Combine($PSScriptRoot, 'lib', $framework, 'UcPolicy.PowerShell.dll')
if ($framework -eq 'net10.0') {
    $rid = $(if ($IsWindows) { 'win-' } elseif ($IsMacOS) { 'osx-' } else { 'linux-' }) +
        [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    $compiled = [System.IO.Path]::Combine($PSScriptRoot, 'lib', 'net10.0-' + $rid, 'UcPolicy.PowerShell.dll')
    if ([System.IO.File]::Exists($compiled)) {
        $assembly = $compiled
    }
}
if (-not [System.IO.File]::Exists($assembly)) {
    throw "UcPolicy: the cmdlet assembly for this PowerShell is missing: $assembly"
}
Import-Module -Name $assembly -ErrorAction Stop
