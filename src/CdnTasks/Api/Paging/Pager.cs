// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api.Paging
{
    /// <summary>
    /// The paging engine, in four steps:
    /// <list type="number">
    /// <item><b>Plan windows.</b> The range is a list of time windows, newest first (ShowUrlTaskInfo takes at most
    /// 24 hours a request; the history APIs take the range as one window). Each window is read by a
    /// <see cref="KeysetCursor{T}"/>, which keeps it complete while the data changes.</item>
    /// <item><b>Fetch pages.</b> Up to <see cref="Concurrency"/> requests are in flight: first the next page of the
    /// window being written, then pages planned ahead in the windows being read, then the first page of the next window.
    /// With <see cref="First"/> nothing is asked that the records still needed cannot require.</item>
    /// <item><b>Put them in order.</b> A window's answers are taken in the order asked; its records are handed out only
    /// after every record of the windows before it. At most <see cref="Concurrency"/> pages wait for their turn.</item>
    /// <item><b>Write records.</b> <see cref="NextPageAsync"/> hands out one page's worth at a time, after
    /// <see cref="Skip"/> and up to <see cref="First"/>; null at the end.</item>
    /// </list>
    /// A failed request stops further requests for its window and later ones and surfaces in its turn, after every
    /// record before it. Records that could not be read are listed in <see cref="Gaps"/>.
    /// </summary>
    internal sealed class Pager<T>
    {
        private readonly IReadOnlyList<TimeWindow> _windows;
        private readonly PageFetcher<T> _fetch;
        private readonly Func<T, long?> _timeOf;
        private readonly Func<T, RecordKey> _keyOf;
        private readonly long?[] _windowTotals;
        private readonly List<Reader> _readers = new List<Reader>();
        private readonly List<PagingGap> _gaps = new List<PagingGap>();
        private readonly TotalTrust _trust = new TotalTrust();
        private readonly List<Task<Page<T>>> _oldest = new List<Task<Page<T>>>();
        private long _waits;
        private CancellationTokenSource _stop;
        private int _nextWindow;
        private int _currentWindow;
        private long _emitted;
        private long _skipped;
        private long _requests;

        /// <param name="windows">The windows to read, in output order (newest first).</param>
        /// <param name="fetch">Fetches one page.</param>
        /// <param name="pageSize">Records per request.</param>
        /// <param name="timeOf">A record's creation time in ms (the order of the list), or null when it has none.</param>
        /// <param name="keyOf">What tells records apart (<see cref="RecordKey"/>).</param>
        public Pager(IReadOnlyList<TimeWindow> windows, PageFetcher<T> fetch, int pageSize, Func<T, long?> timeOf, Func<T, RecordKey> keyOf)
        {
            if (windows == null || windows.Count == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(windows), "At least one window is needed.");
            }

            if (pageSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(pageSize));
            }

            _windows = windows;
            _fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
            _timeOf = timeOf ?? throw new ArgumentNullException(nameof(timeOf));
            _keyOf = keyOf ?? throw new ArgumentNullException(nameof(keyOf));
            _windowTotals = new long?[windows.Count];
            PageSize = pageSize;
        }

        /// <summary>Gets the records per request.</summary>
        public int PageSize { get; }

        /// <summary>Gets or sets how many records to skip at the start (PowerShell's -Skip).</summary>
        public long Skip { get; set; }

        /// <summary>Gets or sets the most records to hand out (PowerShell's -First, or the default limit), or null for all.</summary>
        public long? First { get; set; }

        /// <summary>Gets or sets how many requests may be in flight at once (1 = strictly one after the other).</summary>
        public int Concurrency { get; set; } = 1;

        /// <summary>Gets or sets a value indicating whether offsets must be multiples of the limit (page_number/page_size APIs).</summary>
        public bool AlignedOffsets { get; set; }

        /// <summary>Gets or sets the largest limit the API takes (page_number APIs ask for larger pages to prove their answers).</summary>
        public int MaxPageSize { get; set; } = int.MaxValue;

        /// <summary>Gets how many records were handed out.</summary>
        public long Emitted => Interlocked.Read(ref _emitted);

        /// <summary>Gets how many times the pager waited for answers (at most once per answer: it never spins).</summary>
        internal long Waits => Interlocked.Read(ref _waits);

        /// <summary>Gets how many requests were made (counts included).</summary>
        public long PagesRequested => Interlocked.Read(ref _requests);

        /// <summary>Gets the index of the window being written.</summary>
        public int CurrentWindow => Volatile.Read(ref _currentWindow);

        /// <summary>Gets the number of windows.</summary>
        public int WindowCount => _windows.Count;

        /// <summary>Gets the records that could not be read.</summary>
        public IReadOnlyList<PagingGap> Gaps => _gaps;

        /// <summary>Gets how many record keys are remembered now for de-duplication (only records that can be read twice).</summary>
        public int RememberedKeys => _readers.Sum(r => r.Cursor.RememberedKeys);

        /// <summary>Gets a value indicating whether records may follow those handed out (the reading stopped at <see cref="First"/>).</summary>
        public bool MayHaveMore => _readers.Any(r => !r.Cursor.Done || r.Ready.Count > 0) || _nextWindow < _windows.Count;

        /// <summary>Gets the sum of the window totals known so far and whether every window's total is known (and believed).</summary>
        public long KnownTotal(out bool complete)
        {
            long sum = 0;
            complete = _trust.Believed;
            foreach (long? total in _windowTotals)
            {
                sum += total ?? 0;
                complete &= total.HasValue;
            }

            return sum;
        }

        /// <summary>
        /// Hands out the next records in order (what is left of one answer after -Skip, de-duplication and -First),
        /// or null when there are no more. Call it again only after the previous call completed.
        /// </summary>
        public async Task<IReadOnlyList<T>> NextPageAsync(CancellationToken cancellationToken)
        {
            if (_stop == null)
            {
                _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            }

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (First.HasValue && Emitted >= First.Value)
                {
                    Stop();
                    return null;
                }

                Reader head = Head();
                if (head == null)
                {
                    return null;
                }

                if (head.Ready.Count > 0)
                {
                    List<T> chunk = Hand(head);
                    if (chunk.Count > 0)
                    {
                        return chunk;
                    }

                    continue;
                }

                if (head.Failure != null)
                {
                    Stop();
                    ExceptionDispatchInfo.Capture(head.Failure).Throw();
                }

                if (head.Cursor.Done && head.InFlight.Count == 0)
                {
                    _readers.RemoveAt(0);
                    continue;
                }

                Schedule();

                // A window's answers are taken in the order asked, so only the oldest request of each window can move things
                // on: waiting for any request would return at once, again and again, while a later one is done and the
                // oldest is not.
                _oldest.Clear();
                foreach (Reader reader in _readers)
                {
                    if (reader.InFlight.Count > 0)
                    {
                        _oldest.Add(reader.InFlight.Peek().Task);
                    }
                }

                if (_oldest.Count == 0)
                {
                    throw new InvalidOperationException("The pager has nothing to ask and nothing to wait for."); // a bug, never a hang
                }

                Interlocked.Increment(ref _waits);
                await Task.WhenAny(_oldest).ConfigureAwait(false);
                TakeAnswers();
            }
        }

        /// <summary>
        /// The number of matching records in the whole range: the window totals already known, and one small request
        /// (limit 1) for each window not asked yet. Null when the service did not say (or its totals are not believed).
        /// </summary>
        public async Task<long?> CountAsync(CancellationToken cancellationToken)
        {
            using (var throttle = new SemaphoreSlim(Math.Max(1, Concurrency)))
            {
                var counts = new List<Task>();
                for (int i = 0; i < _windows.Count && !counts.Any(t => t.IsFaulted || t.IsCanceled); i++)
                {
                    if (_windowTotals[i].HasValue)
                    {
                        continue;
                    }

                    int index = i;
                    await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                    counts.Add(Task.Run(
                        async () =>
                        {
                            try
                            {
                                Interlocked.Increment(ref _requests);
                                var request = new PageRequest(_windows[index].StartMs, _windows[index].EndMs, 0, 1, index);
                                Page<T> page = await _fetch(request, cancellationToken).ConfigureAwait(false);
                                _windowTotals[index] = _trust.Check(page.Total, page.Items.Count);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        },
                        cancellationToken));
                }

                await Task.WhenAll(counts).ConfigureAwait(false);
            }

            long sum = KnownTotal(out bool complete);
            return complete ? sum : (long?)null;
        }

        /// <summary>Cancels every request in flight and stops reading (when the consumer stops early). Idempotent.</summary>
        public void Stop()
        {
            try
            {
                _stop?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            foreach (Reader reader in _readers)
            {
                Abandon(reader);
            }
        }

        /// <summary>The window being written: opens the next one when none is open; null when every window is read.</summary>
        private Reader Head()
        {
            if (_readers.Count == 0 && _nextWindow < _windows.Count)
            {
                Open();
            }

            if (_readers.Count == 0)
            {
                return null;
            }

            Volatile.Write(ref _currentWindow, _readers[0].Window);
            return _readers[0];
        }

        private void Open()
        {
            int index = _nextWindow++;
            var cursor = new KeysetCursor<T>(_windows[index], PageSize, AlignedOffsets, MaxPageSize, _timeOf, _keyOf, _trust, _gaps.Add);
            _readers.Add(new Reader(index, cursor));
        }

        /// <summary>Hands out the head's next chunk after -Skip and up to -First.</summary>
        private List<T> Hand(Reader head)
        {
            List<T> chunk = head.Ready.Dequeue();
            head.ReadyRecords -= chunk.Count;
            int skip = (int)Math.Min(chunk.Count, Math.Max(0, Skip - _skipped));
            _skipped += skip;
            int take = (int)Math.Min(chunk.Count - skip, First.HasValue ? First.Value - Emitted : long.MaxValue);
            if (skip > 0 || take < chunk.Count)
            {
                chunk = chunk.GetRange(skip, take);
            }

            Interlocked.Add(ref _emitted, chunk.Count);
            return chunk;
        }

        /// <summary>Fills free request slots, in output order: the head's next page first, the next window's first page last.</summary>
        private void Schedule()
        {
            int concurrency = Math.Max(1, Concurrency);
            while (_readers.Sum(r => r.InFlight.Count) < concurrency && IssueNext(concurrency))
            {
            }
        }

        private bool IssueNext(int concurrency)
        {
            // With -First: the records still needed, and those on their way (unknown once a window's yield is unknown).
            long needed = First.HasValue ? Skip + First.Value - _skipped - Emitted : long.MaxValue;
            long? expected = 0;
            int held = _readers.Skip(1).Sum(r => r.Ready.Count) + _readers.Sum(r => r.InFlight.Count);
            bool roomToHold = held < (concurrency == 1 ? 1 : 2 * concurrency);
            for (int i = 0; i < _readers.Count; i++)
            {
                Reader reader = _readers[i];
                if (reader.Failure != null)
                {
                    return false; // a failed request stops everything after it; it surfaces in its turn
                }

                // The head may always ask for its next page; any other page only while the pages held stay within bounds
                // and the records on their way may still fall short of what is needed.
                long? onTheWay = expected + reader.ReadyRecords + ((long)reader.InFlight.Count * reader.Cursor.RecordsPerPageAhead);
                bool head = i == 0 && reader.InFlight.Count == 0;
                if (head || (roomToHold && Wanted(onTheWay, needed)))
                {
                    Ask ask = reader.Cursor.Plan(reader.InFlight.Count);
                    if (ask != null)
                    {
                        Issue(reader, ask);
                        return true;
                    }
                }

                expected = onTheWay + reader.Cursor.Remaining;
            }

            if (_nextWindow < _windows.Count && roomToHold && Wanted(expected, needed))
            {
                Open();
                return true;
            }

            return false;
        }

        /// <summary>Whether a page may be asked for: always for every record (-All); with -First only while what is on its way falls short.</summary>
        private bool Wanted(long? expected, long needed) => !First.HasValue || (expected.HasValue && expected.Value < needed);

        private void Issue(Reader reader, Ask ask)
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            Interlocked.Increment(ref _requests);
            Task<Page<T>> task;
            try
            {
                task = _fetch(ask.Request.InWindow(reader.Window), cancel.Token);
            }
            catch (Exception ex)
            {
                task = Task.FromException<Page<T>>(ex);
            }

            reader.InFlight.Enqueue(new Fetch(ask, task, cancel));
        }

        /// <summary>Absorbs every answer whose turn has come (each window's answers in the order asked).</summary>
        private void TakeAnswers()
        {
            foreach (Reader reader in _readers)
            {
                while (reader.Failure == null && reader.InFlight.Count > 0 && reader.InFlight.Peek().Task.IsCompleted)
                {
                    Fetch fetch = reader.InFlight.Dequeue();
                    fetch.Cancel.Dispose();
                    if (fetch.Ask.Generation != reader.Cursor.Generation || reader.Cursor.Done)
                    {
                        Observe(fetch.Task); // planned ahead on a chain that broke since (or the window is done): void
                        continue;
                    }

                    if (fetch.Task.Status != TaskStatus.RanToCompletion)
                    {
                        _stop.Token.ThrowIfCancellationRequested();
                        reader.Failure = fetch.Task.IsFaulted ? fetch.Task.Exception.InnerException : new OperationCanceledException();
                        Abandon(reader);
                        break;
                    }

                    var records = new List<T>(fetch.Task.Result.Items.Count);
                    reader.Cursor.Absorb(fetch.Ask, fetch.Task.Result, records);
                    if (records.Count > 0)
                    {
                        reader.Ready.Enqueue(records);
                        reader.ReadyRecords += records.Count;
                    }

                    if (reader.Cursor.WindowTotal.HasValue)
                    {
                        _windowTotals[reader.Window] = reader.Cursor.WindowTotal;
                    }

                    if (fetch.Ask.Generation != reader.Cursor.Generation)
                    {
                        Abandon(reader); // the pages planned ahead of this answer cannot be proved any more (or the window is done)
                    }
                }
            }
        }

        /// <summary>Cancels a window's requests in flight; their outcome is observed and dropped.</summary>
        private static void Abandon(Reader reader)
        {
            while (reader.InFlight.Count > 0)
            {
                Fetch fetch = reader.InFlight.Dequeue();
                fetch.Cancel.Cancel();
                Observe(fetch.Task, fetch.Cancel);
            }
        }

        /// <summary>Observes a dropped request's outcome (so that it is never reported as unobserved) and then frees its cancellation source.</summary>
        private static void Observe(Task task, CancellationTokenSource cancel = null) =>
            _ = task.ContinueWith(
                t =>
                {
                    _ = t.Exception;
                    cancel?.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

        /// <summary>One window being read: its cursor, its requests in flight (in the order asked) and its records waiting for their turn.</summary>
        private sealed class Reader
        {
            public Reader(int window, KeysetCursor<T> cursor)
            {
                Window = window;
                Cursor = cursor;
            }

            public int Window { get; }

            public KeysetCursor<T> Cursor { get; }

            public Queue<Fetch> InFlight { get; } = new Queue<Fetch>();

            public Queue<List<T>> Ready { get; } = new Queue<List<T>>();

            public int ReadyRecords { get; set; }

            public Exception Failure { get; set; }
        }

        private sealed class Fetch
        {
            public Fetch(Ask ask, Task<Page<T>> task, CancellationTokenSource cancel)
            {
                Ask = ask;
                Task = task;
                Cancel = cancel;
            }

            public Ask Ask { get; }

            public Task<Page<T>> Task { get; }

            public CancellationTokenSource Cancel { get; }
        }
    }
}
