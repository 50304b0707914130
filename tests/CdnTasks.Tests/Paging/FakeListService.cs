// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Concurrent;
using CdnTasks.Api.Paging;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// A record as the fake service answers it. <see cref="Id"/> is null when the service hides it; <see cref="RealId"/>
    /// is the store's id (what the test oracle matches by), and <see cref="Url"/> is unique per record.
    /// </summary>
    internal sealed record Rec(long Time, long? Id, string Url, string Status, long RealId);

    /// <summary>
    /// An in-memory list API like ShowUrlTaskInfo: records created in [start, end), newest first (create time, then id,
    /// descending), paged by offset and limit, with the current number of matches as the total. Before it answers
    /// each request it can change the data as other runbooks and the service itself do (inserts, late-indexed
    /// inserts, status changes, deletions, expiry at the old edge), and it can misbehave as the service's answers
    /// sometimes do (an offset cap, lying totals, records without ids, short pages). It records every call and keeps
    /// the oracle: which records matched the filter throughout, and which matched at any moment.
    /// </summary>
    internal sealed class FakeListService
    {
        private readonly object _gate = new object();
        private readonly List<Row> _rows = new List<Row>();
        private readonly Random _random;
        private long _nextId = 1_000_000;
        private int _callCount;
        private int _inFlight;
        private int _maxInFlight;
        private int _cancelled;
        private bool _started;

        /// <summary>Creates the service with <paramref name="count"/> records spread over [start, end), in groups that share a millisecond (tasks of 1 to 20 URLs).</summary>
        public FakeListService(long start, long end, int count, int seed = 7, bool singleRecordTimes = false)
        {
            Start = start;
            End = end;
            _random = new Random(seed);
            int made = 0;
            while (made < count)
            {
                int roll = _random.Next(100);
                int size = singleRecordTimes ? 1 : roll < 55 ? 1 : roll < 80 ? _random.Next(2, 6) : _random.Next(6, 21);
                size = Math.Min(size, count - made);
                long time = start + (long)(_random.NextDouble() * (end - start));
                for (int i = 0; i < size; i++)
                {
                    AddRow(time, RandomStatus());
                }

                made += size;
            }
        }

        /// <summary>Gets the inclusive start of the data's range.</summary>
        public long Start { get; }

        /// <summary>Gets the exclusive end of the data's range.</summary>
        public long End { get; }

        /// <summary>Gets or sets the status the query filters by (like -Status), or null for every record.</summary>
        public string StatusFilter { get; set; }

        /// <summary>Gets or sets how many records are inserted before each answer.</summary>
        public int InsertPerRequest { get; set; }

        /// <summary>Gets or sets the age range of inserted records, measured back from <see cref="End"/> (late indexing: small ages); null = anywhere in the range.</summary>
        public (long Min, long Max)? InsertAge { get; set; }

        /// <summary>Gets or sets the status of inserted records (default: the filter's, so that they match).</summary>
        public string InsertStatus { get; set; }

        /// <summary>Gets or sets how many processing records finish (succeed or failed) before each answer.</summary>
        public int StatusChangesPerRequest { get; set; }

        /// <summary>Gets or sets how many random records are deleted before each answer.</summary>
        public int DeletesPerRequest { get; set; }

        /// <summary>Gets or sets how many of the oldest records expire before each answer.</summary>
        public int ExpireOldestPerRequest { get; set; }

        /// <summary>Gets or sets the first offset that is not served (0 = no cap).</summary>
        public long OffsetCap { get; set; }

        /// <summary>Gets or sets a value indicating whether offsets past the cap fail (like a 400) instead of answering empty pages.</summary>
        public bool OffsetCapFails { get; set; }

        /// <summary>Gets or sets how the total is reported: "true", "under:0.4", "over:1.5", "negative", "null".</summary>
        public string TotalMode { get; set; } = "true";

        /// <summary>Gets or sets the share of records answered without an id (0 to 1).</summary>
        public double NullIdShare { get; set; }

        /// <summary>Gets or sets the most records of one answer (0 = the limit asked for).</summary>
        public int ShortPageMax { get; set; }

        /// <summary>Gets or sets a value indicating whether offsets must be multiples of the limit (page_number APIs); others fail.</summary>
        public bool Aligned { get; set; }

        /// <summary>Gets or sets a value indicating whether the end of the range is inclusive (records at end_time are answered too).</summary>
        public bool InclusiveEnd { get; set; }

        /// <summary>Gets or sets a hook run under the data lock before each answer (call number from 1, request), after the per-request changes.</summary>
        public Action<int, PageRequest> BeforeAnswer { get; set; }

        /// <summary>Gets every call in the order made.</summary>
        public ConcurrentQueue<PageRequest> Calls { get; } = new ConcurrentQueue<PageRequest>();

        /// <summary>Gets or sets the wait before a page is served (observes the cancellation token).</summary>
        public Func<PageRequest, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

        /// <summary>Gets or sets an exception to throw instead of serving a call (call number from 1), or null.</summary>
        public Func<int, PageRequest, Exception> Fail { get; set; } = (_, _) => null;

        public int CallCount => Volatile.Read(ref _callCount);

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public int InFlight => Volatile.Read(ref _inFlight);

        public int CancelledFetches => Volatile.Read(ref _cancelled);

        /// <summary>The records that match the filter now, newest first, as stored (real ids).</summary>
        public List<Rec> Matching()
        {
            lock (_gate)
            {
                return _rows.Where(r => !r.Deleted && Matches(r.Status)).Select(r => r.Stored()).ToList();
            }
        }

        /// <summary>The records that matched the filter continuously since the first request (real ids, newest first).</summary>
        public List<Rec> Stable()
        {
            lock (_gate)
            {
                return _rows.Where(r => r.MatchedAtStart && !r.LeftFilter).Select(r => r.Stored()).ToList();
            }
        }

        /// <summary>The real ids of every record that matched the filter at any moment since the first request.</summary>
        public HashSet<long> Ever()
        {
            lock (_gate)
            {
                return _rows.Where(r => r.MatchedAtStart || r.MatchedLater).Select(r => r.Id).ToHashSet();
            }
        }

        /// <summary>Serves one request: applies the per-request changes, then answers from the data as it is then.</summary>
        public async Task<Page<Rec>> Fetch(PageRequest request, CancellationToken cancellationToken)
        {
            int number = Interlocked.Increment(ref _callCount);
            Calls.Enqueue(request);
            int now = Interlocked.Increment(ref _inFlight);
            int max;
            while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
            {
            }

            try
            {
                await Task.Yield();
                try
                {
                    TimeSpan delay = Delay(request);
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

                Exception failure = Fail(number, request);
                if (failure != null)
                {
                    throw failure;
                }

                if (Aligned && request.Offset % request.Limit != 0)
                {
                    throw new InvalidOperationException($"offset {request.Offset} is not a multiple of the page size {request.Limit}");
                }

                lock (_gate)
                {
                    MarkStart();
                    Mutate();
                    BeforeAnswer?.Invoke(number, request);
                    if (OffsetCap > 0 && request.Offset >= OffsetCap && OffsetCapFails)
                    {
                        throw new InvalidOperationException($"offset {request.Offset} is past the cap {OffsetCap}");
                    }

                    List<Row> matching = _rows.Where(r => !r.Deleted && r.Time >= request.StartMs && (r.Time < request.EndMs || (InclusiveEnd && r.Time == request.EndMs)) && Matches(r.Status)).ToList();
                    int limit = ShortPageMax > 0 ? Math.Min(ShortPageMax, request.Limit) : request.Limit;
                    Rec[] items = OffsetCap > 0 && request.Offset >= OffsetCap
                        ? Array.Empty<Rec>()
                        : matching.Skip((int)Math.Min(request.Offset, int.MaxValue)).Take(limit).Select(Serve).ToArray();
                    return new Page<Rec>(ReportedTotal(matching.Count), items);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        /// <summary>The key the module would use: the id, or (without one) the URL and time.</summary>
        public static RecordKey KeyOf(Rec record) => record.Id.HasValue ? RecordKey.OfId(record.Id.Value) : RecordKey.OfContent(record.Url + "\n" + record.Time);

        /// <summary>A pager over this service, reading <paramref name="windows"/>.</summary>
        public Pager<Rec> Pager(IReadOnlyList<TimeWindow> windows, int pageSize, int concurrency = 1) =>
            new Pager<Rec>(windows, Fetch, pageSize, r => r.Time, KeyOf) { Concurrency = concurrency };

        /// <summary>A pager over the whole range of the data in one window.</summary>
        public Pager<Rec> Pager(int pageSize, int concurrency = 1) => Pager(new[] { new TimeWindow(Start, End) }, pageSize, concurrency);

        /// <summary>Adds a record now (as another runbook would), keeping the service's order.</summary>
        public Rec Insert(long time, string status)
        {
            lock (_gate)
            {
                return AddRow(time, status).Stored();
            }
        }

        /// <summary>Deletes the record with this real id now; false when there is none.</summary>
        public bool Delete(long realId)
        {
            lock (_gate)
            {
                Row row = _rows.FirstOrDefault(r => r.Id == realId && !r.Deleted);
                if (row == null)
                {
                    return false;
                }

                bool matched = Matches(row.Status);
                row.Deleted = true;
                Changed(row, matched);
                return true;
            }
        }

        /// <summary>Gives a record a new status now (as the service does when a URL finishes).</summary>
        public void SetStatus(long realId, string status)
        {
            lock (_gate)
            {
                Row row = _rows.First(r => r.Id == realId && !r.Deleted);
                bool matched = Matches(row.Status);
                row.Status = status;
                Changed(row, matched);
            }
        }

        private static bool Terminal(string status) => status == "succeed" || status == "failed";

        private bool Matches(string status) => StatusFilter == null || status == StatusFilter;

        private string RandomStatus()
        {
            int roll = _random.Next(100);
            return roll < 60 ? "succeed" : roll < 70 ? "failed" : roll < 90 ? "processing" : "waiting";
        }

        private Row AddRow(long time, string status)
        {
            var row = new Row { Id = _nextId++, Time = time, Status = status };
            row.MatchedLater = _started && Matches(status);
            int at = 0;
            while (at < _rows.Count && Compare(_rows[at], row) < 0)
            {
                at++;
            }

            _rows.Insert(at, row);
            return row;
        }

        /// <summary>Service order: newest first, then the larger id first.</summary>
        private static int Compare(Row a, Row b) => a.Time != b.Time ? b.Time.CompareTo(a.Time) : b.Id.CompareTo(a.Id);

        private void MarkStart()
        {
            if (_started)
            {
                return;
            }

            _started = true;
            foreach (Row row in _rows)
            {
                row.MatchedAtStart = !row.Deleted && Matches(row.Status);
            }
        }

        private void Mutate()
        {
            for (int i = 0; i < InsertPerRequest; i++)
            {
                long time = InsertAge.HasValue
                    ? End - InsertAge.Value.Min - (long)(_random.NextDouble() * (InsertAge.Value.Max - InsertAge.Value.Min))
                    : Start + (long)(_random.NextDouble() * (End - Start));
                AddRow(Math.Max(Start, Math.Min(End - 1, time)), InsertStatus ?? StatusFilter ?? RandomStatus());
            }

            for (int i = 0; i < StatusChangesPerRequest; i++)
            {
                List<Row> open = _rows.Where(r => !r.Deleted && !Terminal(r.Status)).ToList();
                if (open.Count == 0)
                {
                    break;
                }

                Row row = open[_random.Next(open.Count)];
                bool matched = Matches(row.Status);
                row.Status = _random.Next(4) == 0 ? "failed" : "succeed";
                Changed(row, matched);
            }

            for (int i = 0; i < DeletesPerRequest; i++)
            {
                List<Row> live = _rows.Where(r => !r.Deleted).ToList();
                if (live.Count == 0)
                {
                    break;
                }

                Row row = live[_random.Next(live.Count)];
                bool matched = Matches(row.Status);
                row.Deleted = true;
                Changed(row, matched);
            }

            for (int i = 0; i < ExpireOldestPerRequest; i++)
            {
                Row oldest = _rows.LastOrDefault(r => !r.Deleted);
                if (oldest == null)
                {
                    break;
                }

                bool matched = Matches(oldest.Status);
                oldest.Deleted = true;
                Changed(oldest, matched);
            }
        }

        private void Changed(Row row, bool matchedBefore)
        {
            bool matchesNow = !row.Deleted && Matches(row.Status);
            if (matchedBefore && !matchesNow)
            {
                row.LeftFilter = true;
            }

            if (!matchedBefore && matchesNow)
            {
                row.MatchedLater = true;
            }
        }

        private long? ReportedTotal(long total)
        {
            string mode = TotalMode ?? "true";
            if (mode == "null")
            {
                return null;
            }

            if (mode == "negative")
            {
                return -Math.Max(1, total);
            }

            if (mode.StartsWith("under:", StringComparison.Ordinal) || mode.StartsWith("over:", StringComparison.Ordinal))
            {
                double factor = double.Parse(mode.AsSpan(mode.IndexOf(':') + 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
                return (long)(total * factor);
            }

            return total;
        }

        private Rec Serve(Row row)
        {
            bool hidden = NullIdShare > 0 && (((row.Id * 2654435761L) & 0xFFFF) / 65536.0) < NullIdShare;
            return new Rec(row.Time, hidden ? null : row.Id, row.Url, row.Status, row.Id);
        }

        private sealed class Row
        {
            public long Id;
            public long Time;
            public string Status;
            public bool Deleted;
            public bool MatchedAtStart;
            public bool LeftFilter;
            public bool MatchedLater;

            public string Url => "https://www.example.com/r/" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

            public Rec Stored() => new Rec(Time, Id, Url, Status, Id);
        }
    }
}
