# Copyright (c) CdnTasks contributors. MIT License.
#
# Ctrl+C is PowerShell.Stop() (StopProcessing on the running cmdlet). A command must end within one second
# of it wherever it waits: in a backoff before a retry, in the client-side rate limiter, or on a slow
# response. The 1 s bound is the behaviour promised to users, not a benchmark. Also: Select-Object -First
# stops further requests.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-CdnTasksModule
    # Long waits everywhere: a 429 asks for 30 s, a slow response takes 30 s.
    $script:emulator = Start-CdnEmulator -Records 3000 -ArgumentList @('--RateLimit', 'false', '--RetryAfterSeconds', '30', '--SlowFaultSeconds', '30')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:tuning = 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_MAX_RETRY', 'CDNTASKS_RETRY_BASE_DELAY_MS', 'CDNTASKS_MAX_RETRY_DELAY_SEC', 'CDNTASKS_TIMEOUT_SEC'
    $script:savedTuning = @{}
    foreach ($name in $tuning) { $savedTuning[$name] = [Environment]::GetEnvironmentVariable($name) }
    $script:manifest = $env:CDNTASKS_MODULE_MANIFEST

    function Set-Tuning([hashtable] $Values) {
        foreach ($name in $tuning) { [Environment]::SetEnvironmentVariable($name, $null) }
        foreach ($key in $Values.Keys) { [Environment]::SetEnvironmentVariable($key, [string]$Values[$key]) }
    }

    # Starts a command in its own runspace (as a console would run it) and returns the PowerShell instance.
    function Start-Command([string] $Command) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module -Name '$manifest' -ErrorAction Stop; $Command")
        $script:handle = $ps.BeginInvoke()
        $ps
    }

    function Wait-Until([scriptblock] $Condition, [string] $What) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($clock.Elapsed.TotalSeconds -gt 20) { throw "Timed out waiting until $What" }
            Start-Sleep -Milliseconds 20
        }
    }

    # Presses Ctrl+C and returns how long the command took to end.
    function Stop-Command($PowerShell) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $PowerShell.Stop()
        $clock.Stop()
        $clock.Elapsed
    }
}

AfterAll {
    foreach ($name in $savedTuning.Keys) { [Environment]::SetEnvironmentVariable($name, $savedTuning[$name]) }
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Ctrl+C ends a command within one second' {
    BeforeEach {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_MAX_RETRY_DELAY_SEC = 60 }
        Clear-CdnEmulatorFaults $emulator
        Reset-CdnEmulatorStats $emulator
    }
    AfterEach {
        if ($ps) { $ps.Dispose(); $script:ps = $null }
        Clear-CdnEmulatorFaults $emulator
    }

    It 'during a backoff (Retry-After: 30)' {
        Set-CdnEmulatorFaults $emulator -Script '1:429'
        $script:ps = Start-Command 'Get-CdnUrlTask -All'
        # The warning of the first retry is written just before the 30 s wait starts.
        Wait-Until { $ps.Streams.Warning.Count -ge 1 } 'the command is in its backoff'
        Start-Sleep -Milliseconds 300

        $took = Stop-Command $ps
        Write-Host ("Ctrl+C during a 30 s backoff: stopped in {0:0} ms" -f $took.TotalMilliseconds)

        $took.TotalSeconds | Should -BeLessThan 1
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 1
    }

    It 'during a slow response' {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off'; CDNTASKS_TIMEOUT_SEC = 60 }
        Set-CdnEmulatorFaults $emulator -Script '1:slow'
        $script:ps = Start-Command 'Get-CdnUrlTask -All'
        Wait-Until { (Get-CdnEmulatorStats $emulator).totalRequests -ge 1 } 'the request reached the emulator'
        Start-Sleep -Milliseconds 300

        $took = Stop-Command $ps
        Write-Host ("Ctrl+C during a 30 s response: stopped in {0:0} ms" -f $took.TotalMilliseconds)

        $took.TotalSeconds | Should -BeLessThan 1
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        # A user's stop is not a timeout: no error record at all.
        $ps.Streams.Error.Count | Should -Be 0
    }

    It 'while waiting in the client-side rate limiter' {
        # 0.2 requests a second: after the first page the next waits 5 s in the limiter.
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = '0.2' }
        $script:ps = Start-Command 'Get-CdnUrlTask -All -PageSize 10'
        Wait-Until { (Get-CdnEmulatorStats $emulator).totalRequests -ge 1 } 'the first request was sent'
        Start-Sleep -Milliseconds 500

        $took = Stop-Command $ps
        Write-Host ("Ctrl+C in the rate limiter: stopped in {0:0} ms" -f $took.TotalMilliseconds)

        $took.TotalSeconds | Should -BeLessThan 1
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 1
    }
}

Describe 'Select-Object -First' {
    BeforeEach {
        Set-Tuning @{ CDNTASKS_RATE_LIMIT = 'off' }
        Clear-CdnEmulatorFaults $emulator
        Reset-CdnEmulatorStats $emulator
    }

    It 'stops further requests: -All | Select-Object -First 5 sends one request' {
        $records = @(Get-CdnUrlTask -All | Select-Object -First 5)

        $records.Count | Should -Be 5
        $stats = Get-CdnEmulatorStats $emulator
        Write-Host ("Get-CdnUrlTask -All | Select-Object -First 5: {0} request(s) for {1} matching records" -f $stats.totalRequests, (Get-CdnEmulatorCount $emulator))
        $stats.totalRequests | Should -Be 1
    }

    It 'sends nothing more once -First 25 is satisfied with -PageSize 10' {
        $records = @(Get-CdnUrlTask -All -PageSize 10 | Select-Object -First 25)

        $records.Count | Should -Be 25
        # With -All, pages are fetched ahead (4 in flight and at most 8 held, with the default concurrency), so the
        # three pages written may have been followed by eight more requests; nothing is requested once the
        # consumer stops.
        $sent = (Get-CdnEmulatorStats $emulator).totalRequests
        Start-Sleep -Milliseconds 500
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be $sent
        $sent | Should -BeLessOrEqual 11
    }
}
