// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api;
using CdnTasks.Api.Batching;
using CdnTasks.Api.Paging;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Waits for tasks to finish on behalf of a cmdlet (Wait-CdnTask, Clear-CdnCache -Wait, Import-CdnCache
    /// -Wait). Each poll round learns the state of all running tasks from ShowHistoryTasks, filtered by the tasks'
    /// time span and file type with <see cref="ListPageSize"/> tasks a page, so a round over N tasks costs about
    /// ceil(N / page size) requests whatever N is; ShowHistoryTaskDetails is asked only for a task whose creation time
    /// is not known yet (a bare id: once, in the first round), a task the list did not show, and a task that just
    /// finished with failed URLs (to name them). Requests go out concurrently through the shared rate limiter; every
    /// sleep ends at once on Ctrl+C. Writes each task as it finishes, a non-terminating error for a task with failed
    /// URLs, for an unknown task and for a task whose status the module does not know (it is not taken for "still
    /// running"), one progress record per task under a parent record, and a terminating timeout error naming the
    /// tasks still running (30 minutes unless -Timeout says otherwise). Writes only on the pipeline thread.
    /// </summary>
    internal sealed class TaskWaiter
    {
        /// <summary>
        /// The default longest wait: thirty minutes. A purge takes about five minutes to take effect (Huawei Cloud's
        /// user guide), so this is six times that, with room for large prefetches; it is short enough that a stuck
        /// task fails an unattended runbook within the hour, naming the task and how to wait longer.
        /// </summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

        /// <summary>Tasks a ShowHistoryTasks page: 1,000 (the API takes up to 10,000; 1,000 tasks are about 200 KB).</summary>
        public const int ListPageSize = 1000;

        /// <summary>Failed URLs named in the error of a task that finished with failures.</summary>
        public const int FailedUrlsShown = 10;

        /// <summary>
        /// How far the service's creation time of a task may be from the time this machine saw it accepted: 5 minutes
        /// (clocks more than 15 minutes apart cannot sign requests at all). A task outside is asked for by id instead.
        /// </summary>
        private static readonly TimeSpan LocalTimeMargin = TimeSpan.FromMinutes(5);

        /// <summary>How far back the first look for tasks known only by id goes (ShowHistoryTaskDetails' own default).</summary>
        private static readonly TimeSpan RecentSpan = TimeSpan.FromDays(7);

        /// <summary>The margin around a creation time the service reported (the range's ends may be exclusive).</summary>
        private static readonly TimeSpan ServiceTimeMargin = TimeSpan.FromSeconds(1);

        private const int ParentActivityId = 0x0CD2;
        private const int MaxInFlight = 16;
        private readonly CdnCmdlet _cmdlet;
        private readonly string _activity;
        private readonly List<string> _unfinished = new List<string>();

        public TaskWaiter(CdnCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        /// <summary>Gets or sets the longest wait (<see cref="DefaultTimeout"/> unless the command says otherwise).</summary>
        public TimeSpan Timeout { get; set; } = DefaultTimeout;

        /// <summary>Gets the ids of the tasks not written yet (still running, or not polled yet), in input order.</summary>
        public IReadOnlyList<string> Unfinished => _unfinished;

        /// <summary>Gets or sets the pause between polling rounds.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Gets or sets the enterprise project id sent with each poll, or null.</summary>
        public string EnterpriseProjectId { get; set; }

        /// <summary>Waits for the tasks.</summary>
        public void Run(IEnumerable<Item> items)
        {
            var pending = new List<Entry>();
            var byId = new Dictionary<long, Entry>();
            foreach (Item item in items)
            {
                if (byId.TryGetValue(item.TaskId, out Entry known))
                {
                    known.Learn(item);
                    continue;
                }

                var entry = new Entry(item, ParentActivityId + 1 + pending.Count);
                byId.Add(item.TaskId, entry);
                pending.Add(entry);
                _unfinished.Add(entry.Id);
            }

            int count = pending.Count;
            int done = 0;
            _cmdlet.WriteVerbose(string.Format(
                CultureInfo.InvariantCulture,
                "Waiting for {0} CDN task{1}, for at most {2} (-Timeout{3}), polling every {4:0.###} s.",
                count,
                count == 1 ? string.Empty : "s",
                Describe(Timeout),
                Timeout == DefaultTimeout ? ", the default" : string.Empty,
                PollInterval.TotalSeconds));
            var clock = Stopwatch.StartNew();
            int roundNumber = 0;
            try
            {
                while (pending.Count > 0)
                {
                    roundNumber++;
                    var roundClock = Stopwatch.StartNew();
                    Round round;
                    try
                    {
                        round = _cmdlet.Await(PollAsync(pending, _cmdlet.CancellationTokenForHelpers));
                    }
                    catch (CdnApiException failure)
                    {
                        _cmdlet.ThrowTerminatingError(CdnCmdlet.ToErrorRecord(failure, pending.Select(p => p.Id).ToArray()));
                        throw;
                    }

                    int running = pending.Count;
                    var failedUrls = _cmdlet.Await(FailedUrlsAsync(pending.Where(e => round.Tasks.TryGetValue(e, out CdnTask t) && t.IsDone && t.Failed > 0).ToList(), round, _cmdlet.CancellationTokenForHelpers));
                    foreach (Entry entry in pending.ToList())
                    {
                        if (round.Failures.TryGetValue(entry, out CdnApiException failure))
                        {
                            // This task cannot be followed (unknown id, bad id): report it and keep waiting for the others.
                            Finish(pending, entry);
                            done++;
                            _cmdlet.WriteError(CdnCmdlet.ToErrorRecord(failure, entry.Id));
                            continue;
                        }

                        CdnTask task = round.Tasks[entry];
                        entry.Seen(task);
                        if (task.IsDone)
                        {
                            Finish(pending, entry);
                            done++;
                            _cmdlet.WriteObject(task);
                            if (task.Failed > 0)
                            {
                                failedUrls.TryGetValue(entry, out IReadOnlyList<CdnUrlTaskDetail> urls);
                                _cmdlet.WriteError(FailedUrls(task, urls));
                            }
                        }
                        else if (!task.IsRunning)
                        {
                            // A status the module does not know is not "still running": waiting on it could last forever.
                            Finish(pending, entry);
                            done++;
                            _cmdlet.WriteError(UnknownStatus(task));
                        }
                        else
                        {
                            _cmdlet.WriteProgress(Progress(entry));
                        }
                    }

                    _cmdlet.WriteVerbose(string.Format(
                        CultureInfo.InvariantCulture,
                        "Poll round {0}: {1} task{2} asked for, {3} still running; {4} ShowHistoryTasks and {5} ShowHistoryTaskDetails request{6} in {7:0.00} s.",
                        roundNumber,
                        running,
                        running == 1 ? string.Empty : "s",
                        pending.Count,
                        round.ListRequests,
                        round.DetailRequests,
                        round.DetailRequests == 1 ? string.Empty : "s",
                        roundClock.Elapsed.TotalSeconds));

                    if (pending.Count == 0)
                    {
                        break;
                    }

                    _cmdlet.WriteProgress(new ProgressRecord(ParentActivityId, _activity, $"Waiting for {count} CDN task{(count == 1 ? string.Empty : "s")}: {done} done, {pending.Count} running")
                    {
                        PercentComplete = done * 100 / count,
                    });

                    TimeSpan left = Timeout - clock.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        ThrowTimeout(pending, clock.Elapsed);
                    }

                    TimeSpan pause = left < PollInterval ? left : PollInterval;

                    _cmdlet.Await(Task.Delay(pause, _cmdlet.CancellationTokenForHelpers));
                }
            }
            finally
            {
                try
                {
                    foreach (Entry entry in pending)
                    {
                        Complete(entry);
                    }

                    _cmdlet.WriteProgress(new ProgressRecord(ParentActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
                }
                catch (PipelineStoppedException)
                {
                    // Stopping (Ctrl+C): the host clears progress itself.
                }
            }
        }

        /// <summary>Whether a failure concerns only the task asked for (404 unknown id, 400 bad id), so the others go on.</summary>
        internal static bool IsAboutTheTask(CdnApiException failure)
        {
            HttpStatusCode status = failure.StatusCode ?? 0;
            return failure.Kind == CdnFailureKind.Service && (status == HttpStatusCode.NotFound || status == HttpStatusCode.BadRequest);
        }

        /// <summary>
        /// The non-terminating error for a task that finished with failed URLs, naming the first of them and why they
        /// failed when <paramref name="failed"/> has them.
        /// </summary>
        internal static ErrorRecord FailedUrls(CdnTask task, IReadOnlyList<CdnUrlTaskDetail> failed = null)
        {
            string list = $"Get-CdnUrlTask -TaskId {task.TaskId} -Status Failed -All";
            string resubmit = string.Equals(task.TaskType, Normalize.Prefetch, StringComparison.Ordinal) ? "Import-CdnCache" : "Clear-CdnCache";
            var message = new StringBuilder();
            message.AppendFormat(
                CultureInfo.InvariantCulture,
                "CDN task {0} ({1}) finished with {2} of {3} URLs failed.",
                task.TaskId,
                task.TaskType,
                task.Failed,
                task.Total);
            if (failed != null && failed.Count > 0)
            {
                message.Append(failed.Count < task.Failed ? $" The first {failed.Count}: " : " ");
                message.Append(string.Join("; ", failed.Select(u => u.FailureClass == null && u.FailureReason == null
                    ? u.Url
                    : $"{u.Url} ({string.Join(": ", new[] { u.FailureClass, u.FailureReason }.Where(x => !string.IsNullOrEmpty(x)))})")));
                message.Append('.');
            }

            message.Append(" List them with: ").Append(list);
            string text = message.ToString();
            return new ErrorRecord(new InvalidOperationException(text), ErrorIds.CdnTaskHasFailedUrls, ErrorCategory.InvalidResult, task)
            {
                ErrorDetails = new ErrorDetails(text) { RecommendedAction = $"See why with: {list} | Format-List Url, FailureClass, FailureReason. Resubmit them with: {list} | {resubmit}" },
            };
        }

        /// <summary>The non-terminating error for a task whose status the module does not know (neither Running nor Completed).</summary>
        internal static ErrorRecord UnknownStatus(CdnTask task)
        {
            string message = string.Format(
                CultureInfo.InvariantCulture,
                "CDN task {0} ({1}) has the status '{2}', which is neither Running nor Completed, so the module cannot tell whether it will finish; it is no longer waited for. {3} of {4} URLs succeeded, {5} failed, {6} still processing.",
                task.TaskId,
                task.TaskType,
                task.Status,
                task.Succeeded,
                task.Total,
                task.Failed,
                task.Processing);
            return new ErrorRecord(new InvalidOperationException(message), ErrorIds.CdnTaskStatusUnknown, ErrorCategory.InvalidResult, task)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = $"Check it later with: Get-CdnTask -TaskId {task.TaskId}, and its URLs with: Get-CdnUrlTask -TaskId {task.TaskId} -All" },
            };
        }

        /// <summary>A wait in words: "30 minutes", "1.5 seconds".</summary>
        internal static string Describe(TimeSpan span)
        {
            if (span == TimeSpan.MaxValue)
            {
                return "no limit";
            }

            if (span.TotalMinutes >= 1 && span.Seconds == 0 && span.Milliseconds == 0)
            {
                return string.Format(CultureInfo.InvariantCulture, "{0:0} minute{1}", span.TotalMinutes, span.TotalMinutes == 1 ? string.Empty : "s");
            }

            return string.Format(CultureInfo.InvariantCulture, "{0:0.###} second{1}", span.TotalSeconds, span.TotalSeconds == 1 ? string.Empty : "s");
        }

        private void Finish(List<Entry> pending, Entry entry)
        {
            pending.Remove(entry);
            _unfinished.Remove(entry.Id);
            Complete(entry);
        }

        private void ThrowTimeout(List<Entry> pending, TimeSpan elapsed)
        {
            string running = string.Join(", ", pending.Select(p => p.Last == null
                ? p.Id
                : $"{p.Id} ({p.Last.Processing} of {p.Last.Total} URLs still processing)"));
            string ids = string.Join(",", pending.Select(p => p.Id));
            string limit = Timeout == DefaultTimeout ? $"the default -Timeout of {Describe(Timeout)}" : $"-Timeout {Describe(Timeout)}";
            string message = $"Timed out after {elapsed:hh\\:mm\\:ss} ({limit}) waiting for CDN tasks; still running: {running}.";
            var record = new ErrorRecord(new TimeoutException(message), ErrorIds.CdnTaskWaitTimeout, ErrorCategory.OperationTimeout, pending.Select(p => p.Id).ToArray())
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = $"Wait longer with: Wait-CdnTask -TaskId {ids} -Timeout <seconds>, or check them with: Get-CdnTask -TaskId {ids}" },
            };
            _cmdlet.ThrowTerminatingError(record);
        }

        private static ProgressRecord Progress(Entry entry)
        {
            CdnTask task = entry.Last;
            var record = new ProgressRecord(
                entry.ActivityId,
                $"CDN task {entry.Id} ({task.TaskType}, {task.FileType})",
                $"{task.Status}: {task.Processing} processing, {task.Succeeded} succeeded, {task.Failed} failed of {task.Total}")
            {
                ParentActivityId = ParentActivityId,
            };
            if (task.Total > 0)
            {
                record.PercentComplete = (int)Math.Min(100, (task.Succeeded + task.Failed) * 100 / task.Total);
            }

            return record;
        }

        private void Complete(Entry entry)
        {
            _cmdlet.WriteProgress(new ProgressRecord(entry.ActivityId, $"CDN task {entry.Id}", "Done")
            {
                ParentActivityId = ParentActivityId,
                RecordType = ProgressRecordType.Completed,
            });
        }

        /// <summary>
        /// One round's questions, asked on the thread pool: first ShowHistoryTaskDetails for each task whose creation time
        /// or file type is not known yet, then ShowHistoryTasks over each file type's time span, then
        /// ShowHistoryTaskDetails for each task the list did not show. Failures that concern one task (404, 400) are
        /// kept for that task; any other failure ends the wait.
        /// </summary>
        private async Task<Round> PollAsync(List<Entry> pending, CancellationToken cancellationToken)
        {
            var round = new Round();
            CdnClient client = _cmdlet.Client;
            List<Entry> unknown = pending.Where(e => !e.CanBeListed).ToList();
            if (unknown.Count > 0)
            {
                // Bare ids: most tasks waited for are recent, so look at the newest page of each file type first.
                var recent = new List<Task>();
                foreach (string type in new[] { BatchPlanner.File, BatchPlanner.Directory })
                {
                    List<Entry> ofType = unknown.Where(e => e.FileType == null || e.FileType == type).ToList();
                    if (ofType.Count > 0)
                    {
                        recent.Add(ListRecentAsync(client, type, ofType, round, cancellationToken));
                    }
                }

                await Task.WhenAll(recent).ConfigureAwait(false);
                await ForEachAsync(unknown.Where(e => !round.Has(e)).ToList(), e => DetailAsync(client, e, round, cancellationToken)).ConfigureAwait(false);
            }

            var lists = new List<Task>();
            foreach (IGrouping<string, Entry> group in pending.Where(e => e.CanBeListed && !round.Has(e)).GroupBy(e => e.FileType, StringComparer.Ordinal))
            {
                lists.Add(ListAsync(client, group.ToList(), round, cancellationToken));
            }

            await Task.WhenAll(lists).ConfigureAwait(false);
            await ForEachAsync(pending.Where(e => !round.Has(e)).ToList(), e => DetailAsync(client, e, round, cancellationToken)).ConfigureAwait(false);
            return round;
        }

        /// <summary>ShowHistoryTasks over the time span of tasks of one file type, every page; records the tasks asked for.</summary>
        private async Task ListAsync(CdnClient client, List<Entry> group, Round round, CancellationToken cancellationToken)
        {
            DateTime start = group.Min(e => e.CreatedUtc.Value - e.Margin);
            DateTime end = group.Max(e => e.CreatedUtc.Value + e.Margin);
            var filter = new HistoryTaskFilter
            {
                EnterpriseProjectId = EnterpriseProjectId,
                StartMs = Normalize.ToEpochMs(start),
                EndMs = Normalize.ToEpochMs(end) + 1,
                FileType = group[0].FileType,
            };
            var wanted = group.ToDictionary(e => e.TaskId);

            Page<CdnTask> first = await ListPageAsync(client, filter, 1, round, cancellationToken).ConfigureAwait(false);
            int found = Take(first, wanted, round);
            long total = Math.Max(first.Total ?? 0, first.Items.Count);
            int pages = (int)Math.Min(CdnClient.MaxPageNumber, (total + ListPageSize - 1) / ListPageSize);
            if (found == wanted.Count || first.Items.Count < ListPageSize || pages < 2)
            {
                return;
            }

            Page<CdnTask>[] rest = await Task.WhenAll(Enumerable.Range(2, pages - 1).Select(n => ListPageAsync(client, filter, n, round, cancellationToken))).ConfigureAwait(false);
            foreach (Page<CdnTask> page in rest)
            {
                Take(page, wanted, round);
            }
        }

        /// <summary>The newest <see cref="ListPageSize"/> tasks of a file type created in the last 7 days (one request); records the tasks asked for.</summary>
        private async Task ListRecentAsync(CdnClient client, string fileType, List<Entry> group, Round round, CancellationToken cancellationToken)
        {
            DateTime now = DateTime.UtcNow;
            var filter = new HistoryTaskFilter
            {
                EnterpriseProjectId = EnterpriseProjectId,
                StartMs = Normalize.ToEpochMs(now - RecentSpan),
                EndMs = Normalize.ToEpochMs(now + LocalTimeMargin),
                FileType = fileType,
            };
            Take(await ListPageAsync(client, filter, 1, round, cancellationToken).ConfigureAwait(false), group.ToDictionary(e => e.TaskId), round);
        }

        private static async Task<Page<CdnTask>> ListPageAsync(CdnClient client, HistoryTaskFilter filter, int pageNumber, Round round, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref round.ListRequests);
            return await client.ListHistoryTasksAsync(filter, pageNumber, ListPageSize, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Records the tasks of a page that were asked for; returns how many.</summary>
        private static int Take(Page<CdnTask> page, Dictionary<long, Entry> wanted, Round round)
        {
            int found = 0;
            foreach (CdnTask task in page.Items)
            {
                if (wanted.TryGetValue(task.TaskId, out Entry entry) && round.Set(entry, task))
                {
                    found++;
                }
            }

            return found;
        }

        /// <summary>One task from ShowHistoryTaskDetails (page_size 1: its counts, creation time and file type).</summary>
        private async Task DetailAsync(CdnClient client, Entry entry, Round round, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref round.DetailRequests);
            try
            {
                round.Set(entry, await client.GetTaskAsync(entry.Id, EnterpriseProjectId, cancellationToken).ConfigureAwait(false));
            }
            catch (CdnApiException failure) when (IsAboutTheTask(failure))
            {
                lock (round.Failures)
                {
                    round.Failures[entry] = failure;
                }
            }
        }

        /// <summary>The first failed URLs of each task that just finished with failures (one ShowHistoryTaskDetails each).</summary>
        private async Task<Dictionary<Entry, IReadOnlyList<CdnUrlTaskDetail>>> FailedUrlsAsync(List<Entry> finished, Round round, CancellationToken cancellationToken)
        {
            var result = new Dictionary<Entry, IReadOnlyList<CdnUrlTaskDetail>>();
            CdnClient client = _cmdlet.Client;
            var filter = new TaskDetailFilter { EnterpriseProjectId = EnterpriseProjectId, Status = "failed" };
            await ForEachAsync(finished, async e =>
            {
                Interlocked.Increment(ref round.DetailRequests);
                try
                {
                    TaskDetailPage page = await client.GetHistoryTaskDetailsAsync(e.Id, filter, 1, FailedUrlsShown, cancellationToken).ConfigureAwait(false);
                    lock (result)
                    {
                        result[e] = page.Urls.Items;
                    }
                }
                catch (CdnApiException)
                {
                    // The error for the task still says how many failed and how to list them.
                }
            }).ConfigureAwait(false);
            return result;
        }

        /// <summary>Runs <paramref name="action"/> for each item, at most <see cref="MaxInFlight"/> at once (the rate limiter paces them).</summary>
        private static async Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, Task> action)
        {
            if (items.Count == 0)
            {
                return;
            }

            using (var slots = new SemaphoreSlim(MaxInFlight))
            {
                var running = new List<Task>(items.Count);
                foreach (T item in items)
                {
                    await slots.WaitAsync().ConfigureAwait(false);
                    running.Add(Release(action(item), slots));
                }

                await Task.WhenAll(running).ConfigureAwait(false);
            }
        }

        private static async Task Release(Task work, SemaphoreSlim slots)
        {
            try
            {
                await work.ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }

        /// <summary>A task to wait for, with what is known about it: when it was created and its file type.</summary>
        internal readonly struct Item
        {
            /// <param name="taskId">The task id.</param>
            /// <param name="createdUtc">When it was created (UTC, by this machine's clock or as given), or null when not known.</param>
            /// <param name="fileType">file or directory (the service's words, or the module's), or null when not known.</param>
            public Item(long taskId, DateTime? createdUtc, string fileType)
            {
                TaskId = taskId;
                CreatedUtc = createdUtc;
                FileType = Normalize.FileType.ToService(fileType);
            }

            public long TaskId { get; }

            public DateTime? CreatedUtc { get; }

            public string FileType { get; }
        }

        /// <summary>The answers of one poll round, per task (filled from several threads).</summary>
        private sealed class Round
        {
            public readonly Dictionary<Entry, CdnTask> Tasks = new Dictionary<Entry, CdnTask>();
            public readonly Dictionary<Entry, CdnApiException> Failures = new Dictionary<Entry, CdnApiException>();
            public int ListRequests;
            public int DetailRequests;

            public bool Has(Entry entry)
            {
                lock (Tasks)
                {
                    lock (Failures)
                    {
                        return Tasks.ContainsKey(entry) || Failures.ContainsKey(entry);
                    }
                }
            }

            /// <summary>Records a task's state; false when it was recorded already.</summary>
            public bool Set(Entry entry, CdnTask task)
            {
                lock (Tasks)
                {
                    if (Tasks.ContainsKey(entry))
                    {
                        return false;
                    }

                    Tasks[entry] = task;
                    return true;
                }
            }
        }

        private sealed class Entry
        {
            public Entry(Item item, int activityId)
            {
                TaskId = item.TaskId;
                Id = item.TaskId.ToString(CultureInfo.InvariantCulture);
                ActivityId = activityId;
                Learn(item);
            }

            public long TaskId { get; }

            public string Id { get; }

            public int ActivityId { get; }

            public CdnTask Last { get; private set; }

            /// <summary>Gets when the task was created (UTC), or null when not known yet.</summary>
            public DateTime? CreatedUtc { get; private set; }

            /// <summary>Gets file or directory, or null when not known yet.</summary>
            public string FileType { get; private set; }

            /// <summary>Gets how far the service's creation time may be from <see cref="CreatedUtc"/>.</summary>
            public TimeSpan Margin { get; private set; }

            /// <summary>Gets a value indicating whether ShowHistoryTasks can find the task (its time and file type are known).</summary>
            public bool CanBeListed => CreatedUtc.HasValue && FileType != null;

            /// <summary>Takes what an input item tells about the task, keeping the better of what is known.</summary>
            public void Learn(Item item)
            {
                FileType = FileType ?? item.FileType;
                if (item.CreatedUtc.HasValue && !CreatedUtc.HasValue)
                {
                    // Not the service's own time: only Seen makes the time exact.
                    CreatedUtc = DateTime.SpecifyKind(item.CreatedUtc.Value, DateTimeKind.Utc);
                    Margin = LocalTimeMargin;
                }
            }

            /// <summary>Takes the state the service reported; its creation time and file type are exact from now on.</summary>
            public void Seen(CdnTask task)
            {
                Last = task;
                if (task.CreateTimeUtc.HasValue)
                {
                    CreatedUtc = task.CreateTimeUtc;
                    Margin = ServiceTimeMargin;
                }

                FileType = Normalize.FileType.ToService(task.FileType) ?? FileType;
            }
        }
    }
}
