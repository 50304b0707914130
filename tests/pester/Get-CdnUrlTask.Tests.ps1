# Copyright (c) CdnTasks contributors. MIT License.
#
# Get-CdnUrlTask end to end: the built module in this pwsh, against a real emulator process over HTTP.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule

    # 3,000 records over three days; the emulator's own throttling is off here so the suite stays fast
    # (one test below turns both limiters on). Records are fixed at start-up (no arrivals).
    $script:emulator = Start-CdnEmulator -Records 3000 -Days 3 -ArgumentList '--RateLimit', 'false'
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:savedRate = $env:CDNTASKS_RATE_LIMIT
    $env:CDNTASKS_RATE_LIMIT = 'off'

    function ConvertTo-EpochMs([DateTime] $Value) { [DateTimeOffset]::new($Value.ToUniversalTime()).ToUnixTimeMilliseconds() }
    function Get-ApiRequestCount { (Get-CdnEmulatorStats $emulator).requests.'url-tasks' }

    # A fixed three-day range that covers every generated record.
    $script:rangeEnd = [DateTime]::UtcNow.AddMinutes(1)
    $script:rangeStart = $rangeEnd.AddDays(-3).AddHours(-1)
    $script:rangeQuery = @{ start_time = ConvertTo-EpochMs $rangeStart; end_time = ConvertTo-EpochMs $rangeEnd }
}

AfterAll {
    $env:CDNTASKS_RATE_LIMIT = $savedRate
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Get-CdnUrlTask -Status failed -All | Export-Csv (the used-by line)' {
    It 'exports one clean row per failed record of the last 24 hours' {
        $csv = Join-Path $TestDrive 'failed.csv'
        $before = [DateTime]::UtcNow
        Get-CdnUrlTask -Status failed -All | Export-Csv -Path $csv -NoTypeInformation
        $after = [DateTime]::UtcNow

        $rows = @(Import-Csv -Path $csv)
        # The command's window is [now-24h, now) for a "now" between $before and $after.
        $fewest = Get-CdnEmulatorCount $emulator -Query @{ status = 'failed'; start_time = ConvertTo-EpochMs $after.AddDays(-1); end_time = ConvertTo-EpochMs $before }
        $most = Get-CdnEmulatorCount $emulator -Query @{ status = 'failed'; start_time = ConvertTo-EpochMs $before.AddDays(-1); end_time = ConvertTo-EpochMs $after }
        $fewest | Should -BeGreaterThan 10
        $rows.Count | Should -BeGreaterOrEqual $fewest
        $rows.Count | Should -BeLessOrEqual $most

        ($rows[0].PSObject.Properties.Name -join ',') | Should -Be 'Id,TaskId,Url,Status,TaskType,FileType,Mode,CreateTime,CreateTimeUtc,ModifyTime,ModifyTimeUtc'
        $rows.Status | Sort-Object -Unique | Should -BeExactly 'Failed'
        ($rows.Id | Sort-Object -Unique).Count | Should -Be $rows.Count
        $rows | Where-Object { -not $_.Url -or -not $_.CreateTime } | Should -BeNullOrEmpty
    }

    It 'the same line without -All exports the same rows: every failed record of the last 24 hours' {
        $before = [DateTime]::UtcNow
        # Small pages, so that the default has to read several of them.
        $rows = @(Get-CdnUrlTask -Status failed -PageSize 20 -WarningVariable warnings -WarningAction SilentlyContinue)
        $after = [DateTime]::UtcNow
        $fewest = Get-CdnEmulatorCount $emulator -Query @{ status = 'failed'; start_time = ConvertTo-EpochMs $after.AddDays(-1); end_time = ConvertTo-EpochMs $before }
        $most = Get-CdnEmulatorCount $emulator -Query @{ status = 'failed'; start_time = ConvertTo-EpochMs $before.AddDays(-1); end_time = ConvertTo-EpochMs $after }
        $fewest | Should -BeGreaterThan 20   # more than one page
        $rows.Count | Should -BeGreaterOrEqual $fewest
        $rows.Count | Should -BeLessOrEqual $most
        $warnings.Count | Should -Be 0
    }

    It 'returns exactly the emulator''s count for an explicit multi-day range, newest first, once each' {
        $expected = Get-CdnEmulatorCount $emulator -Query ($rangeQuery + @{ status = 'failed' })
        $records = @(Get-CdnUrlTask -Status failed -All -StartTime $rangeStart -EndTime $rangeEnd)
        $records.Count | Should -Be $expected
        ($records.Id | Sort-Object -Unique).Count | Should -Be $records.Count
        $times = $records.CreateTime
        for ($i = 1; $i -lt $times.Count; $i++) { $times[$i] | Should -BeLessOrEqual $times[$i - 1] }
        $records[0] | Should -BeOfType ([CdnTasks.CdnUrlTask])
        $records[0].CreateTime.Kind | Should -Be ([DateTimeKind]::Local)
        $records[0].CreateTimeUtc.Kind | Should -Be ([DateTimeKind]::Utc)
        $records[0].CreateTime.ToUniversalTime() | Should -Be $records[0].CreateTimeUtc
    }
}

Describe 'Time windows' {
    It 'splits a three-day range into four windows of at most 24 hours and reads them all' {
        Reset-CdnEmulatorStats $emulator
        $verbose = Get-CdnUrlTask -All -StartTime $rangeStart -EndTime $rangeEnd -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose | Where-Object Message -Match 'in 4 window\(s\)') | Should -Not -BeNullOrEmpty
        $requests = @($verbose | Where-Object Message -Match '^GET /v1.0/cdn/contentgateway/url-tasks\?')
        $spans = foreach ($request in $requests) {
            $start = [long]($request.Message -replace '.*start_time=(\d+).*', '$1')
            $end = [long]($request.Message -replace '.*end_time=(\d+).*', '$1')
            $end - $start
        }
        $spans | ForEach-Object { $_ | Should -BeLessOrEqual 86400000 }
        # Four windows (three full days and one hour), each asked from its top first; later requests of a window end at
        # the last record read (keyset paging), so their spans are shorter.
        $starts = @($requests | ForEach-Object { [long]($_.Message -replace '.*start_time=(\d+).*', '$1') } | Sort-Object -Unique)
        $starts.Count | Should -Be 4
        (Get-ApiRequestCount) | Should -Be $requests.Count
    }

    It 'returns every record of the range exactly once' {
        $expected = Get-CdnEmulatorCount $emulator -Query $rangeQuery
        $ids = (Get-CdnUrlTask -All -StartTime $rangeStart -EndTime $rangeEnd).Id
        $ids.Count | Should -Be $expected
        ($ids | Sort-Object -Unique).Count | Should -Be $expected
    }
}

Describe 'Paging controls' {
    It '-First 5 writes five records and sends one request' {
        Reset-CdnEmulatorStats $emulator
        $records = @(Get-CdnUrlTask -First 5 -StartTime $rangeStart -EndTime $rangeEnd)
        $records.Count | Should -Be 5
        Get-ApiRequestCount | Should -Be 1
    }

    It '-First 250 requests only the three pages it needs' {
        Reset-CdnEmulatorStats $emulator
        @(Get-CdnUrlTask -First 250 -StartTime $rangeStart -EndTime $rangeEnd).Count | Should -Be 250
        Get-ApiRequestCount | Should -Be 3
    }

    It '-Skip 10 -First 5 gives records 11 to 15' {
        $all = @(Get-CdnUrlTask -First 15 -StartTime $rangeStart -EndTime $rangeEnd)
        $page = @(Get-CdnUrlTask -Skip 10 -First 5 -StartTime $rangeStart -EndTime $rangeEnd)
        $page.Id | Should -Be $all[10..14].Id
    }

    It '-Skip past the first window continues in the next one' {
        $firstWindow = Get-CdnEmulatorCount $emulator -Query @{ start_time = $rangeQuery.end_time - 86400000; end_time = $rangeQuery.end_time }
        $all = @(Get-CdnUrlTask -First ($firstWindow + 3) -StartTime $rangeStart -EndTime $rangeEnd)
        $page = @(Get-CdnUrlTask -Skip $firstWindow -First 3 -StartTime $rangeStart -EndTime $rangeEnd)
        $page.Id | Should -Be $all[-3..-1].Id
    }

    It '-IncludeTotalCount writes the total first' {
        $expected = Get-CdnEmulatorCount $emulator -Query $rangeQuery
        $output = @(Get-CdnUrlTask -IncludeTotalCount -First 2 -StartTime $rangeStart -EndTime $rangeEnd)
        $output.Count | Should -Be 3
        [long]$output[0].PSObject.BaseObject | Should -Be $expected
        $output[1] | Should -BeOfType ([CdnTasks.CdnUrlTask])
    }

    It 'without -All or -First writes every record of the range (up to 10,000), with no warning when that is all' {
        $expected = Get-CdnEmulatorCount $emulator -Query $rangeQuery
        $records = @(Get-CdnUrlTask -StartTime $rangeStart -EndTime $rangeEnd -WarningVariable warnings -WarningAction SilentlyContinue)
        $records.Count | Should -Be $expected
        $warnings.Count | Should -Be 0
    }

    It '-PageSize sets the request size, not a cap' {
        Reset-CdnEmulatorStats $emulator
        @(Get-CdnUrlTask -PageSize 10 -First 35 -StartTime $rangeStart -EndTime $rangeEnd).Count | Should -Be 35
        Get-ApiRequestCount | Should -Be 4
    }

    It 'Select-Object -First 3 stops further requests' {
        Reset-CdnEmulatorStats $emulator
        @(Get-CdnUrlTask -All -StartTime $rangeStart -EndTime $rangeEnd | Select-Object -First 3).Count | Should -Be 3
        # The first page plus at most the pages already held: 4 in flight (the default concurrency) and 4 that
        # arrived ahead of their turn (a slot freed by a later page is refilled at once).
        Get-ApiRequestCount | Should -BeLessOrEqual 9
    }
}

Describe 'Filters' {
    It 'finds a URL with a space, +, &, =, # and non-ASCII characters (<Url>)' -ForEach @(
        @{ Url = 'https://www.example.com/a b+c&d=e#f/中文.png' }
        @{ Url = 'https://cdn.example.org/q?x=1&y=2+3' }
        @{ Url = 'https://static.example.net/100%25/a+b=c.css' }
        @{ Url = 'https://下载.example.cn/文件/报告.pdf' }
    ) {
        $expected = Get-CdnEmulatorCount $emulator -Query ($rangeQuery + @{ url = $Url })
        $expected | Should -BeGreaterThan 0
        $records = @(Get-CdnUrlTask -Url $Url -All -StartTime $rangeStart -EndTime $rangeEnd)
        $records.Count | Should -Be $expected
        $records.Url | Sort-Object -Unique | Should -BeExactly $Url
    }

    It 'matches enumerated values case-insensitively and normalises the output' {
        $expected = Get-CdnEmulatorCount $emulator -Query ($rangeQuery + @{ status = 'succeed'; task_type = 'PREHEATING'; file_type = 'file' })
        $records = @(Get-CdnUrlTask -Status SUCCEED -TaskType preheating -FileType FILE -All -StartTime $rangeStart -EndTime $rangeEnd)
        $records.Count | Should -Be $expected
        $records.Status | Sort-Object -Unique | Should -BeExactly 'Succeeded'
        $records.TaskType | Sort-Object -Unique | Should -BeExactly 'Prefetch'
        $records.FileType | Sort-Object -Unique | Should -BeExactly 'File'
    }

    It 'returns directories with their purge mode' {
        $records = @(Get-CdnUrlTask -FileType Directory -All -StartTime $rangeStart -EndTime $rangeEnd)
        $records.Count | Should -BeGreaterThan 0
        $records.Mode | Sort-Object -Unique | ForEach-Object { $_ | Should -BeIn 'All', 'DetectModifyRefresh' }
        $records.Url | ForEach-Object { $_ | Should -Match '/$' }
    }
}

Describe 'Bad input is refused before any request' {
    BeforeAll { Reset-CdnEmulatorStats $emulator }

    It '<Name>' -ForEach @(
        @{ Name = 'start after end'; Call = { Get-CdnUrlTask -StartTime (Get-Date) -EndTime (Get-Date).AddHours(-1) }; Id = 'InvalidTimeRange'; Category = 'InvalidArgument' }
        @{ Name = 'page size 0'; Call = { Get-CdnUrlTask -PageSize 0 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Name = 'page size 101'; Call = { Get-CdnUrlTask -PageSize 101 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Name = 'unknown status'; Call = { Get-CdnUrlTask -Status done }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Name = 'unknown task type'; Call = { Get-CdnUrlTask -TaskType erase }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Name = 'relative URL'; Call = { Get-CdnUrlTask -Url 'www.example.com/a.png' }; Id = 'InvalidUrl'; Category = 'InvalidArgument' }
        @{ Name = 'ftp URL'; Call = { Get-CdnUrlTask -Url 'ftp://www.example.com/a.png' }; Id = 'InvalidUrl'; Category = 'InvalidArgument' }
        @{ Name = 'plain http to a remote endpoint'; Call = { Get-CdnUrlTask -Endpoint 'http://cdn.example.com' }; Id = 'InvalidConfiguration'; Category = 'InvalidArgument' }
        @{ Name = 'unknown region'; Call = { Get-CdnUrlTask -Region 'mars-1' }; Id = 'InvalidConfiguration'; Category = 'InvalidArgument' }
    ) {
        $thrown = $null
        try { & $Call } catch { $thrown = $_ }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Match "^$Id,"
        "$($thrown.CategoryInfo.Category)" | Should -Be $Category
        $thrown.Exception.Message | Should -Not -BeNullOrEmpty
    }

    It 'sent no request for any of them' {
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It 'refuses to run without credentials, naming every way to provide them' {
        $saved = @{}
        foreach ($name in 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $null)
        }
        $savedHome = $env:HOME
        $env:HOME = $TestDrive
        try {
            { Get-CdnUrlTask } | Should -Throw -ErrorId 'CredentialNotFound,CdnTasks.Commands.GetCdnUrlTaskCommand'
            try { Get-CdnUrlTask } catch { $failure = $_ }
            "$($failure.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
            $failure.Exception.Message | Should -Match 'HUAWEICLOUD_SDK_AK'
            $failure.Exception.Message | Should -Match '-Credential'
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            $env:HOME = $savedHome
        }
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }
}

Describe 'Service errors' {
    It 'wrong keys give CdnApi.APIGW.0301 with the service message and request id' {
        $wrong = [pscredential]::new($emulator.AccessKey, (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force))
        $failure = $null
        try { Get-CdnUrlTask -Credential $wrong -DomainId $emulator.DomainId } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand'
        "$($failure.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $failure.Exception.ServiceMessage | Should -Match 'Incorrect IAM authentication information'
        $failure.Exception.RequestId | Should -Match '^[0-9a-f]{32}$'
        $failure.ErrorDetails.Message | Should -Match $failure.Exception.RequestId
        $failure.ErrorDetails.Message | Should -Match 'HTTP 401'
        $failure.Exception.Attempts | Should -Be 1   # 401 is never retried
    }

    It 'an unknown access key is an authentication error too' {
        $unknown = [pscredential]::new('HPUAUNKNOWNKEY000000', (ConvertTo-SecureString 'whatever' -AsPlainText -Force))
        { Get-CdnUrlTask -Credential $unknown -DomainId $emulator.DomainId } | Should -Throw -ErrorId 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand'
    }

    It 'a wrong domain id is PermissionDenied' {
        $failure = $null
        try { Get-CdnUrlTask -DomainId 'ffffffffffffffffffffffffffffffff' } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Match '^CdnApi\.APIGW\.\d{4},'
        "$($failure.CategoryInfo.Category)" | Should -Be 'PermissionDenied'
    }

    It 'a failure after two pages keeps the 199 records already written' {
        $savedRetry = $env:CDNTASKS_MAX_RETRY; $savedConcurrency = $env:CDNTASKS_CONCURRENCY
        $env:CDNTASKS_MAX_RETRY = '0'; $env:CDNTASKS_CONCURRENCY = '1'
        Set-CdnEmulatorFaults $emulator -Script '3:503'
        try {
            $written = [System.Collections.Generic.List[object]]::new()
            $failure = $null
            try { Get-CdnUrlTask -All -StartTime $rangeStart -EndTime $rangeEnd | ForEach-Object { $written.Add($_) } } catch { $failure = $_ }
            # Two pages: 100 records, then 99 (each page after the first starts at the last record already written).
            $written.Count | Should -Be 199
            $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0613,CdnTasks.Commands.GetCdnUrlTaskCommand'
            "$($failure.CategoryInfo.Category)" | Should -Be 'ConnectionError'
            [int]$failure.Exception.StatusCode | Should -Be 503
        }
        finally {
            Clear-CdnEmulatorFaults $emulator
            $env:CDNTASKS_MAX_RETRY = $savedRetry; $env:CDNTASKS_CONCURRENCY = $savedConcurrency
        }
    }
}

Describe 'Log levels' {
    It 'writes the request line with -Verbose or $VerbosePreference, and the header line with -Debug or $DebugPreference, each only then' {
        $requestLine = 'GET /v1.0/cdn/contentgateway/url-tasks?*-> 200*'
        $headerLine = 'GET /v1.0/cdn/contentgateway/url-tasks?*Authorization: SDK-HMAC-SHA256*'
        $quiet = @(Get-CdnUrlTask -First 1 *>&1 | Where-Object { $_ -isnot [CdnTasks.CdnUrlTask] })
        @($quiet | Where-Object { "$_" -like $requestLine -or "$_" -like $headerLine }) | Should -BeNullOrEmpty

        $verbose = @(Get-CdnUrlTask -First 1 -Verbose 4>&1 5>&1 | Where-Object { $_ -isnot [CdnTasks.CdnUrlTask] })
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like $requestLine }) | Should -HaveCount 1
        @($verbose | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }) | Should -BeNullOrEmpty

        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $both = @(Get-CdnUrlTask -First 1 4>&1 5>&1 | Where-Object { $_ -isnot [CdnTasks.CdnUrlTask] })
        @($both | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like $requestLine }) | Should -HaveCount 1
        @($both | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -like $headerLine }) | Should -HaveCount 1

        $off = @(Get-CdnUrlTask -First 1 -Verbose:$false -Debug:$false 4>&1 5>&1 | Where-Object { $_ -isnot [CdnTasks.CdnUrlTask] })
        @($off | Where-Object { "$_" -like $requestLine -or "$_" -like $headerLine }) | Should -BeNullOrEmpty
    }
}

Describe 'Secrets' {
    It 'never appear in any stream with -Verbose and -Debug, and the signature is redacted' {
        $secret = $emulator.SecretKey
        $DebugPreference = 'Continue'
        $all = Get-CdnUrlTask -First 3 -Verbose -Debug *>&1 | Out-String -Width 500
        $all | Should -Match 'GET /v1.0/cdn/contentgateway/url-tasks'
        $all | Should -Match 'Signature=<redacted>'
        $all | Should -Not -Match ([regex]::Escape($secret))
        $all | Should -Not -Match ([regex]::Escape($emulator.AccessKey))
    }

    It 'are not in the error of a failed signature' {
        $secret = 'super-secret-value-1234567890'
        $wrong = [pscredential]::new($emulator.AccessKey, (ConvertTo-SecureString $secret -AsPlainText -Force))
        $DebugPreference = 'Continue'
        $seen = [System.Collections.Generic.List[object]]::new()
        $failure = $null
        try { Get-CdnUrlTask -Credential $wrong -DomainId $emulator.DomainId -Verbose -Debug *>&1 | ForEach-Object { $seen.Add($_) } } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $text = ($seen | Out-String -Width 500) + ($failure | Format-List * -Force | Out-String -Width 500) + $failure.Exception.ToString()
        $text | Should -Match 'APIGW.0301'
        $text | Should -Not -Match $secret
    }
}

Describe 'Rate limits' {
    It 'runs -All at the documented 5 requests a second without a single 429' {
        # The file's emulator, with 1500 records of one day and the service's rate limits on.
        Reset-CdnEmulator $emulator -Records 1500 -Days 1
        $null = Set-CdnEmulatorOption $emulator @{ RateLimit = $true }
        $limited = $emulator
        $env:CDNTASKS_RATE_LIMIT = $null
        try {
            $expected = Get-CdnEmulatorCount $limited -Query @{}
            $count = (Get-CdnUrlTask -All -StartTime ([DateTime]::UtcNow.AddDays(-1).AddMinutes(-5)) -EndTime ([DateTime]::UtcNow.AddMinutes(1)) | Measure-Object).Count
            $stats = Get-CdnEmulatorStats $limited
            $count | Should -Be $expected
            $stats.requests.'url-tasks' | Should -BeGreaterThan 15
            # Without the client-side limiter, four pages in flight exceed the emulator's 5/s and draw 429s.
            $stats.throttled | Should -Be 0
        }
        finally {
            $env:CDNTASKS_RATE_LIMIT = 'off'
            Reset-CdnEmulator $emulator -Records 3000 -Days 3
        }
    }

    It 'four processes paging one account at once all finish with every record: a throttled read waits instead of failing' {
        # The service's limit (5/s) is the account's, shared by every process; each process starts at that rate, so the
        # service throttles them. With one retry allowed (CDNTASKS_MAX_RETRY=1), a 429 that counted as a failed attempt
        # would fail a command within seconds; throttled requests wait (within the throttle budget) and the rate adapts.
        Reset-CdnEmulator $emulator -Records 1200 -Days 1
        $null = Set-CdnEmulatorOption $emulator @{ RateLimit = $true }
        $savedRetry = $env:CDNTASKS_MAX_RETRY
        $env:CDNTASKS_RATE_LIMIT = $null
        $env:CDNTASKS_MAX_RETRY = '1'
        try {
            $expected = Get-CdnEmulatorCount $emulator -Query @{}
            $exe = [Environment]::ProcessPath
            [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
            $command = "Import-Module '$env:CDNTASKS_MODULE_MANIFEST'; (Get-CdnUrlTask -All -StartTime ([DateTime]::UtcNow.AddDays(-1).AddMinutes(-5)) -EndTime ([DateTime]::UtcNow.AddMinutes(1)) -ErrorAction Stop -WarningAction SilentlyContinue | Measure-Object).Count"
            $children = foreach ($i in 1..4) {
                $info = [System.Diagnostics.ProcessStartInfo]::new($exe)
                foreach ($a in @($prefix) + @('-NoProfile', '-NonInteractive', '-Command', $command)) { $info.ArgumentList.Add($a) }
                $info.RedirectStandardOutput = $true
                $info.RedirectStandardError = $true
                $info.UseShellExecute = $false
                $process = [System.Diagnostics.Process]::Start($info)
                [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
            }
            foreach ($child in $children) { $child.Process.WaitForExit() }
            $stats = Get-CdnEmulatorStats $emulator
            $stats.throttled | Should -BeGreaterThan 0 -Because 'four processes at 5/s each share a 5/s limit'
            foreach ($child in $children) {
                $child.Errors.Result | Should -BeNullOrEmpty
                $child.Process.ExitCode | Should -Be 0
                $child.Output.Result.Trim() | Should -Be "$expected"
            }
        }
        finally {
            $env:CDNTASKS_RATE_LIMIT = 'off'
            $env:CDNTASKS_MAX_RETRY = $savedRetry
            Reset-CdnEmulator $emulator -Records 3000 -Days 3
        }
    }
}
