// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Paging;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>Tests for <see cref="TimeWindows.SplitNewestFirst"/>: 24-hour windows, newest first, exact cover.</summary>
    public class TimeWindowsTests
    {
        private const long Hour = 60L * 60 * 1000;
        private const long Day = 24 * Hour;

        /// <summary>2022-05-12T00:00:00Z, an arbitrary fixed end.</summary>
        private static readonly long s_end = new DateTimeOffset(2022, 5, 12, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        [Fact]
        public void ExactlyOneDayIsOneWindow()
        {
            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(s_end - Day, s_end);

            TimeWindow only = Assert.Single(windows);
            Assert.Equal(new TimeWindow(s_end - Day, s_end), only);
            Assert.Equal(TimeWindows.MaxSpanMs, only.SpanMs);
        }

        [Fact]
        public void OneDayAndOneMillisecondIsTwoWindowsNewestFirst()
        {
            long start = s_end - Day - 1;

            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(start, s_end);

            Assert.Equal(
                new[] { new TimeWindow(s_end - Day, s_end), new TimeWindow(start, start + 1) },
                windows);
        }

        [Fact]
        public void SevenDaysAreSevenContiguousWindowsNewestFirst()
        {
            long start = s_end - (7 * Day);

            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(start, s_end);

            Assert.Equal(7, windows.Count);
            AssertExactCoverNewestFirst(windows, start, s_end);
            Assert.All(windows, w => Assert.Equal(Day, w.SpanMs));
        }

        [Theory]
        [InlineData(1L)]
        [InlineData(2L)]
        [InlineData(Day - 1)]
        [InlineData((3 * Day) + 17)]
        [InlineData((10 * Day) - 1)]
        [InlineData(90 * Day)]
        public void AnyRangeIsCoveredExactlyWithoutGapsOrOverlaps(long span)
        {
            long start = s_end - span;

            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(start, s_end);

            Assert.Equal((span + Day - 1) / Day, windows.Count);
            AssertExactCoverNewestFirst(windows, start, s_end);
        }

        [Fact]
        public void OneMillisecondRangeIsOneWindow()
        {
            TimeWindow only = Assert.Single(TimeWindows.SplitNewestFirst(s_end - 1, s_end));
            Assert.Equal(s_end - 1, only.StartMs);
            Assert.Equal(s_end, only.EndMs);
            Assert.Equal(1, only.SpanMs);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(-1L)]
        [InlineData(-Day)]
        public void EndNotAfterStartThrows(long span)
        {
            Assert.Throws<ArgumentException>(() => TimeWindows.SplitNewestFirst(s_end - span, s_end));
        }

        [Fact]
        public void RangeAcrossEuropeanDstChangeStillGivesExact24HourWindows()
        {
            // Europe moved clocks forward on 2024-03-31 01:00 UTC (a 23-hour local day) and back on 2024-10-27
            // 01:00 UTC (25 hours). The windows are UTC millisecond arithmetic and must ignore both.
            var spring = new DateTimeOffset(2024, 3, 30, 0, 0, 0, TimeSpan.FromHours(1)); // local midnight, CET
            var springEnd = new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)); // local midnight, CEST: 47 h later
            var autumn = new DateTimeOffset(2024, 10, 26, 0, 0, 0, TimeSpan.FromHours(2));
            var autumnEnd = new DateTimeOffset(2024, 10, 28, 0, 0, 0, TimeSpan.FromHours(1)); // 49 h later

            foreach ((DateTimeOffset from, DateTimeOffset to) in new[] { (spring, springEnd), (autumn, autumnEnd) })
            {
                long startMs = from.ToUnixTimeMilliseconds();
                long endMs = to.ToUnixTimeMilliseconds();

                IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(startMs, endMs);

                AssertExactCoverNewestFirst(windows, startMs, endMs);
                Assert.Equal(from == spring ? 2 : 3, windows.Count);
                for (int i = 0; i < windows.Count - 1; i++)
                {
                    Assert.Equal(Day, windows[i].SpanMs);
                }

                Assert.Equal((endMs - startMs) % Day == 0 ? Day : (endMs - startMs) % Day, windows[windows.Count - 1].SpanMs);
            }
        }

        [Fact]
        public void SmallerMaxSpanIsHonoured()
        {
            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(0, 10, 4);

            Assert.Equal(new[] { new TimeWindow(6, 10), new TimeWindow(2, 6), new TimeWindow(0, 2) }, windows);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(-5L)]
        public void NonPositiveMaxSpanThrows(long maxSpan)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => TimeWindows.SplitNewestFirst(0, 10, maxSpan));
        }

        private static void AssertExactCoverNewestFirst(IReadOnlyList<TimeWindow> windows, long start, long end)
        {
            Assert.NotEmpty(windows);
            Assert.Equal(end, windows[0].EndMs);
            Assert.Equal(start, windows[windows.Count - 1].StartMs);
            for (int i = 0; i < windows.Count; i++)
            {
                Assert.True(windows[i].SpanMs > 0, $"window {i} {windows[i]} is empty");
                Assert.True(windows[i].SpanMs <= TimeWindows.MaxSpanMs, $"window {i} {windows[i]} is longer than 24 h");
                if (i > 0)
                {
                    // Contiguous, newest first: each window ends exactly where the newer one starts.
                    Assert.Equal(windows[i - 1].StartMs, windows[i].EndMs);
                }
            }
        }
    }
}
