// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api
{
    /// <summary>
    /// A process-wide client-side rate limiter: requests of one API for one account are spaced evenly at the
    /// configured rate, whichever cmdlet, runspace or thread sends them. Spacing (rather than a burst bucket)
    /// keeps the client inside the service's window however the service counts it.
    /// </summary>
    internal sealed class RateLimiter
    {
        private static readonly ConcurrentDictionary<string, RateLimiter> s_limiters = new ConcurrentDictionary<string, RateLimiter>(StringComparer.Ordinal);

        private readonly object _gate = new object();
        private readonly long _intervalTicks;
        private long _nextSlot;

        private RateLimiter(double perSecond)
        {
            _intervalTicks = (long)(Stopwatch.Frequency / perSecond);
            _nextSlot = Stopwatch.GetTimestamp();
        }

        /// <summary>Gets the limiter for an API and account at a rate, or null when the rate is 0 (no limit).</summary>
        public static RateLimiter For(CdnOperation operation, string accessKey, double configuredRate)
        {
            double rate = configuredRate < 0 ? operation.DocumentedRatePerSecond : configuredRate;
            if (rate <= 0)
            {
                return null;
            }

            string key = operation.Name + "|" + accessKey + "|" + rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return s_limiters.GetOrAdd(key, _ => new RateLimiter(rate));
        }

        /// <summary>Waits for this caller's slot. Returns how long it waited. Cancellation ends the wait at once.</summary>
        public async Task<TimeSpan> WaitAsync(CancellationToken cancellationToken)
        {
            long now = Stopwatch.GetTimestamp();
            long slot;
            lock (_gate)
            {
                slot = Math.Max(now, _nextSlot);
                _nextSlot = slot + _intervalTicks;
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
                lock (_gate)
                {
                    if (_nextSlot == slot + _intervalTicks)
                    {
                        _nextSlot = slot;
                    }
                }

                throw;
            }

            return wait;
        }
    }
}
