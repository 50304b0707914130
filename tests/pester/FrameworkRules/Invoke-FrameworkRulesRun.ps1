# Copyright (c) CdnTasks contributors. MIT License.
#
# Run by FrameworkRules.Tests.ps1 in a FRESH pwsh (PowerShell caches cmdlet metadata by type name, so no other
# copy of CdnTasks may have been used in the process): loads the built module into FrameworkRulesLoadContext
# (.NET Framework's binding rules, the module's own resolver, the shipped netstandard2.0 DLLs), imports it with
# Import-Module -Assembly, runs Get-CdnUrlTask -All, the failed export and Clear-CdnCache -Wait against the
# emulator, and prints one JSON object: what ran, the errors, and every binding decision.
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $Endpoint,
    [Parameter(Mandatory)] [string] $AccessKey,
    [Parameter(Mandatory)] [string] $SecretKey,
    [Parameter(Mandatory)] [string] $DomainId,
    [Parameter(Mandatory)] [string] $CsvPath,
    [Parameter(Mandatory)] [string] $Start,
    [Parameter(Mandatory)] [string] $End,
    [switch] $WithoutResolver
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Add-Type -Path (Join-Path $PSScriptRoot 'FrameworkRulesLoadContext.cs')
$context = [CdnTasks.FrameworkRules.FrameworkRulesLoadContext]::new($ModuleFolder, -not $WithoutResolver)
Import-Module -Assembly $context.Module

$startTime = [DateTime]::Parse($Start, [cultureinfo]::InvariantCulture, 'RoundtripKind')
$endTime = [DateTime]::Parse($End, [cultureinfo]::InvariantCulture, 'RoundtripKind')
$summary = [ordered]@{ All = $null; AllTypeContext = $null; Exported = $null; TaskStatus = $null; TaskTotal = $null; Errors = @() }
try {
    Set-CdnCredential -AccessKey $AccessKey -SecretKey (ConvertTo-SecureString $SecretKey -AsPlainText -Force) -DomainId $DomainId
    Set-CdnConfig -Endpoint $Endpoint -RateLimit off -MaxRetry 2
    $all = @(Get-CdnUrlTask -All -StartTime $startTime -EndTime $endTime)
    $summary.All = $all.Count
    if ($all.Count) { $summary.AllTypeContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($all[0].GetType().Assembly).Name }
    Get-CdnUrlTask -Status failed -All -StartTime $startTime -EndTime $endTime | Export-Csv -Path $CsvPath -NoTypeInformation -Encoding UTF8
    $summary.Exported = @(Import-Csv -Path $CsvPath).Count
    $task = Clear-CdnCache -Url 'https://www.example.com/alc/1.js' -Wait
    $summary.TaskStatus = [string]$task.Status
    $summary.TaskTotal = [int]$task.Total
}
catch {
    # Recorded in $Error with everything else, below.
}
$summary.Errors = @($Error | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } else { "$_" } })
$summary.Bound = @($context.Bound | Sort-Object -Unique)
$summary.FromHost = @($context.FromHost | Sort-Object -Unique)
$summary.Failed = @($context.Failed | Sort-Object -Unique)
$summary.Loaded = @($context.LoadedFiles | Sort-Object)
$summary | ConvertTo-Json -Depth 3 -Compress
