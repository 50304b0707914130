# Copyright (c) CdnTasks contributors. MIT License.
#
# docs/offline-runbook-testing.md as a user meets it: the emulator packed as a .NET tool and installed
# from that package, then the page's runbook and its Pester test (taken verbatim from the page; the docs
# examples test only parses them) run in a child pwsh that finds CdnTasks and cdntasks-emulator by name.

BeforeAll {
    $script:repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $script:page = Join-Path $repo 'docs/offline-runbook-testing.md'
    $script:work = Join-Path $TestDrive 'runbook'
    $null = New-Item -ItemType Directory -Path $work

    # The files of the page: each PowerShell block whose first line names it ("# Invoke-ReleasePurge.ps1").
    $text = Get-Content -Raw -LiteralPath $page
    $script:files = @{}
    foreach ($match in [regex]::Matches($text, '(?ms)^```powershell\r?\n# (?<name>[\w.-]+\.ps1)\r?\n(?<code>.*?)^```')) {
        $files[$match.Groups['name'].Value] = $match.Groups['code'].Value
        Set-Content -LiteralPath (Join-Path $work $match.Groups['name'].Value) -Value $match.Groups['code'].Value -NoNewline
    }

    # The tool package, installed from a feed that holds only it (no other source is asked).
    $feed = Join-Path $TestDrive 'feed'
    $script:toolPath = Join-Path $TestDrive 'tools'
    $project = Join-Path $repo 'src/CdnTasks.Emulator'
    & dotnet pack $project -c Release --no-build -o $feed --nologo -v q 2>&1 | Out-Null
    if ($LASTEXITCODE -ne 0) { & dotnet pack $project -c Release -o $feed --nologo -v q 2>&1 | Out-Null }
    $script:package = @(Get-ChildItem -LiteralPath $feed -Filter 'CdnTasks.Emulator.*.nupkg')
    $config = Join-Path $TestDrive 'nuget.config'
    Set-Content -LiteralPath $config -Value @"
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$feed" /></packageSources></configuration>
"@
    $script:install = & dotnet tool install CdnTasks.Emulator --tool-path $toolPath --configfile $config --no-cache 2>&1 | Out-String
    $script:installExit = $LASTEXITCODE
}

Describe 'docs/offline-runbook-testing.md' {
    It 'holds the runbook and its test' {
        $files.Keys | Sort-Object | Should -Be @('Invoke-ReleasePurge.ps1', 'Invoke-ReleasePurge.Tests.ps1')
    }

    It 'installs the emulator from its .NET tool package' {
        $package | Should -HaveCount 1
        $installExit | Should -Be 0 -Because $install
        Get-ChildItem -LiteralPath $toolPath -Filter 'cdntasks-emulator*' | Should -Not -BeNullOrEmpty
    }

    It 'runs the test of the page against the installed tool, and every test passes' {
        $summary = Join-Path $TestDrive 'summary.json'
        $pester = (Get-Module Pester).Path
        $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$result = Invoke-Pester -Path '$(Join-Path $work 'Invoke-ReleasePurge.Tests.ps1')' -PassThru -Output Detailed
@{ Passed = `$result.PassedCount; Failed = `$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount } | ConvertTo-Json | Set-Content '$summary'
"@
        $exe = [Environment]::ProcessPath
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $saved = @{ PATH = $env:PATH; PSModulePath = $env:PSModulePath }
        try {
            # As installed for a user: the tool on PATH, the module found by name.
            $env:PATH = $toolPath + [IO.Path]::PathSeparator + $env:PATH
            $env:PSModulePath = (Split-Path -Parent (Split-Path -Parent $env:CDNTASKS_MODULE_MANIFEST)) + [IO.Path]::PathSeparator + $env:PSModulePath
            $output = & $exe @prefix -NoProfile -NonInteractive -Command $command 2>&1 | Out-String
        }
        finally {
            $env:PATH = $saved.PATH
            $env:PSModulePath = $saved.PSModulePath
        }

        $summary | Should -Exist -Because $output
        $counts = Get-Content -Raw $summary | ConvertFrom-Json
        $counts.Failed | Should -Be 0 -Because $output
        $counts.Passed | Should -Be 3 -Because $output
    }
}
