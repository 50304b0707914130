# Copyright (c) CdnTasks contributors. MIT License.
#
# Misbehaving loopback servers for the Pester tests, for the failures the emulator cannot produce: a TLS server
# whose certificate is for another name, a plain-HTTP server behind an https:// endpoint, a gateway that echoes
# the request headers in its error body, a proxy that asks for credentials (407). The server is the C# class the
# xunit tests use (tests/CdnTasks.Tests/Reliability/LoopbackServer.cs), compiled here with Add-Type; it binds
# 127.0.0.1 on a free port. Dispose it when done:  $server = New-LoopbackServer Tls; ...; $server.Dispose()

Set-StrictMode -Version 3.0

if (-not ('CdnTasks.Tests.Reliability.LoopbackServer' -as [type])) {
    Add-Type -Path (Join-Path $PSScriptRoot '../CdnTasks.Tests/Reliability/LoopbackServer.cs')
}

<#
.SYNOPSIS
Starts a loopback server: Tls (certificate for wrong.example), PlainHttp (answers a TLS hello with HTTP 400),
EchoHeaders (HTTP 400 whose JSON body repeats every request header), Proxy (407 until Proxy-Authorization
comes, then 403). .Requests holds the request heads it read, .Connections the connections it accepted.
#>
function New-LoopbackServer {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [ValidateSet('Tls', 'PlainHttp', 'EchoHeaders', 'Proxy')] [string] $Kind)
    $server = [CdnTasks.Tests.Reliability.LoopbackServer]
    switch ($Kind) {
        'Tls' { $server::Tls('wrong.example') }
        'PlainHttp' { $server::PlainHttp() }
        'EchoHeaders' { $server::EchoHeaders() }
        'Proxy' { $server::AskingProxy() }
    }
}

Export-ModuleMember -Function New-LoopbackServer
