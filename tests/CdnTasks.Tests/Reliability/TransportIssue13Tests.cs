// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using System.Net;
using CdnTasks.Api;
using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>
    /// The transport against loopback servers that misbehave the way the field does (issue 13): TLS failures are
    /// not retried and say what failed; a refused connection reports its attempts and total time; a gateway that
    /// echoes the request headers never gets the token or the signature into any message; a proxy password is
    /// used to authenticate, and a changed proxy credential takes effect at once.
    /// </summary>
    public sealed class TransportIssue13Tests
    {
        private const string Token = "SECRET-TOKEN-issue13-5f1e2d3c4b";

        [Fact]
        public async Task ACertificateForAnotherName_IsNotRetried_AndSaysWhatFailed()
        {
            using LoopbackServer server = LoopbackServer.Tls("wrong.example");
            var transport = new CdnTransport(Settings("https://127.0.0.1:" + server.Port, maxRetry: 4), Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport));

            Assert.Equal(CdnFailureKind.Connection, failure.Kind);
            Assert.Equal("TlsCertificateInvalid", failure.ErrorCode);
            Assert.Contains("the TLS certificate of 127.0.0.1:" + server.Port + " was not accepted: it is not issued for the name '127.0.0.1'", failure.Message);
            Assert.Contains("not retried", failure.Message);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(0, transport.RetryCount);
            Assert.Equal(1, failure.Attempts);
            Assert.Equal(1, server.Connections);
        }

        [Fact]
        public async Task AnHttpsEndpointThatSpeaksPlainHttp_IsNotRetried_AndSuggestsHttpForLoopback()
        {
            using LoopbackServer server = LoopbackServer.PlainHttp();
            var transport = new CdnTransport(Settings("https://127.0.0.1:" + server.Port, maxRetry: 4), Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport));

            Assert.Equal("TlsHandshakeFailed", failure.ErrorCode);
            Assert.Contains($"the TLS handshake with 127.0.0.1:{server.Port} failed", failure.Message);
            Assert.Contains($"a local emulator speaks plain HTTP: use http://127.0.0.1:{server.Port}", failure.Message);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(1, server.Connections);
        }

        [Fact]
        public async Task ARefusedConnection_ReportsItsAttemptsAndTotalTime()
        {
            using var closed = new ClosedPort();
            int port = closed.Port;

            var transport = new CdnTransport(Settings("http://127.0.0.1:" + port, maxRetry: 2, baseDelayMs: 100), Credential(), new TestLog());
            var clock = Stopwatch.StartNew();

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport));
            clock.Stop();

            Assert.Equal("ConnectionRefused", failure.ErrorCode);
            Assert.Equal(3, failure.Attempts);
            Assert.Equal(3, transport.RequestCount);
            Assert.InRange(failure.Elapsed, TimeSpan.FromTicks(1), clock.Elapsed);
            Assert.Contains($"127.0.0.1:{port} refused the connection", failure.Message);
            Assert.Matches(@" 3 attempts in \d+(\.\d)? (ms|s)\.$", failure.Message);
            Assert.DoesNotContain("after 0 ms", failure.Message);
        }

        [Fact]
        public void TheSummaryOfAttemptsIsShownOnlyWhereItTellsSomething()
        {
            var service = new CdnApiException(CdnFailureKind.Service, "ShowQuota failed: CDN.0001: bad (HTTP 400).", "ShowQuota") { Elapsed = TimeSpan.FromMilliseconds(40) };
            var retried = new CdnApiException(CdnFailureKind.Service, "ShowQuota failed: CDN.0000 (HTTP 500)", "ShowQuota") { Attempts = 5, Elapsed = TimeSpan.FromSeconds(3.64) };
            var timeout = new CdnApiException(CdnFailureKind.Timeout, "ShowQuota: timed out.", "ShowQuota") { Elapsed = TimeSpan.FromSeconds(95) };

            Assert.Equal("ShowQuota failed: CDN.0001: bad (HTTP 400).", service.Message);
            Assert.Equal("ShowQuota failed: CDN.0000 (HTTP 500). 5 attempts in 3.6 s.", retried.Message);
            Assert.Equal("ShowQuota: timed out. 1 attempt in 1 min 35 s.", timeout.Message);
        }

        /// <summary>
        /// A gateway (or proxy) that answers 400 with a body echoing every request header, in JSON and as raw text,
        /// and a 200 HTML page doing the same: the token and the signature reach no message, property or log line.
        /// </summary>
        [Theory]
        [InlineData(400, "application/json")]
        [InlineData(200, "text/html")]
        public async Task EchoedRequestHeadersNeverCarryTheTokenOrTheSignatureIntoAnyMessage(int status, string contentType)
        {
            using LoopbackServer server = status == 400 ? LoopbackServer.EchoHeaders() : LoopbackServer.Http(head =>
                LoopbackServer.Response(200, "OK", "<html><body><pre>" + head + "</pre></body></html>", contentType));
            var log = new TestLog();
            var transport = new CdnTransport(Settings("http://127.0.0.1:" + server.Port, maxRetry: 0), Credential(Token), log);

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport));

            string head = Assert.Single(server.Requests);
            Assert.Contains("x-security-token: " + Token, head, StringComparison.OrdinalIgnoreCase);
            string signature = head.Substring(head.IndexOf("Signature=", StringComparison.Ordinal) + 10, 64);
            var everything = new List<string> { failure.Message, failure.ServiceMessage, failure.BodySnippet, failure.ToString() };
            everything.AddRange(log.Verbose);
            everything.AddRange(log.Debug);
            everything.AddRange(log.Warnings);
            string all = string.Join("\n", everything);
            Assert.DoesNotContain(Token, all);
            Assert.DoesNotContain(signature, all);
            Assert.DoesNotContain(EmulatorProcess.SecretKey, all);
            if (status == 400)
            {
                Assert.Equal("APIGW.0201", failure.ErrorCode);
                Assert.Contains("x-security-token: <redacted>", failure.ServiceMessage, StringComparison.OrdinalIgnoreCase);
            }
        }

        /// <summary>
        /// A proxy that asks for credentials (407) gets the ones in the proxy URL (user:password@), and a changed
        /// -ProxyCredential (same user, new password) is used by the next transport: the HttpClient cache used to key
        /// on the user name only, so the old password stayed until the process restarted.
        /// </summary>
        [Fact]
        public async Task ProxyCredentialsAuthenticate_AndAChangedPasswordTakesEffectAtOnce()
        {
            using LoopbackServer proxy = LoopbackServer.AskingProxy();
            string proxyUri = "http://127.0.0.1:" + proxy.Port;

            await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(new CdnTransport(Settings("https://cdn.example.com", proxy: "http://alice:s%40cret-1@127.0.0.1:" + proxy.Port), Credential(), new TestLog())));
            await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(new CdnTransport(Settings("https://cdn.example.com", proxy: proxyUri, proxyCredential: new NetworkCredential("bob", "pass-1")), Credential(), new TestLog())));
            CdnApiException last = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(new CdnTransport(Settings("https://cdn.example.com", proxy: proxyUri, proxyCredential: new NetworkCredential("bob", "pass-2")), Credential(), new TestLog())));

            Assert.Equal(new[] { "alice:s@cret-1", "bob:pass-1", "bob:pass-2" }, proxy.ProxyCredentials());
            Assert.DoesNotContain("pass-2", last.Message);
        }

        [Fact]
        public void APasswordInTheProxyUrlBecomesTheProxyCredentialAndLeavesTheUrl()
        {
            CdnSettings settings = Settings("https://cdn.example.com", proxy: "http://carol:p%3Ass%40w0rd@proxy.example.com:3128");

            Assert.Equal(new Uri("http://proxy.example.com:3128"), settings.Proxy);
            Assert.Equal("carol", settings.ProxyCredential.UserName);
            Assert.Equal("p:ss@w0rd", settings.ProxyCredential.Password);
            Assert.Equal("http://proxy.example.com:3128", Redaction.WithoutUserInfo(settings.Proxy));
        }

        [Fact]
        public void AnExplicitProxyCredentialWinsOverTheUrlsOwnWhenItIsInAHigherLayer()
        {
            CdnSettings settings = CdnSettings.Resolve(
                new[]
                {
                    new CdnSettingsLayer { ProxyCredential = new NetworkCredential("explicit", "x-pass") },
                    new CdnSettingsLayer { Source = SettingSources.Environment, Proxy = "http://url-user:url-pass@proxy.example.com:3128" },
                },
                _ => null);

            Assert.Equal("explicit", settings.ProxyCredential.UserName);
        }

        [Fact]
        public void AnUnusableProxyNeverShowsItsPassword()
        {
            var error = Assert.Throws<ArgumentException>(() => Settings("https://cdn.example.com", proxy: "ftp://dave:hunter2-secret@proxy.example.com"));

            Assert.DoesNotContain("hunter2-secret", error.Message);
            Assert.Contains("ftp://dave:<redacted>@proxy.example.com", error.Message);
        }

        private static CdnSettings Settings(string endpoint, int maxRetry = 0, double baseDelayMs = 1, string proxy = null, NetworkCredential proxyCredential = null) =>
            CdnSettings.Resolve(
                new[]
                {
                    new CdnSettingsLayer
                    {
                        Endpoint = endpoint,
                        MaxRetry = maxRetry,
                        RetryBaseDelayMs = baseDelayMs,
                        RateLimit = 0,
                        TimeoutSec = 10,
                        Proxy = proxy,
                        ProxyCredential = proxyCredential,
                    },
                },
                _ => null);

        private static CdnCredential Credential(string token = null) =>
            new CdnCredential(EmulatorProcess.AccessKey, CdnCredential.ToSecureString(EmulatorProcess.SecretKey), CdnCredential.ToSecureString(token), EmulatorProcess.DomainId, "test");

        private static Task<Page<CdnUrlTask>> ListAsync(CdnTransport transport) => TransportFaultTests.ListAsync(transport, CancellationToken.None);
    }
}
