// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// Tests for <see cref="Pager{T}"/> over an in-memory <see cref="FakePageSource"/>: order across segments and
    /// pages, -First/-Skip, aligned offsets, data changing while paging, failures, cancellation and the bound on
    /// concurrent fetches.
    /// </summary>
    public class PagerTests
    {
        /// <summary>No test here may take long; a pager that loops forever fails instead of hanging.</summary>
        private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(20);

        public static IEnumerable<object[]> Concurrencies => new[] { new object[] { 1 }, new object[] { 4 } };

        [Theory]
        [InlineData(1, 100)]
        [InlineData(4, 100)]
        [InlineData(1, 7)]
        [InlineData(4, 7)]
        [InlineData(4, 1)]
        public async Task RecordsComeInOrderAcrossSegmentsAndPages(int concurrency, int pageSize)
        {
            var source = new FakePageSource(250, 0, 7, 100, 333);
            var random = new Random(12345);
            source.Delay = _ =>
            {
                lock (random)
                {
                    // Random completion order: later pages often finish before earlier ones.
                    return TimeSpan.FromMilliseconds(random.Next(0, 4));
                }
            };
            Pager<SegmentRec> pager = source.Pager(pageSize, concurrency);

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords(), records);
            Assert.Equal(records.Count, pager.Emitted);
            Assert.Equal(0, pager.DuplicatesDropped);
            Assert.All(source.Calls, c => Assert.Equal(pageSize, c.Limit));
            Assert.Equal(source.CallCount, pager.PagesRequested);
        }

        [Fact]
        public async Task ConcurrencyOneAndFourGiveIdenticalRecords()
        {
            var one = new FakePageSource(120, 45, 0, 301);
            var four = new FakePageSource(120, 45, 0, 301);

            List<SegmentRec> sequential = await ReadAll(one.Pager(50, 1));
            List<SegmentRec> parallel = await ReadAll(four.Pager(50, 4));

            Assert.Equal(466, sequential.Count);
            Assert.Equal(sequential, parallel);
        }

        [Fact]
        public async Task FirstRequestsOnlyTheNeededPagesOfOneSegment()
        {
            var source = new FakePageSource(1000);
            Pager<SegmentRec> pager = source.Pager(100, 4);
            pager.First = 150;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.Segment(0).Take(150), records);
            Assert.Equal(new[] { new FetchCall(0, 0, 100), new FetchCall(0, 100, 100) }, source.Calls.OrderBy(c => c.Offset));
        }

        [Fact]
        public async Task FirstAcrossSeveralSegmentsKeepsOrderAndRequestsTwoPagesOfTheFirstSegment()
        {
            var source = new FakePageSource(1000, 1000, 1000);
            Pager<SegmentRec> pager = source.Pager(100, 4);
            pager.First = 150;

            List<SegmentRec> records = await ReadAll(pager);

            // The first 150 records of the range are the first 150 of the newest window.
            Assert.Equal(source.Segment(0).Take(150), records);
            Assert.Equal(2, source.Calls.Count(c => c.Segment == 0));
        }

        [Fact]
        public async Task FirstSpanningSegmentsKeepsOrderWithConcurrency()
        {
            var source = new FakePageSource(30, 200, 200);
            Pager<SegmentRec> pager = source.Pager(100, 4);
            pager.First = 150;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords().Take(150), records);
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(99, 1)]
        [InlineData(100, 1)]
        [InlineData(101, 2)]
        [InlineData(250, 3)]
        public async Task FirstWithinOneSegmentMakesTheMinimumNumberOfRequests(long first, int expectedCalls)
        {
            var source = new FakePageSource(1000);
            Pager<SegmentRec> pager = source.Pager(100, 4);
            pager.First = first;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.Segment(0).Take((int)first), records);
            Assert.Equal(expectedCalls, source.CallCount);
        }

        [Fact]
        public async Task FirstSpanningSegmentsSequentialRequestsOnlyNeededPages()
        {
            var source = new FakePageSource(30, 200, 200);
            Pager<SegmentRec> pager = source.Pager(100, 1);
            pager.First = 150;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords().Take(150), records);
            Assert.Equal(
                new[] { new FetchCall(0, 0, 100), new FetchCall(1, 0, 100), new FetchCall(1, 100, 100) },
                source.Calls);
        }

        [Fact]
        public async Task FirstZeroRequestsNothing()
        {
            var source = new FakePageSource(10);
            Pager<SegmentRec> pager = source.Pager(100, 4);
            pager.First = 0;

            Assert.Empty(await ReadAll(pager));
            Assert.Equal(0, source.CallCount);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task SkipWithinTheFirstSegmentStartsAtThatOffset(int concurrency)
        {
            var source = new FakePageSource(250, 50);
            Pager<SegmentRec> pager = source.Pager(100, concurrency);
            pager.Skip = 120;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords().Skip(120), records);
            Assert.Equal(new FetchCall(0, 120, 100), source.Calls.First());
            Assert.DoesNotContain(source.Calls, c => c.Segment == 0 && c.Offset < 120);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task SkipLargerThanTheFirstSegmentContinuesInTheNext(int concurrency)
        {
            var source = new FakePageSource(30, 100, 40);
            Pager<SegmentRec> pager = source.Pager(100, concurrency);
            pager.Skip = 45;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords().Skip(45), records);
            Assert.Equal(FakePageSource.Id(1, 15), records[0].Id);
            Assert.Contains(new FetchCall(1, 15, 100), source.Calls);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task SkipAndFirstTogether(int concurrency)
        {
            var source = new FakePageSource(30, 100, 40);
            Pager<SegmentRec> pager = source.Pager(20, concurrency);
            pager.Skip = 25;
            pager.First = 30;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords().Skip(25).Take(30), records);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task SkipBeyondEverythingYieldsNothing(int concurrency)
        {
            var source = new FakePageSource(30, 10);
            Pager<SegmentRec> pager = source.Pager(100, concurrency);
            pager.Skip = 1000;

            Assert.Empty(await ReadAll(pager));
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task AlignedOffsetsRequestPageMultiplesAndDropTheLeadingItems(int concurrency)
        {
            var source = new FakePageSource(100);
            Pager<SegmentRec> pager = source.Pager(10, concurrency);
            pager.AlignedOffsets = true;
            pager.Skip = 25;

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords().Skip(25), records);
            Assert.Equal(new FetchCall(0, 20, 10), source.Calls.First());
            Assert.All(source.Calls, c => Assert.Equal(0, c.Offset % 10));
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task AlignedOffsetsWithSkipAcrossSegments(int concurrency)
        {
            var source = new FakePageSource(12, 40, 7);
            Pager<SegmentRec> pager = source.Pager(10, concurrency);
            pager.AlignedOffsets = true;
            pager.Skip = 25;

            List<SegmentRec> records = await ReadAll(pager);

            // 12 in the first segment, so 13 are skipped in the second: page offset 10, 3 dropped.
            Assert.Equal(source.AllRecords().Skip(25), records);
            Assert.Equal(FakePageSource.Id(1, 13), records[0].Id);
            Assert.All(source.Calls, c => Assert.Equal(0, c.Offset % 10));
            Assert.Contains(new FetchCall(1, 10, 10), source.Calls);
        }

        [Theory]
        [InlineData(1, 30)]
        [InlineData(4, 30)]
        [InlineData(1, 60)]
        [InlineData(4, 60)]
        public async Task TotalGrowingWhilePagingGivesEveryRecordOnce(int concurrency, int added)
        {
            var source = new FakePageSource(250);
            source.AfterServe = (number, call, data) =>
            {
                if (number == 1)
                {
                    // New records arrive just after the first page was served.
                    int start = data[0].Count;
                    data[0].AddRange(Enumerable.Range(start, added).Select(i => new SegmentRec(0, FakePageSource.Id(0, i))));
                }
            };
            Pager<SegmentRec> pager = source.Pager(100, concurrency);

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(250 + added, records.Count);
            Assert.Equal(source.AllRecords(), records);
            Assert.Equal(0, pager.DuplicatesDropped);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task TotalShrinkingWhilePagingStopsCleanly(int concurrency)
        {
            var source = new FakePageSource(250);
            source.AfterServe = (number, call, data) =>
            {
                if (number == 1)
                {
                    data[0].RemoveRange(150, 100);
                }
            };
            Pager<SegmentRec> pager = source.Pager(100, concurrency);

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords(), records);
            Assert.Equal(150, records.Count);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task MissingTotalsStillReadEverythingAndStop(int concurrency)
        {
            foreach (int count in new[] { 0, 1, 99, 100, 200, 250 })
            {
                var source = new FakePageSource(count, 3) { HideTotals = true };
                Pager<SegmentRec> pager = source.Pager(100, concurrency);

                List<SegmentRec> records = await ReadAll(pager);

                Assert.Equal(source.AllRecords(), records);
            }
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task RecordsInsertedAtTheHeadWhilePagingAreDeDuplicated(int concurrency)
        {
            var source = new FakePageSource(250);
            List<SegmentRec> original = source.AllRecords();
            source.AfterServe = (number, call, data) =>
            {
                if (number == 1)
                {
                    // Newest first: a new record pushes every later page down by one.
                    data[0].Insert(0, new SegmentRec(0, 999_999));
                }
            };
            Pager<SegmentRec> pager = source.Pager(100, concurrency);

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(original, records);
            Assert.Equal(1, pager.DuplicatesDropped);
            Assert.Equal(records.Count, records.Select(r => r.Id).Distinct().Count());
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task FailureOnPageThreeSurfacesAfterPagesOneAndTwoWereYielded(int concurrency)
        {
            var source = new FakePageSource(1000);
            source.Fail = c => c.Offset == 200 ? new InvalidOperationException("page 3 failed") : null;
            Pager<SegmentRec> pager = source.Pager(100, concurrency);
            var received = new List<SegmentRec>();

            var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await foreach (SegmentRec record in pager.ReadAsync().WithCancellation(CancellationToken.None))
                {
                    received.Add(record);
                }
            });

            Assert.Equal("page 3 failed", failure.Message);
            Assert.Equal(source.Segment(0).Take(200), received);
        }

        [Fact]
        public async Task CancellationMidWayThrowsAndInFlightFetchesSeeIt()
        {
            var source = new FakePageSource(1000);
            source.Delay = c => c.Offset >= 20 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(5);
            Pager<SegmentRec> pager = source.Pager(10, 4);
            using var cts = new CancellationTokenSource();
            var received = new List<SegmentRec>();
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (SegmentRec record in pager.ReadAsync(cts.Token))
                {
                    received.Add(record);
                    if (received.Count == 15)
                    {
                        cts.Cancel();
                    }
                }
            });

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed}");
            Assert.InRange(received.Count, 15, 20);
            Assert.Equal(source.Segment(0).Take(received.Count), received);
            await WaitUntil(() => source.CancelledFetches >= 3 && source.InFlight == 0);
            Assert.Equal(source.CallCount - 2, source.CancelledFetches);
        }

        [Fact]
        public async Task StoppingEarlyCancelsInFlightFetches()
        {
            var source = new FakePageSource(100, 100, 100, 100);
            source.Delay = c => c.Segment == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(30);
            Pager<SegmentRec> pager = source.Pager(100, 4);
            var received = new List<SegmentRec>();
            var clock = Stopwatch.StartNew();

            await foreach (SegmentRec record in pager.ReadAsync())
            {
                received.Add(record);
                if (received.Count == 5)
                {
                    break;
                }
            }

            Assert.Equal(source.Segment(0).Take(5), received);
            Assert.Equal(4, source.CallCount);
            await WaitUntil(() => source.CancelledFetches == 3 && source.InFlight == 0);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
        }

        [Fact]
        public async Task CountAllSumsEverySegmentWithOneSmallRequestEach()
        {
            var source = new FakePageSource(250, 0, 7, 100, 333);
            Pager<SegmentRec> pager = source.Pager(100, 4);

            long total = await pager.CountAllAsync(CancellationToken.None);

            Assert.Equal(690, total);
            Assert.Equal(5, source.CallCount);
            Assert.Equal(Enumerable.Range(0, 5), source.Calls.Select(c => c.Segment).OrderBy(s => s));
            Assert.All(source.Calls, c => Assert.Equal((0L, 1), (c.Offset, c.Limit)));
            Assert.Equal(690, pager.KnownTotal(out bool complete));
            Assert.True(complete);
        }

        [Fact]
        public async Task CountAllAsksOnlySegmentsWhoseTotalIsUnknown()
        {
            var source = new FakePageSource(250, 0, 7, 100, 333);
            Pager<SegmentRec> pager = source.Pager(100, 1);
            pager.First = 3;
            Assert.Equal(3, (await ReadAll(pager)).Count);
            Assert.Equal(1, source.CallCount);
            pager.KnownTotal(out bool completeBefore);
            Assert.False(completeBefore);

            long total = await pager.CountAllAsync(CancellationToken.None);

            Assert.Equal(690, total);
            Assert.Equal(5, source.CallCount);
            Assert.Equal(new[] { 1, 2, 3, 4 }, source.Calls.Skip(1).Select(c => c.Segment).OrderBy(s => s));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4)]
        public async Task AtMostConcurrencyFetchesAreInFlight(int concurrency)
        {
            var source = new FakePageSource(300, 300, 300, 300, 300, 300, 300);
            source.Delay = _ => TimeSpan.FromMilliseconds(3);
            Pager<SegmentRec> pager = source.Pager(50, concurrency);

            List<SegmentRec> records = await ReadAll(pager);

            Assert.Equal(source.AllRecords(), records);
            Assert.InRange(source.MaxInFlight, 1, concurrency);
            if (concurrency > 1)
            {
                // Proves the bound is measured, not trivially met: pages really overlapped.
                Assert.True(source.MaxInFlight > 1, "no two fetches ever overlapped");
            }
        }

        [Fact]
        public async Task ASlotFreedByALaterPageIsRefilledWhileTheNextPageToWriteIsSlow()
        {
            var source = new FakePageSource(1000);
            source.Delay = c => c.Offset == 100 ? TimeSpan.FromMilliseconds(400) : TimeSpan.FromMilliseconds(5);
            Pager<SegmentRec> pager = source.Pager(100, 2);
            int callsWhenPageTwoArrived = -1;

            using var guard = new CancellationTokenSource(s_guard);
            var records = new List<SegmentRec>();
            await foreach (SegmentRec record in pager.ReadAsync(guard.Token))
            {
                if (records.Count == 100)
                {
                    callsWhenPageTwoArrived = source.CallCount;
                }

                records.Add(record);
            }

            Assert.Equal(source.AllRecords(), records);
            Assert.InRange(source.MaxInFlight, 1, 2);
            // While offset 100 was slow, offset 200 finished and its slot took offset 300, and so on up to the bound on
            // pages held (2 in flight + 2 waiting): 0, 100, 200, 300, 400. Waiting for offset 100 alone would give 3.
            Assert.Equal(5, callsWhenPageTwoArrived);
        }

        [Fact]
        public async Task ALaterWindowsPagesAreRequestedOnceItsFirstPageArrivesNotWhenItsTurnComes()
        {
            var source = new FakePageSource(300, 300);
            source.Delay = c => c.Segment == 0 && c.Offset > 0 ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero;
            Pager<SegmentRec> pager = source.Pager(100, 4);
            FetchCall[] callsAtFirstRecordOfWindowTwo = null;

            using var guard = new CancellationTokenSource(s_guard);
            var records = new List<SegmentRec>();
            await foreach (SegmentRec record in pager.ReadAsync(guard.Token))
            {
                if (record.Segment == 1 && callsAtFirstRecordOfWindowTwo == null)
                {
                    callsAtFirstRecordOfWindowTwo = source.Calls.ToArray();
                }

                records.Add(record);
            }

            Assert.Equal(source.AllRecords(), records);
            Assert.Contains(new FetchCall(1, 100, 100), callsAtFirstRecordOfWindowTwo);
            Assert.Contains(new FetchCall(1, 200, 100), callsAtFirstRecordOfWindowTwo);
            Assert.Equal(6, source.CallCount);
        }

        [Fact]
        public async Task CountAllRespectsConcurrency()
        {
            var source = new FakePageSource(Enumerable.Repeat(10, 12).ToArray());
            source.Delay = _ => TimeSpan.FromMilliseconds(5);
            Pager<SegmentRec> pager = source.Pager(100, 3);

            Assert.Equal(120, await pager.CountAllAsync(CancellationToken.None));
            Assert.InRange(source.MaxInFlight, 2, 3);
        }

        [Fact]
        public void ConstructorRejectsBadArguments()
        {
            var source = new FakePageSource(1);
            Assert.Throws<ArgumentOutOfRangeException>(() => new Pager<SegmentRec>(0, source.Fetch, 10, r => r.Id));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Pager<SegmentRec>(1, source.Fetch, 0, r => r.Id));
            Assert.Throws<ArgumentNullException>(() => new Pager<SegmentRec>(1, null, 10, r => r.Id));
        }

        private static async Task<List<SegmentRec>> ReadAll(Pager<SegmentRec> pager)
        {
            using var guard = new CancellationTokenSource(s_guard);
            var records = new List<SegmentRec>();
            await foreach (SegmentRec record in pager.ReadAsync(guard.Token))
            {
                records.Add(record);
                if (records.Count > 100_000)
                {
                    throw new InvalidOperationException("The pager does not stop.");
                }
            }

            return records;
        }

        private static async Task WaitUntil(Func<bool> condition)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(5))
                {
                    Assert.Fail("The condition did not become true within 5 s.");
                }

                await Task.Delay(10);
            }
        }
    }
}
