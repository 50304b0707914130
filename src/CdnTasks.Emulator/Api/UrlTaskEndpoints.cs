// Copyright (c) CdnTasks contributors. MIT License.
using System.Buffers;
using System.Text.Json;
using CdnTasks.Emulator.Accounts;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Api;

/// <summary>ShowUrlTaskInfo: GET /v1.0/cdn/contentgateway/url-tasks (flat error shape).</summary>
internal static class UrlTaskEndpoints
{
    private const long MaxSpan = 86_400_000;

    /// <summary>Maps the route.</summary>
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1.0/cdn/contentgateway/url-tasks", Handle);

    /// <summary>
    /// Parses the url-task filters shared with /_emulator/count and the oracle (without range rules): task_type
    /// REFRESH|PREHEATING and file_type file|directory as documented; status in any case, because the docs
    /// disagree (lower case in requests, upper case in answers), unless --UrlTaskStatusAnyCase false.
    /// </summary>
    public static (bool? Preheat, UrlStatus? Status, bool? Directory, string? Url) ReadFilters(QueryReader q, EmulatorOptions o)
    {
        string? type = q.Choice("task_type", "REFRESH", "PREHEATING");
        string[] statuses = { "processing", "succeed", "failed", "waiting", "refreshing", "preheating" };
        string? st = o.UrlTaskStatusAnyCase ? q.ChoiceAnyCase("status", statuses) : q.Choice("status", statuses);
        UrlStatus? status = st is not null && UrlRecord.TryParse(st, out UrlStatus s) ? s : null;
        string? fileType = q.Choice("file_type", "file", "directory");
        return (type is null ? null : type == "PREHEATING", status, fileType is null ? null : fileType == "directory", q.String("url"));
    }

    private static async Task Handle(HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions options)
    {
        if (!account.Whitelisted)
        {
            // Observed for other CDN APIs without the service ticket; the shape for this API is not confirmed.
            const string NotWhitelisted = "the customer is not in the whitelist";
            await (options.WhitelistErrorShape == "flat"
                ? Responses.Flat(ctx, 403, "CDN.0004", NotWhitelisted)
                : Responses.Nested(ctx, 403, "CDN.0004", NotWhitelisted));
            return;
        }

        var q = new QueryReader(ctx.Request, anyCase: !options.StrictCase);
        long? start = q.Long("start_time");
        long? end = q.Long("end_time");
        int offset = q.Int("offset", 0, 0, int.MaxValue);
        int limit = q.Int("limit", 10, 1, 100);
        var (preheat, status, directory, url) = ReadFilters(q, options);
        if (q.Error is null)
        {
            if (q.Has("start_time") != q.Has("end_time")) q.Fail("start_time and end_time must be specified together");
            else if (end < start) q.Fail("end_time must be greater than or equal to start_time");
            else if (end - start > MaxSpan) q.Fail("the time range between start_time and end_time cannot exceed 24 hours");
        }

        if (q.Error is not null)
        {
            await Responses.Flat(ctx, 400, "CDN.0001", "Parameter error: " + q.Error);
            return;
        }

        if (start is null)
        {
            long zone = (long)(options.ServiceUtcOffsetHours * 3_600_000);
            long today = (long)Math.Floor((RecordStore.Now() + zone) / (double)MaxSpan) * MaxSpan - zone;
            start = today;
            end = today + MaxSpan;
        }

        var filter = new UrlFilter { Start = start, End = end, Preheat = preheat, Status = status, Directory = directory, Url = url };
        UrlPage page = store.QueryUrlTasks(filter, offset, limit, RecordStore.Now(), live: true);
        Mutation? m = page.Mutation;
        if (page.OffsetCapped && m!.OffsetCapError)
        {
            await Responses.Flat(ctx, 400, "CDN.0001", $"Parameter error: offset cannot exceed {m.OffsetCap}");
            return;
        }

        await Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (m is null) w.WriteNumber("total", page.Total); else m.WriteTotal(w, page.Total);
            w.WriteNumber("count", page.Items.Count);
            w.WriteStartArray("result");
            foreach (UrlView v in page.Items)
            {
                byte[] json = FragmentOf(v);
                int shape = m?.IdShape(v.Record.Id, options.Seed) ?? 0;
                if (shape == 0)
                {
                    w.WriteRawValue(json, skipInputValidation: true);
                }
                else
                {
                    // The fragment starts with {"id":<n>, — replace or drop that member.
                    int comma = Array.IndexOf(json, (byte)',');
                    byte[] prefix = shape == 1 ? "{\"id\":null,"u8.ToArray() : "{"u8.ToArray();
                    w.WriteRawValue([.. prefix, .. json.AsSpan(comma + 1)], skipInputValidation: true);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The record's JSON as of the snapshot, cached per record until its status changes.</summary>
    private static byte[] FragmentOf(UrlView v)
    {
        Tuple<int, byte[]>? cached = v.Record.Fragment;
        if (cached is not null && cached.Item1 == v.Version) return cached.Item2;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Responses.WriterOptions))
        {
            WriteItem(w, v);
        }

        byte[] json = buffer.WrittenSpan.ToArray();
        v.Record.Fragment = Tuple.Create(v.Version, json);
        return json;
    }

    private static void WriteItem(Utf8JsonWriter w, UrlView v)
    {
        UrlRecord r = v.Record;
        w.WriteStartObject();
        w.WriteNumber("id", r.Id);
        w.WriteString("url", r.Url);
        w.WriteString("status", UrlRecord.Upper(v.Status));
        w.WriteString("type", r.TypeUpper);
        w.WriteNumber("task_id", r.Task.Id);
        w.WriteNumber("modify_time", v.ModifyTime);
        w.WriteNumber("create_time", r.CreateTime);
        w.WriteString("file_type", r.Task.FileType);
        if (r.Task.Directory) w.WriteString("mode", r.Task.Mode);
        w.WriteEndObject();
    }
}
