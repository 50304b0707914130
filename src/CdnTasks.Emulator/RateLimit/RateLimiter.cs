// Copyright (c) CdnTasks contributors. MIT License.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace CdnTasks.Emulator.RateLimit;

/// <summary>
/// Per-API per-tenant token buckets (bucket size = per-second limit, refilled continuously), like the
/// real service's flow control: url-tasks and quota 5/s, task APIs 30/s, IAM unlimited.
/// </summary>
internal sealed class RateLimiter
{
    private readonly ConcurrentDictionary<(ApiKind, string), Bucket> _buckets = new();
    private readonly EmulatorOptions _options;

    private sealed class Bucket
    {
        public double Tokens;
        public long Stamp;
    }

    /// <summary>Creates the limiter.</summary>
    public RateLimiter(EmulatorOptions options) => _options = options;

    /// <summary>Refills every bucket (POST /_emulator/reset).</summary>
    public void Reset() => _buckets.Clear();

    /// <summary>
    /// The service's documented per-tenant limit of an API, per second: ShowUrlTaskInfo and ShowQuota 5, the
    /// task APIs 30; IAM is not rate limited here (its limit is not documented; 429 texts use the gateway's
    /// default of 200).
    /// </summary>
    public static int DocumentedLimit(ApiKind api) => api switch
    {
        ApiKind.UrlTasks or ApiKind.Quota => 5,
        ApiKind.IamDomains => 200,
        _ => 30,
    };

    /// <summary>Per-second limit enforced for an API; 0 = unlimited.</summary>
    public int LimitFor(ApiKind api)
    {
        if (api == ApiKind.IamDomains) return 0;
        if (_options.RateLimitPerSecond is int n) return Math.Max(0, n);
        if (!_options.RateLimit) return 0;
        return DocumentedLimit(api);
    }

    /// <summary>The limit a 429 answer names: the enforced one, else the documented one.</summary>
    public int LimitNamed(ApiKind api) => LimitFor(api) is int n and > 0 ? n : DocumentedLimit(api);

    /// <summary>Takes a token; false when the caller is over the limit.</summary>
    public bool TryAcquire(ApiKind api, string tenant, out int limit)
    {
        limit = LimitFor(api);
        if (limit <= 0) return true;
        long now = Stopwatch.GetTimestamp();
        int cap = limit;
        Bucket b = _buckets.GetOrAdd((api, tenant), _ => new Bucket { Tokens = cap, Stamp = now });
        lock (b)
        {
            double elapsed = (now - b.Stamp) / (double)Stopwatch.Frequency;
            b.Stamp = now;
            b.Tokens = Math.Min(cap, b.Tokens + elapsed * cap);
            if (b.Tokens < 1) return false;
            b.Tokens -= 1;
            return true;
        }
    }
}
