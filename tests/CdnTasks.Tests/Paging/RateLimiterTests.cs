// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// The process-wide rate limiter is keyed by account (domain id) and API: two access keys of one account, or two
    /// commands with different configured rates, share one timeline; another account or another API has its own.
    /// Each test's account keeps time by a clock the test moves by hand, so the waits checked are exactly the
    /// limiter's reservations, however busy the machine.
    /// </summary>
    public class RateLimiterTests
    {
        private static readonly double s_ticksPerMs = Stopwatch.Frequency / 1000.0;

        [Fact]
        public async Task CommandsOfOneAccountShareOneTimelineWhateverTheirRate()
        {
            string account = Guid.NewGuid().ToString("N");
            var clock = new ManualClock();
            RateLimiter first = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 2, clock);
            RateLimiter second = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 5, clock);

            TimeSpan one = await first.WaitAsync(CancellationToken.None);
            clock.Advance(100);
            TimeSpan two = await second.WaitAsync(CancellationToken.None);

            Assert.Equal(TimeSpan.Zero, one);
            Assert.Equal(400, two.TotalMilliseconds, 1); // behind the first request's 500 ms slot, not its own 200 ms
        }

        [Fact]
        public async Task AnotherAccountOrAnotherApiDoesNotWait()
        {
            string account = Guid.NewGuid().ToString("N");
            var clock = new ManualClock();
            RateLimiter limiter = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 1, clock);
            await limiter.WaitAsync(CancellationToken.None);

            TimeSpan sameAccountAndApi = await RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 1, clock).WaitAsync(CancellationToken.None);
            TimeSpan otherAccount = await RateLimiter.For(CdnOperation.ShowUrlTaskInfo, Guid.NewGuid().ToString("N"), 1, clock).WaitAsync(CancellationToken.None);
            TimeSpan otherApi = await RateLimiter.For(CdnOperation.ShowHistoryTasks, account, 1, clock).WaitAsync(CancellationToken.None);

            Assert.Equal(1000, sameAccountAndApi.TotalMilliseconds, 1);
            Assert.Equal(TimeSpan.Zero, otherAccount);
            Assert.Equal(TimeSpan.Zero, otherApi);
        }

        [Fact]
        public async Task ACommandAtALowConfiguredRateDoesNotHoldLaterCommandsToIt()
        {
            // One command of the process ran at CDNTASKS_RATE_LIMIT=0.2; the next runs at the documented 5/s and must be
            // spaced at 200 ms, not at the 5 s of the first command's rate.
            string account = Guid.NewGuid().ToString("N");
            var clock = new ManualClock();
            RateLimiter slow = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 0.2, clock);
            await slow.WaitAsync(CancellationToken.None);
            clock.Advance(5100);

            RateLimiter documented = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 5, clock);
            Assert.Equal(5, documented.CurrentRate);
            TimeSpan first = await documented.WaitAsync(CancellationToken.None);
            TimeSpan second = await documented.WaitAsync(CancellationToken.None);

            Assert.Equal(TimeSpan.Zero, first);
            Assert.Equal(200, second.TotalMilliseconds, 1);
        }

        [Fact]
        public void NoLimitWhenTheRateIsZero() =>
            Assert.Null(RateLimiter.For(CdnOperation.ShowUrlTaskInfo, "any", 0));

        /// <summary>A clock that moves only when told to, or by the waits it is asked for.</summary>
        private sealed class ManualClock : RateClock
        {
            private long _now = 1;

            public override long Now => Interlocked.Read(ref _now);

            public void Advance(double milliseconds) => Interlocked.Add(ref _now, (long)(milliseconds * s_ticksPerMs));

            public override Task Delay(long ticks, CancellationToken cancellationToken)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Add(ref _now, ticks);
                return Task.CompletedTask;
            }
        }
    }
}
