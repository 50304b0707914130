# Copyright (c) CdnTasks contributors. MIT License.
#
# Runs every tests/pester/*.Tests.ps1 with the given Pester module. build.ps1 -Task Test starts this
# in a child `pwsh -NoProfile` with CDNTASKS_MODULE_MANIFEST and CDNTASKS_EMULATOR_DLL set, then reads
# the counts from -SummaryPath (JSON). A NUnit XML report goes to -ResultDirectory.
#
# To run one file by hand after a build:
#   $env:CDNTASKS_MODULE_MANIFEST = "$PWD/out/CdnTasks/CdnTasks.psd1"
#   $env:CDNTASKS_EMULATOR_DLL = "$PWD/out/emulator/CdnTasks.Emulator.dll"
#   ./tests/pester/Invoke-PesterSuite.ps1 -PesterPath <...>/pester/5.7.1/tools/Pester.psd1 -TestPath ./tests/pester/Module.Tests.ps1
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [string[]] $TestPath = @($PSScriptRoot),
    [string] $ResultDirectory = (Join-Path $PSScriptRoot '../../out/TestResults'),
    [string] $SummaryPath
)

$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterPath -Force

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
# Plain text when the output is a log, not a terminal (or NO_COLOR is set): no ANSI escape codes in it.
if ([Console]::IsOutputRedirected -or $env:NO_COLOR) {
    $PSStyle.OutputRendering = 'PlainText'
    $config.Output.RenderMode = 'Plaintext'
}
$config.Output.StackTraceVerbosity = 'Filtered'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.xml'
$null = New-Item -ItemType Directory -Force -Path $ResultDirectory

$result = Invoke-Pester -Configuration $config
if ($null -eq $result) {
    # Invoke-Pester itself failed (for example while writing the XML report): no counts can be trusted.
    Write-Error 'Invoke-Pester returned no result; the run is counted as failed.' -ErrorAction Continue
    exit 2
}

# A file that fails to load, or a failing BeforeAll/AfterAll, counts as a failure even though no
# single test reports it.
$summary = [ordered]@{
    Passed          = $result.PassedCount
    Failed          = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped         = $result.SkippedCount
    NotRun          = $result.NotRunCount
    Total           = $result.TotalCount
    Result          = $result.Result
    DurationSeconds = [math]::Round($result.Duration.TotalSeconds, 1)
}
if ($SummaryPath) { $summary | ConvertTo-Json | Set-Content -Path $SummaryPath -Encoding utf8 }
if ($summary.Failed -gt 0) { exit 1 }
exit 0
