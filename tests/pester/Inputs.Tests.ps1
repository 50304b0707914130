# Copyright (c) CdnTasks contributors. MIT License.
#
# Issue 13, inputs that cannot inject: every value that goes into a request path is checked before any request
# (task ids: digits only), a -Skip the service cannot page to is refused, and no parameter value, however odd,
# gives the user a raw .NET exception. One emulator for the file; its request counter proves "before any request".

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $null = Import-CdnTasksModule
    $script:emulator = Start-CdnEmulator -Records 200 -ArgumentList @('--RateLimit', 'false', '--TaskSeconds', '1')
    $script:restore = Use-CdnEmulatorEnvironment $emulator
    $script:savedRate = $env:CDNTASKS_RATE_LIMIT
    $env:CDNTASKS_RATE_LIMIT = 'off'
    # A real, finished task of the emulator.
    $script:taskId = @(Get-CdnTask -Status Completed -First 1 -StartTime (Get-Date).AddDays(-1))[0].TaskId
}

AfterAll {
    $env:CDNTASKS_RATE_LIMIT = $savedRate
    & $restore
    Stop-CdnEmulator $emulator
}

Describe 'Task ids are checked before they go into the request path' {
    BeforeEach { Reset-CdnEmulatorStats $emulator }

    # The parameters are numbers (issue 11), so PowerShell's binding refuses anything else; the API layer checks
    # the id again before it builds the path (TaskIds, xunit). Either way nothing is sent.
    It '<Command> refuses ''<Id>'' before any request' -ForEach @(
        foreach ($bad in '%41', '123?x=1', '123#frag', '../quota', '1/2', ' ', "12`r`n34", 'abc', '-1') {
            @{ Command = 'Get-CdnUrlTask -TaskId'; Id = $bad; Call = { param($id) Get-CdnUrlTask -TaskId $id -ErrorAction Stop } }
            @{ Command = 'Get-CdnTask -TaskId'; Id = $bad; Call = { param($id) Get-CdnTask -TaskId $id -ErrorAction Stop } }
            @{ Command = 'Wait-CdnTask -TaskId'; Id = $bad; Call = { param($id) Wait-CdnTask -TaskId $id -ErrorAction Stop } }
        }
    ) {
        $err = $null
        try { & $Call $Id } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^(ParameterArgument(Transformation|Validation)Error|CannotConvertArgument\w*),CdnTasks\.Commands\.'
        $err.Exception.Message | Should -BeLike "*'TaskId'*"
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It 'one bad piped id is one non-terminating error; the good ids are still fetched' {
        $tasks = $taskId, '%41', " $taskId " | Get-CdnTask -ErrorVariable errors -ErrorAction SilentlyContinue
        @($tasks).Count | Should -Be 2
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound,*'
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 2
    }
}

Describe 'A -Skip the service cannot page to' {
    BeforeEach { Reset-CdnEmulatorStats $emulator }

    It '<Command> -Skip <Skip> is InvalidPaging before any request (it was a raw ArgumentOutOfRangeException)' -ForEach @(
        @{ Command = 'Get-CdnTask'; Skip = [uint64]1000000000; Call = { param($skip) Get-CdnTask -Skip $skip -First 1 -StartTime (Get-Date).AddDays(-1) } }
        @{ Command = 'Get-CdnTask'; Skip = [uint64]::MaxValue; Call = { param($skip) Get-CdnTask -Skip $skip -IncludeTotalCount -First 1 } }
        @{ Command = 'Get-CdnUrlTask -TaskId'; Skip = [uint64]6553500; Call = { param($skip) Get-CdnUrlTask -TaskId $taskId -Skip $skip -First 1 } }
        @{ Command = 'Get-CdnUrlTask'; Skip = [uint64]::MaxValue; Call = { param($skip) Get-CdnUrlTask -Skip $skip -First 1 } }
        @{ Command = 'Get-CdnUrlTask'; Skip = [uint64]([int]::MaxValue) + 1; Call = { param($skip) Get-CdnUrlTask -Skip $skip -All } }
    ) {
        $err = $null
        try { & $Call $Skip } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidPaging,*'
        $err.Exception.Message | Should -BeLike "-Skip $($Skip.ToString('N0', [cultureinfo]::InvariantCulture)) is beyond what the service can page to:*"
        (Get-CdnEmulatorStats $emulator).totalRequests | Should -Be 0
    }

    It 'the largest -Skip that can be paged to is still accepted' {
        @(Get-CdnTask -Skip 655349999 -PageSize 10000 -First 1 -StartTime (Get-Date).AddDays(-1)).Count | Should -Be 0
        @(Get-CdnUrlTask -Skip ([int]::MaxValue) -First 1).Count | Should -Be 0
    }
}

Describe 'No parameter value gives a raw .NET exception' {
    It '<Case>' -ForEach @(
        @{ Case = 'a huge -First'; Call = { Get-CdnUrlTask -First ([uint64]::MaxValue) | Select-Object -First 1 } }
        @{ Case = '-StartTime DateTime.MinValue'; Call = { Get-CdnUrlTask -StartTime ([datetime]::MinValue) -EndTime ([datetime]::MinValue.AddHours(1)) } }
        @{ Case = '-EndTime DateTime.MaxValue'; Call = { Get-CdnUrlTask -StartTime ([datetime]::MaxValue.AddHours(-1)) -EndTime ([datetime]::MaxValue) } }
        @{ Case = 'Get-CdnTask over all of time'; Call = { Get-CdnTask -StartTime ([datetime]::MinValue) -EndTime ([datetime]::MaxValue) -First 1 } }
        @{ Case = '-Url with a line break'; Call = { Get-CdnUrlTask -Url "https://www.example.com/a`r`nX-Injected: 1" -First 1 } }
        @{ Case = '-EnterpriseProjectId with a line break'; Call = { Get-CdnTask -EnterpriseProjectId "0`r`nX-Injected: 1" -First 1 } }
        @{ Case = '-Endpoint with a port out of range'; Call = { Get-CdnUrlTask -Endpoint 'http://127.0.0.1:99999' -First 1 } }
        @{ Case = '-Endpoint with a broken IPv6 address'; Call = { Get-CdnUrlTask -Endpoint 'http://[::1' -First 1 } }
        @{ Case = '-Endpoint with a line break'; Call = { Get-CdnUrlTask -Endpoint "https://cdn.example.com`r`nX: y" -First 1 } }
        @{ Case = '-Region with a line break'; Call = { Get-CdnUrlTask -Region "mars`n" -First 1 } }
        @{ Case = 'Set-CdnConfig -Proxy without a host'; Call = { Set-CdnConfig -Proxy 'http://' } }
        @{ Case = 'Set-CdnConfig -Proxy with a line break'; Call = { Set-CdnConfig -Proxy "http://proxy:3128`r`nX: y" } }
        @{ Case = 'Set-CdnConfig -RateLimit NaN'; Call = { Set-CdnConfig -RateLimit NaN } }
        @{ Case = 'Set-CdnConfig -RateLimit 1e400'; Call = { Set-CdnConfig -RateLimit 1e400 } }
        @{ Case = '-AccessKey of control characters'; Call = { Get-CdnUrlTask -AccessKey "`u{1}`u{2}" -SecretKey (ConvertTo-SecureString 'x' -AsPlainText -Force) -First 1 } }
        @{ Case = 'Wait-CdnTask -Timeout of a huge TimeSpan (a finished task)'; Call = { Wait-CdnTask -TaskId $taskId -Timeout ([timespan]::MaxValue) } }
    ) {
        $errors = @()
        try { $null = & $Call 2>&1 3>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $errors += $_ } }
        catch { $errors += $_ }
        finally { Clear-CdnConfig }
        foreach ($err in $errors) {
            $err.FullyQualifiedErrorId | Should -Not -Match '^System\.' -Because "$Case gave: $($err.Exception.GetType().FullName): $($err.Exception.Message)"
            $err.Exception | Should -Not -BeOfType ([System.NullReferenceException])
            $err.Exception | Should -Not -BeOfType ([System.OverflowException])
            $err.Exception | Should -Not -BeOfType ([System.ArgumentOutOfRangeException])
        }
    }
}
