# Copyright (c) CdnTasks contributors. MIT License.
#
# The package as a user gets it: publish the BUILT module folder to a temporary PSResourceGet file
# repository (as build.ps1 -Task Package does), check the nupkg's metadata, install it from that
# repository into a temporary module path, and import it BY NAME in a child pwsh that runs a cmdlet
# against the emulator. The repository is unregistered afterwards; the real module paths are never used.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    $script:moduleFolder = Split-Path -Parent $env:CDNTASKS_MODULE_MANIFEST
    $script:version = (Import-PowerShellDataFile $env:CDNTASKS_MODULE_MANIFEST).ModuleVersion

    $script:root = Join-Path ([System.IO.Path]::GetTempPath()) "cdntasks-package-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:repositoryPath = Join-Path $root 'repository'
    $script:installPath = Join-Path $root 'modules'
    $null = New-Item -ItemType Directory -Path $repositoryPath, $installPath
    $script:repositoryName = "CdnTasksTest-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $repositoryName -Uri $repositoryPath -Trusted

    Publish-PSResource -Path $moduleFolder -Repository $repositoryName -ErrorAction Stop
    $script:nupkg = Join-Path $repositoryPath "CdnTasks.$version.nupkg"

    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
    try {
        $script:entries = @($zip.Entries.FullName)
        $reader = [System.IO.StreamReader]::new($zip.GetEntry('CdnTasks.nuspec').Open())
        $script:nuspec = ([xml]$reader.ReadToEnd()).package.metadata
        $reader.Dispose()
    }
    finally { $zip.Dispose() }

    $script:emulator = Start-CdnEmulator -Records 50 -ArgumentList @('--RateLimit', 'false')

    # A child pwsh of the same version as this one (dotnet pwsh.dll when run as a local dotnet tool).
    function Invoke-ChildPwsh([string] $Command, [hashtable] $Environment) {
        $exe = [Environment]::ProcessPath
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $saved = @{}
        foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        try {
            $output = & $exe @prefix -NoProfile -NonInteractive -Command $Command 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

AfterAll {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
    Stop-CdnEmulator $emulator
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The CdnTasks package' {
    It 'is written as CdnTasks.<version>.nupkg' {
        $nupkg | Should -Exist
    }

    It 'carries the manifest metadata: id, version, description, authors, tags, release notes' {
        $nuspec.id | Should -Be 'CdnTasks'
        $nuspec.version | Should -Be $version
        $nuspec.description | Should -Match 'Huawei Cloud CDN'
        $nuspec.authors | Should -Be 'CdnTasks contributors'
        $nuspec.tags -split '\s+' | Should -Contain 'HuaweiCloud'
        $nuspec.tags -split '\s+' | Should -Contain 'PSModule'
        $nuspec.releaseNotes | Should -Match 'Get-CdnUrlTask'
    }

    It 'contains the module, its dependencies, the format file, the help and the LICENSE' {
        foreach ($file in @(Get-ChildItem -LiteralPath $moduleFolder -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($moduleFolder, $_.FullName).Replace('\', '/') })) {
            $entries | Should -Contain $file
        }
        $entries | Should -Contain 'CdnTasks.dll'
        $entries | Should -Contain 'System.Text.Json.dll'
        $entries | Should -Contain 'CdnTasks.Format.ps1xml'
        $entries | Should -Contain 'en-US/CdnTasks.dll-Help.xml'
        $entries | Should -Contain 'en-US/about_CdnTasks.help.txt'
        $entries | Should -Contain 'LICENSE'
    }
}

Describe 'Installing the package from a PSResourceGet repository' {
    BeforeAll {
        Save-PSResource -Name CdnTasks -Version $version -Repository $repositoryName -Path $installPath -TrustRepository -ErrorAction Stop
        $script:installed = Join-Path $installPath "CdnTasks/$version"
    }

    It 'installs into CdnTasks/<version> under the module path' {
        Join-Path $installed 'CdnTasks.psd1' | Should -Exist
        Join-Path $installed 'CdnTasks.dll' | Should -Exist
        Join-Path $installed 'en-US/CdnTasks.dll-Help.xml' | Should -Exist
    }

    It 'imports by name from the module path and runs Get-CdnUrlTask -First 1 against the emulator' {
        $command = @'
$ErrorActionPreference = 'Stop'
Import-Module CdnTasks
$module = Get-Module CdnTasks
"BASE=$($module.ModuleBase)"
"VERSION=$($module.Version)"
"SYNOPSIS=$((Get-Help Get-CdnUrlTask).Synopsis)"
"ABOUT=$((Get-Help about_CdnTasks | Out-String) -match 'SHORT DESCRIPTION')"
$record = Get-CdnUrlTask -First 1
"TYPE=$($record.GetType().FullName)"
"COUNT=$(@($record).Count)"
'@
        $result = Invoke-ChildPwsh -Command $command -Environment @{
            PSModulePath                     = $installPath + [IO.Path]::PathSeparator + $env:PSModulePath
            HUAWEICLOUD_SDK_AK               = $emulator.AccessKey
            HUAWEICLOUD_SDK_SK               = $emulator.SecretKey
            HUAWEICLOUD_SDK_DOMAIN_ID        = $emulator.DomainId
            CDNTASKS_ENDPOINT                = $emulator.Url
            CDNTASKS_RATE_LIMIT              = '0'
            HUAWEICLOUD_SDK_CREDENTIALS_FILE = (Join-Path $root 'no-credentials-file')
        }
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match ([regex]::Escape("BASE=$installed"))
        $result.Output | Should -Match "VERSION=$([regex]::Escape($version))"
        $result.Output | Should -Match 'SYNOPSIS=Gets the URL purge'
        $result.Output | Should -Match 'ABOUT=True'
        $result.Output | Should -Match 'TYPE=CdnTasks.CdnUrlTask'
        $result.Output | Should -Match 'COUNT=1'
    }
}
