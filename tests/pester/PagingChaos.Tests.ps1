# Copyright (c) CdnTasks contributors. MIT License.
#
# Issue 10, "Never lose a record": -All against an emulator whose data changes under the client (inserts, late
# indexing, status changes, deletes, expiry) and whose answers disagree with themselves (offset caps, lying totals,
# records without ids, short pages), at concurrency 1 and 4. For every run the emulator's oracle says which records
# matched the query from the command's first request to its last ("stable") and which matched at any moment ("ever"):
# every stable record is written exactly once, nothing is written twice, nothing is written that never matched, and
# an error record is written for every anomaly the module cannot recover from. Also: one wrong key costs one 401 for
# every list command and option combination. One emulator for the file, reset before each run.

BeforeDiscovery {
    $script:anomalies = @(
        @{ Case = 'late-indexed inserts, 5 a request, created 0-10 min ago'; Mutation = @{ insertPerRequest = 5; insertAgeMs = @(0, 600000) } }
        @{ Case = 'inserts anywhere in the fixed range, 5 a request'; Mutation = @{ insertPerRequest = 5; insertAgeMs = @(0, 172800000) } }
        @{ Case = 'status changes, 5 a request'; Mutation = @{ statusChangesPerRequest = 5 } }
        @{ Case = 'deletes, 5 a request'; Mutation = @{ deletesPerRequest = 5 } }
        @{ Case = 'expiry of the oldest, 5 a request'; Mutation = @{ expireOldestPerRequest = 5 } }
        @{ Case = 'offset cap 10,000: empty pages past it'; Mutation = @{ offsetCap = 10000; offsetCapMode = 'empty' }; Records = 12000; Days = 1 }
        @{ Case = 'offset cap 10,000: 400 past it'; Mutation = @{ offsetCap = 10000; offsetCapMode = '400' }; Records = 12000; Days = 1 }
        @{ Case = 'total under-reported (x0.4)'; Mutation = @{ total = 'under:0.4' } }
        @{ Case = 'total over-reported (x1.5)'; Mutation = @{ total = 'over:1.5' } }
        @{ Case = 'total negative'; Mutation = @{ total = 'negative' } }
        @{ Case = 'total null'; Mutation = @{ total = 'null' } }
        @{ Case = 'total a string'; Mutation = @{ total = 'string' } }
        @{ Case = 'total missing'; Mutation = @{ total = 'missing' } }
        @{ Case = 'ids null (30%)'; Mutation = @{ nullIdShare = 0.3 } }
        @{ Case = 'ids null (all)'; Mutation = @{ nullIdShare = 1.0 } }
        @{ Case = 'ids missing (30%)'; Mutation = @{ missingIdShare = 0.3 } }
        @{ Case = 'short pages (10 records) while the total says more'; Mutation = @{ shortPageMax = 10 } }
        @{ Case = 'everything at once'; Mutation = @{ insertPerRequest = 3; insertAgeMs = @(0, 172800000); statusChangesPerRequest = 3; deletesPerRequest = 2; expireOldestPerRequest = 2; total = 'under:0.7'; nullIdShare = 0.2; shortPageMax = 40 } }
    )
    $script:runs = foreach ($anomaly in $anomalies) {
        foreach ($command in 'Get-CdnUrlTask -All', 'Get-CdnUrlTask -Status processing -All', 'Get-CdnTask -All') {
            foreach ($concurrency in 1, 4) { $anomaly + @{ Command = $command; Concurrency = $concurrency } }
        }
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 0 -ArgumentList @('--RateLimit', 'false')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:saved = @{}
    foreach ($name in 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_CONCURRENCY', 'CDNTASKS_MAX_RETRY', 'HUAWEICLOUD_SDK_SK') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $env:CDNTASKS_RATE_LIMIT = 'off'
    $env:CDNTASKS_MAX_RETRY = '0'
    $script:figures = [System.Collections.Generic.List[object]]::new()

    function ConvertTo-Ms($Time) { [DateTimeOffset]::new(([datetime]$Time).ToUniversalTime()).ToUnixTimeMilliseconds() }

    # Compares what a command wrote with the oracle: each written record is matched to a store id (its own id, or
    # without one its URL and creation time), then lost = stable ids not written, duplicated = ids written twice,
    # foreign = records matching nothing that was ever in the query.
    function Compare-WithOracle($Written, $Oracle, [switch] $Tasks) {
        $byContent = @{}
        foreach ($entry in $Oracle.ever) {
            $key = if ($Tasks) { "$($entry.create_time)" } else { "$($entry.url)|$($entry.create_time)" }
            if (-not $byContent.ContainsKey($key)) { $byContent[$key] = [System.Collections.Generic.Queue[string]]::new() }
            $byContent[$key].Enqueue("$($entry.id)")
        }
        $ever = @{}; foreach ($entry in $Oracle.ever) { $ever["$($entry.id)"] = $true }
        $seen = @{}; $duplicated = 0; $foreign = 0
        foreach ($record in $Written) {
            $id = if ($Tasks) { if ($record.TaskId -ne 0) { "$($record.TaskId)" } else { '' } } elseif ($record.Id -ne 0) { "$($record.Id)" } else { '' }
            if (-not $id) {
                $key = if ($Tasks) { "$(ConvertTo-Ms $record.CreateTime)" } else { "$($record.Url)|$(ConvertTo-Ms $record.CreateTime)" }
                $queue = $byContent[$key]
                while ($queue -and $queue.Count -and $seen.ContainsKey($queue.Peek())) { $null = $queue.Dequeue() }
                $id = if ($queue -and $queue.Count) { $queue.Dequeue() } else { "unmatched:$key" }
            }
            if ($seen.ContainsKey($id)) { $duplicated++ } elseif (-not $ever.ContainsKey($id)) { $foreign++ }
            $seen[$id] = $true
        }
        $lost = @($Oracle.stable | Where-Object { -not $seen.ContainsKey("$($_.id)") }).Count
        [pscustomobject]@{ Expected = [int]$Oracle.stableCount; Written = @($Written).Count; Lost = $lost; Duplicated = $duplicated; Foreign = $foreign }
    }

    # The oracle of every task (Get-CdnTask without -FileType reads file and directory tasks; the API, and so its
    # oracle, answers file tasks only unless asked for directories).
    function Get-TaskOracle($Since, [hashtable] $Query = @{}) {
        $parts = foreach ($fileType in 'file', 'directory') { Get-CdnEmulatorOracle $emulator -Since $Since -Api ShowHistoryTasks -Query ($Query + @{ file_type = $fileType }) }
        [pscustomobject]@{ stable = @($parts.stable); ever = @($parts.ever); stableCount = ($parts | Measure-Object stableCount -Sum).Sum }
    }

    # One run: fresh data, the mutation set, an epoch, the command, the oracle.
    function Invoke-ChaosRun([string] $Case, [hashtable] $Mutation, [string] $Command, [int] $Concurrency, [int] $Records, [double] $Days) {
        Reset-CdnEmulator $emulator -Records $Records -Days $Days -Seed 11
        $end = [DateTime]::UtcNow.AddMinutes(1)
        $start = $end.AddDays(-$Days).AddHours(-1)
        # The generated history has aged (its tasks are finished): 300 records still processing, spread over the range,
        # give -Status processing something to lose while they finish.
        $random = [Random]::new(17)
        $null = Add-CdnEmulatorRecord $emulator -Record @(1..300 | ForEach-Object {
                @{ url = "https://www.example.com/open/$_.js"; status = 'processing'; create_time = $start.AddMilliseconds($random.NextDouble() * ($end - $start).TotalMilliseconds * 0.98) } })
        $env:CDNTASKS_CONCURRENCY = "$Concurrency"
        if ($Mutation.Count) { $null = Set-CdnEmulatorMutation $emulator -Mutation @($Mutation) }
        Reset-CdnEmulatorStats $emulator
        $epoch = New-CdnEmulatorEpoch $emulator
        $errors = $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        switch ($Command) {
            'Get-CdnUrlTask -All' {
                $written = @(Get-CdnUrlTask -All -StartTime $start -EndTime $end -ErrorVariable errors -ErrorAction SilentlyContinue)
                $api = 'ShowUrlTaskInfo'; $query = @{ start_time = $start; end_time = $end }
            }
            'Get-CdnUrlTask -Status processing -All' {
                # Smaller pages: the processing records are few, and the changes come with each request.
                $written = @(Get-CdnUrlTask -Status processing -All -PageSize 25 -StartTime $start -EndTime $end -ErrorVariable errors -ErrorAction SilentlyContinue)
                $api = 'ShowUrlTaskInfo'; $query = @{ start_time = $start; end_time = $end; status = 'processing' }
            }
            'Get-CdnTask -All' {
                $written = @(Get-CdnTask -All -StartTime $start -EndTime $end -ErrorVariable errors -ErrorAction SilentlyContinue)
                $api = 'ShowHistoryTasks'; $query = @{ start_date = $start; end_date = $end }
            }
        }
        $seconds = $clock.Elapsed.TotalSeconds
        Clear-CdnEmulatorMutation $emulator
        $stats = Get-CdnEmulatorStats $emulator
        $oracle = if ($api -eq 'ShowHistoryTasks') { Get-TaskOracle $epoch $query } else { Get-CdnEmulatorOracle $emulator -Since $epoch -Api $api -Query $query }
        $result = Compare-WithOracle $written $oracle -Tasks:($api -eq 'ShowHistoryTasks')
        $row = [pscustomobject]@{
            Case = $Case; Command = $Command; Concurrency = $Concurrency
            Expected = $result.Expected; Written = $result.Written; Lost = $result.Lost; Duplicated = $result.Duplicated; Foreign = $result.Foreign
            Errors = @($errors).Count; ErrorIds = (@($errors | ForEach-Object { $_.FullyQualifiedErrorId }) -join '; ')
            Requests = $stats.totalRequests; Seconds = [Math]::Round($seconds, 1)
        }
        $figures.Add($row)
        $row
    }
}

AfterAll {
    if ($figures.Count) {
        $figures | Format-Table Case, Command, Concurrency, Expected, Written, Lost, Duplicated, Foreign, Errors, Requests, Seconds -AutoSize | Out-String -Width 220 | Write-Host
        $out = Join-Path $PSScriptRoot '../../out/TestResults'
        $null = New-Item -ItemType Directory -Force -Path $out
        $figures | ConvertTo-Json | Set-Content -Path (Join-Path $out 'paging-chaos.json') -Encoding utf8
    }
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe '-All while the data changes and the answers disagree' {
    It '<Command> at concurrency <Concurrency>, <Case>: every stable record once, nothing else, no error' -ForEach $runs {
        $records = if ($_.Records) { $_.Records } else { 3000 }
        $days = if ($_.Days) { $_.Days } else { 2 }
        $row = Invoke-ChaosRun -Case $Case -Mutation $Mutation -Command $Command -Concurrency $Concurrency -Records $records -Days $days

        $row.Expected | Should -BeGreaterThan 0
        "lost $($row.Lost), duplicated $($row.Duplicated), never matched $($row.Foreign), errors $($row.Errors) ($($row.ErrorIds))" |
            Should -Be 'lost 0, duplicated 0, never matched 0, errors 0 ()'
    }
}

Describe 'Get-CdnTask fixes its end date when it starts' {
    It 'loses no task while 20 tasks a request arrive, at concurrency <_>' -ForEach 1, 4 {
        Reset-CdnEmulator $emulator -Records 3000 -Days 3 -Seed 5
        $env:CDNTASKS_CONCURRENCY = "$_"
        $null = Set-CdnEmulatorMutation $emulator -Api ShowHistoryTasks -InsertPerRequest 20
        $epoch = New-CdnEmulatorEpoch $emulator
        $written = @(Get-CdnTask -All -PageSize 50)
        Clear-CdnEmulatorMutation $emulator
        $oracle = Get-TaskOracle $epoch
        $result = Compare-WithOracle $written $oracle -Tasks
        $figures.Add([pscustomobject]@{ Case = 'Get-CdnTask without a range, 20 new tasks a request'; Command = 'Get-CdnTask -All'; Concurrency = $_; Expected = $result.Expected; Written = $result.Written; Lost = $result.Lost; Duplicated = $result.Duplicated; Foreign = $result.Foreign; Errors = 0; Requests = (Get-CdnEmulatorStats $emulator).totalRequests })

        $result.Expected | Should -BeGreaterThan 500
        "lost $($result.Lost), duplicated $($result.Duplicated)" | Should -Be 'lost 0, duplicated 0'
    }
}

Describe 'Get-CdnUrlTask -TaskId while the task''s URLs finish' {
    It 'writes every URL that stayed processing once, at concurrency <_>' -ForEach 1, 4 {
        Reset-CdnEmulator $emulator
        $at = [datetime]::UtcNow.AddMinutes(-5)
        $created = Add-CdnEmulatorRecord $emulator -Record @(1..600 | ForEach-Object { @{ url = "https://www.example.com/big/$_.js"; status = 'processing'; task = 'big'; create_time = $at } })
        $taskId = "$($created.task_ids[0])"
        $env:CDNTASKS_CONCURRENCY = "$_"
        $null = Set-CdnEmulatorMutation $emulator -Api ShowHistoryTaskDetails -StatusChangesPerRequest 5
        $epoch = New-CdnEmulatorEpoch $emulator
        $written = @(Get-CdnUrlTask -TaskId $taskId -Status processing -All -PageSize 50)
        Clear-CdnEmulatorMutation $emulator
        $oracle = Get-CdnEmulatorOracle $emulator -Since $epoch -Api ShowHistoryTaskDetails -Query @{ id = $taskId; status = 'processing' }
        $result = Compare-WithOracle $written $oracle
        $figures.Add([pscustomobject]@{ Case = 'one task of 600 URLs, 5 finish a request'; Command = 'Get-CdnUrlTask -TaskId -Status processing -All'; Concurrency = $_; Expected = $result.Expected; Written = $result.Written; Lost = $result.Lost; Duplicated = $result.Duplicated; Foreign = $result.Foreign; Errors = 0; Requests = (Get-CdnEmulatorStats $emulator).totalRequests })

        $result.Expected | Should -BeGreaterThan 100
        "lost $($result.Lost), duplicated $($result.Duplicated), never matched $($result.Foreign)" | Should -Be 'lost 0, duplicated 0, never matched 0'
    }
}

Describe 'An anomaly the module cannot recover from is an error record' {
    It 'reports the millisecond it could not read: 250 records created at once, an offset cap at 50 (concurrency <_>)' -ForEach 1, 4 {
        $at = [datetime]::UtcNow.AddHours(-2)
        Reset-CdnEmulator $emulator -Records 300 -Days 1 -Seed 3
        $null = Add-CdnEmulatorRecord $emulator -Record @(1..250 | ForEach-Object { @{ url = "https://www.example.com/burst/$_.png"; task = 'burst'; create_time = $at } })
        $env:CDNTASKS_CONCURRENCY = "$_"
        $null = Set-CdnEmulatorMutation $emulator -OffsetCap 50 -OffsetCapMode empty
        $epoch = New-CdnEmulatorEpoch $emulator
        $end = [DateTime]::UtcNow.AddMinutes(1); $start = $end.AddDays(-1).AddHours(-1)
        $errors = $null
        $written = @(Get-CdnUrlTask -All -StartTime $start -EndTime $end -ErrorVariable errors -ErrorAction SilentlyContinue)
        Clear-CdnEmulatorMutation $emulator
        $oracle = Get-CdnEmulatorOracle $emulator -Since $epoch -Query @{ start_time = $start; end_time = $end }
        $result = Compare-WithOracle $written $oracle
        $figures.Add([pscustomobject]@{ Case = '250 records in one millisecond, offset cap 50'; Command = 'Get-CdnUrlTask -All'; Concurrency = $_; Expected = $result.Expected; Written = $result.Written; Lost = $result.Lost; Duplicated = $result.Duplicated; Foreign = $result.Foreign; Errors = @($errors).Count; ErrorIds = (@($errors | ForEach-Object FullyQualifiedErrorId) -join '; ') })

        $result.Lost | Should -BeGreaterThan 0
        $result.Duplicated | Should -Be 0
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'RecordsMayBeMissing,CdnTasks.Commands.GetCdnUrlTaskCommand'
        "$($errors[0].CategoryInfo.Category)" | Should -Be 'ReadError'
        $missing = [long]("$($errors[0])" -replace '^At least ([\d,]+) records.*$', '$1' -replace ',', '')
        $missing | Should -BeGreaterOrEqual $result.Lost
        "$($errors[0])" | Should -BeLike "*created from $($at.ToString('yyyy-MM-dd HH:mm'))*"
        $errors[0].ErrorDetails.RecommendedAction | Should -Match '-StartTime'
    }
}

Describe 'One wrong key, one 401' {
    BeforeAll {
        Reset-CdnEmulator $emulator -Records 2000 -Days 7 -Seed 9
        $script:someTask = "$((Get-CdnTask -First 1).TaskId)"
        $env:CDNTASKS_CONCURRENCY = '4'
    }
    AfterEach {
        $env:HUAWEICLOUD_SDK_SK = $emulator.SecretKey
        $null = Invoke-RestMethod -Method Post -Uri "$($emulator.Url)/_emulator/lockout/reset" -NoProxy
    }

    It 'costs one failed signature at concurrency 4: <_>' -ForEach @(
        'Get-CdnUrlTask'
        'Get-CdnUrlTask -All'
        'Get-CdnUrlTask -First 5'
        'Get-CdnUrlTask -Skip 150 -First 5'
        'Get-CdnUrlTask -All -IncludeTotalCount -StartTime (Get-Date).AddDays(-7)'
        'Get-CdnUrlTask -Status failed -All -StartTime (Get-Date).AddDays(-7)'
        'Get-CdnUrlTask -IncludeTotalCount -First 0 -StartTime (Get-Date).AddDays(-7)'
        'Get-CdnUrlTask -TaskId $someTask'
        'Get-CdnUrlTask -TaskId $someTask -Status failed -All -IncludeTotalCount'
        'Get-CdnTask'
        'Get-CdnTask -All -IncludeTotalCount'
        'Get-CdnTask -StartTime (Get-Date).AddDays(-7) -Status Completed -All'
        'Get-CdnTask -SortBy Total -Descending -All'
        'Get-CdnTask -Id $someTask, 400002, 400003'
    ) {
        $line = $_
        Reset-CdnEmulatorStats $emulator
        $env:HUAWEICLOUD_SDK_SK = 'wrong-secret-key-000000000000000000000'
        $failure = $null
        try { $null = & ([scriptblock]::Create($line)) -ErrorAction Stop } catch { $failure = $_ }
        $env:HUAWEICLOUD_SDK_SK = $emulator.SecretKey
        $stats = Get-CdnEmulatorStats $emulator

        $failure | Should -Not -BeNullOrEmpty
        "$($failure.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $stats.authFailures | Should -Be 1
        $stats.totalRequests | Should -Be 1
    }
}
