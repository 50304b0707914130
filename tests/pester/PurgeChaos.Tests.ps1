# Copyright (c) CdnTasks contributors. MIT License.
#
# Purges under faults, end to end against the real emulator process. A purge POST is retried only when the
# request certainly was not processed (429, connection refused); after any other failure the cmdlet does not
# resubmit, writes a non-terminating error whose TargetObject is exactly that request's URLs and which says
# how to check them, and still sends the other requests of the batch and writes their tasks.
# The multi-batch chaos runs print their figures with Write-Host.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    # Rate limits off at both ends (the scripted request numbers must not shift) and no Retry-After on injected 429s
    # (fast retries); quotas large enough for every run;
    # a "slow" fault lasts 3 s, longer than the client timeout used with it.
    $script:emulator = Start-CdnEmulator -Records 10 -ArgumentList @(
        '--RateLimit', 'false', '--RetryAfterSeconds', '0', '--TaskSeconds', '2', '--SlowFaultSeconds', '3',
        '--QuotaFileRefresh', '1000000', '--QuotaDirRefresh', '100000', '--QuotaPreheat', '100000')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:tuning = 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_MAX_RETRY', 'CDNTASKS_RETRY_BASE_DELAY_MS', 'CDNTASKS_MAX_RETRY_DELAY_SEC', 'CDNTASKS_TIMEOUT_SEC', 'CDNTASKS_ENDPOINT'
    $script:savedTuning = @{}
    foreach ($name in $tuning) { $savedTuning[$name] = [Environment]::GetEnvironmentVariable($name) }

    function Set-Tuning([hashtable] $Values) {
        foreach ($name in $tuning) { if ($name -ne 'CDNTASKS_ENDPOINT') { [Environment]::SetEnvironmentVariable($name, $null) } }
        [Environment]::SetEnvironmentVariable('CDNTASKS_RATE_LIMIT', 'off')
        [Environment]::SetEnvironmentVariable('CDNTASKS_RETRY_BASE_DELAY_MS', '10')
        foreach ($key in $Values.Keys) { [Environment]::SetEnvironmentVariable($key, [string]$Values[$key]) }
    }

    # The tasks created through POST (id, file_type, urls), as the emulator recorded them.
    function Get-CreatedTask { @((Invoke-RestMethod -NoProxy "$($emulator.Url)/_emulator/tasks").tasks) }

    # URL -> number of created tasks holding it, over the given tasks.
    function Get-UrlTaskCount($Tasks) {
        $count = [System.Collections.Generic.Dictionary[string, int]]::new([StringComparer]::Ordinal)
        foreach ($task in $Tasks) { foreach ($url in $task.urls) { $count[$url] = 1 + $(if ($count.ContainsKey($url)) { $count[$url] } else { 0 }) } }
        , $count
    }

    function New-Urls([int] $Count, [string] $Prefix) { 1..$Count | ForEach-Object { "https://www.example.com/$Prefix/$_.js" } }
    function New-Directories([int] $Count, [string] $Prefix) {
        1..$Count | ForEach-Object { [pscustomobject]@{ Url = "https://www.example.com/$Prefix/d$_/"; FileType = 'directory' } }
    }

    # Runs Clear-CdnCache -Force over $Items with -Verbose and returns what came out, by kind.
    function Invoke-Purge($Items, [hashtable] $Extra = @{}) {
        $failures = $null
        $warnings = $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = $Items | Clear-CdnCache -Force -Verbose @Extra -ErrorVariable failures -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction SilentlyContinue 4>&1
        $clock.Stop()
        [pscustomobject]@{
            Tasks    = @($output | Where-Object { $_ -is [CdnTasks.CdnTask] })
            Errors   = @($failures)
            Warnings = @($warnings)
            Retries  = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Retrying *' }).Count
            Seconds  = $clock.Elapsed.TotalSeconds
        }
    }
}

AfterAll {
    foreach ($name in $savedTuning.Keys) { [Environment]::SetEnvironmentVariable($name, $savedTuning[$name]) }
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Clear-CdnCache: one fault in the second of three requests' {
    BeforeEach {
        Set-Tuning @{ CDNTASKS_MAX_RETRY = 3 }
        Clear-CdnEmulatorFaults $emulator
        Reset-CdnEmulatorStats $emulator
    }
    AfterEach { Clear-CdnEmulatorFaults $emulator }

    It 'retries a throttled request (<Script>) and creates exactly one task for it' -TestCases @(
        @{ Script = '2:429'; Retries = 1 }
        @{ Script = '2:429,3:429'; Retries = 2 }
    ) {
        $prefix = "throttled$Retries"
        $before = Get-CreatedTask
        Set-CdnEmulatorFaults $emulator -Script $Script
        $urls = @(New-Urls 2500 $prefix)
        $run = Invoke-Purge $urls

        $run.Errors | Should -BeNullOrEmpty
        $run.Tasks | Should -HaveCount 3
        @($run.Tasks.Total) | Should -Be @(1000, 1000, 500)
        $run.Retries | Should -Be $Retries
        $run.Warnings | Should -HaveCount 1
        (Get-CdnEmulatorStats $emulator).requests.'refresh-tasks' | Should -Be (3 + $Retries)
        $new = @(Get-CreatedTask | Where-Object { $_.id -notin $before.id })
        $new | Should -HaveCount 3
        @($new.id | Sort-Object) | Should -Be @($run.Tasks.TaskId | ForEach-Object { "$_" } | Sort-Object)
        $counts = Get-UrlTaskCount $new
        $counts.Count | Should -Be 2500
        @($counts.Values | Where-Object { $_ -ne 1 }) | Should -BeNullOrEmpty
    }

    It 'does not resubmit after <Kind>: one error with exactly that request''s URLs, the other tasks written' -TestCases @(
        @{ Kind = '502post'; ErrorId = 'CdnApi.APIGW.0201'; Category = 'ConnectionError'; Processed = 1; Timeout = $null }
        @{ Kind = '504post'; ErrorId = 'CdnApi.APIGW.0201'; Category = 'ConnectionError'; Processed = 1; Timeout = $null }
        @{ Kind = '503'; ErrorId = 'CdnApi.APIGW.0613'; Category = 'ConnectionError'; Processed = 0; Timeout = $null }
        @{ Kind = '500'; ErrorId = 'CdnApi.CDN.0000'; Category = 'ConnectionError'; Processed = 0; Timeout = $null }
        @{ Kind = 'html'; ErrorId = 'CdnApi.HTTP502'; Category = 'ConnectionError'; Processed = 0; Timeout = $null }
        @{ Kind = 'truncate'; ErrorId = 'CdnApi.MalformedResponse'; Category = 'InvalidResult'; Processed = 0; Timeout = $null }
        @{ Kind = 'slow'; ErrorId = 'CdnApi.Timeout'; Category = 'OperationTimeout'; Processed = 0; Timeout = 1 }
    ) {
        if ($Timeout) { Set-Tuning @{ CDNTASKS_MAX_RETRY = 3; CDNTASKS_TIMEOUT_SEC = $Timeout } }
        $before = Get-CreatedTask
        Set-CdnEmulatorFaults $emulator -Script "2:$Kind"
        $urls = @(New-Urls 2500 "ambiguous-$Kind")
        $run = Invoke-Purge $urls

        # Not resubmitted: three requests in all, no retry.
        (Get-CdnEmulatorStats $emulator).requests.'refresh-tasks' | Should -Be 3
        $run.Retries | Should -Be 0
        $run.Tasks | Should -HaveCount 2

        $run.Errors | Should -HaveCount 1
        $failure = $run.Errors[0]
        $failure.FullyQualifiedErrorId | Should -Be "$ErrorId,CdnTasks.Commands.ClearCdnCacheCommand"
        $failure.CategoryInfo.Category | Should -Be $Category
        $failure.Exception.MayHaveBeenProcessed | Should -BeTrue
        $failure.Exception.Attempts | Should -Be 1
        # The first request goes alone (nothing answered yet); the second and third go out together, so the emulator's
        # second request is either of them. The error carries exactly that request's URLs, the tasks the other two.
        $batches = @{ 1 = @($urls[0..999]); 2 = @($urls[1000..1999]); 3 = @($urls[2000..2499]) }
        $failed = if (@($failure.TargetObject)[0] -eq $urls[1000]) { 2 } else { 3 }
        @($failure.TargetObject) | Should -Be $batches[$failed]
        $failure.ErrorDetails.Message | Should -Match "Request $failed of 3 \($($batches[$failed].Count) file URLs"
        $failure.ErrorDetails.Message | Should -Match 'may have been submitted'
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Get-CdnUrlTask -Url '$($batches[$failed][0])'"))
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape('$e.TargetObject | Clear-CdnCache (with $e this error'))
        $others = @(1, 2, 3 | Where-Object { $_ -ne $failed })
        @($run.Tasks.Total) | Should -Be @($others | ForEach-Object { $batches[$_].Count })

        # What the emulator holds: the two written tasks, plus the ambiguous one when it was processed.
        if ($Kind -eq 'slow') { Start-Sleep -Seconds 4 }   # past the emulator's slow delay
        $new = @(Get-CreatedTask | Where-Object { $_.id -notin $before.id })
        $new | Should -HaveCount (2 + $Processed)
        $counts = Get-UrlTaskCount $new
        @($counts.Values | Where-Object { $_ -ne 1 }) | Should -BeNullOrEmpty
        @($batches[$failed] | Where-Object { $counts.ContainsKey($_) }).Count | Should -Be ($batches[$failed].Count * $Processed)
        @($others | ForEach-Object { $batches[$_] } | Where-Object { -not $counts.ContainsKey($_) }) | Should -BeNullOrEmpty
        # Each written task holds exactly the URLs of its request, in input order.
        $byId = @{}; foreach ($task in $new) { $byId[$task.id] = $task }
        for ($i = 0; $i -lt 2; $i++) { @($byId["$($run.Tasks[$i].TaskId)"].urls) | Should -Be $batches[$others[$i]] }
    }

    It 'with -Wait still waits for and writes the tasks of the other requests' {
        Set-CdnEmulatorFaults $emulator -Script '2:502post'
        $urls = @(New-Urls 2500 'ambiguous-wait')
        $run = Invoke-Purge $urls @{ Wait = $true; PollIntervalSec = 0.5; Timeout = 60 }
        # Task errors for failed URLs (the emulator fails some) are CdnTaskHasFailedUrls; the request error is the 502.
        $requestErrors = @($run.Errors | Where-Object { $_.FullyQualifiedErrorId -like 'CdnApi.*' })
        $requestErrors | Should -HaveCount 1
        # The second and third requests go out together: either may be the emulator's second.
        $failedFirst = @($requestErrors[0].TargetObject)[0]
        $failedFirst | Should -BeIn $urls[1000], $urls[2000]
        @($requestErrors[0].TargetObject) | Should -Be $(if ($failedFirst -eq $urls[1000]) { @($urls[1000..1999]) } else { @($urls[2000..2499]) })
        $run.Tasks | Should -HaveCount 2
        @($run.Tasks.Status | Sort-Object -Unique) | Should -Be 'Completed'
        @($run.Tasks.Total) | Should -Be $(if ($failedFirst -eq $urls[1000]) { @(1000, 500) } else { @(1000, 1000) })
        (Get-CdnEmulatorStats $emulator).requests.'refresh-tasks' | Should -Be 3
    }

    It 'Import-CdnCache: the same rules, and its hint resubmits with Import-CdnCache' {
        $before = Get-CreatedTask
        Set-CdnEmulatorFaults $emulator -Script '1:429,3:504post'
        $urls = @(New-Urls 1500 'prefetch-faults')
        $failures = $null
        $tasks = $urls | Import-CdnCache -Force -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $tasks | Should -HaveCount 1
        $tasks[0].TaskType | Should -Be 'Prefetch'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0201,CdnTasks.Commands.ImportCdnCacheCommand'
        @($failures[0].TargetObject) | Should -Be @($urls[1000..1499])
        $failures[0].ErrorDetails.Message | Should -Match 'may have been submitted'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Get-CdnUrlTask -Url '$($urls[1000])'"))
        $failures[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape('$e.TargetObject | Import-CdnCache (with $e this error'))
        (Get-CdnEmulatorStats $emulator).requests.'preheating-tasks' | Should -Be 3
        $new = @(Get-CreatedTask | Where-Object { $_.id -notin $before.id })
        $new | Should -HaveCount 2
        @($new | ForEach-Object { $_.task_type } | Sort-Object -Unique) | Should -Be 'preheating'
        $counts = Get-UrlTaskCount $new
        $counts.Count | Should -Be 1500
        @($counts.Values | Where-Object { $_ -ne 1 }) | Should -BeNullOrEmpty
    }

    It 'retries a refused connection and then reports every request as not submitted, with its URLs' {
        # A loopback port nobody listens on: the connection is refused before anything is sent.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        Set-Tuning @{ CDNTASKS_MAX_RETRY = 2; CDNTASKS_ENDPOINT = "http://127.0.0.1:$port" }
        try {
            $items = @(New-Urls 1500 'refused') + @(New-Directories 30 'refused')
            $run = Invoke-Purge $items @{ Mode = 'detect_modify_refresh' }
        }
        finally { [Environment]::SetEnvironmentVariable('CDNTASKS_ENDPOINT', $emulator.Url) }

        $run.Tasks | Should -BeNullOrEmpty
        $run.Retries | Should -Be 6
        $run.Errors | Should -HaveCount 3
        foreach ($failure in $run.Errors) {
            $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.ConnectionRefused,CdnTasks.Commands.ClearCdnCacheCommand'
            $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
            $failure.Exception.MayHaveBeenProcessed | Should -BeFalse
            $failure.Exception.Attempts | Should -Be 3
            $failure.ErrorDetails.Message | Should -Match 'were not submitted'
        }
        @($run.Errors[0].TargetObject) | Should -Be @($items[0..999])
        @($run.Errors[1].TargetObject) | Should -Be @($items[1000..1499])
        @($run.Errors[2].TargetObject) | Should -Be @($items[1500..1529].Url)
        # The resubmit hint carries the request's own options: directories with their mode.
        $run.Errors[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape('$e.TargetObject | Clear-CdnCache (with $e this error'))
        $run.Errors[2].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape('$e.TargetObject | Clear-CdnCache -FileType Directory -Mode DetectModifyRefresh (with'))
        $run.Errors[2].ErrorDetails.RecommendedAction | Should -Not -Match 'Get-CdnUrlTask'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }
}

Describe 'Clear-CdnCache: a multi-batch purge under mixed faults' {
    BeforeAll {
        # File URLs (requests of 1000) and directories (requests of 100), piped together.
        function New-Purge([string] $Prefix, [int] $Files, [int] $Directories) { @(New-Urls $Files $Prefix) + @(New-Directories $Directories $Prefix) }

        # Runs the purge and checks it against the emulator's own record of the tasks it created; returns the figures.
        function Invoke-ChaosPurge([string] $Name, [string] $Prefix, [int] $Files = 5000, [int] $Directories = 250) {
            $items = New-Purge $Prefix $Files $Directories
            $all = @($items | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Url } })
            $before = @((Get-CreatedTask).id)
            Reset-CdnEmulatorStats $emulator
            $run = Invoke-Purge $items
            $stats = Get-CdnEmulatorStats $emulator
            Clear-CdnEmulatorFaults $emulator
            $created = @(Get-CreatedTask | Where-Object { $_.id -notin $before })
            $byId = @{}
            foreach ($task in $created) { $byId[$task.id] = $task }
            $inCreated = Get-UrlTaskCount $created
            $written = [System.Collections.Generic.List[string]]::new()
            foreach ($task in $run.Tasks) { if ($byId.ContainsKey("$($task.TaskId)")) { $written.AddRange([string[]]@($byId["$($task.TaskId)"].urls)) } }
            $inErrors = [System.Collections.Generic.List[string]]::new()
            foreach ($failure in $run.Errors) { $inErrors.AddRange([string[]]@($failure.TargetObject)) }
            $processedInErrors = @($inErrors | Where-Object { $inCreated.ContainsKey($_) }).Count

            $figures = [pscustomobject]@{
                Name               = $Name
                Batches            = [math]::Ceiling($Files / 1000) + [math]::Ceiling($Directories / 100)
                Requests           = $stats.requests.'refresh-tasks'
                FaultsInjected     = $stats.faultsInjected
                Retries            = $run.Retries
                TasksCreated       = $created.Count
                TasksWritten       = $run.Tasks.Count
                Errors             = $run.Errors.Count
                UrlsIn             = $all.Count
                UrlsSubmitted      = $written.Count
                UrlsFailed         = $inErrors.Count - $processedInErrors
                UrlsAmbiguous      = $processedInErrors
                Seconds            = $run.Seconds
                Run                = $run
                Created            = $created
                InCreated          = $inCreated
                Written            = $written
                InErrors           = $inErrors
                All                = $all
            }
            Write-Host ('Purge chaos ({0}): {1} URLs in {2} requests; HTTP requests {3}, faults injected {4}, client retries {5}; tasks created {6} (written {7}); URLs submitted {8}, failed (in errors, not created) {9}, ambiguous (in errors, created by the service) {10}; errors {11}; {12:0.0} s' -f
                $Name, $figures.UrlsIn, $figures.Batches, $figures.Requests, $figures.FaultsInjected, $figures.Retries, $figures.TasksCreated, $figures.TasksWritten,
                $figures.UrlsSubmitted, $figures.UrlsFailed, $figures.UrlsAmbiguous, $figures.Errors, $figures.Seconds)
            if ($run.Errors.Count -gt 0) {
                Write-Host ('  errors by id: ' + (($run.Errors | Group-Object { ($_.FullyQualifiedErrorId -split ',')[0] + ' (' + $_.CategoryInfo.Category + ')' } |
                    ForEach-Object { '{0} x{1}' -f $_.Name, $_.Count }) -join ', '))
            }
            $figures
        }

        # What must hold after any run, whatever the faults.
        function Assert-PurgeInvariants($Figures) {
            $run = $Figures.Run
            # No URL submitted twice: no URL in two created tasks, no task written twice.
            @($Figures.InCreated.Values | Where-Object { $_ -ne 1 }) | Should -BeNullOrEmpty
            @($run.Tasks.TaskId | Sort-Object -Unique).Count | Should -Be $run.Tasks.Count
            # Every task written was created, and holds exactly the URLs it claims.
            foreach ($task in $run.Tasks) {
                $Figures.Created.id | Should -Contain "$($task.TaskId)"
                @(($Figures.Created | Where-Object id -EQ "$($task.TaskId)").urls).Count | Should -Be $task.Total
            }
            # Every URL is either in exactly one written task or in exactly one error's TargetObject.
            $seen = [System.Collections.Generic.Dictionary[string, int]]::new([StringComparer]::Ordinal)
            foreach ($url in @($Figures.Written) + @($Figures.InErrors)) { $seen[$url] = 1 + $(if ($seen.ContainsKey($url)) { $seen[$url] } else { 0 }) }
            @($seen.Values | Where-Object { $_ -ne 1 }) | Should -BeNullOrEmpty
            $seen.Count | Should -Be $Figures.All.Count
            @($Figures.All | Where-Object { -not $seen.ContainsKey($_) }) | Should -BeNullOrEmpty
            # The service holds exactly the written tasks plus the ones of ambiguous failures it processed.
            $Figures.TasksCreated | Should -Be ($Figures.TasksWritten + @($run.Errors | Where-Object { $Figures.InCreated.ContainsKey(@($_.TargetObject)[0]) }).Count)
            # Every fault was either retried (and cured) or surfaced as exactly one error; no request was resubmitted.
            $Figures.FaultsInjected | Should -Be ($Figures.Retries + $Figures.Errors)
            $Figures.Requests | Should -Be ($Figures.Batches + $Figures.Retries)
            foreach ($failure in $run.Errors) {
                # Only a 429 or a refused connection is retried; anything else on a POST may have been processed.
                $failure.Exception.MayHaveBeenProcessed | Should -BeTrue
                $failure.Exception.Attempts | Should -BeGreaterOrEqual 1
                $failure.ErrorDetails.Message | Should -Match 'may have been submitted'
                $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Get-CdnUrlTask -Url '$(@($failure.TargetObject)[0])'"))
                # An error is about one whole request: its URLs were created together in one task, or not at all.
                $createdHere = @(@($failure.TargetObject) | Where-Object { $Figures.InCreated.ContainsKey($_) }).Count
                $createdHere | Should -BeIn @(0, @($failure.TargetObject).Count)
            }
        }
    }

    BeforeEach {
        Set-Tuning @{ CDNTASKS_MAX_RETRY = 8 }
        Clear-CdnEmulatorFaults $emulator
    }
    AfterEach { Clear-CdnEmulatorFaults $emulator }

    It 'scripted faults: 429s retried, a 503 and a 502post/504post reported with their URLs, nothing submitted twice' {
        # Request numbers (attempts): 1 429 -> batch 1 retried (2), alone: nothing was answered before it. Then the other
        # seven requests go out together, so which of them meets 3 503, 4 429, 5 429, 7 502post, 9 504post and 10 429 is
        # the order of arrival: the counts are fixed, and each error carries exactly its own request's URLs.
        Set-CdnEmulatorFaults $emulator -Script '1:429,3:503,4:429,5:429,7:502post,9:504post,10:429'
        $figures = Invoke-ChaosPurge 'scripted' 'chaos-scripted'
        Assert-PurgeInvariants $figures

        $figures.Requests | Should -Be 12
        $figures.FaultsInjected | Should -Be 7
        $figures.Retries | Should -Be 4
        $figures.TasksWritten | Should -Be 5
        $figures.TasksCreated | Should -Be 7
        $all = $figures.All
        # The eight requests: five of 1000 files, then directories 100, 100, 50.
        $batches = @(0..4 | ForEach-Object { , @($all[($_ * 1000)..($_ * 1000 + 999)]) }) + @(, @($all[5000..5099])) + @(, @($all[5100..5199])) + @(, @($all[5200..5249]))
        $errors = $figures.Run.Errors
        $errors | Should -HaveCount 3
        @($errors | ForEach-Object { [int]$_.Exception.StatusCode } | Sort-Object) | Should -Be @(502, 503, 504)
        $failedBatches = @()
        foreach ($failure in $errors) {
            $number = 1 + [array]::FindIndex([object[]]$batches, [Predicate[object]] { param($b) $b[0] -eq @($failure.TargetObject)[0] })
            $number | Should -BeGreaterThan 1
            $failedBatches += $number
            $batch = $batches[$number - 1]
            @($failure.TargetObject) | Should -Be $batch
            $type = if ($number -le 5) { 'file' } else { 'directory' }
            $failure.ErrorDetails.Message | Should -Match "Request $number of 8 \($($batch.Count) $type URLs"
            $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
            if ($type -eq 'directory') { $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape('Clear-CdnCache -FileType Directory')) }
            if ([int]$failure.Exception.StatusCode -eq 503) {
                # 503 before processing: nothing created.
                $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0613,CdnTasks.Commands.ClearCdnCacheCommand'
                @($batch | Where-Object { $figures.InCreated.ContainsKey($_) }) | Should -BeNullOrEmpty
            }
            else {
                # 502/504 after processing: created once, not resubmitted.
                $failure.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0201,CdnTasks.Commands.ClearCdnCacheCommand'
                @($batch | Where-Object { $figures.InCreated[$_] -eq 1 }).Count | Should -Be $batch.Count
            }
        }
        # Errors and tasks in input order.
        @($failedBatches) | Should -Be @($failedBatches | Sort-Object)
        $writtenBatches = @(1..8 | Where-Object { $_ -notin $failedBatches })
        @($figures.Run.Tasks.Total) | Should -Be @($writtenBatches | ForEach-Object { $batches[$_ - 1].Count })
        @($figures.Run.Tasks.FileType) | Should -BeExactly @($writtenBatches | ForEach-Object { if ($_ -le 5) { 'File' } else { 'Directory' } })
        $figures.UrlsSubmitted + $figures.UrlsFailed + $figures.UrlsAmbiguous | Should -Be 5250
        $figures.Run.Warnings | Should -HaveCount 1
    }

    It 'random faults (35% of requests, seeded): every URL accounted for exactly once, nothing submitted twice' {
        # 15,000 file URLs and 500 directories: 20 requests. The emulator's seeded random makes the run repeatable.
        Set-CdnEmulatorFaults $emulator -Probability 0.35 -Kinds '429', '429', '429', '500', '502', '503', '504', '502post', '504post', 'reset', 'html', 'html200', 'truncate', 'empty'
        $figures = Invoke-ChaosPurge 'random 35%' 'chaos-random' 15000 500
        Assert-PurgeInvariants $figures
        $figures.Batches | Should -Be 20
        $figures.FaultsInjected | Should -BeGreaterThan 5
        $figures.Retries | Should -BeGreaterThan 0
        $figures.Errors | Should -BeGreaterThan 2
        foreach ($failure in $figures.Run.Errors) {
            $failure.FullyQualifiedErrorId | Should -BeIn @(
                'CdnApi.CDN.0000,CdnTasks.Commands.ClearCdnCacheCommand'
                'CdnApi.APIGW.0201,CdnTasks.Commands.ClearCdnCacheCommand'
                'CdnApi.APIGW.0613,CdnTasks.Commands.ClearCdnCacheCommand'
                'CdnApi.HTTP502,CdnTasks.Commands.ClearCdnCacheCommand'
                'CdnApi.ConnectionFailed,CdnTasks.Commands.ClearCdnCacheCommand'
                'CdnApi.MalformedResponse,CdnTasks.Commands.ClearCdnCacheCommand')
            $expected = if ($failure.Exception.Kind -eq 'MalformedResponse' -and $failure.Exception.StatusCode -lt 400) { 'InvalidResult' } else { 'ConnectionError' }
            $failure.CategoryInfo.Category | Should -Be $expected
            # Only the processed-then-failed faults (502post, 504post) leave a task behind.
            if ($figures.InCreated.ContainsKey(@($failure.TargetObject)[0])) { [int]$failure.Exception.StatusCode | Should -BeIn 502, 504 }
        }
    }
}
