// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// Tests for <see cref="Pager{T}"/> over the in-memory <see cref="FakeListService"/>: order across windows and pages,
    /// the requests keyset paging makes, -First/-Skip, page_number APIs, records sharing a millisecond, failures,
    /// cancellation, counts, the bound on requests in flight and on what is remembered.
    /// </summary>
    public class PagerTests
    {
        private const long Hour = 3_600_000;

        public static IEnumerable<object[]> Concurrencies => new[] { new object[] { 1 }, new object[] { 4 } };

        [Theory]
        [InlineData(1, 100)]
        [InlineData(4, 100)]
        [InlineData(1, 7)]
        [InlineData(4, 7)]
        [InlineData(4, 2)]
        public async Task RecordsComeNewestFirstAcrossWindowsAndPages(int concurrency, int pageSize)
        {
            // Five windows of an hour; the second holds nothing.
            var service = new FakeListService(0, 5 * Hour, 700);
            foreach (Rec record in service.Matching().Where(r => r.Time >= 3 * Hour && r.Time < 4 * Hour))
            {
                service.Delete(record.RealId);
            }

            var random = new Random(12345);
            service.Delay = _ =>
            {
                lock (random)
                {
                    return TimeSpan.FromMilliseconds(random.Next(0, 4)); // later pages often finish first
                }
            };
            Pager<Rec> pager = service.Pager(HourWindows(5), pageSize, concurrency);

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(service.Matching(), records);
            Assert.Equal(records.Count, pager.Emitted);
            Assert.Equal(service.CallCount, pager.PagesRequested);
            Assert.All(service.Calls, c => Assert.Equal(pageSize, c.Limit));
        }

        [Fact]
        public async Task ConcurrencyOneAndFourGiveIdenticalRecords()
        {
            var one = new FakeListService(0, 4 * Hour, 466);
            var four = new FakeListService(0, 4 * Hour, 466);

            List<Rec> sequential = await PagerRun.ReadAll(one.Pager(HourWindows(4), 50, 1));
            List<Rec> parallel = await PagerRun.ReadAll(four.Pager(HourWindows(4), 50, 4));

            Assert.Equal(466, sequential.Count);
            Assert.Equal(sequential, parallel);
        }

        [Fact]
        public async Task EachRequestAfterTheFirstAsksFromTheLastRecordRead()
        {
            // One record a millisecond: every page but the first starts at the last record of the page before it (the anchor),
            // with the range's end narrowed to that record's time, so nothing newer can shift it.
            var service = new FakeListService(0, Hour, 250, singleRecordTimes: true);
            List<Rec> all = service.Matching();

            List<Rec> records = await PagerRun.ReadAll(service.Pager(100, 1));

            Assert.Equal(all, records);
            Assert.Equal(
                new[]
                {
                    new PageRequest(0, Hour, 0, 100),
                    new PageRequest(0, all[99].Time + 1, 0, 100),
                    new PageRequest(0, all[198].Time + 1, 0, 100),
                },
                service.Calls);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task RecordsSharingOneMillisecondAcrossPagesAreReadByOffsetWithinIt(int concurrency)
        {
            // A task of 250 URLs created in the same millisecond, between other records.
            var service = new FakeListService(0, Hour, 300, singleRecordTimes: true);
            for (int i = 0; i < 250; i++)
            {
                service.Insert(Hour / 2, "succeed");
            }

            Pager<Rec> pager = service.Pager(100, concurrency);
            int mostRemembered = 0;

            List<Rec> records = await PagerRun.ReadAll(pager, (_, _) =>
            {
                mostRemembered = Math.Max(mostRemembered, pager.RememberedKeys);
                return true;
            });

            Assert.Equal(service.Matching(), records);
            Assert.InRange(mostRemembered, 1, 250);
            if (concurrency == 1)
            {
                Assert.Contains(service.Calls, c => c.EndMs == (Hour / 2) + 1 && c.Offset > 0); // on from the anchor inside the millisecond
            }
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task ChangesAmongTheRecordsOfTheAnchorsMillisecondAreCaught(int concurrency)
        {
            // 250 records in one millisecond; each time a request asks past the start of it, one record read earlier is deleted,
            // which shifts the rest one place back: the anchor is not where expected, and the millisecond is read again.
            var service = new FakeListService(0, Hour, 0);
            for (int i = 0; i < 250; i++)
            {
                service.Insert(1000, "succeed");
            }

            List<Rec> original = service.Matching();
            var deleted = new HashSet<long>();
            service.BeforeAnswer = (number, request) =>
            {
                if (request.Offset > 0 && deleted.Count < 3)
                {
                    Rec first = original.First(r => !deleted.Contains(r.RealId));
                    deleted.Add(first.RealId);
                    service.Delete(first.RealId);
                }
            };

            List<Rec> records = await PagerRun.ReadAll(service.Pager(100, concurrency));

            Assert.Equal(records.Count, records.Select(r => r.RealId).Distinct().Count());
            Assert.Empty(service.Stable().Select(r => r.RealId).Except(records.Select(r => r.RealId)));
        }

        [Fact]
        public async Task AMillisecondThatChangesOnEveryRequestIsGivenUpWithAGapAndTheRestIsRead()
        {
            var service = new FakeListService(0, Hour, 0);
            for (int i = 0; i < 150; i++)
            {
                service.Insert(5000, "succeed");
            }

            Rec older = service.Insert(10, "succeed");
            service.BeforeAnswer = (number, request) =>
            {
                if (number > 1)
                {
                    service.Delete(service.Matching().First(r => r.Time == 5000).RealId); // always one of the first read
                }
            };
            Pager<Rec> pager = service.Pager(100, 1);

            List<Rec> records = await PagerRun.ReadAll(pager);

            PagingGap gap = Assert.Single(pager.Gaps);
            Assert.Equal(new TimeWindow(5000, 5001), gap.Window);
            Assert.Contains("changed between every request", gap.Reason);
            // It says how many at least: the records the service still had at that millisecond, less those written.
            int written = records.Count(r => r.Time == 5000);
            int lostForGood = service.Stable().Count(r => r.Time == 5000 && !records.Any(w => w.RealId == r.RealId));
            Assert.True(lostForGood > 0);
            Assert.NotNull(gap.Missing);
            Assert.True(gap.Missing.Value >= 1 && gap.Missing.Value <= lostForGood, $"missing {gap.Missing}, lost for good {lostForGood}, written {written}");
            Assert.Equal(older.RealId, records.Last().RealId);
            Assert.Equal(records.Count, records.Select(r => r.RealId).Distinct().Count());
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task AServiceWhoseEndIsInclusiveGivesNoDuplicatesAtWindowBoundaries(int concurrency)
        {
            var service = new FakeListService(0, 3 * Hour, 300) { InclusiveEnd = true };
            service.Insert(Hour, "succeed");
            service.Insert(2 * Hour, "succeed");
            service.Insert(2 * Hour, "failed");

            List<Rec> records = await PagerRun.ReadAll(service.Pager(HourWindows(3), 100, concurrency));

            Assert.Equal(service.Matching().Where(r => r.Time < 3 * Hour), records);
        }

        [Fact]
        public async Task AnAnswerThatIsNotNewestFirstIsReportedAsAGap()
        {
            var service = new FakeListService(0, Hour, 0);
            var out1 = new Rec(500, 1, "u1", "succeed", 1);
            var out2 = new Rec(900, 2, "u2", "succeed", 2);
            PageFetcher<Rec> fetch = (request, ct) => Task.FromResult(new Page<Rec>(2, request.Offset == 0 && request.EndMs == Hour ? new[] { out1, out2 } : Array.Empty<Rec>()));
            var pager = new Pager<Rec>(new[] { new TimeWindow(0, Hour) }, fetch, 100, r => r.Time, FakeListService.KeyOf);

            await PagerRun.ReadAll(pager);

            Assert.Contains(pager.Gaps, g => g.Reason.Contains("not newest first"));
        }

        [Fact]
        public async Task FirstRequestsOnlyThePagesItNeeds()
        {
            var service = new FakeListService(0, Hour, 1000);
            Pager<Rec> pager = service.Pager(100, 4);
            pager.First = 150;

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(service.Matching().Take(150), records);
            Assert.Equal(2, service.CallCount);
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(100, 1)]
        [InlineData(101, 2)]
        [InlineData(199, 2)]
        [InlineData(200, 3)]
        [InlineData(250, 3)]
        public async Task FirstWithinOneWindowMakesTheFewestRequests(long first, int expectedCalls)
        {
            // Every page after the first starts at the last record already read: 100, then 99 new records a page.
            var service = new FakeListService(0, Hour, 1000, singleRecordTimes: true);
            Pager<Rec> pager = service.Pager(100, 4);
            pager.First = first;

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(service.Matching().Take((int)first), records);
            Assert.Equal(expectedCalls, service.CallCount);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task FirstAcrossWindowsKeepsOrderAndAsksNoWindowItDoesNotNeed(int concurrency)
        {
            var service = new FakeListService(0, 4 * Hour, 0);
            for (int hour = 0; hour < 4; hour++)
            {
                int count = hour == 3 ? 30 : 200;
                for (int i = 0; i < count; i++)
                {
                    service.Insert((hour * Hour) + 1 + i, "succeed");
                }
            }

            Pager<Rec> pager = service.Pager(HourWindows(4), 100, concurrency);
            pager.First = 150;

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(service.Matching().Take(150), records);
            Assert.DoesNotContain(service.Calls, c => c.StartMs < 2 * Hour); // the two oldest windows are never asked
        }

        [Fact]
        public async Task FirstZeroRequestsNothing()
        {
            var service = new FakeListService(0, Hour, 10);
            Pager<Rec> pager = service.Pager(100, 4);
            pager.First = 0;

            Assert.Empty(await PagerRun.ReadAll(pager));
            Assert.Equal(0, service.CallCount);
        }

        [Theory]
        [InlineData(1, 120, null)]
        [InlineData(4, 120, null)]
        [InlineData(1, 245, 30)]
        [InlineData(4, 25, 30)]
        [InlineData(4, 5000, null)]
        public async Task SkipAndFirstSelectTheSameRecordsAsTheFullList(int concurrency, long skip, int? first)
        {
            var service = new FakeListService(0, 3 * Hour, 400);
            Pager<Rec> pager = service.Pager(HourWindows(3), 100, concurrency);
            pager.Skip = skip;
            pager.First = first;

            List<Rec> records = await PagerRun.ReadAll(pager);

            IEnumerable<Rec> expected = service.Matching().Skip((int)skip);
            Assert.Equal(first.HasValue ? expected.Take(first.Value) : expected, records);
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task PageNumberApisGetAlignedOffsetsAndEveryRecordOnce(int concurrency)
        {
            var service = new FakeListService(0, Hour, 457) { Aligned = true };
            Pager<Rec> pager = service.Pager(10, concurrency);
            pager.AlignedOffsets = true;
            pager.MaxPageSize = 10_000;

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(service.Matching(), records);
            Assert.All(service.Calls, c => Assert.Equal(0, c.Offset % c.Limit));
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task WithoutATimeOrderEveryAnswerIsReadFromTheTopAndStillComplete(int concurrency)
        {
            // The URLs of one task (no time order), -Status processing while they finish: each request asks from the top with
            // a larger page, so every answer proves itself.
            var service = new FakeListService(0, 1, 600) { Aligned = true, StatusFilter = "processing", StatusChangesPerRequest = 5 };
            var pager = new Pager<Rec>(new[] { TimeWindows.Unordered }, service.Fetch, 50, _ => 0, FakeListService.KeyOf)
            {
                Concurrency = concurrency,
                AlignedOffsets = true,
                MaxPageSize = 10_000,
            };

            List<Rec> records = await PagerRun.ReadAll(pager);

            Assert.Equal(records.Count, records.Select(r => r.RealId).Distinct().Count());
            Assert.Empty(service.Stable().Select(r => r.RealId).Except(records.Select(r => r.RealId)));
            Assert.All(service.Calls, c => Assert.Equal(0, c.Offset));
        }

        [Theory]
        [MemberData(nameof(Concurrencies))]
        public async Task AFailedRequestSurfacesAfterEveryRecordBeforeIt(int concurrency)
        {
            var service = new FakeListService(0, Hour, 1000, singleRecordTimes: true);
            service.Fail = (number, request) => number == 3 ? new InvalidOperationException("request 3 failed") : null;
            Pager<Rec> pager = service.Pager(100, concurrency);
            var received = new List<Rec>();

            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PagerRun.ReadAll(pager, (all, page) =>
            {
                received.AddRange(page);
                return true;
            }));

            Assert.Equal("request 3 failed", failure.Message);
            Assert.Equal(service.Matching().Take(received.Count), received);
            Assert.InRange(received.Count, 199, 199);
        }

        [Fact]
        public async Task CancellationMidWayThrowsAndTheRequestsInFlightSeeIt()
        {
            var service = new FakeListService(0, 10 * Hour, 1000, singleRecordTimes: true);
            service.Delay = c => c.Offset == 0 && c.EndMs == 10 * Hour ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromSeconds(30);
            Pager<Rec> pager = service.Pager(HourWindows(10), 10, 4);
            using var cts = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PagerRun.ReadAll(pager, (all, page) =>
            {
                cts.Cancel();
                return true;
            }, cts.Token));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed}");
            await WaitUntil(() => service.InFlight == 0 && service.CancelledFetches == service.CallCount - 1);
        }

        [Fact]
        public async Task StoppingEarlyCancelsTheRequestsInFlight()
        {
            var service = new FakeListService(0, 4 * Hour, 400);
            service.Delay = c => c.EndMs == 4 * Hour && c.Offset == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(30);
            Pager<Rec> pager = service.Pager(HourWindows(4), 100, 4);
            var clock = Stopwatch.StartNew();

            List<Rec> records = await PagerRun.ReadAll(pager, (all, page) => false);

            Assert.NotEmpty(records);
            Assert.True(service.CallCount > 1, "nothing was asked ahead, so nothing could be cancelled");
            await WaitUntil(() => service.InFlight == 0 && service.CancelledFetches == service.CallCount - 1);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
        }

        [Fact]
        public async Task CountSumsEveryWindowWithOneSmallRequestEach()
        {
            var service = new FakeListService(0, 5 * Hour, 690);
            Pager<Rec> pager = service.Pager(HourWindows(5), 100, 4);

            long? total = await pager.CountAsync(CancellationToken.None);

            Assert.Equal(690, total);
            Assert.Equal(5, service.CallCount);
            Assert.All(service.Calls, c => Assert.Equal((0L, 1), (c.Offset, c.Limit)));
            Assert.Equal(690, pager.KnownTotal(out bool complete));
            Assert.True(complete);
        }

        [Fact]
        public async Task CountAsksOnlyWindowsWhoseTotalIsUnknown()
        {
            var service = new FakeListService(0, 5 * Hour, 690);
            Pager<Rec> pager = service.Pager(HourWindows(5), 100, 1);
            pager.First = 3;
            Assert.Equal(3, (await PagerRun.ReadAll(pager)).Count);
            Assert.Equal(1, service.CallCount);
            pager.KnownTotal(out bool completeBefore);
            Assert.False(completeBefore);

            long? total = await pager.CountAsync(CancellationToken.None);

            Assert.Equal(690, total);
            Assert.Equal(5, service.CallCount);
        }

        [Theory]
        [InlineData("negative")]
        [InlineData("null")]
        [InlineData("under:0.4")]
        public async Task ACountIsUnknownWhenTotalsAreNotBelieved(string mode)
        {
            var service = new FakeListService(0, 2 * Hour, 500) { TotalMode = mode };
            Pager<Rec> pager = service.Pager(HourWindows(2), 100, 1);
            await PagerRun.ReadAll(pager);

            Assert.Null(await pager.CountAsync(CancellationToken.None));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4)]
        public async Task AtMostConcurrencyRequestsAreInFlight(int concurrency)
        {
            var service = new FakeListService(0, 7 * Hour, 2100);
            service.Delay = _ => TimeSpan.FromMilliseconds(3);

            List<Rec> records = await PagerRun.ReadAll(service.Pager(HourWindows(7), 50, concurrency));

            Assert.Equal(service.Matching(), records);
            Assert.InRange(service.MaxInFlight, 1, concurrency);
            if (concurrency > 1)
            {
                Assert.True(service.MaxInFlight > 1, "no two requests ever overlapped"); // the bound is measured, not trivially met
            }
        }

        [Fact]
        public async Task PagesAreAskedAheadWhileTheNextPageToWriteIsSlow()
        {
            var service = new FakeListService(0, Hour, 1000, singleRecordTimes: true);
            service.Delay = c => c.Offset == 99 ? TimeSpan.FromMilliseconds(400) : TimeSpan.FromMilliseconds(5);
            Pager<Rec> pager = service.Pager(100, 2);
            int callsWhenPageTwoArrived = -1;

            List<Rec> records = await PagerRun.ReadAll(pager, (all, page) =>
            {
                if (all.Count > 100 && callsWhenPageTwoArrived < 0)
                {
                    callsWhenPageTwoArrived = service.CallCount;
                }

                return true;
            });

            Assert.Equal(service.Matching(), records);
            Assert.InRange(service.MaxInFlight, 1, 2);
            // The first page told the total: page 2 (offset 0 from its anchor) and page 3 (offset 99) went out together; page 3
            // was slow, and while it was, nothing else could be asked without holding more than 2 in flight + 2 waiting.
            Assert.InRange(callsWhenPageTwoArrived, 3, 5);
        }

        [Fact]
        public async Task ALaterWindowsFirstPageIsAskedAheadWhenEveryRecordIsWanted()
        {
            var service = new FakeListService(0, 2 * Hour, 0);
            for (int i = 0; i < 150; i++)
            {
                service.Insert(Hour + 1 + i, "succeed");
                service.Insert(1 + i, "succeed");
            }

            service.Delay = c => c.StartMs == Hour && c.Offset == 0 && c.EndMs != 2 * Hour ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero;
            Pager<Rec> pager = service.Pager(HourWindows(2), 100, 4);
            PageRequest[] callsAtWindowTwo = null;

            List<Rec> records = await PagerRun.ReadAll(pager, (all, page) =>
            {
                if (callsAtWindowTwo == null && page.Any(r => r.Time < Hour))
                {
                    callsAtWindowTwo = service.Calls.ToArray();
                }

                return true;
            });

            Assert.Equal(service.Matching(), records);
            Assert.Contains(new PageRequest(0, Hour, 0, 100, window: 1), callsAtWindowTwo);
        }

        [Fact]
        public async Task WhatIsRememberedStaysSmallHoweverManyRecordsPass()
        {
            var service = new FakeListService(0, 24 * Hour, 30_000);
            Pager<Rec> pager = service.Pager(100, 4);
            int mostRemembered = 0;

            List<Rec> records = await PagerRun.ReadAll(pager, (_, _) =>
            {
                mostRemembered = Math.Max(mostRemembered, pager.RememberedKeys);
                return true;
            });

            Assert.Equal(30_000, records.Count);
            Assert.InRange(mostRemembered, 1, 4 * 20); // at most one task's URLs (1-20) per window being read
        }

        [Fact]
        public void ConstructorRejectsBadArguments()
        {
            var service = new FakeListService(0, Hour, 1);
            TimeWindow[] one = { new TimeWindow(0, Hour) };
            Assert.Throws<ArgumentOutOfRangeException>(() => new Pager<Rec>(Array.Empty<TimeWindow>(), service.Fetch, 10, r => r.Time, FakeListService.KeyOf));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Pager<Rec>(one, service.Fetch, 0, r => r.Time, FakeListService.KeyOf));
            Assert.Throws<ArgumentNullException>(() => new Pager<Rec>(one, null, 10, r => r.Time, FakeListService.KeyOf));
        }

        private static IReadOnlyList<TimeWindow> HourWindows(int hours) => TimeWindows.SplitNewestFirst(0, hours * Hour, Hour);

        private static async Task WaitUntil(Func<bool> condition)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(10))
                {
                    Assert.Fail("The condition did not become true within 10 s.");
                }

                await Task.Delay(10);
            }
        }
    }
}
