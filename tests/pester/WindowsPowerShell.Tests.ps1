# Copyright (c) CdnTasks contributors. MIT License.
#
# What Windows PowerShell 5.1 users meet that these machines can check without it: the smoke script for a
# real 5.1 (tools/Invoke-DesktopSmoke.ps1), run here under PowerShell 7 in a child pwsh with its own emulator so
# that it keeps working (the checks that mean something on any host must pass, the .NET Framework-only ones are
# skipped); and the help examples that export CSV, which must ask for UTF-8 (5.1's Export-Csv writes ASCII).

BeforeDiscovery {
    Import-Module "$PSScriptRoot/../../tools/HelpConverter.psm1" -Force
    $script:csvExamples = @(Get-MarkdownExample -Path (Join-Path $PSScriptRoot '../../docs/*.md') | Where-Object Code -Match 'Export-Csv' |
            ForEach-Object { @{ Page = $_.Page; Title = $_.Title; Code = $_.Code } })
}

Describe 'tools/Invoke-DesktopSmoke.ps1 under PowerShell 7' {
    It 'passes every check that applies here and skips the .NET Framework-only ones' {
        $exe = [Environment]::ProcessPath
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $script = Join-Path $PSScriptRoot '../../tools/Invoke-DesktopSmoke.ps1'
        $output = & $exe @prefix -NoProfile -NonInteractive -File $script -ModulePath (Split-Path -Parent $env:CDNTASKS_MODULE_MANIFEST) -EmulatorDll $env:CDNTASKS_EMULATOR_DLL -OutputFolder $TestDrive 2>&1 | Out-String -Width 300
        $exitCode = $LASTEXITCODE

        $output | Should -Match 'Smoke: \d+ passed, 0 failed, 3 skipped' -Because $output
        $exitCode | Should -Be 0
    }
}

Describe 'Help examples that export CSV' {
    It 'finds some' {
        $csvExamples.Count | Should -BeGreaterThan 0
    }

    It '<Page>: <Title> passes -Encoding UTF8 to every Export-Csv' -ForEach $csvExamples {
        foreach ($line in $Code -split "`n" | Where-Object { $_ -match 'Export-Csv' }) {
            $line | Should -Match 'Export-Csv\b.*-Encoding\s+UTF8\b' -Because 'Windows PowerShell 5.1 writes ASCII otherwise'
        }
    }
}
