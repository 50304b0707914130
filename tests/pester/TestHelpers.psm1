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
An object with Url, AccessKey, SecretKey, DomainId, Process, and the paths of its output logs.
#>
function Start-CdnEmulator {
    [CmdletBinding()]
    param(
        [int] $Records = 2000,
        [int] $Days = 1,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 30
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
    $arguments = @($dll, '--urls', 'http://127.0.0.1:0', '--Records', "$Records", '--Days', "$Days", '--ExitOnStdinClose', 'true') + $ArgumentList
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
        if ($line -match 'Listening on:\s*(http://\S+)') { $url = $Matches[1].TrimEnd('/') }
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
    if ($null -ne $Body) { $parameters.Body = ($Body | ConvertTo-Json -Compress); $parameters.ContentType = 'application/json' }
    Invoke-RestMethod @parameters
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
Returns (as an integer) how many emulator records match a query: status, task_type, file_type, url,
start_time, end_time (epoch milliseconds), as the CDN API takes them.
.EXAMPLE
Get-CdnEmulatorCount $emulator -Query @{ status = 'failed' }
#>
function Get-CdnEmulatorCount {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator, [hashtable] $Query = @{})
    $pairs = foreach ($key in $Query.Keys) { '{0}={1}' -f [uri]::EscapeDataString($key), [uri]::EscapeDataString([string]$Query[$key]) }
    $path = '/_emulator/count' + $(if ($pairs) { '?' + ($pairs -join '&') } else { '' })
    [long](Invoke-EmulatorControl $Emulator 'Get' $path).count
}

<#
.SYNOPSIS
Injects faults: -Script is the emulator's fault script ("n:kind,...", for example '3:429'); -Probability
and -Kinds (429, 500, 502, 503, 504, reset, truncate, html, empty, slow, ...) inject random faults.
Setting faults restarts the emulator's request numbering.
#>
function Set-CdnEmulatorFaults {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [string] $Script,
        [double] $Probability,
        [string[]] $Kinds
    )
    $body = [ordered]@{}
    if ($PSBoundParameters.ContainsKey('Script')) { $body.script = $Script }
    if ($PSBoundParameters.ContainsKey('Probability')) { $body.probability = $Probability }
    # The emulator takes the kinds as one comma-separated string ("429,503").
    if ($PSBoundParameters.ContainsKey('Kinds')) { $body.kinds = ($Kinds -join ',') }
    $null = Invoke-EmulatorControl $Emulator 'Post' '/_emulator/faults' $body
}

<#
.SYNOPSIS
Removes every injected fault.
#>
function Clear-CdnEmulatorFaults {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    $null = Invoke-EmulatorControl $Emulator 'Delete' '/_emulator/faults'
}

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
    Reset-CdnEmulatorStats, Get-CdnEmulatorCount, Set-CdnEmulatorFaults, Clear-CdnEmulatorFaults, Use-CdnEmulatorEnvironment,
    Invoke-CdnChildPwsh
