# Copyright (c) CdnTasks contributors. MIT License.
#
# Right in every pipeline: re-purge by record type, one bad item one error (the rest go on), re-submittable
# URLs, interrupted and endless work accounted for, one vocabulary, and completion that matches validation.
# All against real emulator processes.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 2000 -Days 1 -ArgumentList '--RateLimit', 'false', '--TaskSeconds', '2', '--FailureRate', '0.5'
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:savedRate = $env:CDNTASKS_RATE_LIMIT
    $env:CDNTASKS_RATE_LIMIT = 'off'

    function New-Urls([int] $Count, [string] $Prefix) { 1..$Count | ForEach-Object { "https://www.example.com/$Prefix/$_.js" } }
    function Get-CreatedTask($Emulator) {
        $tasks = @{}
        foreach ($task in (Invoke-RestMethod -NoProxy "$($Emulator.Url)/_emulator/tasks").tasks) { $tasks[[string]$task.id] = $task }
        $tasks
    }
    function Get-Requests($Emulator, [string] $Api) { (Get-CdnEmulatorStats $Emulator).requests.$Api }

    # Starts a command in its own runspace (as a console runs it), for Ctrl+C (PowerShell.Stop()).
    function Start-Command([string] $Command) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module -Name '$env:CDNTASKS_MODULE_MANIFEST' -ErrorAction Stop; $Command")
        $script:handle = $ps.BeginInvoke()
        $ps
    }
    # The report a stopped command writes: after Ctrl+C only the information stream takes records (tag CdnTasks.Stopped,
    # shown as a yellow "WARNING: ..." line like Write-Host would); otherwise it is a warning.
    function Get-StopReport($PowerShell) {
        $record = @($PowerShell.Streams.Information | Where-Object { $_.Tags -contains 'CdnTasks.Stopped' })[-1]
        if ($record) { "$($record.MessageData.Message)" } else { "$(@($PowerShell.Streams.Warning)[-1])" }
    }
    function Wait-Until([scriptblock] $Condition, [string] $What, [int] $Seconds = 60) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($clock.Elapsed.TotalSeconds -gt $Seconds) { throw "Timed out waiting until $What" }
            Start-Sleep -Milliseconds 20
        }
    }
}

AfterAll {
    $env:CDNTASKS_RATE_LIMIT = $savedRate
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Re-purge does what the record was' {
    BeforeAll {
        $script:failed = @(Get-CdnUrlTask -Status Failed -All)
        $script:prefetch = @($failed | Where-Object TaskType -EQ 'Prefetch')
        $script:purge = @($failed | Where-Object TaskType -EQ 'Purge')
    }
    BeforeEach { Reset-CdnEmulatorStats $emulator }

    It 'Get-CdnUrlTask -Status Failed -All | Clear-CdnCache purges only the purge records, with one warning for the prefetch ones' {
        $prefetch.Count | Should -BeGreaterThan 0
        $purge.Count | Should -BeGreaterThan 0
        $before = @((Get-CreatedTask $emulator).Keys)
        $tasks = $failed | Clear-CdnCache -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $created = Get-CreatedTask $emulator
        $sent = @($tasks | ForEach-Object { $created["$($_.TaskId)"].urls })
        $expected = @($purge.Url | ForEach-Object { $_ -replace ' ', '%20' } | Select-Object -Unique)
        @($sent | Sort-Object) | Should -Be @($expected | Sort-Object)
        @($created.Keys | Where-Object { $_ -notin $before }).Count | Should -Be @($tasks).Count
        $warnings | Should -HaveCount 1
        "$warnings" | Should -Match "Left out $($prefetch.Count) piped records? of prefetch tasks"
        "$warnings" | Should -Match 'Import-CdnCache'
    }

    It 'does not look at the type of strings given to -Url' {
        $task = Clear-CdnCache -Url $prefetch[0].Url -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty
        @((Get-CreatedTask $emulator)["$($task.TaskId)"].urls) | Should -Be @($prefetch[0].Url -replace ' ', '%20')
    }

    It 'Import-CdnCache takes records of either type and refuses only directories, one error each' {
        $files = @(Get-CdnUrlTask -FileType File -All | Group-Object TaskType | ForEach-Object { $_.Group | Select-Object -First 3 })
        @($files.TaskType | Sort-Object -Unique) | Should -Be @('Prefetch', 'Purge')
        $directory = Get-CdnUrlTask -FileType Directory -First 1
        $tasks = @($files[0..2]) + $directory + @($files[3..5]) | Import-CdnCache -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $created = Get-CreatedTask $emulator
        @($tasks | ForEach-Object { $created["$($_.TaskId)"].urls }) | Should -Be @($files.Url -replace ' ', '%20')
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidUrl,CdnTasks.Commands.ImportCdnCacheCommand'
        $failures[0].TargetObject | Should -Be $directory
        $failures[0].Exception.Message | Should -Match 'prefetch supports files only'
    }
}

Describe 'One bad item, one error, the rest go on' {
    BeforeEach {
        Clear-CdnEmulatorFaults $emulator
        Reset-CdnEmulatorStats $emulator
    }

    It 'a purge of 450 URLs with 2 invalid ones submits 448 and writes 2 errors, each with its item as TargetObject' {
        $good = @(New-Urls 448 'bad-items')
        $bad = 'www.example.com/no-scheme.js', [pscustomobject]@{ Url = 'ftp://www.example.com/x.js'; FileType = 'File' }
        $in = @($good[0..99]) + $bad[0] + @($good[100..299]) + $bad[1] + @($good[300..447])
        $tasks = $in | Clear-CdnCache -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        ($tasks | Measure-Object Total -Sum).Sum | Should -Be 448
        @((Get-CreatedTask $emulator)["$($tasks[0].TaskId)"].urls) | Should -Be $good
        $failures | Should -HaveCount 2
        foreach ($f in $failures) {
            $f.FullyQualifiedErrorId | Should -Be 'InvalidUrl,CdnTasks.Commands.ClearCdnCacheCommand'
            "$($f.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        }
        $failures[0].TargetObject | Should -Be $bad[0]
        $failures[1].TargetObject | Should -Be $bad[1]
        $failures[1].Exception.Message | Should -Match 'not an absolute http'
    }

    It '-ErrorAction Stop still stops at the first invalid URL, with nothing sent' {
        { @(New-Urls 5 'stop-first') + 'not a url' + @(New-Urls 5 'stop-after') | Clear-CdnCache -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidUrl,CdnTasks.Commands.ClearCdnCacheCommand'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It '-WhatIf reports the invalid URL and still describes the rest' {
        $null = @(New-Urls 3 'whatif') + 'www.example.com/x.js' | Clear-CdnCache -WhatIf -ErrorVariable failures -ErrorAction SilentlyContinue -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Tee-Object -Variable verbose
        $failures | Should -HaveCount 1
        "$verbose" | Should -Match '3 URLs in 1 request'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It 'a URL with spaces that Get-CdnUrlTask returned is purged again, sent with its spaces as %20' {
        $record = Get-CdnUrlTask -Url 'https://img.example.com/path with space/photo 1.jpg' -All | Select-Object -First 1
        $record | Should -Not -BeNullOrEmpty
        $task = $record | Clear-CdnCache -Force
        @((Get-CreatedTask $emulator)["$($task.TaskId)"].urls) | Should -Be 'https://img.example.com/path%20with%20space/photo%201.jpg'
    }

    It 'piped task ids that do not exist give one ObjectNotFound error each in Get-CdnUrlTask, and the others are read' {
        $ids = @(Get-CdnTask -First 2 -TaskType Purge | ForEach-Object TaskId)
        $records = @("$($ids[0])", '99999999', "$($ids[1])" | ForEach-Object { [pscustomobject]@{ TaskId = $_ } } |
                Get-CdnUrlTask -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @($records.TaskId | Sort-Object -Unique) | Should -Be @($ids | Sort-Object)
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnApi.CDN.0003,CdnTasks.Commands.GetCdnUrlTaskCommand'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be '99999999'
    }

    It 'Get-CdnTask and Wait-CdnTask do the same for unknown ids' {
        $id = (Get-CdnTask -First 1 -Status Completed).TaskId
        $found = "$id", '99999998' | Get-CdnTask -ErrorVariable failures -ErrorAction SilentlyContinue
        $found.TaskId | Should -Be $id
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be '99999998'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $done = '99999997', "$id" | Wait-CdnTask -ErrorVariable failures -ErrorAction SilentlyContinue
        $done.TaskId | Should -Be $id
        @($failures | Where-Object { $_.TargetObject -eq '99999997' }) | Should -HaveCount 1
    }
}

Describe 'Interrupted and endless work is accounted for' {
    BeforeAll {
        # Tasks that take a minute, and a slow fault that holds a request for 30 s: time to press Ctrl+C.
        $script:slow = Start-CdnEmulator -Records 50 -ArgumentList '--RateLimit', 'false', '--TaskSeconds', '60', '--SlowFaultSeconds', '30'
        $script:restoreSlow = Use-CdnEmulatorEnvironment $slow
    }
    AfterAll {
        & $restoreSlow
        Stop-CdnEmulator $slow
    }
    BeforeEach {
        Clear-CdnEmulatorFaults $slow
        Reset-CdnEmulatorStats $slow
    }
    AfterEach {
        if ($ps) { $ps.Dispose(); $script:ps = $null }
    }

    It 'Ctrl+C during a twenty-request purge names the accepted task, the requests in flight and every URL never sent (<Name>)' -ForEach @(
        @{ Name = 'without -Wait'; Wait = ''; Prefix = 'https://www.example.com/stop' }
        @{ Name = 'with -Wait'; Wait = ' -Wait'; Prefix = 'https://www.example.com/stop-wait' }
    ) {
        # Request 1 goes alone and is accepted; then at most 16 go out at once: requests 2 to 17, all held by the
        # emulator (slow), while 18 to 20 wait for a free slot and are never sent.
        Set-CdnEmulatorFaults $slow -Script (@(2..17 | ForEach-Object { "${_}:slow" }) -join ',')
        $script:ps = Start-Command "1..20000 | ForEach-Object { '$Prefix/' + `$_ + '.js' } | Clear-CdnCache -Force$Wait"
        Wait-Until { (Get-Requests $slow 'refresh-tasks') -ge 17 } 'seventeen requests reached the emulator'
        Start-Sleep -Milliseconds 200
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        (Get-Requests $slow 'refresh-tasks') | Should -Be 17

        $created = @((Get-CreatedTask $slow).Values | Where-Object { @($_.urls)[0] -eq "$Prefix/1.js" })
        $created | Should -HaveCount 1
        $warning = Get-StopReport $ps
        $warning | Should -Match 'was stopped \(Ctrl\+C\) after 17 of 20 requests'
        $warning | Should -Match "request 1: task $($created[0].id) \(1,000 file URLs\)"
        $inFlight = @([regex]::Matches($warning, '(?m)^  request (\d+): 1,000 file URLs, first (\S+)$') | ForEach-Object { [int]$_.Groups[1].Value })
        $inFlight | Should -Be @(2..17)
        $warning | Should -Match "May have been processed.*\s+request 2: 1,000 file URLs, first $([regex]::Escape("$Prefix/1001.js"))"
        $warning | Should -Match 'Never sent \(3,000 URLs\)'
        $listed = @([regex]::Matches($warning, '(?m)^    (https://\S+)$') | ForEach-Object { $_.Groups[1].Value })
        $listed | Should -Be @(17001..20000 | ForEach-Object { "$Prefix/$_.js" })
    }

    It 'Ctrl+C while -Wait waits names the tasks not finished, with the command to wait for them' {
        $script:ps = Start-Command "1..1500 | ForEach-Object { 'https://www.example.com/waiting/' + `$_ + '.js' } | Clear-CdnCache -Force -Wait -PollIntervalSec 0.2"
        Wait-Until { (Get-Requests $slow 'historytasks') -ge 2 } 'the command polls the tasks'
        $ps.Stop()
        $ids = @((Get-CreatedTask $slow).Values | Where-Object { @($_.urls)[0] -like 'https://www.example.com/waiting/*' } | ForEach-Object id | Sort-Object)
        $ids | Should -HaveCount 2
        $warning = Get-StopReport $ps
        $warning | Should -Match 'was stopped \(Ctrl\+C\) while waiting'
        $warning | Should -Match ([regex]::Escape("Wait-CdnTask -TaskId $($ids -join ',')"))
    }

    It 'Wait-CdnTask treats a status it does not know as an error for that task, not as still running' {
        $tasks = @(New-Urls 1 'unknown-a' | Clear-CdnCache -Force) + @(New-Urls 1 'unknown-b' | Clear-CdnCache -Force)
        $null = Invoke-RestMethod -NoProxy -Method Post -Uri "$($slow.Url)/_emulator/tasks/$($tasks[1].TaskId)/status" -ContentType 'application/json' -Body '{"status":"task_paused"}'
        $null = Invoke-RestMethod -NoProxy -Method Post -Uri "$($slow.Url)/_emulator/tasks/$($tasks[0].TaskId)/status" -ContentType 'application/json' -Body '{"status":"task_done"}'
        $script:ps = Start-Command "Wait-CdnTask -TaskId $($tasks.TaskId -join ',') -PollIntervalSec 0.2 -ErrorAction Continue"
        Wait-Until { $handle.IsCompleted } 'Wait-CdnTask returned'
        $done = @($ps.EndInvoke($handle))
        $done.TaskId | Should -Be $tasks[0].TaskId
        $errors = @($ps.Streams.Error)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'CdnTaskStatusUnknown,CdnTasks.Commands.WaitCdnTaskCommand'
        "$($errors[0].CategoryInfo.Category)" | Should -Be 'InvalidResult'
        $errors[0].TargetObject.TaskId | Should -Be $tasks[1].TaskId
        $errors[0].Exception.Message | Should -Match "'task_paused'"
    }

    It 'Wait-CdnTask and -Wait wait at most 30 minutes unless -Timeout says otherwise' {
        $task = Clear-CdnCache -Url 'https://www.example.com/default-timeout/a.js' -Force
        $null = Invoke-RestMethod -NoProxy -Method Post -Uri "$($slow.Url)/_emulator/tasks/$($task.TaskId)/status" -ContentType 'application/json' -Body '{"status":"task_done"}'
        $verbose = Wait-CdnTask -TaskId $task.TaskId -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match 'for at most 30 minutes \(-Timeout, the default\)'
        $seen = [System.Collections.Generic.List[object]]::new()
        try { Clear-CdnCache -Url 'https://www.example.com/default-timeout/b.js' -Force -Wait -Timeout 0.3 -Verbose 4>&1 | ForEach-Object { $seen.Add($_) } } catch { $timedOut = $_ }
        $timedOut.FullyQualifiedErrorId | Should -Be 'CdnTaskWaitTimeout,CdnTasks.Commands.ClearCdnCacheCommand'
        $verbose = $seen | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match 'for at most 0.3 seconds \(-Timeout\)'
    }
}

Describe 'One vocabulary' {
    BeforeAll {
        $script:records = @(Get-CdnUrlTask -All)
        $script:tasks = @(Get-CdnTask -All)
        $someTask = $tasks | Where-Object Failed -GT 0 | Select-Object -First 1
        $script:details = @(Get-CdnUrlTask -TaskId $someTask.TaskId -All)
    }

    It 'writes one PascalCase word per value, and numeric ids' {
        @($records.Status | Sort-Object -Unique) | ForEach-Object { $_ | Should -BeIn 'Waiting', 'Processing', 'Purging', 'Prefetching', 'Succeeded', 'Failed' }
        @($records.TaskType | Sort-Object -Unique) | Should -Be @('Prefetch', 'Purge')
        @($records.FileType | Sort-Object -Unique) | Should -Be @('Directory', 'File')
        @($records.Mode | Where-Object { $_ } | Sort-Object -Unique) | Should -Be @('All', 'DetectModifyRefresh')
        @($tasks.Status | Sort-Object -Unique) | ForEach-Object { $_ | Should -BeIn 'Running', 'Completed' }
        @($details.FailureClass | Where-Object { $_ } | Sort-Object -Unique) | ForEach-Object { $_ | Should -BeIn 'OriginError', 'InnerError', 'UnknownError' }
        $records[0].Id | Should -BeOfType ([long])
        $records[0].TaskId | Should -BeOfType ([long])
        $tasks[0].TaskId | Should -BeOfType ([long])
        $details[0].TaskId | Should -BeOfType ([long])
        (Get-CdnQuota).Type | Should -Contain 'FilePurge'
    }

    It 'makes CSVs without duplicated or always-empty columns (<Name>)' -ForEach @(
        @{ Name = 'Get-CdnUrlTask' }
        @{ Name = 'Get-CdnUrlTask -TaskId' }
        @{ Name = 'Get-CdnTask' }
    ) {
        $objects = switch ($Name) { 'Get-CdnUrlTask' { $records } 'Get-CdnTask' { $tasks } default { $details } }
        $rows = @($objects | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $columns = @($rows[0].PSObject.Properties.Name)
        foreach ($column in $columns) {
            @($rows | Where-Object { $_.$column -ne '' }).Count | Should -BeGreaterThan 0 -Because "column $column should not be always empty"
        }
        foreach ($a in $columns) {
            foreach ($b in $columns | Where-Object { $_ -ne $a -and $_ -notlike "$a*" -and $a -notlike "$_*" }) {
                @($rows | Where-Object { $_.$a -ne $_.$b }).Count | Should -BeGreaterThan 0 -Because "$a and $b should not be the same column twice"
            }
        }
    }

    It 'takes the words users type, and the service''s spellings, for -Status and -TaskType (<Status>, <TaskType>)' -ForEach @(
        @{ Status = 'Failed'; TaskType = 'Purge'; Wire = @{ status = 'failed'; task_type = 'REFRESH' } }
        @{ Status = 'failed'; TaskType = 'refresh'; Wire = @{ status = 'failed'; task_type = 'REFRESH' } }
        @{ Status = 'Succeeded'; TaskType = 'Prefetch'; Wire = @{ status = 'succeed'; task_type = 'PREHEATING' } }
        @{ Status = 'succeed'; TaskType = 'PREHEATING'; Wire = @{ status = 'succeed'; task_type = 'PREHEATING' } }
        @{ Status = 'Prefetching'; TaskType = 'preheat'; Wire = @{ status = 'preheating'; task_type = 'PREHEATING' } }
    ) {
        $end = [DateTimeOffset]::UtcNow.AddMinutes(1)
        $expected = Get-CdnEmulatorCount $emulator -Query ($Wire + @{ start_time = $end.AddDays(-1).ToUnixTimeMilliseconds(); end_time = $end.ToUnixTimeMilliseconds() })
        @(Get-CdnUrlTask -Status $Status -TaskType $TaskType -StartTime $end.AddDays(-1) -EndTime $end -All).Count | Should -Be $expected
    }

    It 'Get-CdnTask -Status takes Running and Completed, and the service''s task_inprocess and task_done' {
        # Tasks keep finishing while the file runs (the emulator ages its history), so no count taken earlier is
        # compared: every task that was Completed before still is, and every one returned is Completed.
        $completedBefore = @($tasks | Where-Object Status -EQ 'Completed').TaskId
        foreach ($status in 'Completed', 'task_done') {
            $completed = @(Get-CdnTask -Status $status -All)
            $completed.Count | Should -BeGreaterOrEqual $completedBefore.Count
            @($completed | Where-Object Status -NE 'Completed') | Should -BeNullOrEmpty
            @($completedBefore | Where-Object { $_ -notin $completed.TaskId }) | Should -BeNullOrEmpty
        }
        { Get-CdnTask -Status Sleeping } | Should -Throw -ErrorId 'ParameterArgumentValidationError,CdnTasks.Commands.GetCdnTaskCommand'
    }
}

Describe 'Completion and validation that match' {
    It 'Get-CdnTask -SortBy completes one spelling per value' {
        $result = TabExpansion2 -inputScript 'Get-CdnTask -SortBy ' -cursorColumn 20
        @($result.CompletionMatches.CompletionText) | Should -Be @('CreateTime', 'TaskType', 'Total', 'Processing', 'Succeeded', 'Failed')
    }

    It 'Import-CdnCache -FileType does not offer Directory' {
        $result = TabExpansion2 -inputScript 'Import-CdnCache -FileType ' -cursorColumn 26
        @($result.CompletionMatches.CompletionText) | Should -Be @('File')
    }

    It 'Get-CdnQuota -Type completes the quota types and Set-CdnConfig -RateLimit its words' {
        $result = TabExpansion2 -inputScript 'Get-CdnQuota -Type ' -cursorColumn 19
        @($result.CompletionMatches.CompletionText) | Should -Contain 'FilePurge'
        @($result.CompletionMatches.CompletionText) | Should -Contain 'Prefetch'
        $result = TabExpansion2 -inputScript 'Set-CdnConfig -RateLimit ' -cursorColumn 25
        @($result.CompletionMatches.CompletionText) | Should -Be @('default', 'off')
    }

    It 'Get-CdnQuota -Type foo is an error, not silence; the service''s name of a type works too' {
        $quotas = Get-CdnQuota -Type foo, FilePurge -ErrorVariable failures -ErrorAction SilentlyContinue
        $quotas.Type | Should -Be 'FilePurge'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'QuotaTypeNotFound,CdnTasks.Commands.GetCdnQuotaCommand'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        (Get-CdnQuota -Type file_refresh).Type | Should -Be 'FilePurge'
        Get-CdnQuota -Type 'nothing*' -ErrorVariable none | Should -BeNullOrEmpty
        $none | Should -BeNullOrEmpty
    }
}
