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
    /// <see cref="Concurrency"/> pages at once once each segment's total is known: a slot freed by any page is
    /// refilled at once, and a segment's total is taken from its first page as soon as it arrives. With
    /// <see cref="First"/> it never requests a page beyond what is needed; <see cref="Skip"/> starts at an offset.
    /// Records seen twice (pages shifted by new data, a record on a window boundary) are dropped by id. At most
    /// <see cref="Concurrency"/> pages in flight plus as many waiting for their turn are held, so memory stays flat
    /// however many records stream through.
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

        /// <summary>Gets how many records were handed to the consumer so far (a page's worth at a time with <see cref="ReadPagesAsync"/>).</summary>
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
            await foreach (IReadOnlyList<T> chunk in ReadPagesAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (T item in chunk)
                {
                    yield return item;
                }
            }
        }

        /// <summary>
        /// Yields the records in order, one page's worth at a time (what is left of each page after -Skip,
        /// de-duplication and -First; empty pages are not yielded). Consumers that write records one by one on
        /// another thread use this to pay the asynchronous hand-over once per page instead of once per record.
        /// Stops early (and cancels what is in flight) when the consumer stops.
        /// </summary>
        public async IAsyncEnumerable<IReadOnlyList<T>> ReadPagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
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
                        LearnTotals(pending);
                        while (TrySchedule(pending, stop.Token))
                        {
                        }

                        if (!EnsureHead(pending, stop.Token))
                        {
                            await WhenAnyInFlight(pending).ConfigureAwait(false);
                            continue;
                        }

                        if (pending.Count == 0)
                        {
                            yield break;
                        }

                        // Pages are kept sorted by (segment, offset) and EnsureHead scheduled any earlier gap: the first is the next to write.
                        PendingPage next = pending[0];
                        if (!next.Task.IsCompleted)
                        {
                            // Wake up when any page in flight finishes, not only the next to write: its slot can take the
                            // next request at once (and a later window's first page tells that window's total).
                            Task finished = await WhenAnyInFlight(pending).ConfigureAwait(false);
                            if (finished != next.Task)
                            {
                                continue;
                            }
                        }

                        pending.RemoveAt(0);
                        Volatile.Write(ref _currentSegment, next.Segment);
                        Page<T> page = await next.Task.ConfigureAwait(false);
                        Absorb(_segments[next.Segment], next, page);

                        List<T> chunk = Take(page.Items, next.Drop, First.HasValue ? First.Value - Emitted : long.MaxValue, seen);
                        if (chunk.Count > 0)
                        {
                            Interlocked.Add(ref _emitted, chunk.Count);
                            yield return chunk;
                        }

                        if (First.HasValue && Emitted >= First.Value)
                        {
                            yield break;
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

        /// <summary>What of a page is written: after the first <paramref name="drop"/> records, at most <paramref name="room"/>, none seen before.</summary>
        [MethodImpl((MethodImplOptions)512)] // AggressiveOptimization: runs once per record; not in netstandard2.0's enum
        private List<T> Take(IReadOnlyList<T> items, int drop, long room, HashSet<long> seen)
        {
            var chunk = new List<T>(Math.Min(items.Count, (int)Math.Min(room, int.MaxValue)));
            for (int index = drop; index < items.Count && chunk.Count < room; index++)
            {
                T item = items[index];
                if (seen != null && !seen.Add(_idOf(item)))
                {
                    DuplicatesDropped++;
                    continue;
                }

                chunk.Add(item);
            }

            return chunk;
        }

        /// <summary>
        /// Takes the total of a window from its first page as soon as that page has arrived, even while earlier pages
        /// are still being written, so that the window's other pages can be requested without waiting for its turn.
        /// (Absorbing the same page again when it is written changes nothing.)
        /// </summary>
        private void LearnTotals(List<PendingPage> pending)
        {
            foreach (PendingPage page in pending)
            {
                Segment segment = _segments[page.Segment];
                if (!segment.Total.HasValue && page.Task.Status == TaskStatus.RanToCompletion)
                {
                    Absorb(segment, page, page.Task.Result);
                }
            }
        }

        /// <summary>The first of the pages in flight to finish (successfully or not: the caller only looks at which), or null when none is in flight.</summary>
        private static Task<Task<Page<T>>> WhenAnyInFlight(List<PendingPage> pending)
        {
            var inFlight = new List<Task<Page<T>>>(pending.Count);
            foreach (PendingPage page in pending)
            {
                if (!page.Task.IsCompleted)
                {
                    inFlight.Add(page.Task);
                }
            }

            // Pages may have finished since the caller looked: then there is nothing to wait for.
            return inFlight.Count == 0 ? Task.FromResult<Task<Page<T>>>(null) : Task.WhenAny(inFlight);
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

        /// <summary>
        /// Schedules the next page in output order while fewer than <see cref="Concurrency"/> are in flight and
        /// (with <see cref="First"/>) the pages in flight may not yet cover what is needed.
        /// </summary>
        private bool TrySchedule(List<PendingPage> pending, CancellationToken cancellationToken)
        {
            // Concurrency bounds the requests in flight; pages that arrived ahead of their turn wait in memory, up to
            // as many again (memory stays flat), and a failed page stops further requests (it surfaces in its turn).
            int concurrency = Math.Max(1, Concurrency);
            int inFlight = 0;
            foreach (PendingPage page in pending)
            {
                if (page.Task.IsFaulted || page.Task.IsCanceled)
                {
                    return false;
                }

                if (!page.Task.IsCompleted)
                {
                    inFlight++;
                }
            }

            // Concurrency 1 means strictly sequential: no page is requested before the previous one was written.
            int held = concurrency == 1 ? 1 : 2 * concurrency;
            if (inFlight >= concurrency || pending.Count >= held)
            {
                return false;
            }

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

            // Later windows are fetched ahead only when every record is wanted: with -First they might be waste.
            Position? next = NextPosition(allowPrefetch: !First.HasValue && Skip == 0);
            if (!next.HasValue)
            {
                return false;
            }

            Add(pending, next.Value, cancellationToken);
            return true;
        }

        /// <summary>
        /// Makes sure the first page held is the next one to write: when an earlier page is not scheduled yet
        /// (a window's total arrived after later windows were fetched ahead), it is scheduled now, as soon as a slot
        /// is free. Returns false when it must wait for a slot (then at least one page is in flight); pages waiting
        /// for their turn never block it, because nothing can be written before it.
        /// </summary>
        private bool EnsureHead(List<PendingPage> pending, CancellationToken cancellationToken)
        {
            Position? next = NextPosition(allowPrefetch: false);
            if (next.HasValue && (pending.Count == 0 || Compare(next.Value.Segment, next.Value.Offset, pending[0].Segment, pending[0].Offset) < 0))
            {
                int inFlight = 0;
                foreach (PendingPage page in pending)
                {
                    inFlight += page.Task.IsCompleted ? 0 : 1;
                }

                if (inFlight >= Math.Max(1, Concurrency))
                {
                    return false;
                }

                Add(pending, next.Value, cancellationToken);
            }

            return true;
        }

        /// <summary>
        /// The earliest page, in output order, that is not scheduled yet and can be: null when none is known
        /// (every page scheduled, or the next depends on a total still unknown). With
        /// <paramref name="allowPrefetch"/>, a window whose total is unknown is passed over to fetch later
        /// windows' first pages.
        /// </summary>
        private Position? NextPosition(bool allowPrefetch)
        {
            for (int s = CurrentSegment; s < _segments.Length; s++)
            {
                Segment segment = _segments[s];
                if (!segment.Started)
                {
                    bool earlierKnown = true;
                    for (int i = 0; i < s; i++)
                    {
                        earlierKnown &= _segments[i].Total.HasValue;
                    }

                    if (!earlierKnown && (Skip > 0 || !allowPrefetch))
                    {
                        return null;
                    }

                    long remainingSkip = Math.Max(0, Skip - SkippedByEarlierSegments(s));
                    long offset = AlignedOffsets ? remainingSkip / PageSize * PageSize : remainingSkip;
                    return new Position(s, offset, (int)(remainingSkip - offset));
                }

                if (!segment.Total.HasValue)
                {
                    if (!allowPrefetch)
                    {
                        return null;
                    }

                    continue;
                }

                if (!segment.Exhausted && segment.NextOffset < segment.Total.Value)
                {
                    return new Position(s, segment.NextOffset, 0);
                }
            }

            return null;
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

        private void Add(List<PendingPage> pending, Position position, CancellationToken cancellationToken)
        {
            Segment segment = _segments[position.Segment];
            segment.Started = true;
            segment.NextOffset = position.Offset + PageSize;
            Interlocked.Increment(ref _pagesRequested);
            var page = new PendingPage(position.Segment, position.Offset, PageSize, position.Drop, _fetch(position.Segment, position.Offset, PageSize, cancellationToken));
            int at = pending.Count;
            while (at > 0 && Compare(pending[at - 1].Segment, pending[at - 1].Offset, page.Segment, page.Offset) > 0)
            {
                at--;
            }

            pending.Insert(at, page);
        }

        private static int Compare(int segmentA, long offsetA, int segmentB, long offsetB) =>
            segmentA != segmentB ? segmentA.CompareTo(segmentB) : offsetA.CompareTo(offsetB);

        private sealed class Segment
        {
            public long? Total;
            public long MaxTotal;
            public bool Started;
            public bool Exhausted;
            public long NextOffset;
        }

        private readonly struct Position
        {
            public Position(int segment, long offset, int drop)
            {
                Segment = segment;
                Offset = offset;
                Drop = drop;
            }

            public int Segment { get; }

            public long Offset { get; }

            public int Drop { get; }
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
