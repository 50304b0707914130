// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// The pager against a service whose data changes while it pages and whose answers disagree with themselves
    /// (<see cref="FakeListService"/>): every record that matched the filter from the first request to the last is
    /// written exactly once, nothing is written twice, nothing is written that never matched, at concurrency 1 and 4.
    /// Each case is one of the anomalies of issue 10, reproduced here first.
    /// </summary>
    public class PagerUnderChangeTests
    {
        private const long Day = 86_400_000;
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public PagerUnderChangeTests(Xunit.Abstractions.ITestOutputHelper output)
        {
            _output = output;
        }

        public static IEnumerable<object[]> Concurrencies => new[] { new object[] { 1 }, new object[] { 4 } };

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task LateIndexedRecordsArrivingAtTheHead(int concurrency)
        {
            // Records created up to a minute before the end of the range keep arriving (late indexing, or a client clock ahead).
            var service = new FakeListService(0, Day, 3000) { InsertPerRequest = 5, InsertAge = (0, 600_000) };

            await AssertComplete(service, OneWindow(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task RecordsInsertedAnywhereInTheFixedRange(int concurrency)
        {
            var service = new FakeListService(0, 3 * Day, 3000) { InsertPerRequest = 5 };

            await AssertComplete(service, Windows(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task StatusFilterWhileRecordsFinish(int concurrency)
        {
            // -Status processing while 5 records per request move on to succeed or failed.
            var service = new FakeListService(0, Day, 7000) { StatusFilter = "processing", StatusChangesPerRequest = 5 };

            await AssertComplete(service, OneWindow(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task RecordsDeletedWhileReading(int concurrency)
        {
            var service = new FakeListService(0, 3 * Day, 3000) { DeletesPerRequest = 5 };

            await AssertComplete(service, Windows(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task OldestRecordsExpiringWhileReading(int concurrency)
        {
            var service = new FakeListService(0, 3 * Day, 3000) { ExpireOldestPerRequest = 5 };

            await AssertComplete(service, Windows(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task EmptyPagesPastAnOffsetCap(int concurrency)
        {
            // 15,000 records in one window; the service answers nothing past offset 10,000 while its total says 15,000.
            var service = new FakeListService(0, Day, 15_000) { OffsetCap = 10_000 };

            await AssertComplete(service, OneWindow(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task FailuresPastAnOffsetCap(int concurrency)
        {
            var service = new FakeListService(0, Day, 12_000) { OffsetCap = 10_000, OffsetCapFails = true };

            await AssertComplete(service, OneWindow(service), concurrency);
        }

        [Theory]
        [InlineData(1, "under:0.4")]
        [InlineData(4, "under:0.4")]
        [InlineData(1, "negative")]
        [InlineData(4, "negative")]
        [InlineData(1, "null")]
        [InlineData(4, "null")]
        [InlineData(1, "over:1.5")]
        [InlineData(4, "over:1.5")]
        public async Task TotalsThatLie(int concurrency, string mode)
        {
            var service = new FakeListService(0, 2 * Day, 1000) { TotalMode = mode };

            await AssertComplete(service, Windows(service), concurrency);
        }

        [Theory]
        [InlineData(1, 1.0)]
        [InlineData(4, 1.0)]
        [InlineData(1, 0.3)]
        [InlineData(4, 0.3)]
        public async Task RecordsWithoutIds(int concurrency, double share)
        {
            var service = new FakeListService(0, 2 * Day, 1000) { NullIdShare = share };

            await AssertComplete(service, Windows(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task ShortPagesWhileTheTotalSaysMore(int concurrency)
        {
            // The seed's own example answer: 10 records although 100 were asked for and the total says far more.
            var service = new FakeListService(0, Day, 1000) { ShortPageMax = 10 };

            await AssertComplete(service, OneWindow(service), concurrency);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task EverythingAtOnce(int concurrency)
        {
            var service = new FakeListService(0, 3 * Day, 4000)
            {
                StatusFilter = "processing",
                InsertPerRequest = 3,
                StatusChangesPerRequest = 3,
                DeletesPerRequest = 2,
                ExpireOldestPerRequest = 2,
                NullIdShare = 0.2,
                TotalMode = "under:0.7",
            };

            await AssertComplete(service, Windows(service), concurrency);
        }

        [Fact]
        public async Task FirstOneOverNinetyWindowsAsksOnlyTheWindowsItNeeds()
        {
            // 90 windows; the only record is in the 5th newest.
            var service = new FakeListService(0, 90 * Day, 0);
            service.Insert((85 * Day) + 1000, "succeed");
            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(0, 90 * Day);

            List<Rec> written = await Read(service, windows, 100, 4, first: 1);

            Assert.Single(written);
            Assert.Equal(5, service.CallCount);
        }

        private static IReadOnlyList<TimeWindow> OneWindow(FakeListService service) => new[] { new TimeWindow(service.Start, service.End) };

        private static IReadOnlyList<TimeWindow> Windows(FakeListService service) => TimeWindows.SplitNewestFirst(service.Start, service.End);

        private async Task AssertComplete(FakeListService service, IReadOnlyList<TimeWindow> windows, int concurrency)
        {
            List<Rec> written = await Read(service, windows, 100, concurrency);

            List<long> ids = written.Select(r => r.RealId).ToList();
            List<long> duplicated = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            List<Rec> stable = service.Stable();
            HashSet<long> writtenIds = ids.ToHashSet();
            List<long> lost = stable.Select(r => r.RealId).Where(id => !writtenIds.Contains(id)).ToList();
            HashSet<long> ever = service.Ever();
            List<long> foreign = ids.Where(id => !ever.Contains(id)).ToList();
            string figures = $"{stable.Count} stable, {written.Count} written, {lost.Count} lost, {duplicated.Count} duplicated, {foreign.Count} never matched; {service.CallCount} requests";
            _output.WriteLine(figures);
            Assert.True(lost.Count == 0 && duplicated.Count == 0 && foreign.Count == 0, figures);

            // Newest first, window by window.
            for (int i = 1; i < written.Count; i++)
            {
                Assert.True(written[i - 1].Time >= written[i].Time, $"record {i} is newer than the one before it ({figures})");
            }
        }

        private static async Task<List<Rec>> Read(FakeListService service, IReadOnlyList<TimeWindow> windows, int pageSize, int concurrency, long? first = null)
        {
            Pager<Rec> pager = service.Pager(windows, pageSize, concurrency);
            pager.First = first;
            List<Rec> written = await PagerRun.ReadAll(pager);
            Assert.Empty(pager.Gaps.Select(g => g.Reason));
            return written;
        }
    }
}
