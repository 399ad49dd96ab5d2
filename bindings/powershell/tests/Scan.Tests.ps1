# SPDX-License-Identifier: MIT
# Pester 5 tests of Test-UcDeployment, run in a real PowerShell by Invoke-UcPolicyTests.ps1.
# A Topology Builder document made here names fe01.contoso.com, served by tests/tools/probe-server
# on 127.0.0.2, and fe02.contoso.com, whose port on 127.0.0.3 nobody listens on. Certificates are
# made at test time by UcPolicy.TestPki. Loopback only: every scan runs with -LoopbackOnly.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPkiPath,
    [Parameter(Mandatory)] [string] $Framework
)

BeforeAll {
    Import-Module -Name $ModulePath -Force -ErrorAction Stop
    Add-Type -Path $TestPkiPath
    $env:UCPOLICY_PROBE_SERVER | Should -Not -BeNullOrEmpty -Because 'meson sets it to tests/tools/probe-server'

    $script:Pki = [UcPolicy.TestPki.Pki]::new()
    function script:Write-Key($Name, $Certificate) {
        $Pki.WriteBytes($Name, [Text.Encoding]::ASCII.GetBytes([Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate).ExportPkcs8PrivateKeyPem()))
    }
    $fe = $Pki.Leaf('fe01.contoso.com').DnsNames('fe01.contoso.com', 'sip.contoso.com', 'lyncdiscoverinternal.contoso.com').Eku($true, $true).Build()
    $script:FeChain = $Pki.WritePem('scan-fe01.pem', @($fe, $Pki.Issuing))
    $script:FeKey = Write-Key 'scan-fe01.key' $fe
    $script:Fe = $fe
    $script:Exch = $Pki.Leaf('exch01.contoso.com').Eku($true, $true).Build()
    $script:ExchChain = $Pki.WritePem('scan-exch01.pem', @($Exch, $Pki.Issuing))
    $script:ExchKey = Write-Key 'scan-exch01.key' $Exch
    $wild = $Pki.Leaf('*.contoso.com').DnsNames('exch01.contoso.com', '*.contoso.com').Eku($true, $true).Build()
    $script:WildPfx = $Pki.WritePfx('scan-wildcard.pfx', $wild, 'contoso', @($Pki.Issuing))
    $wild.Dispose()
    $script:WildPassword = ConvertTo-SecureString 'contoso' -AsPlainText -Force

    # probe-server on 127.0.0.2: serves $Connections connections, then exits (60 s at most).
    function script:Start-ProbeServer([int] $Connections) {
        $start = [Diagnostics.ProcessStartInfo]::new($env:UCPOLICY_PROBE_SERVER)
        foreach ($a in @('--mode', 'sip', '--address', '127.0.0.2', '--cert', $FeChain, '--key', $FeKey, '--ca', $Pki.RootPath,
                         '--peer', 'exch01.contoso.com', '--connections', "$Connections", '--lifetime', '60')) { $start.ArgumentList.Add($a) }
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
    function script:Get-ClosedPort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Parse('127.0.0.3'), 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $port
    }
    # A Topology Builder document: each server a Standard Edition pool whose Registrar listens (Mtls) on its port.
    function script:New-Topology([string] $Name, [hashtable[]] $Servers) {
        $sr = 'urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008'
        $clusters = ''
        $services = ''
        for ($i = 1; $i -le $Servers.Count; $i++) {
            $uid = '11111111-0000-4000-8000-{0:D12}' -f $i
            $fqdn = $Servers[$i - 1].Fqdn
            $clusters += "<Cluster IsSingleMachineOnly=""true"" UniqueId=""$uid"" Fqdn=""$fqdn""><Machines><Machine Fqdn=""$fqdn"" /></Machines></Cluster>`n"
            $services += "<Service UniqueId=""$($uid.Substring(0, $uid.Length - 4))a$('{0:D3}' -f $i)"" RoleName=""Registrar"" InstalledOn=""$uid"" ServiceVersion=""8"">" +
                "<Ports xmlns=""$sr""><Port Owner=""urn:component:Registrar"" Usage=""SipServer"" InterfaceSide=""Primary"" InterfaceNumber=""1"" Port=""$($Servers[$i - 1].Sip)"" Protocol=""Mtls"" /></Ports>" +
                "<RegistrarService IsDirector=""false"" xmlns=""$sr"" /></Service>`n"
        }
        $text = @"
<?xml version="1.0" encoding="utf-8"?>
<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008">
  <NewTopology>
    <PartialTopology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008">
      <InternalDomains DefaultDomain="contoso.com" xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
        <InternalDomain Name="contoso.com" />
      </InternalDomains>
      <CentralSites><CentralSite SiteId="1"><Clusters>
$clusters
      </Clusters></CentralSite></CentralSites>
      <Services>
$services
      </Services>
    </PartialTopology>
  </NewTopology>
</TopologyBuilder>
"@
        $Pki.WriteBytes($Name, [Text.Encoding]::UTF8.GetBytes($text))
    }
    $script:Scan = @{
        LoopbackOnly   = $true
        Trust          = $Pki.RootPath
        ValidationTime = $Pki.Now.UtcDateTime
        TimeoutSeconds = 20
    }
}

AfterAll {
    if ($Exch) { $Exch.Dispose() }
    if ($Fe) { $Fe.Dispose() }
    $Pki.Dispose()
}

Describe 'Test-UcDeployment against a Lync-like front end (tests/tools/probe-server)' {
    It 'writes one result per endpoint: the front end passes, the unreachable one is a result, not an error' {
        $server = Start-ProbeServer 1
        $topology = New-Topology 'scan-one.tbxml' @(@{ Fqdn = 'fe01.contoso.com'; Sip = $server.Port }, @{ Fqdn = 'fe02.contoso.com'; Sip = (Get-ClosedPort) })
        $errors = $null
        $results = @(Test-UcDeployment $topology @Scan -Resolve fe01.contoso.com:127.0.0.2, fe02.contoso.com:127.0.0.3 -Jobs 2 -ClientCertificate $ExchChain -ClientKeyPath $ExchKey -ErrorVariable errors)
        $errors.Count | Should -Be 0
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_ | Should -BeOfType ([UcPolicy.ScanResult]) }
        $fe01, $fe02 = $results | Sort-Object Host
        ($fe01.Host, $fe01.Port, $fe01.Server, $fe01.Role, $fe01.Protocol) | Should -Be @('fe01.contoso.com', $server.Port, 'fe01.contoso.com', 'frontend-default', [UcPolicy.ProbeProtocol]::Sip)
        $fe01.Result | Should -Be 'Pass' -Because (($fe01.Report.Findings | ForEach-Object Code) -join ', ')
        $fe01.ClientCertificateRefused | Should -BeFalse
        $fe01.Report.Connection.ClientAuthentication | Should -Be 'Accepted'
        $fe01.Report.Connection.Address | Should -Be '127.0.0.2'
        $fe02.Result | Should -Be 'Error'
        $fe02.Report | Should -BeNullOrEmpty
        $fe02.Error.Name | Should -Be 'UCP_E_NETWORK'
        $fe02.Error.Message | Should -BeLike "*fe02.contoso.com:$($fe02.Port)*"
        (Get-FormatData -TypeName UcPolicy.ScanResult).TypeNames | Should -Be 'UcPolicy.ScanResult'
        $table = $results | Sort-Object Host | Format-Table | Out-String -Width 400
        $table | Should -Match '(?m)^Result\s+Host\s+Port\s+Role\s+Refused\s+Detail'
        $table | Should -Match "(?m)^Pass\s+fe01\.contoso\.com\s+$($server.Port)\s+frontend-default\s+False"
        $table | Should -Match '(?m)^Error\s+fe02\.contoso\.com\s+\d+\s+frontend-default\s+False\s+.*fe02\.contoso\.com:\d+'
        Stop-ProbeServer $server | Should -BeLike '*SIP peer CN=exch01.contoso.com: 200 OK*'
    }

    It 'streams the results: Select-Object -First 1 ends the scan after the first endpoint' {
        $topology = New-Topology 'scan-stream.tbxml' @(@{ Fqdn = 'fe01.contoso.com'; Sip = 5061 }, @{ Fqdn = 'fe02.contoso.com'; Sip = 5061 })
        $first = @(Test-UcDeployment $topology -LoopbackOnly -Jobs 1 | Select-Object -First 1)
        $first.Count | Should -Be 1
        $first[0].Result | Should -Be 'Error'
        $first[0].Error.Message | Should -BeLike '*no loopback address is given*'
    }

    It 'tells which server refuses the client certificate (a PKCS#12 file with -Password)' {
        $server = Start-ProbeServer 1
        $topology = New-Topology 'scan-refused.tbxml' @(@{ Fqdn = 'fe01.contoso.com'; Sip = $server.Port })
        $r = Test-UcDeployment $topology @Scan -ClientCertificate $WildPfx -Password $WildPassword -Resolve fe01.contoso.com:127.0.0.2
        $r.ClientCertificateRefused | Should -BeTrue
        $r.Result | Should -Be 'Fail'
        $r.Report.Result | Should -Be 'Pass' -Because 'the front end''s own certificate is right'
        $r.Report.Connection.Response | Should -Be 'SIP/2.0 403 Forbidden'
        Stop-ProbeServer $server | Should -BeLike '*SIP peer CN=`*.contoso.com: 403 Forbidden*'
    }

    It 'presents an X509Certificate2 with its chain' {
        $server = Start-ProbeServer 1
        $topology = New-Topology 'scan-x509.tbxml' @(@{ Fqdn = 'fe01.contoso.com'; Sip = $server.Port })
        $r = Test-UcDeployment $topology @Scan -ClientCertificate $Exch -ClientCertificateChain $Pki.Issuing -Resolve fe01.contoso.com:127.0.0.2
        $r.Report.Connection.ClientAuthentication | Should -Be 'Accepted'
        $r.Result | Should -Be 'Pass'
        Stop-ProbeServer $server | Out-Null
    }

    It 'checks revocation with -Crl (wildcards) and the path''s policies with -Policy' {
        $server = Start-ProbeServer 2
        $topology = New-Topology 'scan-crl.tbxml' @(@{ Fqdn = 'fe01.contoso.com'; Sip = $server.Port })
        $null = $Pki.WriteBytes('scan-issuing.crl', $Pki.CurrentCrl([Security.Cryptography.X509Certificates.X509Certificate2[]]@($Fe)))
        $null = $Pki.WriteBytes('scan-root.crl', $Pki.CurrentRootCrl())
        $r = Test-UcDeployment $topology @Scan -Resolve fe01.contoso.com:127.0.0.2 -ClientCertificate $ExchChain -ClientKeyPath $ExchKey -Crl (Join-Path $Pki.Directory 'scan-*.crl')
        $r.Result | Should -Be 'Fail'
        $r.Report.Findings.Code | Should -Contain 'revocation.revoked'
        $r = Test-UcDeployment $topology @Scan -Resolve fe01.contoso.com:127.0.0.2 -ClientCertificate $ExchChain -ClientKeyPath $ExchKey -Policy 1.3.6.1.4.1.311.99.1 -RequireExplicitPolicy
        $r.Result | Should -Be 'Fail'
        $r.Report.Findings.Code | Should -Contain 'chain.policy-invalid'
        Stop-ProbeServer $server | Out-Null
        { Test-UcDeployment $topology -LoopbackOnly -Crl (Join-Path $Pki.Directory 'none-*.crl') } |
            Should -Throw -ErrorId 'UcPolicy.PathNotFound,UcPolicy.PowerShell.TestUcDeploymentCommand'
    }

    It 'refuses a -Resolve host that is not in the topology, and JSON facts, with terminating errors' {
        $topology = New-Topology 'scan-refusals.tbxml' @(@{ Fqdn = 'fe01.contoso.com'; Sip = 5061 })
        { Test-UcDeployment $topology -LoopbackOnly -Resolve www.example.com:127.0.0.1 } |
            Should -Throw -ErrorId 'UcPolicy.UCP_E_NOT_FOUND,UcPolicy.PowerShell.TestUcDeploymentCommand'
        $json = $Pki.WriteBytes('scan-facts.json', [Text.Encoding]::UTF8.GetBytes('{"fqdn": "fe01.contoso.com"}'))
        { Test-UcDeployment $json } | Should -Throw -ErrorId 'UcPolicy.UCP_E_TOPOLOGY,UcPolicy.PowerShell.TestUcDeploymentCommand'
        { Test-UcDeployment $topology -Jobs 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,UcPolicy.PowerShell.TestUcDeploymentCommand'
        { Test-UcDeployment $topology -ClientKeyPath $FeKey } | Should -Throw -ErrorId 'UcPolicy.ClientKeyWithoutCertificate,UcPolicy.PowerShell.TestUcDeploymentCommand'
    }
}
