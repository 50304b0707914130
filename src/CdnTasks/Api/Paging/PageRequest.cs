// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks.Api.Paging
{
    /// <summary>
    /// One request of a list API as the pager sees it: the records created in [StartMs, EndMs), newest first,
    /// from position <see cref="Offset"/>, at most <see cref="Limit"/> of them. APIs without a time filter
    /// ignore the times; page_number APIs get offsets that are multiples of the limit.
    /// </summary>
    internal readonly struct PageRequest
    {
        public PageRequest(long startMs, long endMs, long offset, int limit)
        {
            StartMs = startMs;
            EndMs = endMs;
            Offset = offset;
            Limit = limit;
        }

        /// <summary>Gets the inclusive start (ms since the epoch, UTC).</summary>
        public long StartMs { get; }

        /// <summary>Gets the exclusive end (ms since the epoch, UTC).</summary>
        public long EndMs { get; }

        /// <summary>Gets the position of the first record asked for.</summary>
        public long Offset { get; }

        /// <summary>Gets the most records asked for.</summary>
        public int Limit { get; }

        public override string ToString() => $"[{StartMs}, {EndMs}) offset {Offset} limit {Limit}";
    }
}
