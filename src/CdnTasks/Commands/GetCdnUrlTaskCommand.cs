// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Globalization;
using System.Management.Automation;
using CdnTasks.Api;
using CdnTasks.Api.Paging;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Get-CdnUrlTask: the URL records of cache purge and prefetch tasks (ShowUrlTaskInfo), streamed page by
    /// page across 24-hour windows, newest first; or, with -TaskId, the URL records of one task
    /// (ShowHistoryTaskDetails), with the failure class and reason of failed URLs. A task id that does not exist
    /// is a non-terminating error for that id; the other piped ids are still read.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CdnUrlTask", DefaultParameterSetName = RangeSet, SupportsPaging = true)]
    [OutputType(typeof(CdnUrlTask), ParameterSetName = new[] { RangeSet })]
    [OutputType(typeof(CdnUrlTaskDetail), ParameterSetName = new[] { TaskIdSet })]
    public sealed class GetCdnUrlTaskCommand : CdnCmdlet
    {
        private const string RangeSet = "Range";
        private const string TaskIdSet = "TaskId";
        private static readonly PagingProgress s_progress = new PagingProgress(0x0CD1, "Get-CdnUrlTask", "records", showWindows: true);

        /// <summary>Gets or sets the id of the task whose URLs to get. A CdnTask (or any object with a TaskId) piped in binds by its TaskId property.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TaskIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, long.MaxValue)]
        public long TaskId { get; set; }

        /// <summary>Gets or sets the enterprise project id (with -TaskId), or null.</summary>
        [Parameter(ParameterSetName = TaskIdSet)]
        [ValidateNotNullOrEmpty]
        public string EnterpriseProjectId { get; set; }

        /// <summary>
        /// Gets or sets the start of the range (default: 24 hours before -EndTime): a DateTime of any Kind (Unspecified
        /// is local time, as Get-Date), a DateTimeOffset, or a string such as a CreateTime read back from a CSV.
        /// </summary>
        [Parameter(ParameterSetName = RangeSet)]
        public DateTimeOffset StartTime { get; set; }

        /// <summary>Gets or sets the end of the range (default: now), as -StartTime. Fixed when the command starts.</summary>
        [Parameter(ParameterSetName = RangeSet)]
        public DateTimeOffset EndTime { get; set; }

        /// <summary>Gets or sets the exact URL to look for.</summary>
        [Parameter(ParameterSetName = RangeSet)]
        [Parameter(ParameterSetName = TaskIdSet)]
        [ValidateNotNullOrEmpty]
        public string Url { get; set; }

        /// <summary>Gets or sets the task type: Purge or Prefetch (the service's Refresh, Preheating... are accepted too).</summary>
        [Parameter(ParameterSetName = RangeSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.TaskType)]
        public string TaskType { get; set; }

        /// <summary>Gets or sets the URL status to match: Waiting, Processing, Purging, Prefetching, Succeeded or Failed (or the service's spelling).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.UrlStatus)]
        public string Status { get; set; }

        /// <summary>Gets or sets the file type: File or Directory.</summary>
        [Parameter(ParameterSetName = RangeSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.FileType)]
        public string FileType { get; set; }

        /// <summary>Gets or sets the records per request (1-100). A page size, never a cap.</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int PageSize { get; set; } = 100;

        /// <summary>Gets or sets a value indicating whether to return every record in the range.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == TaskIdSet)
            {
                ProcessTask();
                return;
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            long endMs = Normalize.ToEpochMs(MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? EndTime : now);
            long startMs = MyInvocation.BoundParameters.ContainsKey(nameof(StartTime))
                ? Normalize.ToEpochMs(StartTime)
                : endMs - TimeWindows.MaxSpanMs;
            ValidateTimeRange(startMs, endMs, Normalize.ToEpochMs(now), StartTime, EndTime);

            if (Url != null && !IsAbsoluteHttpUrl(Url))
            {
                ThrowValidationError(ErrorIds.InvalidUrl, $"-Url '{Url}' is not an absolute http:// or https:// URL.", Url);
            }

            var filter = new UrlTaskFilter
            {
                Url = Url,
                TaskType = Normalize.TaskType.ToService(TaskType)?.ToUpperInvariant(),
                Status = Normalize.UrlStatus.ToService(Status),
                FileType = Normalize.FileType.ToService(FileType),
            };

            ValidateSkip(pageNumbered: false, PageSize);

            RunCancellable(() =>
            {
                CdnClient client = Client;
                Pager<CdnUrlTask> pager = client.UrlTaskPager(filter, startMs, endMs, PageSize);
                ConfigurePaging(pager, client);
                WriteVerbose($"Range {Normalize.Describe(startMs)} to {Normalize.Describe(endMs)} in {pager.WindowCount:N0} window(s) of at most 24 hours, newest first.");

                if (PagingParameters.IncludeTotalCount)
                {
                    long? total = Await(pager.CountAsync(CancellationToken));
                    WriteObject(PagingParameters.NewTotalCount((ulong)(total ?? 0), total.HasValue ? 1.0 : 0.0));
                }

                WritePages(pager, showProgress: !OnePageHoldsAll(pager), s_progress);
                if (UsesDefaultLimit)
                {
                    WarnIfMoreMatch(pager, "records", ", or a narrower query (-StartTime, -EndTime, -Status)");
                }
            });
        }

        private void ProcessTask()
        {
            string taskId = TaskId.ToString(CultureInfo.InvariantCulture);
            if (Url != null && !IsAbsoluteHttpUrl(Url))
            {
                ThrowValidationError(ErrorIds.InvalidUrl, $"-Url '{Url}' is not an absolute http:// or https:// URL.", Url);
            }

            var filter = new TaskDetailFilter { EnterpriseProjectId = EnterpriseProjectId, Status = Normalize.UrlStatus.ToService(Status), Url = Url };

            // The detail API reports the task's total, succeed and failed counts: exact totals only for those filters.
            bool exactTotal = filter.Url == null && (filter.Status == null || filter.Status == "succeed" || filter.Status == "failed");
            ValidateSkip(pageNumbered: true, PageSize);
            RunCancellable(() =>
            {
                CdnClient client = Client;
                Pager<CdnUrlTaskDetail> pager = client.TaskDetailPager(taskId, filter, PageSize);
                ConfigurePaging(pager, client);
                try
                {
                    if (PagingParameters.IncludeTotalCount)
                    {
                        long? total = Await(pager.CountAsync(CancellationToken));
                        WriteObject(PagingParameters.NewTotalCount((ulong)(total ?? 0), exactTotal && total.HasValue ? 1.0 : 0.0));
                    }
                }
                catch (CdnApiException failure) when (TaskWaiter.IsAboutTheTask(failure))
                {
                    // One bad id, one error: the other piped ids are still read.
                    WriteError(ToErrorRecord(failure, taskId));
                    return;
                }
                catch (CdnApiException failure)
                {
                    ThrowTerminatingError(ToErrorRecord(failure, taskId));
                }

                if (!WritePages(pager, showProgress: !OnePageHoldsAll(pager), s_progress, () => taskId, TaskWaiter.IsAboutTheTask))
                {
                    return;
                }

                if (UsesDefaultLimit)
                {
                    WarnIfMoreMatch(pager, $"URL records of task {taskId}", ", or -Status or -Url");
                }
            });
        }

        /// <summary>Gets a value indicating whether neither -All nor -First was given: then at most <see cref="CdnCmdlet.DefaultRecordLimit"/> records are written.</summary>
        private bool UsesDefaultLimit => !All && PagingParameters.First == ulong.MaxValue;

        /// <summary>-Skip, -First (or the default limit without -All) and the configured concurrency.</summary>
        private void ConfigurePaging<T>(Pager<T> pager, CdnClient client)
        {
            pager.Skip = (long)Math.Min(PagingParameters.Skip, long.MaxValue);
            pager.First = PagingParameters.First != ulong.MaxValue ? (long)Math.Min(PagingParameters.First, long.MaxValue) : All ? (long?)null : DefaultRecordLimit;
            pager.Concurrency = client.Transport.Settings.Concurrency;
        }

        private static bool IsAbsoluteHttpUrl(string value) =>
            Uri.TryCreate(value, UriKind.Absolute, out Uri uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(uri.Host);
    }
}
