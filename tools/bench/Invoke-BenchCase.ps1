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
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Module', 'Floor', 'FloorRaw', 'Irm', 'Realistic', 'FirstRecord', 'Import')] [string] $Case,
    [string] $Manifest,
    [string] $FloorDll,
    [long] $StartMs,
    [long] $EndMs,
    [int] $Runs = 1,
    [int] $Concurrency = 4
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
}
