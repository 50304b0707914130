// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator.Store;

/// <summary>URL status as the service reports it.</summary>
internal enum UrlStatus
{
    /// <summary>PROCESSING.</summary>
    Processing,
    /// <summary>SUCCEED.</summary>
    Succeed,
    /// <summary>FAILED.</summary>
    Failed,
    /// <summary>WAITING.</summary>
    Waiting,
    /// <summary>REFRESHING.</summary>
    Refreshing,
    /// <summary>PREHEATING.</summary>
    Preheating,
}

/// <summary>How a URL ends: its final status and, when failed, why.</summary>
internal readonly record struct Outcome(UrlStatus Status, string? FailClassify, string? FailDesc);

/// <summary>A task: a group of URLs submitted together.</summary>
internal sealed class TaskInfo
{
    /// <summary>Task id.</summary>
    public long Id { get; init; }

    /// <summary>True for prefetch, false for purge.</summary>
    public bool Preheat { get; init; }

    /// <summary>Directory purge task.</summary>
    public bool Directory { get; init; }

    /// <summary>Directory purge mode, null for files.</summary>
    public string? Mode { get; init; }

    /// <summary>Creation time, ms since epoch.</summary>
    public long CreateTime { get; init; }

    /// <summary>Created through POST (listed by /_emulator/tasks).</summary>
    public bool UserCreated { get; init; }

    /// <summary>Original request's zh_url_encode flag.</summary>
    public bool ZhUrlEncode { get; init; }

    /// <summary>Enterprise project the task was created in ("0" = default).</summary>
    public string EnterpriseProjectId { get; init; } = "0";

    /// <summary>Change-log sequence number of its creation (0 = initial data).</summary>
    public long InsertSeq { get; set; }

    /// <summary>Change-log sequence number of its deletion; 0 while it exists.</summary>
    public long DeleteSeq { get; set; }

    /// <summary>A task status to report instead of the computed one (set through /_emulator/tasks/{id}/status), or null.</summary>
    public string? StatusOverride { get; set; }

    /// <summary>The task's URL records in submission order, deleted ones included (see <see cref="UrlRecord.DeleteSeq"/>).</summary>
    public List<UrlRecord> Urls { get; } = new();

    /// <summary>"refresh" or "preheating".</summary>
    public string TaskTypeLower => Preheat ? "preheating" : "refresh";

    /// <summary>"file" or "directory".</summary>
    public string FileType => Directory ? "directory" : "file";
}

/// <summary>Status snapshot of a record, taken under the store's lock.</summary>
internal readonly record struct UrlView(UrlRecord Record, UrlStatus Status, long ModifyTime, string? FailClassify, string? FailDesc, int Version);

/// <summary>
/// One url-task record. Its status is explicit state: it changes only through the store (a life-cycle
/// step that fell due, a mutation), and every change bumps <see cref="Version"/>.
/// </summary>
internal sealed class UrlRecord
{
    /// <summary>Record id (unique, grows with time).</summary>
    public long Id { get; init; }

    /// <summary>The owning task.</summary>
    public required TaskInfo Task { get; init; }

    /// <summary>The URL as stored.</summary>
    public required string Url { get; init; }

    /// <summary>Creation time, ms since epoch.</summary>
    public long CreateTime { get; init; }

    /// <summary>Current status.</summary>
    public UrlStatus Status { get; set; }

    /// <summary>Time of the last status change.</summary>
    public long ModifyTime { get; set; }

    /// <summary>Failure class when failed.</summary>
    public string? FailClassify { get; set; }

    /// <summary>Failure description when failed.</summary>
    public string? FailDesc { get; set; }

    /// <summary>Incremented on every status change (invalidates <see cref="Fragment"/>).</summary>
    public int Version { get; set; }

    /// <summary>Time of the next life-cycle step; <see cref="long.MaxValue"/> when none is scheduled.</summary>
    public long DueTime { get; set; } = long.MaxValue;

    /// <summary>Time at which the life cycle ends with <see cref="Final"/>.</summary>
    public long FinishTime { get; set; }

    /// <summary>The outcome the life cycle ends with.</summary>
    public Outcome Final { get; set; }

    /// <summary>Change-log sequence number of its creation (0 = initial data).</summary>
    public long InsertSeq { get; set; }

    /// <summary>Change-log sequence number of its deletion; 0 while it exists.</summary>
    public long DeleteSeq { get; set; }

    /// <summary>Position in the store's list of live records still in process; -1 when not in it.</summary>
    public int InProcessIndex { get; set; } = -1;

    /// <summary>Cached JSON (url-tasks shape) and the <see cref="Version"/> it was built from.</summary>
    public Tuple<int, byte[]>? Fragment { get; set; }

    /// <summary>"REFRESH" or "PREHEATING".</summary>
    public string TypeUpper => Task.Preheat ? "PREHEATING" : "REFRESH";

    /// <summary>Snapshot of the current status (call under the store's lock).</summary>
    public UrlView View() => new(this, Status, ModifyTime, FailClassify, FailDesc, Version);

    /// <summary>Whether a status is final.</summary>
    public static bool IsFinal(UrlStatus s) => s is UrlStatus.Succeed or UrlStatus.Failed;

    /// <summary>Upper-case wire name.</summary>
    public static string Upper(UrlStatus s) => s switch
    {
        UrlStatus.Processing => "PROCESSING",
        UrlStatus.Succeed => "SUCCEED",
        UrlStatus.Failed => "FAILED",
        UrlStatus.Waiting => "WAITING",
        UrlStatus.Refreshing => "REFRESHING",
        _ => "PREHEATING",
    };

    /// <summary>Lower-case wire name.</summary>
    public static string Lower(UrlStatus s) => s switch
    {
        UrlStatus.Processing => "processing",
        UrlStatus.Succeed => "succeed",
        UrlStatus.Failed => "failed",
        UrlStatus.Waiting => "waiting",
        UrlStatus.Refreshing => "refreshing",
        _ => "preheating",
    };

    /// <summary>Parses a status word case-insensitively.</summary>
    public static bool TryParse(string value, out UrlStatus status) => TryParse(value, StringComparison.OrdinalIgnoreCase, out status);

    /// <summary>Parses a status word with the given comparison of its lower-case names.</summary>
    public static bool TryParse(string value, StringComparison comparison, out UrlStatus status)
    {
        foreach (UrlStatus s in Enum.GetValues<UrlStatus>())
        {
            if (string.Equals(Lower(s), value, comparison))
            {
                status = s;
                return true;
            }
        }

        status = default;
        return false;
    }
}
