// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// Tests for <see cref="AdaptiveRate"/> on a virtual clock: a process alone keeps the ceiling; a wave of 429s cuts the
    /// rate once, to just under what the service accepted; Retry-After holds the API; the rate recovers when the 429s
    /// stop; and several processes sharing one tenant's token bucket settle near its limit with few 429s.
    /// </summary>
    public class AdaptiveRateTests
    {
        private static long At(double seconds) => 1 + (long)(seconds * Stopwatch.Frequency);

        [Fact]
        public void AProcessAloneKeepsTheCeiling()
        {
            var rate = new AdaptiveRate(5);
            for (int i = 0; i < 100; i++)
            {
                rate.Accepted(At(i * 0.2), At((i * 0.2) + 0.3));
            }

            Assert.False(rate.Adapting);
            Assert.Equal(5, rate.RateAt(At(20)));
            Assert.Equal(0, rate.HeldUntil);
        }

        [Fact]
        public void AWaveOf429sCutsOnceToJustUnderWhatTheServiceAccepted()
        {
            var rate = new AdaptiveRate(5);

            // The service accepted 4 requests a second (answers at 0.3 s, 0.55 s, ... 4.05 s), then a 429 at 4.3 s: the last
            // four seconds hold 15 accepted answers, so the rate is cut to 90% of 15/4 a second.
            for (int i = 0; i < 16; i++)
            {
                rate.Accepted(At(i * 0.25), At((i * 0.25) + 0.3));
            }

            int epoch = rate.Epoch;
            rate.Throttled(At(4.0), At(4.3), null);
            double afterFirst = rate.RateAt(At(4.3));
            Assert.Equal(0.9 * 15 / 4, afterFirst, 3);
            Assert.NotEqual(epoch, rate.Epoch);

            // The same wave: requests sent before the cut were sent at the old rate; their 429s do not cut again.
            rate.Throttled(At(4.1), At(4.4), null);
            rate.Throttled(At(4.2), At(4.5), null);
            Assert.Equal(afterFirst, rate.RateAt(At(4.5)), 3);

            // A request sent after the cut and throttled is a new wave.
            rate.Throttled(At(4.6), At(4.9), null);
            Assert.True(rate.RateAt(At(4.9)) < afterFirst);
        }

        [Fact]
        public void ASingleCutNeverGoesBelowHalfTheRateInForce()
        {
            var rate = new AdaptiveRate(30);
            rate.Throttled(At(0.0), At(0.3), null);
            Assert.Equal(15, rate.RateAt(At(0.3)), 3);
        }

        [Fact]
        public void RetryAfterHoldsTheApiAndWithoutItOneSecond()
        {
            var rate = new AdaptiveRate(5);
            rate.Throttled(At(0), At(1), TimeSpan.FromSeconds(3));
            Assert.Equal(At(4), rate.HeldUntil, Stopwatch.Frequency / 1000);
            int epoch = rate.Epoch;

            rate.Throttled(At(1.1), At(1.2), null);
            Assert.Equal(At(4), rate.HeldUntil, Stopwatch.Frequency / 1000);
            rate.Throttled(At(4.5), At(4.6), null);
            Assert.Equal(At(5.6), rate.HeldUntil, Stopwatch.Frequency / 1000);
            Assert.NotEqual(epoch, rate.Epoch);
        }

        [Fact]
        public void WhenThe429sStopTheRateGrowsBackToTheCeiling()
        {
            var rate = new AdaptiveRate(5);
            rate.Throttled(At(0), At(0.3), null);
            double cut = rate.RateAt(At(0.3));
            Assert.Equal(cut, rate.RateAt(At(4.2)), 3);
            Assert.True(rate.RateAt(At(6.3)) > cut * 1.08);
            Assert.Equal(5, rate.RateAt(At(40)));
        }

        [Fact]
        public void TheRateHasAFloor()
        {
            var rate = new AdaptiveRate(5);
            for (int i = 0; i < 40; i++)
            {
                rate.Throttled(At(i), At(i + 0.5), TimeSpan.Zero);
            }

            Assert.Equal(5.0 / 32, rate.RateAt(At(40.5)), 3);
        }

        [Theory]
        [InlineData(4)]
        [InlineData(8)]
        public void ProcessesSharingOneTenantSettleNearItsLimitWithFew429s(int processes)
        {
            // Virtual time: each process sends at its own rate (200 ms latency) into one token bucket of 5/s (burst 5),
            // as the service (and the emulator) counts the tenant's limit. After the first 20 s the sum of the accepted
            // rates stays near 5/s and most requests are accepted.
            var tenant = new TokenBucket(5);
            var rates = Enumerable.Range(0, processes).Select(_ => new AdaptiveRate(5)).ToArray();
            var next = new double[processes];
            var inFlight = new List<(double Arrive, int Process, double Sent)>();
            int accepted = 0, throttled = 0;
            var random = new Random(7);
            for (int p = 0; p < processes; p++)
            {
                next[p] = random.NextDouble() * 0.3;
            }

            for (double t = 0; t < 80; t += 0.001)
            {
                for (int p = 0; p < processes; p++)
                {
                    if (t >= next[p] && At(t) >= rates[p].HeldUntil)
                    {
                        inFlight.Add((t + 0.2, p, t));
                        next[p] = t + (1 / rates[p].RateAt(At(t)));
                    }
                }

                foreach ((double arrive, int process, double sent) in inFlight.Where(r => r.Arrive <= t).ToList())
                {
                    inFlight.Remove((arrive, process, sent));
                    bool ok = tenant.TryTake(arrive);
                    if (t >= 20)
                    {
                        if (ok)
                        {
                            accepted++;
                        }
                        else
                        {
                            throttled++;
                        }
                    }

                    if (ok)
                    {
                        rates[process].Accepted(At(sent), At(arrive));
                    }
                    else
                    {
                        rates[process].Throttled(At(sent), At(arrive), TimeSpan.FromSeconds(1));
                    }
                }
            }

            double acceptedRate = accepted / 60.0;
            Assert.InRange(acceptedRate, 5 * 0.8, 5.0 * 1.01);
            Assert.InRange((double)throttled / (accepted + throttled), 0, 0.15);
        }

        /// <summary>The service's limit: a bucket of 5 tokens refilled at 5 a second.</summary>
        private sealed class TokenBucket
        {
            private readonly double _rate;
            private double _tokens;
            private double _last;

            public TokenBucket(double rate)
            {
                _rate = rate;
                _tokens = rate;
            }

            public bool TryTake(double now)
            {
                _tokens = Math.Min(_rate, _tokens + ((now - _last) * _rate));
                _last = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens--;
                return true;
            }
        }
    }
}
