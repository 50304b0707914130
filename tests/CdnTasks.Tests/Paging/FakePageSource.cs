// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Paging;

namespace CdnTasks.Tests.Paging
{
    /// <summary>A record with an id, as the pager sees it.</summary>
    internal sealed record SegmentRec(int Segment, long Id);

    /// <summary>One call the pager made to the fetcher.</summary>
    internal readonly record struct FetchCall(int Segment, long Offset, int Limit);

    /// <summary>
    /// An in-memory service: one list of records per segment, served by offset and limit with the current count as
    /// the total. Records every call, tracks how many fetches are in flight and how many saw cancellation, and
    /// lets a test change the data while paging.
    /// </summary>
    internal sealed class FakePageSource
    {
        private readonly object _gate = new object();
        private readonly List<SegmentRec>[] _data;
        private int _inFlight;
        private int _maxInFlight;
        private int _cancelled;
        private int _callCount;

        public FakePageSource(params int[] counts)
        {
            _data = counts.Select((count, s) => Enumerable.Range(0, count).Select(i => new SegmentRec(s, Id(s, i))).ToList()).ToArray();
        }

        /// <summary>Gets every call in the order the pager made them.</summary>
        public ConcurrentQueue<FetchCall> Calls { get; } = new ConcurrentQueue<FetchCall>();

        /// <summary>Gets or sets the wait before a page is served (observes the cancellation token).</summary>
        public Func<FetchCall, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

        /// <summary>Gets or sets a hook run (under the data lock) just after a page was cut: (call number from 1, call, data).</summary>
        public Action<int, FetchCall, List<SegmentRec>[]> AfterServe { get; set; }

        /// <summary>Gets or sets an exception to throw instead of serving a call, or null.</summary>
        public Func<FetchCall, Exception> Fail { get; set; } = _ => null;

        /// <summary>Gets or sets a value indicating whether totals are withheld (Total = null).</summary>
        public bool HideTotals { get; set; }

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public int InFlight => Volatile.Read(ref _inFlight);

        public int CancelledFetches => Volatile.Read(ref _cancelled);

        public int CallCount => Volatile.Read(ref _callCount);

        /// <summary>The id of record <paramref name="index"/> of segment <paramref name="segment"/> (unique across segments).</summary>
        public static long Id(int segment, int index) => (segment * 1_000_000L) + index;

        /// <summary>A snapshot of the records of every segment, in order.</summary>
        public List<SegmentRec> AllRecords()
        {
            lock (_gate)
            {
                return _data.SelectMany(d => d).ToList();
            }
        }

        /// <summary>A snapshot of one segment.</summary>
        public List<SegmentRec> Segment(int segment)
        {
            lock (_gate)
            {
                return _data[segment].ToList();
            }
        }

        public async Task<Page<SegmentRec>> Fetch(int segment, long offset, int limit, CancellationToken cancellationToken)
        {
            var call = new FetchCall(segment, offset, limit);
            int number = Interlocked.Increment(ref _callCount);
            Calls.Enqueue(call);
            int now = Interlocked.Increment(ref _inFlight);
            int max;
            while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
            {
            }

            try
            {
                await Task.Yield();
                TimeSpan delay = Delay(call);
                try
                {
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, cancellationToken);
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref _cancelled);
                    throw;
                }

                Exception failure = Fail(call);
                if (failure != null)
                {
                    throw failure;
                }

                lock (_gate)
                {
                    List<SegmentRec> rows = _data[segment];
                    long total = rows.Count;
                    SegmentRec[] items = rows.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit).ToArray();
                    AfterServe?.Invoke(number, call, _data);
                    return new Page<SegmentRec>(HideTotals ? null : total, items);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        /// <summary>Makes a pager over this source with de-duplication by id.</summary>
        public Pager<SegmentRec> Pager(int pageSize, int concurrency = 1) =>
            new Pager<SegmentRec>(_data.Length, Fetch, pageSize, r => r.Id) { Concurrency = concurrency };
    }
}
