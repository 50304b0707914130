# Copyright (c) CdnTasks contributors. MIT License.
#
# Helpers shared by the Pester tests (and build.ps1 -Task Demo): start and stop the CDN API emulator,
# talk to its unsigned /_emulator control endpoints, point the module at it, import the BUILT module.
#
# Environment (set by build.ps1 -Task Test):
#   CDNTASKS_MODULE_MANIFEST  full path of out/CdnTasks/CdnTasks.psd1
#   CDNTASKS_EMULATOR_DLL     full path of out/emulator/CdnTasks.Emulator.dll
#
# Usage in a test file:
#   BeforeAll {
#       Import-Module "$PSScriptRoot/TestHelpers.psm1"
#       Import-CdnTasksModule
#       $emulator = Start-CdnEmulator -Records 500
#       $restore = Use-CdnEmulatorEnvironment $emulator
#   }
#   AfterAll { & $restore; Stop-CdnEmulator $emulator }

Set-StrictMode -Version 3.0

$script:DefaultKeys = @{
    AccessKey = 'HPUAEMULATORAK000001'
    SecretKey = 'emulator-secret-key-0123456789abcdef'
    DomainId  = '0123456789abcdef0123456789abcdef'
}

# Variables that decide which keys and endpoint the module uses; saved and restored together.
$script:ConnectionVariables = @(
    'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_DOMAIN_ID',
    'CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'CDNTASKS_ENDPOINT'
)

<#
.SYNOPSIS
Imports the built module ($env:CDNTASKS_MODULE_MANIFEST) into the global scope and returns it.
#>
function Import-CdnTasksModule {
    [CmdletBinding()]
    param()
    $manifest = $env:CDNTASKS_MODULE_MANIFEST
    if (-not $manifest -or -not (Test-Path -LiteralPath $manifest)) {
        throw "CDNTASKS_MODULE_MANIFEST is '$manifest', which is not a file. Run the tests with: dotnet pwsh ./build.ps1 -Task Test"
    }
    # -Global: imported from inside this module, it would otherwise land in this module's scope only.
    Import-Module -Name $manifest -Force -Global -PassThru -ErrorAction Stop
}

<#
.SYNOPSIS
Starts the emulator on a free loopback port and waits (up to -TimeoutSeconds) until it listens.
.OUTPUTS
An object with Url, AccessKey, SecretKey, DomainId, Process, the paths of its output logs, and with -Https
the Certificate (PEM path) and Thumbprint of the certificate it made.
#>
function Start-CdnEmulator {
    [CmdletBinding()]
    param(
        [int] $Records = 2000,
        [int] $Days = 1,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 30,
        # Serve HTTPS with a certificate made at start-up (see the Certificate and Thumbprint of the result).
        [switch] $Https
    )

    $dll = $env:CDNTASKS_EMULATOR_DLL
    if (-not $dll -or -not (Test-Path -LiteralPath $dll)) {
        throw "CDNTASKS_EMULATOR_DLL is '$dll', which is not a file. Build first: dotnet pwsh ./build.ps1 -Task Build"
    }

    $keys = $script:DefaultKeys.Clone()
    for ($i = 0; $i -lt $ArgumentList.Count - 1; $i++) {
        $name = $ArgumentList[$i] -replace '^-+', ''
        if ($keys.ContainsKey($name)) { $keys[$name] = $ArgumentList[$i + 1] }
    }

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $arguments = @($dll, '--urls', $(if ($Https) { 'https://127.0.0.1:0' } else { 'http://127.0.0.1:0' }), '--Records', "$Records", '--Days', "$Days", '--ExitOnStdinClose', 'true') + $ArgumentList
    foreach ($argument in $arguments) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.UseShellExecute = $false
    # stdin stays open while we hold it; if this process dies, the pipe closes and the emulator exits.
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.Environment['DOTNET_NOLOGO'] = '1'

    $logBase = Join-Path ([System.IO.Path]::GetTempPath()) "cdntasks-emulator-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $stdoutLog = [System.IO.File]::Create("$logBase.out.log")
    $stderrLog = [System.IO.File]::Create("$logBase.err.log")
    $process = [System.Diagnostics.Process]::Start($startInfo)

    # Drain stderr from the start, and stdout once the Listening line has been seen, on .NET's own
    # I/O threads (no PowerShell code runs there), so neither pipe can fill up and block the emulator.
    $stderrCopy = $process.StandardError.BaseStream.CopyToAsync($stderrLog)
    $seen = [System.Collections.Generic.List[string]]::new()
    $url = $null
    $certificate = $null
    $thumbprint = $null
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not $url) {
        $read = $process.StandardOutput.ReadLineAsync()
        while (-not $read.Wait(100)) {
            if ([DateTime]::UtcNow -gt $deadline) { break }
        }
        if (-not $read.IsCompleted -or $null -eq $read.Result) {
            $why = if ($read.IsCompleted) { "exited with code $(if ($process.WaitForExit(2000)) { $process.ExitCode } else { '?' })" } else { "did not print 'Listening on:' within $TimeoutSeconds s" }
            if (-not $process.HasExited) { $process.Kill($true); $null = $process.WaitForExit(5000) }
            $null = $stderrCopy.Wait(2000)
            $stderrLog.Dispose(); $stdoutLog.Dispose()
            $stderr = (Get-Content -Raw "$logBase.err.log") -as [string]
            Remove-Item -LiteralPath "$logBase.out.log", "$logBase.err.log" -ErrorAction SilentlyContinue
            throw "The emulator ($dll) $why.`nstdout:`n$($seen -join "`n")`nstderr:`n$stderr"
        }
        $line = $read.Result
        $seen.Add($line)
        $bytes = [System.Text.Encoding]::UTF8.GetBytes($line + "`n")
        $stdoutLog.Write($bytes, 0, $bytes.Length)
        if ($line -match '^Certificate:\s*(\S+) \(thumbprint ([0-9A-F]+)') { $certificate = $Matches[1]; $thumbprint = $Matches[2] }
        if ($line -match 'Listening on:\s*(https?://\S+)') { $url = $Matches[1].TrimEnd('/') }
    }
    $stdoutCopy = $process.StandardOutput.BaseStream.CopyToAsync($stdoutLog)

    [pscustomobject]@{
        PSTypeName   = 'CdnTasks.Tests.Emulator'
        Url          = $url
        AccessKey    = $keys.AccessKey
        SecretKey    = $keys.SecretKey
        DomainId     = $keys.DomainId
        Process      = $process
        StdoutLog    = "$logBase.out.log"
        StderrLog    = "$logBase.err.log"
        Drains       = @($stdoutCopy, $stderrCopy)
        Logs         = @($stdoutLog, $stderrLog)
        # HTTPS (-Https): the certificate the emulator made (PEM file, thumbprint); the control helpers skip its check.
        Certificate  = $certificate
        Thumbprint   = $thumbprint
        SkipCertificateCheck = [bool]$certificate
    }
}

<#
.SYNOPSIS
Stops an emulator started by Start-CdnEmulator: closes its stdin, then kills it if it is still running.
#>
function Stop-CdnEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowNull()] $Emulator)
    process {
        if ($null -eq $Emulator) { return }
        $process = $Emulator.Process
        try {
            if (-not $process.HasExited) {
                try { $process.StandardInput.Close() } catch { Write-Verbose "Closing stdin: $_" }
                if (-not $process.WaitForExit(5000)) { $process.Kill($true); $null = $process.WaitForExit(5000) }
            }
        }
        finally {
            $null = [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]]$Emulator.Drains, 5000)
            foreach ($log in $Emulator.Logs) { $log.Dispose() }
            $process.Dispose()
            Remove-Item -LiteralPath $Emulator.StdoutLog, $Emulator.StderrLog -ErrorAction SilentlyContinue
        }
    }
}

function Invoke-EmulatorControl {
    param($Emulator, [string] $Method, [string] $Path, $Body)
    $parameters = @{ Uri = "$($Emulator.Url)$Path"; Method = $Method; NoProxy = $true; TimeoutSec = 30 }
    if ($Emulator.PSObject.Properties['SkipCertificateCheck'] -and $Emulator.SkipCertificateCheck) { $parameters.SkipCertificateCheck = $true }
    # -InputObject, not the pipeline: a one-element array must stay an array.
    if ($null -ne $Body) { $parameters.Body = ConvertTo-Json -InputObject $Body -Compress -Depth 10; $parameters.ContentType = 'application/json' }
    try { Invoke-RestMethod @parameters }
    catch {
        # The control API answers 400 {"error": "..."}: say that, not just "400 Bad Request".
        $detail = $_.ErrorDetails.Message
        if ($detail) { throw "$Method $Path -> $detail" }
        throw
    }
}

# Query string of a hashtable (values as the CDN API takes them; DateTime/DateTimeOffset become epoch ms).
function ConvertTo-EmulatorQuery([hashtable] $Query) {
    $pairs = foreach ($key in $Query.Keys) {
        '{0}={1}' -f [uri]::EscapeDataString($key), [uri]::EscapeDataString([string](ConvertTo-EmulatorValue $Query[$key]))
    }
    if ($pairs) { '?' + ($pairs -join '&') } else { '' }
}

function ConvertTo-EmulatorValue($Value) {
    if ($Value -is [datetime]) { return ([DateTimeOffset]$Value.ToUniversalTime()).ToUnixTimeMilliseconds() }
    if ($Value -is [DateTimeOffset]) { return $Value.ToUnixTimeMilliseconds() }
    $Value
}

<#
.SYNOPSIS
Gets the emulator's counters (requests per API, totalRequests, throttled, faultsInjected, authFailures...).
#>
function Get-CdnEmulatorStats {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    Invoke-EmulatorControl $Emulator 'Get' '/_emulator/stats'
}

<#
.SYNOPSIS
Resets the emulator's counters.
#>
function Reset-CdnEmulatorStats {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    $null = Invoke-EmulatorControl $Emulator 'Post' '/_emulator/stats/reset'
}

<#
.SYNOPSIS
Resets the emulator without a restart: no records, no tasks, no quota usage, no mutations, outcome rules,
faults, stats, lockouts or rate-limit debt; the start-up options, account and real clock again. With
-Records (and optionally -Days, -Seed, -AnchorTime) it regenerates that many records instead, as the
start-up options would.
.EXAMPLE
Reset-CdnEmulator $emulator                        # empty
Reset-CdnEmulator $emulator -Records 3000 -Days 2  # generated history
#>
function Reset-CdnEmulator {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [int] $Records,
        [double] $Days,
        [int] $Seed,
        $AnchorTime
    )
    $body = [ordered]@{}
    if ($PSBoundParameters.ContainsKey('Records')) { $body.records = $Records }
    if ($PSBoundParameters.ContainsKey('Days')) { $body.days = $Days }
    if ($PSBoundParameters.ContainsKey('Seed')) { $body.seed = $Seed }
    if ($PSBoundParameters.ContainsKey('AnchorTime')) { $body.anchor_time = ConvertTo-EmulatorValue $AnchorTime }
    if ($body.Count -gt 0 -and -not $body.Contains('records')) { throw 'Reset-CdnEmulator: -Days, -Seed and -AnchorTime need -Records.' }
    $null = Invoke-EmulatorControl $Emulator 'Post' '/_emulator/reset' $(if ($body.Count) { $body } else { $null })
}

<#
.SYNOPSIS
Creates url-task records (grouped into tasks) and returns {ids, task_ids} in input order.
.DESCRIPTION
Either -Record with hashtables/objects in the control API's shape (url, status, task_type, file_type, mode,
create_time, modify_time, fail_classify, fail_desc, task, enterprise_project_id), or -Url with the same
-Status, -TaskType, -FileType, -Mode and -CreateTime for every URL. Values are the API's own query words
(failed, refresh, file); times are epoch ms or DateTime/DateTimeOffset; create_time defaults to now.
Records with the same "task" label (or, without labels, consecutive records alike in type, file type,
mode, create_time and project) share one task.
.EXAMPLE
Add-CdnEmulatorRecord $emulator -Url 'https://www.example.com/a.png', 'https://www.example.com/b.png' -Status failed
.EXAMPLE
Add-CdnEmulatorRecord $emulator -Record @{ url = 'https://www.example.com/x/'; file_type = 'directory'; create_time = (Get-Date).AddHours(-2) }
#>
function Add-CdnEmulatorRecord {
    [CmdletBinding(DefaultParameterSetName = 'Url')]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory, ParameterSetName = 'Record', ValueFromPipeline)] [object[]] $Record,
        [Parameter(Mandatory, ParameterSetName = 'Url')] [string[]] $Url,
        [Parameter(ParameterSetName = 'Url')] [string] $Status,
        [Parameter(ParameterSetName = 'Url')] [string] $TaskType,
        [Parameter(ParameterSetName = 'Url')] [string] $FileType,
        [Parameter(ParameterSetName = 'Url')] [string] $Mode,
        [Parameter(ParameterSetName = 'Url')] $CreateTime
    )
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process {
        if ($PSCmdlet.ParameterSetName -eq 'Record') {
            foreach ($r in $Record) {
                $item = [ordered]@{}
                $properties = if ($r -is [System.Collections.IDictionary]) { $r.Keys | ForEach-Object { @{ Name = $_; Value = $r[$_] } } } else { $r.PSObject.Properties | ForEach-Object { @{ Name = $_.Name; Value = $_.Value } } }
                foreach ($p in $properties) { $item[$p.Name] = ConvertTo-EmulatorValue $p.Value }
                $items.Add($item)
            }
        }
    }
    end {
        if ($PSCmdlet.ParameterSetName -eq 'Url') {
            foreach ($u in $Url) {
                $item = [ordered]@{ url = $u }
                if ($Status) { $item.status = $Status }
                if ($TaskType) { $item.task_type = $TaskType }
                if ($FileType) { $item.file_type = $FileType }
                if ($Mode) { $item.mode = $Mode }
                if ($null -ne $CreateTime) { $item.create_time = ConvertTo-EmulatorValue $CreateTime }
                $items.Add($item)
            }
        }
        Invoke-EmulatorControl $Emulator 'Post' '/_emulator/records' @($items)
    }
}

<#
.SYNOPSIS
Replaces the emulator's live-mutation set: data that changes just before each answer of a list API, and
answers that lie (see the emulator README, "Live mutation"). Returns the active set.
.DESCRIPTION
The parameters build one entry (every one optional; -Api omitted = ShowUrlTaskInfo, ShowHistoryTasks and
ShowHistoryTaskDetails). -Mutation takes several entries as hashtables in the control API's shape instead.
.EXAMPLE
Set-CdnEmulatorMutation $emulator -Api ShowUrlTaskInfo -InsertPerRequest 5 -InsertAgeMs 0, 600000
.EXAMPLE
Set-CdnEmulatorMutation $emulator -Total 'under:0.4' -OffsetCap 10000 -OffsetCapMode empty
#>
function Set-CdnEmulatorMutation {
    [CmdletBinding(DefaultParameterSetName = 'One')]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory, ParameterSetName = 'Set')] [System.Collections.IDictionary[]] $Mutation,
        [Parameter(ParameterSetName = 'One')] [ValidateSet('ShowUrlTaskInfo', 'ShowHistoryTasks', 'ShowHistoryTaskDetails')] [string] $Api,
        [Parameter(ParameterSetName = 'One')] [int] $InsertPerRequest,
        [Parameter(ParameterSetName = 'One')] [ValidateCount(2, 2)] [long[]] $InsertAgeMs,
        [Parameter(ParameterSetName = 'One')] [string] $InsertStatus,
        [Parameter(ParameterSetName = 'One')] [int] $StatusChangesPerRequest,
        [Parameter(ParameterSetName = 'One')] [ValidateSet('succeed', 'failed')] [string] $StatusChangeTo,
        [Parameter(ParameterSetName = 'One')] [int] $DeletesPerRequest,
        [Parameter(ParameterSetName = 'One')] [int] $ExpireOldestPerRequest,
        [Parameter(ParameterSetName = 'One')] [int] $OffsetCap,
        [Parameter(ParameterSetName = 'One')] [ValidateSet('empty', '400')] [string] $OffsetCapMode,
        [Parameter(ParameterSetName = 'One')] [string] $Total,
        [Parameter(ParameterSetName = 'One')] [double] $NullIdShare,
        [Parameter(ParameterSetName = 'One')] [double] $MissingIdShare,
        [Parameter(ParameterSetName = 'One')] [int] $ShortPageMax
    )
    if ($PSCmdlet.ParameterSetName -eq 'Set') { $body = @($Mutation) }
    else {
        $body = [ordered]@{}
        foreach ($name in $PSBoundParameters.Keys) {
            if ($name -eq 'Emulator' -or $name -in [System.Management.Automation.PSCmdlet]::CommonParameters) { continue }
            $body[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $PSBoundParameters[$name]
        }
    }
    (Invoke-EmulatorControl $Emulator 'Post' '/_emulator/mutations' $body).mutations
}

<#
.SYNOPSIS
Gets the emulator's active live-mutation set (every field, defaults included).
#>
function Get-CdnEmulatorMutation {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    (Invoke-EmulatorControl $Emulator 'Get' '/_emulator/mutations').mutations
}

<#
.SYNOPSIS
Clears the emulator's live-mutation set.
#>
function Clear-CdnEmulatorMutation {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    $null = Invoke-EmulatorControl $Emulator 'Delete' '/_emulator/mutations'
}

<#
.SYNOPSIS
Takes an epoch (a point in the emulator's change log) and returns it as a number; call it just before the
command whose output Get-CdnEmulatorOracle is to judge.
#>
function New-CdnEmulatorEpoch {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    [long](Invoke-EmulatorControl $Emulator 'Post' '/_emulator/epoch').epoch
}

<#
.SYNOPSIS
Asks the emulator which records (or tasks) matched a query continuously since an epoch ("stable") and at any
moment since ("ever"). Returns {epoch, api, stableCount, everCount, stable, ever}; entries are
{id, url, create_time, status} with the store's real ids (url omitted for tasks).
.DESCRIPTION
-Query holds the API's own filter words: ShowUrlTaskInfo start_time, end_time, status, task_type, file_type,
url (and task_id); ShowHistoryTasks start_date, end_date, status, task_type, file_type, enterprise_project_id;
ShowHistoryTaskDetails id, status, url. Times are epoch ms or DateTime/DateTimeOffset. Absent times do not
bound the range (the oracle knows no 24-hour rule); enumerated filters get the API's own defaults.
.EXAMPLE
$epoch = New-CdnEmulatorEpoch $emulator
$got = Get-CdnUrlTask -Status failed -StartTime $start -EndTime $end -All
$oracle = Get-CdnEmulatorOracle $emulator -Since $epoch -Query @{ status = 'failed'; start_time = $start; end_time = $end }
#>
function Get-CdnEmulatorOracle {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory)] [long] $Since,
        [ValidateSet('ShowUrlTaskInfo', 'ShowHistoryTasks', 'ShowHistoryTaskDetails')] [string] $Api = 'ShowUrlTaskInfo',
        [hashtable] $Query = @{}
    )
    $all = @{} + $Query
    $all.since = $Since
    $all.api = $Api
    Invoke-EmulatorControl $Emulator 'Get' ('/_emulator/oracle' + (ConvertTo-EmulatorQuery $all))
}

<#
.SYNOPSIS
Returns (as an integer) how many emulator records match a query: status, task_type, file_type, url,
start_time, end_time (epoch milliseconds), as the CDN API takes them.
.EXAMPLE
Get-CdnEmulatorCount $emulator -Query @{ status = 'failed' }
#>
function Get-CdnEmulatorCount {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator, [hashtable] $Query = @{})
    [long](Invoke-EmulatorControl $Emulator 'Get' ('/_emulator/count' + (ConvertTo-EmulatorQuery $Query))).count
}

<#
.SYNOPSIS
Gets the tasks created through the API (CreateRefreshTasks, CreatePreheatingTasks), oldest first: id,
task_type, file_type, mode, zh_url_encode, enterprise_project_id, create_time, urls.
#>
function Get-CdnEmulatorTask {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    @((Invoke-EmulatorControl $Emulator 'Get' '/_emulator/tasks').tasks)
}

<#
.SYNOPSIS
Injects faults. -Script is a fault script ("n:kind,...", for example '3:429'); -Probability and -Kinds (429,
500, 502, 503, 504, reset, truncate, html, empty, slow, ...) inject random faults. With -Api (an SDK operation
name such as CreateRefreshTasks) the script applies to that API's own requests, numbered from 1 per API;
without it, to every API request (the global script). Setting a script restarts its numbering.
.EXAMPLE
Set-CdnEmulatorFault $emulator -Api CreateRefreshTasks -Script '1:503'   # the next purge answers 503
#>
function Set-CdnEmulatorFault {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [ValidateSet('ShowUrlTaskInfo', 'CreateRefreshTasks', 'CreatePreheatingTasks', 'ShowHistoryTasks', 'ShowHistoryTaskDetails', 'ShowQuota', 'KeystoneListAuthDomains')]
        [string] $Api,
        [string] $Script,
        [double] $Probability,
        [string[]] $Kinds
    )
    $body = [ordered]@{}
    if ($Api) { $body.api = $Api }
    if ($PSBoundParameters.ContainsKey('Script')) { $body.script = $Script }
    if ($PSBoundParameters.ContainsKey('Probability')) { $body.probability = $Probability }
    # The emulator takes the kinds as one comma-separated string ("429,503").
    if ($PSBoundParameters.ContainsKey('Kinds')) { $body.kinds = ($Kinds -join ',') }
    $null = Invoke-EmulatorControl $Emulator 'Post' '/_emulator/faults' $body
}

<#
.SYNOPSIS
Removes injected faults: every script, or with -Api only that API's own script.
#>
function Clear-CdnEmulatorFault {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [ValidateSet('ShowUrlTaskInfo', 'CreateRefreshTasks', 'CreatePreheatingTasks', 'ShowHistoryTasks', 'ShowHistoryTaskDetails', 'ShowQuota', 'KeystoneListAuthDomains')]
        [string] $Api
    )
    $null = Invoke-EmulatorControl $Emulator 'Delete' ('/_emulator/faults' + $(if ($Api) { "?api=$Api" } else { '' }))
}

<#
.SYNOPSIS
Changes the emulated account: its acceleration domains (names, or hashtables with name,
enterprise_project_id, status online|offline), its enterprise projects (an empty array turns the feature
off) and ShowUrlTaskInfo's whitelist flag. Returns the account.
.EXAMPLE
Set-CdnEmulatorAccount $emulator -Domain 'www.example.com', '*.static.example.com'
.EXAMPLE
Set-CdnEmulatorAccount $emulator -EnterpriseProject '0', 'ep-a' -Domain @{ name = 'a.example.com'; enterprise_project_id = 'ep-a' }
#>
function Set-CdnEmulatorAccount {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [object[]] $Domain,
        [AllowEmptyCollection()] [string[]] $EnterpriseProject,
        [bool] $UrlTaskWhitelisted
    )
    $body = [ordered]@{}
    if ($PSBoundParameters.ContainsKey('Domain')) { $body.domains = @($Domain) }
    if ($PSBoundParameters.ContainsKey('EnterpriseProject')) { $body.enterprise_projects = @($EnterpriseProject) }
    if ($PSBoundParameters.ContainsKey('UrlTaskWhitelisted')) { $body.url_task_whitelisted = $UrlTaskWhitelisted }
    Invoke-EmulatorControl $Emulator 'Post' '/_emulator/account' $body
}

<#
.SYNOPSIS
Forces how URLs submitted from now on end: -Url is exact or a pattern with *, -Status succeed or failed,
-FailClassify (ORIGIN_ERROR, INNER_ERROR, UNKNOWN_ERROR) and -FailDesc say why, -Seconds how long it takes
(default the emulator's TaskSeconds), -Count for how many matching URLs. -Rule takes several rules as
hashtables instead. Replaces the rules in force and returns them.
.EXAMPLE
Set-CdnEmulatorOutcome $emulator -Url 'https://www.example.com/broken/*' -Status failed -FailDesc 'origin returned 404' -Seconds 0
#>
function Set-CdnEmulatorOutcome {
    [CmdletBinding(DefaultParameterSetName = 'One')]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory, ParameterSetName = 'Set')] [AllowEmptyCollection()] [System.Collections.IDictionary[]] $Rule,
        [Parameter(Mandatory, ParameterSetName = 'One')] [string] $Url,
        [Parameter(Mandatory, ParameterSetName = 'One')] [ValidateSet('succeed', 'failed')] [string] $Status,
        [Parameter(ParameterSetName = 'One')] [ValidateSet('refresh', 'preheating')] [string] $TaskType,
        [Parameter(ParameterSetName = 'One')] [ValidateSet('ORIGIN_ERROR', 'INNER_ERROR', 'UNKNOWN_ERROR')] [string] $FailClassify,
        [Parameter(ParameterSetName = 'One')] [string] $FailDesc,
        [Parameter(ParameterSetName = 'One')] [double] $Seconds,
        [Parameter(ParameterSetName = 'One')] [int] $Count
    )
    if ($PSCmdlet.ParameterSetName -eq 'Set') { $body = @($Rule) }
    else {
        $body = [ordered]@{ url = $Url; status = $Status }
        if ($TaskType) { $body.task_type = $TaskType }
        if ($FailClassify) { $body.fail_classify = $FailClassify }
        if ($PSBoundParameters.ContainsKey('FailDesc')) { $body.fail_desc = $FailDesc }
        if ($PSBoundParameters.ContainsKey('Seconds')) { $body.seconds = $Seconds }
        if ($PSBoundParameters.ContainsKey('Count')) { $body.count = $Count }
    }
    @((Invoke-EmulatorControl $Emulator 'Post' '/_emulator/outcomes' $body).outcomes)
}

<#
.SYNOPSIS
Changes options of the running emulator by their command-line names (RateLimitPerSecond, TaskSeconds,
QuotaFileRefresh, ClockSkewMinutes, Domains, ...); Reset-CdnEmulator goes back to the start-up values.
Returns every option.
.EXAMPLE
Set-CdnEmulatorOption $emulator @{ RateLimitPerSecond = 20; TaskSeconds = 2 }
#>
function Set-CdnEmulatorOption {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator, [Parameter(Mandatory, Position = 1)] [hashtable] $Option)
    Invoke-EmulatorControl $Emulator 'Post' '/_emulator/options' $Option
}

<#
.SYNOPSIS
Moves the emulator's data clock (record ages, task life cycles, the daily quota; not the signature check):
-Advance by a TimeSpan, or -Offset from real time. Returns {offset_ms, now}.
.EXAMPLE
Set-CdnEmulatorClock $emulator -Advance (New-TimeSpan -Days 1)   # tomorrow: the daily quota is unused again
#>
function Set-CdnEmulatorClock {
    [CmdletBinding(DefaultParameterSetName = 'Advance')]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory, ParameterSetName = 'Advance')] [timespan] $Advance,
        [Parameter(Mandatory, ParameterSetName = 'Offset')] [timespan] $Offset
    )
    $body = if ($PSCmdlet.ParameterSetName -eq 'Advance') { @{ advance_ms = [long]$Advance.TotalMilliseconds } } else { @{ offset_ms = [long]$Offset.TotalMilliseconds } }
    Invoke-EmulatorControl $Emulator 'Post' '/_emulator/clock' $body
}

Set-Alias -Name Set-CdnEmulatorFaults -Value Set-CdnEmulatorFault
Set-Alias -Name Clear-CdnEmulatorFaults -Value Clear-CdnEmulatorFault

<#
.SYNOPSIS
Points the module at the emulator through environment variables (HUAWEICLOUD_SDK_AK/SK/DOMAIN_ID,
CDNTASKS_ENDPOINT; other credential variables are cleared) and returns a scriptblock that restores
the previous values: $restore = Use-CdnEmulatorEnvironment $emulator; ...; & $restore
#>
function Use-CdnEmulatorEnvironment {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    $saved = @{}
    foreach ($name in $script:ConnectionVariables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    foreach ($name in $script:ConnectionVariables) { [Environment]::SetEnvironmentVariable($name, $null) }
    [Environment]::SetEnvironmentVariable('HUAWEICLOUD_SDK_AK', $Emulator.AccessKey)
    [Environment]::SetEnvironmentVariable('HUAWEICLOUD_SDK_SK', $Emulator.SecretKey)
    [Environment]::SetEnvironmentVariable('HUAWEICLOUD_SDK_DOMAIN_ID', $Emulator.DomainId)
    [Environment]::SetEnvironmentVariable('CDNTASKS_ENDPOINT', $Emulator.Url)
    {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }.GetNewClosure()
}

<#
.SYNOPSIS
Runs a script in a child pwsh of the same version (dotnet pwsh.dll when run as a local dotnet tool), with the
environment of this process and its standard output redirected; returns ExitCode and Output (all of its output as
one string). -WorkingDirectory sets its current folder; -ImportModule imports the built module first.
#>
function Invoke-CdnChildPwsh {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [string] $Command, [string] $WorkingDirectory = $PWD.Path, [switch] $ImportModule)
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    if ($ImportModule) { $Command = "Import-Module '$env:CDNTASKS_MODULE_MANIFEST' -ErrorAction Stop`n$Command" }
    Push-Location -LiteralPath $WorkingDirectory
    try {
        $output = & $exe @prefix -NoProfile -NonInteractive -Command $Command 2>&1 | Out-String -Width 400
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
    }
    finally { Pop-Location }
}

Export-ModuleMember -Function Import-CdnTasksModule, Start-CdnEmulator, Stop-CdnEmulator, Get-CdnEmulatorStats,
    Reset-CdnEmulatorStats, Reset-CdnEmulator, Add-CdnEmulatorRecord, Set-CdnEmulatorMutation, Get-CdnEmulatorMutation,
    Clear-CdnEmulatorMutation, New-CdnEmulatorEpoch, Get-CdnEmulatorOracle, Get-CdnEmulatorCount, Get-CdnEmulatorTask,
    Set-CdnEmulatorFault, Clear-CdnEmulatorFault, Set-CdnEmulatorAccount, Set-CdnEmulatorOutcome, Set-CdnEmulatorOption,
    Set-CdnEmulatorClock, Use-CdnEmulatorEnvironment, Invoke-CdnChildPwsh -Alias Set-CdnEmulatorFaults, Clear-CdnEmulatorFaults
