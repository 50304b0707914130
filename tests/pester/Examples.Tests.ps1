# Copyright (c) CdnTasks contributors. MIT License.
#
# Runs every ```powershell block of docs/*.md against the emulator, one test per block, named after the
# page and the example's heading. Each example runs in a fresh runspace (so session defaults such as
# Set-CdnCredential and Set-CdnConfig start empty) with the BUILT module imported, the current location
# in a temporary folder (Export-Csv files land there), and the environment pointing the module at the
# emulator. The process environment is restored after each example, since examples may set $env:...
#
# Markers, on the line right before a code block (see Get-MarkdownExample in tools/HelpConverter.psm1):
#   <!-- example: parse-only -->    only parsed: needs the real cloud, interactive input or a secret store
#   <!-- example: expect-error -->  run, and must write at least one error record
# Every other example must run without a single error record (non-terminating or terminating).
#
# Variables that examples may use as if the reader had them (each a real credential of the emulator):
#   $credential, $main   PSCredential of the emulator's primary account (AK/SK)
#   $otherAccount        PSCredential of a second emulator account with its own domain id
#   $tempAk, $tempSk, $token   an access key, secret key and security token (SecureStrings)
# and, in the current folder, urls.txt and release-urls.txt with a few URLs (one a line) for the purge and
# prefetch examples.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/../../tools/HelpConverter.psm1" -Force
    $docs = Join-Path $PSScriptRoot '../../docs'
    $script:exampleCases = @(Get-MarkdownExample -Path (Join-Path $docs '*.md') | ForEach-Object {
            @{ Page = $_.Page; Title = $_.Title; Code = $_.Code; Mode = $_.Mode; Line = $_.Line }
        })
    $script:cmdletPages = @(Get-ChildItem $docs -Filter '*.md' | Where-Object Name -Match '^[A-Za-z]+-[A-Za-z]+\.md$' | ForEach-Object { @{ Page = $_.BaseName } })
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../tools/HelpConverter.psm1" -Force
    $null = Import-CdnTasksModule
    $script:manifest = $env:CDNTASKS_MODULE_MANIFEST

    $script:other = @{ AccessKey = 'HPUAEMULATORAK000002'; SecretKey = 'emulator-other-secret-0123456789abcdef'; DomainId = 'fedcba9876543210fedcba9876543210' }
    # A small data set over 8 days (Get-CdnUrlTask examples look back up to 7 days), no throttling, tasks
    # that finish after one second (Wait-CdnTask examples) and never fail (examples that stop on a failed URL).
    # The account's acceleration domains include the host of release-urls.txt (purges of other hosts fail with CDN.0108).
    $script:emulator = Start-CdnEmulator -Records 300 -Days 8 -ArgumentList @(
        '--RateLimit', 'false', '--TaskSeconds', '1', '--FailureRate', '0', '--Domains', 'www.example.com,img.example.com,download.example.com',
        '--ExtraKeys', "$($other.AccessKey):$($other.SecretKey):$($other.DomainId)")

    # The environment every example starts from; anything else that could steer the module is removed.
    $script:exampleEnvironment = [ordered]@{
        HUAWEICLOUD_SDK_AK               = $emulator.AccessKey
        HUAWEICLOUD_SDK_SK               = $emulator.SecretKey
        HUAWEICLOUD_SDK_DOMAIN_ID        = $emulator.DomainId
        CDNTASKS_ENDPOINT                = $emulator.Url
        HUAWEICLOUD_SDK_IAM_ENDPOINT     = $emulator.Url
        CDNTASKS_RATE_LIMIT              = '0'
        CDNTASKS_TIMEOUT_SEC             = '15'
        HUAWEICLOUD_SDK_CREDENTIALS_FILE = (Join-Path $TestDrive 'no-credentials-file')
    }
    $script:clearedVariables = @('HUAWEICLOUD_SDK_SECURITY_TOKEN', 'CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'CDNTASKS_REGION', 'CDNTASKS_MAX_RETRY',
        'CDNTASKS_CONCURRENCY', 'CDNTASKS_PROXY', 'CDNTASKS_MAX_RETRY_DELAY_SEC', 'CDNTASKS_RETRY_BASE_DELAY_MS', 'CDNTASKS_TEST_CLOCK_OFFSET_SEC', 'HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'https_proxy', 'http_proxy', 'all_proxy')

    function ConvertTo-Secure([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }
    $script:fixtures = @{
        credential   = [pscredential]::new($emulator.AccessKey, (ConvertTo-Secure $emulator.SecretKey))
        main         = [pscredential]::new($emulator.AccessKey, (ConvertTo-Secure $emulator.SecretKey))
        otherAccount = [pscredential]::new($other.AccessKey, (ConvertTo-Secure $other.SecretKey))
        tempAk       = 'HPUATEMPORARYAK00001'
        tempSk       = ConvertTo-Secure 'temporary-secret-key-0123456789'
        token        = ConvertTo-Secure 'temporary-security-token-0123456789'
    }

    # A new current folder for one example, with the files that examples read.
    function New-ExampleDirectory {
        $directory = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $directory
        Set-Content -LiteralPath (Join-Path $directory 'urls.txt') -Value @(
            'https://www.example.com/index.html', '', 'https://www.example.com/img/logo.png', 'https://www.example.com/css/site.css')
        Set-Content -LiteralPath (Join-Path $directory 'release-urls.txt') -Value @(
            'https://download.example.com/release/2.0/setup.exe', 'https://download.example.com/release/2.0/notes.html')
        $directory
    }

    # Parses a block; returns the parse errors as strings.
    function Get-ParseError([string] $Code) {
        $tokens = $null; $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors)
        @($errors | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Message)" })
    }

    # Runs one example in a new runspace and returns its error records (as text) and whether it finished.
    function Invoke-DocExample([string] $Code, [string] $Directory, [int] $TimeoutSeconds = 90) {
        $saved = @{}
        foreach ($entry in [Environment]::GetEnvironmentVariables().GetEnumerator()) { $saved[$entry.Key] = $entry.Value }
        $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $ps = [powershell]::Create()
        try {
            foreach ($name in $clearedVariables) { [Environment]::SetEnvironmentVariable($name, $null) }
            foreach ($name in $exampleEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $exampleEnvironment[$name]) }
            $runspace.Open()
            $ps.Runspace = $runspace
            $null = $ps.AddScript({
                    param($Manifest, $Directory, $Fixtures)
                    Import-Module $Manifest -ErrorAction Stop
                    Set-Location -LiteralPath $Directory
                    foreach ($name in $Fixtures.Keys) { Set-Variable -Name $name -Value $Fixtures[$name] -Scope Global }
                }).AddArgument($manifest).AddArgument($Directory).AddArgument($fixtures)
            $null = $ps.Invoke()
            if ($ps.HadErrors) { throw "Example set-up failed: $($ps.Streams.Error -join '; ')" }
            $ps.Commands.Clear()

            $null = $ps.AddScript($Code)
            $async = $ps.BeginInvoke()
            $errors = [System.Collections.Generic.List[string]]::new()
            $finished = $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))
            if (-not $finished) { $ps.Stop(); $errors.Add("did not finish within $TimeoutSeconds s") }
            else {
                try { $null = $ps.EndInvoke($async) }
                catch {
                    $inner = $_.Exception
                    while ($inner.InnerException -and $inner -is [System.Management.Automation.MethodInvocationException]) { $inner = $inner.InnerException }
                    $id = if ($inner -is [System.Management.Automation.IContainsErrorRecord]) { $inner.ErrorRecord.FullyQualifiedErrorId } else { $inner.GetType().Name }
                    $errors.Add("terminating: [$id] $($inner.Message)")
                }
            }
            foreach ($record in $ps.Streams.Error) { $errors.Add("[$($record.FullyQualifiedErrorId)] $record") }
            [pscustomobject]@{ Errors = $errors.ToArray(); Finished = $finished }
        }
        finally {
            $ps.Dispose()
            $runspace.Dispose()
            foreach ($entry in [Environment]::GetEnvironmentVariables().GetEnumerator()) {
                if (-not $saved.ContainsKey($entry.Key)) { [Environment]::SetEnvironmentVariable($entry.Key, $null) }
            }
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

AfterAll {
    Stop-CdnEmulator $emulator
}

Describe 'Docs example <Page>: <Title>' -ForEach $exampleCases {
    It 'parses without errors' {
        Get-ParseError $Code | Should -BeNullOrEmpty -Because "docs/$Page.md line $Line must be valid PowerShell"
    }

    # Only the test that fits the example's mode is defined, so that no skipped tests pad the counts.
    if ($Mode -eq 'run') {
        It 'runs against the emulator without errors' {
            $directory = New-ExampleDirectory
            $result = Invoke-DocExample -Code $Code -Directory $directory
            $result.Errors | Should -BeNullOrEmpty -Because "docs/$Page.md line $Line must run without error records"
        }
    }
    elseif ($Mode -eq 'expect-error') {
        It 'runs against the emulator and writes the error it is about' {
            $directory = New-ExampleDirectory
            $result = Invoke-DocExample -Code $Code -Directory $directory
            $result.Finished | Should -BeTrue
            $result.Errors | Should -Not -BeNullOrEmpty -Because "docs/$Page.md line $Line is marked expect-error"
        }
    }
}

Describe 'Docs examples of <Page>' -ForEach $cmdletPages {
    It 'has at least one example that runs against the emulator' {
        $run = @(Get-MarkdownExample -Path (Join-Path $PSScriptRoot "../../docs/$Page.md") | Where-Object Mode -NE 'parse-only')
        $run.Count | Should -BeGreaterThan 0 -Because 'a page whose examples are all parse-only tests none of them'
    }
}
