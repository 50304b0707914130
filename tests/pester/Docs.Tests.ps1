# Copyright (c) CdnTasks contributors. MIT License.
#
# Issue 13, the docs a newcomer follows work when pasted: the README's emulator block (run as written, from the
# repository folder, in a fresh pwsh, only the port changed), about_CdnTasks lists every cmdlet, and the links of
# README.md and docs/*.md point at files that exist in the repository.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:readme = Get-Content -Raw -LiteralPath (Join-Path $repoRoot 'README.md')

    # The ```<lang> blocks of a markdown section (from its "## " heading to the next one).
    function Get-SectionBlock([string] $Markdown, [string] $Heading, [string] $Language) {
        $section = [regex]::Match($Markdown, ('(?ms)^## {0}\s*$(.*?)(?=^## |\z)' -f [regex]::Escape($Heading))).Groups[1].Value
        [regex]::Matches($section, ('(?ms)^```{0}\s*\n(.*?)^```' -f $Language)) | ForEach-Object { $_.Groups[1].Value }
    }
}

Describe 'The README emulator block' {
    BeforeAll {
        $script:emulator = Start-CdnEmulator -Records 300 -Days 3
    }
    AfterAll { Stop-CdnEmulator $emulator }

    It 'runs as pasted in a new pwsh started in the repository folder (Import-Module ./out/CdnTasks, env keys, per-call keys)' {
        $blocks = @(Get-SectionBlock $readme 'The emulator' 'powershell')
        $blocks.Count | Should -Be 1
        $block = $blocks[0]
        $block | Should -BeLike '*Import-Module ./out/CdnTasks*'
        $block | Should -BeLike '*http://127.0.0.1:5080*'
        # The built module the tests use is the one ./out/CdnTasks holds after a build.
        Join-Path $repoRoot 'out/CdnTasks/CdnTasks.psd1' | Should -Exist
        $script = "`$ErrorActionPreference = 'Stop'`n" + $block.Replace('http://127.0.0.1:5080', $emulator.Url) + "`n'README block done'"

        # A clean environment: nothing that could steer the module, in particular no IAM endpoint (the per-call
        # credential must not need the real IAM, thanks to -DomainId).
        $names = 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_DOMAIN_ID', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_IAM_ENDPOINT',
            'CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'CDNTASKS_ENDPOINT', 'CDNTASKS_REGION', 'CDNTASKS_MAX_RETRY', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'
        $saved = @{}
        foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $null) }
        $env:CDNTASKS_MAX_RETRY = '0'
        Reset-CdnEmulatorStats $emulator
        try { $run = Invoke-CdnChildPwsh $script -WorkingDirectory $repoRoot }
        finally { foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -BeLike '*README block done*'
        $stats = Get-CdnEmulatorStats $emulator
        $stats.requests.'url-tasks' | Should -Be 2
        $stats.authFailures | Should -Be 0
    }
}

Describe 'about_CdnTasks' {
    It 'lists every cmdlet of the module in its Commands section' {
        $about = Get-Content -Raw -LiteralPath (Join-Path $repoRoot 'docs/about_CdnTasks.md')
        $commands = [regex]::Match($about, '(?ms)^### Commands\s*$(.*?)(?=^### )').Groups[1].Value
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $repoRoot 'CdnTasks.psd1')
        @($manifest.CmdletsToExport).Count | Should -Be 12
        foreach ($cmdlet in $manifest.CmdletsToExport) {
            $commands | Should -Match "(?m)^- (.*\b)?$([regex]::Escape($cmdlet))\b" -Because "$cmdlet must be listed"
        }
    }
}

Describe 'Links in the docs' {
    It '<Page> links only to files that exist in the repository' -ForEach @(
        @{ Page = 'README.md' }
        foreach ($page in Get-ChildItem (Join-Path $PSScriptRoot '../../docs') -Filter '*.md') { @{ Page = "docs/$($page.Name)" } }
    ) {
        $path = Join-Path $repoRoot $Page
        $text = Get-Content -Raw -LiteralPath $path
        $missing = foreach ($match in [regex]::Matches($text, '\]\(([^)#\s]+)(#[^)]*)?\)')) {
            $target = $match.Groups[1].Value
            if ($target -match '^[a-z][a-z0-9+.-]*:') { continue }
            if (-not (Test-Path -LiteralPath (Join-Path (Split-Path -Parent $path) $target))) { $target }
        }
        $missing | Should -BeNullOrEmpty
    }
}
