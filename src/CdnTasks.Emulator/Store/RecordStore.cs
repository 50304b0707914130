// Copyright (c) CdnTasks contributors. MIT License.
using System.Security.Cryptography;
using System.Text;

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

    /// <summary>Cache key of the filter.</summary>
    public (string? Url, bool? Preheat, UrlStatus? Status, bool? Directory, long? TaskId, long? Start, long? End) Key =>
        (Url, Preheat, Status, Directory, TaskId, Start, End);

    /// <summary>True when only the range filters.</summary>
    public bool RangeOnly => Url is null && Preheat is null && Status is null && Directory is null && TaskId is null;

    /// <summary>Whether the record's unchanging attributes (all but status) match.</summary>
    public bool MatchesFixed(UrlRecord r) =>
        (Start is not long s || r.CreateTime >= s) && (End is not long e || r.CreateTime < e)
        && (TaskId is not long tid || r.Task.Id == tid) && (Preheat is not bool p || r.Task.Preheat == p)
        && (Directory is not bool d || r.Task.Directory == d) && (Url is not string u || string.Equals(r.Url, u, StringComparison.Ordinal));

    /// <summary>Whether a status matches.</summary>
    public bool MatchesStatus(UrlStatus status) => Status is not UrlStatus s || s == status;
}

/// <summary>Filter over tasks (ShowHistoryTasks); null members do not filter. Range: Start &lt;= create_time &lt; End.</summary>
internal sealed class TaskFilter
{
    /// <summary>Inclusive lower bound of create_time.</summary>
    public long? Start { get; init; }

    /// <summary>Exclusive upper bound of create_time.</summary>
    public long? End { get; init; }

    /// <summary>True = preheating, false = refresh.</summary>
    public bool? Preheat { get; init; }

    /// <summary>True = directory, false = file.</summary>
    public bool? Directory { get; init; }

    /// <summary>True = task_inprocess, false = task_done.</summary>
    public bool? InProcess { get; init; }

    /// <summary>Enterprise project ids to include; null = all.</summary>
    public IReadOnlySet<string>? Projects { get; init; }

    /// <summary>Whether the task's unchanging attributes (all but status) match.</summary>
    public bool MatchesFixed(TaskInfo t) =>
        (Start is not long s || t.CreateTime >= s) && (End is not long e || t.CreateTime < e)
        && (Preheat is not bool p || t.Preheat == p) && (Directory is not bool d || t.Directory == d)
        && (Projects is null || Projects.Contains(t.EnterpriseProjectId));
}

/// <summary>URL counters of a task at one moment.</summary>
internal readonly record struct TaskCounts(int Processing, int Succeed, int Failed, int Total)
{
    /// <summary>"task_inprocess" while any URL is not final, else "task_done".</summary>
    public string Status => Processing > 0 ? "task_inprocess" : "task_done";
}

/// <summary>A task and its counters, taken under the store's lock.</summary>
internal readonly record struct TaskRow(TaskInfo Task, TaskCounts Counts);

/// <summary>One answer page of url-task records.</summary>
internal sealed record UrlPage(int Total, List<UrlView> Items, Mutation? Mutation, bool OffsetCapped);

/// <summary>A record to create through POST /_emulator/records.</summary>
internal sealed record SeedRecord(
    string Url, UrlStatus Status, bool Preheat, bool Directory, string? Mode, long CreateTime, long? ModifyTime,
    string? FailClassify, string? FailDesc, string? Group, string EnterpriseProjectId);

/// <summary>An oracle entry: a record's (or task's) real id, url (null for tasks), create_time and latest status.</summary>
internal readonly record struct OracleEntry(long Id, string? Url, long CreateTime, string Status);

/// <summary>
/// In-memory data: url-task records sorted by (create_time, id) ascending, so a time range is a binary
/// search and newest-first paging walks the array backwards; tasks sorted the same way and by id; quota
/// usage; scheduled status steps; the change log and the live mutations. Everything under one lock.
/// </summary>
internal sealed class RecordStore
{
    private static readonly string[] Classes = { "ORIGIN_ERROR", "INNER_ERROR", "UNKNOWN_ERROR" };
    private static readonly string[] OriginDescs = { "origin server returned 502", "origin server returned 404", "origin connection timed out" };

    private readonly object _gate = new();
    private readonly EmulatorOptions _options;
    private readonly Accounts.AccountModel _account;
    private readonly List<UrlRecord> _records = new();
    private readonly List<TaskInfo> _tasks = new();
    private readonly Dictionary<long, TaskInfo> _taskById = new();
    private readonly PriorityQueue<UrlRecord, long> _due = new();
    private readonly List<UrlRecord> _inProcess = new();
    private readonly Dictionary<object, int[]> _matchCache = new();
    private readonly ChangeLog _log = new();
    private readonly Dictionary<ApiKind, Mutation> _mutationByApi = new();
    private Mutation[] _mutations = Array.Empty<Mutation>();
    private List<OutcomeRule> _outcomes = new();
    private long _quotaDay = long.MinValue;
    private Random _random;
    private Random _arrivalRandom;
    private long _arrivalsFrom;
    private long _arrived;
    private long _nextRecordId;
    private long _nextTaskId;
    private long _seq;

    /// <summary>Creates the store with the generated data (URLs on the account's domains).</summary>
    public RecordStore(EmulatorOptions options, Accounts.AccountModel account, long now)
    {
        _options = options;
        _account = account;
        _random = new Random(options.Seed);
        _arrivalRandom = new Random(unchecked(options.Seed * 31 + 7));
        Load(new GeneratorSettings(options.Records, options.Days, options.Seed, options.AnchorTime ?? now), now);
    }

    private int UsedFileRefresh { get; set; }

    private int UsedDirRefresh { get; set; }

    private int UsedPreheat { get; set; }

    /// <summary>The data clock in ms since epoch: real time plus the offset set by POST /_emulator/clock.</summary>
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + Interlocked.Read(ref s_clockOffsetMs);

    private static long s_clockOffsetMs;

    /// <summary>Offset of the data clock from real time (record ages, task life cycles, the quota day; not signatures).</summary>
    public static long ClockOffsetMs
    {
        get => Interlocked.Read(ref s_clockOffsetMs);
        set => Interlocked.Exchange(ref s_clockOffsetMs, value);
    }

    private static int Compare(UrlRecord a, UrlRecord b) =>
        a.CreateTime != b.CreateTime ? a.CreateTime.CompareTo(b.CreateTime) : a.Id.CompareTo(b.Id);

    private static int Compare(TaskInfo a, TaskInfo b) =>
        a.CreateTime != b.CreateTime ? a.CreateTime.CompareTo(b.CreateTime) : a.Id.CompareTo(b.Id);

    #region Loading and reset

    /// <summary>
    /// Empties the store (no records, no tasks, no quota usage, no mutations, no change log), then fills it
    /// from <paramref name="generator"/> when given.
    /// </summary>
    public void Reset(GeneratorSettings? generator, long now)
    {
        lock (_gate)
        {
            _random = new Random(generator?.Seed ?? _options.Seed);
            _arrivalRandom = new Random(unchecked((generator?.Seed ?? _options.Seed) * 31 + 7));
            Load(generator ?? new GeneratorSettings(0, 1, _options.Seed, now), now);
        }
    }

    private void Load(GeneratorSettings generator, long now)
    {
        generator = generator with { ProcessingMinutes = _options.GeneratedTaskMinutes, Hosts = _account.GeneratorHosts() };
        _records.Clear();
        _tasks.Clear();
        _taskById.Clear();
        _due.Clear();
        _inProcess.Clear();
        _matchCache.Clear();
        _log.Clear();
        _mutations = Array.Empty<Mutation>();
        _mutationByApi.Clear();
        _seq = 0;
        _arrivalsFrom = now;
        _arrived = 0;
        UsedFileRefresh = UsedDirRefresh = UsedPreheat = 0;
        _quotaDay = long.MinValue;
        _outcomes = new List<OutcomeRule>();
        var (records, tasks) = DataGenerator.Generate(generator);
        records.Sort(Compare);
        tasks.Sort(Compare);
        _records.AddRange(records);
        _tasks.AddRange(tasks);
        foreach (TaskInfo t in tasks) _taskById[t.Id] = t;
        foreach (UrlRecord r in records)
        {
            if (r.DueTime != long.MaxValue) _due.Enqueue(r, r.DueTime);
            Track(r);
        }

        _nextRecordId = (records.Count == 0 ? 8_000_000 : records.Max(r => r.Id)) + 1;
        _nextTaskId = (tasks.Count == 0 ? 400_000 : tasks.Max(t => t.Id)) + 1;
    }

    #endregion

    #region Changes (all under the lock)

    private void Changed() => _matchCache.Clear();

    /// <summary>Keeps <see cref="_inProcess"/> (live records not yet final) in step with a record's state.</summary>
    private void Track(UrlRecord r)
    {
        bool inProcess = r.DeleteSeq == 0 && !UrlRecord.IsFinal(r.Status);
        if (inProcess && r.InProcessIndex < 0)
        {
            r.InProcessIndex = _inProcess.Count;
            _inProcess.Add(r);
        }
        else if (!inProcess && r.InProcessIndex >= 0)
        {
            UrlRecord last = _inProcess[^1];
            _inProcess[r.InProcessIndex] = last;
            last.InProcessIndex = r.InProcessIndex;
            _inProcess.RemoveAt(_inProcess.Count - 1);
            r.InProcessIndex = -1;
        }
    }

    private void Log(ChangeKind kind, UrlRecord? r, TaskInfo t, UrlStatus old, UrlStatus now) => _log.Add(new Change(_seq, kind, r, t, old, now));

    private void InsertTask(TaskInfo t)
    {
        t.InsertSeq = ++_seq;
        Log(ChangeKind.Insert, null, t, default, default);
        _taskById[t.Id] = t;
        _tasks.Insert(IndexOf(t), t);
    }

    private void InsertRecord(UrlRecord r)
    {
        r.InsertSeq = ++_seq;
        Log(ChangeKind.Insert, r, r.Task, r.Status, r.Status);
        r.Task.Urls.Add(r);
        _records.Insert(IndexOf(r), r);
        if (r.DueTime != long.MaxValue) _due.Enqueue(r, r.DueTime);
        Track(r);
        Changed();
    }

    /// <summary>Position of <paramref name="r"/> in the sorted record list (or where it would go).</summary>
    private int IndexOf(UrlRecord r)
    {
        int lo = 0, hi = _records.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(_records[mid], r) < 0) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    /// <summary>Position of <paramref name="t"/> in the sorted task list (or where it would go).</summary>
    private int IndexOf(TaskInfo t)
    {
        int lo = 0, hi = _tasks.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(_tasks[mid], t) < 0) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    private void DeleteRecord(UrlRecord r, bool deleteEmptyTask = true)
    {
        if (r.DeleteSeq != 0) return;
        r.DeleteSeq = ++_seq;
        Log(ChangeKind.Delete, r, r.Task, r.Status, r.Status);
        int i = IndexOf(r);
        if (i < _records.Count && ReferenceEquals(_records[i], r)) _records.RemoveAt(i);
        Track(r);
        Changed();
        if (deleteEmptyTask && r.Task.Urls.All(u => u.DeleteSeq != 0)) DeleteTask(r.Task);
    }

    private void DeleteTask(TaskInfo t)
    {
        if (t.DeleteSeq != 0) return;
        foreach (UrlRecord u in t.Urls) DeleteRecord(u, deleteEmptyTask: false);
        t.DeleteSeq = ++_seq;
        Log(ChangeKind.Delete, null, t, default, default);
        _taskById.Remove(t.Id);
        int i = IndexOf(t);
        if (i < _tasks.Count && ReferenceEquals(_tasks[i], t)) _tasks.RemoveAt(i);
    }

    private void SetStatus(UrlRecord r, UrlStatus status, long modifyTime, string? failClassify, string? failDesc)
    {
        UrlStatus old = r.Status;
        r.Status = status;
        r.ModifyTime = modifyTime;
        r.FailClassify = status == UrlStatus.Failed ? failClassify : null;
        r.FailDesc = status == UrlStatus.Failed ? failDesc : null;
        r.Version++;
        ++_seq;
        Log(ChangeKind.Status, r, r.Task, old, status);
        Track(r);
        Changed();
    }

    /// <summary>Brings the data up to <paramref name="now"/>: arrivals, then every status step that fell due.</summary>
    private void Advance(long now)
    {
        CatchUpArrivals(now);
        while (_due.TryPeek(out UrlRecord? r, out long due) && due <= now)
        {
            _due.Dequeue();
            if (r.DeleteSeq != 0 || r.DueTime != due) continue;
            if (r.Status == UrlStatus.Waiting && r.FinishTime > due)
            {
                SetStatus(r, r.Task.Preheat ? UrlStatus.Preheating : UrlStatus.Refreshing, due, null, null);
                r.DueTime = r.FinishTime;
                _due.Enqueue(r, r.DueTime);
            }
            else
            {
                SetStatus(r, r.Final.Status, r.FinishTime, r.Final.FailClassify, r.Final.FailDesc);
                r.DueTime = long.MaxValue;
            }
        }
    }

    /// <summary>Adds the records that should have arrived by now (ArrivalsPerSecond).</summary>
    private void CatchUpArrivals(long now)
    {
        double rate = _options.ArrivalsPerSecond;
        if (rate <= 0) return;
        long due = (long)((now - _arrivalsFrom) / 1000.0 * rate);
        while (_arrived < due)
        {
            _arrived++;
            long t = _arrivalsFrom + (long)(_arrived * 1000 / rate);
            var task = new TaskInfo { Id = _nextTaskId++, CreateTime = t };
            InsertTask(task);
            string url = DataGenerator.RandomUrl(_arrivalRandom, false, _account.GeneratorHosts());
            InsertRecord(LifeCycle(task, url, t, DefaultOutcome(url, task.Id), (long)(_options.TaskSeconds * 1000)));
        }
    }

    /// <summary>A new record that waits (the first fifth of <paramref name="total"/> ms), then refreshes (preheats), then ends with <paramref name="final"/>.</summary>
    private UrlRecord LifeCycle(TaskInfo task, string url, long created, Outcome final, long total)
    {
        return new UrlRecord
        {
            Id = _nextRecordId++, Task = task, Url = url, CreateTime = created, Status = UrlStatus.Waiting, ModifyTime = created,
            DueTime = created + total / 5, FinishTime = created + total, Final = final,
        };
    }

    /// <summary>The outcome of a submitted URL: failed for FailureRate of them (fixed per seed, URL and task).</summary>
    private Outcome DefaultOutcome(string url, long taskId)
    {
        byte[] h = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Seed}|{url}|{taskId}"));
        double u = BitConverter.ToUInt64(h, 0) / 18446744073709551616.0;
        if (u >= _options.FailureRate) return new Outcome(UrlStatus.Succeed, null, null);
        int c = h[8] % 3;
        string desc = c == 0 ? OriginDescs[h[9] % OriginDescs.Length] : c == 1 ? "internal error on edge node" : "unknown error";
        return new Outcome(UrlStatus.Failed, Classes[c], desc);
    }

    /// <summary>After a runtime option change: arrivals are counted afresh from now at the new rate.</summary>
    public void OptionsChanged(long now)
    {
        lock (_gate)
        {
            CatchUpArrivals(now);
            _arrivalsFrom = now;
            _arrived = 0;
        }
    }

    #endregion

    #region Live mutations

    /// <summary>Replaces the mutation set; returns an error text (and changes nothing) when two entries target the same API.</summary>
    public string? SetMutations(IReadOnlyList<Mutation> set)
    {
        var byApi = new Dictionary<ApiKind, Mutation>();
        Mutation? all = null;
        foreach (Mutation m in set)
        {
            if (m.Api is ApiKind api)
            {
                if (!byApi.TryAdd(api, m)) return $"two mutations target {ApiRoutes.SdkName(api)}";
            }
            else if (all is not null)
            {
                return "two mutations target every API (omit \"api\" in one entry only)";
            }
            else
            {
                all = m;
            }
        }

        lock (_gate)
        {
            _mutations = set.ToArray();
            _mutationByApi.Clear();
            foreach (ApiKind api in Mutation.ListApis)
            {
                Mutation? m = byApi.GetValueOrDefault(api) ?? all;
                if (m is not null) _mutationByApi[api] = m;
            }
        }

        return null;
    }

    /// <summary>The active mutation set.</summary>
    public Mutation[] Mutations()
    {
        lock (_gate) return _mutations;
    }

    /// <summary>Applies the mutation of <paramref name="api"/> (if any) and returns it; <paramref name="task"/> is the task of a detail request.</summary>
    private Mutation? Mutate(ApiKind api, long now, TaskInfo? task)
    {
        if (!_mutationByApi.TryGetValue(api, out Mutation? m) || !m.ChangesData) return m;
        switch (api)
        {
            case ApiKind.UrlTasks:
                for (int i = 0; i < m.InsertPerRequest; i++)
                {
                    TaskInfo t = NewMutationTask(m, now);
                    InsertTask(t);
                    InsertRecord(NewMutationRecord(m, t));
                }

                // Random records still in process, from the index of them (finishing one takes it out).
                for (int i = 0; i < m.StatusChangesPerRequest && _inProcess.Count > 0; i++) Finish(_inProcess[_random.Next(_inProcess.Count)], m, now);
                for (int i = 0; i < m.DeletesPerRequest && _records.Count > 0; i++) DeleteRecord(_records[_random.Next(_records.Count)]);
                for (int i = 0; i < m.ExpireOldestPerRequest && _records.Count > 0; i++) DeleteRecord(_records[0]);
                break;
            case ApiKind.HistoryTasks:
                for (int i = 0; i < m.InsertPerRequest; i++)
                {
                    TaskInfo t = NewMutationTask(m, now);
                    InsertTask(t);
                    int urls = 1 + _random.Next(3);
                    for (int k = 0; k < urls; k++) InsertRecord(NewMutationRecord(m, t));
                }

                // Tasks in process, found through a random URL in process: every URL of it finishes.
                for (int i = 0; i < m.StatusChangesPerRequest && _inProcess.Count > 0; i++)
                {
                    TaskInfo t = _inProcess[_random.Next(_inProcess.Count)].Task;
                    foreach (UrlRecord u in t.Urls.Where(u => u.DeleteSeq == 0 && !UrlRecord.IsFinal(u.Status)).ToList()) Finish(u, m, now);
                }

                for (int i = 0; i < m.DeletesPerRequest && _tasks.Count > 0; i++) DeleteTask(_tasks[_random.Next(_tasks.Count)]);
                for (int i = 0; i < m.ExpireOldestPerRequest && _tasks.Count > 0; i++) DeleteTask(_tasks[0]);
                break;
            case ApiKind.HistoryTaskDetail when task is not null:
                for (int i = 0; i < m.InsertPerRequest; i++) InsertRecord(NewMutationRecord(m, task, task.CreateTime));
                var unfinished = task.Urls.Where(u => u.DeleteSeq == 0 && !UrlRecord.IsFinal(u.Status)).ToList();
                foreach (UrlRecord u in Pick(unfinished, m.StatusChangesPerRequest)) Finish(u, m, now);
                for (int i = 0; i < m.DeletesPerRequest; i++)
                {
                    var live = task.Urls.Where(u => u.DeleteSeq == 0).ToList();
                    if (live.Count == 0) break;
                    DeleteRecord(live[_random.Next(live.Count)]);
                }

                for (int i = 0; i < m.ExpireOldestPerRequest; i++)
                {
                    UrlRecord? first = task.Urls.FirstOrDefault(u => u.DeleteSeq == 0);
                    if (first is null) break;
                    DeleteRecord(first);
                }

                break;
        }

        return m;
    }

    private List<T> Pick<T>(List<T> pool, int n)
    {
        // Partial Fisher-Yates: n distinct random items.
        n = Math.Min(n, pool.Count);
        for (int i = 0; i < n; i++)
        {
            int j = i + _random.Next(pool.Count - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return pool.GetRange(0, n);
    }

    private void Finish(UrlRecord r, Mutation m, long now)
    {
        UrlStatus to = m.StatusChangeTo ?? (_random.Next(10) == 0 ? UrlStatus.Failed : UrlStatus.Succeed);
        r.DueTime = long.MaxValue;
        SetStatus(r, to, Math.Max(now, r.CreateTime), "ORIGIN_ERROR", "origin server returned 502");
    }

    private TaskInfo NewMutationTask(Mutation m, long now)
    {
        long age = m.InsertAgeMinMs + (long)(_random.NextDouble() * (m.InsertAgeMaxMs - m.InsertAgeMinMs));
        bool preheat = _random.Next(100) < 20;
        bool directory = !preheat && _random.Next(100) < 15;
        return new TaskInfo
        {
            Id = _nextTaskId++, Preheat = preheat, Directory = directory, Mode = directory ? "all" : null, CreateTime = now - age,
        };
    }

    private UrlRecord NewMutationRecord(Mutation m, TaskInfo t, long? created = null)
    {
        UrlStatus status = m.InsertStatus ?? RandomStatus(t.Preheat);
        long time = created ?? t.CreateTime;
        return new UrlRecord
        {
            Id = _nextRecordId++, Task = t, Url = DataGenerator.RandomUrl(_random, t.Directory, _account.GeneratorHosts()), CreateTime = time, Status = status,
            ModifyTime = time, FailClassify = status == UrlStatus.Failed ? "ORIGIN_ERROR" : null,
            FailDesc = status == UrlStatus.Failed ? "origin server returned 502" : null,
        };
    }

    private UrlStatus RandomStatus(bool preheat)
    {
        int roll = _random.Next(100);
        return roll < 70 ? UrlStatus.Succeed : roll < 80 ? UrlStatus.Failed : roll < 88 ? UrlStatus.Processing
            : roll < 94 ? UrlStatus.Waiting : preheat ? UrlStatus.Preheating : UrlStatus.Refreshing;
    }

    #endregion

    #region Queries

    /// <summary>
    /// Newest-first page of matching records and the total match count. With <paramref name="live"/>, the
    /// ShowUrlTaskInfo mutation is applied first and returned with the page (the answer applies its lies).
    /// </summary>
    public UrlPage QueryUrlTasks(UrlFilter filter, int offset, int limit, long now, bool live)
    {
        lock (_gate)
        {
            Advance(now);
            Mutation? m = live ? Mutate(ApiKind.UrlTasks, now, null) : null;
            bool capped = m is { OffsetCap: > 0 } && offset >= m.OffsetCap;
            if (capped) limit = 0;
            if (m is { ShortPageMax: > 0 }) limit = Math.Min(limit, m.ShortPageMax);
            var page = new List<UrlView>(Math.Min(limit, 100));
            int lo = filter.Start is long s ? LowerBound(s) : 0;
            int hi = filter.End is long e ? LowerBound(e) : _records.Count;
            if (hi < lo) hi = lo;
            if (filter.RangeOnly)
            {
                for (int i = hi - 1 - offset, n = 0; i >= lo && n < limit; i--, n++) page.Add(_records[i].View());
                return new UrlPage(hi - lo, page, m, capped);
            }

            // Filtered scans are cached until the data changes (every change clears the cache).
            if (!_matchCache.TryGetValue(filter.Key, out int[]? matches))
            {
                var list = new List<int>();
                for (int i = lo; i < hi; i++)
                {
                    UrlRecord r = _records[i];
                    if (filter.MatchesFixed(r) && filter.MatchesStatus(r.Status)) list.Add(i);
                }

                matches = list.ToArray();
                if (_matchCache.Count >= 64) _matchCache.Clear();
                _matchCache[filter.Key] = matches;
            }

            for (int k = matches.Length - 1 - offset, n = 0; k >= 0 && n < limit; k--, n++) page.Add(_records[matches[k]].View());
            return new UrlPage(matches.Length, page, m, capped);
        }
    }

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

    /// <summary>Number of matching records (test oracle; no mutation applied).</summary>
    public int Count(UrlFilter filter, long now) => QueryUrlTasks(filter, 0, 0, now, live: false).Total;

    private static TaskCounts CountsOf(TaskInfo t)
    {
        int p = 0, s = 0, f = 0, n = 0;
        foreach (UrlRecord r in t.Urls)
        {
            if (r.DeleteSeq != 0) continue;
            n++;
            if (r.Status == UrlStatus.Succeed) s++; else if (r.Status == UrlStatus.Failed) f++; else p++;
        }

        return new TaskCounts(p, s, f, n);
    }

    /// <summary>Every task that matches (oldest first) with its counters; with <paramref name="live"/>, after the ShowHistoryTasks mutation.</summary>
    public (List<TaskRow> Rows, Mutation? Mutation) QueryTasks(TaskFilter filter, long now, bool live)
    {
        lock (_gate)
        {
            Advance(now);
            Mutation? m = live ? Mutate(ApiKind.HistoryTasks, now, null) : null;
            var rows = new List<TaskRow>();
            foreach (TaskInfo t in _tasks)
            {
                if (!filter.MatchesFixed(t)) continue;
                TaskCounts c = CountsOf(t);
                if (filter.InProcess is bool ip && (t.StatusOverride ?? c.Status) != (ip ? "task_inprocess" : "task_done")) continue;
                rows.Add(new TaskRow(t, c));
            }

            return (rows, m);
        }
    }

    /// <summary>
    /// A task with its counters and URL snapshots, or null (also when <paramref name="visible"/> says no); with
    /// <paramref name="live"/>, after the ShowHistoryTaskDetails mutation.
    /// </summary>
    public (TaskRow? Row, List<UrlView> Urls, Mutation? Mutation) TaskDetail(long id, long now, bool live, Func<TaskInfo, bool>? visible = null)
    {
        lock (_gate)
        {
            Advance(now);
            TaskInfo? task = _taskById.GetValueOrDefault(id);
            if (task is not null && visible is not null && !visible(task)) task = null;
            Mutation? m = live ? Mutate(ApiKind.HistoryTaskDetail, now, task) : null;
            if (task is null || task.DeleteSeq != 0) return (null, new List<UrlView>(), m);
            var urls = task.Urls.Where(u => u.DeleteSeq == 0).Select(u => u.View()).ToList();
            return (new TaskRow(task, CountsOf(task)), urls, m);
        }
    }

    /// <summary>Snapshot of the tasks created through the API (oldest first) with their URLs.</summary>
    public List<(TaskInfo Task, List<string> Urls)> UserTasks(long now)
    {
        lock (_gate)
        {
            Advance(now);
            return _tasks.Where(t => t.UserCreated).Select(t => (t, t.Urls.Where(u => u.DeleteSeq == 0).Select(u => u.Url).ToList())).ToList();
        }
    }

    #endregion

    #region Creation

    /// <summary>
    /// Creates a task from a POST in enterprise project <paramref name="project"/>; returns null when the daily
    /// quota would be exceeded. Each URL ends as the first matching outcome rule says, else as FailureRate decides.
    /// </summary>
    public TaskInfo? CreateTask(bool preheat, bool directory, string? mode, bool zhUrlEncode, IReadOnlyList<string> urls, string project, long now)
    {
        lock (_gate)
        {
            Advance(now);
            RollQuotaDay(now);
            int used = preheat ? UsedPreheat : directory ? UsedDirRefresh : UsedFileRefresh;
            int limit = preheat ? _options.QuotaPreheat : directory ? _options.QuotaDirRefresh : _options.QuotaFileRefresh;
            if (used + urls.Count > limit) return null;
            if (preheat) UsedPreheat += urls.Count; else if (directory) UsedDirRefresh += urls.Count; else UsedFileRefresh += urls.Count;
            var task = new TaskInfo
            {
                Id = _nextTaskId++, Preheat = preheat, Directory = directory, Mode = directory ? mode : null,
                CreateTime = now, UserCreated = true, ZhUrlEncode = zhUrlEncode, EnterpriseProjectId = project,
            };
            InsertTask(task);
            foreach (string url in urls)
            {
                OutcomeRule? rule = _outcomes.FirstOrDefault(r => r.Matches(url, preheat));
                if (rule is not null && rule.Remaining != int.MaxValue && --rule.Remaining == 0) _outcomes.Remove(rule);
                Outcome final = rule?.Outcome ?? DefaultOutcome(url, task.Id);
                long total = (long)((rule?.Seconds ?? _options.TaskSeconds) * 1000);
                InsertRecord(LifeCycle(task, url, now, final, total));
            }

            return task;
        }
    }

    /// <summary>Zeroes the purge and prefetch usage when the quota day (midnight at ServiceUtcOffsetHours) has changed.</summary>
    private void RollQuotaDay(long now)
    {
        long day = (long)Math.Floor((now + _options.ServiceUtcOffsetHours * 3_600_000) / 86_400_000.0);
        if (day == _quotaDay) return;
        _quotaDay = day;
        UsedFileRefresh = UsedDirRefresh = UsedPreheat = 0;
    }

    /// <summary>Today's purge and prefetch usage.</summary>
    public (int FileRefresh, int DirRefresh, int Preheat) QuotaUsed(long now)
    {
        lock (_gate)
        {
            RollQuotaDay(now);
            return (UsedFileRefresh, UsedDirRefresh, UsedPreheat);
        }
    }

    /// <summary>Replaces the outcome rules applied to URLs submitted from now on.</summary>
    public void SetOutcomes(IReadOnlyList<OutcomeRule> rules)
    {
        lock (_gate) _outcomes = rules.ToList();
    }

    /// <summary>The outcome rules still in force.</summary>
    public List<OutcomeRule> Outcomes()
    {
        lock (_gate) return _outcomes.ToList();
    }

    /// <summary>
    /// Creates seeded records, grouped into tasks: records with the same group label (or, without labels,
    /// consecutive records with the same type, file type, mode, create_time and project) share a task of at
    /// most 1000 URLs (100 directories). Returns each record's id and task id, in input order.
    /// </summary>
    public (long[] Ids, long[] TaskIds) AddRecords(IReadOnlyList<SeedRecord> seeds, long now)
    {
        var ids = new long[seeds.Count];
        var taskIds = new long[seeds.Count];
        lock (_gate)
        {
            Advance(now);
            var open = new Dictionary<string, TaskInfo>();
            TaskInfo? previous = null;
            for (int i = 0; i < seeds.Count; i++)
            {
                SeedRecord s = seeds[i];
                string key = s.Group is null ? "" : "g:" + s.Group;
                TaskInfo? task = s.Group is null ? previous : open.GetValueOrDefault(key);
                bool fits = task is not null && task.Preheat == s.Preheat && task.Directory == s.Directory && task.Mode == s.Mode
                    && task.CreateTime == s.CreateTime && task.EnterpriseProjectId == s.EnterpriseProjectId
                    && task.Urls.Count < (s.Directory ? 100 : 1000);
                if (!fits)
                {
                    task = new TaskInfo
                    {
                        Id = _nextTaskId++, Preheat = s.Preheat, Directory = s.Directory, Mode = s.Mode, CreateTime = s.CreateTime,
                        EnterpriseProjectId = s.EnterpriseProjectId,
                    };
                    InsertTask(task);
                    open[key] = task;
                }

                previous = task;
                var r = new UrlRecord
                {
                    Id = _nextRecordId++, Task = task!, Url = s.Url, CreateTime = s.CreateTime, Status = s.Status,
                    ModifyTime = s.ModifyTime ?? s.CreateTime, FailClassify = s.Status == UrlStatus.Failed ? s.FailClassify : null,
                    FailDesc = s.Status == UrlStatus.Failed ? s.FailDesc : null,
                };
                InsertRecord(r);
                ids[i] = r.Id;
                taskIds[i] = task!.Id;
            }
        }

        return (ids, taskIds);
    }

    #endregion

    #region Epochs and the oracle

    /// <summary>A point in the change log (starts recording changes from now on).</summary>
    public long Epoch(long now)
    {
        lock (_gate)
        {
            Advance(now);
            _log.Begin(_seq);
            return _seq;
        }
    }

    private string? CheckEpoch(long since)
    {
        if (_log.Start < 0) return "no epoch taken since the last reset: POST /_emulator/epoch first";
        if (since < _log.Start || since > _seq) return $"since must be an epoch between {_log.Start} and {_seq}";
        return null;
    }

    /// <summary>
    /// The url-task records that matched <paramref name="filter"/> at every moment from epoch
    /// <paramref name="since"/> to now (Stable), and at any moment (Ever), newest first.
    /// </summary>
    public (List<OracleEntry>? Stable, List<OracleEntry>? Ever, string? Error) OracleUrls(long since, UrlFilter filter, long now)
    {
        lock (_gate)
        {
            Advance(now);
            if (CheckEpoch(since) is string error) return (null, null, error);
            var changes = new Dictionary<UrlRecord, List<Change>>(ReferenceEqualityComparer.Instance);
            var candidates = new List<UrlRecord>();
            foreach (Change c in _log.After(since))
            {
                if (c.Record is null) continue;
                if (!changes.TryGetValue(c.Record, out List<Change>? list)) changes[c.Record] = list = new List<Change>();
                list.Add(c);
                if (c.Kind == ChangeKind.Delete && filter.MatchesFixed(c.Record)) candidates.Add(c.Record);
            }

            int lo = filter.Start is long s ? LowerBound(s) : 0;
            int hi = filter.End is long e ? LowerBound(e) : _records.Count;
            for (int i = lo; i < hi; i++)
            {
                if (filter.MatchesFixed(_records[i])) candidates.Add(_records[i]);
            }

            var stable = new List<OracleEntry>();
            var ever = new List<OracleEntry>();
            foreach (UrlRecord r in candidates)
            {
                List<Change> list = changes.GetValueOrDefault(r) ?? new List<Change>();
                bool exists = r.InsertSeq <= since;
                UrlStatus status = StatusAt(r, list);
                bool isStable = exists && filter.MatchesStatus(status);
                bool isEver = isStable;
                foreach (Change c in list)
                {
                    switch (c.Kind)
                    {
                        case ChangeKind.Insert: exists = true; status = c.New; break;
                        case ChangeKind.Status: status = c.New; break;
                        case ChangeKind.Delete: exists = false; isStable = false; break;
                    }

                    if (!exists) continue;
                    bool ok = filter.MatchesStatus(status);
                    isEver |= ok;
                    isStable &= ok;
                }

                var entry = new OracleEntry(r.Id, r.Url, r.CreateTime, UrlRecord.Upper(r.Status));
                if (isStable) stable.Add(entry);
                if (isEver) ever.Add(entry);
            }

            return (Newest(stable), Newest(ever), null);
        }
    }

    /// <summary>As <see cref="OracleUrls"/> for tasks (ShowHistoryTasks): a task's status follows its URLs'.</summary>
    public (List<OracleEntry>? Stable, List<OracleEntry>? Ever, string? Error) OracleTasks(long since, TaskFilter filter, long now)
    {
        lock (_gate)
        {
            Advance(now);
            if (CheckEpoch(since) is string error) return (null, null, error);
            var changes = new Dictionary<TaskInfo, List<Change>>(ReferenceEqualityComparer.Instance);
            var candidates = new List<TaskInfo>();
            foreach (Change c in _log.After(since))
            {
                if (!changes.TryGetValue(c.Task, out List<Change>? list)) changes[c.Task] = list = new List<Change>();
                list.Add(c);
                if (c.Kind == ChangeKind.Delete && c.Record is null && filter.MatchesFixed(c.Task)) candidates.Add(c.Task);
            }

            candidates.AddRange(_tasks.Where(filter.MatchesFixed));
            var stable = new List<OracleEntry>();
            var ever = new List<OracleEntry>();
            foreach (TaskInfo t in candidates)
            {
                List<Change> list = changes.GetValueOrDefault(t) ?? new List<Change>();

                // Each URL's state at the epoch: present or not, and its status then.
                var present = new Dictionary<UrlRecord, bool>(ReferenceEqualityComparer.Instance);
                var status = new Dictionary<UrlRecord, UrlStatus>(ReferenceEqualityComparer.Instance);
                foreach (UrlRecord u in t.Urls)
                {
                    present[u] = u.InsertSeq <= since && (u.DeleteSeq == 0 || u.DeleteSeq > since);
                    status[u] = StatusAt(u, list);
                }

                bool exists = t.InsertSeq <= since;
                bool Matches() => filter.InProcess is not bool ip
                    || ip == t.Urls.Any(u => present[u] && !UrlRecord.IsFinal(status[u]));
                bool isStable = exists && Matches();
                bool isEver = isStable;
                foreach (Change c in list)
                {
                    if (c.Record is null)
                    {
                        exists = c.Kind == ChangeKind.Insert;
                        if (!exists) isStable = false;
                    }
                    else
                    {
                        if (c.Kind == ChangeKind.Delete) present[c.Record] = false;
                        else present[c.Record] = true;
                        status[c.Record] = c.New;
                    }

                    if (!exists) continue;
                    bool ok = Matches();
                    isEver |= ok;
                    isStable &= ok;
                }

                // The status it has now, or had when it was deleted.
                bool inProcess = t.Urls.Any(u => (t.DeleteSeq != 0 || u.DeleteSeq == 0) && !UrlRecord.IsFinal(u.Status));
                var entry = new OracleEntry(t.Id, null, t.CreateTime, inProcess ? "task_inprocess" : "task_done");
                if (isStable) stable.Add(entry);
                if (isEver) ever.Add(entry);
            }

            return (Newest(stable), Newest(ever), null);
        }
    }

    /// <summary>A record's status at the epoch: the old status of its first later status change, else its status now.</summary>
    private static UrlStatus StatusAt(UrlRecord r, List<Change> changes)
    {
        foreach (Change c in changes)
        {
            if (c.Kind == ChangeKind.Status && ReferenceEquals(c.Record, r)) return c.Old;
        }

        return r.Status;
    }

    private static List<OracleEntry> Newest(List<OracleEntry> list)
    {
        list.Sort((a, b) => a.CreateTime != b.CreateTime ? b.CreateTime.CompareTo(a.CreateTime) : b.Id.CompareTo(a.Id));
        return list;
    }

    #endregion
}
