// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// The process-wide rate limiter is keyed by account (domain id) and API: two access keys of one account, or two
    /// commands with different configured rates, share one timeline; another account or another API has its own.
    /// (The waits checked are the limiter's own reservations, not elapsed time.)
    /// </summary>
    public class RateLimiterTests
    {
        [Fact]
        public async Task CommandsOfOneAccountShareOneTimelineWhateverTheirRate()
        {
            string account = Guid.NewGuid().ToString("N");
            RateLimiter first = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 2);
            RateLimiter second = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 5);

            TimeSpan one = await first.WaitAsync(CancellationToken.None);
            TimeSpan two = await second.WaitAsync(CancellationToken.None);

            Assert.Equal(TimeSpan.Zero, one);
            Assert.InRange(two.TotalMilliseconds, 300, 500); // behind the first request's 500 ms slot
        }

        [Fact]
        public async Task AnotherAccountOrAnotherApiDoesNotWait()
        {
            string account = Guid.NewGuid().ToString("N");
            RateLimiter limiter = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 1);
            await limiter.WaitAsync(CancellationToken.None);

            TimeSpan otherAccount = await RateLimiter.For(CdnOperation.ShowUrlTaskInfo, Guid.NewGuid().ToString("N"), 1).WaitAsync(CancellationToken.None);
            TimeSpan otherApi = await RateLimiter.For(CdnOperation.ShowHistoryTasks, account, 1).WaitAsync(CancellationToken.None);

            Assert.Equal(TimeSpan.Zero, otherAccount);
            Assert.Equal(TimeSpan.Zero, otherApi);
        }

        [Fact]
        public async Task ACommandAtALowConfiguredRateDoesNotHoldLaterCommandsToIt()
        {
            // One command of the process ran at CDNTASKS_RATE_LIMIT=0.2; the next runs at the documented 5/s and must be
            // spaced at 200 ms, not at the 5 s of the first command's rate.
            string account = Guid.NewGuid().ToString("N");
            RateLimiter slow = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 0.2);
            await slow.WaitAsync(CancellationToken.None);
            await Task.Delay(5100);

            RateLimiter documented = RateLimiter.For(CdnOperation.ShowUrlTaskInfo, account, 5);
            Assert.Equal(5, documented.CurrentRate);
            await documented.WaitAsync(CancellationToken.None);
            TimeSpan second = await documented.WaitAsync(CancellationToken.None);

            Assert.InRange(second.TotalMilliseconds, 100, 300);
        }

        [Fact]
        public void NoLimitWhenTheRateIsZero() =>
            Assert.Null(RateLimiter.For(CdnOperation.ShowUrlTaskInfo, "any", 0));
    }
}
