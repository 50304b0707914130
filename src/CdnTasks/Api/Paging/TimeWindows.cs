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

    /// <summary>Splits a range into the service's maximum 24-hour windows.</summary>
    internal static class TimeWindows
    {
        /// <summary>The longest span ShowUrlTaskInfo accepts: 24 hours.</summary>
        public const long MaxSpanMs = 24L * 60 * 60 * 1000;

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
