# Copyright (c) CdnTasks contributors. MIT License.
#
# Get-CdnTask, Get-CdnUrlTask -TaskId, Wait-CdnTask and Get-CdnQuota against the real emulator.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    # Every created URL fails: failure reporting is what these tests look at.
    $script:emulator = Start-CdnEmulator -Records 2000 -Days 3 -ArgumentList '--TaskSeconds', '2', '--FailureRate', '1.0'
    $script:restore = Use-CdnEmulatorEnvironment $emulator

    function New-Urls([int] $Count, [string] $Prefix) { 1..$Count | ForEach-Object { "https://www.example.com/$Prefix/$_.js" } }

    # Runs a script in a fresh in-process PowerShell with the module and the emulator environment (the
    # environment variables are process-wide), and returns the PowerShell instance for its streams.
    function New-InProcessPowerShell {
        $ps = [powershell]::Create()
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', $env:CDNTASKS_MODULE_MANIFEST).AddStatement()
        $ps
    }
}

AfterAll {
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Get-CdnQuota' {
    It 'writes typed quotas FilePurge, DirectoryPurge and Prefetch (file_refresh, dir_refresh, preheat) that count down as URLs are submitted' {
        $before = Get-CdnQuota
        $before | Should -BeOfType ([CdnTasks.CdnQuota])
        # The service answers every quota type; the purge and prefetch ones come first.
        @($before.Type)[0..2] | Should -Be @('FilePurge', 'DirectoryPurge', 'Prefetch')
        @($before.Type) | Should -Contain 'Domain'
        foreach ($q in $before) { $q.Remaining | Should -Be ($q.Limit - $q.Used) }
        $null = New-Urls 7 'quota' | Clear-CdnCache
        $after = Get-CdnQuota -Type FilePurge
        $after.Used | Should -Be ((@($before | Where-Object Type -EQ 'FilePurge')[0]).Used + 7)
        (Get-CdnQuota -Type '*Purge').Type | Should -Be @('FilePurge', 'DirectoryPurge')
        (Get-CdnQuota -Type '*refresh').Type | Should -Be @('FilePurge', 'DirectoryPurge')
    }
}

Describe 'Get-CdnTask' {
    BeforeAll {
        $script:mine = @(New-Urls 3 'list-a' | Clear-CdnCache) + @(Import-CdnCache -Url 'https://www.example.com/list/big.iso')
    }

    It 'exports every task of the last 7 days to CSV (Get-CdnTask -StartTime (Get-Date).AddDays(-7) -All | Export-Csv)' {
        $total = (Get-CdnTask -StartTime (Get-Date).AddDays(-7) -IncludeTotalCount -First 0 | Select-Object -First 1).ToString()
        Get-CdnTask -StartTime (Get-Date).AddDays(-7) -All | Export-Csv -Path "$TestDrive/tasks.csv" -NoTypeInformation
        $rows = Import-Csv "$TestDrive/tasks.csv"
        $rows.Count | Should -BeGreaterThan 100
        "Total count: $($rows.Count)" | Should -Be $total
        @($rows.TaskId | Select-Object -Unique).Count | Should -Be $rows.Count
        ($rows[0].PSObject.Properties.Name -join ',') | Should -Be 'TaskId,TaskType,Status,FileType,Processing,Succeeded,Failed,Total,CreateTime,CreateTimeUtc'
        foreach ($t in $mine) { $rows.TaskId | Should -Contain "$($t.TaskId)" }
    }

    It 'returns every task by default (up to 10,000), with no warning when that is all' {
        $all = @(Get-CdnTask -All -PageSize 50)
        $tasks = @(Get-CdnTask -PageSize 50 -WarningVariable warnings -WarningAction SilentlyContinue)
        $tasks.Count | Should -BeGreaterThan 50
        $tasks.Count | Should -BeGreaterOrEqual $all.Count
        $warnings | Should -HaveCount 0
    }

    It 'pages with -First and -Skip like the full list, newest first' {
        $all = @(Get-CdnTask -All -PageSize 50)
        $some = @(Get-CdnTask -First 7 -Skip 3 -PageSize 5)
        @($some.TaskId) | Should -Be @($all[3..9].TaskId)
        $all[0].CreateTime | Should -BeGreaterOrEqual $all[-1].CreateTime
    }

    It 'filters by status, task type and file type' {
        @(Get-CdnTask -TaskType Prefetch -All).TaskType | Sort-Object -Unique | Should -BeExactly 'Prefetch'
        @(Get-CdnTask -TaskType preheating -All).TaskType | Sort-Object -Unique | Should -BeExactly 'Prefetch'
        @(Get-CdnTask -FileType Directory -All).FileType | Sort-Object -Unique | Should -BeExactly 'Directory'
        @(Get-CdnTask -Status Completed -All).Status | Sort-Object -Unique | Should -BeExactly 'Completed'
        @(Get-CdnTask -Status Done -All).Status | Sort-Object -Unique | Should -BeExactly 'Completed'
    }

    It 'sorts on the service with -SortBy and -Descending' {
        $tasks = @(Get-CdnTask -SortBy Total -Descending -First 30)
        @($tasks.Total) | Should -Be @($tasks.Total | Sort-Object -Descending)
        $ascending = @(Get-CdnTask -SortBy CreateTime -First 30)
        @($ascending.CreateTime) | Should -Be @($ascending.CreateTime | Sort-Object)
    }

    It 'returns one task with its counts with -TaskId (or -Id), and binds tasks and URL records from the pipeline' {
        $task = Get-CdnTask -TaskId $mine[0].TaskId
        $task.TaskId | Should -Be $mine[0].TaskId
        $task.Total | Should -Be 3
        ($task.Processing + $task.Succeeded + $task.Failed) | Should -Be 3
        (Get-CdnTask -Id $mine[0].TaskId).TaskId | Should -Be $mine[0].TaskId
        @($mine | Get-CdnTask).TaskId | Should -Be @($mine.TaskId)
        @($mine[0] | Get-CdnUrlTask | Select-Object -First 1 | Get-CdnTask).TaskId | Should -Be $mine[0].TaskId
    }

    It 'reports an unknown id as a non-terminating error and goes on' {
        $found = Get-CdnTask -TaskId '999999999', $mine[0].TaskId -ErrorVariable failures -ErrorAction SilentlyContinue
        $found.TaskId | Should -Be $mine[0].TaskId
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnApi.CDN.0003,CdnTasks.Commands.GetCdnTaskCommand'
        $failures[0].TargetObject | Should -Be '999999999'
    }
}

Describe 'Get-CdnTask without -FileType' {
    It 'writes the directory tasks too (the service answers file tasks only unless asked), file tasks first' {
        $null = Clear-CdnCache -Url 'https://www.example.com/dir-a/', 'https://www.example.com/dir-b/' -FileType Directory
        $epoch = New-CdnEmulatorEpoch $emulator
        $files = (Get-CdnEmulatorOracle $emulator -Since $epoch -Api ShowHistoryTasks -Query @{ file_type = 'file' }).stableCount
        $directories = (Get-CdnEmulatorOracle $emulator -Since $epoch -Api ShowHistoryTasks -Query @{ file_type = 'directory' }).stableCount
        $directories | Should -BeGreaterThan 0

        $all = @(Get-CdnTask -All)
        $all.Count | Should -Be ($files + $directories)
        @($all.FileType | Select-Object -Unique) | Should -Be @('File', 'Directory')
        (Get-CdnTask -IncludeTotalCount -First 0 | Select-Object -First 1).ToString() | Should -Be "Total count: $($files + $directories)"
        @(Get-CdnTask -FileType File -All).Count | Should -Be $files
    }
}

Describe 'Tasks older than 7 days' {
    It 'are found by -TaskId up to the 15 days the service keeps (it looks 7 days back unless told)' {
        $seeded = Add-CdnEmulatorRecord $emulator -Url 'https://www.example.com/old/1.js', 'https://www.example.com/old/2.js' -Status failed -CreateTime (Get-Date).AddDays(-10)
        $id = @($seeded.task_ids)[0]
        (Get-CdnTask -TaskId $id).Total | Should -Be 2
        @(Get-CdnUrlTask -TaskId $id).Url | Sort-Object | Should -Be @('https://www.example.com/old/1.js', 'https://www.example.com/old/2.js')
    }
}

Describe 'Get-CdnUrlTask -TaskId' {
    BeforeAll {
        $script:urls = New-Urls 4 'detail'
        $script:task = $urls | Clear-CdnCache
    }

    It 'writes the URL records of a piped task ($task | Get-CdnUrlTask)' {
        $records = $task | Get-CdnUrlTask
        $records | Should -BeOfType ([CdnTasks.CdnUrlTaskDetail])
        @($records.Url) | Should -Be @($urls)
        @($records.TaskId | Sort-Object -Unique) | Should -Be $task.TaskId
        @($records.TaskType | Sort-Object -Unique) | Should -BeExactly 'Purge'
        @($records.FileType | Sort-Object -Unique) | Should -BeExactly 'File'
    }

    It 'carries FailureClass and FailureReason for failed URLs, and filters by status and URL' {
        $null = $task | Wait-CdnTask -ErrorAction SilentlyContinue
        $failed = Get-CdnUrlTask -TaskId $task.TaskId -Status Failed
        $failed | Should -HaveCount 4
        foreach ($r in $failed) {
            $r.Status | Should -BeExactly 'Failed'
            $r.FailureClass | Should -BeIn 'OriginError', 'InnerError', 'UnknownError'
            $r.FailureReason | Should -Not -BeNullOrEmpty
        }
        (Get-CdnUrlTask -TaskId $task.TaskId -Url $urls[2]).Url | Should -Be $urls[2]
        Get-CdnUrlTask -TaskId $task.TaskId -Status Succeeded | Should -BeNullOrEmpty
        Get-CdnUrlTask -TaskId $task.TaskId -Status succeed | Should -BeNullOrEmpty
    }

    It 'pages: every URL record by default (a task has at most 1,000, under the 10,000 limit), the same with -All' {
        $big = New-Urls 25 'detail-big' | Clear-CdnCache
        $page = $big | Get-CdnUrlTask -PageSize 10 -WarningVariable warnings -WarningAction SilentlyContinue
        @($page.Url) | Should -Be @(New-Urls 25 'detail-big')
        $warnings | Should -HaveCount 0
        $all = $big | Get-CdnUrlTask -PageSize 10 -All
        @($all.Url) | Should -Be @(New-Urls 25 'detail-big')
        @(Get-CdnUrlTask -TaskId $big.TaskId -First 5 -Skip 20 -PageSize 10).Url | Should -Be @((New-Urls 25 'detail-big')[20..24])
    }

    It 're-purges the failed URLs of a task' {
        $again = Get-CdnUrlTask -TaskId $task.TaskId -Status Failed -All | Clear-CdnCache
        $again.Total | Should -Be 4
    }
}

Describe 'Wait-CdnTask' {
    It 'waits for several tasks, writes them finished, and reports failed URLs as non-terminating errors' {
        $tasks = @(New-Urls 2 'wait-a' | Clear-CdnCache) + @(Clear-CdnCache -Url 'https://www.example.com/wait-b/' -FileType directory)
        $done = $tasks | Wait-CdnTask -PollIntervalSec 0.5 -ErrorVariable failures -ErrorAction SilentlyContinue
        $done | Should -HaveCount 2
        @($done.Status | Sort-Object -Unique) | Should -Be 'Completed'
        @($done.TaskId | Sort-Object) | Should -Be @($tasks.TaskId | Sort-Object)
        @($done | Sort-Object TaskId).Total | Should -Be @(($tasks | Sort-Object TaskId).Total)
        $failures | Should -HaveCount 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnTaskHasFailedUrls,CdnTasks.Commands.WaitCdnTaskCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failures[0].TargetObject | Should -BeOfType ([CdnTasks.CdnTask])
        $failures[0].Exception.Message | Should -Match "finished with \d+ of \d+ URLs failed"
        $failures[0].Exception.Message | Should -Match ([regex]::Escape("Get-CdnUrlTask -TaskId $($failures[0].TargetObject.TaskId) -Status Failed"))
    }

    It 'makes -ErrorAction Stop throw for a task with failed URLs' {
        $task = Clear-CdnCache -Url 'https://www.example.com/wait-stop/a.js'
        { Wait-CdnTask -TaskId $task.TaskId -ErrorAction Stop } | Should -Throw -ErrorId 'CdnTaskHasFailedUrls,CdnTasks.Commands.WaitCdnTaskCommand'
    }

    It 'Clear-CdnCache -Wait reports failed URLs the same way' {
        $done = New-Urls 2 'wait-inline' | Clear-CdnCache -Wait -ErrorVariable failures -ErrorAction SilentlyContinue
        $done.Status | Should -Be 'Completed'
        $done.Failed | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnTaskHasFailedUrls,CdnTasks.Commands.ClearCdnCacheCommand'
    }

    It 'times out with an OperationTimeout error that names the tasks still running' {
        $tasks = @(New-Urls 2 'timeout-a' | Clear-CdnCache) + @(New-Urls 2 'timeout-b' | Import-CdnCache)
        $err = $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        try { $tasks | Wait-CdnTask -Timeout 0.5 -PollIntervalSec 0.2 -ErrorAction Stop } catch { $err = $_ }
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 1.9
        $err.FullyQualifiedErrorId | Should -Be 'CdnTaskWaitTimeout,CdnTasks.Commands.WaitCdnTaskCommand'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        @($err.TargetObject) | Should -Be @($tasks.TaskId)
        foreach ($t in $tasks) { $err.Exception.Message | Should -Match $t.TaskId }
    }

    It 'accepts -Timeout as a TimeSpan' {
        $task = Clear-CdnCache -Url 'https://www.example.com/timespan/a.js'
        { Wait-CdnTask -TaskId $task.TaskId -Timeout ([timespan]::FromMilliseconds(300)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'CdnTaskWaitTimeout,CdnTasks.Commands.WaitCdnTaskCommand'
    }

    It 'writes one progress record per task with processing, succeeded and failed counts under a parent activity' {
        $tasks = @(New-Urls 3 'progress-a' | Clear-CdnCache) + @(New-Urls 2 'progress-b' | Clear-CdnCache)
        $ps = New-InProcessPowerShell
        $null = $ps.AddCommand('Wait-CdnTask').AddParameter('TaskId', [string[]]$tasks.TaskId).AddParameter('PollIntervalSec', 0.3).AddParameter('ErrorAction', 'SilentlyContinue')
        $out = $ps.Invoke()
        $out | Should -HaveCount 2
        $progress = @($ps.Streams.Progress)
        $parent = @($progress | Where-Object { $_.Activity -eq 'Wait-CdnTask' })
        $parent.Count | Should -BeGreaterThan 0
        foreach ($t in $tasks) {
            $mine = @($progress | Where-Object { $_.Activity -like "CDN task $($t.TaskId) *" -and $_.RecordType -eq 'Processing' })
            $mine.Count | Should -BeGreaterThan 0
            $mine[0].ParentActivityId | Should -Be $parent[0].ActivityId
            $mine[0].StatusDescription | Should -Match '\d+ processing, \d+ succeeded, \d+ failed of \d+'
        }
        @($progress.ActivityId | Sort-Object -Unique).Count | Should -Be 3
        $ps.Dispose()
    }

    It 'learns the state of many tasks from one ShowHistoryTasks request a round, and asks for details only to name failed URLs' {
        # 30 running tasks (every URL fails here). Each round is one list request over the tasks' time span; each task,
        # once finished, gets one detail request that names its failed URLs.
        $tasks = @(1..30 | ForEach-Object { Clear-CdnCache -Url "https://www.example.com/list-poll/$_.js", "https://www.example.com/list-poll/$_.css" })
        Reset-CdnEmulatorStats $emulator
        $all = $tasks | Wait-CdnTask -PollIntervalSec 0.5 -ErrorVariable failures -ErrorAction SilentlyContinue -Verbose 4>&1
        $done = @($all | Where-Object { $_ -is [CdnTasks.CdnTask] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Poll round *' })
        $done | Should -HaveCount 30
        @($done.TaskId) | Should -Be @($tasks.TaskId)
        $rounds = @($verbose).Count
        $rounds | Should -BeGreaterThan 0
        $stats = Get-CdnEmulatorStats $emulator
        $stats.requests.historytasks | Should -Be $rounds
        $stats.requests.'historytask-detail' | Should -Be 30
        $failures | Should -HaveCount 30
        foreach ($failure in $failures) {
            $failure.FullyQualifiedErrorId | Should -Be 'CdnTaskHasFailedUrls,CdnTasks.Commands.WaitCdnTaskCommand'
            $n = [array]::IndexOf([long[]]$tasks.TaskId, $failure.TargetObject.TaskId) + 1
            $failure.Exception.Message | Should -Match "finished with 2 of 2 URLs failed\. .*list-poll/$n\.(js|css) \("
        }
    }

    It 'finds tasks known only by id on the newest page of each file type, and tasks outside their given time by id' {
        $file = Clear-CdnCache -Url 'https://www.example.com/bare/a.js'
        $directory = Clear-CdnCache -Url 'https://www.example.com/bare/d/' -FileType Directory
        $misdated = [pscustomobject]@{ TaskId = (Clear-CdnCache -Url 'https://www.example.com/bare/b.js').TaskId; CreateTimeUtc = [datetime]::UtcNow.AddHours(-3); FileType = 'File' }
        Reset-CdnEmulatorStats $emulator
        $all = Wait-CdnTask -TaskId $file.TaskId, $directory.TaskId -PollIntervalSec 0.5 -ErrorAction SilentlyContinue -Verbose 4>&1
        $done = @($all | Where-Object { $_ -is [CdnTasks.CdnTask] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Poll round *' })
        $done | Should -HaveCount 2
        # Round 1: the newest page of files and of directories, no detail request to find them.
        $verbose[0].Message | Should -Match '2 ShowHistoryTasks and 0 ShowHistoryTaskDetails requests'

        $all = $misdated | Wait-CdnTask -PollIntervalSec 0.5 -ErrorAction SilentlyContinue -Verbose 4>&1
        $late = @($all | Where-Object { $_ -is [CdnTasks.CdnTask] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Poll round *' })
        $late.TaskId | Should -Be $misdated.TaskId
        $verbose[0].Message | Should -Match '1 ShowHistoryTasks and [12] ShowHistoryTaskDetails requests'
    }

    It 'stops within a second on Ctrl+C (PowerShell.Stop)' {
        $task = Clear-CdnCache -Url 'https://www.example.com/stop/a.js'
        $ps = New-InProcessPowerShell
        $null = $ps.AddCommand('Wait-CdnTask').AddParameter('TaskId', "$($task.TaskId)").AddParameter('PollIntervalSec', 60)
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 700
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
    }
}
