// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api;
using CdnTasks.Api.Batching;

namespace CdnTasks.Commands
{
    /// <summary>
    /// The shared shape of Clear-CdnCache and Import-CdnCache: URLs from parameters or the pipeline are
    /// validated one by one (an invalid one is a non-terminating error with that input item as TargetObject; the
    /// others go on) and collected, then submitted in EndProcessing in as few requests as the service's limits
    /// allow, after -WhatIf/-Confirm and the quota check. The requests go out concurrently (<see cref="SubmissionRun"/>:
    /// up to 16 at once, paced by the rate limiter) and their outcomes are written in input order: one task per request
    /// accepted; a failed request is a non-terminating error whose TargetObject is exactly that request's URLs. Every request's state is kept
    /// in a <see cref="SubmissionLedger"/>, so a stopped command (Ctrl+C, -ErrorAction Stop) writes one report that
    /// names the accepted tasks, the request that may have been processed and every URL never sent.
    /// </summary>
    public abstract class CdnSubmitCmdlet : CdnCmdlet
    {
        /// <summary>The tag of the information record that reports a stop (Ctrl+C).</summary>
        public const string StoppedTag = "CdnTasks.Stopped";

        /// <summary>How long requests in flight may take to be answered after -ErrorAction Stop stopped the command.</summary>
        private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

        private const int SubmitActivityId = 0x0CD1;

        private readonly List<UrlItem> _items = new List<UrlItem>();
        private int _blank;
        private int _invalid;
        private int _encoded;
        private SubmissionLedger _ledger;
        private TaskWaiter _waiter;

        /// <summary>Gets or sets the URLs (absolute http:// or https://, at most 4096 characters each).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[] Url { get; set; }

        /// <summary>Gets or sets the file type of the URLs: File (default) or Directory. Objects piped in carry their own.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.FileType)]
        public string FileType { get; set; }

        /// <summary>Gets or sets the object piped in (a string or a record), so that an error about it names it and a record's TaskType is seen.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject InputObject { get; set; }

        /// <summary>Gets or sets a value indicating whether the service should transcode Chinese characters in the URLs (zh_url_encode).</summary>
        [Parameter]
        public SwitchParameter ZhUrlEncode { get; set; }

        /// <summary>Gets or sets the enterprise project id (required for IAM sub-users when enterprise projects are enabled).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EnterpriseProjectId { get; set; }

        /// <summary>Gets or sets a value indicating whether to skip the confirmation and the quota check.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Gets or sets a value indicating whether to wait until the tasks are done and write the finished tasks.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Gets or sets the longest wait with -Wait (a TimeSpan or a number of seconds); 30 minutes by default.</summary>
        [Parameter]
        [TimeoutTransformation]
        public TimeSpan Timeout { get; set; } = TaskWaiter.DefaultTimeout;

        /// <summary>Gets or sets the seconds between polls with -Wait (default 2).</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSec { get; set; } = 2;

        /// <summary>Gets a value indicating whether this is a prefetch (CreatePreheatingTasks).</summary>
        internal abstract bool Preheat { get; }

        /// <summary>Gets the operation text shown by -WhatIf and -Confirm.</summary>
        internal abstract string OperationText { get; }

        /// <summary>Sends one request and returns the new task id.</summary>
        /// <param name="batch">The URLs of the request.</param>
        /// <param name="zhUrlEncode">zh_url_encode, or null to leave it out.</param>
        /// <param name="beforeSend">Called just before each attempt goes on the wire (<see cref="CdnRequest.BeforeSend"/>).</param>
        /// <param name="cancellationToken">Cancels the request.</param>
        internal abstract Task<long> SubmitAsync(UrlBatch batch, bool? zhUrlEncode, Action beforeSend, CancellationToken cancellationToken);

        /// <summary>Counts a piped item that this command leaves out on purpose (Clear-CdnCache: prefetch records); false to take it.</summary>
        internal virtual bool Skip(PSObject item) => false;

        /// <summary>Writes what <see cref="Skip"/> left out (one warning), at the start of EndProcessing.</summary>
        internal virtual void ReportSkipped()
        {
        }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            if (!Wait && (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) || MyInvocation.BoundParameters.ContainsKey(nameof(PollIntervalSec))))
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, "-Timeout and -PollIntervalSec apply only with -Wait.", null);
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) && Timeout <= TimeSpan.Zero)
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, $"-Timeout must be positive; got {Timeout}.", Timeout);
            }
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            // Only what came down the pipeline is an item of its own; -Url on the command line leaves this null.
            PSObject piped = InputObject;
            InputObject = null;
            if (piped != null && Skip(piped))
            {
                return;
            }

            string fileType = Normalize.FileType.ToService(FileType) ?? BatchPlanner.File;
            foreach (string raw in Url ?? Array.Empty<string>())
            {
                string url = raw?.Trim();
                if (string.IsNullOrEmpty(url))
                {
                    _blank++;
                    continue;
                }

                string sent = UrlRules.ToSend(url);
                string problem = UrlRules.Problem(sent, Preheat, fileType);
                if (problem != null)
                {
                    _invalid++;
                    WriteError(InvalidUrl(url, problem, piped == null ? url : Item(piped)));
                    continue;
                }

                if (!ReferenceEquals(sent, url))
                {
                    _encoded++;
                }

                _items.Add(new UrlItem(sent, fileType));
            }
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            ReportSkipped();
            if (_blank > 0)
            {
                WriteVerbose($"Skipped {_blank} empty input line(s).");
            }

            if (_invalid > 0)
            {
                WriteVerbose($"Left out {_invalid} invalid URL(s), each reported with its own InvalidUrl error; the other URLs are submitted.");
            }

            if (_encoded > 0)
            {
                WriteVerbose($"Percent-encoded the spaces of {_encoded} URL(s) as %20, as the service requires.");
            }

            BatchPlan plan = BatchPlanner.Plan(_items, Preheat);
            if (plan.DuplicatesDropped > 0)
            {
                WriteVerbose($"Dropped {plan.DuplicatesDropped} duplicate URL(s) (same URL string, compared case-sensitively, with the same file type).");
            }

            if (plan.Batches.Count == 0)
            {
                WriteWarning("No URLs to submit.");
                return;
            }

            if (!Confirmed(plan))
            {
                return;
            }

            _ledger = new SubmissionLedger(plan);
            RunCancellable(() =>
            {
                try
                {
                    if (!Force)
                    {
                        CheckQuota(plan);
                    }

                    List<TaskWaiter.Item> created = Submit(plan);
                    if (Wait && created.Count > 0)
                    {
                        _waiter = new TaskWaiter(this, MyInvocation.MyCommand.Name)
                        {
                            PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
                            Timeout = Timeout,
                            EnterpriseProjectId = EnterpriseProjectId,
                        };
                        _waiter.Run(created);
                    }
                }
                catch (Exception stop) when (IsStop(stop))
                {
                    ReportStop(stop is ActionPreferenceStopException ? "was stopped by an error (-ErrorAction Stop)" : "was stopped (Ctrl+C)");
                    throw;
                }
            });
        }

        /// <summary>The service's mode of directory requests (Clear-CdnCache), or null.</summary>
        internal virtual string DirectoryMode => null;

        /// <summary>The input item an error names: a record piped in, or the string itself.</summary>
        private static object Item(PSObject piped) => piped.BaseObject is PSCustomObject ? piped : piped.BaseObject;

        /// <summary>Whether an exception means the command is being stopped (Ctrl+C) or stopped by -ErrorAction Stop.</summary>
        private bool IsStop(Exception exception) =>
            exception is ActionPreferenceStopException
            || ((exception is PipelineStoppedException || exception is OperationCanceledException) && (Stopping || CancellationToken.IsCancellationRequested));

        /// <summary>
        /// Writes one report of what a stopped command did: before any request, that nothing was sent; while
        /// submitting, the ledger (accepted task ids, the request that may have been processed, every URL never
        /// sent); while waiting, the tasks not finished (their ids, and how to wait for them again).
        /// </summary>
        private void ReportStop(string why)
        {
            string command = MyInvocation.MyCommand.Name;
            string text;
            if (_waiter != null)
            {
                IReadOnlyList<string> left = _waiter.Unfinished;
                text = left.Count == 0
                    ? $"{command} {why} while waiting; every task was written."
                    : $"{command} {why} while waiting for the tasks. Every request was sent and accepted (see above for any that failed). Not finished, so not written: task{(left.Count == 1 ? string.Empty : "s")} {string.Join(", ", left)}. Wait for them with: Wait-CdnTask -TaskId {string.Join(",", left)}";
            }
            else if (_ledger.Snapshot().All(e => e.State == BatchState.NotSent))
            {
                text = $"{command} {why} before any request was sent; nothing was submitted.";
            }
            else
            {
                text = _ledger.DescribeStop(command, why, ResubmitCommand);
            }

            WriteStopReport(text);
        }

        /// <summary>
        /// Writes the report of a stop. After -ErrorAction Stop it is an ordinary warning. After Ctrl+C the pipeline is
        /// stopping and PowerShell refuses every warning, error and object (WriteWarning throws PipelineStoppedException
        /// before writing); the information stream still takes a record, so the report goes there as Write-Host does
        /// it (tag PSHOST, shown on the console and in a transcript, in the warning colour, as "WARNING: ..."), with the
        /// tag CdnTasks.Stopped; -InformationVariable and $ps.Streams.Information keep it.
        /// </summary>
        private void WriteStopReport(string text)
        {
            if (!Stopping)
            {
                WriteWarning(text);
                return;
            }

            var message = new HostInformationMessage { Message = "WARNING: " + text, ForegroundColor = ConsoleColor.Yellow };
            try
            {
                WriteInformation(new InformationRecord(message, MyInvocation.MyCommand.Name) { Tags = { "PSHOST", StoppedTag } });
            }
            catch (PipelineStoppedException)
            {
                // Written already (the stop is noticed after the record went out); the stop goes on.
            }
        }

        private ErrorRecord InvalidUrl(string url, string problem, object item)
        {
            string message = $"'{Shorten(url)}' cannot be submitted: {problem}. It was left out; the other URLs are still submitted.";
            return new ErrorRecord(new ArgumentException(message), ErrorIds.InvalidUrl, ErrorCategory.InvalidArgument, item)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = Preheat
                        ? "Fix or remove this URL and submit it again. Prefetch takes absolute http(s) file URLs of at most 4096 characters; purge directories with Clear-CdnCache -FileType Directory."
                        : "Fix or remove this URL and submit it again. URLs must be absolute http:// or https:// URLs of at most 4096 characters.",
                },
            };
        }

        private bool Confirmed(BatchPlan plan)
        {
            bool whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out object value)
                ? ((SwitchParameter)value).IsPresent
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
            WriteVerbose($"{OperationText}: {plan.Describe()}.");
            if (Force && !whatIf)
            {
                return true;
            }

            return ShouldProcess(plan.Describe(), OperationText);
        }

        private static string Shorten(string url) => url.Length <= 200 ? url : url.Substring(0, 200) + "...";

        private void CheckQuota(BatchPlan plan)
        {
            // The service's quota types (file_refresh...), matched on CdnQuota.ServiceType.
            var needs = new List<KeyValuePair<string, int>>();
            if (Preheat)
            {
                needs.Add(new KeyValuePair<string, int>("preheat", plan.TotalUrls));
            }
            else
            {
                if (plan.FileUrls > 0)
                {
                    needs.Add(new KeyValuePair<string, int>("file_refresh", plan.FileUrls));
                }

                if (plan.DirectoryUrls > 0)
                {
                    needs.Add(new KeyValuePair<string, int>("dir_refresh", plan.DirectoryUrls));
                }
            }

            IReadOnlyList<CdnQuota> quotas;
            try
            {
                quotas = Await(Client.GetQuotaAsync(CancellationToken));
            }
            catch (CdnApiException failure)
            {
                ErrorRecord record = ToErrorRecord(failure, plan.Describe());
                record.ErrorDetails = new ErrorDetails($"Could not check the quota before submitting, so nothing was sent: {failure.Message}")
                {
                    RecommendedAction = "Retry, or use -Force to submit without the quota check.",
                };
                ThrowTerminatingError(record);
                return;
            }

            var short_ = new List<CdnQuota>();
            var lines = new List<string>();
            foreach (KeyValuePair<string, int> need in needs)
            {
                CdnQuota quota = quotas.FirstOrDefault(q => string.Equals(q.ServiceType, need.Key, StringComparison.OrdinalIgnoreCase));
                string name = Normalize.QuotaType.FromService(need.Key);
                if (quota == null)
                {
                    WriteVerbose($"The service reported no {name} ({need.Key}) quota; not checked.");
                    continue;
                }

                WriteVerbose($"Quota {name}: {need.Value} URLs to submit, {quota.Remaining} remaining (limit {quota.Limit}, used {quota.Used}).");
                if (need.Value > quota.Remaining)
                {
                    short_.Add(quota);
                    lines.Add($"{name} ({need.Key}): {need.Value} URLs to submit but only {quota.Remaining} remaining (limit {quota.Limit}, used {quota.Used})");
                }
            }

            if (short_.Count > 0)
            {
                string message = $"The submission does not fit in the remaining quota, so nothing was sent: {string.Join("; ", lines)}.";
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message), ErrorIds.QuotaExceeded, ErrorCategory.LimitsExceeded, short_.ToArray())
                {
                    ErrorDetails = new ErrorDetails(message)
                    {
                        RecommendedAction = "Submit fewer URLs, wait for the quota to reset, or ask Huawei Cloud for a larger quota (service ticket). -Force skips this check; the service then refuses the requests that do not fit (CDN.0110).",
                    },
                });
            }
        }

        /// <summary>
        /// Sends the plan's requests concurrently (<see cref="SubmissionRun"/>: within the rate limiter; the transport sends
        /// the first alone until the service has answered, and nothing after a 401/403) and writes their outcomes strictly in input order:
        /// a task for each accepted request, an error with exactly its URLs for each failed or withheld one.
        /// </summary>
        /// <returns>The tasks created, in input order.</returns>
        private List<TaskWaiter.Item> Submit(BatchPlan plan)
        {
            var created = new List<TaskWaiter.Item>();
            bool? zh = MyInvocation.BoundParameters.ContainsKey(nameof(ZhUrlEncode)) ? ZhUrlEncode.IsPresent : (bool?)null;
            var progressClock = Stopwatch.StartNew();
            bool progressShown = false;

            // The client is made here, on the pipeline thread (it may write and discover the domain id): the requests run on the thread pool.
            GC.KeepAlive(Client);
            using (var run = new SubmissionRun(_ledger, (i, beforeSend, ct) => SubmitAsync(plan.Batches[i], zh, beforeSend, ct), SubmissionRun.DefaultMaxInFlight, CancellationToken))
            {
                run.Start();
                try
                {
                    for (int i = 0; i < plan.Batches.Count; i++)
                    {
                        BatchOutcome outcome = Await(run.Outcome(i));
                        TaskWaiter.Item? task = Write(plan, i, outcome);
                        if (task.HasValue)
                        {
                            created.Add(task.Value);
                        }

                        if (plan.Batches.Count > 1 && progressClock.Elapsed >= ProgressInterval)
                        {
                            progressClock.Restart();
                            progressShown = true;
                            WriteProgress(new ProgressRecord(SubmitActivityId, OperationText, $"Request {i + 1} of {plan.Batches.Count} answered") { PercentComplete = (i + 1) * 100 / plan.Batches.Count });
                        }
                    }
                }
                catch (Exception stop) when (IsStop(stop))
                {
                    Settle(run);
                    throw;
                }
                finally
                {
                    if (progressShown && !Stopping)
                    {
                        WriteProgress(new ProgressRecord(SubmitActivityId, OperationText, "Done") { RecordType = ProgressRecordType.Completed });
                    }
                }
            }

            return created;
        }

        /// <summary>Writes the outcome of request <paramref name="index"/>: its task (without -Wait), or its error.</summary>
        private TaskWaiter.Item? Write(BatchPlan plan, int index, BatchOutcome outcome)
        {
            UrlBatch batch = plan.Batches[index];
            string[] urls = batch.Urls.ToArray();
            string what = $"Request {index + 1} of {plan.Batches.Count} ({urls.Length} {batch.FileType} URL{(urls.Length == 1 ? string.Empty : "s")}, first {urls[0]})";
            if (outcome.WithheldAfter != null)
            {
                CdnApiException refused = outcome.WithheldAfter;
                string message = $"{what} was not sent, because an earlier request was refused ({refused.ErrorCode}, HTTP {(int)(refused.StatusCode ?? 0)}) and the same credentials would be refused again.";
                WriteError(new ErrorRecord(new InvalidOperationException(message, refused), ErrorIds.RequestsNotSent, ErrorCategory.NotSpecified, urls)
                {
                    ErrorDetails = new ErrorDetails(message)
                    {
                        RecommendedAction = $"Fix the credentials or permissions, then resubmit exactly these URLs (this error's TargetObject): {ResubmitHint(batch)}",
                    },
                });
                return null;
            }

            if (outcome.Failure != null)
            {
                WriteError(BatchFailure(outcome.Failure, what, batch, urls, outcome.SentAtUtc));
                return null;
            }

            long id = outcome.TaskId.Value;
            WriteVerbose($"{what}: task {id}.");
            if (!Wait)
            {
                WriteObject(new CdnTask
                {
                    TaskId = id,
                    TaskType = Preheat ? Normalize.Prefetch : Normalize.Purge,
                    Status = Normalize.Running,
                    FileType = Normalize.FileType.FromService(batch.FileType),
                    Processing = urls.Length,
                    Total = urls.Length,
                    CreateTimeUtc = outcome.AnsweredAtUtc,
                });
            }

            // When it was accepted by this machine's clock (the service's creation time is not in the answer).
            return new TaskWaiter.Item(id, outcome.AnsweredAtUtc, batch.FileType);
        }

        /// <summary>
        /// After a stop by -ErrorAction Stop, lets the requests in flight be answered (at most <see cref="StopGrace"/>),
        /// so that the report knows what became of them; after Ctrl+C they are cancelled already and this returns at once.
        /// Nothing more is sent either way.
        /// </summary>
        private static void Settle(SubmissionRun run)
        {
            try
            {
                run.StopAsync(StopGrace).Wait(StopGrace + TimeSpan.FromSeconds(1));
            }
            catch (AggregateException)
            {
                // Each request's state is in the ledger already.
            }
        }

        private ErrorRecord BatchFailure(CdnApiException failure, string what, UrlBatch batch, string[] urls, DateTime sentAt)
        {
            ErrorRecord record = ToErrorRecord(failure, urls);
            string message;
            string action;
            if (failure.MayHaveBeenProcessed)
            {
                // Not sent again: the service may have created the task (a timeout, or a 5xx or a broken or
                // malformed answer after the body went out). One request makes one task, so one URL tells for all.
                string when = sentAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
                message = $"{what} failed, and the service may have created the task anyway: {failure.Message} These URLs may have been submitted; they were not sent again.";
                action = $"Check before resubmitting, to avoid doing it twice: Get-CdnUrlTask -Url '{urls[0]}' lists that URL's records, newest first. "
                    + $"A record created at about {when}, when this request was sent, means the request was processed: one request makes one task, and Get-CdnUrlTask -TaskId <its TaskId> lists all its URLs. "
                    + $"If there is none, resubmit exactly these URLs (this error's TargetObject): {ResubmitHint(batch)}";
            }
            else
            {
                message = $"{what} failed; its URLs were not submitted: {failure.Message}";
                action = $"Resubmit exactly these URLs (this error's TargetObject): {ResubmitHint(batch)}";
            }

            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = action };
            return record;
        }

        /// <summary>The command line that resubmits a batch's URLs from the error in $e, with the batch's own options.</summary>
        private string ResubmitHint(UrlBatch batch) =>
            "$e.TargetObject | " + ResubmitCommand(batch) + " (with $e this error: -ErrorVariable e, or $Error[0] when it is the latest)";

        /// <summary>This command with a batch's own options (file type, mode, zh_url_encode, enterprise project).</summary>
        private string ResubmitCommand(UrlBatch batch)
        {
            var command = new StringBuilder(MyInvocation.MyCommand.Name);
            if (batch.FileType == BatchPlanner.Directory)
            {
                command.Append(" -FileType Directory");
                if (DirectoryMode != null && DirectoryMode != "all")
                {
                    command.Append(" -Mode ").Append(Normalize.Mode.FromService(DirectoryMode));
                }
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ZhUrlEncode)) && ZhUrlEncode.IsPresent)
            {
                command.Append(" -ZhUrlEncode");
            }

            if (!string.IsNullOrEmpty(EnterpriseProjectId))
            {
                command.Append(" -EnterpriseProjectId '").Append(EnterpriseProjectId.Replace("'", "''")).Append('\'');
            }

            return command.ToString();
        }
    }
}
