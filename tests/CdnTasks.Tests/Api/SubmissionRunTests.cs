// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Concurrent;
using System.Net;
using CdnTasks.Api;
using CdnTasks.Api.Batching;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// Tests for <see cref="SubmissionRun"/>: requests of a submission sent concurrently with a single request's
    /// safety (outcomes in input order, the first alone until answered, nothing after a 401/403, exact states on a stop).
    /// The send function stands in for the transport: it calls the before-send callback (the moment a request goes on
    /// the wire), then waits for the test to answer it.
    /// </summary>
    public class SubmissionRunTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

        private static SubmissionLedger Ledger(int requests) =>
            new SubmissionLedger(BatchPlanner.Plan(Enumerable.Range(1, requests * 1000).Select(i => new UrlItem($"https://www.example.com/{i}.js", BatchPlanner.File)), preheat: false));

        private static CdnApiException Failure(HttpStatusCode status, bool mayHaveBeenProcessed = false, CdnFailureKind kind = CdnFailureKind.Service) =>
            new CdnApiException(kind, $"HTTP {(int)status}", "CreateRefreshTasks", status, "X") { MayHaveBeenProcessed = mayHaveBeenProcessed };

        private static T Within<T>(Task<T> task) => Ended(task) ? task.Result : throw new TimeoutException("The task did not end in time.");

        private static bool Ended(Task task) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(Patience);

        private static void Until(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("Timed out waiting until " + what);
                }

                Thread.Sleep(5);
            }
        }

        [Fact]
        public void OutcomesComeInInputOrderWhateverOrderTheAnswersComeIn()
        {
            var service = new FakeService();
            var ledger = Ledger(6);
            using (var run = new SubmissionRun(ledger, service.Send, 16, CancellationToken.None))
            {
                run.Start();
                Until(() => service.Sent.Count == 6, "all six are in flight");
                for (int i = 5; i >= 0; i--)
                {
                    service.Answer(i, 1000 + i);
                }

                Assert.Equal(Enumerable.Range(0, 6).Select(i => (long?)(1000 + i)), Enumerable.Range(0, 6).Select(i => Within(run.Outcome(i)).TaskId));
            }

            Assert.All(ledger.Snapshot(), e => Assert.Equal(BatchState.Accepted, e.State));
        }

        [Fact]
        public void NeverMoreThanTheLimitInFlight()
        {
            var service = new FakeService { AnswerAtOnce = true, Delay = TimeSpan.FromMilliseconds(20) };
            using (var run = new SubmissionRun(Ledger(40), service.Send, 4, CancellationToken.None))
            {
                run.Start();
                for (int i = 0; i < 40; i++)
                {
                    Assert.NotNull(Within(run.Outcome(i)).TaskId);
                }
            }

            Assert.Equal(4, service.MostInFlight);
            Assert.Equal(40, service.Sent.Count);
        }

        [Theory]
        [InlineData(CdnFailureKind.Service)]
        [InlineData(CdnFailureKind.MalformedResponse)] // a 401 whose body is not the service's JSON (a proxy's HTML page)
        public void RequestsTheTransportRefusedToSendAfterA401AreWithheld(CdnFailureKind kind)
        {
            // The transport sends a command's requests one at a time until the first answer, and none after a 401 of any
            // body: the fake does the same. The first request's 401 is its own failure; every other request is withheld.
            var service = new FakeService { LikeTheTransport = true };
            var ledger = Ledger(5);
            using (var run = new SubmissionRun(ledger, service.Send, 16, CancellationToken.None))
            {
                run.Start();
                Until(() => service.Sent.Count == 1, "the first is sent");
                CdnApiException refused = Failure(HttpStatusCode.Unauthorized, kind: kind);
                service.Fail(0, refused);
                Assert.Same(refused, Within(run.Outcome(0)).Failure);
                for (int i = 1; i < 5; i++)
                {
                    Assert.Same(refused, Within(run.Outcome(i)).WithheldAfter);
                }
            }

            Assert.Single(service.Sent);
            Assert.Equal(new[] { BatchState.Failed, BatchState.Withheld, BatchState.Withheld, BatchState.Withheld, BatchState.Withheld }, ledger.Snapshot().Select(e => e.State));
        }

        [Fact]
        public void AfterA403NothingMoreGoesOnTheWireAndTheRequestsInFlightKeepTheirOwnAnswers()
        {
            // Four in flight at once, the rest queued; request 2 is refused while 1, 3 and 4 are out.
            var service = new FakeService();
            var ledger = Ledger(10);
            using (var run = new SubmissionRun(ledger, service.Send, 4, CancellationToken.None))
            {
                run.Start();
                Until(() => service.Sent.Count == 4, "four are in flight");
                service.Fail(1, Failure(HttpStatusCode.Forbidden));
                Within(run.Outcome(1));
                service.Answer(0, 100);
                service.Answer(2, 102);
                service.Fail(3, Failure(HttpStatusCode.Forbidden));

                Assert.Equal(100, Within(run.Outcome(0)).TaskId);
                Assert.NotNull(Within(run.Outcome(1)).Failure);
                Assert.Equal(102, Within(run.Outcome(2)).TaskId);
                Assert.NotNull(Within(run.Outcome(3)).Failure);
                for (int i = 4; i < 10; i++)
                {
                    Assert.NotNull(Within(run.Outcome(i)).WithheldAfter);
                }
            }

            Assert.Equal(4, service.Sent.Count);
            Assert.Equal(6, ledger.Snapshot().Count(e => e.State == BatchState.Withheld));
        }

        [Fact]
        public void ARequestWaitingForItsSlotWhenARefusalComesIsWithheldNotSent()
        {
            // The transport checks for a refusal after the rate limiter: a request that was waiting there when a 401 came
            // does not go out, and the run reports it as withheld.
            var service = new FakeService { HoldBeforeSend = 1, LikeTheTransport = true, Answered = true };
            var ledger = Ledger(2);
            using (var run = new SubmissionRun(ledger, service.Send, 16, CancellationToken.None))
            {
                run.Start();
                Until(() => service.Sent.Count == 1 && service.Holding, "request 1 is out and request 2 waits before the wire");
                service.Fail(0, Failure(HttpStatusCode.Unauthorized));
                Within(run.Outcome(0));
                service.ReleaseHold();
                Assert.NotNull(Within(run.Outcome(1)).WithheldAfter);
            }

            Assert.Single(service.Sent);
            Assert.Equal(BatchState.Withheld, ledger.Snapshot()[1].State);
        }

        [Fact]
        public void AnAmbiguousFailureIsReportedOnceAndNeverResent()
        {
            var service = new FakeService();
            var ledger = Ledger(3);
            using (var run = new SubmissionRun(ledger, service.Send, 16, CancellationToken.None))
            {
                run.Start();
                Until(() => service.Sent.Count == 3, "all three are in flight");
                service.Answer(0, 1);
                service.Fail(1, Failure(HttpStatusCode.BadGateway, mayHaveBeenProcessed: true));
                service.Answer(2, 3);
                Assert.True(Within(run.Outcome(1)).Failure.MayHaveBeenProcessed);
                Assert.Equal(3, Within(run.Outcome(2)).TaskId);
            }

            Assert.Equal(3, service.Sent.Count);
            Assert.True(ledger.Snapshot()[1].MayHaveBeenProcessed);
        }

        [Fact]
        public void AStopSendsNothingMoreAndLetsTheRequestsInFlightBeAnswered()
        {
            var service = new FakeService();
            var ledger = Ledger(8);
            using (var run = new SubmissionRun(ledger, service.Send, 3, CancellationToken.None))
            {
                run.Start();
                Until(() => service.Sent.Count == 3, "three are in flight");
                Task stopped = run.StopAsync(TimeSpan.FromSeconds(10));
                service.Answer(0, 10);
                service.Answer(1, 11);
                service.Answer(2, 12);
                Assert.True(Ended(stopped));
            }

            Assert.Equal(3, service.Sent.Count);
            Assert.Equal(new[] { 10L, 11, 12 }, ledger.Snapshot().Take(3).Select(e => e.TaskId.Value));
            Assert.All(ledger.Snapshot().Skip(3), e => Assert.Equal(BatchState.NotSent, e.State));
        }

        [Fact]
        public void CtrlCLeavesTheRequestsOnTheWireInFlightAndTheOthersNeverSent()
        {
            var service = new FakeService { HoldBeforeSend = 2 };
            var ledger = Ledger(6);
            using (var cancel = new CancellationTokenSource())
            using (var run = new SubmissionRun(ledger, service.Send, 3, cancel.Token))
            {
                run.Start();
                Until(() => service.Sent.Count == 2 && service.Holding, "two are out, the third waits before the wire");
                cancel.Cancel();
                service.ReleaseHold();
                for (int i = 0; i < 6; i++)
                {
                    Assert.True(Ended(run.Outcome(i)));
                    Assert.True(run.Outcome(i).IsCanceled);
                }

                Assert.True(Ended(run.StopAsync(TimeSpan.Zero)));
            }

            Assert.Equal(new[] { BatchState.InFlight, BatchState.InFlight, BatchState.NotSent, BatchState.NotSent, BatchState.NotSent, BatchState.NotSent }, ledger.Snapshot().Select(e => e.State));
        }

        /// <summary>A service the test answers by hand, request by request (by request index).</summary>
        private sealed class FakeService
        {
            private readonly ConcurrentDictionary<int, TaskCompletionSource<long>> _answers = new ConcurrentDictionary<int, TaskCompletionSource<long>>();
            private readonly ManualResetEventSlim _hold = new ManualResetEventSlim(false);
            private readonly SemaphoreSlim _untilAnswered = new SemaphoreSlim(1, 1);
            private volatile CdnApiException _refused;
            private int _inFlight;
            private int _mostInFlight;
            private volatile bool _holding;

            /// <summary>Gets the indexes sent (past BeforeSend), in the order they went out.</summary>
            public ConcurrentQueue<int> Sent { get; } = new ConcurrentQueue<int>();

            public bool AnswerAtOnce { get; set; }

            public TimeSpan Delay { get; set; }

            /// <summary>Gets or sets the index of a request held just before the wire until <see cref="ReleaseHold"/>, or -1.</summary>
            public int HoldBeforeSend { get; set; } = -1;

            /// <summary>
            /// Gets or sets a value indicating whether the fake keeps the transport's rules: one request at a time until the
            /// first answer, and after a 401/403 every later request fails with that refusal without being sent.
            /// </summary>
            public bool LikeTheTransport { get; set; }

            /// <summary>Gets or sets a value indicating whether the service has answered already (no one-at-a-time start).</summary>
            public bool Answered { get; set; }

            public bool Holding => _holding;

            public int MostInFlight => _mostInFlight;

            public async Task<long> Send(int index, Action beforeSend, CancellationToken cancellationToken)
            {
                int now = Interlocked.Increment(ref _inFlight);
                try
                {
                    int most;
                    while (now > (most = _mostInFlight) && Interlocked.CompareExchange(ref _mostInFlight, now, most) != most)
                    {
                    }

                    await Task.Yield();
                    if (index == HoldBeforeSend)
                    {
                        _holding = true;
                        _hold.Wait(Patience, CancellationToken.None); // a held request stays held: the test releases it
                    }

                    if (LikeTheTransport)
                    {
                        await _untilAnswered.WaitAsync(cancellationToken);
                        if (Answered)
                        {
                            _untilAnswered.Release();
                        }
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    if (LikeTheTransport && _refused != null)
                    {
                        if (!Answered)
                        {
                            _untilAnswered.Release();
                        }

                        throw _refused;
                    }

                    beforeSend();
                    Sent.Enqueue(index);
                    if (AnswerAtOnce)
                    {
                        await Task.Delay(Delay, cancellationToken);
                        return index;
                    }

                    TaskCompletionSource<long> answer = _answers.GetOrAdd(index, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
                    try
                    {
                        using (cancellationToken.Register(() => answer.TrySetCanceled()))
                        {
                            return await answer.Task;
                        }
                    }
                    catch (CdnApiException failure) when (failure.StatusCode == HttpStatusCode.Unauthorized || failure.StatusCode == HttpStatusCode.Forbidden)
                    {
                        _refused = failure;
                        throw;
                    }
                    finally
                    {
                        if (LikeTheTransport && !Answered)
                        {
                            Answered = _refused == null;
                            _untilAnswered.Release();
                        }
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }

            public void Answer(int index, long taskId) => _answers.GetOrAdd(index, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult(taskId);

            public void Fail(int index, CdnApiException failure) => _answers.GetOrAdd(index, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).SetException(failure);

            public void ReleaseHold() => _hold.Set();
        }
    }
}
