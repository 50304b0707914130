// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace CdnTasks.Api
{
    /// <summary>
    /// The rate this process may send one API's requests at for one account, learnt from the service's answers, for
    /// when other processes (other runbooks, other hosts) use the same account's limit. The service counts its limits
    /// per tenant, so a process cannot know how much of the documented rate is left for it; it can only watch what
    /// happens to its own requests:
    /// <list type="bullet">
    /// <item>Until the first throttled answer (HTTP 429), the rate is the ceiling (the documented or configured rate):
    /// a process alone never waits for this class.</item>
    /// <item>A throttled request sent after the last cut (one cut per wave of 429s, not one per 429) cuts the rate to
    /// 85% of what the service accepted from this process over the last <see cref="MeasureWindow"/> (its share of the
    /// tenant's limit, as the service has just shown it); after the first cut, never below half of the rate in force.</item>
    /// <item>While 429s keep coming (one within the last <see cref="QuietWindow"/>), each accepted request steers the
    /// rate towards 85% of the accepted rate again, by at most 10% a step.</item>
    /// <item>After <see cref="QuietWindow"/> without a 429 the rate grows back to the ceiling: it closes 2% of the gap a
    /// second (the same step for every process, so processes that share the limit even out), and faster the longer the
    /// quiet lasts (times 1.5 after 10 s, times 5 after 20 s), so a process left alone has the whole limit again within
    /// about 20 seconds.</item>
    /// <item>Retry-After holds every request of the API until that moment (the service asked; 1 second when it did not
    /// say, the service's window), and <see cref="Epoch"/> changes, so that requests that took a slot at the old rate
    /// take a new one.</item>
    /// </list>
    /// Settling under the accepted rate keeps the sum of all processes near the tenant's limit: the service stays busy,
    /// and few requests are refused. Not thread-safe: the rate limiter calls it under its lock. Times are
    /// <see cref="Stopwatch"/> ticks.
    /// </summary>
    internal sealed class AdaptiveRate
    {
        /// <summary>How far back the accepted rate is measured: 10 s.</summary>
        public static readonly TimeSpan MeasureWindow = TimeSpan.FromSeconds(10);

        /// <summary>How long without a 429 before the rate grows: 3 s.</summary>
        public static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(3);

        /// <summary>How long the API is held after a 429 without Retry-After: the service's window, 1 s.</summary>
        public static readonly TimeSpan DefaultHold = TimeSpan.FromSeconds(1);

        /// <summary>The share of the accepted rate the process settles at: 85%.</summary>
        private const double Settle = 0.85;

        /// <summary>The deepest cut after the first: to half the rate in force.</summary>
        private const double DeepestCut = 0.5;

        /// <summary>The largest step while steering: 10%.</summary>
        private const double Step = 0.1;

        /// <summary>The share of the gap to the ceiling closed each quiet second: 2%.</summary>
        private const double Approach = 0.02;

        /// <summary>The growth that accelerates with the quiet: times (1 + 0.0005 s³).</summary>
        private const double Acceleration = 0.0005;

        /// <summary>The lowest rate, as a share of the ceiling: 1/32 (0.16/s of 5/s).</summary>
        private const double FloorShare = 1.0 / 32;

        private static readonly long s_measure = ToTicks(MeasureWindow);
        private static readonly long s_quiet = ToTicks(QuietWindow);
        private readonly Queue<long> _accepted = new Queue<long>();
        private double _rate;
        private long _rateSince;
        private long _lastThrottle;
        private long _lastCut;
        private long _firstSeen;
        private bool _throttled;

        /// <summary>Creates the state for a ceiling (requests a second).</summary>
        public AdaptiveRate(double ceiling)
        {
            if (ceiling <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ceiling));
            }

            Ceiling = ceiling;
            _rate = ceiling;
        }

        /// <summary>
        /// Gets the highest rate: the fastest documented or configured rate of the commands that used this API for this
        /// account in this process (each command's own limiter still keeps to its own rate).
        /// </summary>
        public double Ceiling { get; private set; }

        /// <summary>Gets the moment until which no request may be sent (Retry-After), or 0.</summary>
        public long HeldUntil { get; private set; }

        /// <summary>Gets a number that changes whenever the rate is cut or the API is held: slots taken before are stale.</summary>
        public int Epoch { get; private set; }

        /// <summary>Gets a value indicating whether the service has throttled this API for this account in this process.</summary>
        public bool Adapting => _throttled;

        /// <summary>
        /// Takes the rate of another command's limiter: a faster one raises the ceiling, so a command that once ran at a
        /// low configured rate does not hold every later command of the process to it.
        /// </summary>
        public void RaiseCeiling(double ceiling)
        {
            if (ceiling <= Ceiling)
            {
                return;
            }

            Ceiling = ceiling;
            if (!_throttled)
            {
                _rate = ceiling;
            }
        }

        /// <summary>The rate in force at <paramref name="now"/> (requests a second, at most <see cref="Ceiling"/>).</summary>
        public double RateAt(long now)
        {
            if (!_throttled)
            {
                return Ceiling;
            }

            double rate = _rate;
            long quietFrom = _lastThrottle + s_quiet;
            if (now > quietFrom)
            {
                double seconds = Math.Min(ToSeconds(now - Math.Max(quietFrom, _rateSince)), 60);
                rate *= 1 + (Acceleration * seconds * seconds * seconds);
                rate = Ceiling - ((Ceiling - rate) * Math.Exp(-Approach * seconds));
            }

            return Clamp(rate);
        }

        /// <summary>Takes an accepted answer (any answer but a 429) of a request sent at <paramref name="sentAt"/>.</summary>
        public void Accepted(long sentAt, long now)
        {
            Seen(sentAt);
            _accepted.Enqueue(now);
            Trim(now);
            if (!_throttled || now - _lastThrottle > s_quiet)
            {
                return;
            }

            // Still contended: steer towards just under the rate the service accepts from this process.
            double rate = RateAt(now);
            double target = Settle * AcceptedRate(now);
            SetRate(Math.Min(rate * (1 + Step), Math.Max(rate * (1 - Step), target)), now);
        }

        /// <summary>Takes a throttled answer (HTTP 429) of a request sent at <paramref name="sentAt"/>, with the service's Retry-After.</summary>
        public void Throttled(long sentAt, long now, TimeSpan? retryAfter)
        {
            Seen(sentAt);
            Trim(now);
            bool first = !_throttled;
            double rate = RateAt(now);
            _throttled = true;
            _lastThrottle = now;
            if (first || sentAt >= _lastCut)
            {
                // The first 429 of a wave: the requests sent before this cut were sent at the old rate, and their 429s say nothing new.
                // The first cut goes straight to the share the service gave this process; later ones at most halve.
                double target = Settle * AcceptedRate(now);
                SetRate(Math.Min(rate, first ? target : Math.Max(rate * DeepestCut, target)), now);
                _lastCut = now;
                Epoch++;
            }

            long hold = now + ToTicks(retryAfter ?? DefaultHold);
            if (hold > HeldUntil)
            {
                HeldUntil = hold;
                Epoch++;
            }
        }

        internal static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

        private static double ToSeconds(long ticks) => (double)ticks / Stopwatch.Frequency;

        /// <summary>What the service accepted from this process over the last <see cref="MeasureWindow"/> (or since its first request, at least 1 s).</summary>
        private double AcceptedRate(long now)
        {
            long since = Math.Max(_firstSeen, now - s_measure);
            double seconds = Math.Max(1.0, ToSeconds(now - since));
            return _accepted.Count / seconds;
        }

        private double Clamp(double rate) => Math.Max(Ceiling * FloorShare, Math.Min(Ceiling, rate));

        private void SetRate(double rate, long now)
        {
            _rate = Clamp(rate);
            _rateSince = now;
        }

        private void Seen(long sentAt)
        {
            if (_firstSeen == 0 || sentAt < _firstSeen)
            {
                _firstSeen = sentAt;
            }
        }

        private void Trim(long now)
        {
            while (_accepted.Count > 0 && _accepted.Peek() <= now - s_measure)
            {
                _accepted.Dequeue();
            }
        }
    }
}
