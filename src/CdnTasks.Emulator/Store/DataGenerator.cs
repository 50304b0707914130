// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator.Store;

/// <summary>
/// What the generator makes: Records url-task records over Days days ending at AnchorTime (ms), from Seed, with
/// URLs on Hosts; a task takes up to ProcessingMinutes to finish (older tasks are finished, newer ones finish later).
/// </summary>
internal sealed record GeneratorSettings(int Records, double Days, int Seed, long AnchorTime, double ProcessingMinutes = 30, string[]? Hosts = null);

/// <summary>
/// Deterministic generator of the initial url-task records and their tasks: same Seed, Records, Days and
/// AnchorTime give identical data.
/// </summary>
internal static class DataGenerator
{
    private static readonly string[] Dirs = { "static/js", "static/css", "images", "img/2024", "assets", "downloads", "video/hls", "docs" };
    private static readonly string[] Exts = { "js", "css", "png", "jpg", "webp", "html", "mp4", "m3u8", "pdf", "zip" };

    /// <summary>URLs with awkward characters, placed in the newest generated tasks.</summary>
    internal static readonly string[] AwkwardUrls =
    {
        "https://www.example.com/a b+c&d=e#f/中文.png",
        "https://img.example.com/path with space/photo 1.jpg",
        "https://cdn.example.org/q?x=1&y=2+3",
        "https://下载.example.cn/文件/报告.pdf",
        "https://static.example.net/100%25/a+b=c.css",
    };

    /// <summary>A random file (or directory) URL on one of <paramref name="hosts"/> (default: the default domains).</summary>
    public static string RandomUrl(Random rnd, bool directory, string[]? hosts = null)
    {
        hosts ??= Accounts.AccountModel.DefaultDomains;
        string host = hosts[rnd.Next(hosts.Length)];
        string dir = Dirs[rnd.Next(Dirs.Length)];
        if (directory)
        {
            return rnd.Next(3) == 0 ? $"https://{host}/{dir}/" : $"https://{host}/{dir}/{rnd.Next(1, 60)}/";
        }

        string scheme = rnd.Next(5) == 0 ? "http" : "https";
        return $"{scheme}://{host}/{dir}/{Name(rnd)}.{Exts[rnd.Next(Exts.Length)]}";
    }

    private static string Name(Random rnd)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> s = stackalloc char[rnd.Next(4, 11)];
        for (int i = 0; i < s.Length; i++) s[i] = chars[rnd.Next(chars.Length)];
        return new string(s);
    }

    /// <summary>Generates the records (unsorted) and tasks.</summary>
    public static (List<UrlRecord> Records, List<TaskInfo> Tasks) Generate(GeneratorSettings o)
    {
        long anchor = o.AnchorTime;
        var rnd = new Random(o.Seed);
        int remaining = Math.Max(0, o.Records);
        var sizes = new List<int>();
        while (remaining > 0)
        {
            int roll = rnd.Next(100);
            int size = roll < 55 ? 1 : roll < 80 ? rnd.Next(2, 6) : rnd.Next(6, 21);
            size = Math.Min(size, remaining);
            sizes.Add(size);
            remaining -= size;
        }

        long span = Math.Max(60_000, (long)(o.Days * 86_400_000));
        long newest = anchor - 2000 - rnd.Next(3000);
        var times = new long[sizes.Count];
        for (int i = 0; i < times.Length; i++) times[i] = newest - (long)(rnd.NextDouble() * (span - 5000));
        Array.Sort(times);
        if (times.Length > 0) times[^1] = newest;

        var records = new List<UrlRecord>(o.Records);
        bool defaultHosts = o.Hosts is null || o.Hosts.SequenceEqual(Accounts.AccountModel.DefaultDomains);
        var tasks = new List<TaskInfo>(sizes.Count);
        long recordId = 8_000_000;
        int awkwardNext = 0;
        for (int t = 0; t < sizes.Count; t++)
        {
            bool preheat = rnd.Next(100) < 20;
            bool directory = !preheat && rnd.Next(100) < 15;
            string? mode = directory ? (rnd.Next(3) == 0 ? "detect_modify_refresh" : "all") : null;
            var task = new TaskInfo { Id = 400_000 + t, Preheat = preheat, Directory = directory, Mode = mode, CreateTime = times[t] };
            tasks.Add(task);

            // How long this task takes; it has finished when that much time lies between its creation and the anchor.
            long processing = 60_000 + (long)(rnd.NextDouble() * Math.Max(0, o.ProcessingMinutes * 60_000 - 60_000));
            bool finished = anchor - task.CreateTime >= processing;

            // One awkward URL in each of the newest tasks that are plain files.
            int fromNewest = sizes.Count - 1 - t;
            bool awkward = defaultHosts && !directory && fromNewest < 40 && fromNewest % 3 == 1 && awkwardNext < AwkwardUrls.Length;
            for (int k = 0; k < sizes[t]; k++)
            {
                string url = awkward && k == 0 ? AwkwardUrls[awkwardNext++] : RandomUrl(rnd, directory, o.Hosts);
                int roll = rnd.Next(100);
                UrlStatus status = roll < 70 ? UrlStatus.Succeed
                    : roll < 80 ? UrlStatus.Failed
                    : roll < 88 ? UrlStatus.Processing
                    : roll < 94 ? UrlStatus.Waiting
                    : preheat ? UrlStatus.Preheating : UrlStatus.Refreshing;

                // A URL still in process ends succeed or failed in the same 7:1 proportion as the others.
                UrlStatus final = status is UrlStatus.Succeed or UrlStatus.Failed ? status : rnd.Next(8) == 0 ? UrlStatus.Failed : UrlStatus.Succeed;
                if (finished) status = final;
                long modify = status is UrlStatus.Waiting ? task.CreateTime
                    : (task.CreateTime + rnd.Next(500, 60_000)) / 1000 * 1000;
                modify = Math.Max(task.CreateTime, Math.Min(modify, anchor));
                string? cls = null, desc = null;
                if (final == UrlStatus.Failed)
                {
                    int c = rnd.Next(3);
                    cls = c == 0 ? "ORIGIN_ERROR" : c == 1 ? "INNER_ERROR" : "UNKNOWN_ERROR";
                    desc = c == 0 ? "origin server returned 502" : c == 1 ? "internal error on edge node" : "unknown error";
                }

                var r = new UrlRecord
                {
                    Id = recordId++, Task = task, Url = url, CreateTime = task.CreateTime, Status = status,
                    ModifyTime = modify, FailClassify = status == UrlStatus.Failed ? cls : null, FailDesc = status == UrlStatus.Failed ? desc : null,
                };
                if (!UrlRecord.IsFinal(status))
                {
                    // Still in process at the anchor: it finishes when its task's processing time is over.
                    r.ModifyTime = task.CreateTime;
                    r.DueTime = r.FinishTime = task.CreateTime + processing;
                    r.Final = new Outcome(final, cls, desc);
                }
                task.Urls.Add(r);
                records.Add(r);
            }
        }

        return (records, tasks);
    }
}
