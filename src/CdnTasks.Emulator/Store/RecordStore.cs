// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator.Store;

/// <summary>Filter over url-task records; null members do not filter. Range: Start &lt;= create_time &lt; End.</summary>
internal sealed class UrlFilter
{
    /// <summary>Inclusive lower bound of create_time.</summary>
    public long? Start { get; init; }

    /// <summary>Exclusive upper bound of create_time.</summary>
    public long? End { get; init; }

    /// <summary>Exact URL.</summary>
    public string? Url { get; init; }

    /// <summary>True = PREHEATING, false = REFRESH.</summary>
    public bool? Preheat { get; init; }

    /// <summary>Status at query time.</summary>
    public UrlStatus? Status { get; init; }

    /// <summary>True = directory, false = file.</summary>
    public bool? Directory { get; init; }

    /// <summary>Task id.</summary>
    public long? TaskId { get; init; }

    /// <summary>Cache key of the non-range filters.</summary>
    public (string? Url, bool? Preheat, UrlStatus? Status, bool? Directory, long? TaskId, long? Start, long? End) Key =>
        (Url, Preheat, Status, Directory, TaskId, Start, End);

    /// <summary>True when only the range filters.</summary>
    public bool RangeOnly => Url is null && Preheat is null && Status is null && Directory is null && TaskId is null;
}

/// <summary>
/// In-memory data: url-task records sorted by (create_time, id) ascending, so a time range is a binary
/// search and newest-first paging walks the array backwards; tasks by id; quota usage.
/// </summary>
internal sealed class RecordStore
{
    private readonly object _gate = new();
    private readonly List<UrlRecord> _records;
    private readonly List<TaskInfo> _tasks;
    private readonly Dictionary<long, TaskInfo> _taskById = new();
    private readonly EmulatorOptions _options;
    private readonly long _startedAt;
    private readonly Random _arrivalRandom;
    private long _nextRecordId;
    private long _nextTaskId;
    private long _arrived;
    private long _minDynamicTime = long.MaxValue;
    private readonly Dictionary<object, int[]> _matchCache = new();

    /// <summary>Creates the store with the generated data.</summary>
    public RecordStore(EmulatorOptions options, long now)
    {
        _options = options;
        _startedAt = now;
        _arrivalRandom = new Random(unchecked(options.Seed * 31 + 7));
        (_records, _tasks) = DataGenerator.Generate(options, options.AnchorTime ?? now);
        _records.Sort(Compare);
        _tasks.Sort((a, b) => a.CreateTime != b.CreateTime ? a.CreateTime.CompareTo(b.CreateTime) : a.Id.CompareTo(b.Id));
        foreach (TaskInfo t in _tasks)
        {
            _taskById[t.Id] = t;
        }

        _nextRecordId = (_records.Count == 0 ? 8_000_000 : _records.Max(r => r.Id)) + 1;
        _nextTaskId = (_tasks.Count == 0 ? 400_000 : _tasks.Max(t => t.Id)) + 1;
    }

    /// <summary>URLs submitted via POST: file refresh.</summary>
    public int UsedFileRefresh { get; private set; }

    /// <summary>URLs submitted via POST: directory refresh.</summary>
    public int UsedDirRefresh { get; private set; }

    /// <summary>URLs submitted via POST: preheat.</summary>
    public int UsedPreheat { get; private set; }

    /// <summary>Current time in ms since epoch.</summary>
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static int Compare(UrlRecord a, UrlRecord b) =>
        a.CreateTime != b.CreateTime ? a.CreateTime.CompareTo(b.CreateTime) : a.Id.CompareTo(b.Id);

    private int LowerBound(long time)
    {
        int lo = 0, hi = _records.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_records[mid].CreateTime < time) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    private bool Matches(UrlRecord r, UrlFilter f, long now)
    {
        if (f.TaskId is long tid && r.Task.Id != tid) return false;
        if (f.Preheat is bool p && r.Task.Preheat != p) return false;
        if (f.Directory is bool d && r.Task.Directory != d) return false;
        if (f.Url is string u && !string.Equals(r.Url, u, StringComparison.Ordinal)) return false;
        if (f.Status is UrlStatus s && r.View(now, _options.TaskSeconds, _options.FailureRate, _options.Seed).Status != s) return false;
        return true;
    }

    /// <summary>Newest-first page of matching records and the total match count.</summary>
    public (int Total, List<UrlRecord> Page) Query(UrlFilter filter, int offset, int limit, long now)
    {
        var page = new List<UrlRecord>(Math.Min(limit, 100));
        lock (_gate)
        {
            CatchUpArrivals(now);
            int lo = filter.Start is long s ? LowerBound(s) : 0;
            int hi = filter.End is long e ? LowerBound(e) : _records.Count;
            if (hi < lo) hi = lo;
            if (filter.RangeOnly)
            {
                int total = hi - lo;
                for (int i = hi - 1 - offset, n = 0; i >= lo && n < limit; i--, n++)
                {
                    page.Add(_records[i]);
                }

                return (total, page);
            }

            // Filtered scans are cached while the data cannot change under them: no insert since (the
            // cache is cleared on insert) and no time-dependent record in the range when filtering by status.
            bool cacheable = filter.Status is null || hi <= LowerBound(_minDynamicTime);
            if (cacheable)
            {
                if (!_matchCache.TryGetValue(filter.Key, out int[]? matches))
                {
                    var list = new List<int>();
                    for (int i = lo; i < hi; i++)
                    {
                        if (Matches(_records[i], filter, now)) list.Add(i);
                    }

                    matches = list.ToArray();
                    if (_matchCache.Count >= 64) _matchCache.Clear();
                    _matchCache[filter.Key] = matches;
                }

                for (int k = matches.Length - 1 - offset, n = 0; k >= 0 && n < limit; k--, n++)
                {
                    page.Add(_records[matches[k]]);
                }

                return (matches.Length, page);
            }

            int count = 0;
            for (int i = hi - 1; i >= lo; i--)
            {
                UrlRecord r = _records[i];
                if (!Matches(r, filter, now)) continue;
                if (count >= offset && page.Count < limit) page.Add(r);
                count++;
            }

            return (count, page);
        }
    }

    /// <summary>Number of matching records (test oracle).</summary>
    public int Count(UrlFilter filter, long now) => Query(filter, 0, 0, now).Total;

    /// <summary>Snapshot of all tasks (oldest first).</summary>
    public List<TaskInfo> Tasks(long now)
    {
        lock (_gate)
        {
            CatchUpArrivals(now);
            return new List<TaskInfo>(_tasks);
        }
    }

    /// <summary>Task by id, or null.</summary>
    public TaskInfo? FindTask(long id, long now)
    {
        lock (_gate)
        {
            CatchUpArrivals(now);
            return _taskById.GetValueOrDefault(id);
        }
    }

    /// <summary>Snapshot of a task's URL list.</summary>
    public List<UrlRecord> TaskUrls(TaskInfo task)
    {
        lock (_gate)
        {
            return new List<UrlRecord>(task.Urls);
        }
    }

    /// <summary>Creates a task from a POST; returns null when the quota would be exceeded.</summary>
    public TaskInfo? CreateTask(bool preheat, bool directory, string? mode, bool zhUrlEncode, IReadOnlyList<string> urls, long now)
    {
        lock (_gate)
        {
            CatchUpArrivals(now);
            int used = preheat ? UsedPreheat : directory ? UsedDirRefresh : UsedFileRefresh;
            int limit = preheat ? _options.QuotaPreheat : directory ? _options.QuotaDirRefresh : _options.QuotaFileRefresh;
            if (used + urls.Count > limit) return null;
            if (preheat) UsedPreheat += urls.Count; else if (directory) UsedDirRefresh += urls.Count; else UsedFileRefresh += urls.Count;
            var task = new TaskInfo
            {
                Id = _nextTaskId++, Preheat = preheat, Directory = directory, Mode = directory ? mode : null,
                CreateTime = now, UserCreated = true, ZhUrlEncode = zhUrlEncode,
            };
            foreach (string url in urls)
            {
                AddRecord(new UrlRecord { Id = _nextRecordId++, Task = task, Url = url, CreateTime = now, Dynamic = true });
            }

            AddTask(task);
            return task;
        }
    }

    private void AddTask(TaskInfo task)
    {
        _taskById[task.Id] = task;
        int i = _tasks.Count;
        while (i > 0 && _tasks[i - 1].CreateTime > task.CreateTime) i--;
        _tasks.Insert(i, task);
    }

    private void AddRecord(UrlRecord r)
    {
        _matchCache.Clear();
        if (r.Dynamic && r.CreateTime < _minDynamicTime) _minDynamicTime = r.CreateTime;
        r.Task.Urls.Add(r);
        int i = _records.Count;
        while (i > 0 && Compare(_records[i - 1], r) > 0) i--;
        _records.Insert(i, r);
    }

    /// <summary>Adds the records that should have arrived by now (ArrivalsPerSecond); called under the lock.</summary>
    private void CatchUpArrivals(long now)
    {
        double rate = _options.ArrivalsPerSecond;
        if (rate <= 0) return;
        long due = (long)((now - _startedAt) / 1000.0 * rate);
        while (_arrived < due)
        {
            _arrived++;
            long t = _startedAt + (long)(_arrived * 1000 / rate);
            var task = new TaskInfo { Id = _nextTaskId++, CreateTime = t };
            string url = DataGenerator.RandomUrl(_arrivalRandom, false);
            AddRecord(new UrlRecord { Id = _nextRecordId++, Task = task, Url = url, CreateTime = t, Dynamic = true });
            AddTask(task);
        }
    }
}
