// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api;
using CdnTasks.Api.Batching;

namespace CdnTasks.Commands
{
    /// <summary>
    /// The shared shape of Clear-CdnCache and Import-CdnCache: URLs from parameters or the pipeline are
    /// validated and collected, then submitted in EndProcessing in as few requests as the service's limits
    /// allow, after -WhatIf/-Confirm and the quota check. One task is written per request made; a failed
    /// request is a non-terminating error whose TargetObject is exactly that request's URLs.
    /// </summary>
    public abstract class CdnSubmitCmdlet : CdnCmdlet
    {
        private const int MaxListedUrls = 50;
        private readonly List<UrlItem> _items = new List<UrlItem>();
        private readonly List<KeyValuePair<string, string>> _invalid = new List<KeyValuePair<string, string>>();
        private int _blank;

        /// <summary>Gets or sets the URLs (absolute http:// or https://, at most 4096 characters each).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[] Url { get; set; }

        /// <summary>Gets or sets the file type of the URLs: file (default) or directory. Objects piped in carry their own.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateSet("file", "directory", IgnoreCase = true)]
        public string FileType { get; set; }

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

        /// <summary>Gets or sets the longest wait with -Wait (a TimeSpan or a number of seconds).</summary>
        [Parameter]
        [TimeoutTransformation]
        public TimeSpan Timeout { get; set; }

        /// <summary>Gets or sets the seconds between polls with -Wait (default 2).</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSec { get; set; } = 2;

        /// <summary>Gets a value indicating whether this is a prefetch (CreatePreheatingTasks).</summary>
        internal abstract bool Preheat { get; }

        /// <summary>Gets the operation text shown by -WhatIf and -Confirm.</summary>
        internal abstract string OperationText { get; }

        /// <summary>Sends one request and returns the new task id.</summary>
        internal abstract Task<string> SubmitAsync(UrlBatch batch, bool? zhUrlEncode, CancellationToken cancellationToken);

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
            string fileType = string.IsNullOrEmpty(FileType) ? BatchPlanner.File : FileType.ToLowerInvariant();
            foreach (string raw in Url ?? Array.Empty<string>())
            {
                string url = raw?.Trim();
                if (string.IsNullOrEmpty(url))
                {
                    _blank++;
                    continue;
                }

                string problem = UrlRules.Problem(url, Preheat, fileType);
                if (problem != null)
                {
                    _invalid.Add(new KeyValuePair<string, string>(url, problem));
                }
                else
                {
                    _items.Add(new UrlItem(url, fileType));
                }
            }
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (_invalid.Count > 0)
            {
                ThrowInvalidUrls();
            }

            if (_blank > 0)
            {
                WriteVerbose($"Skipped {_blank} empty input line(s).");
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

            RunCancellable(() =>
            {
                if (!Force)
                {
                    CheckQuota(plan);
                }

                List<KeyValuePair<string, int?>> created = Submit(plan);
                if (Wait && created.Count > 0)
                {
                    var waiter = new TaskWaiter(this, MyInvocation.MyCommand.Name)
                    {
                        PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
                        Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : (TimeSpan?)null,
                        EnterpriseProjectId = EnterpriseProjectId,
                    };
                    waiter.Run(created);
                }
            });
        }

        /// <summary>The mode of directory requests (Clear-CdnCache), or null.</summary>
        internal virtual string DirectoryMode => null;

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

        private void ThrowInvalidUrls()
        {
            string list = string.Join(
                Environment.NewLine,
                _invalid.Take(MaxListedUrls).Select(p => $"  {Shorten(p.Key)} : {p.Value}"));
            if (_invalid.Count > MaxListedUrls)
            {
                list += Environment.NewLine + $"  ... and {_invalid.Count - MaxListedUrls} more (all are in the error's TargetObject).";
            }

            string message = $"{_invalid.Count} of {_invalid.Count + _items.Count} URLs cannot be submitted, so nothing was sent:{Environment.NewLine}{list}";
            var record = new ErrorRecord(new ArgumentException(message), ErrorIds.InvalidUrl, ErrorCategory.InvalidArgument, _invalid.Select(p => p.Key).ToArray())
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = Preheat
                        ? "Fix or remove these URLs and run the command again. Prefetch takes absolute http(s) file URLs of at most 4096 characters; purge directories with Clear-CdnCache -FileType directory."
                        : "Fix or remove these URLs and run the command again. URLs must be absolute http:// or https:// URLs of at most 4096 characters, with spaces percent-encoded.",
                },
            };
            ThrowTerminatingError(record);
        }

        private static string Shorten(string url) => url.Length <= 200 ? url : url.Substring(0, 200) + "...";

        private void CheckQuota(BatchPlan plan)
        {
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
                CdnQuota quota = quotas.FirstOrDefault(q => string.Equals(q.Type, need.Key, StringComparison.OrdinalIgnoreCase));
                if (quota == null)
                {
                    WriteVerbose($"The service reported no '{need.Key}' quota; not checked.");
                    continue;
                }

                WriteVerbose($"Quota {quota.Type}: {need.Value} URLs to submit, {quota.Remaining} remaining (limit {quota.Limit}, used {quota.Used}).");
                if (need.Value > quota.Remaining)
                {
                    short_.Add(quota);
                    lines.Add($"{quota.Type}: {need.Value} URLs to submit but only {quota.Remaining} remaining (limit {quota.Limit}, used {quota.Used})");
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

        private List<KeyValuePair<string, int?>> Submit(BatchPlan plan)
        {
            var created = new List<KeyValuePair<string, int?>>();
            bool? zh = MyInvocation.BoundParameters.ContainsKey(nameof(ZhUrlEncode)) ? ZhUrlEncode.IsPresent : (bool?)null;
            CdnApiException refused = null;
            for (int i = 0; i < plan.Batches.Count; i++)
            {
                UrlBatch batch = plan.Batches[i];
                string[] urls = batch.Urls.ToArray();
                string what = $"Request {i + 1} of {plan.Batches.Count} ({urls.Length} {batch.FileType} URL{(urls.Length == 1 ? string.Empty : "s")}, first {urls[0]})";
                if (refused != null)
                {
                    string message = $"{what} was not sent, because an earlier request was refused ({refused.ErrorCode}, HTTP {(int)(refused.StatusCode ?? 0)}) and the same credentials would be refused again.";
                    WriteError(new ErrorRecord(new InvalidOperationException(message, refused), ErrorIds.RequestsNotSent, ErrorCategory.NotSpecified, urls)
                    {
                        ErrorDetails = new ErrorDetails(message)
                        {
                            RecommendedAction = $"Fix the credentials or permissions, then resubmit exactly these URLs (this error's TargetObject): {ResubmitHint(batch)}",
                        },
                    });
                    continue;
                }

                string id;
                DateTime sentAt = DateTime.UtcNow;
                try
                {
                    id = Await(SubmitAsync(batch, zh, CancellationToken));
                }
                catch (CdnApiException failure)
                {
                    WriteError(BatchFailure(failure, what, batch, urls, sentAt));
                    HttpStatusCode status = failure.StatusCode ?? 0;
                    if (failure.Kind == CdnFailureKind.Service && (status == HttpStatusCode.Unauthorized || status == HttpStatusCode.Forbidden))
                    {
                        refused = failure;
                    }

                    continue;
                }

                WriteVerbose($"{what}: task {id}.");
                created.Add(new KeyValuePair<string, int?>(id, urls.Length));
                if (!Wait)
                {
                    WriteObject(new CdnTask
                    {
                        Id = id,
                        TaskType = Preheat ? "Preheating" : "Refresh",
                        Status = "InProcess",
                        FileType = batch.FileType,
                        Processing = urls.Length,
                        Total = urls.Length,
                        CreateTime = DateTime.UtcNow,
                        UrlCount = urls.Length,
                    });
                }
            }

            return created;
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
                string when = sentAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                message = $"{what} failed, and the service may have created the task anyway: {failure.Message} These URLs may have been submitted; they were not sent again.";
                action = $"Check before resubmitting, to avoid doing it twice: Get-CdnUrlTask -Url '{urls[0]}' lists that URL's records, newest first. "
                    + $"A record created at about {when} UTC, when this request was sent, means the request was processed: one request makes one task, and Get-CdnUrlTask -TaskId <its TaskId> lists all its URLs. "
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
        private string ResubmitHint(UrlBatch batch)
        {
            var command = new StringBuilder("$e.TargetObject | ").Append(MyInvocation.MyCommand.Name);
            if (batch.FileType == BatchPlanner.Directory)
            {
                command.Append(" -FileType directory");
                if (DirectoryMode != null && DirectoryMode != "all")
                {
                    command.Append(" -Mode ").Append(DirectoryMode);
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

            return command.Append(" (with $e this error: -ErrorVariable e, or $Error[0] when it is the latest)").ToString();
        }
    }
}
