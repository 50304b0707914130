// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;

namespace CdnTasks.Api.Paging
{
    /// <summary>A half-open time range [StartMs, EndMs) in epoch milliseconds (UTC).</summary>
    internal readonly struct TimeWindow : IEquatable<TimeWindow>
    {
        public TimeWindow(long startMs, long endMs)
        {
            StartMs = startMs;
            EndMs = endMs;
        }

        /// <summary>Gets the inclusive start.</summary>
        public long StartMs { get; }

        /// <summary>Gets the exclusive end.</summary>
        public long EndMs { get; }

        /// <summary>Gets the length in milliseconds.</summary>
        public long SpanMs => EndMs - StartMs;

        public bool Equals(TimeWindow other) => StartMs == other.StartMs && EndMs == other.EndMs;

        public override bool Equals(object obj) => obj is TimeWindow other && Equals(other);

        public override int GetHashCode() => StartMs.GetHashCode() ^ (EndMs.GetHashCode() * 31);

        public override string ToString() => $"[{StartMs}, {EndMs})";
    }

    /// <summary>Splits a range into the service's maximum 24-hour windows, and checks a range against the service's bounds.</summary>
    internal static class TimeWindows
    {
        /// <summary>The longest span ShowUrlTaskInfo accepts: 24 hours.</summary>
        public const long MaxSpanMs = 24L * 60 * 60 * 1000;

        /// <summary>
        /// How far past now a range may end: 15 minutes. The gateway refuses a request whose X-Sdk-Date is more than
        /// 15 minutes off its own clock, so no record can carry a later creation time than that.
        /// </summary>
        public const long MaxEndAheadMs = 15L * 60 * 1000;

        /// <summary>The one window of a list without a time order: every record counts as created at the same moment (0).</summary>
        public static readonly TimeWindow Unordered = new TimeWindow(0, 1);

        /// <summary>
        /// Why [startMs, endMs) is a range the service cannot hold, or null when it can: the service's times are
        /// milliseconds since 1970-01-01 UTC (nothing is older), and nothing is created more than 15 minutes after now.
        /// </summary>
        public static string OutOfBounds(long startMs, long endMs, long nowMs)
        {
            if (startMs < 0)
            {
                return "-StartTime is before 1970-01-01 00:00 UTC; the service's times are milliseconds since then, so nothing older exists.";
            }

            if (endMs > nowMs + MaxEndAheadMs)
            {
                return $"-EndTime ({Format(endMs)}) is more than 15 minutes after now ({Format(nowMs)}); no record can be created later than that "
                    + "(the service refuses requests whose clock is more than 15 minutes off), so such a range only adds empty requests.";
            }

            return null;
        }

        /// <summary>A time for a message: "2026-01-12 08:31:43.120 UTC".</summary>
        internal static string Format(long ms) =>
            ms >= 0 && ms <= 253402300799999
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
                : ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";

        /// <summary>
        /// Splits [startMs, endMs) into consecutive windows of at most <paramref name="maxSpanMs"/>, newest first
        /// (the first window ends at endMs), so that output across windows stays newest first. Pure UTC
        /// millisecond arithmetic: no time zones, no DST.
        /// </summary>
        public static IReadOnlyList<TimeWindow> SplitNewestFirst(long startMs, long endMs, long maxSpanMs = MaxSpanMs)
        {
            if (endMs <= startMs)
            {
                throw new ArgumentException("The end of the range must be after its start.");
            }

            if (maxSpanMs <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxSpanMs));
            }

            var windows = new List<TimeWindow>((int)Math.Min(1024, ((endMs - startMs) / maxSpanMs) + 1));
            long end = endMs;
            while (end > startMs)
            {
                long start = end - maxSpanMs < startMs ? startMs : end - maxSpanMs;
                windows.Add(new TimeWindow(start, end));
                end = start;
            }

            return windows;
        }
    }
}
