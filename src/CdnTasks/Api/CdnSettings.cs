// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace CdnTasks.Api
{
    /// <summary>
    /// One layer of configuration (per-call parameters, session defaults, environment). Null means "not set
    /// here"; <see cref="CdnSettings.Resolve"/> takes the first layer that sets each value.
    /// </summary>
    public sealed class CdnSettingsLayer
    {
        /// <summary>Gets or sets the region id.</summary>
        public string Region { get; set; }

        /// <summary>Gets or sets an explicit endpoint that overrides the region's.</summary>
        public string Endpoint { get; set; }

        /// <summary>Gets or sets the per-request timeout in seconds.</summary>
        public double? TimeoutSec { get; set; }

        /// <summary>Gets or sets how many times a failed request is retried (0 = no retries).</summary>
        public int? MaxRetry { get; set; }

        /// <summary>Gets or sets the longest wait between two attempts, in seconds (also the cap on a Retry-After the client will honour).</summary>
        public double? MaxRetryDelaySec { get; set; }

        /// <summary>Gets or sets the first backoff step in milliseconds (doubled on each retry, with full jitter). A tuning and test knob.</summary>
        public double? RetryBaseDelayMs { get; set; }

        /// <summary>
        /// Gets or sets a TEST HOOK: seconds added to the local clock when the X-Sdk-Date header is written, to make
        /// the client's clock appear off (CDNTASKS_TEST_CLOCK_OFFSET_SEC). Not a user setting.
        /// </summary>
        internal double? TestClockOffsetSec { get; set; }

        /// <summary>Gets or sets the client-side rate limit: null = not set here, 0 = off, N = N requests a second per API, -1 = documented limits.</summary>
        public double? RateLimit { get; set; }

        /// <summary>Gets or sets how many pages may be in flight at once.</summary>
        public int? Concurrency { get; set; }

        /// <summary>Gets or sets the proxy URI.</summary>
        public string Proxy { get; set; }

        /// <summary>Gets or sets the proxy credential.</summary>
        public NetworkCredential ProxyCredential { get; set; }

        /// <summary>Reads the CDNTASKS_* environment variables into a layer.</summary>
        /// <exception cref="ArgumentException">A variable holds a value that cannot be used.</exception>
        public static CdnSettingsLayer FromEnvironment(Func<string, string> getVariable)
        {
            var layer = new CdnSettingsLayer
            {
                Region = NullIfEmpty(getVariable("CDNTASKS_REGION")),
                Endpoint = NullIfEmpty(getVariable("CDNTASKS_ENDPOINT")),
                Proxy = NullIfEmpty(getVariable("CDNTASKS_PROXY")),
                TimeoutSec = ParseNumber(getVariable, "CDNTASKS_TIMEOUT_SEC", 0.001, 86400),
                Concurrency = (int?)ParseNumber(getVariable, "CDNTASKS_CONCURRENCY", 1, 64, integer: true),
                MaxRetry = (int?)ParseNumber(getVariable, "CDNTASKS_MAX_RETRY", 0, 20, integer: true),
                MaxRetryDelaySec = ParseNumber(getVariable, "CDNTASKS_MAX_RETRY_DELAY_SEC", 0, 3600),
                RetryBaseDelayMs = ParseNumber(getVariable, "CDNTASKS_RETRY_BASE_DELAY_MS", 0, 60000),
                TestClockOffsetSec = ParseNumber(getVariable, "CDNTASKS_TEST_CLOCK_OFFSET_SEC", -86400, 86400),
                RateLimit = ParseRateLimit(getVariable("CDNTASKS_RATE_LIMIT")),
            };
            return layer;
        }

        /// <summary>Parses a rate-limit setting: "off"/"0" = off (0), "default"/"" = documented (-1), N = N per second.</summary>
        public static double? ParseRateLimit(string text)
        {
            text = NullIfEmpty(text);
            if (text == null)
            {
                return null;
            }

            if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
            {
                return 0;
            }

            if (string.Equals(text, "default", StringComparison.OrdinalIgnoreCase))
            {
                return -1;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value <= 100000)
            {
                return value;
            }

            throw new ArgumentException($"CDNTASKS_RATE_LIMIT='{text}' is not valid: use a number of requests per second, 0 or 'off' for no client-side limit, or leave it unset for the documented per-API limits.");
        }

        private static double? ParseNumber(Func<string, string> getVariable, string name, double min, double max, bool integer = false)
        {
            string text = NullIfEmpty(getVariable(name));
            if (text == null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && value >= min && value <= max && (!integer || Math.Floor(value) == value))
            {
                return value;
            }

            throw new ArgumentException($"{name}='{text}' is not valid: expected {(integer ? "a whole number" : "a number")} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
        }

        private static string NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The settings in force for one command, after all layers were merged.</summary>
    public sealed class CdnSettings
    {
        /// <summary>The default per-request timeout.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

        /// <summary>The default number of retries (5 attempts in all).</summary>
        public const int DefaultMaxRetry = 4;

        /// <summary>The default longest wait between two attempts.</summary>
        public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(60);

        /// <summary>The default first backoff step.</summary>
        public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromMilliseconds(500);

        /// <summary>The default number of pages in flight.</summary>
        public const int DefaultConcurrency = 4;

        /// <summary>Gets the region id.</summary>
        public string Region { get; private set; }

        /// <summary>Gets the endpoints to use, in failover order (at least one).</summary>
        public IReadOnlyList<Uri> Endpoints { get; private set; }

        /// <summary>Gets where the endpoint came from, for diagnostics.</summary>
        public string EndpointSource { get; private set; }

        /// <summary>Gets the per-request timeout.</summary>
        public TimeSpan Timeout { get; private set; }

        /// <summary>Gets the number of retries after the first attempt.</summary>
        public int MaxRetry { get; private set; }

        /// <summary>Gets the longest wait between two attempts.</summary>
        public TimeSpan MaxRetryDelay { get; private set; } = DefaultMaxRetryDelay;

        /// <summary>Gets the first backoff step (doubled on each attempt, with full jitter).</summary>
        public TimeSpan BaseRetryDelay { get; internal set; } = DefaultRetryBaseDelay;

        /// <summary>Gets the test-only offset added to the local clock when signing (zero unless CDNTASKS_TEST_CLOCK_OFFSET_SEC is set).</summary>
        internal TimeSpan TestClockOffset { get; private set; }

        /// <summary>Gets the rate limit: negative = documented per-API limits, 0 = off, N = N requests a second per API.</summary>
        public double RateLimit { get; private set; }

        /// <summary>Gets how many pages may be in flight at once.</summary>
        public int Concurrency { get; private set; }

        /// <summary>Gets the explicit proxy, or null to use the system proxy (HTTPS_PROXY and friends).</summary>
        public Uri Proxy { get; private set; }

        /// <summary>Gets the proxy credential, or null.</summary>
        public NetworkCredential ProxyCredential { get; private set; }

        /// <summary>Merges layers (first non-null wins) with the built-in defaults and validates the result.</summary>
        /// <param name="layers">Highest precedence first: parameters, session, environment.</param>
        /// <param name="getVariable">Reads an environment variable (for HUAWEICLOUD_SDK_REGION_CDN_*).</param>
        /// <exception cref="ArgumentException">The merged settings are not usable.</exception>
        public static CdnSettings Resolve(IEnumerable<CdnSettingsLayer> layers, Func<string, string> getVariable)
        {
            CdnSettingsLayer[] all = layers.Where(l => l != null).ToArray();
            T? First<T>(Func<CdnSettingsLayer, T?> pick)
                where T : struct => all.Select(pick).FirstOrDefault(v => v.HasValue);
            string FirstString(Func<CdnSettingsLayer, string> pick) => all.Select(pick).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

            // Where to connect is decided by the highest layer that says anything about it: a -Region on the
            // command beats an endpoint from the session or the environment (and -Endpoint beats everything).
            CdnSettingsLayer location = all.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l.Region) || !string.IsNullOrWhiteSpace(l.Endpoint));
            var settings = new CdnSettings
            {
                Region = FirstString(l => l.Region) ?? CdnRegions.DefaultRegion,
                Timeout = TimeSpan.FromSeconds(First(l => l.TimeoutSec) ?? DefaultTimeout.TotalSeconds),
                MaxRetry = First(l => l.MaxRetry) ?? DefaultMaxRetry,
                MaxRetryDelay = TimeSpan.FromSeconds(First(l => l.MaxRetryDelaySec) ?? DefaultMaxRetryDelay.TotalSeconds),
                BaseRetryDelay = TimeSpan.FromMilliseconds(First(l => l.RetryBaseDelayMs) ?? DefaultRetryBaseDelay.TotalMilliseconds),
                TestClockOffset = TimeSpan.FromSeconds(First(l => l.TestClockOffsetSec) ?? 0),
                RateLimit = First(l => l.RateLimit) ?? -1,
                Concurrency = First(l => l.Concurrency) ?? DefaultConcurrency,
                ProxyCredential = all.Select(l => l.ProxyCredential).FirstOrDefault(c => c != null),
            };

            if (!CdnRegions.IsKnown(settings.Region))
            {
                throw CdnRegions.UnknownRegion(settings.Region);
            }

            settings.Region = settings.Region.ToLowerInvariant();
            string endpoint = string.IsNullOrWhiteSpace(location?.Endpoint) ? null : location.Endpoint;
            if (endpoint != null)
            {
                settings.Endpoints = new[] { ParseEndpoint(endpoint, "-Endpoint") };
                settings.EndpointSource = "endpoint setting";
            }
            else
            {
                string variable = CdnRegions.EndpointVariableName(settings.Region);
                string fromEnvironment = getVariable(variable);
                if (!string.IsNullOrWhiteSpace(fromEnvironment))
                {
                    settings.Endpoints = fromEnvironment
                        .Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries)
                        .Select(e => e.Trim())
                        .Where(e => e.Length > 0)
                        .Select(e => ParseEndpoint(e, variable))
                        .ToArray();
                    settings.EndpointSource = variable;
                }

                if (settings.Endpoints == null || settings.Endpoints.Count == 0)
                {
                    settings.Endpoints = new[] { new Uri(CdnRegions.GetEndpoint(settings.Region)) };
                    settings.EndpointSource = "region " + settings.Region;
                }
            }

            string proxy = FirstString(l => l.Proxy);
            if (proxy != null)
            {
                if (!Uri.TryCreate(proxy, UriKind.Absolute, out Uri proxyUri) || (proxyUri.Scheme != Uri.UriSchemeHttp && proxyUri.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ArgumentException($"The proxy '{proxy}' is not an absolute http:// or https:// URI.");
                }

                settings.Proxy = proxyUri;
            }

            return settings;
        }

        /// <summary>
        /// Parses an endpoint: an absolute https URI, or http only for a loopback host. A value without a
        /// scheme gets https:// prepended, as the SDKs do.
        /// </summary>
        public static Uri ParseEndpoint(string text, string what)
        {
            string value = text.Trim();
            if (value.IndexOf("://", StringComparison.Ordinal) < 0)
            {
                value = "https://" + value;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new ArgumentException($"{what} '{text}' is not a valid endpoint URI.");
            }

            if (uri.Scheme == Uri.UriSchemeHttp)
            {
                if (!uri.IsLoopback)
                {
                    throw new ArgumentException($"{what} '{text}' uses plain http, which is accepted only for loopback addresses (127.0.0.1, ::1, localhost). Use https://.");
                }
            }
            else if (uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"{what} '{text}' must use https:// (or http:// for a loopback address).");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException($"{what} must not carry a user name or password; credentials go in -Credential or the environment.");
            }

            if (!string.IsNullOrEmpty(uri.Query) || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0))
            {
                throw new ArgumentException($"{what} '{text}' must be a scheme, host and optional port only, without a path or query.");
            }

            return new Uri(uri.GetLeftPart(UriPartial.Authority));
        }
    }
}
