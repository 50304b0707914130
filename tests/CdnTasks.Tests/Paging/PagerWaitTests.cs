// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// While the oldest request of a window is slow and later ones are already answered, the pager waits for that one
    /// (it takes a window's answers in the order asked): it does not spin over the answered requests, which would burn a
    /// core and allocate on every turn.
    /// </summary>
    public class PagerWaitTests
    {
        [Fact]
        public async Task APagerWaitsOnceForItsSlowOldestRequestInsteadOfSpinning()
        {
            // One window of 1,000 records, 4 requests in flight; the first request planned after the first page is slow,
            // the three after it answer at once.
            var service = new FakeListService(0, 3_600_000, 1000);
            int calls = 0;
            service.Delay = request => Interlocked.Increment(ref calls) == 2 ? TimeSpan.FromMilliseconds(500) : TimeSpan.Zero;
            Pager<Rec> pager = service.Pager(100, concurrency: 4);

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(service.Matching(), records);
            Assert.InRange(pager.Waits, 1, pager.PagesRequested + 1);
        }
    }
}
