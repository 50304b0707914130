// Copyright (c) CdnTasks contributors. MIT License.
using System.Security.Cryptography;
using System.Text;

namespace CdnTasks.Emulator.Store;

/// <summary>URL status as the service reports it.</summary>
internal enum UrlStatus
{
    /// <summary>PROCESSING (only generated records).</summary>
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

    /// <summary>A task status to report instead of the computed one (set through /_emulator/tasks/{id}/status), or null.</summary>
    public string? StatusOverride { get; set; }

    /// <summary>The task's URL records, in submission order.</summary>
    public List<UrlRecord> Urls { get; } = new();

    /// <summary>"refresh" or "preheating".</summary>
    public string TaskTypeLower => Preheat ? "preheating" : "refresh";

    /// <summary>"file" or "directory".</summary>
    public string FileType => Directory ? "directory" : "file";
}

/// <summary>Status snapshot of a record at a given time.</summary>
internal readonly record struct StatusView(UrlStatus Status, long ModifyTime, string? FailClassify, string? FailDesc);

/// <summary>One url-task record. Generated records have a fixed status; created ones evolve with time.</summary>
internal sealed class UrlRecord
{
    private static readonly string[] Classes = { "ORIGIN_ERROR", "INNER_ERROR", "UNKNOWN_ERROR" };
    private static readonly string[] OriginDescs = { "origin server returned 502", "origin server returned 404", "origin connection timed out" };

    /// <summary>Record id (unique, grows with time).</summary>
    public long Id { get; init; }

    /// <summary>The owning task.</summary>
    public required TaskInfo Task { get; init; }

    /// <summary>The URL as stored.</summary>
    public required string Url { get; init; }

    /// <summary>Creation time, ms since epoch.</summary>
    public long CreateTime { get; init; }

    /// <summary>True when the status evolves from the creation time (POST-created and arriving records).</summary>
    public bool Dynamic { get; init; }

    /// <summary>Fixed status of generated records.</summary>
    public UrlStatus FixedStatus { get; init; }

    /// <summary>Fixed modify time of generated records.</summary>
    public long FixedModifyTime { get; init; }

    /// <summary>Failure class of generated failed records.</summary>
    public string? FixedFailClassify { get; init; }

    /// <summary>Failure description of generated failed records.</summary>
    public string? FixedFailDesc { get; init; }

    /// <summary>Cached JSON fragment of a generated record (url-tasks shape).</summary>
    public byte[]? Fragment { get; set; }

    /// <summary>"REFRESH" or "PREHEATING".</summary>
    public string TypeUpper => Task.Preheat ? "PREHEATING" : "REFRESH";

    /// <summary>Status at <paramref name="now"/>: waiting for the first 20 % of the task time, then refreshing/preheating, then final.</summary>
    public StatusView View(long now, double taskSeconds, double failureRate, int seed)
    {
        if (!Dynamic)
        {
            return new StatusView(FixedStatus, FixedModifyTime, FixedFailClassify, FixedFailDesc);
        }

        long total = (long)(taskSeconds * 1000);
        long elapsed = now - CreateTime;
        if (elapsed < total / 5)
        {
            return new StatusView(UrlStatus.Waiting, CreateTime, null, null);
        }

        if (elapsed < total)
        {
            return new StatusView(Task.Preheat ? UrlStatus.Preheating : UrlStatus.Refreshing, CreateTime + total / 5, null, null);
        }

        byte[] h = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{Url}|{Task.Id}"));
        double u = BitConverter.ToUInt64(h, 0) / 18446744073709551616.0;
        if (u < failureRate)
        {
            int c = h[8] % 3;
            string desc = c == 0 ? OriginDescs[h[9] % OriginDescs.Length] : c == 1 ? "internal error on edge node" : "unknown error";
            return new StatusView(UrlStatus.Failed, CreateTime + total, Classes[c], desc);
        }

        return new StatusView(UrlStatus.Succeed, CreateTime + total, null, null);
    }

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
    public static string Lower(UrlStatus s) => Upper(s).ToLowerInvariant();

    /// <summary>Parses a status filter case-insensitively.</summary>
    public static bool TryParse(string value, out UrlStatus status)
    {
        switch (value.ToLowerInvariant())
        {
            case "processing": status = UrlStatus.Processing; return true;
            case "succeed": status = UrlStatus.Succeed; return true;
            case "failed": status = UrlStatus.Failed; return true;
            case "waiting": status = UrlStatus.Waiting; return true;
            case "refreshing": status = UrlStatus.Refreshing; return true;
            case "preheating": status = UrlStatus.Preheating; return true;
            default: status = default; return false;
        }
    }
}
