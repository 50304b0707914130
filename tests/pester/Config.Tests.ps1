# Copyright (c) CdnTasks contributors. MIT License.
#
# Set-CdnConfig / Get-CdnConfig / Clear-CdnConfig: precedence (parameter > session > environment >
# default) with sources, validation, the HUAWEICLOUD_SDK_REGION_CDN_<REGION> failover list (failover
# only when a host is unreachable), and the proxy setting reaching the HTTP client.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule

    $script:Variables = @(
        'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_DOMAIN_ID',
        'CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE', 'HUAWEICLOUD_SDK_IAM_ENDPOINT',
        'HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1', 'HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1', 'CDNTASKS_REGION',
        'CDNTASKS_ENDPOINT', 'CDNTASKS_TIMEOUT_SEC', 'CDNTASKS_MAX_RETRY', 'CDNTASKS_PROXY', 'CDNTASKS_RATE_LIMIT',
        'CDNTASKS_CONCURRENCY', 'CDNTASKS_MAX_RETRY_DELAY_SEC', 'CDNTASKS_RETRY_BASE_DELAY_MS', 'CDNTASKS_TEST_CLOCK_OFFSET_SEC'
    )
    $script:Saved = @{}
    foreach ($name in $Variables) { $Saved[$name] = [Environment]::GetEnvironmentVariable($name) }

    $script:emu = Start-CdnEmulator -Records 50
    $script:emu2 = Start-CdnEmulator -Records 50

    function Get-ClosedPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $port
    }

    # Environment keys for the emulator, no endpoint configured anywhere, no session settings.
    function Reset-CdnTestState {
        foreach ($name in $Variables) { [Environment]::SetEnvironmentVariable($name, $null) }
        $env:HUAWEICLOUD_SDK_AK = $emu.AccessKey
        $env:HUAWEICLOUD_SDK_SK = $emu.SecretKey
        $env:HUAWEICLOUD_SDK_DOMAIN_ID = $emu.DomainId
        Clear-CdnCredential
        Clear-CdnConfig
        Reset-CdnEmulatorStats $emu
        Reset-CdnEmulatorStats $emu2
        Clear-CdnEmulatorFaults $emu
    }
}

AfterAll {
    foreach ($name in $Variables) { [Environment]::SetEnvironmentVariable($name, $Saved[$name]) }
    Clear-CdnConfig
    Stop-CdnEmulator $emu
    Stop-CdnEmulator $emu2
}

Describe 'Get-CdnConfig' {
    BeforeEach { Reset-CdnTestState }

    It 'shows the built-in defaults with the source Default' {
        $config = Get-CdnConfig
        $config | Should -BeOfType ([CdnTasks.CdnConfigInfo])
        $config.Region | Should -Be 'cn-north-1'
        $config.RegionSource | Should -Be 'Default'
        $config.Endpoint | Should -Be @('https://cdn.myhuaweicloud.com')
        $config.EndpointSource | Should -Be 'Default (region cn-north-1)'
        $config.TimeoutSec | Should -Be 30
        $config.MaxRetry | Should -Be 4
        $config.MaxRetryDelaySec | Should -Be 60
        $config.MaxRetryDelaySecSource | Should -Be 'Default'
        $config.RetryBaseDelayMs | Should -Be 500
        $config.RetryBaseDelayMsSource | Should -Be 'Default'
        $config.RateLimit | Should -Be 'documented'
        $config.Concurrency | Should -Be 4
        $config.Proxy | Should -BeNullOrEmpty
        $config.ProxySource | Should -BeLike 'Default (system proxy*'
        $config.IamEndpoint | Should -Be 'https://iam.cn-north-1.myhuaweicloud.com'
    }

    It 'reads CDNTASKS_* (Environment), which Set-CdnConfig overrides (Session), which a parameter overrides (Parameter)' {
        $env:CDNTASKS_REGION = 'eu-west-101'
        $env:CDNTASKS_TIMEOUT_SEC = '12'
        $env:CDNTASKS_MAX_RETRY = '2'
        $env:CDNTASKS_RATE_LIMIT = 'off'
        $env:CDNTASKS_CONCURRENCY = '3'
        $env:CDNTASKS_PROXY = 'http://envproxy.example:3128'
        $config = Get-CdnConfig
        $config.Region | Should -Be 'eu-west-101'
        $config.RegionSource | Should -Be 'Environment'
        $config.Endpoint | Should -Be @('https://cdn.myhuaweicloud.eu')
        $config.TimeoutSec | Should -Be 12
        $config.MaxRetry | Should -Be 2
        $config.RateLimit | Should -Be 'off'
        $config.Concurrency | Should -Be 3
        $config.Proxy | Should -Be 'http://envproxy.example:3128'
        $config.ProxySource | Should -Be 'Environment'

        Set-CdnConfig -Region ap-southeast-1 -TimeoutSec 30 -MaxRetry 4 -RateLimit 7 -Proxy http://proxy:3128
        $config = Get-CdnConfig
        $config.Region | Should -Be 'ap-southeast-1'
        $config.RegionSource | Should -Be 'Session'
        $config.TimeoutSec | Should -Be 30
        $config.TimeoutSecSource | Should -Be 'Session'
        $config.MaxRetrySource | Should -Be 'Session'
        $config.RateLimit | Should -Be '7'
        $config.Proxy | Should -Be 'http://proxy:3128'
        $config.ProxySource | Should -Be 'Session'
        $config.Concurrency | Should -Be 3
        $config.ConcurrencySource | Should -Be 'Environment'

        $config = Get-CdnConfig -Region cn-north-1 -Endpoint https://cdn.example.com
        $config.Region | Should -Be 'cn-north-1'
        $config.RegionSource | Should -Be 'Parameter'
        $config.Endpoint | Should -Be @('https://cdn.example.com')
        $config.EndpointSource | Should -Be 'Parameter (-Endpoint)'
    }

    It 'Clear-CdnConfig -Name clears one setting; Clear-CdnConfig clears all' {
        $env:CDNTASKS_MAX_RETRY = '2'
        Set-CdnConfig -MaxRetry 9 -TimeoutSec 5
        Clear-CdnConfig -Name MaxRetry
        (Get-CdnConfig).MaxRetry | Should -Be 2
        (Get-CdnConfig).TimeoutSecSource | Should -Be 'Session'
        Clear-CdnConfig
        (Get-CdnConfig).TimeoutSecSource | Should -Be 'Default'
    }

    It 'Set-CdnConfig -PassThru returns the effective configuration' {
        $config = Set-CdnConfig -Concurrency 8 -ProxyCredential ([pscredential]::new('proxyuser', (ConvertTo-SecureString 'proxy-pass-xyz' -AsPlainText -Force))) -PassThru
        $config.Concurrency | Should -Be 8
        $config.ProxyUserName | Should -Be 'proxyuser'
        ($config | Format-List * | Out-String) | Should -Not -BeLike '*proxy-pass-xyz*'
    }

    It 'Set-CdnConfig refuses <Case> and keeps the session unchanged' -ForEach @(
        @{ Case = 'an unknown region'; Call = { Set-CdnConfig -Region mars-1 }; Message = '*mars-1*not supported*' }
        @{ Case = 'plain http off loopback'; Call = { Set-CdnConfig -Endpoint http://cdn.example.com }; Message = '*plain http*' }
        @{ Case = 'a bad rate limit'; Call = { Set-CdnConfig -RateLimit fast }; Message = "*-RateLimit 'fast' is not valid*" }
        @{ Case = 'a bad proxy'; Call = { Set-CdnConfig -Proxy 'ftp://proxy' }; Message = '*proxy*http*' }
    ) {
        Set-CdnConfig -Region ap-southeast-1
        $Call | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.SetCdnConfigCommand' -ExpectedMessage $Message
        (Get-CdnConfig).Region | Should -Be 'ap-southeast-1'
        (Get-CdnConfig).Endpoint | Should -Be @('https://cdn.myhuaweicloud.com')
    }

    It 'exposes the retry backoff (MaxRetryDelaySec, RetryBaseDelayMs): environment, then session, each with its source; Clear-CdnConfig -Name removes them' {
        $env:CDNTASKS_MAX_RETRY_DELAY_SEC = '120'
        $env:CDNTASKS_RETRY_BASE_DELAY_MS = '250'
        $config = Get-CdnConfig
        $config.MaxRetryDelaySec | Should -Be 120
        $config.MaxRetryDelaySecSource | Should -Be 'Environment'
        $config.RetryBaseDelayMs | Should -Be 250
        $config.RetryBaseDelayMsSource | Should -Be 'Environment'

        $config = Set-CdnConfig -MaxRetryDelaySec 2.5 -RetryBaseDelayMs 20 -PassThru
        $config.MaxRetryDelaySec | Should -Be 2.5
        $config.MaxRetryDelaySecSource | Should -Be 'Session'
        $config.RetryBaseDelayMs | Should -Be 20
        $config.RetryBaseDelayMsSource | Should -Be 'Session'
        # Other session settings survive a later Set-CdnConfig, and these survive it too.
        Set-CdnConfig -MaxRetry 7
        (Get-CdnConfig).RetryBaseDelayMs | Should -Be 20
        ((Get-CdnConfig) | Out-String) | Should -Match 'MaxRetryDelaySec\s*:\s*2\.5\s+\(Session\)'

        Clear-CdnConfig -Name RetryBaseDelayMs
        (Get-CdnConfig).RetryBaseDelayMs | Should -Be 250
        (Get-CdnConfig).MaxRetryDelaySecSource | Should -Be 'Session'
        Clear-CdnConfig -Name MaxRetryDelaySec
        (Get-CdnConfig).MaxRetryDelaySec | Should -Be 120
        (Get-CdnConfig).MaxRetry | Should -Be 7
        Clear-CdnConfig
        $env:CDNTASKS_MAX_RETRY_DELAY_SEC = $null
        (Get-CdnConfig).MaxRetryDelaySecSource | Should -Be 'Default'
    }

    It 'exposes the throttle budget (ThrottleBudgetSec): default 120, environment, then session, each with its source' {
        (Get-CdnConfig).ThrottleBudgetSec | Should -Be 120
        (Get-CdnConfig).ThrottleBudgetSecSource | Should -Be 'Default'
        $env:CDNTASKS_THROTTLE_BUDGET_SEC = '300'
        try {
            (Get-CdnConfig).ThrottleBudgetSec | Should -Be 300
            (Get-CdnConfig).ThrottleBudgetSecSource | Should -Be 'Environment'
            $config = Set-CdnConfig -ThrottleBudgetSec 30 -PassThru
            $config.ThrottleBudgetSec | Should -Be 30
            $config.ThrottleBudgetSecSource | Should -Be 'Session'
            ((Get-CdnConfig) | Out-String) | Should -Match 'ThrottleBudgetSec\s*:\s*30\s+\(Session\)'
            { Set-CdnConfig -ThrottleBudgetSec 3601 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,CdnTasks.Commands.SetCdnConfigCommand'
            Clear-CdnConfig -Name ThrottleBudgetSec
            (Get-CdnConfig).ThrottleBudgetSec | Should -Be 300
        }
        finally { $env:CDNTASKS_THROTTLE_BUDGET_SEC = $null; Clear-CdnConfig }
    }

    It 'Set-CdnConfig validates -<Name> <Value> before keeping anything' -ForEach @(
        @{ Name = 'MaxRetryDelaySec'; Value = 3601 }
        @{ Name = 'MaxRetryDelaySec'; Value = -1 }
        @{ Name = 'RetryBaseDelayMs'; Value = 60001 }
        @{ Name = 'RetryBaseDelayMs'; Value = -5 }
    ) {
        Set-CdnConfig -MaxRetryDelaySec 9 -RetryBaseDelayMs 9
        $arguments = @{ $Name = $Value }
        { Set-CdnConfig @arguments } | Should -Throw -ErrorId "ParameterArgumentValidationError,CdnTasks.Commands.SetCdnConfigCommand"
        (Get-CdnConfig).MaxRetryDelaySec | Should -Be 9
        (Get-CdnConfig).RetryBaseDelayMs | Should -Be 9
    }

    It 'does not expose the test hook CDNTASKS_TEST_CLOCK_OFFSET_SEC' {
        (Get-Command Set-CdnConfig).Parameters.Keys | Where-Object { $_ -match 'Clock|Offset|Test' } | Should -BeNullOrEmpty
        $names = (Get-Command Clear-CdnConfig).Parameters['Name'].Attributes.Where({ $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues
        $names | Should -Contain 'RetryBaseDelayMs'
        $names | Should -Contain 'MaxRetryDelaySec'
        $names | Where-Object { $_ -match 'Clock|Offset|Test' } | Should -BeNullOrEmpty
        $env:CDNTASKS_TEST_CLOCK_OFFSET_SEC = '3600'
        $config = Get-CdnConfig
        $config.PSObject.Properties.Name | Where-Object { $_ -match 'Clock|Offset|Test' } | Should -BeNullOrEmpty
        ($config | Format-List * | Out-String) | Should -Not -Match 'Clock|Offset'
    }

    It 'refuses an invalid CDNTASKS_* value with a clear error' {
        $env:CDNTASKS_MAX_RETRY = 'many'
        { Get-CdnConfig } | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.GetCdnConfigCommand' -ExpectedMessage "*CDNTASKS_MAX_RETRY='many'*"
        { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.GetCdnUrlTaskCommand'
    }
}

Describe 'Endpoint precedence on real calls' {
    BeforeEach { Reset-CdnTestState }

    It 'uses Set-CdnConfig -Endpoint over CDNTASKS_ENDPOINT, and a per-call -Endpoint over both' {
        $closed = Get-ClosedPort
        $env:CDNTASKS_ENDPOINT = "http://127.0.0.1:$closed"
        Set-CdnConfig -Endpoint $emu.Url -MaxRetry 0
        @(Get-CdnUrlTask -First 1).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu).requests.'url-tasks' | Should -Be 1
        @(Get-CdnUrlTask -First 1 -Endpoint $emu2.Url).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu2).requests.'url-tasks' | Should -Be 1
        $err = { Get-CdnUrlTask -First 1 -Endpoint "http://127.0.0.1:$closed" } | Should -Throw -ErrorId 'CdnApi.ConnectionRefused,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'The session backoff settings reach the commands' {
    BeforeEach {
        Reset-CdnTestState
        $env:CDNTASKS_ENDPOINT = $emu.Url
        Set-CdnConfig -RateLimit off
    }

    It 'Set-CdnConfig -MaxRetryDelaySec caps the Retry-After honoured (the emulator asks for 1 s)' {
        Set-CdnEmulatorFaults $emu -Script '1:429'
        Set-CdnConfig -MaxRetryDelaySec 0.5
        $err = { Get-CdnUrlTask -First 1 -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'CdnApi.APIGW.0308,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        (Get-CdnEmulatorStats $emu).totalRequests | Should -Be 1

        # Without the session value the default (60 s) applies: the same fault is retried and cured.
        Clear-CdnConfig -Name MaxRetryDelaySec
        Set-CdnEmulatorFaults $emu -Script '1:429'
        Reset-CdnEmulatorStats $emu
        @(Get-CdnUrlTask -First 1 -WarningAction SilentlyContinue).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu).totalRequests | Should -Be 2
    }

    It 'Set-CdnConfig -RetryBaseDelayMs sets the backoff step (0 = retry at once)' {
        Set-CdnEmulatorFaults $emu -Script '1:503,2:503,3:503'
        Set-CdnConfig -RetryBaseDelayMs 0 -MaxRetry 3
        $output = Get-CdnUrlTask -First 1 -Verbose -WarningAction SilentlyContinue 4>&1
        @($output | Where-Object { $_ -is [CdnTasks.CdnUrlTask] }).Count | Should -Be 1
        $retries = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Retrying *' })
        $retries.Count | Should -Be 3
        # With the default step (500 ms, doubled) three waits of 0.0 s are all but impossible.
        foreach ($line in $retries) { $line.Message | Should -Match ' in 0\.0 s \(attempt ' }
    }
}

Describe 'HUAWEICLOUD_SDK_REGION_CDN_* failover' {
    BeforeEach { Reset-CdnTestState }

    It 'fails over to the next endpoint when the first host is unreachable' {
        $closed = Get-ClosedPort
        $env:HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1 = "http://127.0.0.1:$closed, $($emu.Url)"
        $config = Get-CdnConfig
        $config.Endpoint | Should -Be @("http://127.0.0.1:$closed", $emu.Url)
        $config.EndpointSource | Should -Be 'Environment (HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1)'
        Set-CdnConfig -MaxRetry 0
        $output = Get-CdnUrlTask -First 2 -Verbose 4>&1
        @($output | Where-Object { $_ -is [CdnTasks.CdnUrlTask] }).Count | Should -Be 2
        ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n" | Should -BeLike "*127.0.0.1:$closed is unreachable*failing over to $($emu.Url)*"
    }

    It 'does not fail over when the first endpoint answers with an error (it retries there)' {
        $env:HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1 = "$($emu.Url),$($emu2.Url)"
        Set-CdnEmulatorFaults $emu -Script '1:503'
        @(Get-CdnUrlTask -First 1 -WarningAction SilentlyContinue).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu).requests.'url-tasks' | Should -Be 2
        (Get-CdnEmulatorStats $emu2).totalRequests | Should -Be 0
    }

    It 'uses the region''s variable for the region in force (-Region ap-southeast-1)' {
        $env:HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1 = $emu2.Url
        @(Get-CdnUrlTask -First 1 -Region ap-southeast-1).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu2).requests.'url-tasks' | Should -Be 1
    }

    It 'refuses plain http to a non-loopback host in the list' {
        $env:HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1 = "$($emu.Url),http://cdn.example.com"
        { Get-CdnUrlTask -First 1 } | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.GetCdnUrlTaskCommand' -ExpectedMessage '*plain http*'
    }
}

Describe 'Proxy' {
    BeforeEach { Reset-CdnTestState }

    It 'sends requests through Set-CdnConfig -Proxy (a CONNECT for the https endpoint reaches the proxy)' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $accept = $listener.AcceptTcpClientAsync()
            Set-CdnConfig -Proxy "http://127.0.0.1:$port" -Endpoint https://cdn.example.com -TimeoutSec 3 -MaxRetry 0
            (Get-CdnConfig).Proxy | Should -Be "http://127.0.0.1:$port"
            $err = { Get-CdnUrlTask -First 1 } | Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -BeIn @('OperationTimeout', 'ConnectionError')
            $accept.Wait(5000) | Should -BeTrue
            $client = $accept.Result
            $client.ReceiveTimeout = 5000
            $reader = [System.IO.StreamReader]::new($client.GetStream())
            $reader.ReadLine() | Should -Be 'CONNECT cdn.example.com:443 HTTP/1.1'
            $client.Dispose()
        }
        finally { $listener.Stop() }
    }
}

Describe 'Issue 13: where requests go (one precedence rule, docs/about_CdnTasks.md "Where requests go")' {
    BeforeAll { Import-Module "$PSScriptRoot/LoopbackServer.psm1" -Force }
    BeforeEach { Reset-CdnTestState }

    It 'Set-CdnConfig -Region (the README''s example) under CDNTASKS_ENDPOINT warns, and requests still go to the endpoint Get-CdnConfig shows' {
        $env:CDNTASKS_ENDPOINT = $emu.Url
        Set-CdnConfig -Region ap-southeast-1 -WarningVariable setWarnings -WarningAction SilentlyContinue
        @($setWarnings).Count | Should -Be 1
        "$($setWarnings[0])" | Should -BeLike 'Set-CdnConfig -Region ap-southeast-1 does not change where requests go: CDNTASKS_ENDPOINT is set*HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1*'

        $config = Get-CdnConfig -WarningAction SilentlyContinue
        $config.Endpoint | Should -Be @($emu.Url)
        $config.EndpointSource | Should -Be 'Environment (CDNTASKS_ENDPOINT)'
        $config.Region | Should -Be 'ap-southeast-1'

        @(Get-CdnUrlTask -First 1 -WarningVariable runWarnings -WarningAction SilentlyContinue).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu).requests.'url-tasks' | Should -Be 1
        @($runWarnings | Where-Object { "$_" -like '*does not change where requests go*' }).Count | Should -Be 1
    }

    It 'Set-CdnConfig -Region -PassThru under CDNTASKS_ENDPOINT warns once (it warned twice), and its report shows the endpoint in force' {
        $env:CDNTASKS_ENDPOINT = $emu.Url
        $config = Set-CdnConfig -Region ap-southeast-1 -PassThru -WarningVariable setWarnings -WarningAction SilentlyContinue
        @($setWarnings).Count | Should -Be 1
        "$($setWarnings[0])" | Should -BeLike 'Set-CdnConfig -Region ap-southeast-1 does not change where requests go: CDNTASKS_ENDPOINT is set*'
        $config.Endpoint | Should -Be @($emu.Url)
        $config.EndpointSource | Should -Be 'Environment (CDNTASKS_ENDPOINT)'
    }

    It '-Region on one command does not send it elsewhere either (and says so)' {
        Set-CdnConfig -Endpoint $emu.Url
        @(Get-CdnUrlTask -First 1 -Region eu-west-101 -WarningVariable w -WarningAction SilentlyContinue).Count | Should -Be 1
        (Get-CdnEmulatorStats $emu).requests.'url-tasks' | Should -Be 1
        "$w" | Should -BeLike '-Region eu-west-101 does not change where requests go: Set-CdnConfig -Endpoint is set*'
        (Get-CdnConfig -Region eu-west-101 -WarningAction SilentlyContinue).EndpointSource | Should -Be 'Session (Set-CdnConfig -Endpoint)'
    }

    It 'refuses a blank <Where> before any request (never a fall-back to the real endpoint)' -ForEach @(
        @{ Where = '-Endpoint'; Call = { Get-CdnUrlTask -First 1 -Endpoint ' ' } }
        @{ Where = '-Region'; Call = { Get-CdnUrlTask -First 1 -Region "`t" } }
        @{ Where = 'CDNTASKS_ENDPOINT'; Call = { $env:CDNTASKS_ENDPOINT = '  '; Get-CdnUrlTask -First 1 } }
        @{ Where = 'CDNTASKS_REGION'; Call = { $env:CDNTASKS_REGION = ' '; Get-CdnUrlTask -First 1 } }
        @{ Where = 'Set-CdnConfig -Endpoint'; Call = { Set-CdnConfig -Endpoint ' ' } }
        @{ Where = 'Set-CdnConfig -Proxy'; Call = { Set-CdnConfig -Proxy ' ' } }
    ) {
        $env:HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1 = $emu.Url
        $err = $Call | Should -Throw -ErrorId 'InvalidConfiguration,*' -PassThru
        $err.Exception.Message | Should -BeLike "$Where is blank*"
        (Get-CdnEmulatorStats $emu).totalRequests | Should -Be 0
    }

    It 'refuses an endpoint without a scheme at once, saying what it probably means' {
        $port = ([uri]$emu.Url).Port
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $err = { Get-CdnUrlTask -First 1 -Endpoint "127.0.0.1:$port" } | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.GetCdnUrlTaskCommand' -PassThru
        $clock.Stop()
        $err.Exception.Message | Should -Be "-Endpoint '127.0.0.1:$port' has no scheme: did you mean https://127.0.0.1:$port (or http://127.0.0.1:$port for a loopback emulator)?"
        { Set-CdnConfig -Endpoint "127.0.0.1:$port" } | Should -Throw -ErrorId 'InvalidConfiguration,CdnTasks.Commands.SetCdnConfigCommand'
        (Get-CdnEmulatorStats $emu).totalRequests | Should -Be 0
    }
}

Describe 'Issue 13: a password in the proxy URL' {
    BeforeAll { Import-Module "$PSScriptRoot/LoopbackServer.psm1" -Force }
    BeforeEach { Reset-CdnTestState }

    It 'is used to authenticate to the proxy, and never shown by -Verbose, Get-CdnConfig, errors or a transcript' {
        $proxy = New-LoopbackServer Proxy
        try {
            # A child pwsh, so that what a console (and its transcript) shows is captured, not printed into the test log.
            # The URL comes in a variable: a transcript repeats the command line as typed, which is the user's own text.
            $transcript = Join-Path $TestDrive 'proxy-transcript.txt'
            $env:CDNTASKS_TEST_PROXY_URL = "http://alice:Pr0xy-S3cret@127.0.0.1:$($proxy.Port)"
            $run = Invoke-CdnChildPwsh -ImportModule @"
`$null = Start-Transcript -Path '$transcript'
Set-CdnConfig -Proxy `$env:CDNTASKS_TEST_PROXY_URL -Endpoint https://cdn.example.com -MaxRetry 0 -TimeoutSec 5 -Verbose
Get-CdnConfig | Format-List *
try { Get-CdnUrlTask -First 1 -Verbose -Debug -ErrorAction Stop } catch { `$_ | Format-List * -Force; `$_.Exception.ToString() }
`$null = Stop-Transcript
"@
            $proxy.ProxyCredentials() | Should -Be @('alice:Pr0xy-S3cret')
            $run.Output | Should -BeLike '*Proxy=http://alice:<redacted>@127.0.0.1:*'
            $run.Output | Should -Match "Proxy\s+: http://127\.0\.0\.1:$($proxy.Port)\s"
            $run.Output | Should -Match 'ProxyUserName\s+: alice'
            $run.Output.Contains('Pr0xy-S3cret') | Should -BeFalse
            $transcriptText = Get-Content -Raw -LiteralPath $transcript
            $transcriptText | Should -BeLike '*<redacted>*'
            $transcriptText.Contains('Pr0xy-S3cret') | Should -BeFalse
        }
        finally { $proxy.Dispose(); $env:CDNTASKS_TEST_PROXY_URL = $null }
    }

    It 'a changed -ProxyCredential (same user, new password) takes effect on the next command' {
        $proxy = New-LoopbackServer Proxy
        try {
            Set-CdnConfig -Proxy "http://127.0.0.1:$($proxy.Port)" -Endpoint https://cdn.example.com -MaxRetry 0 -TimeoutSec 5
            Set-CdnConfig -ProxyCredential ([pscredential]::new('bob', (ConvertTo-SecureString 'first-password' -AsPlainText -Force)))
            { Get-CdnUrlTask -First 1 } | Should -Throw
            Set-CdnConfig -ProxyCredential ([pscredential]::new('bob', (ConvertTo-SecureString 'second-password' -AsPlainText -Force)))
            { Get-CdnUrlTask -First 1 } | Should -Throw
            $proxy.ProxyCredentials() | Should -Be @('bob:first-password', 'bob:second-password')
        }
        finally { $proxy.Dispose() }
    }
}
