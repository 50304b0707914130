// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api.Paging
{
    /// <summary>
    /// One request of a list API as the pager sees it: the records created in [StartMs, EndMs), newest first,
    /// from position <see cref="Offset"/>, at most <see cref="Limit"/> of them. APIs without a time filter ignore the
    /// times; page_number APIs get offsets that are multiples of the limit.
    /// </summary>
    internal readonly struct PageRequest
    {
        public PageRequest(long startMs, long endMs, long offset, int limit, int window = 0)
        {
            StartMs = startMs;
            EndMs = endMs;
            Offset = offset;
            Limit = limit;
            Window = window;
        }

        /// <summary>Gets the index of the window asked for, in the pager's list (a fetcher may query each window differently).</summary>
        public int Window { get; }

        /// <summary>Gets the inclusive start (ms since the epoch, UTC).</summary>
        public long StartMs { get; }

        /// <summary>Gets the exclusive end (ms since the epoch, UTC).</summary>
        public long EndMs { get; }

        /// <summary>Gets the position of the first record asked for.</summary>
        public long Offset { get; }

        /// <summary>Gets the most records asked for.</summary>
        public int Limit { get; }

        /// <summary>The same request, of window <paramref name="window"/>.</summary>
        public PageRequest InWindow(int window) => new PageRequest(StartMs, EndMs, Offset, Limit, window);

        public override string ToString() => $"[{StartMs}, {EndMs}) offset {Offset} limit {Limit}";
    }

    /// <summary>One page as the service returned it.</summary>
    internal sealed class Page<T>
    {
        public Page(long? total, IReadOnlyList<T> items)
        {
            Total = total;
            Items = items ?? Array.Empty<T>();
        }

        /// <summary>Gets the number of matching records the service reported, or null when it did not say.</summary>
        public long? Total { get; }

        /// <summary>Gets the records of the page, in service order.</summary>
        public IReadOnlyList<T> Items { get; }
    }

    /// <summary>Fetches one page.</summary>
    internal delegate Task<Page<T>> PageFetcher<T>(PageRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// What tells two records apart: the service's id when the record has one, otherwise its content (for a url-task
    /// record: URL, task id, time, type). Records without an id are never merged with each other by this key alone:
    /// the pager counts how many records with one key it has written (see <see cref="TieMemory"/>).
    /// </summary>
    internal readonly struct RecordKey : IEquatable<RecordKey>
    {
        private readonly long _id;
        private readonly string _content;

        private RecordKey(long id, string content)
        {
            _id = id;
            _content = content;
        }

        /// <summary>The key of a record with an id.</summary>
        public static RecordKey OfId(long id) => new RecordKey(id, null);

        /// <summary>The key of a record without an id, from its content.</summary>
        public static RecordKey OfContent(string content) => new RecordKey(0, content ?? string.Empty);

        public bool Equals(RecordKey other) =>
            _content == null ? other._content == null && _id == other._id : string.Equals(_content, other._content, StringComparison.Ordinal);

        public override bool Equals(object obj) => obj is RecordKey other && Equals(other);

        public override int GetHashCode() => _content == null ? _id.GetHashCode() : StringComparer.Ordinal.GetHashCode(_content);

        public override string ToString() => _content ?? _id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Records the pager could not read: which window, how many (when known) and why. Written as errors after the records.</summary>
    internal sealed class PagingGap
    {
        public PagingGap(TimeWindow window, long? missing, string reason)
        {
            Window = window;
            Missing = missing;
            Reason = reason;
        }

        /// <summary>Gets the time range whose records may be incomplete.</summary>
        public TimeWindow Window { get; }

        /// <summary>Gets how many records at least were not read, or null when not known.</summary>
        public long? Missing { get; }

        /// <summary>Gets what went wrong, in a sentence.</summary>
        public string Reason { get; }
    }
}
