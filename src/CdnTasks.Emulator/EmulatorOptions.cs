// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator;

/// <summary>
/// Emulator settings. Bound case-insensitively from environment variables prefixed <c>CDNEMU_</c>
/// and from the command line (<c>--Records 5000</c>); the command line wins.
/// </summary>
internal sealed class EmulatorOptions
{
    /// <summary>Primary access key.</summary>
    public string AccessKey { get; set; } = "HPUAEMULATORAK000001";

    /// <summary>Secret key of <see cref="AccessKey"/>.</summary>
    public string SecretKey { get; set; } = "emulator-secret-key-0123456789abcdef";

    /// <summary>Account (domain) id expected in X-Domain-Id.</summary>
    public string DomainId { get; set; } = "0123456789abcdef0123456789abcdef";

    /// <summary>More accounts: "AK2:SK2;AK3:SK3" (optionally "AK:SK:DOMAIN").</summary>
    public string? ExtraKeys { get; set; }

    /// <summary>When set, requests signed with <see cref="AccessKey"/> must carry and sign this X-Security-Token.</summary>
    public string? SecurityToken { get; set; }

    /// <summary>Number of generated url-task records.</summary>
    public int Records { get; set; } = 1000;

    /// <summary>Length of the generated history in days.</summary>
    public double Days { get; set; } = 1;

    /// <summary>Seed of all pseudo-random decisions.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>End of the generated history, ms since epoch UTC (default: start-up time).</summary>
    public long? AnchorTime { get; set; }

    /// <summary>Reject CDN calls without X-Domain-Id like the real gateway.</summary>
    public bool RequireDomainId { get; set; } = true;

    /// <summary>Maximum allowed difference between X-Sdk-Date and server time.</summary>
    public double ClockSkewMinutes { get; set; } = 15;

    /// <summary>Consecutive signature failures that lock an AK; 0 disables.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>Lockout duration.</summary>
    public double LockoutMinutes { get; set; } = 5;

    /// <summary>Enables the per-API per-tenant rate limits of the real service.</summary>
    public bool RateLimit { get; set; } = true;

    /// <summary>Overrides every per-API limit; 0 disables rate limiting.</summary>
    public int? RateLimitPerSecond { get; set; }

    /// <summary>Fixed delay before each API response.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Uniform extra delay 0..jitter before each API response.</summary>
    public int LatencyJitterMs { get; set; }

    /// <summary>Life time of a created task until its URLs are final.</summary>
    public double TaskSeconds { get; set; } = 10;

    /// <summary>Share of created URLs that end as failed.</summary>
    public double FailureRate { get; set; } = 0.1;

    /// <summary>Daily file refresh quota.</summary>
    public int QuotaFileRefresh { get; set; } = 10000;

    /// <summary>Daily directory refresh quota.</summary>
    public int QuotaDirRefresh { get; set; } = 500;

    /// <summary>Daily preheat quota.</summary>
    public int QuotaPreheat { get; set; } = 5000;

    /// <summary>New url-task records arriving per second while running.</summary>
    public double ArrivalsPerSecond { get; set; }

    /// <summary>Scripted faults "n:kind,...", n = 1-based API request number.</summary>
    public string? Faults { get; set; }

    /// <summary>Probability of a random fault per API request.</summary>
    public double FaultProbability { get; set; }

    /// <summary>Kinds drawn for random faults.</summary>
    public string FaultKinds { get; set; } = "429,500,502,503,504,reset,truncate,html,empty,slow";

    /// <summary>Delay of the "slow" fault.</summary>
    public double SlowFaultSeconds { get; set; } = 35;

    /// <summary>Retry-After (seconds) sent with 429 answers, injected or from the rate limiter.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Print one line per request to stdout.</summary>
    public bool Log { get; set; }

    /// <summary>Allow binding to non-loopback addresses.</summary>
    public bool AllowRemote { get; set; }

    /// <summary>Stop when stdin reaches end of file.</summary>
    public bool ExitOnStdinClose { get; set; }
}
