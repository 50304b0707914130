# Copyright (c) CdnTasks contributors. MIT License.
#Requires -Version 7.2
<#
.SYNOPSIS
The CdnTasks benchmark (build.ps1 -Task Bench): starts the emulators, runs every measurement in fresh child
pwsh processes, prints one table of medians with the ratios computed in this run.

.DESCRIPTION
Scenarios (method and targets: docs/performance.md):
  1 Realistic   emulator at the real limit (5/s) with 300 ms latency, client limiter at the documented limit:
                -All over 6,000 records in one 24-hour window, and over 7 days x 1,000 records.
  2 Throughput  emulator unthrottled, no latency, CDNTASKS_RATE_LIMIT=0: -All | Out-Null over 200,000 and
                ~20,000 records (records/s, peak working set), beside the floor (C# HttpClient + System.Text.Json
                in pwsh), the emulator alone (bodies read, no JSON) and an Invoke-RestMethod loop.
  3 Latency     time to the first record (cold and warm process), Import-Module over a bare pwsh start.
  4 Writes      Clear-CdnCache of 100,000 URLs and Import-CdnCache of 10,000 against the create APIs' 30/s and 300 ms.
  5 Waits       a Wait-CdnTask round over 200 running tasks: requests and seconds, tasks piped in and bare ids.
  6 Many        4 and 8 processes paging at once against the tenant-wide 5/s: exact counts, elapsed, 429 share.
  7 Lean record allocation per record against the floor, peak working set at 20,000 / 200,000 / 1,000,000 records,
                and a fresh-process run with DOTNET_TieredPGO=0.
Never a timed test: the figures are printed, and the targets marked met or not.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $EmulatorDll,
    [Parameter(Mandatory)] [string] $FloorDll,
    [ValidateRange(1, 15)] [int] $Runs = 3,
    [int] $Records = 200000,
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'

$caseScript = Join-Path $PSScriptRoot 'Invoke-BenchCase.ps1'
$env:CDNTASKS_EMULATOR_DLL = $EmulatorDll
Import-Module (Join-Path $PSScriptRoot '../../tests/pester/TestHelpers.psm1') -Force

# Only what the benchmark sets reaches the children: no user configuration, no proxy.
foreach ($name in @(Get-ChildItem env: | Where-Object Name -Match '^(CDNTASKS_|HUAWEICLOUD_SDK_|CLOUD_SDK_)|^(HTTPS?|ALL|NO)_PROXY$' | ForEach-Object Name)) {
    if ($name -ne 'CDNTASKS_EMULATOR_DLL') { Remove-Item "env:$name" }
}
# (A credentials file, the last link of the chain, is never read: the environment's keys come first.)

$pwshHost = [Environment]::ProcessPath
$pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($pwshHost) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return [double]::NaN }
    $mid = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

# Runs one case in a fresh child pwsh; returns the parsed BENCH-RESULT object.
function Invoke-Case {
    param([string] $Case, [hashtable] $Environment = @{}, [hashtable] $Parameters = @{})
    $saved = @{}
    foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
    try {
        $arguments = @('-Case', $Case, '-Manifest', $ModuleManifest, '-FloorDll', $FloorDll)
        foreach ($key in $Parameters.Keys) { $arguments += "-$key"; $arguments += "$($Parameters[$key])" }
        $lines = & $pwshHost @pwshArgs -NoProfile -NonInteractive -File $caseScript @arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Bench case $Case failed (exit code $LASTEXITCODE):`n$($lines -join "`n")" }
        $line = @($lines | ForEach-Object { "$_" } | Where-Object { $_.StartsWith('BENCH-RESULT ') })
        if (-not $line) { throw "Bench case $Case printed no result:`n$($lines -join "`n")" }
        $lines | ForEach-Object { "$_" } | Where-Object { $_ -and -not $_.StartsWith('BENCH-RESULT ') } | ForEach-Object { Write-Host $_ }
        $line[-1].Substring('BENCH-RESULT '.Length) | ConvertFrom-Json
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Connection($Emulator) {
    @{ HUAWEICLOUD_SDK_AK = $Emulator.AccessKey; HUAWEICLOUD_SDK_SK = $Emulator.SecretKey; HUAWEICLOUD_SDK_DOMAIN_ID = $Emulator.DomainId; CDNTASKS_ENDPOINT = $Emulator.Url }
}

# Wall time of a child pwsh that runs $Command and exits.
function Measure-PwshStart([string] $Command) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $pwshHost @pwshArgs -NoProfile -NonInteractive -Command $Command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' failed (exit code $LASTEXITCODE)." }
    $watch.Elapsed.TotalMilliseconds
}

$dayMs = 86400000
# One anchor for every emulator: its data ends just before it, and the commands ask exactly for whole windows.
$anchor = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000
$anchor = [long]([Math]::Floor($anchor))
$rows = [System.Collections.Generic.List[object]]::new()
$benchWatch = [Diagnostics.Stopwatch]::StartNew()

function Add-Row([string] $Scenario, [string] $Measure, [string] $Value, [string] $Target = '', [string] $Met = '') {
    $rows.Add([pscustomobject]@{ Scenario = $Scenario; Measure = $Measure; Median = $Value; Target = $Target; Met = $Met })
}

function Verdict([bool] $Ok) { if ($Ok) { 'yes' } else { 'NO' } }

#region 2. Throughput (first: it also warms nothing the other scenarios use)
Write-Host "== Throughput: emulator unthrottled, no latency, $Records records in one day, client limiter off"
$emulator = Start-CdnEmulator -Records $Records -Days 1 -ArgumentList '--RateLimit', 'false', '--AnchorTime', "$anchor"
try {
    $connection = Connection $emulator
    $connection.CDNTASKS_RATE_LIMIT = '0'
    $full = @{ StartMs = $anchor - $dayMs; EndMs = $anchor }
    # A tenth of the day: about a tenth of the records, in one window.
    $small = @{ StartMs = $anchor - $dayMs / 10; EndMs = $anchor }
    $fullCount = [long](Get-CdnEmulatorCount $emulator -Query @{ start_time = $full.StartMs; end_time = $full.EndMs })
    $smallCount = [long](Get-CdnEmulatorCount $emulator -Query @{ start_time = $small.StartMs; end_time = $small.EndMs })
    $fullPages = [Math]::Ceiling($fullCount / 100)
    Write-Host "   $fullCount records in the full range ($fullPages pages), $smallCount in the small one"

    # Warm the emulator (JIT, cached record fragments) so that every measured client sees the same server.
    foreach ($warmUp in 'FloorRaw', 'Floor', 'FloorRaw', 'Floor') { $null = Invoke-Case $warmUp -Environment $connection -Parameters $full }

    $m = @{ ModuleFull = @(); ModuleWarm = @(); ModuleFullWs = @(); ModuleSmall = @(); ModuleSmallWs = @(); Floor = @(); FloorWarm = @(); FloorRaw = @(); Irm = @(); ModuleRequests = @() }
    # Keyset paging: the first page of a window brings 100 records, every later one 99 new (it starts at the last
    # record already written); a window whose last page is full takes one more request that finds nothing after it.
    $keysetMost = 2 * ([Math]::Ceiling($fullCount / 99) + 2)
    for ($run = 1; $run -le $Runs; $run++) {
        Reset-CdnEmulatorStats $emulator
        $r = Invoke-Case Module -Environment $connection -Parameters $full
        $stats = Get-CdnEmulatorStats $emulator
        # Two runs of the full range in that process: at least one request per 100 records, at most keyset's count.
        $sent = $stats.requests.'url-tasks'
        if ($sent -lt 2 * $fullPages -or $sent -gt $keysetMost) { throw "Two Get-CdnUrlTask -All runs sent $sent requests for 2 x $fullCount records (expected $(2 * $fullPages) to $keysetMost)." }
        $m.ModuleRequests += $sent / 2
        $m.ModuleFull += $fullCount / $r.Seconds; $m.ModuleWarm += $fullCount / $r.WarmSeconds; $m.ModuleFullWs += $r.FirstRunPeakWorkingSetMB
        $r = Invoke-Case Module -Environment $connection -Parameters $small
        $m.ModuleSmall += $smallCount / $r.Seconds; $m.ModuleSmallWs += $r.FirstRunPeakWorkingSetMB
        $r = Invoke-Case Floor -Environment $connection -Parameters $full
        if ($r.Records -ne $fullCount) { throw "The floor read $($r.Records) records, expected $fullCount." }
        $m.Floor += $r.Records / $r.Seconds; $m.FloorWarm += $r.Records / $r.WarmSeconds
        $r = Invoke-Case FloorRaw -Environment $connection -Parameters $full
        $m.FloorRaw += $r.Pages / [Math]::Min($r.Seconds, $r.WarmSeconds)
        $r = Invoke-Case Irm -Environment $connection -Parameters $small
        if ($r.Records -ne $smallCount) { throw "The Invoke-RestMethod loop read $($r.Records) records, expected $smallCount." }
        $m.Irm += $r.Records / $r.Seconds
        Write-Host ("   run {0}: module {1:N0} rec/s (warm {2:N0}; {3:N0} MB), small {4:N0} rec/s ({5:N0} MB), floor {6:N0} rec/s (warm {7:N0}), emulator {8:N0} pages/s, IRM loop {9:N0} rec/s" -f `
            $run, $m.ModuleFull[-1], $m.ModuleWarm[-1], $m.ModuleFullWs[-1], $m.ModuleSmall[-1], $m.ModuleSmallWs[-1], $m.Floor[-1], $m.FloorWarm[-1], $m.FloorRaw[-1], $m.Irm[-1])
    }

    $module = Median $m.ModuleFull; $floor = Median $m.Floor; $irm = Median $m.Irm
    $moduleWarm = Median $m.ModuleWarm; $floorWarm = Median $m.FloorWarm
    $wsFull = Median $m.ModuleFullWs; $wsSmall = Median $m.ModuleSmallWs
    $scenario = '2 Throughput'
    Add-Row $scenario "Get-CdnUrlTask -All | Out-Null, $('{0:N0}' -f $fullCount) records, fresh process" ('{0:N0} records/s' -f $module)
    Add-Row $scenario '  the same, second run in that process (warm)' ('{0:N0} records/s' -f $moduleWarm)
    Add-Row $scenario "Get-CdnUrlTask -All | Out-Null, $('{0:N0}' -f $smallCount) records, fresh process" ('{0:N0} records/s' -f (Median $m.ModuleSmall))
    Add-Row $scenario 'Floor: C# HttpClient + STJ in pwsh, 4 in flight, fresh process' ('{0:N0} records/s' -f $floor)
    Add-Row $scenario '  the same, second run in that process (warm)' ('{0:N0} records/s' -f $floorWarm)
    Add-Row $scenario 'Emulator alone (bodies read, no JSON), 4 in flight' ('{0:N0} pages/s = {1:N0} records/s' -f (Median $m.FloorRaw), ((Median $m.FloorRaw) * 100))
    Add-Row $scenario "Invoke-RestMethod loop + PowerShell signer, $('{0:N0}' -f $smallCount) records" ('{0:N0} records/s' -f $irm)
    Add-Row $scenario 'Module / floor, fresh processes' ('{0:P0}' -f ($module / $floor)) '>= 50%' (Verdict ($module / $floor -ge 0.5))
    Add-Row $scenario 'Module / floor, warm' ('{0:P0}' -f ($moduleWarm / $floorWarm)) '>= 50%' (Verdict ($moduleWarm / $floorWarm -ge 0.5))
    Add-Row $scenario 'Module (fresh process) / Invoke-RestMethod loop' ('{0:N1}x' -f ($module / $irm)) '>= 5x' (Verdict ($module / $irm -ge 5))
    Add-Row $scenario "Peak working set, $('{0:N0}' -f $fullCount) vs $('{0:N0}' -f $smallCount) records" ('{0:N0} MB vs {1:N0} MB (+{2:N0} MB)' -f $wsFull, $wsSmall, ($wsFull - $wsSmall)) '<= +30 MB' (Verdict ($wsFull - $wsSmall -le 30))
    Add-Row $scenario "Requests per -All run, $('{0:N0}' -f $fullCount) records" ('{0:N0} (one per 100 records: {1:N0}, +{2:P1})' -f (Median $m.ModuleRequests), $fullPages, ((Median $m.ModuleRequests) / $fullPages - 1))

    #region 3. Latency (same emulator: no latency; the client limiter at its documented default)
    Write-Host '== Latency to the first record, Import-Module cost'
    $first = Invoke-Case FirstRecord -Environment (Connection $emulator) -Parameters (@{ Runs = [Math]::Max(5, $Runs) } + $full)
    $colds = @($first.ColdMs)
    for ($run = 2; $run -le $Runs; $run++) { $colds += (Invoke-Case FirstRecord -Environment (Connection $emulator) -Parameters (@{ Runs = 1 } + $full)).ColdMs }
    Add-Row '3 Latency' 'First record, -All | Select-Object -First 1, warm process' ('{0:N0} ms' -f (Median $first.WarmMs))
    Add-Row '3 Latency' 'First record, first command in a fresh process' ('{0:N0} ms' -f (Median $colds))
    #endregion
}
finally {
    Stop-CdnEmulator $emulator
}
#endregion

$bare = @(); $imported = @(); $inProcess = @()
$importCommand = "Import-Module '$($ModuleManifest.Replace("'", "''"))'"
$null = Measure-PwshStart 'exit'
for ($run = 1; $run -le [Math]::Max(5, $Runs); $run++) {
    $bare += Measure-PwshStart 'exit'
    $imported += Measure-PwshStart $importCommand
}
for ($run = 1; $run -le $Runs; $run++) { $inProcess += (Invoke-Case Import).ImportMs }
Add-Row '3 Latency' 'pwsh -NoProfile start, bare / with Import-Module' ('{0:N0} ms / {1:N0} ms (+{2:N0} ms)' -f (Median $bare), (Median $imported), ((Median $imported) - (Median $bare)))
Add-Row '3 Latency' 'Import-Module timed inside a fresh process' ('{0:N0} ms' -f (Median $inProcess))

#region 1. Realistic
function Invoke-Realistic([string] $Label, [int] $RecordCount, [int] $Days) {
    Write-Host "== Realistic: $Label (emulator limit 5/s, latency 300 ms)"
    $emu = Start-CdnEmulator -Records $RecordCount -Days $Days -ArgumentList '--LatencyMs', '300', '--AnchorTime', "$anchor"
    try {
        $range = @{ StartMs = $anchor - $Days * $dayMs; EndMs = $anchor }
        $expected = [long](Get-CdnEmulatorCount $emu -Query @{})
        $r = Invoke-Case Realistic -Environment (Connection $emu) -Parameters (@{ Runs = $Runs } + $range)
        foreach ($one in $r.Runs) {
            if ($one.Records -ne $expected) { throw "Realistic ${Label}: the command wrote $($one.Records) records, the emulator holds $expected." }
        }
        $pages = Median @($r.Runs | ForEach-Object { $_.Requests - $_.Throttled })
        $ideal = $pages / 5
        # The fewest pages any client could need: one request per 100 records of each window.
        $fewest = 0
        for ($day = 0; $day -lt $Days; $day++) {
            $fewest += [Math]::Max(1, [Math]::Ceiling((Get-CdnEmulatorCount $emu -Query @{ start_time = $range.EndMs - ($day + 1) * $dayMs; end_time = $range.EndMs - $day * $dayMs }) / 100))
        }
        $elapsed = Median @($r.Runs | ForEach-Object Seconds)
        $throttled = ($r.Runs | Measure-Object Throttled -Sum).Sum
        $scenario = '1 Realistic'
        Add-Row $scenario "$Label, elapsed vs ideal ($pages pages / 5 per s)" ('{0:N2} s vs {1:N2} s = {2:P1}' -f $elapsed, $ideal, ($elapsed / $ideal)) '<= 105%' (Verdict ($elapsed / $ideal -le 1.05))
        Add-Row $scenario "$Label, 429 responses (all $Runs runs)" "$throttled" '0' (Verdict ($throttled -eq 0))
        Add-Row $scenario "$Label, elapsed vs the fewest pages ($fewest / 5 per s)" ('{0:N2} s vs {1:N2} s = {2:P1}' -f $elapsed, ($fewest / 5), ($elapsed / ($fewest / 5)))
    }
    finally {
        Stop-CdnEmulator $emu
    }
}
Invoke-Realistic '6,000 records, one 24 h window' 6000 1
Invoke-Realistic '7 days x 1,000 records' 7000 7
#endregion

#region 4. Writes at the service's ceiling (emulator limit 30/s for the create APIs, latency 300 ms)
function Invoke-Submit([string] $Label, [int] $UrlCount, [int] $Prefetch, [int] $Force) {
    Write-Host "== Writes: $Label"
    $emu = Start-CdnEmulator -Records 10 -ArgumentList '--LatencyMs', '300', '--AnchorTime', "$anchor", '--QuotaFileRefresh', '100000000', '--QuotaPreheat', '100000000'
    try {
        $r = Invoke-Case Submit -Environment (Connection $emu) -Parameters @{ Urls = $UrlCount; Runs = $Runs; Prefetch = $Prefetch; Force = $Force; StartMs = $anchor - $dayMs; EndMs = $anchor }
        $requests = [Math]::Ceiling($UrlCount / 1000)
        foreach ($one in $r.Runs) {
            if ($one.Tasks -ne $requests -or $one.Requests -ne $requests) { throw "Writes ${Label}: $($one.Tasks) tasks from $($one.Requests) requests, expected $requests of each." }
        }
        $ideal = $requests / 30 + 0.3
        $elapsed = Median @($r.Runs | ForEach-Object Seconds)
        $throttled = ($r.Runs | Measure-Object Throttled -Sum).Sum
        $quota = if ($Force) { ', -Force (no quota check)' } else { ', with the quota check' }
        Add-Row '4 Writes' "$Label$quota, elapsed vs ideal ($requests requests / 30 per s + 0.3 s)" ('{0:N2} s vs {1:N2} s = {2:N2}x' -f $elapsed, $ideal, ($elapsed / $ideal)) '<= 1.15x' (Verdict ($elapsed / $ideal -le 1.15))
        # One wrong key costs one 401: the quota check (or, with -Force, the first request) is answered before the rest go,
        # so no client that keeps that rule can finish sooner than one latency after the ideal.
        $safe = $ideal + 0.3
        Add-Row '4 Writes' "$Label$quota, elapsed vs the ideal after one answer first (+ 0.3 s)" ('{0:N2} s vs {1:N2} s = {2:N2}x' -f $elapsed, $safe, ($elapsed / $safe))
        Add-Row '4 Writes' "$Label$quota, 429 responses (all $Runs runs)" "$throttled" '0' (Verdict ($throttled -eq 0))
    }
    finally {
        Stop-CdnEmulator $emu
    }
}
Invoke-Submit 'Clear-CdnCache of 100,000 file URLs' 100000 0 0
Invoke-Submit 'Clear-CdnCache of 100,000 file URLs' 100000 0 1
Invoke-Submit 'Import-CdnCache of 10,000 URLs' 10000 1 0
Invoke-Submit 'Import-CdnCache of 10,000 URLs' 10000 1 1
#endregion

#region 5. A Wait-CdnTask round over 200 running tasks (latency 300 ms)
Write-Host '== Waits: Wait-CdnTask over 200 running tasks'
$emu = Start-CdnEmulator -Records 10 -ArgumentList '--LatencyMs', '300', '--AnchorTime', "$anchor", '--QuotaFileRefresh', '100000000', '--TaskSeconds', '600'
try {
    $r = Invoke-Case WaitRound -Environment (Connection $emu) -Parameters @{ Tasks = 200; Seconds = 8; StartMs = $anchor - $dayMs; EndMs = $anchor }
    foreach ($kind in 'Piped', 'Bare') {
        $rounds = @($r.$kind)
        if ($rounds.Count -lt 2) { throw "Wait-CdnTask ($kind) made $($rounds.Count) rounds in 8 s." }
        $first = $rounds[0]; $later = @($rounds | Select-Object -Skip 1)
        $what = if ($kind -eq 'Piped') { 'tasks piped in' } else { 'bare ids' }
        $mostRequests = ($later | Measure-Object Requests -Maximum).Maximum
        Add-Row '5 Waits' "Wait-CdnTask, 200 running tasks ($what), first round" ('{0} requests, {1:N2} s' -f $first.Requests, $first.Seconds) '<= 3 requests, < 1 s' (Verdict ($first.Requests -le 3 -and $first.Seconds -lt 1))
        Add-Row '5 Waits' "Wait-CdnTask, 200 running tasks ($what), later rounds (median of $($later.Count))" ('{0} requests (at most {1}), {2:N2} s' -f (Median @($later.Requests)), $mostRequests, (Median @($later.Seconds))) '<= 3 requests, < 1 s' (Verdict ($mostRequests -le 3 -and (Median @($later.Seconds)) -lt 1))
    }
}
finally {
    Stop-CdnEmulator $emu
}
#endregion

#region 6. Many runbooks, one tenant: processes paging at once against the tenant-wide limit (5/s, latency 300 ms)
function Invoke-Many([int] $Processes, [int] $RecordCount) {
    Write-Host "== Many runbooks: $Processes processes, each -All over $RecordCount records"
    $emu = Start-CdnEmulator -Records $RecordCount -Days 1 -ArgumentList '--LatencyMs', '300', '--AnchorTime', "$anchor"
    try {
        $connection = Connection $emu
        $expected = [long](Get-CdnEmulatorCount $emu -Query @{})
        Reset-CdnEmulatorStats $emu
        # Every child imports the module, then waits for one common start (10 s ahead: time for the processes to start).
        $startAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() + 10000 + 1000 * $Processes
        $saved = @{}
        foreach ($name in $connection.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $connection[$name]) }
        try {
            $children = foreach ($i in 1..$Processes) {
                $info = [System.Diagnostics.ProcessStartInfo]::new($pwshHost)
                foreach ($a in @($pwshArgs) + @('-NoProfile', '-NonInteractive', '-File', $caseScript, '-Case', 'ManyChild', '-Manifest', $ModuleManifest,
                        '-StartMs', "$($anchor - $dayMs)", '-EndMs', "$anchor", '-StartAt', "$startAt")) { $info.ArgumentList.Add($a) }
                $info.RedirectStandardOutput = $true
                $info.UseShellExecute = $false
                $process = [System.Diagnostics.Process]::Start($info)
                [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync() }
            }
            foreach ($child in $children) { $child.Process.WaitForExit() }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $results = foreach ($child in $children) {
            $line = @($child.Output.Result -split "`n" | Where-Object { $_.StartsWith('BENCH-RESULT ') })
            if (-not $line) { throw "A paging process printed no result (exit code $($child.Process.ExitCode)):`n$($child.Output.Result)" }
            $line[-1].Substring('BENCH-RESULT '.Length) | ConvertFrom-Json
        }
        $stats = Get-CdnEmulatorStats $emu
        $failed = @($results | Where-Object { $_.Error -or $_.Records -ne $expected })
        foreach ($f in $failed) { Write-Host "   failed: $($f.Records) of $expected records; $($f.Error)" }
        $served = $stats.requests.'url-tasks' - $stats.throttled
        $ideal = $served / 5
        $last = (($results | Measure-Object FinishedAt -Maximum).Maximum - $startAt) / 1000
        $share = $stats.throttled / [Math]::Max(1, $stats.requests.'url-tasks')
        Write-Host ("   {0} processes: last finished after {1:N1} s (ideal {2:N1} s: {3} pages / 5 per s); {4} of {5} requests throttled; {6} failed" -f $Processes, $last, $ideal, $served, $stats.throttled, $stats.requests.'url-tasks', $failed.Count)
        $scenario = '6 Many runbooks'
        Add-Row $scenario "$Processes processes x $('{0:N0}' -f $expected) records, all exact and no error" ('{0} of {1}' -f ($Processes - $failed.Count), $Processes) "$Processes of $Processes" (Verdict ($failed.Count -eq 0))
        Add-Row $scenario "$Processes processes, last finish vs ideal ($served pages / 5 per s)" ('{0:N1} s vs {1:N1} s = {2:N2}x' -f $last, $ideal, ($last / $ideal)) '<= 1.25x' (Verdict ($last / $ideal -le 1.25))
        Add-Row $scenario "$Processes processes, throttled requests" ('{0:P1} ({1} of {2})' -f $share, $stats.throttled, $stats.requests.'url-tasks') '< 15%' (Verdict ($share -lt 0.15))
    }
    finally {
        Stop-CdnEmulator $emu
    }
}
Invoke-Many 4 6000
Invoke-Many 8 6000
#endregion

#region 7. A lean record: allocation per record and peak memory (emulator unthrottled, no latency, client limiter off)
Write-Host '== Allocation per record, peak working set at 20,000 / 200,000 / 1,000,000 records'
$emu = Start-CdnEmulator -Records 1000000 -Days 1 -ArgumentList '--RateLimit', 'false', '--AnchorTime', "$anchor"
try {
    $connection = Connection $emu
    $connection.CDNTASKS_RATE_LIMIT = '0'
    $alloc = Invoke-Case Alloc -Environment $connection -Parameters @{ StartMs = $anchor - $dayMs / 50; EndMs = $anchor }
    $perRecord = Median @($alloc.Module); $own = Median @($alloc.PowerShell); $floorBytes = Median @($alloc.Floor)
    Add-Row '7 Lean record' "Allocated per record, `$null = Get-CdnUrlTask -All ($('{0:N0}' -f $alloc.Records) records) vs the floor" ('{0:N0} vs {1:N0} bytes = {2:N2}x' -f $perRecord, $floorBytes, ($perRecord / $floorBytes)) '<= 1.5x' (Verdict ($perRecord / $floorBytes -le 1.5))
    Add-Row '7 Lean record' '  of which PowerShell itself (a compiled cmdlet writing as many objects)' ('{0:N0} bytes' -f $own)
    $peaks = [ordered]@{}
    foreach ($size in 20000, 200000, 1000000) {
        $range = @{ StartMs = $anchor - [long]($dayMs * $size / 1000000); EndMs = $anchor }
        $count = [long](Get-CdnEmulatorCount $emu -Query @{ start_time = $range.StartMs; end_time = $range.EndMs })
        $ws = Median @(1..$Runs | ForEach-Object { (Invoke-Case Module -Environment $connection -Parameters $range).FirstRunPeakWorkingSetMB })
        $peaks["$size"] = $ws
        Add-Row '7 Lean record' "Peak working set, Get-CdnUrlTask -All | Out-Null, $('{0:N0}' -f $count) records, fresh process" ('{0:N0} MB' -f $ws)
    }
    $growth = $peaks['1000000'] - $peaks['20000']
    Add-Row '7 Lean record' 'Peak working set, 1,000,000 vs 20,000 records' ('{0:+0;-0} MB (1,000,000 vs 200,000: {1:+0;-0} MB)' -f $growth, ($peaks['1000000'] - $peaks['200000'])) '<= +30 MB' (Verdict ($growth -le 30))
    # What the runtime adds by itself: the GC's gen0 budget grows with the allocation rate of a longer run. With the budget
    # fixed (32 MB), the difference is what the command keeps.
    $fixed = $connection.Clone(); $fixed.DOTNET_GCgen0size = '0x2000000'
    $fixedPeaks = @{}
    foreach ($size in 20000, 1000000) {
        $range = @{ StartMs = $anchor - [long]($dayMs * $size / 1000000); EndMs = $anchor }
        $fixedPeaks["$size"] = Median @(1..$Runs | ForEach-Object { (Invoke-Case Module -Environment $fixed -Parameters $range).FirstRunPeakWorkingSetMB })
    }
    $fixedGrowth = $fixedPeaks['1000000'] - $fixedPeaks['20000']
    Add-Row '7 Lean record' '  the same with the GC gen0 budget fixed at 32 MB (DOTNET_GCgen0size=0x2000000)' ('{0:N0} MB vs {1:N0} MB ({2:+0;-0} MB)' -f $fixedPeaks['1000000'], $fixedPeaks['20000'], $fixedGrowth) '<= +30 MB' (Verdict ($fixedGrowth -le 30))

    # The dotnet-tool PowerShell has no ReadyToRun code; DOTNET_TieredPGO=0 shows how much of a cold run is the JIT's profiling.
    $range = @{ StartMs = $anchor - $dayMs / 5; EndMs = $anchor }
    $count = [long](Get-CdnEmulatorCount $emu -Query @{ start_time = $range.StartMs; end_time = $range.EndMs })
    $plain = Median @(1..$Runs | ForEach-Object { $count / (Invoke-Case Module -Environment $connection -Parameters $range).Seconds })
    $pgoOff = $connection.Clone(); $pgoOff.DOTNET_TieredPGO = '0'
    $noPgo = Median @(1..$Runs | ForEach-Object { $count / (Invoke-Case Module -Environment $pgoOff -Parameters $range).Seconds })
    Add-Row '7 Lean record' "Get-CdnUrlTask -All | Out-Null, $('{0:N0}' -f $count) records, fresh process: default / DOTNET_TieredPGO=0" ('{0:N0} / {1:N0} records/s ({2:+0%;-0%})' -f $plain, $noPgo, ($noPgo / $plain - 1))
}
finally {
    Stop-CdnEmulator $emu
}
#endregion

$table = $rows | Sort-Object Scenario -Stable | Format-Table -AutoSize -Wrap | Out-String -Width 200
Write-Host ''
Write-Host "CdnTasks benchmark: medians of $Runs runs; $([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), PowerShell $($PSVersionTable.PSVersion), .NET $([Environment]::Version); $('{0:N0}' -f $benchWatch.Elapsed.TotalSeconds) s"
Write-Host $table.TrimEnd()
if ($ResultPath) { $rows | ConvertTo-Json | Set-Content -Path $ResultPath -Encoding utf8 }
if (@($rows | Where-Object Met -EQ 'NO').Count) { Write-Host 'Targets not met: see the rows marked NO.' -ForegroundColor Yellow }
else { Write-Host 'Every target met.' -ForegroundColor Green }
