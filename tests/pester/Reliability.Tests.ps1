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
