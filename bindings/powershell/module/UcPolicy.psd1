# SPDX-License-Identifier: MIT
# Module manifest of UcPolicy. Evaluated in restricted language mode: no logic here; the root
# module (UcPolicy.psm1) picks the assembly for the running PowerShell.
@{
    RootModule             = 'UcPolicy.psm1'
    ModuleVersion          = '1.0.0'
    GUID                   = 'e8feb1fb-922b-4bd2-a904-0ba8089c5710'
    Author                 = 'libucpolicy contributors'
    CompanyName            = 'libucpolicy'
    Copyright              = '(c) libucpolicy contributors. MIT License.'
    Description            = 'Checks X.509 certificates against the certificate policies of Unified Communications server roles: Lync / Skype for Business Server, Exchange Unified Messaging, Office Online Server and Teams Direct Routing SBCs. Per-rule findings with what to do about them, for files and Cert:\ objects alike.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('UcPolicy.Format.ps1xml')
    CmdletsToExport        = @(
        'Test-UcCertificate'
        'Test-UcServerEndpoint'
        'Get-UcRole'
        'Get-UcPolicyRule'
        'Export-UcPolicyReport'
        'ConvertTo-UcPolicyReport'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Certificate', 'X509', 'PKI', 'SkypeForBusiness', 'Lync', 'Exchange', 'Teams',
                             'DirectRouting', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: Test-UcCertificate, Get-UcRole, Get-UcPolicyRule, Export-UcPolicyReport, ConvertTo-UcPolicyReport.'
        }
    }
}
