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
    /// Ctrl+C. Writes each task as it finishes, a non-terminating error for a task with failed URLs, one
    /// progress record per task under a parent record, and a terminating timeout error naming the tasks still
    /// running. Runs on the pipeline thread only.
    /// </summary>
    internal sealed class TaskWaiter
    {
        private const int ParentActivityId = 0x0CD2;
        private readonly CdnCmdlet _cmdlet;
        private readonly string _activity;

        public TaskWaiter(CdnCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        /// <summary>Gets or sets the longest wait, or null to wait until every task is done.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Gets or sets the pause between polling rounds.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Gets or sets the enterprise project id sent with each poll, or null.</summary>
        public string EnterpriseProjectId { get; set; }

        /// <summary>Waits for the tasks (ids with the URL counts this command submitted, if any).</summary>
        public void Run(IReadOnlyList<KeyValuePair<string, int?>> tasks)
        {
            var pending = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, int?> task in tasks)
            {
                if (seen.Add(task.Key))
                {
                    pending.Add(new Entry(task.Key, task.Value, ParentActivityId + 1 + pending.Count));
                }
            }

            int count = pending.Count;
            int done = 0;
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
                            pending.Remove(entry);
                            done++;
                            Complete(entry);
                            _cmdlet.WriteError(_cmdlet.ToErrorRecord(failure, entry.Id));
                            continue;
                        }
                        catch (CdnApiException failure)
                        {
                            _cmdlet.ThrowTerminatingError(_cmdlet.ToErrorRecord(failure, pending.Select(p => p.Id).ToArray()));
                            throw;
                        }

                        task.UrlCount = entry.UrlCount;
                        entry.Last = task;
                        if (task.IsDone)
                        {
                            pending.Remove(entry);
                            done++;
                            Complete(entry);
                            _cmdlet.WriteObject(task);
                            if (task.Failed > 0)
                            {
                                _cmdlet.WriteError(FailedUrls(task));
                            }
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

                    TimeSpan pause = PollInterval;
                    if (Timeout.HasValue)
                    {
                        TimeSpan left = Timeout.Value - clock.Elapsed;
                        if (left <= TimeSpan.Zero)
                        {
                            ThrowTimeout(pending, clock.Elapsed);
                        }

                        pause = left < pause ? left : pause;
                    }

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

        /// <summary>The non-terminating error for a task that finished with failed URLs.</summary>
        internal static ErrorRecord FailedUrls(CdnTask task)
        {
            string list = $"Get-CdnUrlTask -TaskId {task.Id} -Status failed -All";
            string resubmit = string.Equals(task.TaskType, "Preheating", StringComparison.Ordinal) ? "Import-CdnCache" : "Clear-CdnCache";
            string message = string.Format(
                CultureInfo.InvariantCulture,
                "CDN task {0} ({1}) finished with {2} of {3} URLs failed. List them with: {4}",
                task.Id,
                task.TaskType,
                task.Failed,
                task.Total,
                list);
            return new ErrorRecord(new InvalidOperationException(message), ErrorIds.CdnTaskHasFailedUrls, ErrorCategory.InvalidResult, task)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = $"See why with: {list} | Format-List Url, FailClassify, FailDesc. Resubmit them with: {list} | {resubmit}" },
            };
        }

        private static bool IsAboutTheTask(CdnApiException failure)
        {
            HttpStatusCode status = failure.StatusCode ?? 0;
            return failure.Kind == CdnFailureKind.Service && (status == HttpStatusCode.NotFound || status == HttpStatusCode.BadRequest);
        }

        private void ThrowTimeout(List<Entry> pending, TimeSpan elapsed)
        {
            string running = string.Join(", ", pending.Select(p => p.Last == null
                ? p.Id
                : $"{p.Id} ({p.Last.Processing} of {p.Last.Total} URLs still processing)"));
            string ids = string.Join(",", pending.Select(p => p.Id));
            string message = $"Timed out after {elapsed:hh\\:mm\\:ss} waiting for CDN tasks; still running: {running}.";
            var record = new ErrorRecord(new TimeoutException(message), ErrorIds.CdnTaskWaitTimeout, ErrorCategory.OperationTimeout, pending.Select(p => p.Id).ToArray())
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = $"Wait longer with: Wait-CdnTask -Id {ids} -Timeout <seconds>, or check them with: Get-CdnTask -Id {ids}" },
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
            public Entry(string id, int? urlCount, int activityId)
            {
                Id = id;
                UrlCount = urlCount;
                ActivityId = activityId;
            }

            public string Id { get; }

            public int? UrlCount { get; }

            public int ActivityId { get; }

            public CdnTask Last { get; set; }
        }
    }
}
