// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text;
using System.Text.Json;
using CdnTasks.Emulator.Control;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Api;

/// <summary>CreateRefreshTasks and CreatePreheatingTasks (nested error shape).</summary>
internal static class ContentTaskEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1.0/cdn/content/refresh-tasks", (HttpContext ctx, RecordStore store, EmulatorStats stats) => Handle(ctx, store, stats, false));
        app.MapPost("/v1.0/cdn/content/preheating-tasks", (HttpContext ctx, RecordStore store, EmulatorStats stats) => Handle(ctx, store, stats, true));
    }

    private static Task Bad(HttpContext ctx, string what) => Responses.Nested(ctx, 400, "CDN.0001", "Parameter error: " + what);

    private static async Task Handle(HttpContext ctx, RecordStore store, EmulatorStats stats, bool preheat)
    {
        string wrapper = preheat ? "preheating_task" : "refresh_task";
        byte[] body = ctx.Items[GatewayMiddleware.BodyKey] as byte[] ?? Array.Empty<byte>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await Bad(ctx, "request body is not valid JSON");
            return;
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(wrapper, out JsonElement task)
                || task.ValueKind != JsonValueKind.Object)
            {
                await Bad(ctx, wrapper + " is required");
                return;
            }

            string type = "file", mode = "all";
            bool zh = false;
            if (!preheat && task.TryGetProperty("type", out JsonElement t) && t.ValueKind != JsonValueKind.Null)
            {
                type = t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                if (type is not ("file" or "directory")) { await Bad(ctx, "type must be file or directory"); return; }
            }

            if (!preheat && task.TryGetProperty("mode", out JsonElement m) && m.ValueKind != JsonValueKind.Null)
            {
                mode = m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                if (mode is not ("all" or "detect_modify_refresh")) { await Bad(ctx, "mode must be all or detect_modify_refresh"); return; }
            }

            if (task.TryGetProperty("zh_url_encode", out JsonElement z) && z.ValueKind != JsonValueKind.Null)
            {
                if (z.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) { await Bad(ctx, "zh_url_encode must be a boolean"); return; }
                zh = z.GetBoolean();
            }

            if (!task.TryGetProperty("urls", out JsonElement u) || u.ValueKind != JsonValueKind.Array || u.GetArrayLength() == 0)
            {
                await Bad(ctx, "urls is required");
                return;
            }

            bool directory = type == "directory";
            int max = directory ? 100 : 1000;
            if (u.GetArrayLength() > max)
            {
                await Bad(ctx, $"the number of urls cannot exceed {max}");
                return;
            }

            var urls = new List<string>();
            foreach (JsonElement e in u.EnumerateArray())
            {
                string? url = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                if (string.IsNullOrEmpty(url)
                    || !(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                {
                    await Bad(ctx, "url must start with http:// or https://");
                    return;
                }

                if (url.Length > 4096) { await Bad(ctx, "url cannot be longer than 4096 characters"); return; }
                if (preheat && url.EndsWith('/')) { await Bad(ctx, "directory prefetch is not supported"); return; }
                urls.Add(zh ? EncodeNonAscii(url) : url);
            }

            TaskInfo? created = store.CreateTask(preheat, directory, directory ? mode : null, zh, urls, RecordStore.Now());
            if (created is null)
            {
                await Responses.Nested(ctx, 400, "CDN.0110", "The number of URLs to be preheated or refreshed exceeds the upper limit.");
                return;
            }

            Interlocked.Increment(ref stats.TasksCreated);
            Interlocked.Add(ref stats.UrlsSubmitted, urls.Count);
            string id = created.Id.ToString(CultureInfo.InvariantCulture);
            await Responses.WriteJson(ctx, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString(wrapper, id);
                w.WriteEndObject();
            });
        }
    }

    /// <summary>zh_url_encode=true: non-ASCII characters are percent-encoded (UTF-8, upper-case hex).</summary>
    private static string EncodeNonAscii(string url)
    {
        var sb = new StringBuilder(url.Length * 2);
        Span<byte> buf = stackalloc byte[4];
        foreach (Rune r in url.EnumerateRunes())
        {
            if (r.IsAscii)
            {
                sb.Append((char)r.Value);
                continue;
            }

            int n = r.EncodeToUtf8(buf);
            for (int i = 0; i < n; i++) sb.Append('%').Append(buf[i].ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
