# Copyright (c) CdnTasks contributors. MIT License.
#
# Meta-tests of the BUILT module (out/CdnTasks): manifest hygiene, exports = compiled cmdlets, help
# for every exported cmdlet, the about topic, and that every dependency DLL ships in the folder.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $module = Import-CdnTasksModule
    $script:cmdletCases = foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet) {
        $parameters = $command.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }
        @{ Name = $command.Name; Parameters = @(foreach ($p in $parameters) { @{ Command = $command.Name; Parameter = $p } }) }
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:module = Import-CdnTasksModule
    $script:manifestPath = $env:CDNTASKS_MODULE_MANIFEST
    $script:moduleFolder = Split-Path -Parent $manifestPath
    $script:data = Import-PowerShellDataFile -Path $manifestPath

    # Names of the assemblies a file references, read from its metadata without loading it.
    function Get-AssemblyReferenceName([string] $Path) {
        $stream = [System.IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($handle in $reader.AssemblyReferences) { $reader.GetString($reader.GetAssemblyReference($handle).Name) }
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
    }
}

Describe 'The CdnTasks manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'targets Windows PowerShell 5.1 (Desktop) and PowerShell 7 (Core)' {
        @($data.CompatiblePSEditions | Sort-Object) | Should -Be @('Core', 'Desktop')
        $data.PowerShellVersion | Should -Be '5.1'
    }

    It 'has an explicit <_> list without wildcards' -ForEach 'CmdletsToExport', 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport' {
        $data.ContainsKey($_) | Should -BeTrue -Because "$_ must be listed explicitly (@() when empty)"
        @($data[$_]) -match '[*?]' | Should -BeNullOrEmpty
    }

    It 'carries the version of Directory.Build.props' {
        $props = [xml](Get-Content -Raw "$PSScriptRoot/../../Directory.Build.props")
        $expected = @($props.Project.PropertyGroup | ForEach-Object { $_['ModuleVersion'] } | Where-Object { $_ })[0].InnerText.Trim()
        $data.ModuleVersion | Should -Be $expected
    }

    It 'exports exactly the cmdlets compiled into CdnTasks.dll' {
        $compiled = foreach ($type in $module.ImplementingAssembly.GetExportedTypes()) {
            if ($type.IsAbstract) { continue }
            foreach ($attribute in $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)) { "$($attribute.VerbName)-$($attribute.NounName)" }
        }
        $exported = (Get-Command -Module $module.Name -CommandType Cmdlet).Name
        @($compiled | Sort-Object) | Should -Be @($data.CmdletsToExport | Sort-Object)
        @($exported | Sort-Object) | Should -Be @($data.CmdletsToExport | Sort-Object)
    }
}

Describe 'Help for <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
    }

    It 'has a synopsis' {
        # Without a MAML file PowerShell makes up a synopsis from the syntax, which starts with the name.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
    }

    It 'has a description' {
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least three examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs an explanation"
        }
    }

    It 'describes the parameter -<Parameter>' -ForEach $Parameters {
        $parameterHelp = Get-Help -Name $Command -Parameter $Parameter
        ($parameterHelp.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }
}

Describe 'The about topic' {
    It 'Get-Help about_CdnTasks shows the topic' {
        $text = Get-Help -Name about_CdnTasks -ErrorAction Stop | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'Get-CdnUrlTask'
    }
}

Describe 'The module folder' {
    It 'contains every assembly that CdnTasks.dll needs, recursively' {
        # Provided by .NET Framework 4.7.2, .NET or PowerShell itself; everything else must ship.
        $hostProvided = '^(netstandard|mscorlib|System\.Management\.Automation|Microsoft\.PowerShell\..+)$'
        $missing = [System.Collections.Generic.List[string]]::new()
        $seen = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
        $queue = [System.Collections.Generic.Queue[string]]::new()
        $queue.Enqueue('CdnTasks')
        while ($queue.Count -gt 0) {
            $name = $queue.Dequeue()
            if (-not $seen.Add($name)) { continue }
            $file = Join-Path $moduleFolder "$name.dll"
            foreach ($reference in Get-AssemblyReferenceName $file) {
                if (Test-Path -LiteralPath (Join-Path $moduleFolder "$reference.dll")) { $queue.Enqueue($reference) }
                elseif ($reference -notmatch $hostProvided) { $missing.Add("$reference (referenced by $name.dll)") }
            }
        }
        $missing | Should -BeNullOrEmpty
    }
}
