// Copyright (c) CdnTasks contributors. MIT License.

using System.Net;
using System.Net.Http.Headers;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>Tests for <see cref="RetryPolicy"/>: which failures are retried for reads and writes, and the backoff delays.</summary>
    public class RetryPolicyTests
    {
        private const int Samples = 4000;

        // connection: the class of a connection failure (ConnectionFailureClass), or null for other kinds.
        [Theory]
        [InlineData(CdnFailureKind.Service, 429, null, true)]
        [InlineData(CdnFailureKind.Service, 500, null, true)]
        [InlineData(CdnFailureKind.Service, 502, null, true)]
        [InlineData(CdnFailureKind.Service, 503, null, true)]
        [InlineData(CdnFailureKind.Service, 504, null, true)]
        [InlineData(CdnFailureKind.Connection, 0, "Reset", true)]
        [InlineData(CdnFailureKind.Connection, 0, "Refused", true)]
        [InlineData(CdnFailureKind.Connection, 0, "NameResolution", true)]
        [InlineData(CdnFailureKind.Connection, 0, "Other", true)]
        [InlineData(CdnFailureKind.Connection, 0, "TlsCertificate", false)]
        [InlineData(CdnFailureKind.Connection, 0, "TlsHandshake", false)]
        [InlineData(CdnFailureKind.Timeout, 0, null, true)]
        [InlineData(CdnFailureKind.MalformedResponse, 200, null, true)]
        [InlineData(CdnFailureKind.Service, 400, null, false)]
        [InlineData(CdnFailureKind.Service, 401, null, false)]
        [InlineData(CdnFailureKind.Service, 403, null, false)]
        [InlineData(CdnFailureKind.Service, 404, null, false)]
        [InlineData(CdnFailureKind.Service, 501, null, false)]
        public void Reads(CdnFailureKind kind, int status, string connection, bool retryable)
        {
            foreach (CdnOperation read in new[] { CdnOperation.ShowUrlTaskInfo, CdnOperation.ShowHistoryTasks, CdnOperation.ShowHistoryTaskDetails, CdnOperation.ShowQuota, CdnOperation.ListAuthDomains })
            {
                Assert.False(read.IsWrite);
                Assert.Equal(retryable, RetryPolicy.IsRetryable(read, Failure(kind, status, connection)));
            }
        }

        [Theory]
        [InlineData(CdnFailureKind.Service, 429, null, true)]
        [InlineData(CdnFailureKind.Connection, 0, "Refused", true)]
        [InlineData(CdnFailureKind.Connection, 0, "NameResolution", true)]
        [InlineData(CdnFailureKind.Connection, 0, "Reset", false)]
        [InlineData(CdnFailureKind.Connection, 0, "Other", false)]
        [InlineData(CdnFailureKind.Connection, 0, "TlsCertificate", false)]
        [InlineData(CdnFailureKind.Connection, 0, "TlsHandshake", false)]
        [InlineData(CdnFailureKind.Timeout, 0, null, false)]
        [InlineData(CdnFailureKind.Service, 500, null, false)]
        [InlineData(CdnFailureKind.Service, 502, null, false)]
        [InlineData(CdnFailureKind.Service, 503, null, false)]
        [InlineData(CdnFailureKind.Service, 504, null, false)]
        [InlineData(CdnFailureKind.MalformedResponse, 200, null, false)]
        [InlineData(CdnFailureKind.Service, 400, null, false)]
        [InlineData(CdnFailureKind.Service, 401, null, false)]
        [InlineData(CdnFailureKind.Service, 403, null, false)]
        public void Writes(CdnFailureKind kind, int status, string connection, bool retryable)
        {
            foreach (CdnOperation write in new[] { CdnOperation.CreateRefreshTasks, CdnOperation.CreatePreheatingTasks })
            {
                Assert.True(write.IsWrite);
                Assert.Equal(retryable, RetryPolicy.IsRetryable(write, Failure(kind, status, connection)));
            }
        }

        [Theory]
        [InlineData("Refused", false)]
        [InlineData("NameResolution", false)]
        [InlineData("TlsCertificate", false)]
        [InlineData("TlsHandshake", false)]
        [InlineData("Reset", true)]
        [InlineData("Other", true)]
        public void AWriteWhoseConnectionWasNeverMadeWasNotProcessed(string connection, bool mayHaveBeenProcessed)
        {
            Assert.Equal(mayHaveBeenProcessed, RetryPolicy.MayHaveBeenProcessed(CdnOperation.CreateRefreshTasks, Failure(CdnFailureKind.Connection, 0, connection)));
            Assert.False(RetryPolicy.MayHaveBeenProcessed(CdnOperation.ShowUrlTaskInfo, Failure(CdnFailureKind.Connection, 0, connection)));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(5)]
        [InlineData(10)]
        [InlineData(31)]
        [InlineData(1000)]
        public void DelayNeverExceedsTheMaximumWithoutRetryAfter(int retry)
        {
            TimeSpan max = TimeSpan.FromSeconds(10);

            TimeSpan[] delays = Sample(retry, TimeSpan.FromMilliseconds(500), max, null);

            Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, max));
        }

        [Fact]
        public void DelayCapDoublesWithEachRetry()
        {
            TimeSpan baseDelay = TimeSpan.FromMilliseconds(100);
            double previousMean = 0;
            for (int retry = 1; retry <= 6; retry++)
            {
                double cap = 100 * Math.Pow(2, retry - 1);
                double[] ms = Sample(retry, baseDelay, TimeSpan.FromHours(1), null).Select(d => d.TotalMilliseconds).ToArray();

                // Full jitter: uniform in [0, cap]. 4000 samples put the max within 2 % of the cap and the mean
                // within 5 % of cap/2 with overwhelming probability.
                Assert.True(ms.Max() <= cap, $"retry {retry}: {ms.Max()} ms above the cap {cap} ms");
                Assert.True(ms.Max() >= cap * 0.98, $"retry {retry}: max {ms.Max()} ms, expected near {cap} ms");
                Assert.InRange(ms.Average(), cap * 0.45, cap * 0.55);
                if (retry > 1)
                {
                    Assert.InRange(ms.Average() / previousMean, 1.7, 2.3);
                }

                previousMean = ms.Average();
            }
        }

        [Fact]
        public void DelayCapStopsAtTheMaximum()
        {
            double[] ms = Sample(20, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3), null).Select(d => d.TotalMilliseconds).ToArray();

            Assert.True(ms.Max() <= 3000);
            Assert.True(ms.Max() >= 2900);
            Assert.InRange(ms.Average(), 1350, 1650);
        }

        [Theory]
        [InlineData(1, 2000)]
        [InlineData(4, 2000)]
        [InlineData(1, 0)]
        [InlineData(1, 9000)]
        public void RetryAfterIsHonoured(int retry, int retryAfterMs)
        {
            TimeSpan retryAfter = TimeSpan.FromMilliseconds(retryAfterMs);

            TimeSpan[] delays = Sample(retry, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(60), retryAfter);

            Assert.All(delays, d => Assert.True(d >= retryAfter, $"{d} is shorter than Retry-After {retryAfter}"));
            Assert.All(delays, d => Assert.True(d <= retryAfter + TimeSpan.FromMilliseconds(250), $"{d} adds more than 250 ms of jitter"));
        }

        [Fact]
        public void DelayNeverExceedsTheMaximumEvenWithRetryAfter()
        {
            TimeSpan max = TimeSpan.FromSeconds(10);

            foreach (TimeSpan retryAfter in new[] { TimeSpan.FromSeconds(9.9), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120) })
            {
                TimeSpan[] delays = Sample(1, TimeSpan.FromMilliseconds(500), max, retryAfter);

                Assert.All(delays, d => Assert.True(d <= max, $"{d} exceeds the maximum {max} (Retry-After {retryAfter})"));
            }
        }

        [Fact]
        public void ParseRetryAfterReadsSecondsAndDates()
        {
            var now = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

            Assert.Null(RetryPolicy.ParseRetryAfter(null, now));
            Assert.Equal(TimeSpan.FromSeconds(7), RetryPolicy.ParseRetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now));
            Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.ParseRetryAfter(new RetryConditionHeaderValue(now.AddSeconds(30)), now));
            Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter(new RetryConditionHeaderValue(now.AddSeconds(-30)), now));
            Assert.Equal(TimeSpan.FromSeconds(5), RetryPolicy.ParseRetryAfter(RetryConditionHeaderValue.Parse("5"), now));
            Assert.Equal(TimeSpan.FromSeconds(60), RetryPolicy.ParseRetryAfter(RetryConditionHeaderValue.Parse("Mon, 01 Jan 2024 12:01:00 GMT"), now));
        }

        [Theory]
        [InlineData(429, true)]
        [InlineData(500, true)]
        [InlineData(502, true)]
        [InlineData(503, true)]
        [InlineData(504, true)]
        [InlineData(400, false)]
        [InlineData(501, false)]
        public void TransientStatuses(int status, bool transient)
        {
            Assert.Equal(transient, RetryPolicy.IsTransientStatus((HttpStatusCode)status));
        }

        private static CdnApiException Failure(CdnFailureKind kind, int status, string connection = null) =>
            new CdnApiException(kind, "failed", "Test", status == 0 ? null : (HttpStatusCode?)status)
            {
                Connection = connection == null ? null : new ConnectionFailure(Enum.Parse<ConnectionFailureClass>(connection), "Code", "what failed"),
            };

        private static TimeSpan[] Sample(int retry, TimeSpan baseDelay, TimeSpan max, TimeSpan? retryAfter) =>
            Enumerable.Range(0, Samples).Select(_ => RetryPolicy.Delay(retry, baseDelay, max, retryAfter)).ToArray();
    }
}
