// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api
{
    /// <summary>
    /// A process-wide client-side rate limiter: requests of one API for one account (domain id) are spaced evenly,
    /// whichever cmdlet, runspace, thread or access key sends them, because the service counts its limits per tenant.
    /// Each request takes the next free slot on the account's one timeline and keeps it for its own interval, so
    /// commands with different configured rates (runspaces with other settings) still share one timeline and together
    /// never go faster than the fastest of them. Spacing (rather than a burst bucket) keeps the client inside the
    /// service's window however the service counts it.
    /// <para>
    /// The rate adapts when other processes share the account's limit (<see cref="AdaptiveRate"/>): the transport
    /// reports each answer (<see cref="Accepted"/>, <see cref="Throttled"/>); after a 429 the interval grows to the
    /// adaptive rate's, Retry-After holds the timeline, and a request that took its slot before that takes a new one
    /// when it wakes, so nothing goes out at the old pace.
    /// </para>
    /// </summary>
    internal sealed class RateLimiter
    {
        private static readonly ConcurrentDictionary<string, Timeline> s_timelines = new ConcurrentDictionary<string, Timeline>(StringComparer.Ordinal);
        private static readonly ConcurrentDictionary<string, RateLimiter> s_limiters = new ConcurrentDictionary<string, RateLimiter>(StringComparer.Ordinal);

        private readonly Timeline _timeline;
        private readonly double _perSecond;
        private readonly long _intervalTicks;

        private RateLimiter(Timeline timeline, double perSecond)
        {
            _timeline = timeline;
            _perSecond = perSecond;
            _intervalTicks = (long)(Stopwatch.Frequency / perSecond);
            lock (timeline)
            {
                timeline.Adaptive.RaiseCeiling(perSecond);
            }
        }

        /// <summary>
        /// Gets the limiter for an API and an account (the domain id; the access key only while the domain id is not
        /// known yet) at a rate, or null when the rate is 0 (no limit).
        /// </summary>
        public static RateLimiter For(CdnOperation operation, string account, double configuredRate) =>
            For(operation, account, configuredRate, RateClock.Monotonic);

        /// <summary>
        /// Gets the limiter as <see cref="For(CdnOperation, string, double)"/> does; a timeline this call creates keeps
        /// time by <paramref name="clock"/> (tests give their own account a clock they move by hand).
        /// </summary>
        internal static RateLimiter For(CdnOperation operation, string account, double configuredRate, RateClock clock)
        {
            double rate = configuredRate < 0 ? operation.DocumentedRatePerSecond : configuredRate;
            if (rate <= 0)
            {
                return null;
            }

            string timeline = operation.Name + "|" + account;
            return s_limiters.GetOrAdd(
                timeline + "|" + rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => new RateLimiter(s_timelines.GetOrAdd(timeline, __ => new Timeline(rate, clock)), rate));
        }

        /// <summary>Gets the rate this limiter lets requests out at now (its own, or less after 429s).</summary>
        public double CurrentRate
        {
            get
            {
                lock (_timeline)
                {
                    return Math.Min(_perSecond, _timeline.Adaptive.RateAt(_timeline.Clock.Now));
                }
            }
        }

        /// <summary>
        /// Waits for this caller's slot. Returns how long it waited (what its slots asked for). Cancellation ends the wait at once. When the rate
        /// was cut or the API held while it waited, it takes a new slot at the new pace.
        /// </summary>
        public async Task<TimeSpan> WaitAsync(CancellationToken cancellationToken)
        {
            long waited = 0;
            while (true)
            {
                long now = _timeline.Clock.Now;
                long slot;
                long interval;
                int epoch;
                lock (_timeline)
                {
                    interval = IntervalAt(now);
                    slot = Math.Max(Math.Max(now, _timeline.NextSlot), _timeline.Adaptive.HeldUntil);
                    _timeline.NextSlot = slot + interval;
                    epoch = _timeline.Adaptive.Epoch;
                }

                long waitTicks = slot - now;
                if (waitTicks > 0)
                {
                    waited += waitTicks;
                    try
                    {
                        await _timeline.Clock.Delay(waitTicks, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Give the slot back when nobody queued behind it, so a cancelled command does not slow the next.
                        lock (_timeline)
                        {
                            if (_timeline.NextSlot == slot + interval)
                            {
                                _timeline.NextSlot = slot;
                            }
                        }

                        throw;
                    }
                }

                lock (_timeline)
                {
                    if (_timeline.Adaptive.Epoch == epoch)
                    {
                        return TimeSpan.FromSeconds((double)waited / Stopwatch.Frequency);
                    }
                }
            }
        }

        /// <summary>Gets the time now on this limiter's clock: what <see cref="Accepted"/> and <see cref="Throttled"/> take as the time a request was sent.</summary>
        public long Now => _timeline.Clock.Now;

        /// <summary>Reports an answer that was not a 429, of a request sent (let out by this limiter) at <paramref name="sentAt"/>.</summary>
        public void Accepted(long sentAt)
        {
            lock (_timeline)
            {
                _timeline.Adaptive.Accepted(sentAt, _timeline.Clock.Now);
            }
        }

        /// <summary>Reports a throttled answer (HTTP 429) of a request sent at <paramref name="sentAt"/>, with the service's Retry-After.</summary>
        public void Throttled(long sentAt, TimeSpan? retryAfter)
        {
            long now = _timeline.Clock.Now;
            lock (_timeline)
            {
                AdaptiveRate adaptive = _timeline.Adaptive;
                int epoch = adaptive.Epoch;
                adaptive.Throttled(sentAt, now, retryAfter);
                if (adaptive.Epoch != epoch)
                {
                    // The slots taken at the old pace are void: the next requests start from now (or the end of the hold).
                    _timeline.NextSlot = Math.Max(now, adaptive.HeldUntil);
                }
            }
        }

        private long IntervalAt(long now)
        {
            double rate = _timeline.Adaptive.RateAt(now);
            return rate >= _perSecond ? _intervalTicks : (long)(Stopwatch.Frequency / rate);
        }

        /// <summary>The next free slot of one API for one account, and what the service's 429s taught about its rate.</summary>
        private sealed class Timeline
        {
            public Timeline(double ceiling, RateClock clock)
            {
                Adaptive = new AdaptiveRate(ceiling);
                Clock = clock;
                NextSlot = clock.Now;
            }

            /// <summary>The time the slots are taken in.</summary>
            public readonly RateClock Clock;

            public long NextSlot;

            /// <summary>
            /// What the answers taught: the ceiling is the fastest rate of the limiters on the timeline; its Epoch changes
            /// whenever the slots already taken are void (a cut, a hold).
            /// </summary>
            public readonly AdaptiveRate Adaptive;
        }
    }

    /// <summary>
    /// The time a rate limiter's timeline keeps: <see cref="Stopwatch"/> ticks, and a delay that cancellation ends.
    /// </summary>
    internal class RateClock
    {
        /// <summary>The process's monotonic clock.</summary>
        public static readonly RateClock Monotonic = new RateClock();

        /// <summary>Gets the time now, in <see cref="Stopwatch"/> ticks.</summary>
        public virtual long Now => Stopwatch.GetTimestamp();

        /// <summary>Waits <paramref name="ticks"/> Stopwatch ticks, or until cancelled.</summary>
        public virtual Task Delay(long ticks, CancellationToken cancellationToken) =>
            Task.Delay(TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency), cancellationToken);
    }
}
