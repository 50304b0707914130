# Copyright (c) CdnTasks contributors. MIT License.
#
# Times that are right wherever the user is. Each zone runs in a child pwsh started with TZ set (.NET on
# Linux reads TZ for TimeZoneInfo.Local; the first test checks that it did), against one emulator, and
# writes its measurements as JSON: what ordinary PowerShell gives (Where-Object against Get-Date, Get-Date
# minus CreateTime, Export-Csv and Import-Csv, the default table) and what -StartTime makes of inputs of
# every kind. The suite itself may run in UTC, which hides every one of these mistakes.

BeforeDiscovery {
    $script:zones = @(
        @{ Zone = 'Asia/Shanghai' }
        @{ Zone = 'America/New_York' }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    # 2,000 records over one day: about 160 in the last two hours. Static data (no arrivals), no throttling.
    $script:emulator = Start-CdnEmulator -Records 2000 -Days 1 -ArgumentList '--RateLimit', 'false', '--TaskSeconds', '2'
    $script:restore = Use-CdnEmulatorEnvironment $emulator

    # What the child measures. It must not depend on the new properties to compute the truth: the instant of a
    # record is [DateTimeOffset]::new($record.CreateTime), which honours the DateTime's Kind, whatever it is.
    $script:childScript = @'
$ErrorActionPreference = 'Stop'
$env:CDNTASKS_RATE_LIMIT = 'off'
Import-Module $env:CDNTASKS_MODULE_MANIFEST
$r = [ordered]@{ Zone = [TimeZoneInfo]::Local.Id; Errors = [ordered]@{} }
# Each measurement on its own: one that fails does not hide the others.
function Step([string] $Name, [scriptblock] $Block) {
    try { . $Block } catch { $r.Errors[$Name] = "$_ $($_.InvocationInfo.PositionMessage)" }
}
$all = @(Get-CdnUrlTask -All -WarningAction SilentlyContinue)
$newest = $all[0]
$r.NewestId = $newest.Id
$r.NewestMs = [DateTimeOffset]::new($newest.CreateTime).ToUnixTimeMilliseconds()
$since = (Get-Date).AddHours(-2)
$r.SinceMs = [DateTimeOffset]::new($since).ToUnixTimeMilliseconds()

Step 'Where' {
    $r.WhereCount = @($all | Where-Object CreateTime -gt $since).Count
    $r.ServiceCount = @(Get-CdnUrlTask -StartTime $since -All).Count
    $r.CountedAtMs = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
}
Step 'Age' {
    $r.AgeSeconds = ((Get-Date) - $newest.CreateTime).TotalSeconds
    $r.TrueAgeSeconds = ([DateTimeOffset]::UtcNow - [DateTimeOffset]::FromUnixTimeMilliseconds($r.NewestMs)).TotalSeconds
}
Step 'Csv' {
    $csv = Join-Path ([IO.Path]::GetTempPath()) "cdntasks-tz-$PID.csv"
    $newest | Export-Csv -Path $csv -NoTypeInformation
    $row = Import-Csv -Path $csv
    Remove-Item -LiteralPath $csv
    $r.CsvColumns = @($row.PSObject.Properties.Name)
    $r.CsvCreateTime = $row.CreateTime
    $r.CsvCreateTimeUtc = if ($row.PSObject.Properties['CreateTimeUtc']) { $row.CreateTimeUtc } else { $null }
    $r.ReadBackIds = @(Get-CdnUrlTask -StartTime $row.CreateTime -EndTime ([datetime]$row.CreateTime).AddSeconds(1) -All | ForEach-Object Id)
}
Step 'Table' { $r.Table = $all | Select-Object -First 3 | Format-Table | Out-String -Width 300 }

# -StartTime of every kind, three hours ago (whole seconds): the start_time each one sends.
$start = [DateTime]::Now.AddHours(-3)
$start = $start.AddTicks(-($start.Ticks % [TimeSpan]::TicksPerSecond))
$r.StartMs = [DateTimeOffset]::new($start).ToUnixTimeMilliseconds()
$inputs = [ordered]@{
    Local       = $start
    Unspecified = [DateTime]::SpecifyKind($start, 'Unspecified')
    Utc         = $start.ToUniversalTime()
    Offset      = [DateTimeOffset]::new($start)
    OtherOffset = [DateTimeOffset]::new($start).ToOffset([TimeSpan]::FromHours(5.5))
    String      = $start.ToString('yyyy-MM-dd HH:mm:ss')
}
$r.Sent = [ordered]@{}
foreach ($kind in $inputs.Keys) {
    Step "StartTime $kind" {
        $line = Get-CdnUrlTask -StartTime $inputs[$kind] -EndTime $start.AddHours(1) -First 1 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^GET .*start_time=(\d+)' } |
            Select-Object -First 1
        $r.Sent[$kind] = if ($line -and $line.Message -match 'start_time=(\d+)') { [long]$Matches[1] } else { $null }
    }
}

Step 'Tasks' {
    $tasks = @(Get-CdnTask -All)
    $r.TaskWhereCount = @($tasks | Where-Object CreateTime -gt $since).Count
    $r.TaskServiceCount = @(Get-CdnTask -StartTime $since -All).Count
}
Step 'Submit' {
    $submitted = Clear-CdnCache -Url "https://www.example.com/tz/$PID.js" -Force
    $r.SubmittedAgeSeconds = ((Get-Date) - $submitted.CreateTime).TotalSeconds
}
$r | ConvertTo-Json -Depth 4 -Compress
'@

    # Runs the child script in a pwsh whose TZ is the zone, and returns its measurements.
    function Invoke-InZone([string] $Zone) {
        $exe = [Environment]::ProcessPath
        $prefix = @(if ((Split-Path -Leaf $exe) -like 'dotnet*') { [Environment]::GetCommandLineArgs()[0] })
        $savedTz = $env:TZ
        $env:TZ = $Zone
        try { $output = & $exe @prefix -NoProfile -NonInteractive -Command $childScript 2>&1 }
        finally { $env:TZ = $savedTz }
        $json = @($output | Where-Object { "$_".StartsWith('{') })[-1]
        if (-not $json) { throw "The child pwsh in $Zone wrote no result:`n$($output -join "`n")" }
        $json | ConvertFrom-Json
    }
}

AfterAll {
    if ($restore) { & $restore }
    Stop-CdnEmulator $emulator
}

Describe 'Times in <Zone>' -ForEach $zones {
    BeforeAll {
        $script:result = Invoke-InZone $Zone
        $script:tz = [TimeZoneInfo]::FindSystemTimeZoneById($Zone)
    }

    It 'runs in that zone (the child process honours TZ) without an error' {
        $result.Zone | Should -Be $Zone
        ($result.Errors.PSObject.Properties | ForEach-Object { "$($_.Name): $($_.Value)" }) -join "`n" | Should -BeNullOrEmpty
    }

    It 'Where-Object CreateTime -gt (Get-Date).AddHours(-2) agrees with -StartTime (Get-Date).AddHours(-2) and with the service' {
        $oracle = Get-CdnEmulatorCount $emulator -Query @{ start_time = $result.SinceMs + 1; end_time = $result.CountedAtMs }
        $oracle | Should -BeGreaterThan 20
        $result.ServiceCount | Should -Be $oracle
        $result.WhereCount | Should -Be $result.ServiceCount
    }

    It '(Get-Date) - $record.CreateTime is the record''s real age' {
        # The newest generated record is a few seconds older than the emulator.
        $result.TrueAgeSeconds | Should -BeGreaterThan 0
        $result.TrueAgeSeconds | Should -BeLessThan 3600
        [math]::Abs($result.AgeSeconds - $result.TrueAgeSeconds) | Should -BeLessThan 2
    }

    It 'Export-Csv writes a column that names the instant unambiguously (CreateTimeUtc)' {
        $result.CsvColumns | Should -Contain 'CreateTimeUtc'
        $utc = [DateTime]::ParseExact($result.CsvCreateTimeUtc, 'MM/dd/yyyy HH:mm:ss', [cultureinfo]::InvariantCulture, 'AssumeUniversal, AdjustToUniversal')
        [DateTimeOffset]::new($utc).ToUnixTimeMilliseconds() | Should -Be ([math]::Floor($result.NewestMs / 1000) * 1000)
        # And the CreateTime column is the local wall-clock time of that instant.
        $local = [TimeZoneInfo]::ConvertTime([DateTimeOffset]::FromUnixTimeMilliseconds($result.NewestMs), $tz)
        $result.CsvCreateTime | Should -Be $local.ToString('MM/dd/yyyy HH:mm:ss', [cultureinfo]::InvariantCulture)
    }

    It 'a CreateTime read back from the CSV and passed to -StartTime selects the same instant' {
        $result.ReadBackIds | Should -Contain $result.NewestId
    }

    It 'the default table shows local time with its offset' {
        $local = [TimeZoneInfo]::ConvertTime([DateTimeOffset]::FromUnixTimeMilliseconds($result.NewestMs), $tz)
        $expected = $local.ToString('yyyy-MM-dd HH:mm:ss zzz', [cultureinfo]::InvariantCulture)
        $result.Table | Should -Match ([regex]::Escape($expected))
    }

    It '-StartTime takes a DateTime of any Kind (Unspecified = local), a DateTimeOffset and a string, and sends the same instant (<_>)' -ForEach 'Local', 'Unspecified', 'Utc', 'Offset', 'OtherOffset', 'String' {
        $result.Sent.$_ | Should -Be $result.StartMs
    }

    It 'Get-CdnTask: Where-Object CreateTime agrees with -StartTime too' {
        $result.TaskServiceCount | Should -BeGreaterThan 0
        $result.TaskWhereCount | Should -Be $result.TaskServiceCount
    }

    It 'a task just submitted is seconds old by Get-Date' {
        $result.SubmittedAgeSeconds | Should -BeGreaterOrEqual 0
        $result.SubmittedAgeSeconds | Should -BeLessThan 120
    }
}
