// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>
    /// The pager when the data changes between pages: records inserted ahead of the reader shift later pages
    /// (the overlap must be dropped, nothing lost), and a total that changes between pages must neither make it
    /// loop nor stop early. These are engine tests with an in-memory page source (no HTTP involved).
    /// </summary>
    public sealed class PagerChangingDataTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public async Task InsertionsAheadOfTheReader_ShiftPages_ButEveryRecordComesOnce(int concurrency)
        {
            // Newest first, like the service; 7 new records land at the head after every page served.
            var records = Enumerable.Range(1, 250).Reverse().Select(i => (long)i).ToList();
            long nextId = 10_000;
            var gate = new object();
            PageFetcher<long> fetch = (segment, offset, limit, ct) =>
            {
                lock (gate)
                {
                    var items = records.Skip((int)offset).Take(limit).ToList();
                    long total = records.Count;
                    for (int i = 0; i < 7; i++)
                    {
                        records.Insert(0, nextId++);
                    }

                    return Task.FromResult(new Page<long>(total, items));
                }
            };
            var pager = new Pager<long>(1, fetch, 20, id => id) { Concurrency = concurrency };

            List<long> got = await Collect(pager);

            Assert.Equal(got.Count, got.Distinct().Count());
            Assert.Empty(Enumerable.Range(1, 250).Select(i => (long)i).Except(got));
            Assert.True(pager.DuplicatesDropped > 0);
        }

        [Fact]
        public async Task ATotalThatShrinksBetweenPages_DoesNotStopEarly()
        {
            // 250 records; the service under-reports the total as 150 from the second page on.
            var records = Enumerable.Range(1, 250).Select(i => (long)i).ToArray();
            PageFetcher<long> fetch = (segment, offset, limit, ct) =>
                Task.FromResult(new Page<long>(offset == 0 ? 250 : 150, records.Skip((int)offset).Take(limit).ToArray()));
            var pager = new Pager<long>(1, fetch, 50, id => id) { Concurrency = 1 };

            List<long> got = await Collect(pager);

            Assert.Equal(records, got);
        }

        [Fact]
        public async Task ATotalThatGrowsForever_DoesNotLoop()
        {
            // The total keeps growing but the records end at 120: the pager must stop at the first short page.
            var records = Enumerable.Range(1, 120).Select(i => (long)i).ToArray();
            long calls = 0;
            PageFetcher<long> fetch = (segment, offset, limit, ct) =>
            {
                calls++;
                return Task.FromResult(new Page<long>(1000 + (calls * 100), records.Skip((int)offset).Take(limit).ToArray()));
            };
            var pager = new Pager<long>(1, fetch, 50, id => id) { Concurrency = 1 };

            List<long> got = await Collect(pager);

            Assert.Equal(records, got);
            Assert.True(calls <= 4, $"{calls} requests");
        }

        private static async Task<List<long>> Collect(Pager<long> pager)
        {
            var got = new List<long>();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await foreach (long id in pager.ReadAsync(cts.Token))
            {
                got.Add(id);
            }

            return got;
        }
    }
}
