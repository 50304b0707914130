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
    /// </summary>
    internal sealed class RateLimiter
    {
        private static readonly ConcurrentDictionary<string, Timeline> s_timelines = new ConcurrentDictionary<string, Timeline>(StringComparer.Ordinal);
        private static readonly ConcurrentDictionary<string, RateLimiter> s_limiters = new ConcurrentDictionary<string, RateLimiter>(StringComparer.Ordinal);

        private readonly Timeline _timeline;
        private readonly long _intervalTicks;

        private RateLimiter(Timeline timeline, double perSecond)
        {
            _timeline = timeline;
            _intervalTicks = (long)(Stopwatch.Frequency / perSecond);
        }

        /// <summary>
        /// Gets the limiter for an API and an account (the domain id; the access key only while the domain id is not
        /// known yet) at a rate, or null when the rate is 0 (no limit).
        /// </summary>
        public static RateLimiter For(CdnOperation operation, string account, double configuredRate)
        {
            double rate = configuredRate < 0 ? operation.DocumentedRatePerSecond : configuredRate;
            if (rate <= 0)
            {
                return null;
            }

            string timeline = operation.Name + "|" + account;
            return s_limiters.GetOrAdd(
                timeline + "|" + rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => new RateLimiter(s_timelines.GetOrAdd(timeline, __ => new Timeline()), rate));
        }

        /// <summary>Waits for this caller's slot. Returns how long it waited. Cancellation ends the wait at once.</summary>
        public async Task<TimeSpan> WaitAsync(CancellationToken cancellationToken)
        {
            long now = Stopwatch.GetTimestamp();
            long slot;
            lock (_timeline)
            {
                slot = Math.Max(now, _timeline.NextSlot);
                _timeline.NextSlot = slot + _intervalTicks;
            }

            long waitTicks = slot - now;
            if (waitTicks <= 0)
            {
                return TimeSpan.Zero;
            }

            TimeSpan wait = TimeSpan.FromSeconds((double)waitTicks / Stopwatch.Frequency);
            try
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Give the slot back when nobody queued behind it, so a cancelled command does not slow the next.
                lock (_timeline)
                {
                    if (_timeline.NextSlot == slot + _intervalTicks)
                    {
                        _timeline.NextSlot = slot;
                    }
                }

                throw;
            }

            return wait;
        }

        /// <summary>The next free slot of one API for one account.</summary>
        private sealed class Timeline
        {
            public long NextSlot = Stopwatch.GetTimestamp();
        }
    }
}
