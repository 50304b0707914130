// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;
using CdnTasks.Emulator.Accounts;
using CdnTasks.Emulator.Api;
using CdnTasks.Emulator.Faults;
using CdnTasks.Emulator.RateLimit;
using CdnTasks.Emulator.Signature;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Control;

/// <summary>
/// The unsigned control API under /_emulator/ (loopback clients only; never counted, faulted or throttled):
/// health, reset, seeding, faults, live mutations, epochs and the oracle, stats, counts, created tasks, lockout.
/// Every route answers JSON; a bad body or query gets 400 {"error": "..."}.
/// </summary>
internal static class ControlEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/_emulator/health", () => Json(w => w.WriteString("status", "ok")));
        app.MapPost("/_emulator/reset", Reset);
        app.MapPost("/_emulator/records", AddRecords);
        app.MapGet("/_emulator/stats", Stats);
        app.MapPost("/_emulator/stats/reset", (EmulatorStats s) => { s.Reset(); return Ok(); });
        app.MapGet("/_emulator/count", Count);
        app.MapGet("/_emulator/tasks", Tasks);
        app.MapPost("/_emulator/tasks/{id}/status", SetTaskStatus);
        app.MapPost("/_emulator/faults", SetFaults);
        app.MapGet("/_emulator/faults", (FaultInjector f) => Json(f.Write, wrap: false));
        app.MapDelete("/_emulator/faults", ClearFaults);
        app.MapPost("/_emulator/mutations", SetMutations);
        app.MapGet("/_emulator/mutations", (RecordStore s) => Mutations(s));
        app.MapDelete("/_emulator/mutations", (RecordStore s) => { s.SetMutations(Array.Empty<Mutation>()); return Mutations(s); });
        app.MapPost("/_emulator/epoch", (RecordStore s) => Json(w => w.WriteNumber("epoch", s.Epoch(RecordStore.Now()))));
        app.MapGet("/_emulator/oracle", Oracle);
        app.MapPost("/_emulator/lockout/reset", (AuthGate g) => { g.ResetLockouts(); return Ok(); });
        app.MapGet("/_emulator/account", (AccountModel a) => Json(a.Write, wrap: false));
        app.MapPost("/_emulator/account", SetAccount);
        app.MapGet("/_emulator/outcomes", (RecordStore s) => Outcomes(s));
        app.MapPost("/_emulator/outcomes", SetOutcomes);
        app.MapDelete("/_emulator/outcomes", (RecordStore s) => { s.SetOutcomes(Array.Empty<OutcomeRule>()); return Outcomes(s); });
        app.MapGet("/_emulator/options", (EmulatorOptions o) => Json(w => RuntimeOptions.Write(o, w), wrap: false));
        app.MapPost("/_emulator/options", SetOptions);
        app.MapGet("/_emulator/clock", () => Clock());
        app.MapPost("/_emulator/clock", (Delegate)SetClock);
    }

    private static IResult Ok() => Results.Text("{\"ok\":true}", Responses.JsonContentType);

    private static readonly JsonSerializerOptions ErrorJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static IResult Error(string message) =>
        Results.Text(JsonSerializer.Serialize(new { error = message }, ErrorJson), Responses.JsonContentType, statusCode: 400);

    /// <summary>A JSON object answer whose members <paramref name="members"/> writes.</summary>
    private static IResult Json(Action<Utf8JsonWriter> members, bool wrap = true) => new JsonResult(w =>
    {
        if (wrap) w.WriteStartObject();
        members(w);
        if (wrap) w.WriteEndObject();
    });

    private sealed class JsonResult(Action<Utf8JsonWriter> write) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx) => Responses.WriteJson(ctx, 200, write);
    }

    /// <summary>Reads the JSON body; null when the body is empty; an error text when it is not JSON.</summary>
    private static async Task<(JsonDocument? Doc, string? Error)> ReadBody(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        if (ms.Length == 0 || ms.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return (null, null);
        try
        {
            return (JsonDocument.Parse(ms.ToArray()), null);
        }
        catch (JsonException ex)
        {
            return (null, "the body is not valid JSON: " + ex.Message);
        }
    }

    /// <summary>Property name normalised for matching: lower case, without '_' (so anchor_time = anchorTime).</summary>
    private static string Norm(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static async Task<IResult> Reset(HttpContext ctx, RecordStore store, EmulatorOptions o, StartupOptions startup, AccountModel account,
        FaultInjector faults, EmulatorStats stats, AuthGate auth, RateLimiter limiter)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null) return Error(error);
        GeneratorSettings? generator = null;
        using (doc)
        {
            if (doc is not null)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return Error("the body must be a JSON object such as {\"records\": 500, \"days\": 1, \"seed\": 7}");
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                int records = startup.Value.Records, seed = startup.Value.Seed;
                double days = startup.Value.Days;
                long anchor = now;
                foreach (JsonProperty p in doc.RootElement.EnumerateObject())
                {
                    bool ok = Norm(p.Name) switch
                    {
                        "records" => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out records) && records >= 0 && records <= 10_000_000,
                        "days" => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out days) && days > 0 && days <= 3650,
                        "seed" => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out seed),
                        "anchortime" => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out anchor),
                        _ => false,
                    };
                    if (!ok) return Error($"bad reset field '{p.Name}' (records: 0..10000000, days: > 0, seed: integer, anchor_time: epoch ms)");
                }

                generator = new GeneratorSettings(records, days, seed, anchor);
            }
        }

        // Back to the start-up options, the real clock and the account they describe, then the data.
        RuntimeOptions.CopyInto(startup.Value, o);
        RecordStore.ClockOffsetMs = 0;
        auth.Reload();
        account.Reload();
        store.Reset(generator, RecordStore.Now());
        faults.Clear();
        stats.Reset();
        auth.ResetLockouts();
        limiter.Reset();
        return Ok();
    }

    private static async Task<IResult> AddRecords(HttpContext ctx, RecordStore store)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null) return Error(error);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            doc?.Dispose();
            return Error("the body must be a JSON array of {\"url\", \"status\", \"task_type\", \"file_type\", \"mode\", \"create_time\"}");
        }

        var seeds = new List<SeedRecord>();
        long now = RecordStore.Now();
        using (doc)
        {
            int index = 0;
            foreach (JsonElement e in doc.RootElement.EnumerateArray())
            {
                SeedRecord? seed = ParseSeed(e, now, out string? problem);
                if (seed is null) return Error($"record {index}: {problem}");
                seeds.Add(seed);
                index++;
            }
        }

        var (ids, taskIds) = store.AddRecords(seeds, now);
        return Json(w =>
        {
            w.WriteStartArray("ids");
            foreach (long id in ids) w.WriteNumberValue(id);
            w.WriteEndArray();
            w.WriteStartArray("task_ids");
            foreach (long id in taskIds) w.WriteNumberValue(id);
            w.WriteEndArray();
        });
    }

    private static SeedRecord? ParseSeed(JsonElement e, long now, out string? error)
    {
        error = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            error = "must be a JSON object";
            return null;
        }

        string? url = null, mode = null, group = null, failClassify = null, failDesc = null, project = "0";
        UrlStatus status = UrlStatus.Succeed;
        bool preheat = false, directory = false;
        long created = now;
        long? modified = null;
        foreach (JsonProperty p in e.EnumerateObject())
        {
            JsonElement v = p.Value;
            string? text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            switch (Norm(p.Name))
            {
                case "url":
                    url = text;
                    if (string.IsNullOrEmpty(url)) { error = "url must be a non-empty string"; return null; }
                    break;
                case "status":
                    if (text is null || !UrlRecord.TryParse(text, out status))
                    {
                        error = "status must be one of processing, succeed, failed, waiting, refreshing, preheating";
                        return null;
                    }

                    break;
                case "tasktype":
                    if (!string.Equals(text, "refresh", StringComparison.OrdinalIgnoreCase) && !string.Equals(text, "preheating", StringComparison.OrdinalIgnoreCase))
                    {
                        error = "task_type must be refresh or preheating";
                        return null;
                    }

                    preheat = string.Equals(text, "preheating", StringComparison.OrdinalIgnoreCase);
                    break;
                case "filetype":
                    if (!string.Equals(text, "file", StringComparison.OrdinalIgnoreCase) && !string.Equals(text, "directory", StringComparison.OrdinalIgnoreCase))
                    {
                        error = "file_type must be file or directory";
                        return null;
                    }

                    directory = string.Equals(text, "directory", StringComparison.OrdinalIgnoreCase);
                    break;
                case "mode":
                    if (text is not ("all" or "detect_modify_refresh")) { error = "mode must be all or detect_modify_refresh"; return null; }
                    mode = text;
                    break;
                case "createtime":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out created)) { error = "create_time must be epoch milliseconds"; return null; }
                    break;
                case "modifytime":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long m)) { error = "modify_time must be epoch milliseconds"; return null; }
                    modified = m;
                    break;
                case "failclassify":
                    if (text is not ("ORIGIN_ERROR" or "INNER_ERROR" or "UNKNOWN_ERROR")) { error = "fail_classify must be ORIGIN_ERROR, INNER_ERROR or UNKNOWN_ERROR"; return null; }
                    failClassify = text;
                    break;
                case "faildesc":
                    failDesc = text;
                    break;
                case "task":
                    group = v.ValueKind switch
                    {
                        JsonValueKind.String => v.GetString(),
                        JsonValueKind.Number => v.GetRawText(),
                        _ => null,
                    };
                    if (group is null) { error = "task must be a string or number that labels records of one task"; return null; }
                    break;
                case "enterpriseprojectid":
                    project = text;
                    if (string.IsNullOrEmpty(project)) { error = "enterprise_project_id must be a non-empty string"; return null; }
                    break;
                default:
                    error = $"unknown field '{p.Name}'";
                    return null;
            }
        }

        if (url is null) { error = "url is required"; return null; }
        if (preheat && directory) { error = "preheating tasks cannot be directories"; return null; }
        if (mode is not null && !directory) { error = "mode is for directory records only"; return null; }
        if (directory) mode ??= "all";
        if (status == UrlStatus.Failed)
        {
            failClassify ??= "ORIGIN_ERROR";
            failDesc ??= "origin server returned 502";
        }

        return new SeedRecord(url, status, preheat, directory, mode, created, modified, failClassify, failDesc, group, project!);
    }

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
    private static IResult Count(HttpContext ctx, RecordStore store, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request, anyCase: !o.StrictCase);
        var (preheat, status, directory, url) = UrlTaskEndpoints.ReadFilters(q, o);
        long? start = q.Long("start_time"), end = q.Long("end_time"), taskId = q.Long("task_id");
        if (q.Error is not null) return Error(q.Error);
        var filter = new UrlFilter { Start = start, End = end, Preheat = preheat, Status = status, Directory = directory, Url = url, TaskId = taskId };
        int n = store.Count(filter, RecordStore.Now());
        return Json(w => w.WriteNumber("count", n));
    }

    private static IResult Tasks(RecordStore store)
    {
        var tasks = store.UserTasks(RecordStore.Now());
        return Json(w =>
        {
            w.WriteStartArray("tasks");
            foreach (var (t, urls) in tasks)
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id.ToString(CultureInfo.InvariantCulture));
                w.WriteString("task_type", t.TaskTypeLower);
                w.WriteString("file_type", t.FileType);
                if (t.Mode is not null) w.WriteString("mode", t.Mode);
                w.WriteBoolean("zh_url_encode", t.ZhUrlEncode);
                w.WriteString("enterprise_project_id", t.EnterpriseProjectId);
                w.WriteNumber("create_time", t.CreateTime);
                w.WriteStartArray("urls");
                foreach (string u in urls) w.WriteStringValue(u);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static async Task<IResult> SetFaults(HttpContext ctx, FaultInjector faults)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null || doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc?.Dispose();
            return Error("body must be JSON like {\"api\":\"CreateRefreshTasks\",\"script\":\"1:503\",\"probability\":0.0,\"kinds\":\"429,503\"}");
        }

        string? script = null, kinds = null;
        double probability = 0;
        ApiKind? api = null;
        using (doc)
        {
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                JsonElement v = p.Value;
                switch (Norm(p.Name))
                {
                    case "api" when v.ValueKind == JsonValueKind.Null:
                        break;
                    case "api":
                        api = v.ValueKind == JsonValueKind.String ? ApiRoutes.FromSdkName(v.GetString()!) : null;
                        if (api is null) return Error("api must be one of " + string.Join(", ", ApiRoutes.SdkNames) + " (omit it for the global script)");
                        break;
                    case "script" when v.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                        script = v.GetString();
                        break;
                    case "probability" when v.ValueKind == JsonValueKind.Number:
                        probability = v.GetDouble();
                        break;
                    case "kinds" when v.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                        kinds = v.GetString();
                        break;
                    default:
                        return Error($"bad faults field '{p.Name}' (api: string, script: \"n:kind,...\", probability: number, kinds: \"kind,...\")");
                }
            }
        }

        error = faults.Configure(api, script, probability, kinds);
        return error is null ? Ok() : Error(error);
    }

    private static IResult ClearFaults(HttpContext ctx, FaultInjector faults)
    {
        string? name = ctx.Request.Query["api"].FirstOrDefault();
        if (string.IsNullOrEmpty(name))
        {
            faults.Clear();
            return Ok();
        }

        if (ApiRoutes.FromSdkName(name) is not ApiKind api) return Error("api must be one of " + string.Join(", ", ApiRoutes.SdkNames));
        faults.Configure(api, null, 0, null);
        return Ok();
    }

    private static async Task<IResult> SetMutations(HttpContext ctx, RecordStore store)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null) return Error(error);
        var set = new List<Mutation>();
        using (doc)
        {
            if (doc is not null)
            {
                JsonElement root = doc.RootElement;
                IEnumerable<JsonElement> entries = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : new[] { root };
                foreach (JsonElement e in entries)
                {
                    Mutation? m = Mutation.Parse(e, out string? problem);
                    if (m is null) return Error(problem!);
                    set.Add(m);
                }
            }
        }

        error = store.SetMutations(set);
        return error is null ? Mutations(store) : Error(error);
    }

    private static IResult Mutations(RecordStore store)
    {
        Mutation[] set = store.Mutations();
        return Json(w =>
        {
            w.WriteStartArray("mutations");
            foreach (Mutation m in set) m.Write(w);
            w.WriteEndArray();
        });
    }

    private static IResult Oracle(HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions o)
    {
        var q = new QueryReader(ctx.Request, anyCase: !o.StrictCase);
        long? since = q.Long("since");
        string apiName = q.String("api") ?? "ShowUrlTaskInfo";
        ApiKind? api = ApiRoutes.FromSdkName(apiName);
        if (q.Error is not null) return Error(q.Error);
        if (since is null) return Error("since is required: the epoch from POST /_emulator/epoch");
        long now = RecordStore.Now();
        List<OracleEntry>? stable, ever;
        string? error;
        bool tasks = false;
        switch (api)
        {
            case ApiKind.UrlTasks:
            case ApiKind.HistoryTaskDetail:
            {
                var (preheat, status, directory, url) = UrlTaskEndpoints.ReadFilters(q, o);
                long? start = q.Long("start_time"), end = q.Long("end_time");
                long? taskId = api == ApiKind.HistoryTaskDetail ? q.Long("id") : q.Long("task_id");
                if (api == ApiKind.HistoryTaskDetail && taskId is null) q.Fail("id (the task id) is required for ShowHistoryTaskDetails");
                if (q.Error is not null) return Error(q.Error);
                var filter = new UrlFilter { Start = start, End = end, Preheat = preheat, Status = status, Directory = directory, Url = url, TaskId = taskId };
                (stable, ever, error) = store.OracleUrls(since.Value, filter, now);
                if (api == ApiKind.HistoryTaskDetail && error is null)
                {
                    // ShowHistoryTaskDetails answers status words in lower case.
                    stable = stable!.Select(e => e with { Status = e.Status.ToLowerInvariant() }).ToList();
                    ever = ever!.Select(e => e with { Status = e.Status.ToLowerInvariant() }).ToList();
                }

                break;
            }

            case ApiKind.HistoryTasks:
            {
                TaskFilter filter = HistoryEndpoints.ReadTaskFilter(q, account, null, out CdnError? scopeError);
                if (q.Error is not null) return Error(q.Error);
                if (scopeError is CdnError se) return Error(se.Message);
                (stable, ever, error) = store.OracleTasks(since.Value, filter, now);
                tasks = true;
                break;
            }

            default:
                return Error("api must be ShowUrlTaskInfo, ShowHistoryTasks or ShowHistoryTaskDetails");
        }

        if (error is not null) return Error(error);
        return Json(w =>
        {
            w.WriteNumber("epoch", since.Value);
            w.WriteString("api", ApiRoutes.SdkName(api.Value));
            w.WriteNumber("stableCount", stable!.Count);
            w.WriteNumber("everCount", ever!.Count);
            WriteEntries(w, "stable", stable, tasks);
            WriteEntries(w, "ever", ever, tasks);
        });
    }

    private static async Task<IResult> SetAccount(HttpContext ctx, AccountModel account)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null || doc is null) return Error(error ?? "the body must be a JSON object such as {\"domains\": [\"www.example.com\"]}");
        using (doc)
        {
            error = account.Set(doc.RootElement);
        }

        return error is null ? Json(account.Write, wrap: false) : Error(error);
    }

    private static async Task<IResult> SetOutcomes(HttpContext ctx, RecordStore store)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null) return Error(error);
        var rules = new List<OutcomeRule>();
        using (doc)
        {
            if (doc is not null)
            {
                JsonElement root = doc.RootElement;
                foreach (JsonElement e in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : new[] { root }.AsEnumerable())
                {
                    OutcomeRule? rule = OutcomeRule.Parse(e, out string? problem);
                    if (rule is null) return Error(problem!);
                    rules.Add(rule);
                }
            }
        }

        store.SetOutcomes(rules);
        return Outcomes(store);
    }

    private static IResult Outcomes(RecordStore store)
    {
        List<OutcomeRule> rules = store.Outcomes();
        return Json(w =>
        {
            w.WriteStartArray("outcomes");
            foreach (OutcomeRule r in rules) r.Write(w);
            w.WriteEndArray();
        });
    }

    private static async Task<IResult> SetOptions(HttpContext ctx, EmulatorOptions options, AuthGate auth, AccountModel account, RecordStore store)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null || doc is null) return Error(error ?? "the body must be a JSON object of option values, such as {\"RateLimitPerSecond\": 20}");
        EmulatorOptions? next;
        using (doc)
        {
            next = RuntimeOptions.Apply(options, doc.RootElement, out error);
        }

        if (next is null) return Error(error!);
        string? accountError = new AccountModel(next, validateOnly: true).Error;
        if (accountError is not null) return Error(accountError);
        RuntimeOptions.CopyInto(next, options);
        auth.Reload();
        account.Reload();
        store.OptionsChanged(RecordStore.Now());
        return Json(w => RuntimeOptions.Write(options, w), wrap: false);
    }

    private static IResult Clock() => Json(w =>
    {
        w.WriteNumber("offset_ms", RecordStore.ClockOffsetMs);
        w.WriteNumber("now", RecordStore.Now());
    });

    private static async Task<IResult> SetClock(HttpContext ctx)
    {
        var (doc, error) = await ReadBody(ctx);
        if (error is not null || doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc?.Dispose();
            return Error(error ?? "the body must be {\"offset_ms\": n} or {\"advance_ms\": n}");
        }

        using (doc)
        {
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out long ms)) return Error($"{p.Name} must be a whole number of milliseconds");
                switch (Norm(p.Name))
                {
                    case "offsetms": RecordStore.ClockOffsetMs = ms; break;
                    case "advancems" when ms >= 0: RecordStore.ClockOffsetMs += ms; break;
                    default: return Error($"bad clock field '{p.Name}' (offset_ms: any, advance_ms: >= 0; the data clock never goes back by advancing)");
                }
            }
        }

        return Clock();
    }

    private static void WriteEntries(Utf8JsonWriter w, string name, List<OracleEntry> entries, bool tasks)
    {
        w.WriteStartArray(name);
        foreach (OracleEntry e in entries)
        {
            w.WriteStartObject();
            // The same JSON types as the API answers: record ids are numbers, task ids strings.
            if (tasks) w.WriteString("id", e.Id.ToString(CultureInfo.InvariantCulture)); else w.WriteNumber("id", e.Id);
            if (e.Url is not null) w.WriteString("url", e.Url);
            w.WriteNumber("create_time", e.CreateTime);
            w.WriteString("status", e.Status);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Makes the history APIs report a task with a given status (any string, e.g. one the client does not know); {"status":null} restores the computed one.</summary>
    private static async Task<IResult> SetTaskStatus(HttpContext ctx, string id, RecordStore store)
    {
        TaskInfo? task = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long tid) ? store.TaskDetail(tid, RecordStore.Now(), live: false).Row?.Task : null;
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
}
