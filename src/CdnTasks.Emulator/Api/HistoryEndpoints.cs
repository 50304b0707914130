// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Api;

/// <summary>ShowHistoryTasks and ShowHistoryTaskDetails (nested error shape).</summary>
internal static class HistoryEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/cdn/historytasks", List);
        app.MapGet("/v1.0/cdn/historytasks/{id}/detail", Detail);
    }

    private static (int Size, int Number) Paging(QueryReader q)
    {
        int size = q.Int("page_size", 30, 1, 10000);
        int number = q.Int("page_number", 1, 1, 65535);
        if (q.Has("page_size") != q.Has("page_number")) q.Fail("page_size and page_number must be specified together");
        return (size, number);
    }

    /// <summary>Parses the ShowHistoryTasks filters (shared with the oracle).</summary>
    public static TaskFilter ReadTaskFilter(QueryReader q)
    {
        string? status = q.Choice("status", "task_inprocess", "task_done");
        long? start = q.Long("start_date");
        long? end = q.Long("end_date");
        string? fileType = q.Choice("file_type", "file", "directory");
        string? taskType = q.Choice("task_type", "refresh", "preheating");
        return new TaskFilter
        {
            Start = start, End = end, InProcess = status is null ? null : status == "task_inprocess",
            Directory = fileType is null ? null : fileType == "directory", Preheat = taskType is null ? null : taskType == "preheating",
        };
    }

    private static void WriteTaskFields(Utf8JsonWriter w, TaskInfo t, TaskCounts c, int idShape, Mutation? totalLie = null)
    {
        if (idShape == 0) w.WriteString("id", t.Id.ToString(CultureInfo.InvariantCulture));
        else if (idShape == 1) w.WriteNull("id");
        w.WriteString("task_type", t.TaskTypeLower);
        w.WriteString("status", t.StatusOverride ?? c.Status);
        w.WriteNumber("processing", c.Processing);
        w.WriteNumber("succeed", c.Succeed);
        w.WriteNumber("failed", c.Failed);
        if (totalLie is null) w.WriteNumber("total", c.Total); else totalLie.WriteTotal(w, c.Total);
        w.WriteNumber("create_time", t.CreateTime);
        w.WriteString("file_type", t.FileType);
    }

    /// <summary>Applies the offset cap and short pages of a mutation to a page request; null = answer a 400.</summary>
    private static (int Skip, int Take)? Window(Mutation? m, int size, int number)
    {
        long skip = (long)(number - 1) * size;
        int take = size;
        if (m is { OffsetCap: > 0 } && skip >= m.OffsetCap)
        {
            if (m.OffsetCapError) return null;
            take = 0;
        }

        if (m is { ShortPageMax: > 0 }) take = Math.Min(take, m.ShortPageMax);
        return ((int)Math.Min(int.MaxValue, skip), take);
    }

    private static async Task List(HttpContext ctx, RecordStore store, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request);
        var (size, number) = Paging(q);
        TaskFilter filter = ReadTaskFilter(q);
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

        var (rows, m) = store.QueryTasks(filter, RecordStore.Now(), live: true);
        if (Window(m, size, number) is not var (skip, take))
        {
            await Responses.Nested(ctx, 400, "CDN.0001", $"Parameter error: page_number * page_size cannot exceed {m!.OffsetCap}");
            return;
        }

        Func<TaskRow, IComparable> key = orderField switch
        {
            "task_type" => r => r.Task.TaskTypeLower,
            "total" => r => r.Counts.Total,
            "processing" => r => r.Counts.Processing,
            "succeed" => r => r.Counts.Succeed,
            "failed" => r => r.Counts.Failed,
            _ => r => r.Task.CreateTime,
        };
        IEnumerable<TaskRow> ordered = orderType == "asc"
            ? rows.OrderBy(key).ThenBy(r => r.Task.Id)
            : rows.OrderByDescending(key).ThenByDescending(r => r.Task.Id);
        var page = ordered.Skip(skip).Take(take).ToList();
        await Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (m is null) w.WriteNumber("total", rows.Count); else m.WriteTotal(w, rows.Count);
            w.WriteStartArray("tasks");
            foreach (TaskRow r in page)
            {
                w.WriteStartObject();
                WriteTaskFields(w, r.Task, r.Counts, m?.IdShape(r.Task.Id, o.Seed) ?? 0);
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

        long tid = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;
        var (row, urls, m) = store.TaskDetail(tid, RecordStore.Now(), live: true);
        if (row is not TaskRow task)
        {
            await Responses.Nested(ctx, 404, "CDN.0003", "The task does not exist.");
            return;
        }

        if (Window(m, size, number) is not var (skip, take))
        {
            await Responses.Nested(ctx, 400, "CDN.0001", $"Parameter error: page_number * page_size cannot exceed {m!.OffsetCap}");
            return;
        }

        var page = urls.Where(v => (status is null || v.Status == status) && (url is null || v.Record.Url == url)).Skip(skip).Take(take).ToList();
        await Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            WriteTaskFields(w, task.Task, task.Counts, 0, m);
            w.WriteStartArray("urls");
            foreach (UrlView v in page)
            {
                w.WriteStartObject();
                int shape = m?.IdShape(v.Record.Id, o.Seed) ?? 0;
                if (shape == 0) w.WriteString("id", v.Record.Id.ToString(CultureInfo.InvariantCulture));
                else if (shape == 1) w.WriteNull("id");
                w.WriteString("url", v.Record.Url);
                w.WriteString("status", UrlRecord.Lower(v.Status));
                w.WriteNumber("create_time", v.Record.CreateTime);
                w.WriteString("task_id", task.Task.Id.ToString(CultureInfo.InvariantCulture));
                w.WriteString("task_type", v.Record.TypeUpper);
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
