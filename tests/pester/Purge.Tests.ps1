# Copyright (c) CdnTasks contributors. MIT License.
#
# Clear-CdnCache and Import-CdnCache against the real emulator: batching, duplicates, -WhatIf, validation,
# quota refusal, partial batch failures and -Wait.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 300 -ArgumentList '--TaskSeconds', '2', '--FailureRate', '0.2'
    $script:restore = Use-CdnEmulatorEnvironment $emulator

    # The tasks created through POST, by id (URLs in submission order).
    function Get-CreatedTask($Emulator) {
        $tasks = @{}
        foreach ($task in (Invoke-RestMethod -NoProxy "$($Emulator.Url)/_emulator/tasks").tasks) { $tasks[[string]$task.id] = $task }
        $tasks
    }

    function Get-Requests($Emulator, [string] $Api) { (Get-CdnEmulatorStats $Emulator).requests.$Api }

    # Runs a command in a child pwsh (same module, same environment) and returns its console output:
    # -WhatIf messages go to the host, not to a stream.
    function Invoke-ChildPwsh([string] $Command) {
        $exe = [Environment]::ProcessPath
        $prefix = @(if ((Split-Path -Leaf $exe) -like 'dotnet*') { [Environment]::GetCommandLineArgs()[0] })
        $script = "Import-Module '$env:CDNTASKS_MODULE_MANIFEST'; $Command"
        & $exe @prefix -NoProfile -NonInteractive -Command $script 2>&1 | Out-String -Width 400
    }

    function New-Urls([int] $Count, [string] $Prefix) { 1..$Count | ForEach-Object { "https://www.example.com/$Prefix/$_.js" } }
}

AfterAll {
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Clear-CdnCache' {
    BeforeEach {
        Clear-CdnEmulatorFaults $emulator
        Reset-CdnEmulatorStats $emulator
    }

    It 'purges the URLs of a file, waits, and writes the finished task (Get-Content urls.txt | Clear-CdnCache -Wait)' {
        $urls = New-Urls 5 'wait'
        Set-Content -Path "$TestDrive/urls.txt" -Value (@($urls) + '')
        $task = Get-Content "$TestDrive/urls.txt" | Clear-CdnCache -Wait -ErrorAction SilentlyContinue
        $task | Should -HaveCount 1
        $task | Should -BeOfType ([CdnTasks.CdnTask])
        $task.Status | Should -Be 'Completed'
        $task.TaskType | Should -Be 'Purge'
        $task.Total | Should -Be 5
        ($task.Succeeded + $task.Failed) | Should -Be 5
        $created = (Get-CreatedTask $emulator)["$($task.TaskId)"]
        $created.task_type | Should -Be 'refresh'
        $created.file_type | Should -Be 'file'
        @($created.urls) | Should -Be @($urls)
    }

    It 'turns a 2,500-URL pipeline into exactly three requests of 1000, 1000 and 500 URLs, in order' {
        $urls = New-Urls 2500 'big'
        $tasks = $urls | Clear-CdnCache
        $tasks | Should -HaveCount 3
        Get-Requests $emulator 'refresh-tasks' | Should -Be 3
        $created = Get-CreatedTask $emulator
        @($tasks | ForEach-Object { @($created["$($_.TaskId)"].urls).Count }) | Should -Be @(1000, 1000, 500)
        @($tasks | ForEach-Object { $created["$($_.TaskId)"].urls }) | Should -Be @($urls)
        @($tasks.Total) | Should -Be @(1000, 1000, 500)
        @($tasks.Status | Sort-Object -Unique) | Should -Be 'Running'
    }

    It 'drops duplicate URLs (exact, case-sensitive) before submitting' {
        $in = 'https://www.example.com/dup/a.js', 'https://www.example.com/dup/b.js', 'https://www.example.com/dup/a.js', 'https://www.example.com/dup/A.js'
        $task = $in | Clear-CdnCache
        $task.Total | Should -Be 3
        @((Get-CreatedTask $emulator)["$($task.TaskId)"].urls) | Should -Be @('https://www.example.com/dup/a.js', 'https://www.example.com/dup/b.js', 'https://www.example.com/dup/A.js')
    }

    It 're-purges failed records, files and directories in separate requests (Get-CdnUrlTask -Status Failed -All | Clear-CdnCache)' {
        $failed = Get-CdnUrlTask -Status Failed -All -WarningAction SilentlyContinue
        # Prefetch records are left out (Import-CdnCache prefetches them); spaces are sent as %20.
        $purges = @($failed | Where-Object TaskType -EQ 'Purge')
        $files = @($purges | Where-Object FileType -EQ 'File' | ForEach-Object { $_.Url -replace ' ', '%20' } | Select-Object -Unique)
        $directories = @($purges | Where-Object FileType -EQ 'Directory' | ForEach-Object { $_.Url -replace ' ', '%20' } | Select-Object -Unique)
        $files.Count | Should -BeGreaterThan 0
        $directories.Count | Should -BeGreaterThan 0

        $tasks = $failed | Clear-CdnCache -WarningAction SilentlyContinue
        $created = Get-CreatedTask $emulator
        $dirTasks = @($tasks | Where-Object FileType -EQ 'Directory')
        $fileTasks = @($tasks | Where-Object FileType -EQ 'File')
        $dirTasks.Count | Should -Be ([math]::Ceiling($directories.Count / 100))
        $fileTasks.Count | Should -Be ([math]::Ceiling($files.Count / 1000))
        foreach ($t in $dirTasks) { $created["$($t.TaskId)"].file_type | Should -Be 'directory'; $created["$($t.TaskId)"].mode | Should -Be 'all' }
        @($dirTasks | ForEach-Object { $created["$($_.TaskId)"].urls }) | Should -Be $directories
        @($fileTasks | ForEach-Object { $created["$($_.TaskId)"].urls }) | Should -Be $files
    }

    It 'sends the directory mode and zh_url_encode when asked' {
        $task = Clear-CdnCache -Url 'https://www.example.com/mode/' -FileType Directory -Mode DetectModifyRefresh -ZhUrlEncode
        $created = (Get-CreatedTask $emulator)["$($task.TaskId)"]
        $created.mode | Should -Be 'detect_modify_refresh'
        $created.zh_url_encode | Should -BeTrue
    }

    It 'does not reclassify a URL ending with "/" as a directory' {
        $task = Clear-CdnCache -Url 'https://www.example.com/index/'
        $task.FileType | Should -Be 'File'
        (Get-CreatedTask $emulator)["$($task.TaskId)"].file_type | Should -Be 'file'
    }

    It '-WhatIf sends nothing and says how many URLs in how many requests' {
        $output = Invoke-ChildPwsh "1..2500 | ForEach-Object { 'https://www.example.com/whatif/' + `$_ } | Clear-CdnCache -WhatIf"
        $output | Should -Match 'What if: .*2500 URLs in 3 requests'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
        $null = New-Urls 3 'whatif' | Clear-CdnCache -WhatIf
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It '-Confirm asks before anything is sent, and -Force skips the confirmation' {
        # A non-interactive child cannot answer the prompt: ShouldProcess fails there, before any request.
        $output = Invoke-ChildPwsh "'https://www.example.com/confirm/a.js' | Clear-CdnCache -Confirm"
        $output | Should -Match 'NonInteractive'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
        $output = Invoke-ChildPwsh "`$ConfirmPreference = 'Medium'; (Clear-CdnCache -Url 'https://www.example.com/confirm/b.js' -Force).Total"
        $output.Trim() | Should -Be '1'
        Get-Requests $emulator 'refresh-tasks' | Should -Be 1
        Get-Requests $emulator 'quota' | Should -Be 0
    }

    It 'refuses each invalid URL with its own error, and submits the valid ones' {
        $in = 'https://www.example.com/ok.js', 'www.example.com/no-scheme.js', 'ftp://www.example.com/x', ('https://www.example.com/' + ('a' * 4100))
        $task = $in | Clear-CdnCache -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 3
        foreach ($err in $errs) {
            $err.FullyQualifiedErrorId | Should -Be 'InvalidUrl,CdnTasks.Commands.ClearCdnCacheCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        @($errs.TargetObject) | Should -Be @($in[1], $in[2], $in[3])
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($in[1]))
        $errs[1].Exception.Message | Should -Match ([regex]::Escape($in[2]))
        $errs[2].Exception.Message | Should -Match '4124 characters long'
        @((Get-CreatedTask $emulator)["$($task.TaskId)"].urls) | Should -Be @($in[0])
    }

    It 'rejects -Timeout without -Wait before any request' {
        { Clear-CdnCache -Url 'https://www.example.com/x.js' -Timeout 5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterCombination,CdnTasks.Commands.ClearCdnCacheCommand'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It 'reports an ambiguous failure (502 after processing) as possibly submitted, and writes the other tasks' {
        Set-CdnEmulatorFaults $emulator -Script '2:502post'
        $urls = New-Urls 1500 'ambiguous'
        $tasks = $urls | Clear-CdnCache -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $tasks | Should -HaveCount 1
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0201,CdnTasks.Commands.ClearCdnCacheCommand'
        @($failures[0].TargetObject) | Should -Be @($urls[1000..1499])
        $failures[0].ErrorDetails.Message | Should -Match 'may have been submitted'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Get-CdnUrlTask -Url '$($urls[1000])'"))
        # The time to look for is local, with its offset, as CreateTime shows it.
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'created at about \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d,'
        # The emulator did create it: this is exactly the case the message warns about.
        @((Get-CreatedTask $emulator).Values | Where-Object { $_.urls -contains $urls[1000] }) | Should -HaveCount 1
    }
}

Describe 'Clear-CdnCache quota' {
    BeforeAll {
        # The file's emulator without today's usage and with a daily file quota of 1500; reset back afterwards.
        Reset-CdnEmulator $emulator -Records 10
        $null = Set-CdnEmulatorOption $emulator @{ QuotaFileRefresh = 1500 }
        $script:small = $emulator
    }

    AfterAll { Reset-CdnEmulator $emulator -Records 300 }

    BeforeEach { Reset-CdnEmulatorStats $small }

    It 'refuses a submission larger than the remaining quota, with nothing sent' {
        $err = $null
        try { New-Urls 1501 'quota' | Clear-CdnCache -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'QuotaExceeded,CdnTasks.Commands.ClearCdnCacheCommand'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -Match 'FilePurge \(file_refresh\): 1501 URLs to submit but only 1500 remaining'
        $err.TargetObject[0].Type | Should -Be 'FilePurge'
        Get-Requests $small 'refresh-tasks' | Should -Be 0
        Get-Requests $small 'quota' | Should -Be 1
    }

    It 'with -Force skips the check; a request the service refuses is reported with exactly its URLs while the others go out' {
        # Quota 1500: request 1 (1000) fits, request 2 (1000) is refused with CDN.0110, request 3 (500) fits.
        $urls = New-Urls 2500 'partial'
        $tasks = $urls | Clear-CdnCache -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        Get-Requests $small 'quota' | Should -Be 0
        Get-Requests $small 'refresh-tasks' | Should -Be 3
        $tasks | Should -HaveCount 2
        @($tasks.Total) | Should -Be @(1000, 500)
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'CdnApi.CDN.0110,CdnTasks.Commands.ClearCdnCacheCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        @($failures[0].TargetObject) | Should -Be @($urls[1000..1999])
        $failures[0].ErrorDetails.Message | Should -Match 'Request 2 of 3 \(1000 file URLs'
        $failures[0].ErrorDetails.Message | Should -Match 'were not submitted'
        $failures[0].Exception.RequestId | Should -Not -BeNullOrEmpty
    }

    It 'with a wrong key sends one request: its 401 has its URLs, every other request is reported as not sent with its own' {
        $urls = New-Urls 5000 'wrong-key'
        $wrong = [pscredential]::new($emulator.AccessKey, (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force))
        $tasks = $urls | Clear-CdnCache -Force -Credential $wrong -DomainId $emulator.DomainId -ErrorVariable failures -ErrorAction SilentlyContinue
        $tasks | Should -BeNullOrEmpty
        Get-Requests $small 'refresh-tasks' | Should -Be 1
        $failures | Should -HaveCount 5
        [int]$failures[0].Exception.StatusCode | Should -Be 401
        @($failures[0].TargetObject) | Should -Be @($urls[0..999])
        for ($i = 1; $i -lt 5; $i++) {
            $failures[$i].FullyQualifiedErrorId | Should -Be 'RequestsNotSent,CdnTasks.Commands.ClearCdnCacheCommand'
            @($failures[$i].TargetObject) | Should -Be @($urls[($i * 1000)..($i * 1000 + 999)])
            $failures[$i].ErrorDetails.Message | Should -Match "Request $($i + 1) of 5 .* was not sent, because an earlier request was refused"
        }
    }

    It 'makes -ErrorAction Stop throw on a failed request' {
        { New-Urls 10 'stop' | Clear-CdnCache -Force -ErrorAction Stop } | Should -Throw -ErrorId 'CdnApi.CDN.0110,CdnTasks.Commands.ClearCdnCacheCommand'
    }
}

Describe 'Import-CdnCache' {
    BeforeEach { Reset-CdnEmulatorStats $emulator }

    It 'prefetches a URL (Import-CdnCache -Url https://www.example.com/big.iso)' {
        $task = Import-CdnCache -Url https://www.example.com/big.iso
        $task.TaskType | Should -Be 'Prefetch'
        $task.Total | Should -Be 1
        $created = (Get-CreatedTask $emulator)["$($task.TaskId)"]
        $created.task_type | Should -Be 'preheating'
        @($created.urls) | Should -Be 'https://www.example.com/big.iso'
    }

    It 'waits with -Wait and writes the finished prefetch task' {
        $task = New-Urls 3 'prefetch' | Import-CdnCache -Wait -ErrorAction SilentlyContinue
        $task.Status | Should -Be 'Completed'
        $task.Total | Should -Be 3
        $task.TaskType | Should -Be 'Prefetch'
    }

    It 'splits 1001 URLs into two requests' {
        $tasks = New-Urls 1001 'prefetch-many' | Import-CdnCache
        @($tasks.Total) | Should -Be @(1000, 1)
        Get-Requests $emulator 'preheating-tasks' | Should -Be 2
    }

    It 'refuses directories, each with its own error, before any request' {
        $in = [pscustomobject]@{ Url = 'https://www.example.com/dir/'; FileType = 'directory' }, [pscustomobject]@{ Url = 'https://www.example.com/file.js'; FileType = 'file' }
        { $in | Import-CdnCache -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidUrl,CdnTasks.Commands.ImportCdnCacheCommand'
        { Import-CdnCache -Url 'https://www.example.com/dir/' -ErrorAction Stop } | Should -Throw '*prefetch supports files only*'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }
}
