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

            // The service accepted 16 requests (answers at 0.3 s, 0.55 s, ... 4.05 s), then a 429 at 4.3 s: the first cut
            // goes to 85% of what it accepted since the first request (16 in 4.3 s).
            for (int i = 0; i < 16; i++)
            {
                rate.Accepted(At(i * 0.25), At((i * 0.25) + 0.3));
            }

            int epoch = rate.Epoch;
            rate.Throttled(At(4.0), At(4.3), null);
            double afterFirst = rate.RateAt(At(4.3));
            Assert.Equal(0.85 * 16 / 4.3, afterFirst, 3);
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
        public void AfterTheFirstCutACutNeverGoesBelowHalfTheRateInForce()
        {
            var rate = new AdaptiveRate(30);
            for (int i = 0; i < 40; i++)
            {
                rate.Accepted(At(i * 0.05), At((i * 0.05) + 0.1));
            }

            rate.Throttled(At(2.0), At(2.1), TimeSpan.Zero);
            double first = rate.RateAt(At(2.1));
            Assert.Equal(0.85 * 40 / 2.1, first, 3);

            // Nothing more accepted for 10 s: the measured share is nearly nothing, but the cut only halves.
            double before = rate.RateAt(At(12.1));
            rate.Throttled(At(12.0), At(12.1), TimeSpan.Zero);
            Assert.Equal(before * 0.5, rate.RateAt(At(12.1)), 3);
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
            for (int i = 0; i < 8; i++)
            {
                rate.Accepted(At(i * 0.5), At((i * 0.5) + 0.3));
            }

            rate.Throttled(At(4.0), At(4.3), null);
            double cut = rate.RateAt(At(4.3));
            Assert.InRange(cut, 1, 2);

            // Quiet for three seconds: no growth yet; then it grows, faster the longer the quiet lasts.
            Assert.Equal(cut, rate.RateAt(At(7.2)), 3);
            double after5 = rate.RateAt(At(12.3));
            double after10 = rate.RateAt(At(17.3));
            Assert.True(after5 > cut * 1.05, $"{after5} after 5 quiet seconds");
            Assert.True(after10 - after5 > after5 - cut, $"{cut}, {after5}, {after10}");
            Assert.Equal(5, rate.RateAt(At(30)));
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
        [InlineData(4, 0.12)]
        [InlineData(8, 0.22)]
        public void ProcessesSharingOneTenantSettleNearItsLimitWithFew429s(int processes, double most429s)
        {
            // Virtual time: each process sends at its own rate (200 ms latency) into one token bucket of 5/s (burst 5),
            // as the service (and the emulator) counts the tenant's limit, and never stops (the worst case: no process
            // finishes and leaves its share to the others). After the first 20 s the sum of the accepted rates stays
            // near 5/s, and the share of 429s stays low (it grows with the number of processes: each one learns only
            // from its own answers; measured 8% for 4, 19% for 8).
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
            Assert.InRange((double)throttled / (accepted + throttled), 0, most429s);
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
