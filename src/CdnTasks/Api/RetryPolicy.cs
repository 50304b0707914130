// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Net;

namespace CdnTasks.Api
{
    /// <summary>
    /// Decides whether a failed attempt is retried and how long to wait: exponential backoff with full
    /// jitter, honouring Retry-After, capped by the configured maximum delay.
    /// </summary>
    internal static class RetryPolicy
    {
        private static readonly object s_randomGate = new object();
        private static readonly Random s_random = new Random();

        /// <summary>
        /// Returns true when the failure may be retried. Reads are retried on throttling, gateway/server errors,
        /// connection failures (except TLS failures, which never heal by trying again) and timeouts. Writes only
        /// when the request certainly was not processed: throttled, or no connection (refused, host not found)
        /// so that nothing was sent.
        /// </summary>
        public static bool IsRetryable(CdnOperation operation, CdnApiException failure)
        {
            int status = (int)(failure.StatusCode ?? 0);

            // Throttled: the service did not process the request, whatever the body looks like.
            if (status == 429)
            {
                return true;
            }

            // Any other client error is final. 401/403 above all: five failed signatures in a row lock the key.
            if (status >= 400 && status < 500)
            {
                return false;
            }

            switch (failure.Kind)
            {
                case CdnFailureKind.Service:
                    return !operation.IsWrite && IsTransientStatus((HttpStatusCode)status);
                case CdnFailureKind.Connection:
                    ConnectionFailure connection = failure.Connection;
                    if (connection != null && !connection.Retryable)
                    {
                        return false;
                    }

                    return !operation.IsWrite || (connection != null && connection.NothingSent);
                case CdnFailureKind.Timeout:
                    return !operation.IsWrite;
                case CdnFailureKind.MalformedResponse:
                    // A proxy's HTML page or a truncated body on a read: try again; on a write we cannot know.
                    return !operation.IsWrite && (status < 500 || IsTransientStatus((HttpStatusCode)status));
                default:
                    return false;
            }
        }

        /// <summary>
        /// Returns true when a failed write may nevertheless have been processed: anything but a connection that
        /// was never made (refused, host not found or unreachable, TLS failed) or a 4xx answer (the service
        /// rejected it).
        /// </summary>
        public static bool MayHaveBeenProcessed(CdnOperation operation, CdnApiException failure)
        {
            if (!operation.IsWrite || (failure.Kind == CdnFailureKind.Connection && failure.Connection != null && failure.Connection.NothingSent))
            {
                return false;
            }

            int status = (int)(failure.StatusCode ?? 0);
            return !(status >= 400 && status < 500);
        }

        /// <summary>The wait before retry number <paramref name="retry"/> (1 = first retry).</summary>
        public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter)
        {
            double capMs = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
            double jitterMs;
            lock (s_randomGate)
            {
                jitterMs = s_random.NextDouble() * capMs;
            }

            if (retryAfter.HasValue)
            {
                // The service said when; add a little jitter so parallel callers do not return together, but never
                // wait longer than the configured maximum.
                double afterMs = retryAfter.Value.TotalMilliseconds + Math.Min(jitterMs, 250);
                return TimeSpan.FromMilliseconds(Math.Min(maxDelay.TotalMilliseconds, afterMs));
            }

            return TimeSpan.FromMilliseconds(jitterMs);
        }

        /// <summary>Reads a Retry-After header value (seconds or an HTTP date).</summary>
        public static TimeSpan? ParseRetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue value, DateTimeOffset now)
        {
            if (value == null)
            {
                return null;
            }

            if (value.Delta.HasValue)
            {
                return value.Delta.Value < TimeSpan.Zero ? TimeSpan.Zero : value.Delta.Value;
            }

            if (value.Date.HasValue)
            {
                TimeSpan delta = value.Date.Value - now;
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            return null;
        }

        /// <summary>Returns true for the statuses a read is retried on: 429 and 500/502/503/504.</summary>
        public static bool IsTransientStatus(HttpStatusCode status) =>
            (int)status == 429 || (int)status == 500 || (int)status == 502 || (int)status == 503 || (int)status == 504;
    }
}
