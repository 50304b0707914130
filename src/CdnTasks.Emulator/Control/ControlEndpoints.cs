// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;
using CdnTasks.Emulator.Api;
using CdnTasks.Emulator.Faults;
using CdnTasks.Emulator.Signature;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Control;

/// <summary>Unsigned control routes under /_emulator/: stats, count oracle, created tasks, faults, lockout.</summary>
internal static class ControlEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/_emulator/stats", Stats);
        app.MapPost("/_emulator/stats/reset", (EmulatorStats s) => { s.Reset(); return Ok(); });
        app.MapGet("/_emulator/count", Count);
        app.MapGet("/_emulator/tasks", Tasks);
        app.MapPost("/_emulator/tasks/{id}/status", SetTaskStatus);
        app.MapPost("/_emulator/faults", SetFaults);
        app.MapDelete("/_emulator/faults", (FaultInjector f) => { f.Configure(null, 0, null); return Ok(); });
        app.MapPost("/_emulator/lockout/reset", (AuthGate g) => { g.ResetLockouts(); return Ok(); });
    }

    private static IResult Ok() => Results.Text("{\"ok\":true}", Responses.JsonContentType);

    private static IResult Error(string message) =>
        Results.Text(JsonSerializer.Serialize(new { error = message }), Responses.JsonContentType, statusCode: 400);

    private static Task Stats(HttpContext ctx, EmulatorStats s) => Responses.WriteJson(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("requests");
        for (int i = 0; i < ApiRoutes.StatNames.Length; i++) w.WriteNumber(ApiRoutes.StatNames[i], Interlocked.Read(ref s.Requests[i]));
        w.WriteEndObject();
        w.WriteNumber("totalRequests", Interlocked.Read(ref s.TotalRequests));
        w.WriteNumber("throttled", Interlocked.Read(ref s.Throttled));
        w.WriteNumber("faultsInjected", Interlocked.Read(ref s.FaultsInjected));
        w.WriteNumber("authFailures", Interlocked.Read(ref s.AuthFailures));
        w.WriteNumber("tasksCreated", Interlocked.Read(ref s.TasksCreated));
        w.WriteNumber("urlsSubmitted", Interlocked.Read(ref s.UrlsSubmitted));
        w.WriteEndObject();
    });

    /// <summary>Test oracle: number of url-task records matching the url-tasks filters (no 24 h rule) plus task_id.</summary>
    private static async Task Count(HttpContext ctx, RecordStore store)
    {
        var q = new QueryReader(ctx.Request);
        var (preheat, status, directory, url) = UrlTaskEndpoints.ReadFilters(q);
        long? start = q.Long("start_time"), end = q.Long("end_time"), taskId = q.Long("task_id");
        if (q.Error is not null)
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsJsonAsync(new { error = q.Error });
            return;
        }

        var filter = new UrlFilter { Start = start, End = end, Preheat = preheat, Status = status, Directory = directory, Url = url, TaskId = taskId };
        int n = store.Count(filter, RecordStore.Now());
        await Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", n);
            w.WriteEndObject();
        });
    }

    private static Task Tasks(HttpContext ctx, RecordStore store) => Responses.WriteJson(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("tasks");
        foreach (TaskInfo t in store.Tasks(RecordStore.Now()).Where(t => t.UserCreated))
        {
            w.WriteStartObject();
            w.WriteString("id", t.Id.ToString(CultureInfo.InvariantCulture));
            w.WriteString("task_type", t.TaskTypeLower);
            w.WriteString("file_type", t.FileType);
            if (t.Mode is not null) w.WriteString("mode", t.Mode);
            w.WriteBoolean("zh_url_encode", t.ZhUrlEncode);
            w.WriteNumber("create_time", t.CreateTime);
            w.WriteStartArray("urls");
            foreach (UrlRecord r in store.TaskUrls(t)) w.WriteStringValue(r.Url);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Makes the history APIs report a task with a given status (any string, e.g. one the client does not know); {"status":null} restores the computed one.</summary>
    private static async Task<IResult> SetTaskStatus(HttpContext ctx, string id, RecordStore store)
    {
        TaskInfo? task = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long tid) ? store.FindTask(tid, RecordStore.Now()) : null;
        if (task is null) return Error($"no task {id}");
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            task.StatusOverride = doc.RootElement.TryGetProperty("status", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return Error("body must be JSON like {\"status\":\"task_paused\"}");
        }

        return Ok();
    }

    private static async Task<IResult> SetFaults(HttpContext ctx, FaultInjector faults)
    {
        string? script = null, kinds = null;
        double probability = 0;
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("script", out JsonElement s) && s.ValueKind == JsonValueKind.String) script = s.GetString();
            if (root.TryGetProperty("probability", out JsonElement p) && p.ValueKind == JsonValueKind.Number) probability = p.GetDouble();
            if (root.TryGetProperty("kinds", out JsonElement k) && k.ValueKind == JsonValueKind.String) kinds = k.GetString();
        }
        catch (JsonException)
        {
            return Error("body must be JSON like {\"script\":\"3:429\",\"probability\":0.0,\"kinds\":\"429,503\"}");
        }

        string? error = faults.Configure(script, probability, kinds);
        return error is null ? Ok() : Error(error);
    }
}
