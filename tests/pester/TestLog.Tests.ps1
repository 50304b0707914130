# Copyright (c) CdnTasks contributors. MIT License.
#
# Issue 13, test-log hygiene: redirected to a file, the test run has no ANSI escape codes, and the warnings that
# fault-injection tests expect are captured and asserted, not printed as alarming WARNING: lines.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:pesterPath = (Get-Module Pester).Path
    if (-not $pesterPath) { $pesterPath = (Get-Module -ListAvailable Pester | Sort-Object Version -Descending | Select-Object -First 1).Path }
}

Describe 'The Pester runner writes plain text to a log' {
    It 'writes no ANSI escape code when its output is redirected (even without NO_COLOR)' {
        $folder = Join-Path $TestDrive 'tiny'
        $null = New-Item -ItemType Directory -Path $folder
        Set-Content -LiteralPath (Join-Path $folder 'Tiny.Tests.ps1') -Value @'
Describe 'A tiny suite' {
    It 'passes' { 1 | Should -Be 1 }
    It 'writes a captured warning' { Write-Warning 'expected' -WarningVariable w -WarningAction SilentlyContinue; $w.Count | Should -Be 1 }
}
'@
        $saved = $env:NO_COLOR
        $env:NO_COLOR = $null
        try {
            $runner = Join-Path $PSScriptRoot 'Invoke-PesterSuite.ps1'
            $run = Invoke-CdnChildPwsh "& '$runner' -PesterPath '$pesterPath' -TestPath '$folder' -ResultDirectory '$(Join-Path $TestDrive 'results')'"
        }
        finally { $env:NO_COLOR = $saved }

        $run.ExitCode | Should -Be 0
        $run.Output | Should -BeLike '*Tests Passed: 2, Failed: 0*'
        $run.Output.Contains([char]27) | Should -BeFalse -Because 'a redirected log must not hold escape codes'
        $run.Output | Should -Not -BeLike '*WARNING:*'
    }
}

Describe 'Expected warnings are captured, not printed' {
    It 'every -WarningVariable in tests/pester also keeps the warning off the host (-WarningAction or 3>)' {
        $offenders = foreach ($file in Get-ChildItem $PSScriptRoot -Filter '*.Tests.ps1') {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            $commands = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
            foreach ($command in $commands) {
                $parameters = @($command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object ParameterName)
                if ($parameters -notcontains 'WarningVariable') { continue }
                $silenced = $parameters -contains 'WarningAction' -or @($command.Redirections | Where-Object { $_.FromStream -in 'Warning', 'All' }).Count -gt 0
                if (-not $silenced) { '{0}:{1}: {2}' -f $file.Name, $command.Extent.StartLineNumber, $command.Extent.Text }
            }
        }
        $offenders | Should -BeNullOrEmpty
    }
}
