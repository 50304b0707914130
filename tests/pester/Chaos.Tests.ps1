# Copyright (c) CdnTasks contributors. MIT License.
#
# Chaos suite: Get-CdnUrlTask -All over a few thousand records while the emulator injects mixed faults
# (~15% of requests: 429, 500, 502, 503, 504, connection resets, truncated JSON, HTML pages, empty bodies),
# new records keep arriving, and the emulator enforces the real per-API rate limits. The client runs at the
# documented limits (CDNTASKS_RATE_LIMIT unset) with many fast retries. Every expected record must come back
# exactly once. Faults that retries cannot cure must surface as the right error, keeping what was emitted.
# The figures are printed with Write-Host.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 3000 -Days 2 -ArgumentList @('--ArrivalsPerSecond', '20', '--RateLimit', 'true')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:tuning = 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_MAX_RETRY', 'CDNTASKS_RETRY_BASE_DELAY_MS', 'CDNTASKS_MAX_RETRY_DELAY_SEC', 'CDNTASKS_CONCURRENCY', 'CDNTASKS_TIMEOUT_SEC'
    $script:savedTuning = @{}
    foreach ($name in $tuning) { $savedTuning[$name] = [Environment]::GetEnvironmentVariable($name) }

    function Set-Tuning([hashtable] $Values) {
        foreach ($name in $tuning) { [Environment]::SetEnvironmentVariable($name, $null) }
        foreach ($key in $Values.Keys) { [Environment]::SetEnvironmentVariable($key, [string]$Values[$key]) }
    }

    # A fixed range: two days, so the run crosses 24-hour windows. Its end is fixed a moment after the
    # emulator started, so it holds some records that arrived since; the ones arriving during the runs are
    # newer than the end and must neither shift pages nor appear.
    Start-Sleep -Seconds 2
    $script:end = [DateTime]::UtcNow
    $script:start = $end.AddDays(-2)
    $script:startMs = [DateTimeOffset]::new($start).ToUnixTimeMilliseconds()
    $script:endMs = [DateTimeOffset]::new($end).ToUnixTimeMilliseconds()
    $script:chaosKinds = '429', '500', '502', '503', '504', 'reset', 'truncate', 'html', 'html200', 'empty'
}

AfterAll {
    foreach ($name in $savedTuning.Keys) { [Environment]::SetEnvironmentVariable($name, $savedTuning[$name]) }
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Get-CdnUrlTask -All under mixed faults' {
    BeforeAll {
        Set-Tuning @{ CDNTASKS_MAX_RETRY = 12; CDNTASKS_RETRY_BASE_DELAY_MS = 20; CDNTASKS_MAX_RETRY_DELAY_SEC = 5 }

        # Fault-free reference run over the same fixed range.
        Clear-CdnEmulatorFaults $emulator
        Reset-CdnEmulatorStats $emulator
        $script:reference = @(Get-CdnUrlTask -All -PageSize 50 -StartTime $start -EndTime $end)
        $script:referenceStats = Get-CdnEmulatorStats $emulator

        # The chaos run.
        Set-CdnEmulatorFaults $emulator -Probability 0.15 -Kinds $chaosKinds
        Reset-CdnEmulatorStats $emulator
        $clock = [Diagnostics.Stopwatch]::StartNew()
        # -WarningAction SilentlyContinue: the retry warning is captured and asserted below, never printed into the test log.
        $output = Get-CdnUrlTask -All -PageSize 50 -StartTime $start -EndTime $end -Verbose -WarningVariable chaosWarnings -WarningAction SilentlyContinue -ErrorVariable chaosErrors 4>&1
        $clock.Stop()
        $script:chaosStats = Get-CdnEmulatorStats $emulator
        Clear-CdnEmulatorFaults $emulator
        $script:received = @($output | Where-Object { $_ -is [CdnTasks.CdnUrlTask] })
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $script:retries = @($verbose | Where-Object { $_.Message -like 'Retrying *' }).Count
        $script:warnings = @($chaosWarnings)
        $script:errors = @($chaosErrors)
        $script:expected = Get-CdnEmulatorCount $emulator -Query @{ start_time = $startMs; end_time = $endMs }
        $script:distinct = @($received.Id | Sort-Object -Unique).Count
        $script:generated = 3000
        $script:arrivedLater = Get-CdnEmulatorCount $emulator -Query @{ start_time = $endMs; end_time = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }

        Write-Host ('Chaos -All figures: records expected {0} ({1} arrived before the fixed end), received {2}, distinct {3}, duplicated {4}; {5} records arrived after the end, during the runs; requests {6} (fault-free run: {7}), faults injected {8}, client retries {9}, throttled by the emulator {10}, warnings {11}, {12:0.0} s' -f
            $expected, ($expected - $generated), $received.Count, $distinct, ($received.Count - $distinct), $arrivedLater, $chaosStats.totalRequests, $referenceStats.totalRequests,
            $chaosStats.faultsInjected, $retries, $chaosStats.throttled, $warnings.Count, $clock.Elapsed.TotalSeconds)
    }

    It 'ran over a few thousand records with faults actually injected' {
        $expected | Should -BeGreaterThan $generated
        $arrivedLater | Should -BeGreaterThan 0
        $chaosStats.faultsInjected | Should -BeGreaterThan 3
        $retries | Should -BeGreaterOrEqual $chaosStats.faultsInjected
    }

    It 'returns every expected record exactly once' {
        $errors | Should -BeNullOrEmpty
        $received.Count | Should -Be $expected
        $distinct | Should -Be $expected
    }

    It 'returns the same ids as the fault-free run' {
        $reference.Count | Should -Be $expected
        $diff = Compare-Object -ReferenceObject @($reference.Id | Sort-Object) -DifferenceObject @($received.Id | Sort-Object)
        $diff | Should -BeNullOrEmpty
    }

    It 'keeps the order: newest first' {
        $times = $received.CreateTime
        for ($i = 1; $i -lt $times.Count; $i++) {
            if ($times[$i] -gt $times[$i - 1]) { throw "record $i ($($received[$i].Id)) is newer than record $($i - 1)" }
        }
    }

    It 'writes exactly one warning for all its retries' {
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -Match 'retrying'
    }

    It 'does not throttle itself at the documented rate limits (the emulator enforces them)' {
        # Every 429 seen came from the fault injector, none from the emulator's token buckets.
        $chaosStats.throttled | Should -Be 0
        $referenceStats.throttled | Should -Be 0
    }
}

Describe 'Faults that retries cannot cure' {
    BeforeEach {
        # The client stays at the documented limits: the emulator enforces them, and a 429 of its own would
        # shift the scripted request numbers.
        Set-Tuning @{ CDNTASKS_MAX_RETRY = 1; CDNTASKS_RETRY_BASE_DELAY_MS = 10; CDNTASKS_CONCURRENCY = 1 }
        Reset-CdnEmulatorStats $emulator
    }
    AfterEach { Clear-CdnEmulatorFaults $emulator }

    It 'stops with the service error <Kind> after the retries, keeping the records already written' -TestCases @(
        @{ Kind = '503'; ErrorId = 'CdnApi.APIGW.0613'; Category = 'ConnectionError' }
        @{ Kind = '500'; ErrorId = 'CdnApi.CDN.0000'; Category = 'ConnectionError' }
        @{ Kind = 'html'; ErrorId = 'CdnApi.HTTP502'; Category = 'ConnectionError' }
        @{ Kind = 'html200'; ErrorId = 'CdnApi.MalformedResponse'; Category = 'InvalidResult' }
        @{ Kind = 'truncate'; ErrorId = 'CdnApi.MalformedResponse'; Category = 'InvalidResult' }
        @{ Kind = 'reset'; ErrorId = 'CdnApi.ConnectionFailed'; Category = 'ConnectionError' }
    ) {
        # Pages 1 and 2 succeed (100 records, then 99: each page after the first starts at the last record written),
        # page 3 fails twice (first attempt and the one retry).
        Set-CdnEmulatorFaults $emulator -Script "3:$Kind,4:$Kind"
        $records = [System.Collections.Generic.List[object]]::new()
        $failure = $null
        try { Get-CdnUrlTask -All -StartTime $start -EndTime $end -ErrorAction Stop -WarningVariable retryWarnings -WarningAction SilentlyContinue | ForEach-Object { $records.Add($_) } }
        catch { $failure = $_ }

        $records.Count | Should -Be 199
        $retryWarnings.Count | Should -Be 1
        "$retryWarnings" | Should -BeLike 'ShowUrlTaskInfo: *; retrying (up to 2 attempts). Use -Verbose to see each retry.'
        $failure.ErrorDetails.Message | Should -BeLike '* 2 attempts in *.'

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -Be "$ErrorId,CdnTasks.Commands.GetCdnUrlTaskCommand"
        $failure.CategoryInfo.Category | Should -Be $Category
        $failure.Exception.Attempts | Should -Be 2
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 4
        if ($Kind -ne 'reset') {
            $failure.Exception.RequestId | Should -Not -BeNullOrEmpty
            $failure.ErrorDetails.Message | Should -BeLike "*$($failure.Exception.RequestId)*"
        }
        if ($Kind -in 'html', 'html200', 'truncate') {
            $failure.Exception.Kind | Should -Be 'MalformedResponse'
            $failure.Exception.BodySnippet | Should -Not -BeNullOrEmpty
            $failure.ErrorDetails.Message | Should -BeLike "*the body starts with*"
        }
    }

    It 'gives an OperationTimeout error for a response slower than CDNTASKS_TIMEOUT_SEC' {
        Set-Tuning @{ CDNTASKS_MAX_RETRY = 0; CDNTASKS_TIMEOUT_SEC = 1 }
        Set-CdnEmulatorFaults $emulator -Script '1:slow'
        $failure = $null
        try { Get-CdnUrlTask -First 5 -StartTime $start -EndTime $end -ErrorAction Stop } catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.Timeout,CdnTasks.Commands.GetCdnUrlTaskCommand'
        $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failure.Exception | Should -BeOfType ([CdnTasks.Api.CdnApiException])
    }

    It 'does not retry a 401 and says so once' {
        $env:HUAWEICLOUD_SDK_SK = 'wrong-secret-key-000000000000000000000'
        try {
            $failure = $null
            try { Get-CdnUrlTask -First 5 -ErrorAction Stop } catch { $failure = $_ }
        }
        finally { $env:HUAWEICLOUD_SDK_SK = $emulator.SecretKey }

        $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 1
        $null = Invoke-RestMethod -Method Post -Uri "$($emulator.Url)/_emulator/lockout/reset" -NoProxy
    }
}
