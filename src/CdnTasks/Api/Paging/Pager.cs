// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api.Paging
{
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

    /// <summary>Fetches one page of one segment (for example a 24-hour window) at an offset.</summary>
    internal delegate Task<Page<T>> PageFetcher<T>(int segment, long offset, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The paging engine. Reads a sequence of segments (time windows), each paged by offset, and yields the
    /// records strictly in order (segment by segment, page by page) while fetching up to
    /// <see cref="Concurrency"/> pages at once once each segment's total is known. With <see cref="First"/> it
    /// never requests a page beyond what is needed; <see cref="Skip"/> starts at an offset. Records seen twice
    /// (pages shifted by new data, a record on a window boundary) are dropped by id. Nothing is buffered beyond
    /// the pages in flight, so memory stays flat however many records stream through.
    /// </summary>
    internal sealed class Pager<T>
    {
        private readonly PageFetcher<T> _fetch;
        private readonly Func<T, long> _idOf;
        private readonly Segment[] _segments;
        private long _emitted;
        private int _currentSegment;

        /// <param name="segmentCount">How many segments (windows) to read, in output order.</param>
        /// <param name="fetch">Fetches one page.</param>
        /// <param name="pageSize">Records per request.</param>
        /// <param name="idOf">The record id for de-duplication, or null for none.</param>
        public Pager(int segmentCount, PageFetcher<T> fetch, int pageSize, Func<T, long> idOf)
        {
            if (segmentCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(segmentCount));
            }

            if (pageSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(pageSize));
            }

            _fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
            PageSize = pageSize;
            _idOf = idOf;
            _segments = Enumerable.Range(0, segmentCount).Select(_ => new Segment()).ToArray();
        }

        /// <summary>Gets the records per request.</summary>
        public int PageSize { get; }

        /// <summary>Gets or sets how many records to skip at the start (PowerShell's -Skip).</summary>
        public long Skip { get; set; }

        /// <summary>Gets or sets the most records to yield (PowerShell's -First), or null for all.</summary>
        public long? First { get; set; }

        /// <summary>Gets or sets how many pages may be in flight at once (1 = strictly sequential).</summary>
        public int Concurrency { get; set; } = 1;

        /// <summary>Gets or sets a value indicating whether offsets must be multiples of the page size (page_number/page_size APIs).</summary>
        public bool AlignedOffsets { get; set; }

        /// <summary>Gets how many records were yielded so far.</summary>
        public long Emitted => Interlocked.Read(ref _emitted);

        /// <summary>Gets how many duplicate records were dropped.</summary>
        public long DuplicatesDropped { get; private set; }

        private long _pagesRequested;

        /// <summary>Gets how many pages were requested.</summary>
        public long PagesRequested => Interlocked.Read(ref _pagesRequested);

        /// <summary>Gets the index of the segment being written.</summary>
        public int CurrentSegment => Volatile.Read(ref _currentSegment);

        /// <summary>Gets the number of segments.</summary>
        public int SegmentCount => _segments.Length;

        /// <summary>Gets the sum of the totals known so far and whether every segment's total is known.</summary>
        public long KnownTotal(out bool complete)
        {
            long sum = 0;
            complete = true;
            foreach (Segment segment in _segments)
            {
                long? total = segment.Total;
                if (total.HasValue)
                {
                    sum += total.Value;
                }
                else
                {
                    complete = false;
                }
            }

            return sum;
        }

        /// <summary>
        /// Makes sure every segment's total is known (one small request for each segment not yet asked) and
        /// returns their sum: the number of matching records in the whole range.
        /// </summary>
        public async Task<long> CountAllAsync(CancellationToken cancellationToken)
        {
            var pending = new List<Task>();
            using (var throttle = new SemaphoreSlim(Math.Max(1, Concurrency)))
            {
                for (int i = 0; i < _segments.Length; i++)
                {
                    if (_segments[i].Total.HasValue)
                    {
                        continue;
                    }

                    int index = i;
                    await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                    pending.Add(Task.Run(
                        async () =>
                        {
                            try
                            {
                                Interlocked.Increment(ref _pagesRequested);
                                Page<T> page = await _fetch(index, 0, 1, cancellationToken).ConfigureAwait(false);
                                _segments[index].Total = page.Total ?? page.Items.Count;
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        },
                        cancellationToken));
                }

                await Task.WhenAll(pending).ConfigureAwait(false);
            }

            return KnownTotal(out _);
        }

        /// <summary>Yields the records in order. Stops early (and cancels what is in flight) when the consumer stops.</summary>
        public async IAsyncEnumerable<T> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (First.HasValue && First.Value <= 0)
            {
                yield break;
            }

            var seen = _idOf == null ? null : new HashSet<long>();
            var pending = new List<PendingPage>();
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                try
                {
                    while (true)
                    {
                        while (pending.Count < Math.Max(1, Concurrency) && TrySchedule(pending, stop.Token))
                        {
                        }

                        if (pending.Count == 0)
                        {
                            yield break;
                        }

                        // Pages are kept sorted by (segment, offset): the first one is always the next to write.
                        PendingPage next = pending[0];
                        pending.RemoveAt(0);
                        Volatile.Write(ref _currentSegment, next.Segment);
                        Page<T> page = await next.Task.ConfigureAwait(false);
                        Segment segment = _segments[next.Segment];
                        segment.InFlight--;
                        Absorb(segment, next, page);

                        int index = 0;
                        foreach (T item in page.Items)
                        {
                            if (index++ < next.Drop)
                            {
                                continue;
                            }

                            if (seen != null && !seen.Add(_idOf(item)))
                            {
                                DuplicatesDropped++;
                                continue;
                            }

                            Interlocked.Increment(ref _emitted);
                            yield return item;
                            if (First.HasValue && Emitted >= First.Value)
                            {
                                yield break;
                            }
                        }
                    }
                }
                finally
                {
                    stop.Cancel();
                    foreach (PendingPage abandoned in pending)
                    {
                        // Observe the abandoned fetches so their cancellation is not reported as unobserved.
                        _ = abandoned.Task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                    }
                }
            }
        }

        private void Absorb(Segment segment, PendingPage fetched, Page<T> page)
        {
            int count = page.Items.Count;
            if (page.Total.HasValue)
            {
                // A full page at or beyond a total that shrank below one seen earlier: look once more rather than stop early.
                segment.MaxTotal = Math.Max(segment.MaxTotal, page.Total.Value);
                segment.Total = count >= fetched.Limit && page.Total.Value <= fetched.Offset + count && segment.MaxTotal > fetched.Offset + count
                    ? fetched.Offset + count + 1
                    : page.Total.Value;
            }
            else
            {
                // The service did not say: assume one more page exists while pages come back full.
                segment.Total = count >= fetched.Limit ? fetched.Offset + fetched.Limit + 1 : fetched.Offset + count;
            }

            if (count == 0 || (count < fetched.Limit && fetched.Offset + count >= segment.Total))
            {
                segment.Exhausted = true;
            }
        }

        private bool TrySchedule(List<PendingPage> pending, CancellationToken cancellationToken)
        {
            if (First.HasValue)
            {
                long expected = Emitted;
                foreach (PendingPage page in pending)
                {
                    long? total = _segments[page.Segment].Total;
                    expected += total.HasValue ? Math.Max(0, Math.Min(page.Limit, total.Value - page.Offset) - page.Drop) : page.Limit - page.Drop;
                }

                if (expected >= First.Value)
                {
                    return false;
                }
            }

            long skipBefore = 0;
            bool skipKnown = true;
            for (int s = CurrentSegment; s < _segments.Length; s++)
            {
                Segment segment = _segments[s];
                if (!segment.Started)
                {
                    if (Skip > 0 && !skipKnown)
                    {
                        return false;
                    }

                    long remainingSkip = Math.Max(0, Skip - SkippedByEarlierSegments(s));
                    long offset = AlignedOffsets ? remainingSkip / PageSize * PageSize : remainingSkip;
                    int drop = (int)(remainingSkip - offset);
                    segment.Started = true;
                    segment.NextOffset = offset + PageSize;
                    Add(pending, s, offset, drop, cancellationToken);
                    return true;
                }

                if (!segment.Total.HasValue)
                {
                    skipKnown = false;
                    continue;
                }

                skipBefore += segment.Total.Value;
                if (!segment.Exhausted && segment.NextOffset < segment.Total.Value)
                {
                    long offset = segment.NextOffset;
                    segment.NextOffset += PageSize;
                    Add(pending, s, offset, 0, cancellationToken);
                    return true;
                }
            }

            return false;
        }

        private long SkippedByEarlierSegments(int segmentIndex)
        {
            long sum = 0;
            for (int i = 0; i < segmentIndex; i++)
            {
                sum += _segments[i].Total ?? 0;
            }

            return sum;
        }

        private void Add(List<PendingPage> pending, int segment, long offset, int drop, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _pagesRequested);
            _segments[segment].InFlight++;
            var page = new PendingPage(segment, offset, PageSize, drop, _fetch(segment, offset, PageSize, cancellationToken));
            int at = pending.Count;
            while (at > 0 && Compare(pending[at - 1], page) > 0)
            {
                at--;
            }

            pending.Insert(at, page);
        }

        private static int Compare(PendingPage a, PendingPage b) =>
            a.Segment != b.Segment ? a.Segment.CompareTo(b.Segment) : a.Offset.CompareTo(b.Offset);

        private sealed class Segment
        {
            public long? Total;
            public long MaxTotal;
            public bool Started;
            public bool Exhausted;
            public long NextOffset;
            public int InFlight;
        }

        private sealed class PendingPage
        {
            public PendingPage(int segment, long offset, int limit, int drop, Task<Page<T>> task)
            {
                Segment = segment;
                Offset = offset;
                Limit = limit;
                Drop = drop;
                Task = task;
            }

            public int Segment { get; }

            public long Offset { get; }

            public int Limit { get; }

            public int Drop { get; }

            public Task<Page<T>> Task { get; }
        }
    }
}
