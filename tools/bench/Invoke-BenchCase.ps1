# Copyright (c) CdnTasks contributors. MIT License.
#Requires -Version 7.2
<#
.SYNOPSIS
One measurement of the benchmark, run by Invoke-Benchmark.ps1 in a fresh child pwsh.

.DESCRIPTION
The connection comes from the environment the parent sets (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK,
HUAWEICLOUD_SDK_DOMAIN_ID, CDNTASKS_ENDPOINT, CDNTASKS_RATE_LIMIT). The last line written is
"BENCH-RESULT <json>"; everything else is for the reader.

Cases:
  Module       Get-CdnUrlTask -All | Out-Null over [StartMs, EndMs): seconds and peak working set of the first
               run in this fresh process, seconds of a second (warm) run.
  Floor        the C# HttpClient + System.Text.Json loop (tools/bench/Floor) over the same pages (first, warm).
  FloorRaw     the same loop reading the bodies without JSON: what the emulator serves (first, warm).
  Irm          an Invoke-RestMethod loop with a PowerShell-side signer (what users write without the module).
  Realistic    -All runs in one warm process against a throttled, slow emulator: seconds, pages, 429s per run.
  FirstRecord  time to the first record: the first call in this process (cold), then warm calls.
  Import       Import-Module timed inside the process.
  Submit       Clear-CdnCache (or Import-CdnCache with -Prefetch 1; -Force 1 skips the quota check) of -Urls distinct URLs in a warm process, -Runs times:
               seconds, create requests and 429s per run (from /_emulator/stats).
  WaitRound    creates -Tasks running tasks, then Wait-CdnTask over them until -Seconds pass: requests and seconds of
               each poll round (its -Verbose line), for the tasks piped in and for their bare ids.
  ManyChild    one of several processes paging at once: waits until -StartAt (epoch ms), then Get-CdnUrlTask -All over
               [StartMs, EndMs): records, finish time, error.
  Alloc        bytes allocated per record by `$null = Get-CdnUrlTask -All`, by PowerShell itself for as many objects
               (a trivial compiled cmdlet, the same idiom) and by the floor.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Module', 'Floor', 'FloorRaw', 'Irm', 'Realistic', 'FirstRecord', 'Import', 'Submit', 'WaitRound', 'ManyChild', 'Alloc')] [string] $Case,
    [string] $Manifest,
    [string] $FloorDll,
    [long] $StartMs,
    [long] $EndMs,
    [int] $Runs = 1,
    [int] $Concurrency = 4,
    [int] $Urls = 1000,
    [int] $Prefetch = 0,
    [int] $Force = 0,
    [int] $Tasks = 200,
    [double] $Seconds = 8,
    [long] $StartAt = 0
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'

$endpoint = $env:CDNTASKS_ENDPOINT
$startTime = [DateTimeOffset]::FromUnixTimeMilliseconds($StartMs).UtcDateTime
$endTime = [DateTimeOffset]::FromUnixTimeMilliseconds($EndMs).UtcDateTime

function Write-Result([hashtable] $Result) {
    $Result.PeakWorkingSetMB = [Math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
    'BENCH-RESULT ' + ($Result | ConvertTo-Json -Compress -Depth 5)
}

function Get-Stats { Invoke-RestMethod -Uri "$endpoint/_emulator/stats" }
function Reset-Stats { $null = Invoke-RestMethod -Method Post -Uri "$endpoint/_emulator/stats/reset" }

# SDK-HMAC-SHA256 in PowerShell, as a user would write it from the API reference (signing guide):
# canonical request -> string to sign -> HMAC with the secret key. Signs host;x-domain-id;x-sdk-date.
function Get-SdkAuthorization {
    param([string] $Method, [uri] $Uri, [string] $Date, [string] $DomainId, [string] $AccessKey, [string] $SecretKey)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hex = { param([byte[]] $b) -join ($b | ForEach-Object { $_.ToString('x2') }) }
    $path = $Uri.AbsolutePath
    if (-not $path.EndsWith('/')) { $path += '/' }
    $query = ($Uri.Query.TrimStart('?') -split '&' | Where-Object { $_ } | Sort-Object) -join '&'
    $hostHeader = $Uri.Authority
    $canonical = "$Method`n$path`n$query`nhost:$hostHeader`nx-domain-id:$DomainId`nx-sdk-date:$Date`n`nhost;x-domain-id;x-sdk-date`n" +
        (& $hex $sha.ComputeHash([byte[]]@()))
    $toSign = "SDK-HMAC-SHA256`n$Date`n" + (& $hex $sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($canonical)))
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($SecretKey))
    $signature = & $hex $hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign))
    "SDK-HMAC-SHA256 Access=$AccessKey, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=$signature"
}

switch ($Case) {
    'Module' {
        # The first run is what a fresh process costs (its peak working set is taken right after it); the second,
        # in the same process, is the warm figure.
        Import-Module $Manifest
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime | Out-Null
        $seconds = $watch.Elapsed.TotalSeconds
        $peak = [Math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
        $watch.Restart()
        Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime | Out-Null
        Write-Result @{ Seconds = $seconds; FirstRunPeakWorkingSetMB = $peak; WarmSeconds = $watch.Elapsed.TotalSeconds }
    }
    { $_ -in 'Floor', 'FloorRaw' } {
        Add-Type -Path $FloorDll
        $run = { [CdnTasks.Bench.Floor]::Run($endpoint, $env:HUAWEICLOUD_SDK_AK, $env:HUAWEICLOUD_SDK_SK, $env:HUAWEICLOUD_SDK_DOMAIN_ID, $StartMs, $EndMs, 100, $Concurrency, $Case -eq 'Floor') }
        $r = & $run
        $warm = & $run
        Write-Result @{ Seconds = $r.Seconds; Records = $r.Records; Pages = $r.Pages; Bytes = $r.Bytes; WarmSeconds = $warm.Seconds }
    }
    'Irm' {
        $ak = $env:HUAWEICLOUD_SDK_AK; $sk = $env:HUAWEICLOUD_SDK_SK; $domain = $env:HUAWEICLOUD_SDK_DOMAIN_ID
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $records = 0
        $offset = 0
        do {
            $uri = [uri]"$endpoint/v1.0/cdn/contentgateway/url-tasks?end_time=$EndMs&limit=100&offset=$offset&start_time=$StartMs"
            $date = [DateTime]::UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", [Globalization.CultureInfo]::InvariantCulture)
            $headers = @{
                'X-Sdk-Date'    = $date
                'X-Domain-Id'   = $domain
                'Authorization' = Get-SdkAuthorization -Method GET -Uri $uri -Date $date -DomainId $domain -AccessKey $ak -SecretKey $sk
            }
            # -SkipHeaderValidation: the Authorization value is not in a format .NET knows.
            $page = Invoke-RestMethod -Uri $uri -Headers $headers -SkipHeaderValidation
            $page.result | Out-Null
            $records += @($page.result).Count
            $offset += 100
        } while ($offset -lt $page.total)
        Write-Result @{ Seconds = $watch.Elapsed.TotalSeconds; Records = $records }
    }
    'Realistic' {
        Import-Module $Manifest
        # Warm-up: credential, settings, first connection; then let the service's bucket refill.
        $null = Get-CdnUrlTask -First 1 -StartTime $startTime -EndTime $endTime
        $results = foreach ($run in 1..$Runs) {
            Start-Sleep -Seconds 2
            Reset-Stats
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $count = (Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime | Measure-Object).Count
            $seconds = $watch.Elapsed.TotalSeconds
            $stats = Get-Stats
            [ordered]@{ Seconds = $seconds; Records = $count; Requests = $stats.requests.'url-tasks'; Throttled = $stats.throttled }
            Write-Host ("  realistic run {0}: {1:N0} records, {2} requests, {3} throttled, {4:N2} s" -f $run, $count, $stats.requests.'url-tasks', $stats.throttled, $seconds)
        }
        Write-Result @{ Runs = @($results) }
    }
    'FirstRecord' {
        Import-Module $Manifest
        $cold = (Measure-Command { Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime | Select-Object -First 1 }).TotalMilliseconds
        $warm = foreach ($run in 1..$Runs) {
            # A pause first: the client's limiter (5/s) would otherwise hold this request for the previous one's slot.
            Start-Sleep -Milliseconds 300
            (Measure-Command { Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime | Select-Object -First 1 }).TotalMilliseconds
        }
        Write-Result @{ ColdMs = $cold; WarmMs = @($warm) }
    }
    'Import' {
        $ms = (Measure-Command { Import-Module $Manifest }).TotalMilliseconds
        Write-Result @{ ImportMs = $ms }
    }
    'Submit' {
        Import-Module $Manifest
        $submit = if ($Prefetch) { { param($list) Import-CdnCache -Url $list -Force:($Force -eq 1) } } else { { param($list) Clear-CdnCache -Url $list -Force:($Force -eq 1) } }
        # Warm-up: credential, settings, JIT, the connections; then let the service's bucket refill.
        $null = & $submit @(1..2000 | ForEach-Object { "https://www.example.com/warm-$PID/$_.js" })
        $results = foreach ($run in 1..$Runs) {
            $list = [string[]]@(1..$Urls | ForEach-Object { "https://www.example.com/bench-$PID-$run/$_.js" })
            Start-Sleep -Seconds 2
            Reset-Stats
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $created = @(& $submit $list)
            $elapsed = $watch.Elapsed.TotalSeconds
            $stats = Get-Stats
            $api = if ($Prefetch) { 'preheating-tasks' } else { 'refresh-tasks' }
            [ordered]@{ Seconds = $elapsed; Tasks = $created.Count; Requests = $stats.requests.$api; Quota = $stats.requests.quota; Throttled = $stats.throttled }
            Write-Host ("  submit run {0}: {1:N0} URLs, {2} tasks, {3} requests (+{4} quota), {5} throttled, {6:N2} s" -f $run, $Urls, $created.Count, $stats.requests.$api, $stats.requests.quota, $stats.throttled, $elapsed)
        }
        Write-Result @{ Runs = @($results) }
    }
    'WaitRound' {
        Import-Module $Manifest
        $null = Clear-CdnCache -Url "https://www.example.com/warm-$PID/a.js" -Force
        $list = [string[]]@(1..($Tasks * 1000) | ForEach-Object { "https://www.example.com/wait-$PID/$_.js" })
        $created = @(Clear-CdnCache -Url $list -Force)
        if ($created.Count -ne $Tasks) { throw "Created $($created.Count) tasks, expected $Tasks." }
        # Each poll round writes one verbose line: "Poll round n: ... L ShowHistoryTasks and D ShowHistoryTaskDetails requests in S s."
        function Measure-Rounds([scriptblock] $Wait) {
            $lines = [System.Collections.Generic.List[string]]::new()
            try { & $Wait 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Poll round *') { $lines.Add($_.Message) } } }
            catch { if ($_.FullyQualifiedErrorId -notlike 'CdnTaskWaitTimeout*') { throw } }
            foreach ($line in $lines) {
                if ($line -match 'Poll round (\d+): (\d+) tasks? asked for.*; (\d+) ShowHistoryTasks and (\d+) ShowHistoryTaskDetails requests? in ([\d.]+) s') {
                    [ordered]@{ Round = [int]$Matches[1]; Running = [int]$Matches[2]; Requests = [int]$Matches[3] + [int]$Matches[4]; Seconds = [double]$Matches[5] }
                }
            }
        }
        $piped = @(Measure-Rounds { $created | Wait-CdnTask -Timeout $Seconds -PollIntervalSec 1 -Verbose })
        $bare = @(Measure-Rounds { Wait-CdnTask -TaskId $created.TaskId -Timeout $Seconds -PollIntervalSec 1 -Verbose })
        foreach ($r in $piped + $bare) { Write-Host ("  round {0}: {1} tasks, {2} requests, {3:N2} s" -f $r.Round, $r.Running, $r.Requests, $r.Seconds) }
        Write-Result @{ Piped = $piped; Bare = $bare }
    }
    'ManyChild' {
        Import-Module $Manifest
        $null = Get-Command Get-CdnUrlTask
        $wait = $StartAt - [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        if ($wait -gt 0) { Start-Sleep -Milliseconds $wait }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $count = 0; $failure = $null
        try { $count = (Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime -ErrorAction Stop | Measure-Object).Count }
        catch { $failure = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
        Write-Result @{ Records = $count; Seconds = $watch.Elapsed.TotalSeconds; FinishedAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(); Error = $failure }
    }
    'Alloc' {
        Import-Module $Manifest
        Add-Type -Path $FloorDll
        # PowerShell's own cost of writing an object to `$null = ...`: a compiled cmdlet that writes small objects.
        $trivial = Add-Type -PassThru -TypeDefinition @'
using System.Management.Automation;
public sealed class BenchRecord { public long Id; }
[Cmdlet("Get", "BenchRecord")]
public sealed class GetBenchRecordCommand : PSCmdlet
{
    [Parameter] public int Count { get; set; }
    protected override void EndProcessing() { for (int i = 0; i < Count; i++) { WriteObject(new BenchRecord { Id = i }); } }
}
'@
        Import-Module -Assembly ($trivial | Select-Object -First 1).Assembly
        $records = (Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime | Measure-Object).Count
        $module = foreach ($run in 1..3) {
            $before = [GC]::GetTotalAllocatedBytes($true)
            $null = Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime
            ([GC]::GetTotalAllocatedBytes($true) - $before) / $records
        }
        $null = Get-BenchRecord -Count $records
        $powershell = foreach ($run in 1..3) {
            $before = [GC]::GetTotalAllocatedBytes($true)
            $null = Get-BenchRecord -Count $records
            ([GC]::GetTotalAllocatedBytes($true) - $before) / $records - 24   # less the BenchRecord itself
        }
        $floor = foreach ($run in 1..3) {
            $before = [GC]::GetTotalAllocatedBytes($true)
            $r = [CdnTasks.Bench.Floor]::Run($endpoint, $env:HUAWEICLOUD_SDK_AK, $env:HUAWEICLOUD_SDK_SK, $env:HUAWEICLOUD_SDK_DOMAIN_ID, $StartMs, $EndMs, 100, $Concurrency, $true)
            ([GC]::GetTotalAllocatedBytes($true) - $before) / $r.Records
        }
        Write-Result @{ Records = $records; Module = @($module); PowerShell = @($powershell); Floor = @($floor) }
    }
}
