// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks
{
    /// <summary>
    /// What Get-CdnConfig reports: the effective value of each setting and where it came from (Parameter,
    /// Session = Set-CdnConfig, Environment, Default). The proxy password is never included.
    /// </summary>
    public sealed class CdnConfigInfo
    {
        /// <summary>Gets the region id.</summary>
        public string Region { get; internal set; }

        /// <summary>Gets where the region came from.</summary>
        public string RegionSource { get; internal set; }

        /// <summary>Gets the CDN endpoints in failover order.</summary>
        public string[] Endpoint { get; internal set; }

        /// <summary>Gets where the endpoint came from.</summary>
        public string EndpointSource { get; internal set; }

        /// <summary>Gets the per-request timeout in seconds.</summary>
        public double TimeoutSec { get; internal set; }

        /// <summary>Gets where the timeout came from.</summary>
        public string TimeoutSecSource { get; internal set; }

        /// <summary>Gets the number of retries after the first attempt.</summary>
        public int MaxRetry { get; internal set; }

        /// <summary>Gets where the retry count came from.</summary>
        public string MaxRetrySource { get; internal set; }

        /// <summary>Gets the longest wait between two attempts in seconds (also the longest Retry-After the client honours).</summary>
        public double MaxRetryDelaySec { get; internal set; }

        /// <summary>Gets where the maximum retry delay came from.</summary>
        public string MaxRetryDelaySecSource { get; internal set; }

        /// <summary>Gets the first backoff step in milliseconds (doubled on each retry, with full jitter).</summary>
        public double RetryBaseDelayMs { get; internal set; }

        /// <summary>Gets where the first backoff step came from.</summary>
        public string RetryBaseDelayMsSource { get; internal set; }

        /// <summary>Gets how long, in seconds, one request may keep being throttled (HTTP 429) before it fails.</summary>
        public double ThrottleBudgetSec { get; internal set; }

        /// <summary>Gets where the throttle budget came from.</summary>
        public string ThrottleBudgetSecSource { get; internal set; }

        /// <summary>Gets the client-side rate limit: 'documented' (the per-API limits), 'off', or requests a second per API.</summary>
        public string RateLimit { get; internal set; }

        /// <summary>Gets where the rate limit came from.</summary>
        public string RateLimitSource { get; internal set; }

        /// <summary>Gets how many pages may be in flight at once.</summary>
        public int Concurrency { get; internal set; }

        /// <summary>Gets where the concurrency came from.</summary>
        public string ConcurrencySource { get; internal set; }

        /// <summary>Gets the configured proxy, or null when the system proxy settings (HTTPS_PROXY, NO_PROXY) apply.</summary>
        public string Proxy { get; internal set; }

        /// <summary>Gets the user name of the proxy credential, or null.</summary>
        public string ProxyUserName { get; internal set; }

        /// <summary>Gets where the proxy came from.</summary>
        public string ProxySource { get; internal set; }

        /// <summary>Gets the IAM endpoint used to discover the domain id.</summary>
        public string IamEndpoint { get; internal set; }

        /// <summary>Gets where the IAM endpoint came from.</summary>
        public string IamEndpointSource { get; internal set; }
    }
}
