# Copyright (c) CdnTasks contributors. MIT License.
#
# The credential chain (parameters > session > environment > credentials file > clear error), per-call
# override, temporary credentials, domain-id discovery and its cache, and a scan of every output stream
# for secrets. Everything runs against real emulator processes on 127.0.0.1.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule

    # Every variable the module reads; saved before and restored after each test.
    $script:Variables = @(
        'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_DOMAIN_ID',
        'CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE', 'HUAWEICLOUD_SDK_IAM_ENDPOINT',
        'HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1', 'CDNTASKS_REGION', 'CDNTASKS_ENDPOINT', 'CDNTASKS_TIMEOUT_SEC',
        'CDNTASKS_MAX_RETRY', 'CDNTASKS_PROXY', 'CDNTASKS_RATE_LIMIT', 'CDNTASKS_CONCURRENCY', 'HOME', 'USERPROFILE'
    )
    $script:Saved = @{}
    foreach ($name in $Variables) { $Saved[$name] = [Environment]::GetEnvironmentVariable($name) }

    $script:Token = 'SECRET-TOKEN-7f3a9c51e0'
    $script:emu = Start-CdnEmulator -Records 50
    $script:tokenEmu = Start-CdnEmulator -Records 50 -ArgumentList @('--SecurityToken', $Token)
    $script:Ak = $emu.AccessKey
    $script:SkSecure = ConvertTo-SecureString $emu.SecretKey -AsPlainText -Force
    $script:Good = [pscredential]::new($Ak, $SkSecure)
    # An access key the emulator does not know: refused without counting towards the lockout.
    $script:Bogus = [pscredential]::new('HPUABOGUSAK000000099', (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force))

    # A clean slate: no credential variables, HOME pointing at an empty folder (no ~/.huaweicloud),
    # no session credential or config, no cached domain ids, the endpoint pointing at $Endpoint.
    function Reset-CdnTestState([string] $Endpoint = $emu.Url) {
        foreach ($name in $Variables) { [Environment]::SetEnvironmentVariable($name, $null) }
        $homeDir = Join-Path $TestDrive ("home-" + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory -Path $homeDir
        [Environment]::SetEnvironmentVariable('HOME', $homeDir)
        [Environment]::SetEnvironmentVariable('USERPROFILE', $homeDir)
        [Environment]::SetEnvironmentVariable('CDNTASKS_ENDPOINT', $Endpoint)
        Clear-CdnCredential
        Clear-CdnConfig
        Reset-CdnEmulatorStats $emu
        Reset-CdnEmulatorStats $tokenEmu
        $homeDir
    }

    function Set-EnvCredential([string] $AccessKey = $emu.AccessKey, [string] $SecretKey = $emu.SecretKey, [string] $DomainId = $emu.DomainId) {
        $env:HUAWEICLOUD_SDK_AK = $AccessKey
        $env:HUAWEICLOUD_SDK_SK = $SecretKey
        $env:HUAWEICLOUD_SDK_DOMAIN_ID = $DomainId
    }

    # Private to the user (0600) unless -Mode says otherwise: a file others can read gets a warning (issue 13).
    function New-CredentialsFile([string] $Text, [string] $Path = (Join-Path $TestDrive "credentials-$([guid]::NewGuid().ToString('N').Substring(0, 6))"), [string] $Mode = '600') {
        Set-Content -LiteralPath $Path -Value $Text -NoNewline
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($Path, [IO.UnixFileMode][Convert]::ToInt32($Mode, 8)) }
        $Path
    }

    function Get-RequestTotal($Emulator) { (Get-CdnEmulatorStats $Emulator).totalRequests }
}

AfterAll {
    foreach ($name in $Variables) { [Environment]::SetEnvironmentVariable($name, $Saved[$name]) }
    Clear-CdnCredential
    Clear-CdnConfig
    Stop-CdnEmulator $emu
    Stop-CdnEmulator $tokenEmu
}

Describe 'Credential chain' {
    BeforeEach { $script:homeDir = Reset-CdnTestState }

    It 'stops with CredentialNotFound listing the four ways, before any request, when nothing is configured' {
        $err = { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'CredentialNotFound,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        foreach ($way in '-Credential', '-AccessKey', 'Set-CdnCredential', 'HUAWEICLOUD_SDK_AK', '~/.huaweicloud/credentials', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE') {
            $err.Exception.Message | Should -BeLike "*$way*"
        }
        Get-RequestTotal $emu | Should -Be 0
    }

    It 'never prompts, even in an interactive host, when nothing is configured (Get-CdnCredential too)' {
        { Get-CdnCredential } | Should -Throw -ErrorId 'CredentialNotFound,CdnTasks.Commands.GetCdnCredentialCommand'
    }

    It 'uses HUAWEICLOUD_SDK_AK/SK/DOMAIN_ID from the environment' {
        Set-EnvCredential
        @(Get-CdnUrlTask -First 2).Count | Should -Be 2
        $info = Get-CdnCredential
        $info | Should -BeOfType ([CdnTasks.CdnCredentialInfo])
        $info.Source | Should -Be 'Environment'
        $info.SourceDetail | Should -Be 'HUAWEICLOUD_SDK_AK'
        $info.AccessKey | Should -Be 'HPUA************0001'
        $info.DomainId | Should -Be $emu.DomainId
        $info.DomainIdSource | Should -Be 'HUAWEICLOUD_SDK_DOMAIN_ID'
        $info.HasSecurityToken | Should -BeFalse
        $info.Path | Should -BeNullOrEmpty
    }

    It 'uses CLOUD_SDK_AK/SK when HUAWEICLOUD_SDK_AK is not set' {
        $env:CLOUD_SDK_AK = $emu.AccessKey
        $env:CLOUD_SDK_SK = $emu.SecretKey
        $env:HUAWEICLOUD_SDK_DOMAIN_ID = $emu.DomainId
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnCredential).SourceDetail | Should -Be 'CLOUD_SDK_AK'
    }

    It 'reads the [global] section of the file named by HUAWEICLOUD_SDK_CREDENTIALS_FILE' {
        $path = New-CredentialsFile "# test`n[basic]`nak = IGNORED00000000000`nsk = ignored`n`n[global]`nak = $($emu.AccessKey)`nsk   =   $($emu.SecretKey)`ndomain_id = $($emu.DomainId)`n"
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = $path
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        $info = Get-CdnCredential
        $info.Source | Should -Be 'File'
        $info.Path | Should -Be $path
        $info.DomainIdSource | Should -Be 'File'
    }

    It 'reads ~/.huaweicloud/credentials when no variable names a file' {
        $null = New-Item -ItemType Directory -Path (Join-Path $homeDir '.huaweicloud')
        $path = New-CredentialsFile "[global]`nak=$($emu.AccessKey)`nsk=$($emu.SecretKey)`ndomain_id=$($emu.DomainId)`n" -Path (Join-Path $homeDir '.huaweicloud/credentials')
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnCredential).Path | Should -Be $path
    }

    It 'refuses a credentials file without [global] with a clear error naming the file, not the values' {
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[basic]`nak = $($emu.AccessKey)`nsk = $($emu.SecretKey)`n"
        $err = { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'CredentialsFileInvalid,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$($env:HUAWEICLOUD_SDK_CREDENTIALS_FILE)*no ``[global``] section*``[basic``] section is for regional services*"
        $err.Exception.Message | Should -Not -BeLike "*$($emu.SecretKey)*"
        $err.TargetObject | Should -Be $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE
        Get-RequestTotal $emu | Should -Be 0
    }

    It 'refuses a malformed credentials file naming the line, never its text' {
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[global]`nak = $($emu.AccessKey)`n$($emu.SecretKey)`n"
        $err = { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'CredentialsFileInvalid,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*is not a valid INI file: line 3:*'
        $err.Exception.Message | Should -Not -BeLike "*$($emu.SecretKey)*"
    }

    It 'refuses HUAWEICLOUD_SDK_CREDENTIALS_FILE naming a file that does not exist' {
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = Join-Path $TestDrive 'no-such-file'
        { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'CredentialsFileInvalid,CdnTasks.Commands.GetCdnUrlTaskCommand' -ExpectedMessage '*HUAWEICLOUD_SDK_CREDENTIALS_FILE names*does not exist*'
    }

    It 'prefers the environment to the credentials file (a broken file is not even read)' {
        Set-EnvCredential
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "this is not INI"
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnCredential).Source | Should -Be 'Environment'
    }

    It 'prefers the session (Set-CdnCredential) to the environment' {
        Set-EnvCredential -AccessKey $Bogus.UserName -SecretKey 'wrong'
        Set-CdnCredential -AccessKey $Ak -SecretKey $SkSecure -DomainId $emu.DomainId
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        $info = Get-CdnCredential
        $info.Source | Should -Be 'Session'
        $info.DomainIdSource | Should -Be 'Session'
        Get-RequestTotal $emu | Should -Be 1
    }

    It 'Set-CdnCredential -Credential -PassThru describes the session credential without the secret' {
        $info = Set-CdnCredential -Credential $Good -DomainId $emu.DomainId -PassThru
        $info.Source | Should -Be 'Session'
        $info.AccessKey | Should -Be 'HPUA************0001'
        ($info | Format-List * | Out-String) | Should -Not -BeLike "*$($emu.SecretKey)*"
    }

    It 'Clear-CdnCredential removes the session default so the next source applies' {
        Set-EnvCredential
        Set-CdnCredential -Credential $Bogus -DomainId $emu.DomainId
        (Get-CdnCredential).Source | Should -Be 'Session'
        Clear-CdnCredential
        (Get-CdnCredential).Source | Should -Be 'Environment'
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
    }

    It 'a per-call -Credential wins over the session default' {
        Set-CdnCredential -Credential $Bogus -DomainId $emu.DomainId
        @(Get-CdnUrlTask -First 1 -Credential $Good -DomainId $emu.DomainId).Count | Should -Be 1
        (Get-CdnCredential -Credential $Good).Source | Should -Be 'Parameter'
    }

    It 'a per-call -AccessKey/-SecretKey wins over a working session default (and fails when wrong)' {
        Set-CdnCredential -Credential $Good -DomainId $emu.DomainId
        $err = { Get-CdnUrlTask -First 1 -AccessKey $Bogus.UserName -SecretKey $Bogus.Password -DomainId $emu.DomainId } |
            Should -Throw -ErrorId 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        @(Get-CdnUrlTask -First 1 -AccessKey $Ak -SecretKey $SkSecure -DomainId $emu.DomainId).Count | Should -Be 1
    }

    It 'a per-call credential does not borrow HUAWEICLOUD_SDK_DOMAIN_ID, which belongs to the environment''s key' {
        Set-EnvCredential -DomainId 'ffffffffffffffffffffffffffffffff'
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = $emu.Url
        @(Get-CdnUrlTask -First 1 -Credential $Good).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu).requests.'iam-domains' | Should -Be 1
    }

    It 'refuses <Case> before any request' -ForEach @(
        @{ Case = '-Credential with -AccessKey'; Call = { Get-CdnUrlTask -First 1 -Credential $Good -AccessKey $Ak -SecretKey $SkSecure } }
        @{ Case = '-AccessKey without -SecretKey'; Call = { Get-CdnUrlTask -First 1 -AccessKey $Ak } }
        @{ Case = '-SecretKey without -AccessKey'; Call = { Get-CdnUrlTask -First 1 -SecretKey $SkSecure } }
        @{ Case = '-SecurityToken alone'; Call = { Get-CdnUrlTask -First 1 -SecurityToken $SkSecure } }
    ) {
        Set-EnvCredential
        $Call | Should -Throw -ErrorId 'InvalidParameterCombination,CdnTasks.Commands.GetCdnUrlTaskCommand'
        Get-RequestTotal $emu | Should -Be 0
    }
}

Describe 'Session scope' {
    BeforeEach { $null = Reset-CdnTestState }

    It 'keeps Set-CdnCredential per runspace: a ForEach-Object -Parallel runspace does not see it' {
        Set-EnvCredential
        Set-CdnCredential -Credential $Good -DomainId $emu.DomainId
        $manifest = $env:CDNTASKS_MODULE_MANIFEST
        $sources = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            (Get-CdnCredential).Source
        }
        $sources | Should -Be @('Environment', 'Environment')
        (Get-CdnCredential).Source | Should -Be 'Session'
    }
}

Describe 'Temporary credentials (security token)' {
    BeforeEach { $null = Reset-CdnTestState -Endpoint $tokenEmu.Url }

    It 'signs and sends -SecurityToken, which the service requires' {
        $token = ConvertTo-SecureString $Token -AsPlainText -Force
        @(Get-CdnUrlTask -First 1 -AccessKey $Ak -SecretKey $SkSecure -SecurityToken $token -DomainId $tokenEmu.DomainId).Count | Should -Be 1
        (Get-CdnCredential -AccessKey $Ak -SecretKey $SkSecure -SecurityToken $token).HasSecurityToken | Should -BeTrue
    }

    It 'fails without the token' {
        $err = { Get-CdnUrlTask -First 1 -AccessKey $Ak -SecretKey $SkSecure -DomainId $tokenEmu.DomainId } |
            Should -Throw -ErrorId 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*decrypt token fail*'
        $null = Invoke-RestMethod -Method Post -Uri "$($tokenEmu.Url)/_emulator/lockout/reset" -NoProxy
    }

    It 'takes the token from HUAWEICLOUD_SDK_SECURITY_TOKEN and from Set-CdnCredential' {
        Set-EnvCredential -DomainId $tokenEmu.DomainId
        $env:HUAWEICLOUD_SDK_SECURITY_TOKEN = $Token
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnCredential).HasSecurityToken | Should -BeTrue
        $env:HUAWEICLOUD_SDK_SECURITY_TOKEN = $null
        Set-CdnCredential -Credential $Good -SecurityToken (ConvertTo-SecureString $Token -AsPlainText -Force) -DomainId $tokenEmu.DomainId
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
    }

    It 'reads security_token from the credentials file' {
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[global]`nak = $Ak`nsk = $($emu.SecretKey)`nsecurity_token = $Token`ndomain_id = $($tokenEmu.DomainId)`n"
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnCredential).HasSecurityToken | Should -BeTrue
    }
}

Describe 'Domain id discovery' {
    BeforeEach { $null = Reset-CdnTestState }

    It 'discovers the domain id from IAM (HUAWEICLOUD_SDK_IAM_ENDPOINT) once for two commands' {
        Set-EnvCredential -DomainId $null
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = $emu.Url
        (Get-CdnCredential).DomainId | Should -BeNullOrEmpty
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        $stats = Get-CdnEmulatorStats $emu
        $stats.requests.'iam-domains' | Should -Be 1
        $stats.requests.'url-tasks' | Should -Be 2
        $info = Get-CdnCredential
        $info.DomainId | Should -Be $emu.DomainId
        $info.DomainIdSource | Should -Be 'Discovered'
    }

    It 'accepts an IAM endpoint without a scheme (https:// is prepended) and refuses plain http off loopback' {
        Set-EnvCredential -DomainId $null
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = 'http://iam.example.com'
        { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.GetCdnUrlTaskCommand' -ExpectedMessage '*plain http*'
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = 'iam.example.com'
        (Get-CdnConfig).IamEndpoint | Should -Be 'https://iam.example.com'
    }

    It 'says what to set when IAM cannot be reached' {
        Set-EnvCredential -DomainId $null
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $listener.Start()
        $closed = $listener.LocalEndpoint.Port; $listener.Stop()
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = "http://127.0.0.1:$closed"
        Set-CdnConfig -MaxRetry 0
        $err = { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'DomainIdDiscoveryFailed,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        "$err" | Should -BeLike "*127.0.0.1:$closed*-DomainId*HUAWEICLOUD_SDK_DOMAIN_ID*"
        (Get-CdnEmulatorStats $emu).requests.'url-tasks' | Should -Be 0
    }

    It 'keeps the service''s error id (CdnApi.APIGW.0301) when IAM refuses the keys, and says it happened during the account lookup' {
        # Issue 13: this used to be DomainIdDiscoveryFailed, which hid the authentication error.
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = $emu.Url
        $err = { Get-CdnUrlTask -First 1 -Credential $Bogus } | Should -Throw -ErrorId 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -BeLike "The request failed during the account (domain) id lookup for access key HPUA*0099 at IAM $($emu.Url) (GET /v3/auth/domains): *APIGW.0301: *ak not exist* (HTTP 401; request id ?*)*Set the account id with -DomainId*HUAWEICLOUD_SDK_DOMAIN_ID*"
        $err.Exception.RequestId | Should -Not -BeNullOrEmpty
        $err.TargetObject.Operation | Should -Be 'KeystoneListAuthDomains'
        $err.TargetObject.Endpoint | Should -Be $emu.Url
        (Get-CdnEmulatorStats $emu).requests.'url-tasks' | Should -Be 0
    }

    It 'a wrong secret key with a per-call -Credential is the service''s authentication error, not a discovery failure' {
        $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = $emu.Url
        $wrongSecret = [pscredential]::new($emu.AccessKey, (ConvertTo-SecureString 'not-the-secret-key' -AsPlainText -Force))
        $err = { Get-CdnUrlTask -First 1 -Credential $wrongSecret } | Should -Throw -ErrorId 'CdnApi.APIGW.0301,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -BeLike '*during the account (domain) id lookup*'
        $null = Invoke-RestMethod -Method Post -Uri "$($emu.Url)/_emulator/lockout/reset" -NoProxy
    }
}

Describe 'Secrets never appear in any stream' {
    BeforeAll {
        $null = Reset-CdnTestState -Endpoint $tokenEmu.Url
        $script:tokenSecure = ConvertTo-SecureString $Token -AsPlainText -Force
        $script:scan = & {
            $VerbosePreference = 'Continue'
            $DebugPreference = 'Continue'
            $InformationPreference = 'Continue'
            $WarningPreference = 'Continue'
            $ErrorActionPreference = 'Continue'
            & {
                $env:HUAWEICLOUD_SDK_IAM_ENDPOINT = $tokenEmu.Url
                Set-CdnCredential -AccessKey $Ak -SecretKey $SkSecure -SecurityToken $tokenSecure -PassThru
                Get-CdnCredential
                Get-CdnUrlTask -PageSize 10                           # discovery + every page of the last 24 hours
                Get-CdnUrlTask -All
                Get-CdnCredential | Format-List * | Out-String
                Set-CdnConfig -TimeoutSec 20 -MaxRetry 1 -RateLimit off -Concurrency 2 -PassThru | Format-List * | Out-String
                Get-CdnConfig | Format-List * | Out-String
                try { Get-CdnUrlTask -First 1 -AccessKey $Ak -SecretKey $SkSecure -DomainId $tokenEmu.DomainId } catch { $_ }   # no token: 401
                try { Get-CdnUrlTask -First 1 -Credential $Good -AccessKey $Ak } catch { $_ }
                try { Get-CdnUrlTask -First 1 -AccessKey $Ak -SecretKey $SkSecure -SecurityToken $tokenSecure -Endpoint 'http://127.0.0.1:1' -DomainId x } catch { $_ }
                Write-Information 'scan marker'
                Clear-CdnConfig
                Clear-CdnCredential
                try { Get-CdnUrlTask -First 1 } catch { $_ }          # nothing configured
                $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[global]`nak = $Ak`n$($emu.SecretKey)`nsecurity_token = $Token`n"
                try { Get-CdnUrlTask -First 1 } catch { $_ }          # malformed file holding the secrets
                $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[basic]`nak = $Ak`nsk = $($emu.SecretKey)`n"
                try { Get-CdnCredential } catch { $_ }
            } *>&1
        }
        $null = Invoke-RestMethod -Method Post -Uri "$($tokenEmu.Url)/_emulator/lockout/reset" -NoProxy

        # Everything a user or a log could see: formatted records, messages, exception texts with stack and inner exceptions.
        $script:text = foreach ($record in $scan) {
            $record | Out-String -Width 4096
            if ($record -is [System.Management.Automation.ErrorRecord]) {
                $record.Exception.ToString()
                "$($record.ErrorDetails)"; "$($record.ErrorDetails.RecommendedAction)"; "$($record.TargetObject)"
            }
            elseif ($record -is [System.Management.Automation.InformationalRecord] -or $record -is [System.Management.Automation.InformationRecord]) { "$record" }
            else { $record | Format-List * -Force | Out-String -Width 4096 }
        }
        $script:text = $text -join "`n"
    }

    It 'captured every kind of stream (the scan is not empty)' {
        @($scan | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 3
        @($scan | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -BeGreaterThan 3
        @($scan | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -BeGreaterThan 0
        @($scan | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterOrEqual 5
        @($scan | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).Count | Should -BeGreaterThan 0
        @($scan | Where-Object { $_ -is [CdnTasks.CdnUrlTask] }).Count | Should -BeGreaterThan 0
        $text | Should -BeLike '*Authorization: SDK-HMAC-SHA256 Access=HPUA************0001*'
        $text | Should -BeLike '*x-security-token: <redacted>*'
    }

    It 'contains no <Name>' -ForEach @(
        @{ Name = 'secret key'; Value = 'emulator-secret-key-0123456789abcdef' }
        @{ Name = 'security token'; Value = 'SECRET-TOKEN-7f3a9c51e0' }
        @{ Name = 'full access key'; Value = 'HPUAEMULATORAK000001' }
    ) {
        $text.Contains($Value) | Should -BeFalse -Because "the $Name must never be shown"
    }
}

Describe 'Issue 13: credential values that cannot inject' {
    BeforeEach { $script:homeDir = Reset-CdnTestState }

    It 'names the missing variable when HUAWEICLOUD_SDK_AK is set without HUAWEICLOUD_SDK_SK' {
        $env:HUAWEICLOUD_SDK_AK = $emu.AccessKey
        $err = { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'InvalidCredential,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.Exception.Message | Should -Be 'HUAWEICLOUD_SDK_AK is set, but HUAWEICLOUD_SDK_SK is not: set both (the access key and its secret key), or neither.'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-RequestTotal $emu | Should -Be 0
    }

    It 'refuses a CR/LF in <Name> before any request, naming it and never echoing it' -ForEach @(
        @{ Name = '-DomainId'; Call = { Get-CdnUrlTask -First 1 -Credential $Good -DomainId "$($emu.DomainId)`r`nX-Injected: yes" } }
        @{ Name = '-AccessKey'; Call = { Get-CdnUrlTask -First 1 -AccessKey "$Ak`r`nX-Injected: yes" -SecretKey $SkSecure } }
        @{ Name = '-SecurityToken'; Call = { Get-CdnUrlTask -First 1 -Credential $Good -SecurityToken (ConvertTo-SecureString "tok`r`nX-Injected: yes" -AsPlainText -Force) } }
        @{ Name = '-Credential (its user name, the access key)'; Call = { Get-CdnUrlTask -First 1 -Credential ([pscredential]::new("$Ak`nX-Injected: yes", $SkSecure)) } }
        @{ Name = 'HUAWEICLOUD_SDK_DOMAIN_ID'; Call = { Set-EnvCredential -DomainId "$($emu.DomainId)`nX-Injected: yes"; Get-CdnUrlTask -First 1 } }
        @{ Name = 'HUAWEICLOUD_SDK_SECURITY_TOKEN'; Call = { Set-EnvCredential; $env:HUAWEICLOUD_SDK_SECURITY_TOKEN = "tok`r`nX-Injected: yes"; Get-CdnUrlTask -First 1 } }
    ) {
        $err = $Call | Should -Throw -ErrorId 'InvalidCredential,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.Exception.Message | Should -Be "$Name contains a line break (CR or LF), which would end the request header."
        "$err" | Should -Not -BeLike '*X-Injected*'
        Get-RequestTotal $emu | Should -Be 0
    }

    It 'refuses a CR/LF in Set-CdnCredential -DomainId, a NUL in -SecretKey and a blank -DomainId' {
        { Set-CdnCredential -AccessKey $Ak -SecretKey $SkSecure -DomainId "d`r`nX: y" } | Should -Throw -ErrorId 'InvalidCredential,CdnTasks.Commands.SetCdnCredentialCommand' -ExpectedMessage '-DomainId contains a line break*'
        { Set-CdnCredential -AccessKey $Ak -SecretKey (ConvertTo-SecureString "sk`u{0}x" -AsPlainText -Force) } | Should -Throw -ErrorId 'InvalidCredential,CdnTasks.Commands.SetCdnCredentialCommand' -ExpectedMessage '-SecretKey contains the control character U+0000.'
        { Get-CdnUrlTask -First 1 -Credential $Good -DomainId '  ' } | Should -Throw -ErrorId 'InvalidCredential,CdnTasks.Commands.GetCdnUrlTaskCommand' -ExpectedMessage '-DomainId is empty (or only whitespace).'
        Get-RequestTotal $emu | Should -Be 0
    }

    It 'trims a secret key read from the environment with a trailing newline (it used to give 401)' {
        Set-EnvCredential -SecretKey "$($emu.SecretKey)`n"
        $env:HUAWEICLOUD_SDK_AK = "$($emu.AccessKey) "
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
    }
}

Describe 'Issue 13: the credentials file, read as the Huawei SDKs read it' {
    BeforeEach { $script:homeDir = Reset-CdnTestState }

    It 'reads inline comments and quoted values as the SDKs mean them (they used to become part of the key)' {
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[global] ; for CDN`nak = `"$($emu.AccessKey)`"   # quoted`nsk = $($emu.SecretKey) ; rotated in May`ndomain_id = '$($emu.DomainId)'`n"
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnCredential).DomainId | Should -Be $emu.DomainId
    }

    It 'refuses a # glued to a value (the SDKs disagree on it) naming the line, never the key' {
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[global]`nak = $($emu.AccessKey)`nsk = $($emu.SecretKey)#old`n"
        $err = { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'CredentialsFileInvalid,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*line 3: the value of 'sk' contains '#', which the Huawei SDKs read differently*write the value in quotes*"
        $err.Exception.Message.Contains($emu.SecretKey) | Should -BeFalse
        Get-RequestTotal $emu | Should -Be 0
    }

    It 'warns once per session when group or others can read the file (mode 0644), not for 0600' -Skip:$IsWindows {
        $shared = New-CredentialsFile "[global]`nak = $($emu.AccessKey)`nsk = $($emu.SecretKey)`ndomain_id = $($emu.DomainId)`n" -Mode '644'
        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = $shared
        $null = Get-CdnUrlTask -First 1 -WarningVariable first -WarningAction SilentlyContinue
        $null = Get-CdnUrlTask -First 1 -WarningVariable second -WarningAction SilentlyContinue
        @($first).Count | Should -Be 1
        "$($first[0])" | Should -Be "The credentials file '$shared' can be read or changed by other users (mode 0644); it holds your secret key. Restrict it to yourself: chmod 600 '$shared'."
        @($second).Count | Should -Be 0

        $env:HUAWEICLOUD_SDK_CREDENTIALS_FILE = New-CredentialsFile "[global]`nak = $($emu.AccessKey)`nsk = $($emu.SecretKey)`ndomain_id = $($emu.DomainId)`n" -Mode '600'
        $null = Get-CdnUrlTask -First 1 -WarningVariable private -WarningAction SilentlyContinue
        @($private).Count | Should -Be 0
    }
}

Describe 'Issue 13: a gateway that echoes the request headers' {
    BeforeAll {
        Import-Module "$PSScriptRoot/LoopbackServer.psm1" -Force
        $script:echo = New-LoopbackServer EchoHeaders
    }
    AfterAll { $echo.Dispose() }
    BeforeEach { $null = Reset-CdnTestState -Endpoint "http://127.0.0.1:$($echo.Port)" }

    It 'never lets the security token or the signature reach any stream, the error, or a transcript' {
        $tokenSecure = ConvertTo-SecureString $Token -AsPlainText -Force
        $records = & {
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $WarningPreference = 'Continue'
            try { Get-CdnUrlTask -First 1 -AccessKey $Ak -SecretKey $SkSecure -SecurityToken $tokenSecure -DomainId $emu.DomainId -ErrorAction Stop } catch { $_ }
        } *>&1
        $head = @($echo.Requests)[-1]
        $head | Should -BeLike "*x-security-token: $Token*"
        $signature = [regex]::Match($head, 'Signature=([0-9a-f]{64})').Groups[1].Value
        $signature | Should -Not -BeNullOrEmpty

        $err = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })[0]
        $err.FullyQualifiedErrorId | Should -Be 'CdnApi.APIGW.0201,CdnTasks.Commands.GetCdnUrlTaskCommand'
        "$err" | Should -BeLike '*x-security-token: <redacted>*'
        $text = ($records | ForEach-Object { $_ | Out-String -Width 4096; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString(); $_.Exception.ServiceMessage; "$($_.TargetObject)" } }) -join "`n"
        @($records | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -BeGreaterThan 0
        $text.Contains($Token) | Should -BeFalse
        $text.Contains($signature) | Should -BeFalse
        $text.Contains($emu.SecretKey) | Should -BeFalse

        # And what a console transcript records, in a child pwsh (the token reaches it through a variable only).
        $transcript = Join-Path $TestDrive 'echo-transcript.txt'
        $env:CDNTASKS_TEST_TOKEN = $Token
        try {
            $run = Invoke-CdnChildPwsh -ImportModule @"
`$null = Start-Transcript -Path '$transcript'
`$token = ConvertTo-SecureString `$env:CDNTASKS_TEST_TOKEN -AsPlainText -Force
`$sk = ConvertTo-SecureString '$($emu.SecretKey)' -AsPlainText -Force
Get-CdnUrlTask -First 1 -AccessKey '$Ak' -SecretKey `$sk -SecurityToken `$token -DomainId '$($emu.DomainId)' -Verbose -Debug
`$null = Stop-Transcript
"@
        }
        finally { $env:CDNTASKS_TEST_TOKEN = $null }
        $run.Output | Should -BeLike '*APIGW.0201*'
        $run.Output.Contains($Token) | Should -BeFalse
        (Get-Content -Raw -LiteralPath $transcript).Contains($Token) | Should -BeFalse
    }
}
