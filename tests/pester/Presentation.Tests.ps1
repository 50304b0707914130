# Copyright (c) CdnTasks contributors. MIT License.
#
# What the user sees around the objects: Write-Progress of the long-running commands (and silence when
# $ProgressPreference says so), tab completion of the closed sets, and a format view for every output
# type, all against the BUILT module.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $module = Import-CdnTasksModule

    # The closed sets and what completion must offer for them: one spelling per value, the module's word.
    $closedSets = @{
        Region   = @('ap-southeast-1', 'cn-north-1', 'eu-west-101')
        Status   = @('Failed', 'Prefetching', 'Processing', 'Purging', 'Succeeded', 'Waiting')
        TaskType = @('Prefetch', 'Purge')
        FileType = @('Directory', 'File')
        Mode     = @('All', 'DetectModifyRefresh')
        SortBy   = @('CreateTime', 'Failed', 'Processing', 'Succeeded', 'TaskType', 'Total')
    }
    # Task-level status (Get-CdnTask) is a different set from the URL-level status; prefetch takes files only.
    $perCommand = @{
        'Get-CdnTask:Status'       = @('Completed', 'Running')
        'Import-CdnCache:FileType' = @('File')
        'Set-CdnConfig:RateLimit'  = @('default', 'off')
    }

    $script:completionCases = foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
        foreach ($parameter in $command.Parameters.Values | Sort-Object Name) {
            # A hidden parameter (DontShow: bound only from piped objects, as Wait-CdnTask's -FileType) is not offered.
            if (-not @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and -not $_.DontShow })) { continue }
            # Any other closed set (a [ValidateSet]) must complete to exactly its values.
            $validateSet = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
            $expected = if ($perCommand.ContainsKey("$($command.Name):$($parameter.Name)")) { $perCommand["$($command.Name):$($parameter.Name)"] }
            elseif ($closedSets.ContainsKey($parameter.Name)) { $closedSets[$parameter.Name] }
            elseif ($validateSet) { $validateSet[0].ValidValues }
            if (-not $expected) { continue }
            @{ Command = $command.Name; Parameter = $parameter.Name; Expected = @($expected) }
        }
    }

    $script:outputTypeCases = foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
        foreach ($type in $command.OutputType.Type | Where-Object { $_ } | Sort-Object FullName -Unique) {
            @{ Command = $command.Name; TypeName = $type.FullName }
        }
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:module = Import-CdnTasksModule
    $script:formatFile = Join-Path (Split-Path -Parent $env:CDNTASKS_MODULE_MANIFEST) 'CdnTasks.Format.ps1xml'
    $script:views = @(([xml](Get-Content -Raw $formatFile)).Configuration.ViewDefinitions.View)

    # A small data set served slowly enough (20 ms a request, one request at a time) that an -All run takes
    # well over a second: progress is reported at most four times a second.
    $script:emulator = Start-CdnEmulator -Records 400 -Days 1 -ArgumentList @('--RateLimit', 'false', '--LatencyMs', '20', '--TaskSeconds', '2', '--FailureRate', '0')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:savedVariables = @{}
    foreach ($name in 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_CONCURRENCY') { $savedVariables[$name] = [Environment]::GetEnvironmentVariable($name) }
    $env:CDNTASKS_RATE_LIMIT = '0'
    $env:CDNTASKS_CONCURRENCY = '1'

    # Runs a script in a new in-process PowerShell with the built module; returns its output and streams.
    function Invoke-InProcess([string] $Script) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$($env:CDNTASKS_MODULE_MANIFEST)' -ErrorAction Stop`n$Script")
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = @($output); Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error); Warnings = @($ps.Streams.Warning) }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    foreach ($name in $savedVariables.Keys) { [Environment]::SetEnvironmentVariable($name, $savedVariables[$name]) }
    & $restore
    Stop-CdnEmulator $emulator
}

Describe 'Get-CdnUrlTask -All progress' {
    BeforeAll {
        $script:run = Invoke-InProcess 'Get-CdnUrlTask -All -PageSize 10'
        $script:expectedCount = Get-CdnEmulatorCount $emulator -Query @{
            start_time = [DateTimeOffset]::UtcNow.AddDays(-1).ToUnixTimeMilliseconds(); end_time = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }
    }

    It 'returns the records without errors' {
        $run.Errors | Should -BeNullOrEmpty
        $run.Output.Count | Should -BeGreaterThan 300
    }

    It 'writes progress records under the activity "Get-CdnUrlTask"' {
        $records = @($run.Progress | Where-Object RecordType -EQ 'Processing')
        $records.Count | Should -BeGreaterThan 0
        $records | ForEach-Object { $_.Activity | Should -Be 'Get-CdnUrlTask' }
        $records[-1].StatusDescription | Should -Match '^[\d,]+ of [\d,]+ records, window 1 of 1$'
    }

    It 'reports at most a few updates a second' {
        # 40 requests of at least 20 ms each, one at a time: the run takes 0.8 s or more; an update every
        # 250 ms at most gives no more than a handful of records.
        $run.Progress.Count | Should -BeLessOrEqual 20
    }

    It 'ends with a Completed record of the same activity' {
        $run.Progress[-1].RecordType | Should -Be 'Completed'
        $run.Progress[-1].Activity | Should -Be 'Get-CdnUrlTask'
        $run.Progress[-1].ActivityId | Should -Be $run.Progress[0].ActivityId
    }

    It 'writes no progress when $ProgressPreference is SilentlyContinue' {
        $silent = Invoke-InProcess "`$ProgressPreference = 'SilentlyContinue'`nGet-CdnUrlTask -All -PageSize 10"
        $silent.Errors | Should -BeNullOrEmpty
        $silent.Output.Count | Should -Be $run.Output.Count
        $silent.Progress | Should -BeNullOrEmpty
    }

    It 'writes no progress when one page holds every record asked for' {
        $onePage = Invoke-InProcess 'Get-CdnUrlTask -First 10 -PageSize 10'
        $onePage.Output.Count | Should -Be 10
        $onePage.Progress | Should -BeNullOrEmpty
    }
}

Describe 'Wait-CdnTask progress' {
    BeforeAll {
        # The emulator's tasks take two seconds; polling every 0.2 s gives several progress updates.
        $script:task = Clear-CdnCache -Url 'https://www.example.com/progress/a.png', 'https://www.example.com/progress/b.png' -Force
        $script:wait = Invoke-InProcess "Wait-CdnTask -TaskId $($task.TaskId) -PollIntervalSec 0.2"
        # A second task, still running when the silent wait starts (the first one is done by then).
        $script:silentTask = Clear-CdnCache -Url 'https://www.example.com/progress/c.png' -Force
        $script:silentWait = Invoke-InProcess "`$ProgressPreference = 'SilentlyContinue'`nWait-CdnTask -TaskId $($silentTask.TaskId) -PollIntervalSec 0.2"
    }

    It 'writes the finished task' {
        $wait.Errors | Should -BeNullOrEmpty
        $wait.Output.Count | Should -Be 1
        $wait.Output[0].TaskId | Should -Be $task.TaskId
    }

    It 'reports a parent record "Wait-CdnTask" and a child record for the task' {
        $parent = @($wait.Progress | Where-Object { $_.Activity -eq 'Wait-CdnTask' -and $_.RecordType -eq 'Processing' })
        $child = @($wait.Progress | Where-Object { $_.Activity -like "CDN task $($task.TaskId) *" })
        # The first poll comes well within the two seconds the task takes.
        $parent.Count | Should -BeGreaterThan 0
        $parent[0].StatusDescription | Should -Match '^Waiting for 1 CDN task: 0 done, 1 running$'
        $child.Count | Should -BeGreaterThan 0
        $child[0].ParentActivityId | Should -Be $parent[0].ActivityId
    }

    It 'ends with a Completed record of the parent activity' {
        $wait.Progress[-1].RecordType | Should -Be 'Completed'
        $wait.Progress[-1].Activity | Should -Be 'Wait-CdnTask'
    }

    It 'writes no progress when $ProgressPreference is SilentlyContinue' {
        $silentWait.Errors | Should -BeNullOrEmpty
        $silentWait.Output.Count | Should -Be 1
        $silentWait.Output[0].TaskId | Should -Be $silentTask.TaskId
        $silentWait.Progress | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion of <Command> -<Parameter>' -ForEach $completionCases {
    It 'offers every value of the set' {
        $line = "$Command -$Parameter "
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($result.CompletionMatches.CompletionText | Sort-Object) | Should -Be @($Expected | Sort-Object)
    }

    It 'offers only the values that start with what was typed' {
        $prefix = $Expected[0].Substring(0, 2)
        $line = "$Command -$Parameter $prefix"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $want = @($Expected | Where-Object { $_.StartsWith($prefix, [StringComparison]::OrdinalIgnoreCase) } | Sort-Object)
        @($result.CompletionMatches.CompletionText | Sort-Object) | Should -Be $want
    }
}

Describe 'Format view for <TypeName> (output of <Command>)' -ForEach $outputTypeCases {
    It 'has a table view in CdnTasks.Format.ps1xml' {
        $tables = @($views | Where-Object { $_.ViewSelectedBy.TypeName -contains $TypeName -and $_['TableControl'] })
        $tables.Count | Should -BeGreaterThan 0 -Because "every output type needs a table view (Format-Table)"
    }
}

Describe 'The format file' {
    It 'names every view after a type that the module outputs' {
        $outputTypes = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ } | ForEach-Object FullName)
        foreach ($view in $views) { $outputTypes | Should -Contain $view.ViewSelectedBy.TypeName -Because "view $($view.Name) selects a type no cmdlet declares" }
    }

    It 'renders Get-CdnUrlTask records as a table (local times with their offset) and as a list' {
        $records = @(Get-CdnUrlTask -First 3)
        $table = $records | Format-Table | Out-String -Width 200
        $table | Should -Match 'CreateTime\s+Status\s+TaskType\s+FileType\s+TaskId\s+Url'
        $table | Should -Match ([regex]::Escape($records[0].CreateTime.ToString('yyyy-MM-dd HH:mm:ss zzz', [cultureinfo]::InvariantCulture)))
        $list = $records | Format-List | Out-String -Width 200
        $list | Should -Match '(?m)^CreateTimeUtc\s*:'
        $list | Should -Match '(?m)^ModifyTime\s*:'
    }

    It 'renders Get-CdnUrlTask -TaskId records and tasks as tables and lists' {
        $task = Get-CdnTask -First 1
        $details = @(Get-CdnUrlTask -TaskId $task.TaskId)
        ($details | Format-Table | Out-String -Width 200) | Should -Match 'CreateTime\s+Status\s+FailureClass\s+TaskId\s+Url'
        ($details | Format-List | Out-String -Width 200) | Should -Match '(?m)^FailureReason\s*:'
        ($task | Format-Table | Out-String -Width 200) | Should -Match 'CreateTime\s+TaskId\s+TaskType\s+FileType\s+Status\s+Total'
        ($task | Format-List | Out-String -Width 200) | Should -Match '(?m)^CreateTimeUtc\s*:'
    }

    It 'shows Get-CdnConfig as a list by default and as a table with Format-Table' {
        $config = Get-CdnConfig
        ($config | Out-String -Width 200) | Should -Match '(?m)^Region\s+: cn-north-1  \('
        ($config | Format-Table | Out-String -Width 200) | Should -Match 'Region\s+Endpoint\s+Timeout\s+Retry\s+RateLimit\s+Conc\.\s+Proxy'
    }

    It 'shows Get-CdnCredential as a table by default and every detail with Format-List' {
        $credential = Get-CdnCredential
        ($credential | Out-String -Width 200) | Should -Match 'Source\s+AccessKey\s+Token\s+DomainId\s+From'
        ($credential | Format-List | Out-String -Width 200) | Should -Match '(?m)^DomainIdSource\s+: HUAWEICLOUD_SDK_DOMAIN_ID'
    }
}
