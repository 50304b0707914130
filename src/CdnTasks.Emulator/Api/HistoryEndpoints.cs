// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Api;

/// <summary>ShowHistoryTasks and ShowHistoryTaskDetails (nested error shape).</summary>
internal static class HistoryEndpoints
{
    /// <summary>Task counters at a point in time.</summary>
    private readonly record struct Counts(int Processing, int Succeed, int Failed, int Total)
    {
        public string Status => Processing > 0 ? "task_inprocess" : "task_done";
    }

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/cdn/historytasks", List);
        app.MapGet("/v1.0/cdn/historytasks/{id}/detail", Detail);
    }

    private static Counts CountOf(List<UrlRecord> urls, long now, EmulatorOptions o)
    {
        int p = 0, s = 0, f = 0;
        foreach (UrlRecord r in urls)
        {
            UrlStatus st = r.View(now, o.TaskSeconds, o.FailureRate, o.Seed).Status;
            if (st == UrlStatus.Succeed) s++; else if (st == UrlStatus.Failed) f++; else p++;
        }

        return new Counts(p, s, f, urls.Count);
    }

    private static (int Size, int Number) Paging(QueryReader q)
    {
        int size = q.Int("page_size", 30, 1, 10000);
        int number = q.Int("page_number", 1, 1, 65535);
        if (q.Has("page_size") != q.Has("page_number")) q.Fail("page_size and page_number must be specified together");
        return (size, number);
    }

    private static void WriteTaskFields(Utf8JsonWriter w, TaskInfo t, Counts c)
    {
        w.WriteString("id", t.Id.ToString(CultureInfo.InvariantCulture));
        w.WriteString("task_type", t.TaskTypeLower);
        w.WriteString("status", t.StatusOverride ?? c.Status);
        w.WriteNumber("processing", c.Processing);
        w.WriteNumber("succeed", c.Succeed);
        w.WriteNumber("failed", c.Failed);
        w.WriteNumber("total", c.Total);
        w.WriteNumber("create_time", t.CreateTime);
        w.WriteString("file_type", t.FileType);
    }

    private static async Task List(HttpContext ctx, RecordStore store, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request);
        var (size, number) = Paging(q);
        string? status = q.Choice("status", "task_inprocess", "task_done");
        long? start = q.Long("start_date");
        long? end = q.Long("end_date");
        string? fileType = q.Choice("file_type", "file", "directory");
        string? taskType = q.Choice("task_type", "refresh", "preheating");
        string? orderField = q.Choice("order_field", "task_type", "total", "processing", "succeed", "failed", "create_time");
        string? orderType = q.Choice("order_type", "desc", "asc");
        if (q.Error is not null)
        {
            await Responses.Nested(ctx, 400, "CDN.0001", "Parameter error: " + q.Error);
            return;
        }

        if (orderField is null || orderType is null)
        {
            orderField = "create_time";
            orderType = "desc";
        }

        long now = RecordStore.Now();
        var rows = new List<(TaskInfo Task, Counts Counts)>();
        foreach (TaskInfo t in store.Tasks(now))
        {
            if (start is long s && t.CreateTime < s) continue;
            if (end is long e && t.CreateTime >= e) continue;
            if (fileType is not null && t.FileType != fileType) continue;
            if (taskType is not null && t.TaskTypeLower != taskType) continue;
            Counts c = CountOf(store.TaskUrls(t), now, o);
            if (status is not null && (t.StatusOverride ?? c.Status) != status) continue;
            rows.Add((t, c));
        }

        Func<(TaskInfo Task, Counts Counts), IComparable> key = orderField switch
        {
            "task_type" => r => r.Task.TaskTypeLower,
            "total" => r => r.Counts.Total,
            "processing" => r => r.Counts.Processing,
            "succeed" => r => r.Counts.Succeed,
            "failed" => r => r.Counts.Failed,
            _ => r => r.Task.CreateTime,
        };
        IEnumerable<(TaskInfo Task, Counts Counts)> ordered = orderType == "asc"
            ? rows.OrderBy(key).ThenBy(r => r.Task.Id)
            : rows.OrderByDescending(key).ThenByDescending(r => r.Task.Id);
        var page = ordered.Skip((int)Math.Min(int.MaxValue, (long)(number - 1) * size)).Take(size).ToList();
        await Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total", rows.Count);
            w.WriteStartArray("tasks");
            foreach (var (t, c) in page)
            {
                w.WriteStartObject();
                WriteTaskFields(w, t, c);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task Detail(HttpContext ctx, string id, RecordStore store, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request);
        var (size, number) = Paging(q);
        string? st = q.String("status");
        UrlStatus? status = null;
        if (st is not null)
        {
            if (UrlRecord.TryParse(st, out UrlStatus s)) status = s;
            else q.Fail("status must be one of processing, succeed, failed, waiting, refreshing, preheating");
        }

        string? url = q.String("url");
        q.Long("create_time"); // accepted and validated; the emulator keeps all tasks
        if (q.Error is not null)
        {
            await Responses.Nested(ctx, 400, "CDN.0001", "Parameter error: " + q.Error);
            return;
        }

        long now = RecordStore.Now();
        TaskInfo? task = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long tid) ? store.FindTask(tid, now) : null;
        if (task is null)
        {
            await Responses.Nested(ctx, 404, "CDN.0003", "The task does not exist.");
            return;
        }

        List<UrlRecord> urls = store.TaskUrls(task);
        Counts counts = CountOf(urls, now, o);
        var page = urls
            .Select(r => (Record: r, View: r.View(now, o.TaskSeconds, o.FailureRate, o.Seed)))
            .Where(x => (status is null || x.View.Status == status) && (url is null || x.Record.Url == url))
            .Skip((int)Math.Min(int.MaxValue, (long)(number - 1) * size)).Take(size).ToList();
        await Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            WriteTaskFields(w, task, counts);
            w.WriteStartArray("urls");
            foreach (var (r, v) in page)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id.ToString(CultureInfo.InvariantCulture));
                w.WriteString("url", r.Url);
                w.WriteString("status", UrlRecord.Lower(v.Status));
                w.WriteNumber("create_time", r.CreateTime);
                w.WriteString("task_id", task.Id.ToString(CultureInfo.InvariantCulture));
                w.WriteString("task_type", r.TypeUpper);
                if (v.Status == UrlStatus.Failed)
                {
                    w.WriteString("fail_classify", v.FailClassify);
                    w.WriteString("fail_desc", v.FailDesc);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
