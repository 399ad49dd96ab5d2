# SPDX-License-Identifier: MIT
# Pester 5 tests of the UcPolicy module, run in a real PowerShell by Invoke-UcPolicyTests.ps1.
# Every certificate is made at test time by UcPolicy.TestPki (nothing is committed).
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPkiPath,
    [Parameter(Mandatory)] [string] $Framework
)

BeforeAll {
    $script:Symptom = 'The peer is not a configured server on this network interface'
    $script:TestCommand = 'UcPolicy.PowerShell.TestUcCertificateCommand'
    $script:ModuleRoot = Split-Path -Parent $ModulePath
    Import-Module -Name $ModulePath -Force -ErrorAction Stop
    Add-Type -Path $TestPkiPath

    $script:Pki = [UcPolicy.TestPki.Pki]::new()
    $script:Dir = Join-Path $Pki.Directory 'certs'
    New-Item -ItemType Directory -Path $Dir | Out-Null
    $script:Good = $Pki.Leaf('exch01.contoso.com').Build()
    $script:Bad = $Pki.Leaf('*.contoso.com').Build()
    $script:GoodPath = $Pki.WritePem('certs/um-good.pem', @($Good, $Pki.Issuing))
    $script:BadPath = $Pki.WritePem('certs/um-wildcard.pem', @($Bad, $Pki.Issuing))
    $script:GarbagePath = $Pki.WriteBytes('certs/um-garbage.cer', [byte[]](0x47, 0x41, 0x52, 0x42, 0x41, 0x47, 0x45))
    $script:BracketPath = $Pki.WritePem('certs/um[1].pem', @($Good, $Pki.Issuing))
    $script:PfxPath = $Pki.WritePfx('um.pfx', $Good, 'Pa$$w0rd-ü', @($Pki.Issuing))
    $script:Password = ConvertTo-SecureString 'Pa$$w0rd-ü' -AsPlainText -Force
    $script:Common = @{
        Role           = 'UM'
        Fqdn           = 'exch01.contoso.com'
        TrustAnchor    = $Pki.RootPath
        ValidationTime = $Pki.Now.UtcDateTime
    }
    $script:Out = Join-Path $Pki.Directory 'out'
    New-Item -ItemType Directory -Path $Out | Out-Null
    # The parameters of every online test: their CRL servers listen on 127.0.0.1, which online
    # fetches refuse unless the private network is allowed.
    $script:OnlineParams = @{ Online = $true; AllowPrivateNetwork = $true }
}

AfterAll {
    $Good.Dispose()
    $Bad.Dispose()
    $Pki.Dispose()
}

Describe 'The module' {
    It 'has a valid manifest whose version is the library''s' {
        $manifest = Test-ModuleManifest -Path $ModulePath
        $manifest.Version.ToString() | Should -Be ([UcPolicy.Library]::BindingVersion)
        [UcPolicy.Library]::Version | Should -Be ([UcPolicy.Library]::BindingVersion)
    }

    It 'exports exactly its cmdlets, nothing else' {
        $module = Get-Module UcPolicy
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @(
            'ConvertTo-UcPolicyReport', 'Export-UcPolicyReport', 'Get-UcCertificatePlan', 'Get-UcPolicyRule', 'Get-UcRole',
            'Test-UcCertificate', 'Test-UcDeployment', 'Test-UcServerEndpoint')
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }

    It 'runs the <Framework> assembly' {
        # For PowerShell 7.6 the manifest picks the net10.0 assemblies compiled ReadyToRun for this
        # platform (the build publishes them); netstandard2.0 is forced (Invoke-UcPolicyTests.ps1).
        $folder = $Framework
        if ($Framework -eq 'net10.0') {
            $folder = 'net10.0-linux-x64'
            Join-Path $ModuleRoot "lib/$folder/UcPolicy.PowerShell.dll" | Should -Exist
        }
        $location = [UcPolicy.Checker].Assembly.Location
        $location | Should -Be (Join-Path $ModuleRoot "lib/$folder/UcPolicy.dll")
        (Get-Command Test-UcCertificate).ImplementingType.Assembly.Location |
            Should -Be (Join-Path $ModuleRoot "lib/$folder/UcPolicy.PowerShell.dll")
    }

    It 'has the assembly of each PowerShell as its root module' {
        # The manifest picks it (restricted language: $PSEdition and environment variables). Each
        # case is the manifest evaluated again with that environment; Windows PowerShell 5.1 by
        # the same manifest with its $PSEdition. Test-ModuleManifest reports a folder this build
        # does not have (win-x64 without Windows natives) as an error, after reading it.
        function Get-RootModule([string] $Path, [hashtable] $Environment) {
            $saved = @{}
            foreach ($name in $Environment.Keys) {
                $saved[$name] = [Environment]::GetEnvironmentVariable($name)
                [Environment]::SetEnvironmentVariable($name, $Environment[$name])
            }
            try {
                (Test-ModuleManifest -Path $Path -ErrorAction SilentlyContinue).RootModule
            } finally {
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            }
        }
        $none = @{ OS = $null; UCPOLICY_MODULE_TFM = $null }
        Get-RootModule $ModulePath $none | Should -Be 'lib/net10.0-linux-x64/UcPolicy.PowerShell.dll'
        Get-RootModule $ModulePath @{ OS = 'Windows_NT'; UCPOLICY_MODULE_TFM = $null } |
            Should -Be 'lib/net10.0-win-x64/UcPolicy.PowerShell.dll'
        foreach ($tfm in 'net10.0', 'netstandard2.0') {
            Get-RootModule $ModulePath @{ OS = 'Windows_NT'; UCPOLICY_MODULE_TFM = $tfm } |
                Should -Be "lib/$tfm/UcPolicy.PowerShell.dll"
        }
        $desktop = Join-Path $Out 'desktop/UcPolicy.psd1'
        New-Item -ItemType Directory -Path (Split-Path $desktop) -Force | Out-Null
        Copy-Item -LiteralPath (Join-Path $ModuleRoot 'UcPolicy.Format.ps1xml') -Destination (Split-Path $desktop)
        $text = Get-Content -LiteralPath $ModulePath -Raw
        $text.Contains('$PSEdition -eq ''Desktop''') | Should -BeTrue
        Set-Content -LiteralPath $desktop -Value $text.Replace('$PSEdition -eq', '''Desktop'' -eq')
        foreach ($os in 'Windows_NT', $null) {
            Get-RootModule $desktop @{ OS = $os; UCPOLICY_MODULE_TFM = 'net10.0' } |
                Should -Be 'lib/netstandard2.0/UcPolicy.PowerShell.dll'
        }
    } -Skip:(-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -ne 'X64')

    It 'loads its native libraries from its own runtimes folder' {
        $native = Join-Path $ModuleRoot 'runtimes/linux-x64/native'
        [UcPolicy.Library]::NativeLibraryPath | Should -Be (Join-Path $native 'libucpolicy_csharp.so')
        $mapped = Get-Content /proc/self/maps | ForEach-Object { ($_ -split '\s+')[-1] } |
            Where-Object { $_ -like '/*' -and (Split-Path -Leaf $_) -like 'libucpolicy*.so*' } | Sort-Object -Unique
        $mapped | Should -Be (@((Join-Path $native 'libucpolicy.so.1'), (Join-Path $native 'libucpolicy_csharp.so')) | Sort-Object -Unique)
    } -Skip:(-not $IsLinux)

    It 'registers the format views' {
        foreach ($type in 'UcPolicy.Report', 'UcPolicy.Finding', 'UcPolicy.Role', 'UcPolicy.Rule', 'UcPolicy.RoleRule') {
            (Get-FormatData -TypeName $type).TypeNames | Should -Be $type
        }
    }
}

Describe 'Help' {
    It 'documents <Name> with a synopsis, a description, examples and every parameter' -TestCases @(
        @{ Name = 'Test-UcCertificate' }
        @{ Name = 'Test-UcServerEndpoint' }
        @{ Name = 'Test-UcDeployment' }
        @{ Name = 'Get-UcRole' }
        @{ Name = 'Get-UcCertificatePlan' }
        @{ Name = 'Get-UcPolicyRule' }
        @{ Name = 'Export-UcPolicyReport' }
        @{ Name = 'ConvertTo-UcPolicyReport' }
    ) {
        $help = Get-Help -Name $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *" # the generated stub's synopsis is the syntax
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $documented = @($help.parameters.parameter | ForEach-Object { $_.name })
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented | Should -Contain $parameter
            ($help.parameters.parameter | Where-Object name -eq $parameter).description.Text | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'names only roles that exist in the examples of <Name>' -TestCases @(
        @{ Name = 'Test-UcCertificate' }
        @{ Name = 'Test-UcServerEndpoint' }
        @{ Name = 'Get-UcPolicyRule' }
        @{ Name = 'Export-UcPolicyReport' }
        @{ Name = 'ConvertTo-UcPolicyReport' }
    ) {
        $code = (Get-Help -Name $Name -Examples).examples.example.code -join "`n"
        $roles = @([regex]::Matches($code, '-Role\s+([\w-]+(?:\s*,\s*[\w-]+)*)') |
            ForEach-Object { $_.Groups[1].Value -split '\s*,\s*' })
        foreach ($role in $roles) {
            [UcPolicy.Catalogue]::FindRole($role) | Should -Not -BeNullOrEmpty -Because "the example of $Name uses -Role $role"
        }
        if ($Name -eq 'Test-UcServerEndpoint') { $roles | Should -Contain 'TlsServer' }
    }

    It 'shows the examples of Test-UcCertificate' {
        $examples = (Get-Help Test-UcCertificate -Examples).examples.example
        @($examples).Count | Should -Be 6
        $examples[0].code | Should -BeLike 'Test-UcCertificate -Path *-Role UM*'
        ($examples[0].remarks.Text -join ' ') | Should -BeLike "*$Symptom*"
        (Get-Help Test-UcCertificate -Parameter Role).description.Text | Should -BeLike '*alias*'
    }
}

Describe 'about_UcPolicy' {
    BeforeAll {
        $script:AboutFile = Join-Path $ModuleRoot 'en-US/about_UcPolicy.help.txt'
        $script:About = Get-Help -Name about_UcPolicy | Out-String
    }

    It 'is shipped in the module''s en-US folder' {
        $AboutFile | Should -Exist
    }

    It 'is what Get-Help about_UcPolicy shows, in the about-topic format' {
        $help = Get-Help -Name about_UcPolicy
        $help | Should -BeOfType [string]
        $help.Trim() | Should -Be (Get-Content -LiteralPath $AboutFile -Raw).Trim()
        foreach ($section in 'TOPIC', 'SHORT DESCRIPTION', 'LONG DESCRIPTION', 'EXAMPLES', 'SEE ALSO') {
            $About | Should -Match "(?m)^$section\r?$" -Because "the topic needs its $section section"
        }
        $About | Should -Match '(?m)^TOPIC\r?\n    about_UcPolicy\r?$'
        (Get-Help -Name about_Uc* | Where-Object Name -eq 'about_UcPolicy').Category | Should -Be 'HelpFile'
    }

    It 'covers every cmdlet of the module and every role' {
        foreach ($cmdlet in (Get-Module UcPolicy).ExportedCmdlets.Keys) {
            $About | Should -Match "\b$cmdlet\b" -Because "$cmdlet is a cmdlet of the module"
        }
        foreach ($role in Get-UcRole) {
            $About | Should -Match "(?<![\w-])$([regex]::Escape($role.Id))(?![\w-])" -Because "$($role.Id) is a role"
        }
    }

    It 'tells the incident, the output formats and the exit codes for scripts' {
        $flat = $About -replace '\s+', ' '
        $flat | Should -BeLike "*$Symptom*"
        $flat | Should -BeLike '*subject.cn-wildcard*'
        foreach ($format in 'Text', 'Json', 'Sarif', 'Csv', 'Html', 'JUnit', 'Nagios') { $About | Should -Match "(?m)^\s+$format\s" }
        $flat | Should -BeLike "*GetExitCode('Warning')*"
        $flat | Should -BeLike '*GetExitCode()*'
        $flat | Should -BeLike '*-FailOn*'
        $flat | Should -BeLike '*Checking certificates*'
        $flat | Should -BeLike '*-Quiet*'
        $flat | Should -BeLike '*-AllowPrivateNetwork allows them*'
    }

    It 'fits an 80-column console' {
        $long = @(Get-Content -LiteralPath $AboutFile | Where-Object Length -gt 80)
        $long | Should -BeNullOrEmpty
    }

    It 'gives scripts the exit codes of ucpolicy, as its scheduled-check example computes them' {
        $reports = Test-UcCertificate -Path $GoodPath, $BadPath @Common
        $code = ($reports | ForEach-Object { $_.GetExitCode('Warning') } | Measure-Object -Maximum).Maximum
        $code | Should -Be 2
        ($reports | Where-Object Result -eq Pass).GetExitCode('Warning') | Should -Be 0
        ($reports | Where-Object Result -eq Fail).GetExitCode('Error') | Should -Be 2
        ($reports | Where-Object Result -eq Fail).GetExitCode($null) | Should -Be 0
        # Without an argument: the command's default, --fail-on warning.
        ($reports | Where-Object Result -eq Fail).GetExitCode() | Should -Be 2
        ($reports | Where-Object Result -eq Pass).GetExitCode() | Should -Be 0
        (Test-UcCertificate -Path $GoodPath -Role UM -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime).GetExitCode() |
            Should -Be 1 # input.facts-missing, a warning
        [UcPolicy.ReportFormatter]::GetExitCode([UcPolicy.Report[]]$reports, [UcPolicy.Severity]::Warning) | Should -Be 2
        [UcPolicy.ReportFormatter]::GetExitCode([UcPolicy.Report[]]$reports) | Should -Be 2 # as the topic shows it
        [UcPolicy.ReportFormatter]::GetExitCode([UcPolicy.Report[]]$reports, $null) | Should -Be 0
        Test-UcCertificate -Path $BadPath @Common -Quiet | Should -BeFalse
        Test-UcCertificate -Path $GoodPath @Common -Quiet | Should -BeTrue
    }
}

Describe 'Test-UcCertificate' {
    Context 'The Exchange UM wildcard incident' {
        It 'fails the wildcard CN with the error and the symptom admins see' {
            $r = Test-UcCertificate -Path $BadPath @Common
            $r.Result | Should -Be 'Fail'
            $r.Role | Should -Be 'exchange-um'
            $f = $r.Findings | Where-Object Code -eq 'subject.cn-wildcard'
            $f.Severity | Should -Be 'Error'
            $f.Remediation | Should -BeLike "*$Symptom*"
        }

        It 'passes the certificate whose CN is the server''s FQDN' {
            $r = Test-UcCertificate -Path $GoodPath @Common
            $r.Result | Should -Be 'Pass'
            $r.Findings | Should -BeNullOrEmpty
        }

        It 'writes objects with the properties admins filter on' {
            $r = Test-UcCertificate -Path $GoodPath @Common
            $r | Should -BeOfType UcPolicy.Report
            $r.Thumbprint | Should -Be $Good.Thumbprint
            $r.Subject | Should -Be 'CN=exch01.contoso.com,O=Contoso'
            $r.NotAfter.UtcDateTime | Should -Be $Good.NotAfter.ToUniversalTime()
            $r.DaysRemaining | Should -Be 335
            $r.ErrorCount | Should -Be 0
            $r.InputName | Should -Be $GoodPath
            ($r.NotAfter -gt (Get-Date)) | Should -BeTrue
        }

        It 'converts to JSON with enumerations by name, without -EnumsAsStrings' {
            $json = Test-UcCertificate -Path $BadPath @Common | ConvertTo-Json -Depth 4
            $json | Should -Match '"Result": "Fail"'
            $back = $json | ConvertFrom-Json
            $back.Result | Should -BeExactly 'Fail'
            $f = $back.Findings | Where-Object Code -eq 'subject.cn-wildcard'
            $f.Severity | Should -BeExactly 'Error'
            $f.Field | Should -BeExactly 'Subject'
            $back.ChainStatus | Should -BeOfType [string]
        }
    }

    Context 'Inputs' {
        It 'expands wildcards in -Path' {
            $r = Test-UcCertificate -Path (Join-Path $Dir 'um-*.pem') @Common
            @($r).Count | Should -Be 2
            ($r | Sort-Object InputName).Result | Should -Be @('Pass', 'Fail')
        }

        It 'takes -LiteralPath as it is' {
            (Test-UcCertificate -LiteralPath $BracketPath @Common).Result | Should -Be 'Pass'
            (Test-UcCertificate -LP $BracketPath @Common).InputName | Should -Be $BracketPath
        }

        It 'binds Get-ChildItem output through PSPath' {
            $r = Get-ChildItem -LiteralPath $GoodPath, $BadPath | Test-UcCertificate @Common
            $r.InputName | Should -Be @($GoodPath, $BadPath)
        }

        It 'binds strings from the pipeline to -Path' {
            ($GoodPath, $BadPath | Test-UcCertificate @Common).Result | Should -Be @('Pass', 'Fail')
        }

        It 'takes X509Certificate2 objects from the pipeline' {
            $r = $Good, $Bad | Test-UcCertificate @Common -Chain $Pki.Issuing
            $r.Result | Should -Be @('Pass', 'Fail')
            $r[0].Thumbprint | Should -Be $Good.Thumbprint
            $r[1].InputName | Should -Be "Thumbprint $($Bad.Thumbprint)"
        }

        It 'takes trust anchors and intermediates as objects or paths' {
            $r = Test-UcCertificate -Certificate $Good -Role UM -Fqdn exch01.contoso.com `
                -TrustAnchor $Pki.Root -Chain $Pki.IssuingPath -ValidationTime $Pki.Now.UtcDateTime
            $r.Result | Should -Be 'Pass'
            $r.ChainStatus | Should -Be 'Valid'
        }

        It 'completes a store certificate without -Chain from the system''s intermediates, <Case>' -TestCases @(
            @{ Case = 'the issuing CA in the CurrentUser CA store'; AddIntermediate = $true }
            @{ Case = 'an empty store'; AddIntermediate = $false }
        ) {
            # .NET on Linux keeps the CurrentUser stores under $HOME/.dotnet/corefx/cryptography/
            # x509stores: a child PowerShell with HOME in a temporary folder adds the issuing CA to
            # its CA store (or not), then pipes the bare leaf, without -Chain, to Test-UcCertificate
            # and gives it to Checker.Check(X509Certificate2) (the facade) alike.
            $home_ = Join-Path $Pki.Directory "home-$AddIntermediate"
            New-Item -ItemType Directory -Path $home_ | Out-Null
            $leaf = $Pki.WritePem("certs/store-leaf-$AddIntermediate.pem", @($Good))
            $child = Join-Path $Pki.Directory "store-child-$AddIntermediate.ps1"
            Set-Content -LiteralPath $child -Value @'
param($ModulePath, $Leaf, $Issuing, $Root, $Time, $AddIntermediate)
$ErrorActionPreference = 'Stop'
Import-Module -Name $ModulePath
if ($AddIntermediate -eq 'True') {
    $store = [Security.Cryptography.X509Certificates.X509Store]::new('CA', 'CurrentUser')
    $store.Open('ReadWrite')
    $store.Add([Security.Cryptography.X509Certificates.X509Certificate2]::new($Issuing))
    $store.Dispose()
}
$cert = [Security.Cryptography.X509Certificates.X509Certificate2]::new($Leaf)
$time = [DateTime]::Parse($Time, [Globalization.CultureInfo]::InvariantCulture, 'RoundtripKind')
$r = $cert | Test-UcCertificate -Role UM -Fqdn exch01.contoso.com -TrustAnchor $Root -ValidationTime $time
'cmdlet: ' + $r.Result + ' ' + $r.ChainStatus + ' ' + (($r.Findings.Code | Sort-Object) -join ',')
'sources: ' + ($r.Chain.Source -join ',')
$checker = [UcPolicy.Checker]::new()
$checker.ValidationTime = [DateTimeOffset]$time
$checker.AddTrustAnchors($Root)
$topology = [UcPolicy.Topology]@{ Fqdn = 'exch01.contoso.com' }
$f = $checker.Check($cert, 'UM', $topology, $null)
'facade: ' + $f.Result + ' ' + $f.ChainStatus + ' ' + (($f.Findings.Code | Sort-Object) -join ',')
$alone = $checker.Check($cert, 'UM', $topology, [Security.Cryptography.X509Certificates.X509Certificate2[]]@())
'alone: ' + $alone.Result + ' ' + $alone.ChainStatus
'@
            $exe = (Get-Process -Id $PID).Path
            $pwshArgs = @('-NoProfile', '-NonInteractive', '-File', $child, $ModulePath, $leaf, $Pki.IssuingPath, $Pki.RootPath,
                          $Pki.Now.UtcDateTime.ToString('o'), "$AddIntermediate")
            if ((Split-Path -Leaf $exe) -like 'dotnet*') {
                $pwshArgs = @(Join-Path $PSHOME 'pwsh.dll') + $pwshArgs   # the pinned PowerShell tool runs through dotnet
            }
            $saved = $env:HOME
            try {
                $env:HOME = $home_
                $out = & $exe @pwshArgs 2>&1 | ForEach-Object { "$_" }
            } finally {
                $env:HOME = $saved
            }
            $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
            $cmdlet = @($out | Where-Object { $_ -like 'cmdlet: *' })[0]
            $facade = @($out | Where-Object { $_ -like 'facade: *' })[0]
            if ($AddIntermediate) {
                # The store is the temporary HOME's, never the user's.
                Join-Path $home_ '.dotnet/corefx/cryptography/x509stores/ca' | Should -Exist
                $cmdlet | Should -BeLike 'cmdlet: Pass Valid*'
                $cmdlet | Should -Not -BeLike '*chain.issuer-missing*'
                $facade | Should -BeLike 'facade: Pass Valid*'
                $facade | Should -Not -BeLike '*chain.issuer-missing*'
                # The report says where each certificate of the path came from.
                @($out | Where-Object { $_ -like 'sources: *' })[0] | Should -Be 'sources: input,system-intermediates,trust'
                # An empty presented chain still means the certificate alone.
                @($out | Where-Object { $_ -like 'alone: *' })[0] | Should -BeLike 'alone: * Incomplete'
            } else {
                $cmdlet | Should -BeLike 'cmdlet: Fail Incomplete *chain.issuer-missing*'
                $facade | Should -BeLike 'facade: Fail Incomplete *chain.issuer-missing*'
            }
        } -Skip:(-not $IsLinux)

        It 'reads PKCS#12 files with a SecureString password' {
            $r = Test-UcCertificate -Path $PfxPath @Common -Password $Password
            $r.Result | Should -Be 'Pass'
            $r.InputFormat | Should -Be 'Pkcs12'
        }

        It 'writes one report per role' {
            $r = Test-UcCertificate -Path $BadPath -Role UM, UMCallRouter -Fqdn exch01.contoso.com `
                -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime
            $r.Role | Should -Be @('exchange-um', 'exchange-um-callrouter')
        }
    }

    Context 'Progress' {
        BeforeAll {
            # A runspace of its own, whose streams the test reads: Write-Progress records go to
            # the progress stream, never down the pipeline.
            function script:Invoke-Isolated([scriptblock] $Script, [object[]] $Arguments) {
                $ps = [PowerShell]::Create()
                try {
                    $null = $ps.AddCommand('Import-Module').AddParameter('Name', $ModulePath).AddStatement()
                    $null = $ps.AddScript($Script.ToString())
                    foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
                    $output = $ps.Invoke()
                    [pscustomobject]@{
                        Output   = @($output)
                        Progress = @($ps.Streams.Progress)
                        Errors   = @($ps.Streams.Error)
                    }
                } finally {
                    $ps.Dispose()
                }
            }
        }

        It 'shows its progress over -Path inputs, with the percentage, and completes it' {
            $run = Invoke-Isolated { param($Files, $Params) Test-UcCertificate -Path $Files @Params } -Arguments (@($GoodPath, $GarbagePath, $BadPath), $Common)
            $run.Output.Result | Should -Be @('Pass', 'Fail')
            $run.Errors.Count | Should -Be 1
            $records = @($run.Progress | Where-Object Activity -eq 'Checking certificates')
            $records.Count | Should -Be 4
            $records[0..2].StatusDescription | Should -Be @($GoodPath, $GarbagePath, $BadPath)
            $records[0..2].PercentComplete | Should -Be @(0, 33, 66)
            $records[0..2].RecordType | Should -Be @('Processing', 'Processing', 'Processing')
            $records[3].RecordType | Should -Be 'Completed'
            @($records.ActivityId | Sort-Object -Unique).Count | Should -Be 1
        }

        It 'shows the file of each piped input, without a percentage, and keeps the pipeline''s objects' {
            $run = Invoke-Isolated { param($Files, $Params) $Files | Test-UcCertificate @Params -Quiet } -Arguments (@($GoodPath, $BadPath), $Common)
            $run.Output | Should -Be @($true, $false)
            $records = @($run.Progress | Where-Object Activity -eq 'Checking certificates')
            $records.Count | Should -Be 3
            $records[0..1].StatusDescription | Should -Be @($GoodPath, $BadPath)
            $records[0..1].PercentComplete | Should -Be @(-1, -1)
            $records[2].RecordType | Should -Be 'Completed'
        }

        It 'shows the subject of certificate objects' {
            $run = Invoke-Isolated { param($Certs, $Params) Test-UcCertificate -Certificate $Certs @Params } -Arguments (@($Good, $Bad), $Common)
            $records = @($run.Progress | Where-Object Activity -eq 'Checking certificates')
            $records[0..1].StatusDescription | Should -Be @($Good.Subject, $Bad.Subject)
            $records[0..1].PercentComplete | Should -Be @(0, 50)
        }
    }

    Context 'Errors' {
        It 'writes a non-terminating error for an unreadable file and goes on' {
            $r = Get-ChildItem -LiteralPath $GoodPath, $GarbagePath, $BadPath |
                Test-UcCertificate @Common -ErrorVariable errs -ErrorAction SilentlyContinue
            $r.Result | Should -Be @('Pass', 'Fail')
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -Be "UcPolicy.UCP_E_FORMAT,$TestCommand"
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $errs[0].TargetObject | Should -Be $GarbagePath
            $errs[0].Exception | Should -BeOfType UcPolicy.UcPolicyException
            $errs[0].Exception.Code | Should -Be 'Format'
            $errs[0].Exception.Message | Should -BeLike "$GarbagePath*"
        }

        It 'turns the error terminating with -ErrorAction Stop' {
            { Test-UcCertificate -Path $GarbagePath @Common -ErrorAction Stop } |
                Should -Throw -ErrorId "UcPolicy.UCP_E_FORMAT,$TestCommand"
        }

        It 'reports a missing path and goes on' {
            $missing = Join-Path $Dir 'no-such.pem'
            $r = Test-UcCertificate -Path $missing, $GoodPath @Common -ErrorVariable errs -ErrorAction SilentlyContinue
            $r.Result | Should -Be 'Pass'
            $errs[0].FullyQualifiedErrorId | Should -Be "UcPolicy.PathNotFound,$TestCommand"
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $r = Test-UcCertificate -LiteralPath $missing @Common -ErrorVariable errs -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -Be "UcPolicy.UCP_E_IO,$TestCommand"
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'says so when -Path names a directory, and skips directories a wildcard matches' {
            Test-UcCertificate -Path $Dir @Common -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -Be "UcPolicy.PathIsDirectory,$TestCommand"
            New-Item -ItemType Directory -Path (Join-Path $Dir 'um-subdir.pem') | Out-Null
            $r = Test-UcCertificate -Path (Join-Path $Dir 'um-*.pem') @Common -ErrorVariable errs
            @($r).Count | Should -Be 2
            $errs.Count | Should -Be 0
            Remove-Item -LiteralPath (Join-Path $Dir 'um-subdir.pem')
        }

        It 'reports a wrong password as an authentication error' {
            $wrong = ConvertTo-SecureString 'wrong' -AsPlainText -Force
            Test-UcCertificate -Path $PfxPath @Common -Password $wrong -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -Be "UcPolicy.UCP_E_PASSWORD,$TestCommand"
            $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        }

        It 'stops at an unknown role, naming the roles' {
            { Test-UcCertificate -Path $GoodPath -Role NoSuchRole } |
                Should -Throw -ErrorId "UcPolicy.UCP_E_UNKNOWN_ROLE,$TestCommand" -ExpectedMessage '*exchange-um*'
        }

        It 'stops at an invalid deployment fact' {
            { Test-UcCertificate -Path $GoodPath -Role UM -Fqdn 'not a host!' } |
                Should -Throw -ErrorId "UcPolicy.UCP_E_TOPOLOGY,$TestCommand"
        }

        It 'treats policy failures as data, not errors' {
            $r = Test-UcCertificate -Path $BadPath @Common -ErrorVariable errs
            $r.Result | Should -Be 'Fail'
            $errs.Count | Should -Be 0
        }
    }

    Context 'Revocation' {
        It 'fails a certificate a CRL revokes, and says where the answer came from' {
            $revoked = $Pki.Leaf('exch01.contoso.com').Build()
            $crl = $Pki.WriteBytes('issuing.crl', $Pki.CurrentCrl(@($revoked)))
            $null = $Pki.WriteBytes('root.crl', $Pki.CurrentRootCrl())
            $r = $revoked, $Good | Test-UcCertificate @Common -Chain $Pki.Issuing -Crl (Join-Path $Pki.Directory '*.crl')
            $r.Result | Should -Be @('Fail', 'Pass')
            ($r[0].Findings | Where-Object Code -eq 'revocation.revoked').Severity | Should -Be 'Error'
            $r[0].Chain[0].Revocation | Should -Be 'Revoked'
            $r[0].Chain[0].RevocationSource | Should -BeLike "*$crl*"
            $r[1].Chain[0].Revocation | Should -Be 'Good'
            ($r[0] | Format-List | Out-String -Width 200) | Should -Match '(?m)^Revocation\s+: Revoked'
            $revoked.Dispose()
        }

        It 'fails a path whose revocation status no CRL given can tell' {
            # Only the issuing CA's CRL: the issuing CA's own status is unknown (Windows fails
            # offline revocation for the UC roles).
            $crl = $Pki.WriteBytes('only-issuing.crl.der', $Pki.CurrentCrl(@()))
            $r = $Good | Test-UcCertificate @Common -Chain $Pki.Issuing -Crl $crl
            $r.Result | Should -Be 'Fail'
            $f = $r.Findings | Where-Object Code -eq 'revocation.status-unknown'
            $f.Severity | Should -Be 'Error'
            $f.CertificateIndex | Should -Be 1
            $r.Chain[1].Revocation | Should -Be 'Unknown'
        }

        It 'stops, with one error, when a CRL or trust anchor file is missing' {
            foreach ($extra in @{ Crl = (Join-Path $Dir 'none.crl') }, @{ TrustAnchor = (Join-Path $Dir 'none*.pem') }) {
                $errs = $null
                $caught = $null
                $out = try {
                    Test-UcCertificate -Path $GoodPath -Role UM -Fqdn exch01.contoso.com @extra -Quiet -ErrorVariable errs
                } catch { $caught = $_ }
                $caught.FullyQualifiedErrorId | Should -Be "UcPolicy.PathNotFound,$TestCommand"
                $out | Should -BeNullOrEmpty # no $false from -Quiet for a configuration error
                # Only the terminating error (ErrorVariable keeps it as the exception that carried it).
                @($errs).Count | Should -Be 1
                $errs[0].ErrorRecord.FullyQualifiedErrorId | Should -Be "UcPolicy.PathNotFound,$TestCommand"
            }
        }
    }

    Context 'Deployment facts' {
        It 'warns when a fact the role needs is missing' {
            $r = Test-UcCertificate -Path $GoodPath -Role UM -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime
            $r.Result | Should -Be 'Warning'
            ($r.Findings | Where-Object Code -eq 'input.facts-missing').Severity | Should -Be 'Warning'
        }

        It 'accepts the PKI module''s dns= form and a topology file' {
            (Test-UcCertificate -Path $BadPath -Role UM -Fqdn 'dns=exch01.contoso.com' -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime).Findings.Expected |
                Should -Contain 'exch01.contoso.com'
            $topology = Join-Path $Out 'topology.json'
            '{"product": "sfb2015", "fqdn": "exch01.contoso.com"}' | Set-Content -LiteralPath $topology
            $r = Test-UcCertificate -Path $GoodPath -Role UM -TopologyPath $topology -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime
            $r.Result | Should -Be 'Pass'
            $r.Product | Should -Be 'SfB2015'
        }

        It 'reads a Topology Builder file and takes the facts of -TopologyServer' {
            $tb = Join-Path $Out 'contoso.tbxml'
            ('<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"><NewTopology>' +
             '<PartialTopology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008"><CentralSites><CentralSite><Clusters>' +
             '<Cluster UniqueId="1" Fqdn="exch01.contoso.com"><Machines><Machine Fqdn="exch01.contoso.com"/></Machines></Cluster>' +
             '<Cluster UniqueId="2" Fqdn="exch02.contoso.com"><Machines><Machine Fqdn="exch02.contoso.com"/></Machines></Cluster>' +
             '</Clusters></CentralSite></CentralSites><Services><Service RoleName="Registrar" InstalledOn="1" ServiceVersion="7"/>' +
             '<Service RoleName="Registrar" InstalledOn="2"/></Services></PartialTopology></NewTopology></TopologyBuilder>') |
                Set-Content -LiteralPath $tb
            $r = Test-UcCertificate -Path $GoodPath -Role UM -TopologyPath $tb -TopologyServer exch01.contoso.com -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime
            $r.Result | Should -Be 'Pass'
            $r.Product | Should -Be 'SfB2015'
            (Test-UcCertificate -Path $GoodPath -Role UM -TopologyPath $tb -TopologyServer exch02.contoso.com -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime).Result |
                Should -Be 'Fail'
            { Test-UcCertificate -Path $GoodPath -Role UM -TopologyPath $tb -TrustAnchor $Pki.RootPath -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*lists 2 servers*exch01.contoso.com, exch02.contoso.com*'
        }

        It 'takes -Product by name' {
            (Test-UcCertificate -Path $GoodPath @Common -Product lync2013).Product | Should -Be 'Lync2013'
        }
    }

    Context '-Quiet' {
        It 'writes one Boolean per input' {
            $r = Get-ChildItem -LiteralPath $GoodPath, $BadPath, $GarbagePath |
                Test-UcCertificate @Common -Quiet -ErrorAction SilentlyContinue
            $r | Should -Be @($true, $false, $false)
            $r[0] | Should -BeOfType bool
        }

        It 'serves if statements' {
            if (Test-UcCertificate -Path $GoodPath @Common -Quiet) { $ok = 'yes' } else { $ok = 'no' }
            $ok | Should -Be 'yes'
        }
    }

    Context 'Tab completion of -Role' {
        It 'completes <Word> with <Expected>' -TestCases @(
            @{ Word = 'Web'; Expected = 'WebServicesExternal' }
            @{ Word = 'Web'; Expected = 'WebServicesInternal' }
            @{ Word = 'U'; Expected = 'UM' }
            @{ Word = 'U'; Expected = 'UMCallRouter' }
            @{ Word = 'def'; Expected = 'Default' }
            @{ Word = 'exchange-u'; Expected = 'exchange-um' }
            @{ Word = 'Teams'; Expected = 'TeamsDirectRoutingSbc' }
        ) {
            $line = "Test-UcCertificate -Path x.pem -Role $Word"
            $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completion.CompletionMatches.CompletionText | Should -Contain $Expected
        }

        It 'shows the role''s title as the tooltip' {
            $line = 'Get-UcRole -Name UMC'
            $match = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches |
                Where-Object CompletionText -eq 'UMCallRouter'
            $match.ToolTip | Should -BeLike 'Exchange Unified Messaging*(exchange-um-callrouter)'
        }
    }
}

Describe 'Formatting' {
    BeforeAll {
        $script:Report = Test-UcCertificate -Path $BadPath @Common
    }

    It 'shows reports as a table of Result, Role, Thumbprint, DaysRemaining, Subject' {
        $text = $Report | Format-Table | Out-String -Width 200
        $header = ($text -split "`n" | Where-Object { $_ -match '\S' })[0]
        ($header -split '\s+' | Where-Object { $_ }) | Should -Be @('Result', 'Role', 'Thumbprint', 'DaysRemaining', 'Subject')
        $text | Should -BeLike "*Fail*exchange-um*$($Bad.Thumbprint)*335*CN=``*.contoso.com,O=Contoso*"
    }

    It 'shows findings as a table of Severity, Code, Message' {
        $text = $Report.Findings | Format-Table | Out-String -Width 200
        $header = ($text -split "`n" | Where-Object { $_ -match '\S' })[0]
        ($header -split '\s+' | Where-Object { $_ }) | Should -Be @('Severity', 'Code', 'Message')
        $text | Should -BeLike '*Error*subject.cn-wildcard*wildcard*'
    }

    It 'lists a finding with Field, Expected, Actual and Remediation' {
        $text = $Report.Findings | Format-List | Out-String -Width 300
        foreach ($label in 'Severity', 'Code', 'Message', 'Field', 'Expected', 'Actual', 'Remediation') {
            $text | Should -Match "(?m)^$label\s+:"
        }
        $text | Should -Match '(?m)^Expected\s+: exch01\.contoso\.com'
        $text | Should -Match '(?m)^Actual\s+: \*\.contoso\.com'
    }

    It 'lists a report with its finding codes' {
        $text = $Report | Format-List | Out-String -Width 300
        $text | Should -Match '(?m)^Findings\s+: subject\.cn-wildcard'
        $text | Should -Match '(?m)^Issuer\s+: CN=Contoso Test Issuing CA'
    }
}

Describe 'Get-UcCertificatePlan' {
    BeforeAll {
        $script:Adatum = Join-Path $PSScriptRoot '../../../tests/topology/adatum-lync2013.tbxml'
    }

    It 'writes one object per certificate of every server' {
        $plan = @(Get-UcCertificatePlan -Topology $Adatum)
        $plan.Count | Should -Be 16
        $plan[0].Server | Should -Be 'lfe01.adatum.com'
        $plan[0].Role | Should -Be 'frontend-default'
        $plan[0].SubjectName | Should -Be 'lyncpool.adatum.com'
        @($plan[0].RequiredNames) | Should -Be @('lyncpool.adatum.com', 'lfe01.adatum.com')
        $plan[0].Product | Should -Be 'Lync2013'
    }

    It 'takes -Server and tells the Edge external certificate''s needs' {
        $edge = @(Get-UcCertificatePlan $Adatum -Server LEDGE01.dmz.adatum.com)
        @($edge.Role) | Should -Be @('edge-internal', 'edge-external', 'edge-av-auth')
        $edge[1].PublicCa | Should -BeTrue
        $edge[1].PoolShared | Should -BeTrue
        @($edge[1].RequiredNames) | Should -Contain 'webconf.adatum.com'
        $edge[1].GetRequest('CertReq') | Should -Match 'Subject = "CN=access\.adatum\.com"'
    }

    It 'reports an unknown server as an error naming the servers' {
        { Get-UcCertificatePlan -Topology $Adatum -Server nope.adatum.com -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*lfe01.adatum.com*'
    }
}

Describe 'Get-UcRole and Get-UcPolicyRule' {
    It 'lists every role' {
        @(Get-UcRole).Count | Should -Be ([UcPolicy.Catalogue]::Roles.Count)
    }

    It 'finds roles by alias and wildcard' {
        (Get-UcRole UM).Id | Should -Be 'exchange-um'
        (Get-UcRole -Name WebServicesExternal).Id | Should -Be 'frontend-web-external'
        @(Get-UcRole 'exchange-*').Id | Should -Contain 'exchange-um-callrouter'
    }

    It 'writes a non-terminating error for an unknown name' {
        $r = Get-UcRole NoSuchRole, UM -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Id | Should -Be 'exchange-um'
        $errs[0].FullyQualifiedErrorId | Should -Be 'UcPolicy.RoleNotFound,UcPolicy.PowerShell.GetUcRoleCommand'
    }

    It 'filters by product' {
        $all = @(Get-UcRole)
        $sfb2019 = @(Get-UcRole -Product SfB2019)
        $sfb2019.Count | Should -BeLessOrEqual $all.Count
        $sfb2019 | ForEach-Object { $_.IsInProduct('SfB2019') | Should -BeTrue }
    }

    It 'lists rules by code' {
        $rules = @(Get-UcPolicyRule 'subject.*')
        $rules.Count | Should -BeGreaterThan 3
        $rules.Code | ForEach-Object { $_ | Should -BeLike 'subject.*' }
        $rules[0] | Should -BeOfType UcPolicy.Rule
    }

    It 'lists the rules a role binds, with their severity' {
        $rule = Get-UcPolicyRule -Role UM -Code subject.cn-wildcard
        $rule | Should -BeOfType UcPolicy.RoleRule
        $rule.Severity | Should -Be 'Error'
        $rule.Role | Should -Be 'exchange-um'
        (Get-UcRole UM | Get-UcPolicyRule -Code subject.cn-wildcard).Code | Should -Be 'subject.cn-wildcard'
    }
}

Describe 'Export-UcPolicyReport and ConvertTo-UcPolicyReport' {
    BeforeAll {
        $script:Reports = Test-UcCertificate -Path $BadPath, $GoodPath @Common
    }

    It 'writes JSON in the library''s schema' {
        $file = Join-Path $Out 'reports.json'
        $Reports | Export-UcPolicyReport -Path $file -Format Json
        $json = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json
        @($json).Count | Should -Be 2
        $json[0].schema | Should -Be 'ucpolicy-report'
        @($json.result) | Should -Be @('fail', 'pass')
    }

    It 'writes CSV, one row per finding, with a byte order mark' {
        $file = Join-Path $Out 'reports.csv'
        $Reports | Export-UcPolicyReport -Path $file
        $bytes = [IO.File]::ReadAllBytes($file)
        $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
        $rows = Import-Csv -LiteralPath $file
        @($rows).Count | Should -Be ($Reports[0].Findings.Count + 1)
        $rows[0].Code | Should -Be 'subject.cn-wildcard'
        $rows[0].Remediation | Should -BeLike "*$Symptom*"
        $rows[-1].Result | Should -Be 'Pass'
    }

    It 'writes HTML, escaping what certificates say' {
        $file = Join-Path $Out 'reports.htm'
        $info = $Reports | Export-UcPolicyReport -Path $file -PassThru
        $info | Should -BeOfType System.IO.FileInfo
        $html = Get-Content -LiteralPath $file -Raw
        $html | Should -BeLike '<!DOCTYPE html>*'
        $html | Should -BeLike '*subject.cn-wildcard*'
        $html | Should -BeLike "*&quot;$Symptom&quot;*"
    }

    It 'refuses to overwrite with -NoClobber, and writes nothing with -WhatIf' {
        $file = Join-Path $Out 'reports.json'
        { $Reports | Export-UcPolicyReport -Path $file -NoClobber } |
            Should -Throw -ErrorId 'UcPolicy.FileExists,UcPolicy.PowerShell.ExportUcPolicyReportCommand'
        $whatIf = Join-Path $Out 'whatif.json'
        $Reports | Export-UcPolicyReport -Path $whatIf -WhatIf
        Test-Path -LiteralPath $whatIf | Should -BeFalse
    }

    It 'writes SARIF 2.1.0, from the .sarif extension' {
        $file = Join-Path $Out 'reports.sarif'
        $Reports | Export-UcPolicyReport -Path $file
        $sarif = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json
        $sarif.version | Should -Be '2.1.0'
        @($sarif.runs).Count | Should -Be 1
        @($sarif.runs[0].results.ruleId) | Should -Contain 'subject.cn-wildcard'
        @($sarif.runs[0].results).Count | Should -Be $Reports[0].Findings.Count
    }

    It 'writes JUnit XML, judged with -FailOn' {
        $file = Join-Path $Out 'reports.xml'
        $Reports | Export-UcPolicyReport -Path $file -Format JUnit
        $xml = [xml](Get-Content -LiteralPath $file -Raw)
        @($xml.SelectNodes('//testcase')).Count | Should -Be 2
        @($xml.SelectNodes('//testcase/failure')).Count | Should -Be 1
        $xml.SelectSingleNode('//testcase[failure]').name | Should -Be $BadPath
        $Reports | Export-UcPolicyReport -Path $file -Format junit -FailOn Never
        @(([xml](Get-Content -LiteralPath $file -Raw)).SelectNodes('//testcase/failure')).Count | Should -Be 0
    }

    It 'writes a Nagios status line' {
        $file = Join-Path $Out 'reports.nagios'
        $Reports | Export-UcPolicyReport -Path $file -Format Nagios
        $lines = @(Get-Content -LiteralPath $file)
        $lines[0] | Should -BeLike "UCPOLICY CRITICAL - checked 2: 1 pass, 0 warning, 1 fail |*"
        $lines[1] | Should -BeLike "$BadPath*subject.cn-wildcard*"
        $lines.Count | Should -Be 2
        [IO.File]::ReadAllBytes($file)[0] | Should -Be ([byte][char]'U') # no byte order mark
        ($Reports | ConvertTo-UcPolicyReport Nagios -FailOn Never) | Should -BeLike 'UCPOLICY OK*'
    }

    It 'renders <Format> as the library does for the .NET facade' -TestCases @(
        @{ Format = 'Text' }, @{ Format = 'Json' }, @{ Format = 'Sarif' }, @{ Format = 'Csv' },
        @{ Format = 'Html' }, @{ Format = 'JUnit' }, @{ Format = 'Nagios' }
    ) {
        $text = $Reports | ConvertTo-UcPolicyReport -Format $Format
        $text | Should -BeOfType string
        $text | Should -BeExactly ([UcPolicy.ReportFormatter]::Format([UcPolicy.Report[]]$Reports, [UcPolicy.OutputFormat]$Format,
                                                                       [UcPolicy.RenderOptions]'Pretty, Flat', [UcPolicy.Severity]::Warning))
        $text | Should -BeLike '*subject.cn-wildcard*'
        $file = Join-Path $Out "render.$Format"
        $Reports | Export-UcPolicyReport -Path $file -Format $Format
        [IO.File]::ReadAllText($file) | Should -BeExactly $text
    }

    It 'renders one report, and streams a batch, from PowerShell without optional arguments' {
        ($Reports[0].Render('Sarif') | ConvertFrom-Json).version | Should -Be '2.1.0'
        $Reports[0].Render('Json', 'None') | Should -BeExactly $Reports[0].ToJson($false)
        $renderer = [UcPolicy.ReportRenderer]::new('Csv')
        try {
            $csv = (-join @($Reports | ForEach-Object { $renderer.Add($_) })) + $renderer.Finish()
            $csv | Should -BeExactly ($Reports | ConvertTo-UcPolicyReport Csv)
            $renderer.Summary | Should -Be 'checked 2: 1 pass, 0 warning, 1 fail'
            $renderer.GetExitCode() | Should -Be 2
            $renderer.GetExitCode('Error') | Should -Be 2
            $renderer.GetExitCode($null) | Should -Be 0
        } finally {
            $renderer.Dispose()
        }
    }

    It 'refuses a format it does not know' {
        { $Reports | ConvertTo-UcPolicyReport -Format Pdf } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,UcPolicy.PowerShell.ConvertToUcPolicyReportCommand'
        { $Reports | Export-UcPolicyReport -Path (Join-Path $Out 'x.pdf') -Format Pdf } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,UcPolicy.PowerShell.ExportUcPolicyReportCommand'
    }

    It 'asks for -Format when the extension does not tell' {
        { $Reports | Export-UcPolicyReport -Path (Join-Path $Out 'reports.txt') } |
            Should -Throw -ErrorId 'UcPolicy.UnknownReportFormat,UcPolicy.PowerShell.ExportUcPolicyReportCommand'
    }

    It 'converts to text on the pipeline' {
        $text = $Reports | ConvertTo-UcPolicyReport -Format Json
        $text | Should -BeOfType string
        @($text | ConvertFrom-Json).Count | Should -Be 2
        ($Reports | ConvertTo-UcPolicyReport Csv) | Should -BeLike '"InputName","Role",*'
    }
}

Describe 'The shared fixtures of tests/FIXTURES.md' {
    BeforeDiscovery {
        $script:Cases = @()
        $script:InputErrors = @()
        if ($env:UCPOLICY_FIXTURES -and (Test-Path -LiteralPath (Join-Path $env:UCPOLICY_FIXTURES 'manifest.json'))) {
            $manifest = Get-Content -LiteralPath (Join-Path $env:UCPOLICY_FIXTURES 'manifest.json') -Raw | ConvertFrom-Json
            $script:Cases = @($manifest.cases | ForEach-Object { @{ Case = $_; Time = $manifest.validationTime } })
            $script:InputErrors = @($manifest.inputErrors | ForEach-Object { @{ InputError = $_ } })
        }
    }

    BeforeAll {
        # An empty password ("") is a password, unlike null; ConvertTo-SecureString refuses "".
        function Secure([string] $text) {
            $s = [System.Security.SecureString]::new()
            foreach ($c in $text.ToCharArray()) { $s.AppendChar($c) }
            $s
        }
    }

    It 'runs the manifest (meson sets UCPOLICY_FIXTURES to the fixture target''s directory)' {
        $env:UCPOLICY_FIXTURES | Should -Not -BeNullOrEmpty -Because 'a run without the fixtures has not run them'
        Join-Path $env:UCPOLICY_FIXTURES 'manifest.json' | Should -Exist -Because 'the fixture generator writes it'
        $Cases.Count | Should -BeGreaterThan 0
    }

    It 'case <Case.id>' -TestCases $Cases {
        $root = $env:UCPOLICY_FIXTURES
        $params = @{
            LiteralPath    = Join-Path $root $Case.file
            Role           = $Case.role
            ValidationTime = ([DateTimeOffset]::Parse($Time, [Globalization.CultureInfo]::InvariantCulture)).UtcDateTime
        }
        if ($Case.trust) { $params.TrustAnchor = @($Case.trust | ForEach-Object { Join-Path $root $_ }) }
        if ($Case.chain) { $params.Chain = @($Case.chain | ForEach-Object { Join-Path $root $_ }) }
        if ($Case.publicRoots) { $params.PublicRoot = @($Case.publicRoots | ForEach-Object { Join-Path $root $_ }) }
        if ($null -ne $Case.password) { $params.Password = Secure $Case.password }
        # Optional fields (FIXTURES.md): CRLs, online revocation with a limit, the pool's other files.
        # The top-level exemptions list is for other faces and ignored here.
        # Strict mode: an absent optional field is read through PSObject.Properties, not as a property.
        $optional = $Case.PSObject.Properties
        if ($optional['crls'] -and $Case.crls) { $params.Crl = @($Case.crls | ForEach-Object { Join-Path $root $_ }) }
        if ($optional['online'] -and $Case.online) {
            $params += $OnlineParams
            if ($optional['timeoutMs'] -and $null -ne $Case.timeoutMs) { $params.TimeoutSec = [Math]::Max(1, [int][Math]::Ceiling($Case.timeoutMs / 1000.0)) }
        }
        if ($optional['pool'] -and $null -ne $Case.pool) { $params.SameCertificate = @($Case.pool | ForEach-Object { Join-Path $root $_ }) }
        if ($Case.topology) {
            $topology = Join-Path $Out ("topology-{0}.json" -f [guid]::NewGuid())
            $Case.topology | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $topology
            $params.TopologyPath = $topology
        }
        $r = Test-UcCertificate @params -ErrorAction Stop
        if ($Case.expect.result) { $r.Result.ToString().ToLowerInvariant() | Should -Be $Case.expect.result }
        foreach ($p in @($Case.expect.present)) {
            if ($p) { @($r.Findings | Where-Object { $_.Code -eq $p.code -and $_.Severity.ToString() -eq $p.severity }).Count | Should -BeGreaterThan 0 -Because "$($p.severity) $($p.code) is expected" }
            if ($p -and $p.PSObject.Properties['remediationContains'] -and $p.remediationContains) {
                @($r.Findings | Where-Object { $_.Code -eq $p.code -and $_.Remediation.Contains($p.remediationContains) }).Count | Should -BeGreaterThan 0
            }
        }
        if ($Case.expect.format) { $r.InputFormat.ToString() | Should -Be $Case.expect.format }
        foreach ($a in @($Case.expect.absent)) {
            if ($a) { @($r.Findings | ForEach-Object { $_.Code }) | Should -Not -Contain $a }
        }
    }

    It 'refuses input <InputError.id>' -TestCases $InputErrors {
        $path = Join-Path $env:UCPOLICY_FIXTURES $InputError.file
        $params = @{ LiteralPath = $path; Role = 'tls-server' }
        if ($null -ne $InputError.password) { $params.Password = Secure $InputError.password }
        Test-UcCertificate @params -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be "UcPolicy.$($InputError.status),$TestCommand"
        $errs[0].Exception.Message | Should -BeLike "*$path*"
    }
}

Describe 'Test-UcCertificate -Online and the private network' {
    BeforeAll {
        $script:Crls = [UcPolicy.TestPki.LoopbackCrlServer]::new()
        $script:Revoked = $Pki.Leaf('exch01.contoso.com').CrlAt($Crls.Url).Build()
        $Crls.Crl = $Pki.CurrentCrl([Security.Cryptography.X509Certificates.X509Certificate2[]]@($Revoked))
        $script:RevokedPath = $Pki.WritePem('certs/um-revoked-loopback-cdp.pem', @($Revoked, $Pki.Issuing))
    }

    AfterAll {
        $Crls.Dispose()
        $Revoked.Dispose()
    }

    It 'does not fetch a CDP on 127.0.0.1 without -AllowPrivateNetwork, and says why' {
        $r = Test-UcCertificate -LiteralPath $RevokedPath @Common -Online
        $Crls.Requests | Should -Be 0 -Because 'the loopback server must not be asked'
        $r.Chain[0].Revocation | Should -Be 'Unreachable'
        $why = @($r.Findings | Where-Object { $_.Code -eq 'revocation.unreachable' -and $_.CertificateIndex -eq 0 })
        $why.Count | Should -Be 1
        $why[0].Message | Should -BeLike "*$($Crls.Url): refused: 127.0.0.1, a loopback address (allow with --allow-private-network)*"
    }

    It 'fetches it with -AllowPrivateNetwork' {
        $before = $Crls.Requests
        $r = Test-UcCertificate -LiteralPath $RevokedPath @Common @OnlineParams
        $Crls.Requests | Should -Be ($before + 1)
        $r.Chain[0].Revocation | Should -Be 'Revoked'
        $r.Result | Should -Be 'Fail'
        @($r.Findings | Where-Object Code -eq 'revocation.revoked').Count | Should -Be 1
    }

    It 'is a switch of both cmdlets, off by default' {
        foreach ($name in 'Test-UcCertificate', 'Test-UcServerEndpoint') {
            $p = (Get-Command $name).Parameters['AllowPrivateNetwork']
            $p | Should -Not -BeNullOrEmpty -Because $name
            $p.SwitchParameter | Should -BeTrue
            (Get-Help $name -Parameter AllowPrivateNetwork).Description.Text | Should -BeLike '*private*'
        }
    }
}

Describe 'Test-UcCertificate certificate policies (RFC 5280 6.1)' {
    It 'accepts the test PKI (no policies) by default, with no valid policy' {
        $r = Test-UcCertificate -Path $GoodPath @Common
        @($r.Findings | Where-Object Code -eq 'chain.policy-invalid').Count | Should -Be 0
        @($r.Policies).Count | Should -Be 0
    }

    It 'fails it when a policy is asked for (-Policy) or required (-RequireExplicitPolicy)' {
        $asked = Test-UcCertificate -Path $GoodPath @Common -Policy 2.23.140.1.2.1
        @($asked.Findings | Where-Object Code -eq 'chain.policy-invalid').Count | Should -Be 1
        $required = Test-UcCertificate -Path $GoodPath @Common -RequireExplicitPolicy -InhibitPolicyMapping -InhibitAnyPolicy
        @($required.Findings | Where-Object Code -eq 'chain.policy-invalid').Count | Should -Be 1
    }

    It 'has the parameters on both cmdlets, the switches off by default' {
        foreach ($name in 'Test-UcCertificate', 'Test-UcServerEndpoint') {
            foreach ($switch in 'RequireExplicitPolicy', 'InhibitPolicyMapping', 'InhibitAnyPolicy') {
                (Get-Command $name).Parameters[$switch].SwitchParameter | Should -BeTrue -Because "$name -$switch"
            }
            (Get-Command $name).Parameters['Policy'].ParameterType | Should -Be ([string[]])
        }
    }
}

Describe 'The bundled example certificates, as README.md shows them' {
    It 'fails the incident certificate and passes the correct one' {
        $examples = Join-Path $PSScriptRoot '../../../examples'
        $r = Test-UcCertificate -Path (Join-Path $examples 'certs/exchange-um*.pem') -Role UM `
            -TopologyPath (Join-Path $examples 'topology/exchange.json') -TrustAnchor (Join-Path $examples 'certs/contoso-root.pem')
        @($r | ForEach-Object { '{0} {1}' -f $_.Result, $_.Subject }) |
            Should -Be @('Fail CN=*.contoso.com,O=Contoso', 'Pass CN=exch01.contoso.com,O=Contoso')
        ($r[0].Findings | Where-Object Severity -eq 'Error').Code | Should -Be 'subject.cn-wildcard'
    }
}

Describe 'examples/powershell/Test-UcServerCertificates.ps1' {
    BeforeAll {
        $script:Example = Join-Path $PSScriptRoot '../../../examples/powershell/Test-UcServerCertificates.ps1'
        $fe = $Pki.Leaf('pool01.contoso.com').AddDnsNames('fe01.contoso.com', 'sip.contoso.com').Build()
        $Pki.WritePem('certs/fe01-default.pem', @($fe, $Pki.Issuing)) | Out-Null
        $fe.Dispose()
        $script:Inventory = Join-Path $Pki.Directory 'inventory.csv'
        @(
            [pscustomobject]@{ Path = 'certs/um-good.pem'; Server = 'EXCH01'; Use = 'UM'; Fqdn = 'exch01.contoso.com'; PoolFqdn = ''; SipDomain = '' }
            [pscustomobject]@{ Path = 'certs/um-wildcard.pem'; Server = 'EXCH02'; Use = 'UMCallRouter'; Fqdn = 'exch02.contoso.com'; PoolFqdn = ''; SipDomain = '' }
            [pscustomobject]@{ Path = 'certs/fe01-default.pem'; Server = 'FE01'; Use = 'Default'; Fqdn = 'fe01.contoso.com'; PoolFqdn = 'pool01.contoso.com'; SipDomain = 'contoso.com' }
        ) | Export-Csv -LiteralPath $Inventory -NoTypeInformation
        # A fresh PowerShell that finds the module by name, as an admin's would.
        $script:Pwsh = [Environment]::ProcessPath
        $script:PwshArgs = @()
        $entry = [Environment]::GetCommandLineArgs()[0]
        if ($entry -like '*.dll') { $script:PwshArgs = @($entry) }
    }

    It 'prints one table of the estate and exits 2 when a certificate fails' {
        $html = Join-Path $Out 'estate.html'
        $env:PSModulePath = (Split-Path -Parent $ModuleRoot) + [IO.Path]::PathSeparator + $env:PSModulePath
        $output = & $Pwsh @PwshArgs -NoProfile -NonInteractive -File $Example -Inventory $Inventory `
            -TrustAnchor $Pki.RootPath -ValidationTime $Pki.Now.UtcDateTime.ToString('o') -ReportPath $html 2>&1
        $exit = $LASTEXITCODE
        $text = $output -join "`n"
        $exit | Should -Be 2 -Because $text
        $text | Should -Match '(?m)^Result\s+Server\s+Use\s+Role\s+DaysRemaining\s+Thumbprint\s+Subject$'
        $text | Should -Match '(?m)^Fail\s+EXCH02\s+UMCallRouter\s+exchange-um-callrouter\s+335\s+[0-9A-F]{40}\s+CN=\*\.contoso\.com,O=Contoso$'
        $text | Should -Match '(?m)^Pass\s+EXCH01\s+UM\s+exchange-um\s+335\s+[0-9A-F]{40}\s+CN=exch01\.contoso\.com,O=Contoso$'
        $text | Should -Match '(?m)^\w+\s+FE01\s+Default\s+frontend-default\s'
        $text | Should -BeLike '*subject.cn-wildcard*'
        $text | Should -BeLike "*$Symptom*"
        Get-Content -LiteralPath $html -Raw | Should -BeLike '*exchange-um-callrouter*'
    }
}

Describe 'Key facts, key usage and templates on the report objects' {
    It 'shows the key usage, template and private key facts of a PFX in the list view' {
        $r = Test-UcCertificate -LiteralPath $PfxPath -Password $Password @Common
        $r.PrivateKey.Present | Should -BeTrue
        $r.PrivateKey.MatchesCertificate | Should -Be 'Yes'
        $r.Certificate.KeyUsages.ToString() | Should -Be ([UcPolicy.KeyUsages]'DigitalSignature, KeyEncipherment').ToString()
        $r.Certificate.Template | Should -BeNullOrEmpty
        $text = $r | Format-List | Out-String -Width 300
        $text | Should -Match '(?m)^KeyUsage\s+: digitalSignature, keyEncipherment \(critical\)'
        $text | Should -Match '(?m)^Template\s+: \(none\)'
        $text | Should -Match '(?m)^PrivateKey\s+: present, matches: Yes'
        $text | Should -Not -Match '(?m)^Connection\s+:'
        $text | Should -Not -Match '(?m)^Pool\s+:'
    }
}

Describe 'Test-UcCertificate -SameCertificate (Edge and OAuth pools)' {
    BeforeAll {
        $script:EdgeFiles = @(
            $Pki.WritePfx('edge01.pfx', $Good, 'Pa$$w0rd-ü', @($Pki.Issuing))
            $Pki.WritePfx('edge02.pfx', $Good, 'Pa$$w0rd-ü', @($Pki.Issuing))
        )
        $other = $Pki.Leaf('exch01.contoso.com').Ecdsa().Build()
        $script:ForeignPfx = $Pki.WritePfx('edge03.pfx', $other, 'Pa$$w0rd-ü', @($Pki.Issuing))
        $other.Dispose()
        $script:Edge = @{ Role = 'EdgeInternal'; Fqdn = 'exch01.contoso.com'; TrustAnchor = $Pki.RootPath; ValidationTime = $Pki.Now.UtcDateTime; Password = $Password }
    }

    It 'passes a pool whose servers hold the same certificate and key' {
        $r = Test-UcCertificate -LiteralPath $EdgeFiles[0] -SameCertificate $EdgeFiles[1] @Edge
        @($r.Pool | ForEach-Object { $_.State.ToString() }) | Should -Be @('Reference', 'Identical')
        @($r.Findings.Code) | Should -Not -Contain 'private-key.pool-mismatch'
    }

    It 'fails a server that holds another key, and names it' {
        $r = Test-UcCertificate -LiteralPath $EdgeFiles[0] -SameCertificate $EdgeFiles[1], $ForeignPfx @Edge
        @($r.Pool | ForEach-Object { $_.State.ToString() }) | Should -Be @('Reference', 'Identical', 'DifferentKey')
        $mismatch = @($r.Findings | Where-Object Code -eq 'private-key.pool-mismatch')
        $mismatch.Count | Should -Be 1
        $mismatch[0].Message | Should -BeLike "*$ForeignPfx*"
        $r.Result | Should -Be 'Fail'
        ($r | Format-List | Out-String -Width 400) | Should -Match '(?m)^Pool\s+: .*edge01\.pfx: Reference; .*DifferentKey'
        ($r.Pool | Format-Table | Out-String -Width 300) | Should -Match 'DifferentKey'
    }

    It 'stops with a terminating error when a pool file cannot be read' {
        { Test-UcCertificate -LiteralPath $EdgeFiles[0] -SameCertificate (Join-Path $Dir 'no-such-edge.pfx') @Edge -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*no-such-edge.pfx*'
    }
}

Describe 'Test-UcServerEndpoint against a Lync-like server (tests/tools/probe-server)' {
    BeforeAll {
        $env:UCPOLICY_PROBE_SERVER | Should -Not -BeNullOrEmpty -Because 'meson sets it to tests/tools/probe-server'
        $fe = $Pki.Leaf('pool01.contoso.com').DnsNames('pool01.contoso.com', 'fe01.contoso.com', 'sip.contoso.com',
            'lyncdiscoverinternal.contoso.com').Eku($true, $true).Build()
        $script:FeChain = $Pki.WritePem('certs/probe-fe01.pem', @($fe, $Pki.Issuing))
        $script:FeKey = $Pki.WriteBytes('certs/probe-fe01.key', [Text.Encoding]::ASCII.GetBytes([Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($fe).ExportPkcs8PrivateKeyPem()))
        $fe.Dispose()
        $script:Exch = $Pki.Leaf('exch01.contoso.com').Eku($true, $true).Build()
        $script:ExchChain = $Pki.WritePem('certs/probe-exch01.pem', @($Exch, $Pki.Issuing))
        $script:ExchKey = $Pki.WriteBytes('certs/probe-exch01.key', [Text.Encoding]::ASCII.GetBytes([Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Exch).ExportPkcs8PrivateKeyPem()))
        $wild = $Pki.Leaf('*.contoso.com').DnsNames('exch01.contoso.com', '*.contoso.com').Eku($true, $true).Build()
        $script:WildPfx = $Pki.WritePfx('probe-wildcard.pfx', $wild, 'contoso', @($Pki.Issuing))
        $wild.Dispose()
        $script:WildPassword = ConvertTo-SecureString 'contoso' -AsPlainText -Force
        $script:Front = @{
            Role = 'Default'; Protocol = 'Sip'; Fqdn = 'fe01.contoso.com'; PoolFqdn = 'pool01.contoso.com'; SipDomain = 'contoso.com'
            TrustAnchor = $Pki.RootPath; ValidationTime = $Pki.Now.UtcDateTime; ConnectionTimeoutSec = 10
        }
        # probe-server on 127.0.0.1: serves $Connections connections, then exits (60 s at most).
        function script:Start-ProbeServer([int] $Connections, [string[]] $Arguments, [string] $Chain = $FeChain) {
            $start = [Diagnostics.ProcessStartInfo]::new($env:UCPOLICY_PROBE_SERVER)
            foreach ($a in @('--cert', $Chain, '--key', $FeKey, '--ca', $Pki.RootPath, '--peer', 'exch01.contoso.com',
                             '--connections', "$Connections", '--lifetime', '60') + $Arguments) { $start.ArgumentList.Add($a) }
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $start.UseShellExecute = $false
            $process = [Diagnostics.Process]::Start($start)
            $line = $process.StandardOutput.ReadLineAsync()
            if (-not $line.Wait(10000) -or -not "$($line.Result)".StartsWith('PORT ')) { $process.Kill(); throw "probe-server did not start" }
            [pscustomobject]@{ Process = $process; Port = [int]$line.Result.Substring(5); Log = $process.StandardError.ReadToEndAsync() }
        }
        function script:Stop-ProbeServer($Server) {
            if (-not $Server.Process.WaitForExit(15000)) { $Server.Process.Kill() }
            $Server.Log.Result
        }
    }

    AfterAll {
        if ($Exch) { $Exch.Dispose() }
    }

    It 'reproduces the incident: Lync rejects the wildcard-CN certificate with "The peer is not a configured server"' {
        $server = Start-ProbeServer 1 @('--mode', 'sip')
        $r = Test-UcServerEndpoint -ComputerName 127.0.0.1 -Port $server.Port -ServerName fe01.contoso.com `
            -ClientCertificate $WildPfx -Password $WildPassword @Front
        $r.Result | Should -Be 'Pass' -Because 'the front end''s own certificate is right'
        $r.Connection.ClientAuthentication | Should -Be 'Rejected'
        $r.Connection.ClientCertificateSubject | Should -Be 'CN=*.contoso.com,O=Contoso'
        $r.Connection.Response | Should -Be 'SIP/2.0 403 Forbidden'
        $r.Connection.Diagnostics | Should -BeLike "1000;reason=""$Symptom""*"
        $r.GetExitCode([UcPolicy.Severity]::Warning) | Should -Be 2
        $text = $r | Format-List | Out-String -Width 400
        $text | Should -Match '(?m)^Connection\s+: 127\.0\.0\.1:\d+ \(Sip\): Rejected'
        $text | Should -Match "(?m)^Diagnostics\s+: .*$Symptom"
        ($r.Connection | Format-List | Out-String -Width 400) | Should -Match '(?m)^ClientAuthentication\s+: Rejected'
        Stop-ProbeServer $server | Should -BeLike '*SIP peer CN=`*.contoso.com: 403 Forbidden*'
    }

    It 'accepts the certificate that names the Exchange server (files, and a piped X509Certificate2)' {
        $server = Start-ProbeServer 2 @('--mode', 'sip')
        $r = Test-UcServerEndpoint 127.0.0.1 -Port $server.Port -ClientCertificate $ExchChain -ClientKeyPath $ExchKey @Front
        $r.Connection.ClientAuthentication | Should -Be 'Accepted'
        $r.Connection.Response | Should -Be 'SIP/2.0 200 OK'
        $r.Connection.Diagnostics | Should -BeNullOrEmpty
        $r.GetExitCode([UcPolicy.Severity]::Warning) | Should -Be 0
        $piped = $Exch | Test-UcServerEndpoint 127.0.0.1 -Port $server.Port -ClientCertificateChain $Pki.Issuing @Front
        $piped.Connection.ClientAuthentication | Should -Be 'Accepted'
        Test-UcServerEndpoint 127.0.0.1 -Port $server.Port @Front -Quiet -ErrorAction SilentlyContinue | Out-Null
        (Stop-ProbeServer $server) | Should -BeLike '*SIP peer CN=exch01.contoso.com: 200 OK*'
    }

    It 'writes a non-terminating error when nothing listens, and $false with -Quiet' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $r = Test-UcServerEndpoint 127.0.0.1, 127.0.0.1 -Port $port -Role tls-server -ConnectionTimeoutSec 5 -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Be 'UcPolicy.UCP_E_NETWORK,UcPolicy.PowerShell.TestUcServerEndpointCommand'
        $errs[0].Exception.Message | Should -BeLike "*127.0.0.1:$($port): cannot connect: connection refused*"
        Test-UcServerEndpoint 127.0.0.1 -Port $port -Role tls-server -Quiet -ErrorAction SilentlyContinue | Should -Be $false
    }

    It 'connects to the server named on 127.0.0.1, but fetches its certificate''s loopback CDP only with -AllowPrivateNetwork' {
        $crls = [UcPolicy.TestPki.LoopbackCrlServer]::new()
        try {
            $fe = $Pki.Leaf('pool01.contoso.com').DnsNames('pool01.contoso.com', 'fe01.contoso.com').Eku($true, $true).CrlAt($crls.Url).Build()
            $crls.Crl = $Pki.CurrentCrl([Security.Cryptography.X509Certificates.X509Certificate2[]]@())
            $chain = $Pki.WritePem('certs/probe-fe01-cdp.pem', @($fe, $Pki.Issuing))
            $fe.Dispose()
            $server = Start-ProbeServer 2 @('--mode', 'tls', '--no-request') $chain
            $endpoint = @{ Port = $server.Port; Role = 'tls-server'; TrustAnchor = $Pki.RootPath; ValidationTime = $Pki.Now.UtcDateTime; ConnectionTimeoutSec = 10 }
            $refused = Test-UcServerEndpoint 127.0.0.1 @endpoint -Online
            $refused.Connection.Address | Should -Be '127.0.0.1'
            $crls.Requests | Should -Be 0 -Because 'the CDP on 127.0.0.1 is not fetched without -AllowPrivateNetwork'
            $refused.Chain[0].Revocation | Should -Be 'Unreachable'
            $why = @($refused.Findings | Where-Object { $_.Code -eq 'revocation.unreachable' -and $_.CertificateIndex -eq 0 })
            $why.Count | Should -Be 1
            $why[0].Message | Should -BeLike "*$($crls.Url): refused: 127.0.0.1, a loopback address (allow with --allow-private-network)*"
            $allowed = Test-UcServerEndpoint 127.0.0.1 @endpoint @OnlineParams
            $allowed.Chain[0].Revocation | Should -Be 'Good'
            $crls.Requests | Should -Be 1
            Stop-ProbeServer $server | Out-Null
        } finally {
            $crls.Dispose()
        }
    }

    It 'refuses conflicting or incomplete parameters' {
        { Test-UcServerEndpoint 127.0.0.1 -Role tls-server -ServerName a.contoso.com -NoServerName -ErrorAction Stop } | Should -Throw '*exclude each other*'
        { Test-UcServerEndpoint 127.0.0.1 -Role tls-server -ClientKeyPath $ExchKey -ErrorAction Stop } | Should -Throw '*needs -ClientCertificate*'
        { Test-UcServerEndpoint 127.0.0.1 -Role no-such-role -ErrorAction Stop } | Should -Throw '*Unknown role*'
    }

    It 'documents every parameter in its help' {
        $help = Get-Help Test-UcServerEndpoint -Full
        $help.Synopsis | Should -BeLike '*live server*'
        foreach ($name in 'ComputerName', 'Port', 'Protocol', 'Role', 'ClientCertificate', 'Password', 'TrustAnchor', 'SipDomain') {
            (Get-Help Test-UcServerEndpoint -Parameter $name).Description.Text | Should -Not -BeNullOrEmpty -Because $name
        }
        (Get-Help Test-UcCertificate -Parameter SameCertificate).Description.Text | Should -BeLike '*pool*'
    }
}
