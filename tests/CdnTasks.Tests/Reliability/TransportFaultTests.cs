// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using System.Text.Json;
using CdnTasks.Api;
using CdnTasks.Api.Json;
using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>One emulator for the fault tests: no server-side rate limit, 2 s Retry-After, 30 s slow fault.</summary>
    public sealed class FaultEmulatorFixture : IDisposable
    {
        public FaultEmulatorFixture()
        {
            Emulator = new EmulatorProcess("--RateLimit", "false", "--Records", "300", "--RetryAfterSeconds", "2", "--SlowFaultSeconds", "30");
        }

        public EmulatorProcess Emulator { get; }

        public void Dispose() => Emulator.Dispose();
    }

    /// <summary>
    /// The transport against the real emulator process: which failures are retried, how Retry-After is honoured,
    /// how malformed bodies and timeouts surface, and what a write does after a fault.
    /// </summary>
    public sealed class TransportFaultTests : IClassFixture<FaultEmulatorFixture>
    {
        private readonly EmulatorProcess _emulator;

        public TransportFaultTests(FaultEmulatorFixture fixture)
        {
            _emulator = fixture.Emulator;
            _emulator.SetFaults(null);
            _emulator.ResetStats();
            _emulator.ResetLockout();
        }

        [Theory]
        [InlineData("500")]
        [InlineData("502")]
        [InlineData("503")]
        [InlineData("504")]
        [InlineData("reset")]
        [InlineData("truncate")]
        [InlineData("html")]
        [InlineData("html200")]
        [InlineData("empty")]
        [InlineData("slow")]
        public async Task Read_IsRetriedAfterEachTransientFault_ThenSucceeds(string kind)
        {
            _emulator.SetFaults("1:" + kind);
            var log = new TestLog();
            var transport = new CdnTransport(_emulator.Settings(timeoutSec: 1), EmulatorProcess.Credential(), log);

            Page<CdnUrlTask> page = await ListAsync(transport, CancellationToken.None);

            Assert.Equal(10, page.Items.Count);
            Assert.Equal(2, transport.RequestCount);
            Assert.Equal(1, transport.RetryCount);
            Assert.Equal(2, _emulator.TotalRequests);
            Assert.Single(log.Warnings);
            Assert.Single(log.Verbose, m => m.StartsWith("Retrying GET", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public async Task Request_LogsOnlyTheLevelsThatAreOn(bool verbose, bool debug)
        {
            // Nothing is made per request for a level nobody reads: no request line without -Verbose, no header line without -Debug.
            var log = new TestLog { VerboseEnabled = verbose, DebugEnabled = debug };
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), log);

            await ListAsync(transport, CancellationToken.None);
            await ListAsync(transport, CancellationToken.None);

            Assert.Equal(verbose ? 2 : 0, log.Verbose.Count(m => m.StartsWith("GET /v1.0/cdn/contentgateway/url-tasks", StringComparison.Ordinal)));
            Assert.Equal(debug ? 2 : 0, log.Debug.Count(m => m.StartsWith("GET /v1.0/cdn/contentgateway/url-tasks", StringComparison.Ordinal)));
            Assert.Equal(verbose ? 2 : 0, log.Verbose.Count);
            Assert.Equal(debug ? 2 : 0, log.Debug.Count);
        }

        [Fact]
        public async Task Read_RetriesEveryKindInARow_WarnsOnceAndLogsEachRetry()
        {
            _emulator.SetFaults("1:429,2:500,3:502,4:503,5:504,6:reset,7:truncate,8:html,9:html200,10:empty");
            var log = new TestLog();
            var transport = new CdnTransport(_emulator.Settings(maxRetry: 10), EmulatorProcess.Credential(), log);

            Page<CdnUrlTask> page = await ListAsync(transport, CancellationToken.None);

            Assert.Equal(10, page.Items.Count);
            Assert.Equal(11, transport.RequestCount);
            Assert.Equal(10, transport.RetryCount);
            Assert.Single(log.Warnings);
            Assert.Equal(10, log.Verbose.Count(m => m.StartsWith("Retrying GET", StringComparison.Ordinal)));
        }

        [Fact]
        public async Task Read_HonoursRetryAfter()
        {
            _emulator.SetFaults("1:429");
            var log = new TestLog();
            var transport = new CdnTransport(_emulator.Settings(baseDelayMs: 1), EmulatorProcess.Credential(), log);
            var clock = Stopwatch.StartNew();

            await ListAsync(transport, CancellationToken.None);

            // The emulator sends Retry-After: 2 with its 429; the base delay is 1 ms, so only the header explains the wait.
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"waited only {clock.Elapsed.TotalMilliseconds} ms");
            Assert.Equal(2, transport.RequestCount);
        }

        [Fact]
        public async Task Read_DoesNotRetry_WhenRetryAfterExceedsTheMaximumDelay()
        {
            _emulator.SetFaults("1:429");
            var transport = new CdnTransport(_emulator.Settings(maxDelaySec: 1), EmulatorProcess.Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport, CancellationToken.None));

            Assert.Equal(429, (int)failure.StatusCode);
            Assert.Equal("APIGW.0308", failure.ErrorCode);
            Assert.Equal(1, transport.RequestCount);
        }

        [Fact]
        public async Task Read_GivesUpAfterMaxRetry_WithTheLastError()
        {
            _emulator.SetFaults("1:503,2:503,3:503,4:503");
            var transport = new CdnTransport(_emulator.Settings(maxRetry: 2), EmulatorProcess.Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport, CancellationToken.None));

            Assert.Equal(CdnFailureKind.Service, failure.Kind);
            Assert.Equal(503, (int)failure.StatusCode);
            Assert.Equal("APIGW.0613", failure.ErrorCode);
            Assert.Equal(3, failure.Attempts);
            Assert.False(string.IsNullOrEmpty(failure.RequestId));
            Assert.Equal(3, _emulator.TotalRequests);
        }

        [Fact]
        public async Task Read_400_IsNotRetried()
        {
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), new TestLog());
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var request = new CdnRequest(CdnOperation.ShowUrlTaskInfo).With("start_time", now).With("end_time", now - 1000);

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => transport.SendAsync(request, ReadUrlPage, CancellationToken.None));

            Assert.Equal(400, (int)failure.StatusCode);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(1, _emulator.TotalRequests);
        }

        [Fact]
        public async Task Read_401_IsNotRetried()
        {
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(secretKey: "not-the-secret-key-0000000000000000"), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport, CancellationToken.None));

            Assert.Equal(401, (int)failure.StatusCode);
            Assert.Equal("APIGW.0301", failure.ErrorCode);
            Assert.Equal(1, failure.Attempts);
            Assert.Equal(1, _emulator.TotalRequests);
            Assert.Null(failure.ClockSkew);
        }

        [Fact]
        public async Task Read_403_IsNotRetried()
        {
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(domainId: "ffffffffffffffffffffffffffffffff"), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => ListAsync(transport, CancellationToken.None));

            Assert.Equal(403, (int)failure.StatusCode);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(1, _emulator.TotalRequests);
        }

        [Theory]
        [InlineData("truncate", 200, "{\"total\":1234")]
        [InlineData("html", 502, "<html>")]
        [InlineData("html200", 200, "<html>")]
        [InlineData("empty", 200, "")]
        public async Task Read_MalformedBody_IsAClearError_NeverAJsonOrNullReferenceException(string kind, int status, string snippetStart)
        {
            _emulator.SetFaults("1:" + kind);
            var transport = new CdnTransport(_emulator.Settings(maxRetry: 0), EmulatorProcess.Credential(), new TestLog());

            Exception thrown = await Record.ExceptionAsync(() => ListAsync(transport, CancellationToken.None));

            CdnApiException failure = Assert.IsType<CdnApiException>(thrown);
            Assert.Equal(CdnFailureKind.MalformedResponse, failure.Kind);
            Assert.Equal(status, (int)failure.StatusCode);
            Assert.False(string.IsNullOrEmpty(failure.RequestId));
            Assert.Contains(failure.RequestId, failure.Message, StringComparison.Ordinal);
            Assert.Contains("HTTP " + status, failure.Message, StringComparison.Ordinal);
            Assert.NotNull(failure.BodySnippet);
            Assert.StartsWith(snippetStart, failure.BodySnippet.TrimStart(), StringComparison.Ordinal);
            if (snippetStart.Length == 0)
            {
                Assert.Contains("empty", failure.Message, StringComparison.Ordinal);
            }
        }

        [Fact]
        public async Task Read_SlowResponse_IsATimeout_NotACancellation()
        {
            _emulator.SetFaults("1:slow");
            var transport = new CdnTransport(_emulator.Settings(maxRetry: 0, timeoutSec: 2), EmulatorProcess.Credential(), new TestLog());
            var clock = Stopwatch.StartNew();

            Exception thrown = await Record.ExceptionAsync(() => ListAsync(transport, CancellationToken.None));

            CdnApiException failure = Assert.IsType<CdnApiException>(thrown);
            Assert.Equal(CdnFailureKind.Timeout, failure.Kind);
            Assert.IsType<TimeoutException>(failure.InnerException);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
        }

        [Theory]
        [InlineData("502post")]
        [InlineData("504post")]
        public async Task Write_AmbiguousFailureAfterProcessing_IsNotRetried_AndMayHaveBeenProcessed(string kind)
        {
            int before = _emulator.Tasks().Length;
            _emulator.SetFaults("1:" + kind);
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => RefreshAsync(transport, "https://www.example.com/reliab/" + kind));

            Assert.True(failure.MayHaveBeenProcessed);
            Assert.Equal(1, failure.Attempts);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(before + 1, _emulator.Tasks().Length);
        }

        [Theory]
        [InlineData("503")]
        [InlineData("500")]
        [InlineData("reset")]
        [InlineData("html")]
        [InlineData("truncate")]
        public async Task Write_OtherAmbiguousFailures_AreNotRetried(string kind)
        {
            int before = _emulator.Tasks().Length;
            _emulator.SetFaults("1:" + kind);
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => RefreshAsync(transport, "https://www.example.com/reliab/w" + kind));

            Assert.True(failure.MayHaveBeenProcessed);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(1, _emulator.TotalRequests);
            Assert.Equal(before, _emulator.Tasks().Length);
        }

        [Fact]
        public async Task Write_Throttled_IsRetried_AndCreatesExactlyOneTask()
        {
            int before = _emulator.Tasks().Length;
            _emulator.SetFaults("1:429");
            var log = new TestLog();
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), log);

            CreateTaskResponseDto created = await RefreshAsync(transport, "https://www.example.com/reliab/throttled");

            Assert.False(string.IsNullOrEmpty(created.RefreshTask));
            Assert.Equal(2, transport.RequestCount);
            JsonElement[] tasks = _emulator.Tasks();
            Assert.Equal(before + 1, tasks.Length);
            Assert.Single(tasks, t => t.GetProperty("urls").EnumerateArray().Any(u => u.GetString() == "https://www.example.com/reliab/throttled"));
            Assert.Single(log.Warnings);
        }

        [Fact]
        public async Task Write_ConnectionRefused_IsRetried_AndNotFlaggedAsProcessed()
        {
            using var closed = new ClosedPort();
            int port = closed.Port;

            CdnSettings settings = CdnSettings.Resolve(
                new[] { new CdnSettingsLayer { Endpoint = "http://127.0.0.1:" + port, MaxRetry = 2, RateLimit = 0, RetryBaseDelayMs = 1 } },
                _ => null);
            var transport = new CdnTransport(settings, EmulatorProcess.Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => RefreshAsync(transport, "https://www.example.com/reliab/refused"));

            Assert.Equal(CdnFailureKind.Connection, failure.Kind);
            Assert.Equal("ConnectionRefused", failure.ErrorCode);
            Assert.False(failure.MayHaveBeenProcessed);
            Assert.Equal(3, transport.RequestCount);
        }

        internal static Task<Page<CdnUrlTask>> ListAsync(CdnTransport transport, CancellationToken cancellationToken, int limit = 10)
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var client = new CdnClient(transport);
            return client.ListUrlTasksAsync(new UrlTaskFilter(), new TimeWindow(now - TimeWindows.MaxSpanMs, now), 0, limit, cancellationToken);
        }

        internal static Task<CreateTaskResponseDto> RefreshAsync(CdnTransport transport, string url, CancellationToken cancellationToken = default)
        {
            var body = new RefreshTaskRequestDto { RefreshTask = new RefreshTaskBodyDto { Type = "file", Urls = new List<string> { url } } };
            var request = new CdnRequest(CdnOperation.CreateRefreshTasks)
            {
                Body = JsonSerializer.SerializeToUtf8Bytes(body, CdnJsonContext.Default.RefreshTaskRequestDto),
            };
            return transport.SendAsync(request, (stream, ct) => JsonSerializer.DeserializeAsync(stream, CdnJsonContext.Default.CreateTaskResponseDto, ct).AsTask(), cancellationToken);
        }

        private static Task<UrlTaskPage> ReadUrlPage(Stream stream, CancellationToken cancellationToken) =>
            JsonSerializer.DeserializeAsync(stream, CdnJsonContext.Default.UrlTaskPage, cancellationToken).AsTask();
    }
}
