# Copyright (c) CdnTasks contributors. MIT License.
#
# The module's netstandard2.0 dependency set under .NET Framework's binding rules, end to end: a fresh pwsh
# loads the BUILT module and the DLLs shipped beside it into an isolated AssemblyLoadContext that binds only
# through the module's own resolver (FrameworkRules/FrameworkRulesLoadContext.cs), imports it, and runs
# Get-CdnUrlTask -All, the failed export and Clear-CdnCache -Wait against the emulator. The same run without
# the resolver must fail as Windows PowerShell 5.1 did. (Windows PowerShell 5.1 itself: tools/Invoke-DesktopSmoke.ps1.)

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:emulator = Start-CdnEmulator -Records 400 -Days 1 -ArgumentList @('--RateLimit', 'false', '--TaskSeconds', '1')
    $script:moduleFolder = Split-Path -Parent $env:CDNTASKS_MODULE_MANIFEST
    $script:end = [DateTime]::UtcNow.AddMinutes(1)
    $script:start = $end.AddDays(-1).AddHours(-1)

    function ConvertTo-EpochMs([DateTime] $Value) { [DateTimeOffset]::new($Value).ToUnixTimeMilliseconds() }

    # Runs FrameworkRules/Invoke-FrameworkRulesRun.ps1 in a child pwsh of this version and returns its JSON summary.
    function Invoke-FrameworkRulesRun([switch] $WithoutResolver) {
        $exe = [Environment]::ProcessPath
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $csv = Join-Path $TestDrive "failed-$([guid]::NewGuid().ToString('N')).csv"
        $arguments = @(
            '-ModuleFolder', $moduleFolder, '-Endpoint', $emulator.Url, '-AccessKey', $emulator.AccessKey, '-SecretKey', $emulator.SecretKey,
            '-DomainId', $emulator.DomainId, '-CsvPath', $csv, '-Start', $start.ToString('o'), '-End', $end.ToString('o'))
        if ($WithoutResolver) { $arguments += '-WithoutResolver' }
        $output = & $exe @prefix -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'FrameworkRules/Invoke-FrameworkRulesRun.ps1') @arguments 2>&1
        $json = @($output | Where-Object { "$_".StartsWith('{') })[-1]
        if (-not $json) { throw "The run printed no summary (exit code $LASTEXITCODE):`n$($output | Out-String)" }
        $json | ConvertFrom-Json
    }
}

AfterAll {
    Stop-CdnEmulator $emulator
}

Describe 'The netstandard2.0 dependency set under .NET Framework binding rules' {
    BeforeAll {
        # Counted before the run: the purge adds a record of its own.
        $range = @{ start_time = ConvertTo-EpochMs $start; end_time = ConvertTo-EpochMs $end }
        $script:expectedAll = Get-CdnEmulatorCount $emulator -Query $range
        $script:expectedFailed = Get-CdnEmulatorCount $emulator -Query ($range + @{ status = 'failed' })
        $script:run = Invoke-FrameworkRulesRun
        Write-Host "Bindings: $($run.Bound -join '; ')"
    }

    It 'runs Get-CdnUrlTask -All, the failed export and Clear-CdnCache -Wait without an error' {
        $run.Errors | Should -BeNullOrEmpty
        $run.Failed | Should -BeNullOrEmpty
        $run.All | Should -Be $expectedAll
        $run.Exported | Should -Be $expectedFailed
        $run.Exported | Should -BeGreaterThan 0
        $run.TaskStatus | Should -Be 'Completed'
        $run.TaskTotal | Should -Be 1
    }

    It 'ran the module and its JSON stack from the module folder, inside the isolated context' {
        $run.AllTypeContext | Should -Be 'CdnTasks under .NET Framework binding rules'
        foreach ($name in 'CdnTasks', 'System.Text.Json', 'System.Memory', 'System.Buffers', 'System.Runtime.CompilerServices.Unsafe') {
            @($run.Loaded | Where-Object { $_ -like "$name *" }) | Should -HaveCount 1 -Because "$name must come from the module folder"
            @($run.Loaded | Where-Object { $_ -like "$name *" })[0] | Should -BeLike "* $(Join-Path $moduleFolder "$name.dll")"
        }
    }

    It 'bound the references that disagree with the folder through the resolver (System.Buffers 4.0.2.0, Unsafe 4.0.4.1)' {
        $run.Bound | Should -Contain 'System.Buffers 4.0.2.0 -> resolver: 4.0.3.0'
        $run.Bound | Should -Contain 'System.Runtime.CompilerServices.Unsafe 4.0.4.1 -> resolver: 6.0.0.0'
    }

    It 'took from the host only what Windows PowerShell 5.1 on .NET Framework 4.7.2 provides' {
        # The same facts as Hosts.WindowsPowerShell51 (tests/CdnTasks.Tests/Loading/BuiltModule.cs), where their sources are.
        $provided = @{ 'mscorlib' = [version]'4.0.0.0'; 'netstandard' = [version]'2.0.0.0'; 'System' = [version]'4.0.0.0'; 'System.Core' = [version]'4.0.0.0'; 'System.Management.Automation' = [version]'3.0.0.0' }
        foreach ($fullName in $run.FromHost) {
            $name = [System.Reflection.AssemblyName]::new($fullName)
            $provided.ContainsKey($name.Name) | Should -BeTrue -Because "$fullName was left to the host"
            $name.Version | Should -BeLessOrEqual $provided[$name.Name] -Because $fullName
        }
    }

    It 'fails without the resolver, on the references Windows PowerShell 5.1 could not bind' {
        # How the failed bind surfaces (FileLoadException on .NET Framework) depends on where the JIT meets it;
        # the run must fail, and the cause must be one of the two mismatched references.
        $without = Invoke-FrameworkRulesRun -WithoutResolver
        $without.Errors | Should -Not -BeNullOrEmpty
        $without.Exported | Should -BeNullOrEmpty
        ($without.Failed -join "`n") | Should -Match '(^|\n)(System\.Buffers, Version=4\.0\.2\.0|System\.Runtime\.CompilerServices\.Unsafe, Version=4\.0\.4\.1),'
    }
}
