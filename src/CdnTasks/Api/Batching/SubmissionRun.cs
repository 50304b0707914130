// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api.Batching
{
    /// <summary>What became of one request of a submission: a task, a failure, or withheld after a refusal.</summary>
    internal sealed class BatchOutcome
    {
        /// <summary>Gets the id of the task the request created, or null.</summary>
        public long? TaskId { get; internal set; }

        /// <summary>Gets the failure of the request, or null.</summary>
        public CdnApiException Failure { get; internal set; }

        /// <summary>Gets the refusal (401/403) of an earlier request that kept this one from being sent, or null.</summary>
        public CdnApiException WithheldAfter { get; internal set; }

        /// <summary>Gets when the request was sent (UTC, local clock), or default when it was not.</summary>
        public DateTime SentAtUtc { get; internal set; }

        /// <summary>Gets when the answer came (UTC, local clock), or default.</summary>
        public DateTime AnsweredAtUtc { get; internal set; }
    }

    /// <summary>
    /// Sends the requests of one submission concurrently: at most <see cref="MaxInFlight"/> at once, each through the
    /// transport (so the process-wide rate limiter spaces them at the API's rate), while the caller takes the
    /// outcomes strictly in input order. The safety rules of a single request still hold for the whole run:
    /// <list type="bullet">
    /// <item>no request is ever resent by this class (the transport retries only what was certainly not processed);</item>
    /// <item>one wrong key, one 401: the transport sends a command's requests one at a time until the service has
    /// answered it once (the quota check, or with -Force the first request), and nothing after a 401 or 403; the requests
    /// it refused to send, and those not started yet, are withheld (each reported with its own error);</item>
    /// <item>every request's state is kept in the <see cref="SubmissionLedger"/>, marked in flight only at the moment it
    /// goes on the wire (<see cref="CdnRequest.BeforeSend"/>), so a stopped run tells sent from never sent exactly.</item>
    /// </list>
    /// </summary>
    internal sealed class SubmissionRun : IDisposable
    {
        /// <summary>
        /// Requests in flight at once: 16. The rate limiter sets the pace (30 requests/s for the create APIs); 16 keep
        /// that pace up to about 500 ms of latency, and bound what a stop can leave undecided.
        /// </summary>
        public const int DefaultMaxInFlight = 16;

        private readonly SubmissionLedger _ledger;
        private readonly Func<int, Action, CancellationToken, Task<long>> _send;
        private readonly TaskCompletionSource<BatchOutcome>[] _outcomes;
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _dispatch;
        private readonly CancellationTokenSource _sends;
        private readonly List<Task> _started = new List<Task>();
        private CdnApiException _refused;
        private Task _dispatcher = Task.CompletedTask;

        /// <summary>Creates a run over the ledger's requests.</summary>
        /// <param name="ledger">The requests and their states.</param>
        /// <param name="send">Sends request i with a before-send callback and a token, and returns the new task id.</param>
        /// <param name="maxInFlight">How many requests may be in flight at once.</param>
        /// <param name="cancellationToken">The command's token (Ctrl+C): stops everything at once.</param>
        public SubmissionRun(SubmissionLedger ledger, Func<int, Action, CancellationToken, Task<long>> send, int maxInFlight, CancellationToken cancellationToken)
        {
            _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
            _send = send ?? throw new ArgumentNullException(nameof(send));
            MaxInFlight = Math.Max(1, maxInFlight);
            _outcomes = new TaskCompletionSource<BatchOutcome>[ledger.Count];
            for (int i = 0; i < _outcomes.Length; i++)
            {
                _outcomes[i] = new TaskCompletionSource<BatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
            _dispatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _sends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        /// <summary>Gets how many requests may be in flight at once.</summary>
        public int MaxInFlight { get; }

        /// <summary>Gets the first 401/403 of the run, or null.</summary>
        public CdnApiException Refused => Volatile.Read(ref _refused);

        /// <summary>Starts sending (returns at once).</summary>
        public void Start() => _dispatcher = Task.Run(DispatchAsync);

        /// <summary>The outcome of request <paramref name="index"/> (0-based); cancelled when the run was stopped before it ended.</summary>
        public Task<BatchOutcome> Outcome(int index) => _outcomes[index].Task;

        /// <summary>
        /// Stops the run: nothing more goes on the wire; the requests in flight get up to <paramref name="grace"/> to be
        /// answered (so the ledger knows what became of them) and are cancelled after that. Completes when every
        /// started request has settled.
        /// </summary>
        public async Task StopAsync(TimeSpan grace)
        {
            _dispatch.Cancel();
            _sends.CancelAfter(grace);
            Task[] started;
            lock (_started)
            {
                started = _started.ToArray();
            }

            try
            {
                await Task.WhenAll(started).ConfigureAwait(false);
                await _dispatcher.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Each request's own outcome says what happened; nothing more to report here.
            }
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            _dispatch.Cancel();
            _sends.Cancel();
            Task[] started;
            lock (_started)
            {
                started = _started.ToArray();
            }

            // The requests observe the cancellation at once; wait for them before the sources go away (a request that
            // does not end in time keeps them: the garbage collector takes them later).
            bool settled = false;
            try
            {
                settled = Task.WaitAll(started, TimeSpan.FromSeconds(5)) && _dispatcher.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                settled = true;
            }

            if (!settled)
            {
                return;
            }

            _dispatch.Dispose();
            _sends.Dispose();
            _slots.Dispose();
        }

        private async Task DispatchAsync()
        {
            int index = 0;
            try
            {
                for (; index < _outcomes.Length; index++)
                {
                    await _slots.WaitAsync(_dispatch.Token).ConfigureAwait(false);
                    if (Refused != null)
                    {
                        Withhold(index);
                        _slots.Release();
                        continue;
                    }

                    Task sending = SendAsync(index);
                    lock (_started)
                    {
                        _started.Add(sending);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped: the requests not started were never sent.
                for (; index < _outcomes.Length; index++)
                {
                    _outcomes[index].TrySetCanceled();
                }
            }
        }

        private async Task SendAsync(int index)
        {
            bool sent = false;
            DateTime sentAt = default;
            void BeforeSend()
            {
                if (_dispatch.IsCancellationRequested)
                {
                    // Stopped: this attempt does not go on the wire.
                    throw new OperationCanceledException("The submission stopped before this request was sent.");
                }

                if (!sent)
                {
                    sent = true;
                    sentAt = DateTime.UtcNow;
                    _ledger.Sending(index);
                }
            }

            try
            {
                long id = await _send(index, BeforeSend, _sends.Token).ConfigureAwait(false);
                _ledger.Accepted(index, id);
                _outcomes[index].TrySetResult(new BatchOutcome { TaskId = id, SentAtUtc = sentAt, AnsweredAtUtc = DateTime.UtcNow });
            }
            catch (CdnApiException failure)
            {
                if (failure.IsRefusal)
                {
                    Interlocked.CompareExchange(ref _refused, failure, null);
                }

                if (!sent && failure.IsRefusal)
                {
                    // Refused before it went out (the transport stops a command's requests after its first 401/403).
                    Withhold(index);
                }
                else
                {
                    _ledger.Failed(index, failure.MayHaveBeenProcessed);
                    _outcomes[index].TrySetResult(new BatchOutcome { Failure = failure, SentAtUtc = sentAt, AnsweredAtUtc = DateTime.UtcNow });
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped: in flight (the ledger says so) or never sent (still NotSent).
                _outcomes[index].TrySetCanceled();
            }
            catch (Exception unexpected)
            {
                _outcomes[index].TrySetException(unexpected);
            }
            finally
            {
                try
                {
                    _slots.Release();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        private void Withhold(int index)
        {
            _ledger.Withheld(index);
            _outcomes[index].TrySetResult(new BatchOutcome { WithheldAfter = Refused });
        }
    }
}
