// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>One emulator with long waits: Retry-After 30 s and a 30 s slow fault.</summary>
    public sealed class SlowEmulatorFixture : IDisposable
    {
        public SlowEmulatorFixture()
        {
            Emulator = new EmulatorProcess("--RateLimit", "false", "--Records", "50", "--RetryAfterSeconds", "30", "--SlowFaultSeconds", "30");
        }

        public EmulatorProcess Emulator { get; }

        public void Dispose() => Emulator.Dispose();
    }

    /// <summary>
    /// A user's cancellation (Ctrl+C) ends a call within one second wherever it waits: in a backoff, in the
    /// client-side rate limiter, or on a slow response. The 1 s bound is the behaviour promised, not a benchmark.
    /// </summary>
    public sealed class CancellationTests : IClassFixture<SlowEmulatorFixture>
    {
        private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(1);
        private readonly EmulatorProcess _emulator;

        public CancellationTests(SlowEmulatorFixture fixture)
        {
            _emulator = fixture.Emulator;
            _emulator.SetFaults(null);
            _emulator.ResetStats();
        }

        [Fact]
        public async Task Cancel_DuringBackoff_EndsWithinOneSecond()
        {
            _emulator.SetFaults("1:429");
            var log = new TestLog();
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), log);
            using var cts = new CancellationTokenSource();

            Task call = TransportFaultTests.ListAsync(transport, cts.Token);
            await WaitUntil(() => log.Verbose.Any(m => m.StartsWith("Retrying", StringComparison.Ordinal)));
            Assert.Contains(log.Verbose, m => m.Contains("in 30.", StringComparison.Ordinal));
            await Task.Delay(200);
            TimeSpan took = await CancelAndMeasure(cts, call);

            Assert.True(took < s_bound, $"cancellation took {took.TotalMilliseconds} ms");
            Assert.Equal(1, _emulator.TotalRequests);
        }

        [Fact]
        public async Task Cancel_InTheRateLimiter_EndsWithinOneSecond_WithoutSending()
        {
            // 0.125 requests a second (a rate no other test uses, so this limiter is this test's own): the second call waits 8 s.
            var transport = new CdnTransport(_emulator.Settings(rateLimit: 0.125), EmulatorProcess.Credential(), new TestLog());
            await TransportFaultTests.ListAsync(transport, CancellationToken.None);
            using var cts = new CancellationTokenSource();

            Task call = TransportFaultTests.ListAsync(transport, cts.Token);
            await Task.Delay(300);
            Assert.False(call.IsCompleted);
            TimeSpan took = await CancelAndMeasure(cts, call);

            Assert.True(took < s_bound, $"cancellation took {took.TotalMilliseconds} ms");
            Assert.Equal(1, _emulator.TotalRequests);
        }

        [Fact]
        public async Task Cancel_DuringASlowResponse_EndsWithinOneSecond_AndIsNotATimeout()
        {
            _emulator.SetFaults("1:slow");
            var transport = new CdnTransport(_emulator.Settings(timeoutSec: 60), EmulatorProcess.Credential(), new TestLog());
            using var cts = new CancellationTokenSource();

            Task call = TransportFaultTests.ListAsync(transport, cts.Token);
            await WaitUntil(() => _emulator.TotalRequests >= 1);
            await Task.Delay(300);
            TimeSpan took = await CancelAndMeasure(cts, call);

            Assert.True(took < s_bound, $"cancellation took {took.TotalMilliseconds} ms");
        }

        [Fact]
        public async Task Cancel_DuringAWriteBackoff_EndsWithinOneSecond()
        {
            _emulator.SetFaults("1:429");
            var log = new TestLog();
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), log);
            using var cts = new CancellationTokenSource();

            Task call = TransportFaultTests.RefreshAsync(transport, "https://www.example.com/reliab/cancelled", cts.Token);
            await WaitUntil(() => log.Verbose.Any(m => m.StartsWith("Retrying", StringComparison.Ordinal)));
            TimeSpan took = await CancelAndMeasure(cts, call);

            Assert.True(took < s_bound, $"cancellation took {took.TotalMilliseconds} ms");
            Assert.DoesNotContain(_emulator.Tasks(), t => t.GetProperty("urls").EnumerateArray().Any(u => u.GetString() == "https://www.example.com/reliab/cancelled"));
        }

        /// <summary>Cancels and measures until the call has ended; the call must end as a cancellation, not a CdnApiException.</summary>
        private static async Task<TimeSpan> CancelAndMeasure(CancellationTokenSource cts, Task call)
        {
            var clock = Stopwatch.StartNew();
            cts.Cancel();
            Exception thrown = await Record.ExceptionAsync(() => call);
            clock.Stop();
            Assert.IsAssignableFrom<OperationCanceledException>(thrown);
            return clock.Elapsed;
        }

        private static async Task WaitUntil(Func<bool> condition)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "timed out waiting for the call to reach the wait");
                await Task.Delay(20);
            }
        }
    }
}
