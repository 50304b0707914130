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

    /// <summary>Enumerated query values must be sent in the documented case (false: any case is accepted).</summary>
    public bool StrictCase { get; set; } = true;

    /// <summary>ShowUrlTaskInfo's status filter is matched in any case (its docs disagree); false: lower case only.</summary>
    public bool UrlTaskStatusAnyCase { get; set; } = true;

    /// <summary>Longest processing time of a generated task in minutes: older generated tasks are finished.</summary>
    public double GeneratedTaskMinutes { get; set; } = 30;

    /// <summary>
    /// The account's acceleration domains, "host[@project][!offline],...": "*.example.com" covers its subdomains,
    /// "@project" puts the domain in an enterprise project, "!offline" makes purges of it fail with CDN.0106.
    /// Default: the six hosts of the generated data.
    /// </summary>
    public string? Domains { get; set; }

    /// <summary>Enterprise project ids ("0,ep-a"); unset = the feature is off and enterprise_project_id is ignored.</summary>
    public string? EnterpriseProjects { get; set; }

    /// <summary>The account may call ShowUrlTaskInfo (false: 403 CDN.0004 "the customer is not in the whitelist").</summary>
    public bool UrlTaskWhitelisted { get; set; } = true;

    /// <summary>Shape of the CDN.0004 answer of ShowUrlTaskInfo: "nested" or "flat".</summary>
    public string WhitelistErrorShape { get; set; } = "nested";

    /// <summary>Code answered for a URL whose host is no acceleration domain of the account: CDN.0108 or CDN.0105.</summary>
    public string UnknownDomainCode { get; set; } = "CDN.0108";

    /// <summary>HTTP status of the CDN business errors (CDN.0105, CDN.0106, CDN.0108, CDN.0110).</summary>
    public int BusinessErrorStatus { get; set; } = 400;

    /// <summary>
    /// UTC offset in hours of the service's day: the daily purge and prefetch usage resets at its midnight, and
    /// ShowUrlTaskInfo without start_time/end_time covers its "today".
    /// </summary>
    public double ServiceUtcOffsetHours { get; set; } = 8;

    /// <summary>Quota of acceleration domains (ShowQuota "domain"; used = the account's domains).</summary>
    public int QuotaDomain { get; set; } = 100;

    /// <summary>ShowHistoryTaskDetails without create_time finds the tasks of this many last days.</summary>
    public double DetailDefaultDays { get; set; } = 7;

    /// <summary>ShowHistoryTaskDetails' create_time may reach this many days back.</summary>
    public double DetailMaxDays { get; set; } = 15;

    /// <summary>Host name the generated TLS certificate is issued to (default localhost, 127.0.0.1 and ::1).</summary>
    public string? CertificateHost { get; set; }

    /// <summary>Where the generated certificate is written (.pfx and .pem); default a new temporary folder.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>A copy of these options.</summary>
    public EmulatorOptions Clone() => (EmulatorOptions)MemberwiseClone();
}
