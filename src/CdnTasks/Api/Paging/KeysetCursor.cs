// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace CdnTasks.Api.Paging
{
    /// <summary>One request a <see cref="KeysetCursor{T}"/> planned, and what its answer must show.</summary>
    internal sealed class Ask
    {
        public Ask(PageRequest request, Proof proof, int anchorAt, int generation, bool ahead = false)
        {
            Request = request;
            Proof = proof;
            AnchorAt = anchorAt;
            Generation = generation;
            Ahead = ahead;
        }

        /// <summary>Gets the request.</summary>
        public PageRequest Request { get; }

        /// <summary>Gets how the answer connects to what was read before.</summary>
        public Proof Proof { get; }

        /// <summary>Gets the index at which the answer should hold the anchor (with <see cref="Proof.Anchor"/>).</summary>
        public int AnchorAt { get; }

        /// <summary>Gets the cursor's generation when it was planned: pages planned ahead on a chain that broke since are void.</summary>
        public int Generation { get; }

        /// <summary>Gets a value indicating whether it was planned ahead of the answer before it (counted on from the anchor).</summary>
        public bool Ahead { get; }
    }

    /// <summary>How an answer connects to what a cursor read before.</summary>
    internal enum Proof
    {
        /// <summary>It starts at the top of the cursor's millisecond (or of the window): everything in it is checked against the memory of that millisecond.</summary>
        FromTop,

        /// <summary>It must hold the anchor (the last record read); what follows the anchor is what comes next.</summary>
        Anchor,

        /// <summary>It starts just after the anchor, unproved (the service's pages end at the anchor).</summary>
        AfterAnchor,
    }

    /// <summary>
    /// Reads one time window newest first, by keyset. The first request asks for the window from its top; every later
    /// request asks only for the records created at or before the last record read (the anchor), starting at the
    /// anchor's own position among the records of its millisecond. So records added, removed or changed among those
    /// already written cannot shift what comes next, and the anchor coming back first proves that nothing before it
    /// moved. When it does not come back, the cursor reads that millisecond again from its first record. Offsets stay
    /// within one millisecond's records, far from any offset cap, and only that millisecond's records can be read twice,
    /// so only their keys are kept (<see cref="TieMemory"/>). Pages can be planned ahead of the answers (offsets counted
    /// on from the anchor); each is proved by its first record being the last record of the page before it.
    /// </summary>
    /// <remarks>
    /// A window ends when an answer holds a record older than the window, comes back empty, or is shorter than asked
    /// while its own total says nothing is left. A total is never the reason to stop while pages come back full, and
    /// totals are not believed at all once one answer contradicted its own total (more records than it said).
    /// Without a time order (the records of one task, tasks sorted by a count) every record has the same time: the
    /// window is a single millisecond read by offset from its top, and page_number APIs ask from the top each time
    /// with a larger page, so that every answer proves itself.
    /// </remarks>
    internal sealed class KeysetCursor<T>
    {
        /// <summary>Passes over one millisecond that may start again before its records are given up as possibly missing.</summary>
        internal const int MaxRestarts = 8;

        private readonly TimeWindow _window;
        private readonly int _pageSize;
        private readonly bool _aligned;
        private readonly int _maxLimit;
        private readonly Func<T, long?> _timeOf;
        private readonly Func<T, RecordKey> _keyOf;
        private readonly TotalTrust _trust;
        private readonly Action<PagingGap> _reportGap;
        private readonly TieMemory _ties = new TieMemory();

        private bool _started;
        private bool _hasAnchor;
        private long _frontier;
        private int _anchorPosition;
        private RecordKey _anchor;
        private Proof _next = Proof.FromTop;
        private bool _skipFrontier;
        private int _restarts;
        private int _pageCap;
        private long? _remaining;
        private long? _lastTotal;
        private bool _outOfOrderReported;
        private PendingGap _givenUp;

        /// <param name="window">The window, [start, end).</param>
        /// <param name="pageSize">Records per request.</param>
        /// <param name="aligned">Whether offsets must be multiples of the limit (page_number APIs).</param>
        /// <param name="maxLimit">The largest limit the API takes.</param>
        /// <param name="timeOf">The record's creation time (ms), or null when it has none.</param>
        /// <param name="keyOf">The record's key.</param>
        /// <param name="trust">Whether totals are believed (shared by every window of a command).</param>
        /// <param name="reportGap">Called for records that could not be read.</param>
        public KeysetCursor(TimeWindow window, int pageSize, bool aligned, int maxLimit, Func<T, long?> timeOf, Func<T, RecordKey> keyOf, TotalTrust trust, Action<PagingGap> reportGap)
        {
            _window = window;
            _pageSize = pageSize;
            _aligned = aligned;
            _maxLimit = Math.Max(pageSize, maxLimit);
            _timeOf = timeOf;
            _keyOf = keyOf;
            _trust = trust;
            _reportGap = reportGap;
            _pageCap = pageSize;
        }

        /// <summary>Gets the window.</summary>
        public TimeWindow Window => _window;

        /// <summary>Gets a value indicating whether every record of the window was read.</summary>
        public bool Done { get; private set; }

        /// <summary>Gets the window's total from its first answer (when believed), or null.</summary>
        public long? WindowTotal { get; private set; }

        /// <summary>Gets how many records the last answer's total says follow the anchor (when believed), or null; 0 when done.</summary>
        public long? Remaining => Done ? 0 : _started ? _remaining : null;

        /// <summary>Gets the generation: it changes whenever pages planned ahead can no longer be proved.</summary>
        public int Generation { get; private set; }

        /// <summary>Gets how many keys the cursor remembers (the records of one millisecond).</summary>
        public int RememberedKeys => _ties.Count;

        /// <summary>Gets the records a page planned ahead of the answers is expected to bring.</summary>
        public int RecordsPerPageAhead => Math.Max(1, _pageCap - 1);

        /// <summary>
        /// Plans the next request when <paramref name="pagesInFlight"/> of this cursor's pages are already asked for and not
        /// yet absorbed; null when nothing can be asked until an answer arrives (or the window is done).
        /// </summary>
        public Ask Plan(int pagesInFlight)
        {
            if (Done)
            {
                return null;
            }

            if (!_started)
            {
                return pagesInFlight == 0 ? new Ask(new PageRequest(_window.StartMs, _window.EndMs, 0, _pageSize), Proof.FromTop, 0, Generation) : null;
            }

            long end = _skipFrontier ? _frontier : _frontier + 1;
            if (pagesInFlight == 0)
            {
                switch (_next)
                {
                    case Proof.FromTop:
                        return FromTop(end, _pageSize);
                    case Proof.AfterAnchor:
                        return new Ask(new PageRequest(_window.StartMs, end, _anchorPosition + 1, _pageSize), Proof.AfterAnchor, 0, Generation);
                }

                if (!_aligned)
                {
                    // At offset 0 the answer starts at the top of the anchor's millisecond and proves itself.
                    return _anchorPosition == 0
                        ? FromTop(end, _pageSize)
                        : new Ask(new PageRequest(_window.StartMs, end, _anchorPosition, _pageSize), Proof.Anchor, 0, Generation);
                }

                // page_number APIs: from the top of the anchor's millisecond with a page that reaches past the anchor.
                if ((long)_anchorPosition + _pageSize <= _maxLimit)
                {
                    return FromTop(end, _anchorPosition + _pageSize);
                }

                // More records share one millisecond than the largest page holds: the aligned block after the anchor.
                long block = (_anchorPosition + 1L) / _maxLimit * _maxLimit;
                return block <= _anchorPosition
                    ? new Ask(new PageRequest(_window.StartMs, end, block, _maxLimit), Proof.Anchor, (int)(_anchorPosition - block), Generation)
                    : new Ask(new PageRequest(_window.StartMs, end, block, _maxLimit), Proof.AfterAnchor, 0, Generation);
            }

            // A page ahead: counted on from the anchor, proved by its first record when its turn comes.
            int step = _pageCap - 1;
            if (_aligned || _next != Proof.Anchor || _skipFrontier || step < 1 || !_remaining.HasValue || (long)pagesInFlight * step >= _remaining.Value)
            {
                return null;
            }

            return new Ask(new PageRequest(_window.StartMs, end, _anchorPosition + ((long)pagesInFlight * step), _pageSize), Proof.Anchor, 0, Generation, ahead: true);
        }

        /// <summary>
        /// Takes the answer to <paramref name="ask"/> (answers are absorbed in the order asked) and adds the records to
        /// write to <paramref name="output"/>, in order.
        /// </summary>
        [MethodImpl((MethodImplOptions)512)] // AggressiveOptimization: runs once per record; not in netstandard2.0's enum
        public void Absorb(Ask ask, Page<T> page, List<T> output)
        {
            IReadOnlyList<T> items = page.Items;
            int count = items.Count;
            PageRequest request = ask.Request;
            long? total = _trust.Check(page.Total, request.Offset + count);
            ReportGivenUp(total);
            _lastTotal = total;
            bool firstAnswer = !_started;
            _started = true;
            if (firstAnswer)
            {
                WindowTotal = total;
            }

            int from;
            int position;
            switch (ask.Proof)
            {
                case Proof.FromTop:
                    _ties.NewPass();
                    from = 0;
                    position = -1;
                    break;
                case Proof.AfterAnchor:
                    from = 0;
                    position = _anchorPosition;
                    break;
                default:
                    int at = FindAnchor(items, ask.AnchorAt);
                    if (at < 0)
                    {
                        AnchorMissing(ask);
                        return;
                    }

                    _anchorPosition += at - ask.AnchorAt;
                    from = at + 1;
                    position = _anchorPosition;
                    break;
            }

            _next = Proof.Anchor;
            long frontierBefore = _hasAnchor ? _frontier : long.MaxValue;
            int positionBefore = _hasAnchor ? _anchorPosition : -1;
            bool below = false;
            for (int index = from; index < count; index++)
            {
                T item = items[index];
                long time = _timeOf(item) ?? (_hasAnchor ? _frontier : request.EndMs - 1);
                if (time >= request.EndMs)
                {
                    continue; // outside what was asked (a service whose end is inclusive): not this request's
                }

                if (time < _window.StartMs)
                {
                    below = true; // older than the window: nothing more of it follows
                    break;
                }

                if (_hasAnchor && time > _frontier)
                {
                    if (!_outOfOrderReported)
                    {
                        _outOfOrderReported = true;
                        _reportGap(new PagingGap(_window, null, $"the service answered a record created at {Describe(time)} after one created at {Describe(_frontier)}, not newest first, so records between them may have been passed over"));
                    }

                    continue;
                }

                if (!_hasAnchor || time < _frontier)
                {
                    _hasAnchor = true;
                    _frontier = time;
                    _skipFrontier = false;
                    _restarts = 0;
                    _ties.Clear();
                    position = 0;
                }
                else
                {
                    position++;
                }

                RecordKey key = _keyOf(item);
                _anchor = key;
                _anchorPosition = position;
                if (_ties.IsNew(key))
                {
                    output.Add(item);
                }
            }

            bool advanced = _hasAnchor && (_frontier < frontierBefore || _anchorPosition > positionBefore);
            _remaining = total.HasValue ? Math.Max(0, total.Value - (request.Offset + count)) : (long?)null;
            if (!_hasAnchor && count >= request.Limit)
            {
                _reportGap(new PagingGap(_window, null, "a full page held no record of the window, so it could not be read on from there"));
            }

            if (below || count == 0 || !_hasAnchor)
            {
                Finish();
                return;
            }

            if (count >= (_aligned ? request.Limit : Math.Min(request.Limit, _pageCap)))
            {
                return; // as full as the service makes its pages: ask on from the anchor (pages planned ahead stay valid)
            }

            Generation++; // shorter than the pages planned ahead assumed
            if (total.HasValue && total.Value <= request.Offset + count)
            {
                Finish(); // shorter than asked, and the answer's own total says nothing is left
            }
            else if (!advanced)
            {
                // Nothing after the anchor. When the total says more, the service cuts its pages just there: step past it once.
                if (total.HasValue && !_aligned && ask.Proof == Proof.Anchor)
                {
                    _next = Proof.AfterAnchor;
                }
                else
                {
                    Finish();
                }
            }
            else if (count >= 2 && count < _pageCap)
            {
                _pageCap = count; // the service answers at most this many records a page: plan ahead with that
            }
        }

        private static string Describe(long ms) => TimeWindows.Format(ms);

        private void Finish()
        {
            Done = true;
            Generation++;
            _ties.Clear();
            ReportGivenUp(null);
        }

        /// <summary>
        /// Reports a millisecond given up, once the answer after it tells how many of its records at least were not read:
        /// the total up to and including that millisecond, minus the total before it, minus the records of it written.
        /// </summary>
        private void ReportGivenUp(long? totalBefore)
        {
            PendingGap gap = _givenUp;
            if (gap == null)
            {
                return;
            }

            _givenUp = null;
            long? missing = gap.TotalThrough.HasValue && totalBefore.HasValue ? Math.Max(0, gap.TotalThrough.Value - totalBefore.Value - gap.Written) : (long?)null;
            _reportGap(new PagingGap(new TimeWindow(gap.Time, gap.Time + 1), missing, $"the records created at {Describe(gap.Time)} changed between every request ({MaxRestarts} attempts to read them again), so they were given up"));
        }

        /// <summary>The anchor is not where the request expected it: records before it moved or it left the filter.</summary>
        private void AnchorMissing(Ask ask)
        {
            Generation++;
            if (ask.Ahead)
            {
                return; // a page planned ahead on a chain that broke: void; the cursor asks on from its anchor
            }

            // Read the anchor's millisecond again from its first record (what was written is remembered).
            _restarts++;
            if (_restarts <= MaxRestarts)
            {
                _next = Proof.FromTop;
                return;
            }

            // The records of that millisecond changed between every request: give them up and read on after them (reported
            // with the next answer, whose total tells how many were not read).
            _givenUp = new PendingGap(_frontier, _lastTotal, _ties.Written);
            _skipFrontier = true;
            _restarts = 0;
            _next = Proof.FromTop;
            _ties.Clear();
        }

        private Ask FromTop(long end, int limit) => new Ask(new PageRequest(_window.StartMs, end, 0, limit), Proof.FromTop, 0, Generation);

        /// <summary>The index of the anchor in the answer: where expected, after it (records added before it), or before it.</summary>
        private int FindAnchor(IReadOnlyList<T> items, int expectedAt)
        {
            bool IsAnchor(T item) => _keyOf(item).Equals(_anchor) && (_timeOf(item) ?? _frontier) == _frontier;

            for (int index = Math.Max(0, expectedAt); index < items.Count; index++)
            {
                if (IsAnchor(items[index]))
                {
                    return index;
                }
            }

            for (int index = Math.Min(expectedAt, items.Count) - 1; index >= 0; index--)
            {
                if (IsAnchor(items[index]))
                {
                    return index;
                }
            }

            return -1;
        }
    }

    /// <summary>A millisecond whose records were given up: its time, the total through it, and how many of it were written.</summary>
    internal sealed class PendingGap
    {
        public PendingGap(long time, long? totalThrough, long written)
        {
            Time = time;
            TotalThrough = totalThrough;
            Written = written;
        }

        public long Time { get; }

        public long? TotalThrough { get; }

        public long Written { get; }
    }

    /// <summary>
    /// Whether the service's totals are believed, for one command: a negative total is no count, and once an answer held
    /// more records than its own total said, no total is believed again (each window then ends on an empty or older answer).
    /// </summary>
    internal sealed class TotalTrust
    {
        private volatile bool _contradicted;

        /// <summary>Gets a value indicating whether totals are still believed.</summary>
        public bool Believed => !_contradicted;

        /// <summary>Returns the total when it is believed, else null; <paramref name="atLeast"/> is what the answer itself proves exists.</summary>
        public long? Check(long? total, long atLeast)
        {
            if (!total.HasValue || total.Value < 0)
            {
                return null;
            }

            if (total.Value < atLeast)
            {
                _contradicted = true;
            }

            return _contradicted ? null : total;
        }
    }
}
