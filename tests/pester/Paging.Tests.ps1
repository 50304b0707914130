# Copyright (c) CdnTasks contributors. MIT License.
#
# Paging behaviour of the list commands against the emulator: the default limit of 10,000 records and its warning
# (with -Skip too), ranges the service cannot hold, -First over a long range asking only the windows it needs, and
# Get-CdnTask fixing its end date. One emulator for the file, reset per Describe; no rate limit on either side.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 0 -ArgumentList @('--RateLimit', 'false')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:savedRate = $env:CDNTASKS_RATE_LIMIT
    $env:CDNTASKS_RATE_LIMIT = 'off'

    function ConvertTo-Ms([datetime] $Time) { [DateTimeOffset]::new($Time.ToUniversalTime()).ToUnixTimeMilliseconds() }
    function Get-Requests([string] $Api) { (Get-CdnEmulatorStats $emulator).requests.$Api }
}

AfterAll {
    $env:CDNTASKS_RATE_LIMIT = $savedRate
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Without -All or -First: every record up to 10,000, then a warning with the count' {
    BeforeAll {
        Reset-CdnEmulator $emulator -Records 10250 -Days 1 -Seed 4
        $script:end = [datetime]::UtcNow.AddMinutes(1)
        $script:start = $end.AddDays(-1).AddHours(-1)
        $script:total = Get-CdnEmulatorCount $emulator -Query @{ start_time = ConvertTo-Ms $start; end_time = ConvertTo-Ms $end }
    }

    It 'Get-CdnUrlTask writes 10,000 records newest first and warns how many match' {
        $all = @(Get-CdnUrlTask -All -StartTime $start -EndTime $end)
        $records = @(Get-CdnUrlTask -StartTime $start -EndTime $end -WarningVariable warnings -WarningAction SilentlyContinue)

        $total | Should -Be 10250
        $records.Count | Should -Be 10000
        ($records.Id -join ',') | Should -Be ($all[0..9999].Id -join ',')
        $warnings | Should -HaveCount 1
        "$warnings" | Should -Be 'Showing the first 10,000 of 10,250 matching records. Use -All to get every one, -First N to get N of them, or a narrower query (-StartTime, -EndTime, -Status).'
    }

    It 'the warning names the records shown when -Skip is given' {
        $records = @(Get-CdnUrlTask -Skip 100 -StartTime $start -EndTime $end -WarningVariable warnings -WarningAction SilentlyContinue)
        $records.Count | Should -Be 10000
        "$warnings" | Should -BeLike 'Showing records 101 to 10,100 of 10,250 matching records.*'
    }

    It 'writes no warning when -Skip leaves no more than 10,000' {
        $records = @(Get-CdnUrlTask -Skip 250 -StartTime $start -EndTime $end -WarningVariable warnings -WarningAction SilentlyContinue)
        $records.Count | Should -Be 10000
        $warnings | Should -HaveCount 0
    }

    It '-First N writes exactly N, with no warning; -All has no limit' {
        @(Get-CdnUrlTask -First 10001 -StartTime $start -EndTime $end -WarningVariable warnings -WarningAction SilentlyContinue).Count | Should -Be 10001
        $warnings | Should -HaveCount 0
        @(Get-CdnUrlTask -All -StartTime $start -EndTime $end).Count | Should -Be 10250
    }

    It 'Get-CdnTask stops at 10,000 tasks with the same kind of warning' {
        # About 10,400 file tasks and 2,600 directory tasks from 52,000 records; Get-CdnTask counts both.
        Reset-CdnEmulator $emulator -Records 52000 -Days 2 -Seed 4
        $epoch = New-CdnEmulatorEpoch $emulator
        $tasks = 0
        foreach ($fileType in 'file', 'directory') { $tasks += (Get-CdnEmulatorOracle $emulator -Since $epoch -Api ShowHistoryTasks -Query @{ file_type = $fileType }).stableCount }
        $tasks | Should -BeGreaterThan 10000
        $written = @(Get-CdnTask -WarningVariable warnings -WarningAction SilentlyContinue)
        $written.Count | Should -Be 10000
        "$warnings" | Should -Be ('Showing the first 10,000 of {0:N0} matching tasks. Use -All to get every one, -First N to get N of them, or a narrower query (-StartTime, -EndTime, -Status).' -f $tasks)
    }
}

Describe 'Ranges the service cannot hold are refused before any request' {
    BeforeAll { Reset-CdnEmulator $emulator -Records 100 -Days 1 }
    BeforeEach { Reset-CdnEmulatorStats $emulator }

    It '<Line>' -ForEach @(
        @{ Line = 'Get-CdnUrlTask -EndTime ([datetime]::MaxValue) -First 1'; Bound = '*more than 15 minutes after now*' }
        @{ Line = 'Get-CdnUrlTask -StartTime ([datetime]::MinValue) -EndTime (Get-Date) -First 1'; Bound = '*before 1970-01-01 00:00 UTC*' }
        @{ Line = 'Get-CdnTask -EndTime (Get-Date).AddHours(1) -All'; Bound = '*more than 15 minutes after now*' }
        @{ Line = 'Get-CdnTask -StartTime ([datetime]::MinValue) -All'; Bound = '*before 1970-01-01 00:00 UTC*' }
    ) {
        $failure = $null
        try { $null = & ([scriptblock]::Create($Line)) } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidTimeRange,CdnTasks.Commands.GetCdn*Command'
        "$($failure.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        "$failure" | Should -BeLike $Bound
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It 'an end a few minutes ahead (a clock slightly fast) is accepted' {
        @(Get-CdnUrlTask -EndTime (Get-Date).AddMinutes(10) -First 1) | Should -HaveCount 1
    }
}

Describe '-First over a long range asks only the windows it needs' {
    It '-First 1 over 90 days with the only record 4 days back sends 5 requests' {
        Reset-CdnEmulator $emulator
        $end = [datetime]::UtcNow
        $null = Add-CdnEmulatorRecord $emulator -Url 'https://www.example.com/only.png' -CreateTime $end.AddDays(-4).AddHours(-2)
        Reset-CdnEmulatorStats $emulator
        $env:CDNTASKS_CONCURRENCY = '4'
        try { $records = @(Get-CdnUrlTask -First 1 -StartTime $end.AddDays(-90) -EndTime $end) }
        finally { $env:CDNTASKS_CONCURRENCY = $null }
        $records.Url | Should -Be 'https://www.example.com/only.png'
        Get-Requests 'url-tasks' | Should -Be 5
    }
}

Describe 'Get-CdnTask fixes its end date when it starts' {
    It 'sends the same end_date with every request, also without -StartTime' {
        Reset-CdnEmulator $emulator -Records 2000 -Days 3
        $before = ConvertTo-Ms ([datetime]::UtcNow)
        $verbose = @(Get-CdnTask -All -PageSize 100 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^GET /v1.0/cdn/historytasks\?' })
        $after = ConvertTo-Ms ([datetime]::UtcNow)
        $verbose.Count | Should -BeGreaterThan 2
        $ends = @($verbose | ForEach-Object { [long]($_.Message -replace '.*end_date=(\d+).*', '$1') })
        # The first request carries the command's fixed end; later ones narrow it to the last task written (keyset).
        $ends[0] | Should -BeGreaterOrEqual $before
        $ends[0] | Should -BeLessOrEqual $after
        foreach ($e in $ends) { $e | Should -BeLessOrEqual $ends[0] }
        $verbose.Message | Should -Not -Match 'start_date'
    }
}
