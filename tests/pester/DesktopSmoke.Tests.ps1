# Copyright (c) CdnTasks contributors. MIT License.
#
# tools/Invoke-DesktopSmoke.ps1 is the smoke test for a real Windows PowerShell 5.1, which these machines do
# not have. Run here under PowerShell 7 (in a child pwsh, starting its own emulator), so that it keeps working
# against the current module: the checks that mean something on any host must pass, the .NET Framework-only
# ones are skipped.

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
