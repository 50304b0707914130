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
/// Scripted and random fault injection by 1-based API request number.
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

    private readonly object _gate = new();
    private readonly EmulatorOptions _options;
    private Dictionary<long, string> _script = new();
    private double _probability;
    private string[] _kinds = Array.Empty<string>();
    private Random _random;
    private long _number;

    /// <summary>Creates the injector from the start-up options.</summary>
    public FaultInjector(EmulatorOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        Configure(options.Faults, options.FaultProbability, options.FaultKinds);
    }

    /// <summary>Replaces the configuration and restarts request numbering; returns an error text or null.</summary>
    public string? Configure(string? script, double probability, string? kinds)
    {
        var parsed = new Dictionary<long, string>();
        foreach (string item in (script ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = item.Split(':', 2, StringSplitOptions.TrimEntries);
            if (p.Length != 2 || !long.TryParse(p[0], out long n) || n < 1 || !KnownKinds.Contains(p[1].ToLowerInvariant()))
            {
                return $"bad fault script item '{item}'";
            }

            parsed[n] = p[1].ToLowerInvariant();
        }

        string[] k = (kinds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => x.ToLowerInvariant()).ToArray();
        string? bad = k.FirstOrDefault(x => !KnownKinds.Contains(x));
        if (bad is not null) return $"unknown fault kind '{bad}'";
        if (probability < 0 || probability > 1) return "probability must be between 0 and 1";
        lock (_gate)
        {
            _script = parsed;
            _probability = probability;
            _kinds = k;
            _number = 0;
            _random = new Random(_options.Seed);
        }

        return null;
    }

    /// <summary>Numbers the next API request and decides its fault (null = none).</summary>
    public string? Next()
    {
        lock (_gate)
        {
            long n = ++_number;
            if (_script.TryGetValue(n, out string? kind)) return kind;
            if (_probability > 0 && _kinds.Length > 0 && _random.NextDouble() < _probability)
            {
                return _kinds[_random.Next(_kinds.Length)];
            }

            return null;
        }
    }

    /// <summary>Timing class of a kind.</summary>
    public static FaultTiming TimingOf(string kind) => kind switch
    {
        "slow" => FaultTiming.Delay,
        "502post" or "504post" => FaultTiming.After,
        _ => FaultTiming.Before,
    };

    /// <summary>Writes the fault answer (or aborts the connection).</summary>
    public static async Task Apply(HttpContext ctx, string kind, int rateLimit, int retryAfterSeconds = 1)
    {
        switch (kind)
        {
            case "429":
                ctx.Response.Headers.RetryAfter = Math.Max(0, retryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Responses.Gateway(ctx, 429, "APIGW.0308",
                    $"The throttling threshold has been reached: policy user over ratelimit,limit:{(rateLimit > 0 ? rateLimit : 5)},time:1 second");
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
                await Raw(ctx, 200, Responses.JsonContentType,
                    "{\"total\":1234,\"count\":100,\"result\":[{\"id\":8001234,\"url\":\"https://www.example.com/static/js/ap");
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
