// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;
using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>One emulator for the throttle tests: no server-side rate limit, Retry-After: 0 on injected 429s.</summary>
    public sealed class ThrottleEmulatorFixture : IDisposable
    {
        public ThrottleEmulatorFixture()
        {
            Emulator = new EmulatorProcess("--RateLimit", "false", "--Records", "50", "--RetryAfterSeconds", "0");
        }

        public EmulatorProcess Emulator { get; }

        public void Dispose() => Emulator.Dispose();
    }

    /// <summary>
    /// A throttled request (HTTP 429) is not a failure: it keeps its place and is sent again, however many times, within
    /// the throttle budget rather than the attempt count; past the budget it fails with the 429. With the client's rate
    /// limiter on, a 429 slows that API for the account (the adaptive rate).
    /// </summary>
    public sealed class ThrottleTests : IClassFixture<ThrottleEmulatorFixture>
    {
        private readonly EmulatorProcess _emulator;

        public ThrottleTests(ThrottleEmulatorFixture fixture)
        {
            _emulator = fixture.Emulator;
            _emulator.SetFaults(null);
            _emulator.ResetStats();
        }

        private CdnSettings Settings(double budgetSec, int maxRetry = 1, double rateLimit = 0) =>
            CdnSettings.Resolve(
                new[]
                {
                    new CdnSettingsLayer
                    {
                        Endpoint = _emulator.BaseUri.GetLeftPart(UriPartial.Authority),
                        MaxRetry = maxRetry,
                        TimeoutSec = 10,
                        RateLimit = rateLimit,
                        RetryBaseDelayMs = 1,
                        ThrottleBudgetSec = budgetSec,
                    },
                },
                _ => null);

        [Fact]
        public async Task ThrottledRequestsDoNotCountAgainstMaxRetry()
        {
            _emulator.SetFaults("1:429,2:429,3:429,4:429");
            var log = new TestLog();
            var transport = new CdnTransport(Settings(budgetSec: 60, maxRetry: 1), EmulatorProcess.Credential(), log);

            Page<CdnUrlTask> page = await TransportFaultTests.ListAsync(transport, CancellationToken.None);

            Assert.Equal(10, page.Items.Count);
            Assert.Equal(5, transport.RequestCount);
            Assert.Equal(4, transport.RetryCount);
            Assert.Equal(4, log.Verbose.Count(m => m.StartsWith("Retrying GET", StringComparison.Ordinal) && m.Contains("not counted against the attempts")));
            Assert.Single(log.Warnings);
        }

        [Fact]
        public async Task AThrottleBudgetOfZeroFailsAtTheFirst429()
        {
            _emulator.SetFaults("1:429");
            var log = new TestLog();
            var transport = new CdnTransport(Settings(budgetSec: 0), EmulatorProcess.Credential(), log);

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => TransportFaultTests.ListAsync(transport, CancellationToken.None));

            Assert.Equal(429, (int)failure.StatusCode);
            Assert.Equal(1, transport.RequestCount);
            Assert.Contains(log.Verbose, m => m.Contains("throttle budget of 0 s", StringComparison.Ordinal));
        }

        [Fact]
        public async Task ARequestThrottledPastItsBudgetFailsWithThe429()
        {
            // Every request throttled; a budget of 0.3 s ends the wait after a few attempts (1 ms backoff steps, doubling).
            _emulator.SetFaults(string.Join(",", Enumerable.Range(1, 400).Select(i => i + ":429")));
            var log = new TestLog();
            var transport = new CdnTransport(Settings(budgetSec: 0.3), EmulatorProcess.Credential(), log);

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => TransportFaultTests.ListAsync(transport, CancellationToken.None));

            Assert.Equal(429, (int)failure.StatusCode);
            Assert.True(transport.RequestCount > 2, $"{transport.RequestCount} requests");
            Assert.Equal(transport.RequestCount, failure.Attempts);
            Assert.Single(log.Verbose, m => m.StartsWith("Not retrying GET", StringComparison.Ordinal) && m.Contains("the throttle budget of 0.3 s", StringComparison.Ordinal));
        }

        [Fact]
        public async Task WithTheLimiterOnA429SlowsThatApiForTheAccount()
        {
            // ShowHistoryTasks at a client limit of 20/s: one 429 cuts the rate this process lets that API go at.
            _emulator.SetFaults("1:429");
            var transport = new CdnTransport(Settings(budgetSec: 60, rateLimit: 20), EmulatorProcess.Credential(), new TestLog());
            var client = new CdnClient(transport);
            RateLimiter limiter = RateLimiter.For(CdnOperation.ShowHistoryTasks, EmulatorProcess.DomainId, 20);
            double before = limiter.CurrentRate;

            Page<CdnTask> page = await client.ListHistoryTasksAsync(new HistoryTaskFilter(), 1, 10, CancellationToken.None);

            Assert.NotNull(page);
            Assert.Equal(2, transport.RequestCount);
            Assert.True(limiter.CurrentRate < before, $"the rate stayed at {limiter.CurrentRate} (before {before})");
        }
    }
}
