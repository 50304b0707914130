// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading.Tasks;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Waits for tasks to finish on behalf of a cmdlet (Wait-CdnTask, Clear-CdnCache -Wait, Import-CdnCache
    /// -Wait): polls ShowHistoryTaskDetails (page_size 1: the task's counts) for each running task, then sleeps
    /// the poll interval; every request goes through the shared rate limiter, and every sleep ends at once on
    /// Ctrl+C. Writes each task as it finishes, a non-terminating error for a task with failed URLs, for an
    /// unknown task and for a task whose status the module does not know (it is not taken for "still running"),
    /// one progress record per task under a parent record, and a terminating timeout error naming the tasks
    /// still running (30 minutes unless -Timeout says otherwise). Runs on the pipeline thread only.
    /// </summary>
    internal sealed class TaskWaiter
    {
        /// <summary>
        /// The default longest wait: thirty minutes. A purge takes about five minutes to take effect (Huawei Cloud's
        /// user guide), so this is six times that, with room for large prefetches; it is short enough that a stuck
        /// task fails an unattended runbook within the hour, naming the task and how to wait longer.
        /// </summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

        private const int ParentActivityId = 0x0CD2;
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
        public void Run(IEnumerable<string> taskIds)
        {
            var pending = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string id in taskIds)
            {
                if (seen.Add(id))
                {
                    pending.Add(new Entry(id, ParentActivityId + 1 + pending.Count));
                    _unfinished.Add(id);
                }
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
            try
            {
                while (pending.Count > 0)
                {
                    foreach (Entry entry in pending.ToList())
                    {
                        CdnTask task;
                        try
                        {
                            task = _cmdlet.Await(_cmdlet.Client.GetTaskAsync(entry.Id, EnterpriseProjectId, _cmdlet.CancellationTokenForHelpers));
                        }
                        catch (CdnApiException failure) when (IsAboutTheTask(failure))
                        {
                            // This task cannot be followed (unknown id, bad id): report it and keep waiting for the others.
                            Finish(pending, entry);
                            done++;
                            _cmdlet.WriteError(_cmdlet.ToErrorRecord(failure, entry.Id));
                            continue;
                        }
                        catch (CdnApiException failure)
                        {
                            _cmdlet.ThrowTerminatingError(_cmdlet.ToErrorRecord(failure, pending.Select(p => p.Id).ToArray()));
                            throw;
                        }

                        entry.Last = task;
                        if (task.IsDone)
                        {
                            Finish(pending, entry);
                            done++;
                            _cmdlet.WriteObject(task);
                            if (task.Failed > 0)
                            {
                                _cmdlet.WriteError(FailedUrls(task));
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

        /// <summary>The non-terminating error for a task that finished with failed URLs.</summary>
        internal static ErrorRecord FailedUrls(CdnTask task)
        {
            string list = $"Get-CdnUrlTask -TaskId {task.TaskId} -Status Failed -All";
            string resubmit = string.Equals(task.TaskType, Normalize.Prefetch, StringComparison.Ordinal) ? "Import-CdnCache" : "Clear-CdnCache";
            string message = string.Format(
                CultureInfo.InvariantCulture,
                "CDN task {0} ({1}) finished with {2} of {3} URLs failed. List them with: {4}",
                task.TaskId,
                task.TaskType,
                task.Failed,
                task.Total,
                list);
            return new ErrorRecord(new InvalidOperationException(message), ErrorIds.CdnTaskHasFailedUrls, ErrorCategory.InvalidResult, task)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = $"See why with: {list} | Format-List Url, FailureClass, FailureReason. Resubmit them with: {list} | {resubmit}" },
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

        private ProgressRecord Progress(Entry entry)
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

        private sealed class Entry
        {
            public Entry(string id, int activityId)
            {
                Id = id;
                ActivityId = activityId;
            }

            public string Id { get; }

            public int ActivityId { get; }

            public CdnTask Last { get; set; }
        }
    }
}
