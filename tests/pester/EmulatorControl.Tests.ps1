# Copyright (c) CdnTasks contributors. MIT License.
#
# The emulator's control API through the TestHelpers functions other tests use (Reset-CdnEmulator,
# Add-CdnEmulatorRecord, Set-CdnEmulatorMutation, New-CdnEmulatorEpoch, Get-CdnEmulatorOracle,
# Set-CdnEmulatorFault -Api), with the built module as the client. One emulator for the file, reset per test.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 0 -ArgumentList @('--RateLimit', 'false')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    Set-CdnConfig -MaxRetry 0
    $script:end = [datetime]::UtcNow.AddMinutes(10)
    $script:start = $end.AddHours(-23)
}

AfterAll {
    Clear-CdnConfig -ErrorAction SilentlyContinue
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Emulator control helpers' {
    BeforeEach { Reset-CdnEmulator $emulator }

    It 'Reset-CdnEmulator empties the store, and regenerates it with -Records' {
        Reset-CdnEmulator $emulator -Records 40 -Days 0.5 -Seed 3
        Get-CdnEmulatorCount $emulator | Should -Be 40
        Reset-CdnEmulator $emulator
        Get-CdnEmulatorCount $emulator | Should -Be 0
        @(Get-CdnUrlTask -StartTime $start -EndTime $end -All) | Should -HaveCount 0
    }

    It 'Add-CdnEmulatorRecord seeds the records a command then reads' {
        $created = Add-CdnEmulatorRecord $emulator -Url 'https://www.example.com/f1.png', 'https://www.example.com/f2.png' -Status failed -CreateTime ([datetime]::UtcNow.AddHours(-1))
        $null = Add-CdnEmulatorRecord $emulator -Record @{ url = 'https://www.example.com/ok.png' }, @{ url = 'https://www.example.com/d/'; file_type = 'directory'; status = 'processing' }

        @($created.ids) | Should -HaveCount 2
        $created.task_ids[0] | Should -Be $created.task_ids[1]
        $failed = @(Get-CdnUrlTask -Status failed -StartTime $start -EndTime $end -All)
        $failed.Url | Sort-Object | Should -Be @('https://www.example.com/f1.png', 'https://www.example.com/f2.png')
        @(Get-CdnUrlTask -StartTime $start -EndTime $end -All) | Should -HaveCount 4
        (Get-CdnUrlTask -FileType directory -StartTime $start -EndTime $end -All).Url | Should -Be 'https://www.example.com/d/'
    }

    It 'Set-CdnEmulatorMutation, New-CdnEmulatorEpoch and Get-CdnEmulatorOracle judge what a command wrote' {
        $null = Add-CdnEmulatorRecord $emulator -Record @(1..150 | ForEach-Object { @{ url = "https://www.example.com/m/$_.js"; status = 'processing'; create_time = [datetime]::UtcNow.AddMinutes(-$_) } })
        $set = Set-CdnEmulatorMutation $emulator -Api ShowUrlTaskInfo -InsertPerRequest 2 -InsertStatus processing -StatusChangesPerRequest 1
        $set.insertPerRequest | Should -Be 2
        (Get-CdnEmulatorMutation $emulator).api | Should -Be 'ShowUrlTaskInfo'

        $epoch = New-CdnEmulatorEpoch $emulator
        $got = @(Get-CdnUrlTask -Status processing -StartTime $start -EndTime $end -All -PageSize 50)
        Clear-CdnEmulatorMutation $emulator
        $oracle = Get-CdnEmulatorOracle $emulator -Since $epoch -Query @{ status = 'processing'; start_time = $start; end_time = $end }

        $requests = (Get-CdnEmulatorStats $emulator).requests.'url-tasks'
        $requests | Should -BeGreaterThan 2
        $oracle.everCount | Should -Be (150 + 2 * $requests)
        $oracle.stableCount | Should -BeLessThan 150
        $ever = @{}; foreach ($e in $oracle.ever) { $ever[[long]$e.id] = $e }
        foreach ($record in $got) { $ever.ContainsKey([long]$record.Id) | Should -BeTrue -Because "record $($record.Id) was written, so it matched at some moment" }
        @(Get-CdnEmulatorMutation $emulator) | Should -HaveCount 0
    }

    It 'Set-CdnEmulatorFault -Api aims a fault at one API''s own requests' {
        $null = Add-CdnEmulatorRecord $emulator -Url 'https://www.example.com/x.png'
        Set-CdnEmulatorFault $emulator -Api CreateRefreshTasks -Script '1:503'
        @(Get-CdnUrlTask -StartTime $start -EndTime $end) | Should -HaveCount 1

        $task = Clear-CdnCache -Url 'https://www.example.com/x.png' -Force -ErrorVariable failure -ErrorAction SilentlyContinue
        $task | Should -BeNullOrEmpty
        $failure | Should -Not -BeNullOrEmpty
        "$($failure[0])" | Should -Match '503|unavailable'
        (Clear-CdnCache -Url 'https://www.example.com/x.png' -Force).TaskId | Should -Not -BeNullOrEmpty
        @(Get-CdnEmulatorTask $emulator) | Should -HaveCount 1
    }

    It 'reports a bad control body with the emulator''s own error text' {
        { Set-CdnEmulatorMutation $emulator -Total 'sometimes' } | Should -Throw '*total must be*'
    }
}
