// Copyright (c) CdnTasks contributors. MIT License.
using System.Text;
using CdnTasks.Emulator.Api;

namespace CdnTasks.Emulator.Faults;

/// <summary>When a fault strikes relative to the request's processing.</summary>
internal enum FaultTiming
{
    /// <summary>The fault answer replaces processing: a POST is NOT processed.</summary>
    Before,
    /// <summary>Only a delay; the request is processed afterwards if the client is still there ("slow").</summary>
    Delay,
    /// <summary>The request IS processed, then its answer is replaced by the fault ("502post", "504post").</summary>
    After,
}

/// <summary>
/// Scripted and random fault injection by 1-based request number: a global script numbered by every API
/// request, and a script per API numbered by that API's own requests.
/// Kinds: 429, 500, 502, 503, 504, 503pre (= 503), reset, truncate, html (502 text/html), html200,
/// empty, slow, and the processed-then-failed variants 502post and 504post. For POST requests every kind
/// except "slow", "502post" and "504post" fails before the task is created (nothing is processed);
/// "slow" creates the task after the delay unless the client went away; "502post"/"504post" create the
/// task and then answer 502/504.
/// </summary>
internal sealed class FaultInjector
{
    /// <summary>All kinds understood.</summary>
    public static readonly string[] KnownKinds =
    {
        "429", "500", "502", "503", "504", "503pre", "502post", "504post", "reset", "truncate", "html", "html200", "empty", "slow",
    };

    /// <summary>One script: numbered faults, random faults, and the request counter they are numbered by.</summary>
    private sealed class Script
    {
        public Dictionary<long, string> Items = new();
        public double Probability;
        public string[] Kinds = Array.Empty<string>();
        public string Text = "";
        public Random Random = new(0);
        public long Number;
    }

    private readonly object _gate = new();
    private readonly EmulatorOptions _options;
    private Script _global = new();
    private readonly Script?[] _perApi = new Script?[ApiRoutes.SdkNames.Length];

    /// <summary>Creates the injector from the start-up options.</summary>
    public FaultInjector(EmulatorOptions options)
    {
        _options = options;
        string? error = Configure(null, options.Faults, options.FaultProbability, options.FaultKinds);
        if (error is not null) throw new InvalidOperationException("--Faults/--FaultKinds/--FaultProbability: " + error);
    }

    /// <summary>
    /// Replaces the global script (<paramref name="api"/> null: numbered by every API request) or the script
    /// of one API (numbered by that API's own requests), and restarts its numbering; returns an error text or null.
    /// </summary>
    public string? Configure(ApiKind? api, string? script, double probability, string? kinds)
    {
        var parsed = new Dictionary<long, string>();
        foreach (string item in (script ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = item.Split(':', 2, StringSplitOptions.TrimEntries);
            if (p.Length != 2 || !long.TryParse(p[0], out long n) || n < 1 || !KnownKinds.Contains(p[1].ToLowerInvariant()))
            {
                return $"bad fault script item '{item}' (expected n:kind, kinds: {string.Join(", ", KnownKinds)})";
            }

            parsed[n] = p[1].ToLowerInvariant();
        }

        string[] k = (kinds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => x.ToLowerInvariant()).ToArray();
        string? bad = k.FirstOrDefault(x => !KnownKinds.Contains(x));
        if (bad is not null) return $"unknown fault kind '{bad}'";
        if (probability < 0 || probability > 1) return "probability must be between 0 and 1";
        var next = new Script
        {
            Items = parsed, Probability = probability, Kinds = k, Text = script ?? "",
            Random = new Random(unchecked(_options.Seed + (api is ApiKind a ? (int)a + 1 : 0))),
        };
        lock (_gate)
        {
            if (api is ApiKind target) _perApi[(int)target] = next; else _global = next;
        }

        return null;
    }

    /// <summary>Removes every script, global and per API.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _global = new Script();
            Array.Clear(_perApi);
        }
    }

    /// <summary>Numbers the next request of <paramref name="api"/> (globally and per API) and decides its fault (null = none); the API's own script wins.</summary>
    public string? Next(ApiKind api)
    {
        lock (_gate)
        {
            string? own = _perApi[(int)api] is Script s ? Draw(s) : null;
            string? global = Draw(_global);
            return own ?? global;
        }
    }

    private static string? Draw(Script s)
    {
        long n = ++s.Number;
        if (s.Items.TryGetValue(n, out string? kind)) return kind;
        if (s.Probability > 0 && s.Kinds.Length > 0 && s.Random.NextDouble() < s.Probability) return s.Kinds[s.Random.Next(s.Kinds.Length)];
        return null;
    }

    /// <summary>Writes the scripts as GET /_emulator/faults shows them.</summary>
    public void Write(System.Text.Json.Utf8JsonWriter w)
    {
        lock (_gate)
        {
            w.WriteStartObject();
            WriteScript(w, "global", _global);
            w.WriteStartObject("apis");
            for (int i = 0; i < _perApi.Length; i++)
            {
                if (_perApi[i] is Script s) WriteScript(w, ApiRoutes.SdkNames[i], s);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }
    }

    private static void WriteScript(System.Text.Json.Utf8JsonWriter w, string name, Script s)
    {
        w.WriteStartObject(name);
        w.WriteString("script", s.Text);
        w.WriteNumber("probability", s.Probability);
        w.WriteString("kinds", string.Join(",", s.Kinds));
        w.WriteNumber("requests", s.Number);
        w.WriteEndObject();
    }

    /// <summary>Timing class of a kind.</summary>
    public static FaultTiming TimingOf(string kind) => kind switch
    {
        "slow" => FaultTiming.Delay,
        "502post" or "504post" => FaultTiming.After,
        _ => FaultTiming.Before,
    };

    /// <summary>
    /// JSON cut off in the middle, in the shape the API's own answer has (a POST gets a task-id body, not a
    /// url-tasks page).
    /// </summary>
    private static string TruncatedBody(ApiKind api) => api switch
    {
        ApiKind.RefreshTasks => "{\"refresh_task\":\"76",
        ApiKind.PreheatingTasks => "{\"preheating_task\":\"76",
        ApiKind.HistoryTasks => "{\"total\":12,\"tasks\":[{\"id\":\"400123\",\"task_type\":\"refresh\",\"status\":\"task_d",
        ApiKind.HistoryTaskDetail => "{\"id\":\"400123\",\"task_type\":\"refresh\",\"status\":\"task_done\",\"processing\":0,\"succeed\":3,"
            + "\"failed\":0,\"total\":3,\"create_time\":1700000000000,\"file_type\":\"file\",\"urls\":[{\"id\":\"8001234\",\"url\":\"https://www.exam",
        ApiKind.Quota => "{\"quotas\":[{\"quota_limit\":10000,\"type\":\"file_refresh\",\"us",
        ApiKind.IamDomains => "{\"domains\":[{\"id\":\"0123456789ab",
        _ => "{\"total\":1234,\"count\":100,\"result\":[{\"id\":8001234,\"url\":\"https://www.example.com/static/js/ap",
    };

    /// <summary>Writes the fault answer (or aborts the connection); a 429 names <paramref name="rateLimit"/>, the API's limit.</summary>
    public static async Task Apply(HttpContext ctx, string kind, ApiKind api, int rateLimit, int retryAfterSeconds = 1)
    {
        switch (kind)
        {
            case "429":
                ctx.Response.Headers.RetryAfter = Math.Max(0, retryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Responses.Gateway(ctx, 429, "APIGW.0308",
                    $"The throttling threshold has been reached: policy user over ratelimit,limit:{rateLimit},time:1 second");
                break;
            case "500":
                await Responses.Nested(ctx, 500, "CDN.0000", "Internal error.");
                break;
            case "502":
            case "502post":
                await Responses.Gateway(ctx, 502, "APIGW.0201", "Backend unavailable.");
                break;
            case "503":
            case "503pre":
                await Responses.Gateway(ctx, 503, "APIGW.0613", "The IAM service is currently unavailable.");
                break;
            case "504":
            case "504post":
                await Responses.Gateway(ctx, 504, "APIGW.0201", "Backend timeout.");
                break;
            case "reset":
                ctx.Abort();
                break;
            case "truncate":
                await Raw(ctx, 200, Responses.JsonContentType, TruncatedBody(api));
                break;
            case "html":
            case "html200":
                await Raw(ctx, kind == "html" ? 502 : 200, "text/html",
                    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
                break;
            case "empty":
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = Responses.JsonContentType;
                ctx.Response.ContentLength = 0;
                break;
        }
    }

    private static async Task Raw(HttpContext ctx, int status, string contentType, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), ctx.RequestAborted);
    }
}
