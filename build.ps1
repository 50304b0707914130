# Copyright (c) CdnTasks contributors. MIT License.
#Requires -Version 7.2

<#
.SYNOPSIS
Builds, documents, tests, demonstrates and packages the CdnTasks module.

.DESCRIPTION
    dotnet tool restore && dotnet pwsh ./build.ps1 [-Task] <Task> [-Configuration Release]

    Clean    removes out/ and every bin/ and obj/ under src/, tests/ and tools/.
    Build    publishes the module and the emulator, lays out out/CdnTasks/ from an explicit file list,
             generates help (Docs), and checks the manifest and its exports.      (default)
    Docs     converts docs/*.md into out/CdnTasks/en-US/ (MAML + about topics).
    Test     Build, then xunit (tests/CdnTasks.Tests) and Pester (tests/pester/*.Tests.ps1);
             the last line is "N passed, N failed"; exit code 1 when anything failed or did not run.
    Demo     Build, start the emulator, export the failed tasks to out/demo/failed.csv.
    Package  Build, then out/CdnTasks.<version>.nupkg through PSResourceGet, and the emulator as a .NET
             tool package out/CdnTasks.Emulator.<version>.nupkg (command cdntasks-emulator).
    Bench    Build, then the benchmark (tools/bench/): realistic paging at the service's rate limit,
             throughput against a C# floor and an Invoke-RestMethod loop, first-record latency and
             Import-Module cost; prints one table of medians (docs/performance.md).

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Clean', 'Build', 'Docs', 'Test', 'Demo', 'Package', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# A log is not a terminal: when output is redirected (CI, `> test.log`), no ANSI escape codes, here or in any
# child pwsh (NO_COLOR, https://no-color.org, which PowerShell 7.2+ and Pester honour; it is inherited).
$SavedRendering = @{ OutputRendering = $PSStyle.OutputRendering; NoColor = $env:NO_COLOR }
if ([Console]::IsOutputRedirected -or $env:NO_COLOR) {
    $PSStyle.OutputRendering = 'PlainText'
    $env:NO_COLOR = '1'
}

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleOut = Join-Path $OutDir 'CdnTasks'
$PublishOut = Join-Path $OutDir 'obj/module'
$EmulatorOut = Join-Path $OutDir 'emulator'
$TestResults = Join-Path $OutDir 'TestResults'
$ManifestOut = Join-Path $ModuleOut 'CdnTasks.psd1'
$EmulatorDll = Join-Path $EmulatorOut 'CdnTasks.Emulator.dll'

# What netstandard2.0 CdnTasks.dll needs next to it in Windows PowerShell 5.1: System.Text.Json and the
# polyfills it references, and nothing else (PowerShell 7 uses .NET 8's own copies of all of them). On
# .NET Framework the module's resolver (src/CdnTasks/Loading) answers from these files the references
# whose versions disagree (System.Buffers 4.0.2.0, Unsafe 4.0.4.1). Build fails if publish does not
# produce one of these, or produces a DLL that is on neither this list nor the host-provided pattern
# below: a new dependency must be added here on purpose (tests/CdnTasks.Tests/Loading checks the set).
$ModuleDependencies = @(
    'Microsoft.Bcl.AsyncInterfaces.dll'
    'System.Buffers.dll'
    'System.Memory.dll'
    'System.Numerics.Vectors.dll'
    'System.Runtime.CompilerServices.Unsafe.dll'
    'System.Text.Encodings.Web.dll'
    'System.Text.Json.dll'
    'System.Threading.Tasks.Extensions.dll'
)
# Assemblies that PowerShell or netstandard itself provides; never shipped in the module folder.
$HostProvidedPattern = '^(System\.Management\.Automation|Microsoft\.PowerShell\..+|Microsoft\.Management\.Infrastructure.*|netstandard|mscorlib)\.dll$'

#region Helpers

# Runs a native command and fails when it returns a non-zero exit code.
function Exec {
    param([Parameter(Mandatory)] [scriptblock] $Command, [string] $What = $Command.ToString().Trim())
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "Failed (exit code $LASTEXITCODE): $What" }
}

function Write-Step([string] $Message) { Write-Host "==> $Message" -ForegroundColor Cyan }

function FindDotNet {
    if (-not (Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'The .NET SDK (dotnet) was not found on PATH. Install the SDK version named in global.json (https://dot.net), then run: dotnet tool restore && dotnet pwsh ./build.ps1'
    }
    $version = & dotnet --version 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet is on PATH but cannot find the SDK that global.json asks for:`n$version`nInstall that SDK (https://dot.net)."
    }
}

# The command line for a child PowerShell of the same version as this one: `dotnet pwsh.dll` when
# we run as a local dotnet tool, otherwise this pwsh executable.
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    @($process)
}

# Runs a script file in a child `pwsh -NoProfile` with extra environment variables; returns its exit code.
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $File, [string[]] $ArgumentList = @(), [hashtable] $Environment = @{})
    $pwsh = @(Get-PwshCommand)
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $extra = @($pwsh | Select-Object -Skip 1)
        # Out-Host: the child's output is for the reader; only the exit code is returned.
        & $pwsh[0] @extra -NoProfile -NonInteractive -File $File @ArgumentList | Out-Host
        $LASTEXITCODE
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_['ModuleVersion'] } | Where-Object { $_ })[0].InnerText.Trim()
    if ($version -notmatch '^\d+\.\d+\.\d+$') { throw "Directory.Build.props: <ModuleVersion> '$version' is not Major.Minor.Patch." }
    $version
}

# The body of the "## [Unreleased]" section of CHANGELOG.md.
function Get-UnreleasedNotes {
    $changelog = Get-Content -Raw (Join-Path $RepoRoot 'CHANGELOG.md')
    if ($changelog -notmatch '(?ms)^## \[?Unreleased\]?[^\n]*\n(.*?)(?=^## |\z)') { throw 'CHANGELOG.md has no "## [Unreleased]" section.' }
    $notes = $Matches[1].Trim()
    if (-not $notes) { 'No unreleased changes.' } else { $notes }
}

# Counts of a VSTest trx file, from its individual results (skipped tests are "NotExecuted").
function Get-TrxCounts([string] $Path) {
    $results = @(([xml](Get-Content -Raw $Path)).SelectNodes("//*[local-name()='UnitTestResult']"))
    [pscustomobject]@{
        Passed  = @($results | Where-Object outcome -EQ 'Passed').Count
        Failed  = @($results | Where-Object outcome -In 'Failed', 'Error', 'Timeout', 'Aborted').Count
        Skipped = @($results | Where-Object outcome -In 'NotExecuted', 'Inconclusive').Count
    }
}

#endregion

#region Tasks

function Invoke-Clean {
    Write-Step 'Clean'
    if (Test-Path $OutDir) { Remove-Item -Recurse -Force $OutDir }
    foreach ($root in 'src', 'tests', 'tools') {
        Get-ChildItem -Path (Join-Path $RepoRoot $root) -Directory -Recurse -Include 'bin', 'obj' -ErrorAction SilentlyContinue |
            Where-Object { Test-Path $_.FullName } | Remove-Item -Recurse -Force
    }
}

function Invoke-Docs {
    Write-Step 'Docs: docs/*.md -> out/CdnTasks/en-US'
    Import-Module (Join-Path $RepoRoot 'tools/HelpConverter.psm1') -Force
    $docs = Join-Path $RepoRoot 'docs'
    $cmdletPages = @(Get-ChildItem $docs -Filter '*.md' | Where-Object Name -Match '^[A-Za-z]+-[A-Za-z]+\.md$' | Sort-Object Name)
    if ($cmdletPages.Count -eq 0) { throw 'docs/ has no Verb-Noun.md cmdlet pages.' }
    $enUS = Join-Path $ModuleOut 'en-US'
    ConvertTo-MamlHelp -Path $cmdletPages.FullName -OutputFile (Join-Path $enUS 'CdnTasks.dll-Help.xml')
    foreach ($about in Get-ChildItem $docs -Filter 'about_*.md') {
        ConvertTo-AboutHelpText -Path $about.FullName -OutputFile (Join-Path $enUS ($about.BaseName + '.help.txt'))
    }
}

function Invoke-Build {
    FindDotNet
    $version = Get-ModuleVersion
    Write-Step "Build CdnTasks $version ($Configuration)"
    # A fresh folder: publish never deletes, and a DLL left from an older dependency set must not look shipped.
    if (Test-Path $PublishOut) { Remove-Item -Recurse -Force $PublishOut }
    Exec { dotnet publish (Join-Path $RepoRoot 'src/CdnTasks') -c $Configuration -o $PublishOut --nologo -v q } 'dotnet publish src/CdnTasks'
    Exec { dotnet publish (Join-Path $RepoRoot 'src/CdnTasks.Emulator') -c $Configuration -o $EmulatorOut --nologo -v q } 'dotnet publish src/CdnTasks.Emulator'

    $published = @(Get-ChildItem $PublishOut -Filter '*.dll' | Where-Object { $_.Name -ne 'CdnTasks.dll' -and $_.Name -notmatch $HostProvidedPattern }).Name
    $missing = @($ModuleDependencies | Where-Object { $_ -notin $published }) + @(if (-not (Test-Path (Join-Path $PublishOut 'CdnTasks.dll'))) { 'CdnTasks.dll' })
    $unexpected = @($published | Where-Object { $_ -notin $ModuleDependencies })
    if ($missing) { throw "dotnet publish did not produce: $($missing -join ', ')" }
    if ($unexpected) { throw "dotnet publish produced dependencies that build.ps1 does not know: $($unexpected -join ', '). Add them to `$ModuleDependencies (if the module needs them) or to `$HostProvidedPattern." }

    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $null = New-Item -ItemType Directory -Path $ModuleOut
    $files = @('CdnTasks.dll') + $ModuleDependencies | ForEach-Object { Join-Path $PublishOut $_ }
    $files += Join-Path $RepoRoot 'LICENSE'
    $format = Join-Path $RepoRoot 'src/CdnTasks/CdnTasks.Format.ps1xml'
    if (Test-Path $format) { $files += $format } else { Write-Warning 'src/CdnTasks/CdnTasks.Format.ps1xml does not exist yet; the manifest names it in FormatsToProcess.' }
    Copy-Item -Path $files -Destination $ModuleOut

    # Apostrophes are doubled because the notes land inside a single-quoted psd1 string.
    $manifest = Get-Content -Raw (Join-Path $RepoRoot 'CdnTasks.psd1')
    $manifest = $manifest.Replace("'{{ModuleVersion}}'", "'$version'").Replace("'{{ReleaseNotes}}'", "'" + (Get-UnreleasedNotes).Replace("'", "''") + "'")
    Set-Content -Path $ManifestOut -Value $manifest -NoNewline -Encoding utf8

    Invoke-Docs

    Write-Step 'Check the manifest and its exports'
    $info = Test-ModuleManifest -Path $ManifestOut
    if ($info.Version -ne [version]$version) { throw "The built manifest has version $($info.Version), expected $version." }
    # A child process, so that this build process never loads (and locks) CdnTasks.dll.
    $rc = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tools/Assert-ModuleExports.ps1') -ArgumentList $ManifestOut
    if ($rc -ne 0) { throw 'The module exports check failed (see above).' }
    Write-Host "Built $ModuleOut"
}

function Invoke-Test {
    Invoke-Build
    $null = New-Item -ItemType Directory -Force -Path $TestResults
    # Both suites (and anything they start) test the BUILT module and emulator.
    $env:CDNTASKS_MODULE_MANIFEST = $ManifestOut
    $env:CDNTASKS_EMULATOR_DLL = $EmulatorDll
    $suites = [System.Collections.Generic.List[object]]::new()

    Write-Step 'xunit: tests/CdnTasks.Tests'
    $trx = Join-Path $TestResults 'xunit.trx'
    if (Test-Path $trx) { Remove-Item $trx }
    # A failing test makes dotnet test exit non-zero; the counts come from the trx file instead.
    dotnet test (Join-Path $RepoRoot 'tests/CdnTasks.Tests') -c $Configuration --nologo -v q --logger 'trx;LogFileName=xunit.trx' --results-directory $TestResults
    $xunitExit = $LASTEXITCODE
    if (Test-Path $trx) {
        $counts = Get-TrxCounts $trx
        $suites.Add([pscustomobject]@{ Name = 'xunit'; Ran = $true; Passed = $counts.Passed; Failed = $counts.Failed; Skipped = $counts.Skipped; Note = '' })
        if ($xunitExit -ne 0 -and $counts.Failed -eq 0) { $suites[-1].Ran = $false; $suites[-1].Note = "dotnet test exited with $xunitExit" }
    }
    else { $suites.Add([pscustomobject]@{ Name = 'xunit'; Ran = $false; Passed = 0; Failed = 0; Skipped = 0; Note = "no trx written (dotnet test exit code $xunitExit)" }) }

    Write-Step 'Pester: tests/pester/*.Tests.ps1'
    $pester = Get-PesterModulePath
    $summary = Join-Path $TestResults 'pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    $pesterExit = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tests/pester/Invoke-PesterSuite.ps1') `
        -ArgumentList '-PesterPath', $pester, '-TestPath', (Join-Path $RepoRoot 'tests/pester'), '-ResultDirectory', $TestResults, '-SummaryPath', $summary
    if (Test-Path $summary) {
        $counts = Get-Content -Raw $summary | ConvertFrom-Json
        $suites.Add([pscustomobject]@{ Name = 'Pester'; Ran = $true; Passed = $counts.Passed; Failed = $counts.Failed; Skipped = $counts.Skipped; Note = '' })
        if ($pesterExit -ne 0 -and $counts.Failed -eq 0) { $suites[-1].Ran = $false; $suites[-1].Note = "Pester exited with $pesterExit" }
    }
    else { $suites.Add([pscustomobject]@{ Name = 'Pester'; Ran = $false; Passed = 0; Failed = 0; Skipped = 0; Note = "no summary written (exit code $pesterExit)" }) }

    Write-Step 'Summary'
    foreach ($suite in $suites) {
        if ($suite.Ran) { Write-Host ('{0,-7} {1} passed, {2} failed, {3} skipped' -f $suite.Name, $suite.Passed, $suite.Failed, $suite.Skipped) }
        else { Write-Host ('{0,-7} DID NOT RUN: {1} (counted as 1 failed)' -f $suite.Name, $suite.Note) -ForegroundColor Red }
    }
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum + @($suites | Where-Object { -not $_.Ran }).Count
    $skipped = ($suites | Measure-Object Skipped -Sum).Sum
    $line = "$passed passed, $failed failed" + $(if ($skipped) { ", $skipped skipped" } else { '' })
    Write-Host $line
    if ($failed -gt 0) { exit 1 }
}

# Restores Pester from NuGet (tools/Pester.proj) and returns the path of its Pester.psd1.
function Get-PesterModulePath {
    $project = Join-Path $RepoRoot 'tools/Pester.proj'
    Exec { dotnet restore $project --nologo -v q } 'dotnet restore tools/Pester.proj'
    $version = ([xml](Get-Content -Raw $project)).Project.PropertyGroup.PesterVersion
    # The package folders the restore actually used (honours NUGET_PACKAGES and NuGet.config).
    $assets = Get-Content -Raw (Join-Path $RepoRoot 'tools/obj/project.assets.json') | ConvertFrom-Json
    foreach ($folder in $assets.packageFolders.PSObject.Properties.Name) {
        $candidate = Join-Path $folder "pester/$version/tools/Pester.psd1"
        if (Test-Path $candidate) { return $candidate }
    }
    throw "Pester $version was restored but Pester.psd1 was not found under: $($assets.packageFolders.PSObject.Properties.Name -join ', ')"
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo: export failed tasks from the emulator'
    $env:CDNTASKS_EMULATOR_DLL = $EmulatorDll
    Import-Module (Join-Path $RepoRoot 'tests/pester/TestHelpers.psm1') -Force
    $demoOut = Join-Path $OutDir 'demo'
    $null = New-Item -ItemType Directory -Force -Path $demoOut
    $emulator = Start-CdnEmulator -Records 5000 -Days 3
    try {
        Write-Host "Emulator listening on $($emulator.Url) (5000 records over 3 days)"
        $rc = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tools/Invoke-Demo.ps1') -ArgumentList $ModuleOut, (Join-Path $demoOut 'failed.csv') -Environment @{
            HUAWEICLOUD_SDK_AK = $emulator.AccessKey; HUAWEICLOUD_SDK_SK = $emulator.SecretKey
            HUAWEICLOUD_SDK_DOMAIN_ID = $emulator.DomainId; CDNTASKS_ENDPOINT = $emulator.Url
        }
        if ($rc -ne 0) { throw "The demo failed (exit code $rc)." }

        # The cmdlet's default range is the last 24 hours; ask the emulator about the same window
        # (epoch milliseconds, as the CDN API takes them).
        $exported = @(Import-Csv (Join-Path $demoOut 'failed.csv')).Count
        $all = Get-CdnEmulatorCount $emulator -Query @{ status = 'failed' }
        $end = [DateTimeOffset]::UtcNow
        $inRange = Get-CdnEmulatorCount $emulator -Query @{ status = 'failed'; start_time = $end.AddDays(-1).ToUnixTimeMilliseconds(); end_time = $end.ToUnixTimeMilliseconds() }
        Write-Host "Emulator: $inRange failed records in the last 24 hours ($all in all 3 days); exported: $exported"
        if ($exported -eq $inRange) { Write-Host 'The export matches the emulator.' -ForegroundColor Green }
        else { Write-Warning "The export has $exported rows but the emulator counts $inRange failed records in the last 24 hours." }
    }
    finally {
        Stop-CdnEmulator $emulator
    }
}

function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    Write-Step "Package: out/CdnTasks.$version.nupkg"
    $repoName = "CdnTasksBuild-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $repoPath = Join-Path $OutDir "obj/psrepository"
    if (Test-Path $repoPath) { Remove-Item -Recurse -Force $repoPath }
    $null = New-Item -ItemType Directory -Path $repoPath
    Register-PSResourceRepository -Name $repoName -Uri $repoPath -Trusted
    try {
        Publish-PSResource -Path $ModuleOut -Repository $repoName
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName
    }
    $nupkg = Join-Path $repoPath "CdnTasks.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource did not write $nupkg." }
    Move-Item -Force $nupkg (Join-Path $OutDir "CdnTasks.$version.nupkg")
    Write-Host "Packaged $(Join-Path $OutDir "CdnTasks.$version.nupkg")"

    # The emulator as a .NET tool, for users' own offline tests (docs/offline-runbook-testing.md).
    Write-Step "Package: out/CdnTasks.Emulator.$version.nupkg (dotnet tool, command cdntasks-emulator)"
    Exec { dotnet pack (Join-Path $RepoRoot 'src/CdnTasks.Emulator') -c $Configuration -o $OutDir --nologo -v q } 'dotnet pack src/CdnTasks.Emulator'
    $toolPackage = Join-Path $OutDir "CdnTasks.Emulator.$version.nupkg"
    if (-not (Test-Path $toolPackage)) { throw "dotnet pack did not write $toolPackage." }
    Write-Host "Packaged $toolPackage"
}

function Invoke-Bench {
    # Never a timed test: prints one table of medians (method and targets: docs/performance.md).
    Invoke-Build
    Write-Step 'Bench: build the floor (tools/bench/Floor)'
    $floorOut = Join-Path $OutDir 'bench/floor'
    Exec { dotnet build (Join-Path $RepoRoot 'tools/bench/Floor') -c Release -o $floorOut --nologo -v q } 'dotnet build tools/bench/Floor'
    Write-Step 'Bench: emulators, fresh pwsh processes, medians of 3 runs (about 5 minutes)'
    $rc = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tools/bench/Invoke-Benchmark.ps1') -ArgumentList @(
        '-ModuleManifest', $ManifestOut, '-EmulatorDll', $EmulatorDll, '-FloorDll', (Join-Path $floorOut 'CdnTasks.Bench.Floor.dll'),
        '-ResultPath', (Join-Path $OutDir 'bench/results.json'))
    if ($rc -ne 0) { throw "The benchmark failed (exit code $rc)." }
}

#endregion

Push-Location $RepoRoot
try {
    switch ($Task) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Docs' { Invoke-Docs }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Package' { Invoke-Package }
        'Bench' { Invoke-Bench }
    }
}
catch {
    Write-Host "build.ps1 -Task ${Task} FAILED: $($_.Exception.Message)" -ForegroundColor Red
    Write-Host $_.ScriptStackTrace -ForegroundColor DarkGray
    # Test always ends with the count line; a run that broke before the suites counts as one failure.
    if ($Task -eq 'Test') { Write-Host '0 passed, 1 failed' }
    exit 1
}
finally {
    Pop-Location
    $PSStyle.OutputRendering = $SavedRendering.OutputRendering
    $env:NO_COLOR = $SavedRendering.NoColor
}
