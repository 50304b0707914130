// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text;
using System.Text.Json;
using CdnTasks.Emulator.Accounts;
using CdnTasks.Emulator.Control;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Api;

/// <summary>CreateRefreshTasks and CreatePreheatingTasks (nested error shape).</summary>
internal static class ContentTaskEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1.0/cdn/content/refresh-tasks",
            (HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions o, EmulatorStats stats) => Handle(ctx, store, account, o, stats, false));
        app.MapPost("/v1.0/cdn/content/preheating-tasks",
            (HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions o, EmulatorStats stats) => Handle(ctx, store, account, o, stats, true));
    }

    private static Task Bad(HttpContext ctx, string what) => Responses.Nested(ctx, 400, "CDN.0001", "Parameter error: " + what);

    private static async Task Handle(HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions o, EmulatorStats stats, bool preheat)
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

            // The account: enterprise project scope, then every URL on an online acceleration domain within it.
            string? requested = ctx.Request.Query["enterprise_project_id"].FirstOrDefault();
            var (scope, scopeError) = account.Scope(string.IsNullOrEmpty(requested) ? null : requested, GatewayMiddleware.CallerOf(ctx)?.Projects);
            if (scopeError is CdnError se)
            {
                await Responses.Nested(ctx, se.Status, se.Code, se.Message);
                return;
            }

            string? project = scope is { Count: 1 } ? scope.First() : null;
            foreach (string raw in RawUrls(u))
            {
                if (account.CheckUrl(raw, scope, out DomainEntry? domain) is CdnError de)
                {
                    await Responses.Nested(ctx, de.Status, de.Code, de.Message);
                    return;
                }

                project ??= domain!.Project;
            }

            TaskInfo? created = store.CreateTask(preheat, directory, directory ? mode : null, zh, urls, project ?? "0", RecordStore.Now());
            if (created is null)
            {
                await Responses.Nested(ctx, o.BusinessErrorStatus, "CDN.0110", "The number of URLs to be preheated or refreshed exceeds the upper limit.");
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

    private static IEnumerable<string> RawUrls(JsonElement urls) => urls.EnumerateArray().Select(e => e.GetString()!);

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
