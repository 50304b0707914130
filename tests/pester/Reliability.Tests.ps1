# Copyright (c) CdnTasks contributors. MIT License.
#
# Cmdlet-level reliability behaviour against the emulator: one warning for the first retry and one verbose
# line per retry, the process-wide rate limiter shared by runspaces, and the clock-skew message of an
# expired signature (the client's clock is put off with the CDNTASKS_TEST_CLOCK_OFFSET_SEC test hook).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-CdnTasksModule
    $script:tuning = 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_MAX_RETRY', 'CDNTASKS_RETRY_BASE_DELAY_MS', 'CDNTASKS_TEST_CLOCK_OFFSET_SEC', 'CDNTASKS_CONCURRENCY'
    $script:savedTuning = @{}
    foreach ($name in $tuning) { $savedTuning[$name] = [Environment]::GetEnvironmentVariable($name) }
    $script:manifest = $env:CDNTASKS_MODULE_MANIFEST

    function Set-Tuning([hashtable] $Values) {
        foreach ($name in $tuning) { [Environment]::SetEnvironmentVariable($name, $null) }
        foreach ($key in $Values.Keys) { [Environment]::SetEnvironmentVariable($key, [string]$Values[$key]) }
    }

    # One emulator for the file; each Describe resets it to the data and options it needs.
    $script:emulator = Start-CdnEmulator -Records 500 -ArgumentList @('--RateLimit', 'false')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
}

AfterAll {
    foreach ($name in $savedTuning.Keys) { [Environment]::SetEnvironmentVariable($name, $savedTuning[$name]) }
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Retries are reported once as a warning and each as a verbose line' {
    BeforeAll { Reset-CdnEmulator $emulator -Records 500 }

    It 'writes one warning and three "Retrying" verbose lines for three retries' {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_RETRY_BASE_DELAY_MS = 10; CDNTASKS_CONCURRENCY = 1 }
        Set-CdnEmulatorFaults $emulator -Script '1:503,3:502,5:reset'
        $output = Get-CdnUrlTask -All -Verbose -WarningVariable warnings 4>&1 3>$null
        Clear-CdnEmulatorFaults $emulator

        @($output | Where-Object { $_ -is [CdnTasks.CdnUrlTask] }).Count | Should -Be 500
        @($warnings).Count | Should -Be 1
        $warnings[0] | Should -BeLike 'ShowUrlTaskInfo: HTTP 503*retrying*-Verbose*'
        $retries = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Retrying GET*' })
        $retries.Count | Should -Be 3
        $retries[0].Message | Should -BeLike '*attempt 2 of 5*HTTP 503*'
    }
}

Describe 'The client-side rate limiter is shared by every runspace of the process' {
    BeforeAll {
        # The emulator enforces 20 requests a second per API; the client is set to the same 20.
        Reset-CdnEmulator $emulator -Records 400
        $null = Set-CdnEmulatorOption $emulator @{ RateLimit = $true; RateLimitPerSecond = 20 }
    }

    It 'keeps three parallel runspaces within the limit together' {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = '20'; CDNTASKS_MAX_RETRY = 0 }
        Reset-CdnEmulatorStats $emulator
        $instances = foreach ($i in 1..3) {
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module -Name '$manifest' -ErrorAction Stop; @(Get-CdnUrlTask -All -PageSize 20).Count")
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
        }
        $counts = foreach ($instance in $instances) {
            $instance.PowerShell.EndInvoke($instance.Handle)
            $instance.PowerShell.Streams.Error | ForEach-Object { Write-Host "runspace error: $_" }
            $instance.PowerShell.Dispose()
        }
        $stats = Get-CdnEmulatorStats $emulator
        Write-Host ("Three runspaces at CDNTASKS_RATE_LIMIT=20: {0} requests, {1} throttled by the emulator" -f $stats.totalRequests, $stats.throttled)

        $counts | Should -Be @(400, 400, 400)
        $stats.throttled | Should -Be 0
        # Each: 20 records, then 19 new a page (every page starts at the last record read) = 21 pages, the last one full,
        # so one more request finds nothing after it: 22.
        $stats.totalRequests | Should -Be 66
    }
}

Describe 'An expired signature says how far off the local clock is' {
    BeforeAll {
        # The emulator accepts requests signed at most one minute off its clock.
        Reset-CdnEmulator $emulator -Records 50
        $null = Set-CdnEmulatorOption $emulator @{ ClockSkewMinutes = 1 }
    }

    It 'reports a local clock <Minutes> minutes <Direction> the service and does not retry' -TestCases @(
        @{ Offset = 180; Minutes = 3; Direction = 'ahead of' }
        @{ Offset = -420; Minutes = 7; Direction = 'behind' }
    ) {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_TEST_CLOCK_OFFSET_SEC = $Offset }
        Reset-CdnEmulatorStats $emulator
        $failure = $null
        try { Get-CdnUrlTask -First 5 -ErrorAction Stop } catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.ErrorDetails.Message | Should -BeLike '*signature expired*'
        $failure.ErrorDetails.Message | Should -BeLike "*The local clock is $Minutes minutes $Direction the service's*"
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 1
    }

    It 'works when the offset is within the allowed skew' {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_TEST_CLOCK_OFFSET_SEC = 20 }
        @(Get-CdnUrlTask -First 5).Count | Should -Be 5
    }
}

Describe 'Issue 13: connection failures name the real cause' {
    BeforeAll {
        Import-Module "$PSScriptRoot/LoopbackServer.psm1" -Force
        $script:savedKeys = @{}
        foreach ($name in 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_DOMAIN_ID', 'CDNTASKS_ENDPOINT') { $savedKeys[$name] = [Environment]::GetEnvironmentVariable($name) }
        $env:HUAWEICLOUD_SDK_AK = 'HPUAEMULATORAK000001'
        $env:HUAWEICLOUD_SDK_SK = 'emulator-secret-key-0123456789abcdef'
        $env:HUAWEICLOUD_SDK_DOMAIN_ID = '0123456789abcdef0123456789abcdef'
        $env:CDNTASKS_ENDPOINT = $null
    }
    AfterAll { foreach ($name in $savedKeys.Keys) { [Environment]::SetEnvironmentVariable($name, $savedKeys[$name]) } }
    BeforeEach { Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_RETRY_BASE_DELAY_MS = 10 } }

    It 'a certificate for another name is not retried (it was retried 4 times) and says what failed' {
        $server = New-LoopbackServer Tls
        try {
            # try/catch, not Should -Throw: -WarningVariable must land in this scope.
            $err = $null
            try { Get-CdnUrlTask -First 1 -Endpoint "https://127.0.0.1:$($server.Port)" -WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'CdnApi.TlsCertificateInvalid,CdnTasks.Commands.GetCdnUrlTaskCommand'
            $err.CategoryInfo.Category | Should -Be 'ConnectionError'
            "$err" | Should -BeLike "*the TLS certificate of 127.0.0.1:$($server.Port) was not accepted: it is not issued for the name '127.0.0.1'*not retried*"
            $server.Connections | Should -Be 1
            $w.Count | Should -Be 0 -Because 'nothing is retried, so there is no retry warning'
        }
        finally { $server.Dispose() }
    }

    It 'https:// to a plain-HTTP emulator port is one attempt that says to use http://' {
        $server = New-LoopbackServer PlainHttp
        try {
            $err = { Get-CdnUrlTask -First 1 -Endpoint "https://127.0.0.1:$($server.Port)" } |
                Should -Throw -ErrorId 'CdnApi.TlsHandshakeFailed,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
            "$err" | Should -BeLike "*a local emulator speaks plain HTTP: use http://127.0.0.1:$($server.Port)*"
            $server.Connections | Should -Be 1
        }
        finally { $server.Dispose() }
    }

    It 'a closed port reports its attempts and total time (it said "failed after 0 ms")' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $closed = $listener.LocalEndpoint.Port; $listener.Stop()
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_RETRY_BASE_DELAY_MS = 10; CDNTASKS_MAX_RETRY = 2 }
        $err = $null
        try { Get-CdnUrlTask -First 1 -Endpoint "http://127.0.0.1:$closed" -WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'CdnApi.ConnectionRefused,CdnTasks.Commands.GetCdnUrlTaskCommand'
        "$err" | Should -Match "127\.0\.0\.1:$closed refused the connection .*\. 3 attempts in \d+(\.\d)? (ms|s)\.$"
        "$err" | Should -Not -BeLike '*after 0 ms*'
        $err.Exception.Attempts | Should -Be 3
        $w.Count | Should -Be 1
        "$w" | Should -BeLike "ShowUrlTaskInfo: 127.0.0.1:$closed refused the connection*retrying (up to 3 attempts)*"
        $err.TargetObject | Should -BeOfType ([CdnTasks.CdnRequestTarget])
        $err.TargetObject.Endpoint | Should -Be "http://127.0.0.1:$closed"
        $err.TargetObject.Operation | Should -Be 'ShowUrlTaskInfo'
        $err.TargetObject.StartTime | Should -BeOfType ([datetime])
    }
}
