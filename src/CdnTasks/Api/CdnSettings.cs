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
        /// <summary>
        /// Gets or sets where the layer comes from (<see cref="SettingSources.Parameter"/>, <see cref="SettingSources.Session"/>
        /// or <see cref="SettingSources.Environment"/>); it names the parameter or variable in messages. Null = Parameter.
        /// </summary>
        public string Source { get; set; }

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

        /// <summary>Gets or sets how long one request may keep being throttled (HTTP 429) before it fails, in seconds (0 = fail at the first 429).</summary>
        public double? ThrottleBudgetSec { get; set; }

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
                Source = SettingSources.Environment,

                // Unset or empty = not set here; whitespace only is kept, and refused by Resolve (never a fall-back).
                Region = NullIfEmptyKeepBlank(getVariable("CDNTASKS_REGION")),
                Endpoint = NullIfEmptyKeepBlank(getVariable("CDNTASKS_ENDPOINT")),
                Proxy = NullIfEmptyKeepBlank(getVariable("CDNTASKS_PROXY")),
                TimeoutSec = ParseNumber(getVariable, "CDNTASKS_TIMEOUT_SEC", 0.001, 86400),
                Concurrency = (int?)ParseNumber(getVariable, "CDNTASKS_CONCURRENCY", 1, 64, integer: true),
                MaxRetry = (int?)ParseNumber(getVariable, "CDNTASKS_MAX_RETRY", 0, 20, integer: true),
                MaxRetryDelaySec = ParseNumber(getVariable, "CDNTASKS_MAX_RETRY_DELAY_SEC", 0, 3600),
                RetryBaseDelayMs = ParseNumber(getVariable, "CDNTASKS_RETRY_BASE_DELAY_MS", 0, 60000),
                ThrottleBudgetSec = ParseNumber(getVariable, "CDNTASKS_THROTTLE_BUDGET_SEC", 0, 3600),
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

        /// <summary>
        /// The user-facing name of a setting in this layer: "-Endpoint" (a parameter), "Set-CdnConfig -Endpoint"
        /// (the session) or "CDNTASKS_ENDPOINT" (the environment).
        /// </summary>
        public string NameOf(string setting)
        {
            switch (Source)
            {
                case SettingSources.Session:
                    return "Set-CdnConfig -" + setting;
                case SettingSources.Environment:
                    return "CDNTASKS_" + VariableSuffix(setting);
                default:
                    return "-" + setting;
            }
        }

        private static string VariableSuffix(string setting)
        {
            var builder = new System.Text.StringBuilder();
            for (int i = 0; i < setting.Length; i++)
            {
                if (i > 0 && char.IsUpper(setting[i]))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToUpperInvariant(setting[i]));
            }

            return builder.ToString();
        }

        private static string NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        private static string NullIfEmptyKeepBlank(string value) => string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The settings in force for one command, after all layers were merged.</summary>
    public sealed class CdnSettings
    {
        private static readonly char[] s_comma = { ',' };
        private static readonly char[] s_colon = { ':' };

        /// <summary>The default per-request timeout.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

        /// <summary>The default number of retries (5 attempts in all).</summary>
        public const int DefaultMaxRetry = 4;

        /// <summary>The default longest wait between two attempts.</summary>
        public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(60);

        /// <summary>The default first backoff step.</summary>
        public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromMilliseconds(500);

        /// <summary>
        /// The default throttle budget: 120 seconds. A throttled request (HTTP 429) was not processed, so it is not a
        /// failure: it keeps its place and waits (Retry-After, the adaptive rate) for up to this long in all, whatever
        /// MaxRetry says. Two minutes rides out other runbooks' bursts on the same account (the service's window is one
        /// second; the rate adapts within seconds), and a request throttled for longer means the account's limit is taken by
        /// something that does not let go: better a clear error within minutes than a runbook that hangs.
        /// </summary>
        public static readonly TimeSpan DefaultThrottleBudget = TimeSpan.FromSeconds(120);

        /// <summary>The default number of pages in flight.</summary>
        public const int DefaultConcurrency = 4;

        /// <summary>Gets the region id.</summary>
        public string Region { get; private set; }

        /// <summary>Gets the endpoints to use, in failover order (at least one).</summary>
        public IReadOnlyList<Uri> Endpoints { get; private set; }

        /// <summary>Gets the per-request timeout.</summary>
        public TimeSpan Timeout { get; private set; }

        /// <summary>Gets the number of retries after the first attempt.</summary>
        public int MaxRetry { get; private set; }

        /// <summary>Gets the longest wait between two attempts.</summary>
        public TimeSpan MaxRetryDelay { get; private set; } = DefaultMaxRetryDelay;

        /// <summary>Gets the first backoff step (doubled on each attempt, with full jitter).</summary>
        public TimeSpan BaseRetryDelay { get; internal set; } = DefaultRetryBaseDelay;

        /// <summary>Gets how long one request may keep being throttled before it fails (<see cref="DefaultThrottleBudget"/>).</summary>
        public TimeSpan ThrottleBudget { get; internal set; } = DefaultThrottleBudget;

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

        /// <summary>Gets where the endpoint came from, as Get-CdnConfig shows it: "Parameter (-Endpoint)", "Session (Set-CdnConfig -Endpoint)", "Environment (CDNTASKS_ENDPOINT)", "Environment (HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1)" or "Default (region cn-north-1)".</summary>
        public string EndpointSource { get; private set; }

        /// <summary>Gets warnings about the configuration (a region that does not change the endpoint, because an explicit endpoint wins).</summary>
        public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

        /// <summary>
        /// Merges layers (first non-null wins) with the built-in defaults and validates the result. Where requests
        /// go follows one rule (docs/about_CdnTasks.md, "Where requests go"): an explicit endpoint (-Endpoint, then
        /// Set-CdnConfig -Endpoint, then CDNTASKS_ENDPOINT) always wins; only without one does the region decide
        /// (HUAWEICLOUD_SDK_REGION_CDN_&lt;REGION&gt;, else the region's built-in endpoint). A region set in a higher
        /// layer than the endpoint in force changes nothing and gives a warning that says what to do instead. A blank
        /// value is an error, never a fall-back to the next layer.
        /// </summary>
        /// <param name="layers">Highest precedence first: parameters, session, environment.</param>
        /// <param name="getVariable">Reads an environment variable (for HUAWEICLOUD_SDK_REGION_CDN_*).</param>
        /// <exception cref="ArgumentException">The merged settings are not usable.</exception>
        public static CdnSettings Resolve(IEnumerable<CdnSettingsLayer> layers, Func<string, string> getVariable)
        {
            CdnSettingsLayer[] all = layers.Where(l => l != null).ToArray();
            T? First<T>(Func<CdnSettingsLayer, T?> pick)
                where T : struct => all.Select(pick).FirstOrDefault(v => v.HasValue);

            int regionLayer = FirstSet(all, l => l.Region, "Region");
            int endpointLayer = FirstSet(all, l => l.Endpoint, "Endpoint");
            int proxyLayer = FirstSet(all, l => l.Proxy, "Proxy");

            var settings = new CdnSettings
            {
                Region = regionLayer >= 0 ? all[regionLayer].Region.Trim() : CdnRegions.DefaultRegion,
                Timeout = TimeSpan.FromSeconds(First(l => l.TimeoutSec) ?? DefaultTimeout.TotalSeconds),
                MaxRetry = First(l => l.MaxRetry) ?? DefaultMaxRetry,
                MaxRetryDelay = TimeSpan.FromSeconds(First(l => l.MaxRetryDelaySec) ?? DefaultMaxRetryDelay.TotalSeconds),
                BaseRetryDelay = TimeSpan.FromMilliseconds(First(l => l.RetryBaseDelayMs) ?? DefaultRetryBaseDelay.TotalMilliseconds),
                ThrottleBudget = TimeSpan.FromSeconds(First(l => l.ThrottleBudgetSec) ?? DefaultThrottleBudget.TotalSeconds),
                TestClockOffset = TimeSpan.FromSeconds(First(l => l.TestClockOffsetSec) ?? 0),
                RateLimit = First(l => l.RateLimit) ?? -1,
                Concurrency = First(l => l.Concurrency) ?? DefaultConcurrency,
            };

            if (!CdnRegions.IsKnown(settings.Region))
            {
                throw CdnRegions.UnknownRegion(settings.Region, regionLayer >= 0 ? all[regionLayer].NameOf("Region") : null);
            }

            settings.Region = settings.Region.ToLowerInvariant();
            if (endpointLayer >= 0)
            {
                CdnSettingsLayer layer = all[endpointLayer];
                string name = layer.NameOf("Endpoint");
                settings.Endpoints = new[] { ParseEndpoint(layer.Endpoint, name) };
                settings.EndpointSource = (layer.Source ?? SettingSources.Parameter) + " (" + name + ")";
                if (regionLayer >= 0 && regionLayer < endpointLayer)
                {
                    string regionName = all[regionLayer].NameOf("Region");
                    settings.Warnings = new[]
                    {
                        $"{regionName} {settings.Region} does not change where requests go: {name} is set ({settings.Endpoints[0].GetLeftPart(UriPartial.Authority)}), "
                        + $"and an explicit endpoint always wins over a region. To use the region's endpoint, remove {name}; to give the region "
                        + $"an endpoint of its own, set {CdnRegions.EndpointVariableName(settings.Region)} instead of {name}.",
                    };
                }
            }
            else
            {
                string variable = CdnRegions.EndpointVariableName(settings.Region);
                string fromEnvironment = getVariable(variable);
                if (!string.IsNullOrEmpty(fromEnvironment))
                {
                    if (string.IsNullOrWhiteSpace(fromEnvironment))
                    {
                        throw new ArgumentException($"{variable} is blank (only whitespace). Set it to one or more endpoints separated by commas, or remove it.");
                    }

                    // The SDKs' variable: as they do, an endpoint without a scheme means https://.
                    settings.Endpoints = fromEnvironment
                        .Split(s_comma, StringSplitOptions.RemoveEmptyEntries)
                        .Select(e => e.Trim())
                        .Where(e => e.Length > 0)
                        .Select(e => ParseEndpoint(e, variable, requireScheme: false))
                        .ToArray();
                    settings.EndpointSource = SettingSources.Environment + " (" + variable + ")";
                }

                if (settings.Endpoints == null || settings.Endpoints.Count == 0)
                {
                    settings.Endpoints = new[] { new Uri(CdnRegions.GetEndpoint(settings.Region)) };
                    settings.EndpointSource = SettingSources.Default + " (region " + settings.Region + ")";
                }
            }

            NetworkCredential fromUrl = null;
            if (proxyLayer >= 0)
            {
                settings.Proxy = ParseProxy(all[proxyLayer].Proxy, all[proxyLayer].NameOf("Proxy"), out fromUrl);
            }

            // The proxy credential of the highest layer that gives one; the user info of the proxy URL in force
            // counts as given in that URL's layer.
            for (int i = 0; i < all.Length; i++)
            {
                if (all[i].ProxyCredential != null)
                {
                    settings.ProxyCredential = all[i].ProxyCredential;
                    break;
                }

                if (i == proxyLayer && fromUrl != null)
                {
                    settings.ProxyCredential = fromUrl;
                    break;
                }
            }

            return settings;
        }

        /// <summary>
        /// Parses a proxy URI (http:// or https://). A user name and password in it (http://user:pass@proxy:3128)
        /// become the proxy credential; the returned URI has no user info, so the password is never shown.
        /// </summary>
        /// <exception cref="ArgumentException">The value is not a usable proxy URI (the message never repeats a password).</exception>
        public static Uri ParseProxy(string text, string what, out NetworkCredential credential)
        {
            credential = null;
            string value = text?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                throw new ArgumentException($"{what} is blank (only whitespace): give a proxy URI such as http://proxy.example.com:3128, or remove the setting.");
            }

            string shown = Redaction.Scrub(value);
            if (HasControlOrSpace(value))
            {
                throw new ArgumentException($"{what} '{Printable(shown)}' contains a space or a control character.");
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri proxyUri) || (proxyUri.Scheme != Uri.UriSchemeHttp && proxyUri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(proxyUri.Host))
            {
                throw new ArgumentException($"{what} '{shown}' is not an absolute http:// or https:// URI.");
            }

            if (!string.IsNullOrEmpty(proxyUri.UserInfo))
            {
                string[] parts = proxyUri.UserInfo.Split(s_colon, 2);
                string user = Uri.UnescapeDataString(parts[0]);
                string password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
                string domain = null;
                int slash = user.IndexOf('\\');
                if (slash > 0)
                {
                    domain = user.Substring(0, slash);
                    user = user.Substring(slash + 1);
                }

                credential = domain == null ? new NetworkCredential(user, password) : new NetworkCredential(user, password, domain);
                proxyUri = new Uri(Redaction.WithoutUserInfo(proxyUri));
            }

            return proxyUri;
        }

        // The index of the first layer that sets the value; a blank (whitespace-only) value there is an error.
        private static int FirstSet(CdnSettingsLayer[] layers, Func<CdnSettingsLayer, string> pick, string setting)
        {
            for (int i = 0; i < layers.Length; i++)
            {
                string value = pick(layers[i]);
                if (value == null)
                {
                    continue;
                }

                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ArgumentException($"{layers[i].NameOf(setting)} is blank (only whitespace). Give a value, or remove the setting to use the next source (docs: about_CdnTasks, \"Where requests go\").");
                }

                return i;
            }

            return -1;
        }

        private static bool HasControlOrSpace(string value) => value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

        // A value for an error message: control characters shown as \uXXXX so that nothing can break the line.
        internal static string Printable(string value) =>
            value == null ? null : string.Concat(value.Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString()));

        /// <summary>
        /// Parses an endpoint: an absolute https URI, or http only for a loopback host (the emulator). Our own
        /// settings need the scheme (a value without one is refused with the URI it probably means); the SDKs'
        /// variables (<paramref name="requireScheme"/> false) get https:// prepended, as the SDKs do.
        /// </summary>
        /// <exception cref="ArgumentException">The value is not a usable endpoint.</exception>
        public static Uri ParseEndpoint(string text, string what, bool requireScheme = true)
        {
            string value = text?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                throw new ArgumentException($"{what} is blank (only whitespace): give an endpoint such as https://cdn.myhuaweicloud.com, or remove the setting.");
            }

            if (HasControlOrSpace(value))
            {
                throw new ArgumentException($"{what} '{Printable(value)}' contains a space or a control character.");
            }

            if (value.IndexOf("://", StringComparison.Ordinal) < 0)
            {
                if (requireScheme)
                {
                    throw new ArgumentException($"{what} '{value}' has no scheme: did you mean https://{value} (or http://{value} for a loopback emulator)?");
                }

                value = "https://" + value;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new ArgumentException($"{what} '{Redaction.Scrub(text.Trim())}' is not a valid endpoint URI.");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException($"{what} must not carry a user name or password; credentials go in -Credential or the environment.");
            }

            if (uri.Scheme == Uri.UriSchemeHttp)
            {
                if (!uri.IsLoopback)
                {
                    throw new ArgumentException($"{what} '{value}' uses plain http, which is accepted only for loopback addresses (127.0.0.1, ::1, localhost). Use https://.");
                }
            }
            else if (uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"{what} '{value}' must use https:// (or http:// for a loopback address).");
            }

            if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0))
            {
                throw new ArgumentException($"{what} '{value}' must be a scheme, host and optional port only, without a path or query.");
            }

            return new Uri(uri.GetLeftPart(UriPartial.Authority));
        }
    }
}
