# Copyright (c) CdnTasks contributors. MIT License.
<#
.SYNOPSIS
Smoke test of the BUILT module in Windows PowerShell 5.1 (powershell.exe): the run our Linux machines cannot do.

.DESCRIPTION
On a Windows machine with the .NET SDK, from the repository root:

    dotnet tool restore; dotnet pwsh ./build.ps1          # builds out/CdnTasks and out/emulator
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File tools/Invoke-DesktopSmoke.ps1 -ModulePath out/CdnTasks -EmulatorDll out/emulator/CdnTasks.Emulator.dll

Add -CheckRealEndpoint on a machine that can reach Huawei Cloud: one signed call with a made-up key must
come back from the service as an authentication error (proving the TLS handshake), not a connection error.

It starts the emulator (or uses -Endpoint), imports the module and checks, printing PASS, FAIL or SKIP:
the host (.NET Framework 4.7.2 or later); Get-CdnUrlTask -All returns the emulator's count (the first
JSON on .NET Framework, where the module's resolver must bind System.Buffers and Unsafe); the failed
export with Export-Csv -Encoding UTF8 has every row and a UTF-8 BOM (what 5.1 writes for UTF8);
Clear-CdnCache -Wait finishes; the netstandard2.0 DLLs were loaded from the module folder; TLS 1.2 is
allowed (or the OS decides) and nothing that was allowed before was removed; a POST carries no
Expect: 100-continue; a response whose body stalls ends with the per-attempt timeout. The last two use a
tiny HTTP server of this script on 127.0.0.1. Exit code 0 when nothing failed.

It runs under PowerShell 7 too (tests/pester/WindowsPowerShell.Tests.ps1 runs it there, to keep it working),
where the checks that only mean something on .NET Framework are reported as SKIP. Keep it to Windows
PowerShell 5.1 syntax.
#>
#Requires -Version 5.1
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [string] $EmulatorDll,
    [string] $Endpoint,
    [string] $AccessKey = 'HPUAEMULATORAK000001',
    [string] $SecretKey = 'emulator-secret-key-0123456789abcdef',
    [string] $DomainId = '0123456789abcdef0123456789abcdef',
    [string] $OutputFolder = [System.IO.Path]::GetTempPath(),
    [switch] $CheckRealEndpoint
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 2.0

$isDesktop = $PSVersionTable.PSEdition -eq 'Desktop'
$results = New-Object System.Collections.Generic.List[object]

function Assert-That([bool] $Condition, [string] $Message) { if (-not $Condition) { throw $Message } }

# Runs one check: its output is the detail; a throw is a FAIL.
function Test-Step([string] $Name, [scriptblock] $Body, [switch] $DesktopOnly) {
    if ($DesktopOnly -and -not $isDesktop) {
        $results.Add([pscustomobject]@{ Result = 'SKIP'; Check = $Name; Detail = 'only meaningful on .NET Framework' })
        return
    }
    try {
        $detail = (& $Body) -join '; '
        $results.Add([pscustomobject]@{ Result = 'PASS'; Check = $Name; Detail = $detail })
    }
    catch {
        $results.Add([pscustomobject]@{ Result = 'FAIL'; Check = $Name; Detail = $_.Exception.Message })
    }
}

function Get-HttpText([string] $Uri) {
    Add-Type -AssemblyName System.Net.Http
    $handler = New-Object System.Net.Http.HttpClientHandler
    $handler.UseProxy = $false
    $client = New-Object System.Net.Http.HttpClient($handler)
    try { $client.GetStringAsync($Uri).GetAwaiter().GetResult() } finally { $client.Dispose() }
}

function Get-EmulatorCount([string] $Query) { [int]((Get-HttpText "$Endpoint/_emulator/count?$Query") | ConvertFrom-Json).count }

# A one-connection HTTP server on 127.0.0.1 in a background runspace: records the request headers, writes
# $Response, then holds the connection until the client closes it (at most 120 s). Returns Port, and Finish
# (a scriptblock that returns the header lines).
function Start-RawHttpServer([string] $Response) {
    $listener = New-Object System.Net.Sockets.TcpListener([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
            param($Listener, $Response)
            $client = $Listener.AcceptTcpClient()
            try {
                $stream = $client.GetStream()
                $stream.ReadTimeout = 120000
                $headers = New-Object System.Collections.Generic.List[string]
                $line = New-Object System.Text.StringBuilder
                while ($true) {
                    $b = $stream.ReadByte()
                    if ($b -lt 0) { break }
                    if ($b -eq 10) {
                        $text = $line.ToString().TrimEnd("`r")
                        if ($text.Length -eq 0) { break }
                        $headers.Add($text); $null = $line.Clear()
                    }
                    else { $null = $line.Append([char]$b) }
                }
                $bytes = [System.Text.Encoding]::ASCII.GetBytes($Response)
                $stream.Write($bytes, 0, $bytes.Length)
                $stream.Flush()
                # Hold until the client goes away (Read returns 0 or fails).
                $buffer = New-Object byte[] 4096
                try { while ($stream.Read($buffer, 0, $buffer.Length) -gt 0) { } } catch { }
                , $headers.ToArray()
            }
            finally { $client.Close(); $Listener.Stop() }
        }).AddArgument($listener).AddArgument($Response)
    $handle = $ps.BeginInvoke()
    $finish = { $output = $ps.EndInvoke($handle); $ps.Dispose(); foreach ($item in $output) { foreach ($line in $item) { [string]$line } } }.GetNewClosure()
    [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Finish = $finish }
}

$emulatorProcess = $null
try {
    # --- The host --------------------------------------------------------------------------------
    Test-Step 'Host' {
        $framework = try { [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription } catch { "CLR $([Environment]::Version)" }
        "PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)), $framework, $([Environment]::OSVersion.VersionString), $(if ([Environment]::Is64BitProcess) { '64' } else { '32' })-bit"
    }
    Test-Step '.NET Framework 4.7.2 or later' {
        $release = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name Release).Release
        Assert-That ($release -ge 461808) ".NET Framework release $release is older than 4.7.2 (461808)."
        "release $release"
    } -DesktopOnly
    $tlsBefore = [System.Net.ServicePointManager]::SecurityProtocol

    # --- The emulator ----------------------------------------------------------------------------
    if (-not $Endpoint) {
        Assert-That ([bool]$EmulatorDll) 'Give -Endpoint (a running emulator) or -EmulatorDll (to start one).'
        $log = Join-Path $OutputFolder "cdntasks-smoke-emulator-$([guid]::NewGuid().ToString('N').Substring(0, 8)).log"
        $emulatorProcess = Start-Process -FilePath 'dotnet' -PassThru -NoNewWindow -RedirectStandardOutput $log -RedirectStandardError "$log.err" -ArgumentList @(
            "`"$((Resolve-Path $EmulatorDll).Path)`"", '--urls', 'http://127.0.0.1:0', '--Records', '500', '--Days', '1', '--RateLimit', 'false', '--TaskSeconds', '1')
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not $Endpoint) {
            Assert-That (-not $emulatorProcess.HasExited) "The emulator exited: $(Get-Content -Raw "$log.err" -ErrorAction SilentlyContinue)"
            Assert-That ([DateTime]::UtcNow -lt $deadline) 'The emulator did not print "Listening on:" within 60 s.'
            $match = Select-String -Path $log -Pattern 'Listening on:\s*(http://\S+)' -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($match) { $Endpoint = $match.Matches[0].Groups[1].Value.TrimEnd('/') } else { Start-Sleep -Milliseconds 200 }
        }
    }
    $Endpoint = $Endpoint.TrimEnd('/')

    # --- The module --------------------------------------------------------------------------------
    $moduleFolder = (Resolve-Path $ModulePath).Path
    if (Test-Path -LiteralPath $moduleFolder -PathType Leaf) { $moduleFolder = Split-Path -Parent $moduleFolder }
    Test-Step 'Import-Module' {
        $module = Import-Module (Join-Path $moduleFolder 'CdnTasks.psd1') -Force -PassThru
        "CdnTasks $($module.Version) from $moduleFolder"
    }
    $secret = ConvertTo-SecureString $SecretKey -AsPlainText -Force
    Set-CdnCredential -AccessKey $AccessKey -SecretKey $secret -DomainId $DomainId
    Set-CdnConfig -Endpoint $Endpoint -RateLimit off -MaxRetry 2

    $end = [DateTime]::UtcNow.AddMinutes(1)
    $start = $end.AddDays(-1).AddHours(-1)
    $range = 'start_time={0}&end_time={1}' -f [DateTimeOffset]::new($start).ToUnixTimeMilliseconds(), [DateTimeOffset]::new($end).ToUnixTimeMilliseconds()

    Test-Step 'Get-CdnUrlTask -All' {
        $expected = Get-EmulatorCount $range
        $records = @(Get-CdnUrlTask -All -StartTime $start -EndTime $end)
        Assert-That ($records.Count -eq $expected) "$($records.Count) records, the emulator has $expected."
        "$($records.Count) records"
    }
    Test-Step 'Get-CdnUrlTask -Status failed -All | Export-Csv -Encoding UTF8' {
        $expected = Get-EmulatorCount "$range&status=failed"
        $csv = Join-Path $OutputFolder "cdntasks-smoke-failed-$([guid]::NewGuid().ToString('N').Substring(0, 8)).csv"
        Get-CdnUrlTask -Status failed -All -StartTime $start -EndTime $end | Export-Csv -Path $csv -NoTypeInformation -Encoding UTF8
        $rows = @(Import-Csv -Path $csv -Encoding UTF8)
        $bytes = [System.IO.File]::ReadAllBytes($csv)
        Remove-Item -LiteralPath $csv
        Assert-That ($rows.Count -eq $expected) "$($rows.Count) rows, the emulator has $expected failed records."
        $bom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
        if ($isDesktop) { Assert-That $bom 'Windows PowerShell 5.1 wrote no UTF-8 BOM: the file is not UTF-8.' }
        "$($rows.Count) rows, UTF-8 BOM: $bom"
    }
    Test-Step 'Clear-CdnCache -Wait' {
        $task = Clear-CdnCache -Url 'https://www.example.com/smoke/1.js' -Wait
        Assert-That ([string]$task.Status -eq 'Completed') "The task is $($task.Status)."
        "task $($task.TaskId): $($task.Status)"
    }
    Test-Step 'The netstandard2.0 DLLs come from the module folder (the resolver bound them)' {
        $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith($moduleFolder, [StringComparison]::OrdinalIgnoreCase) })
        $names = @($loaded | ForEach-Object { $_.GetName().Name })
        foreach ($name in 'System.Text.Json', 'System.Memory', 'System.Buffers', 'System.Runtime.CompilerServices.Unsafe') {
            Assert-That ($names -contains $name) "$name was not loaded from $moduleFolder (loaded from there: $($names -join ', '))."
        }
        ($loaded | ForEach-Object { '{0} {1}' -f $_.GetName().Name, $_.GetName().Version }) -join ', '
    } -DesktopOnly
    Test-Step 'TLS 1.2 allowed, nothing removed' {
        $now = [System.Net.ServicePointManager]::SecurityProtocol
        $systemDefault = [int]$now -eq 0
        Assert-That ($systemDefault -or (($now -band [System.Net.SecurityProtocolType]::Tls12) -ne 0)) "SecurityProtocol is $now."
        Assert-That (([int]$now -band [int]$tlsBefore) -eq [int]$tlsBefore) "Before: $tlsBefore; now: $now."
        "before: $tlsBefore; now: $now$(if ($systemDefault) { ' (the OS chooses)' })"
    } -DesktopOnly

    # --- The HTTP stack, against this script's own server ----------------------------------------------
    # One attempt each, and a short per-attempt timeout for the stalled body.
    Set-CdnConfig -MaxRetry 0 -TimeoutSec 3
    Test-Step 'A POST carries no Expect: 100-continue' {
        $body = '{"error_code":"CDN.0000","error_msg":"Internal error."}'
        $server = Start-RawHttpServer "HTTP/1.1 500 Internal Server Error`r`nContent-Type: application/json`r`nContent-Length: $($body.Length)`r`nConnection: close`r`n`r`n$body"
        $null = Clear-CdnCache -Url 'https://www.example.com/smoke/expect.js' -Force -Endpoint "http://127.0.0.1:$($server.Port)" -ErrorAction SilentlyContinue 2>$null
        $headers = @(& $server.Finish)
        Assert-That ($headers.Count -gt 0 -and $headers[0] -like 'POST *') "No POST arrived: $($headers -join ' | ')"
        $expect = @($headers | Where-Object { $_ -like 'Expect:*' })
        Assert-That ($expect.Count -eq 0) "The POST carried $($expect -join ', ')."
        $headers[0]
    }
    Test-Step 'A stalled response body ends with the timeout' {
        $server = Start-RawHttpServer "HTTP/1.1 200 OK`r`nContent-Type: application/json`r`nContent-Length: 100000`r`n`r`n{`"total`":5,`"count`":5,`"result`":["
        $started = [DateTime]::UtcNow
        $failure = $null
        try { $null = Get-CdnUrlTask -First 1 -Endpoint "http://127.0.0.1:$($server.Port)" -ErrorAction Stop } catch { $failure = $_ }
        $seconds = ([DateTime]::UtcNow - $started).TotalSeconds
        $null = & $server.Finish
        Assert-That ($null -ne $failure) 'The command succeeded on a body that never ended.'
        Assert-That ($failure.CategoryInfo.Category -eq 'OperationTimeout') "It failed with $($failure.FullyQualifiedErrorId) ($($failure.CategoryInfo.Category)): $($failure.Exception.Message)"
        'timed out after {0:N1} s: {1}' -f $seconds, $failure.FullyQualifiedErrorId
    }

    if ($CheckRealEndpoint) {
        Test-Step 'TLS to the real endpoint (cn-north-1)' {
            $made = New-Object System.Management.Automation.PSCredential('HPUASMOKETEST0000001', (ConvertTo-SecureString 'made-up-secret' -AsPlainText -Force))
            $failure = $null
            try { $null = Get-CdnQuota -Region cn-north-1 -Credential $made -DomainId $DomainId -ErrorAction Stop } catch { $failure = $_ }
            Assert-That ($null -ne $failure) 'A made-up key was accepted.'
            Assert-That ($failure.CategoryInfo.Category -ne 'ConnectionError') "Could not talk to the service: $($failure.Exception.Message)"
            "the service answered: $($failure.FullyQualifiedErrorId)"
        }
    }
}
catch {
    $results.Add([pscustomobject]@{ Result = 'FAIL'; Check = 'Setup'; Detail = $_.Exception.Message })
}
finally {
    if ($emulatorProcess -and -not $emulatorProcess.HasExited) { $emulatorProcess.Kill(); $null = $emulatorProcess.WaitForExit(5000) }
}

$results | Format-Table -AutoSize -Wrap | Out-String -Width 200 | Write-Host
$failed = @($results | Where-Object Result -EQ 'FAIL').Count
Write-Host ('Smoke: {0} passed, {1} failed, {2} skipped' -f @($results | Where-Object Result -EQ 'PASS').Count, $failed, @($results | Where-Object Result -EQ 'SKIP').Count)
if ($failed -gt 0) { exit 1 }
exit 0
