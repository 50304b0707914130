// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;
using CdnTasks.Emulator.Accounts;
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

    /// <summary>
    /// Parses the ShowHistoryTasks filters (shared with the oracle). Enumerated values as documented (lower
    /// case); file_type defaults to "file" as the API does; enterprise_project_id scopes the tasks.
    /// </summary>
    public static TaskFilter ReadTaskFilter(QueryReader q, AccountModel account, IReadOnlySet<string>? callerProjects, out CdnError? scopeError)
    {
        string? status = q.Choice("status", "task_inprocess", "task_done");
        long? start = q.Long("start_date");
        long? end = q.Long("end_date");
        string fileType = q.Choice("file_type", "file", "directory") ?? "file";
        string? taskType = q.Choice("task_type", "refresh", "preheating");
        var (scope, error) = account.Scope(q.String("enterprise_project_id"), callerProjects);
        scopeError = error;
        return new TaskFilter
        {
            Start = start, End = end, InProcess = status is null ? null : status == "task_inprocess",
            Directory = fileType == "directory", Preheat = taskType is null ? null : taskType == "preheating", Projects = scope,
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

    private static async Task List(HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request, anyCase: !o.StrictCase);
        var (size, number) = Paging(q);
        TaskFilter filter = ReadTaskFilter(q, account, GatewayMiddleware.CallerOf(ctx)?.Projects, out CdnError? scopeError);
        string? orderField = q.Choice("order_field", "task_type", "total", "processing", "succeed", "failed", "create_time");
        string? orderType = q.Choice("order_type", "desc", "asc");
        if (q.Error is not null)
        {
            await Responses.Nested(ctx, 400, "CDN.0001", "Parameter error: " + q.Error);
            return;
        }

        if (scopeError is CdnError se)
        {
            await Responses.Nested(ctx, se.Status, se.Code, se.Message);
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

    private static async Task Detail(HttpContext ctx, string id, RecordStore store, AccountModel account, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request, anyCase: !o.StrictCase);
        var (size, number) = Paging(q);
        string? st = q.Choice("status", "processing", "succeed", "failed", "waiting", "refreshing", "preheating");
        UrlStatus? status = st is not null && UrlRecord.TryParse(st, out UrlStatus s) ? s : null;
        string? url = q.String("url");

        // Without create_time the tasks of the last 7 days are searched; create_time may reach 15 days back.
        long now = RecordStore.Now();
        long? createTime = q.Long("create_time");
        if (createTime is long ct && now - ct > o.DetailMaxDays * 86_400_000)
        {
            q.Fail($"create_time cannot be more than {o.DetailMaxDays.ToString(CultureInfo.InvariantCulture)} days ago");
        }

        if (q.Error is not null)
        {
            await Responses.Nested(ctx, 400, "CDN.0001", "Parameter error: " + q.Error);
            return;
        }

        var (scope, scopeError) = account.Scope(q.String("enterprise_project_id"), GatewayMiddleware.CallerOf(ctx)?.Projects);
        if (scopeError is CdnError se)
        {
            await Responses.Nested(ctx, se.Status, se.Code, se.Message);
            return;
        }

        long from = createTime ?? now - (long)(o.DetailDefaultDays * 86_400_000);
        long tid = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;
        var (row, urls, m) = store.TaskDetail(tid, now, live: true,
            visible: t => t.CreateTime >= from && (scope is null || scope.Contains(t.EnterpriseProjectId)));
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
