// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Globalization;
using System.Management.Automation;
using CdnTasks.Api;
using CdnTasks.Api.Paging;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Get-CdnTask: cache purge and prefetch tasks (ShowHistoryTasks) with their URL counts, streamed page by
    /// page; or, with -TaskId, given tasks (ShowHistoryTaskDetails with page_size 1, which carries the counts). A
    /// task id that does not exist is a non-terminating error for that id; the other ids are still read.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CdnTask", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [OutputType(typeof(CdnTask))]
    public sealed class GetCdnTaskCommand : CdnCmdlet
    {
        private const string ListSet = "List";
        private const string IdSet = "Id";
        private static readonly PagingProgress s_progress = new PagingProgress(0x0CD3, "Get-CdnTask", "tasks", showWindows: false);

        /// <summary>
        /// Gets or sets the ids of the tasks to get (alias -Id). Tasks and URL records piped in bind by their TaskId
        /// property (a number, so it binds before any conversion), other objects by an Id property; strings of digits
        /// bind as ids.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateRange(1, long.MaxValue)]
        public long[] TaskId { get; set; }

        /// <summary>Gets or sets the start of the creation-time range (start_date): a DateTime of any Kind (Unspecified is local) or a DateTimeOffset.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public DateTimeOffset StartTime { get; set; }

        /// <summary>Gets or sets the end of the creation-time range (end_date; default now when -StartTime is given), as -StartTime.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public DateTimeOffset EndTime { get; set; }

        /// <summary>Gets or sets the task status: Running or Completed (the service's task_inprocess, task_done are accepted too).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.TaskStatus)]
        public string Status { get; set; }

        /// <summary>Gets or sets the task type: Purge or Prefetch (the service's refresh, preheating are accepted too).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.TaskType)]
        public string TaskType { get; set; }

        /// <summary>Gets or sets the file type: File or Directory.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.FileType)]
        public string FileType { get; set; }

        /// <summary>Gets or sets the field the service sorts by (order_field): CreateTime, TaskType, Total, Processing, Succeeded or Failed (or the service's spelling).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.SortField)]
        public string SortBy { get; set; }

        /// <summary>Gets or sets a value indicating whether to sort in descending order (order_type desc); ascending otherwise.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter Descending { get; set; }

        /// <summary>Gets or sets the tasks per request (1-10000). A page size, never a cap.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(1, CdnClient.MaxHistoryPageSize)]
        public int PageSize { get; set; } = CdnClient.DefaultHistoryPageSize;

        /// <summary>Gets or sets a value indicating whether to return every matching task.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter All { get; set; }

        /// <summary>Gets or sets the enterprise project id ("all" for every project), or null.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EnterpriseProjectId { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == IdSet)
            {
                GetById(TaskId);
                return;
            }

            // The end is fixed now, so tasks created while the command pages never push older ones out of reach.
            long endMs = MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? Normalize.ToEpochMs(EndTime) : Normalize.ToEpochMs(DateTimeOffset.UtcNow);
            HistoryTaskFilter filter = BuildFilter(endMs);
            ValidateSkip(pageNumbered: true, PageSize);
            RunCancellable(() =>
            {
                CdnClient client = Client;
                Pager<CdnTask> pager = client.HistoryTaskPager(filter, endMs, PageSize);
                pager.Skip = (long)Math.Min(PagingParameters.Skip, long.MaxValue);
                pager.First = PagingParameters.First != ulong.MaxValue ? (long)Math.Min(PagingParameters.First, long.MaxValue) : All ? (long?)null : DefaultRecordLimit;
                pager.Concurrency = client.Transport.Settings.Concurrency;

                if (PagingParameters.IncludeTotalCount)
                {
                    long? total = Await(pager.CountAsync(CancellationToken));
                    WriteObject(PagingParameters.NewTotalCount((ulong)(total ?? 0), total.HasValue ? 1.0 : 0.0));
                }

                WritePages(pager, showProgress: !OnePageHoldsAll(pager), s_progress);
                if (!All && PagingParameters.First == ulong.MaxValue)
                {
                    WarnIfMoreMatch(pager, "tasks", ", or a narrower query (-StartTime, -EndTime, -Status)");
                }
            });
        }

        private HistoryTaskFilter BuildFilter(long endMs)
        {
            long? startMs = MyInvocation.BoundParameters.ContainsKey(nameof(StartTime)) ? Normalize.ToEpochMs(StartTime) : (long?)null;
            ValidateTimeRange(startMs, endMs, Normalize.ToEpochMs(DateTimeOffset.UtcNow), StartTime, EndTime);

            string orderField = null;
            string orderType = null;
            if (SortBy != null || Descending.IsPresent)
            {
                // The service needs order_field and order_type together; -Descending alone sorts by creation time.
                orderField = SortBy == null ? "create_time" : Normalize.SortField.ToService(SortBy);
                orderType = Descending.IsPresent ? "desc" : "asc";
            }

            return new HistoryTaskFilter
            {
                EnterpriseProjectId = EnterpriseProjectId,
                Status = Normalize.TaskStatus.ToService(Status),
                StartMs = startMs,
                EndMs = endMs,
                OrderField = orderField,
                OrderType = orderType,
                FileType = Normalize.FileType.ToService(FileType),
                TaskType = Normalize.TaskType.ToService(TaskType),
            };
        }

        private void GetById(long[] ids)
        {
            RunCancellable(() =>
            {
                foreach (long number in ids)
                {
                    string id = number.ToString(CultureInfo.InvariantCulture);
                    try
                    {
                        WriteObject(Await(Client.GetTaskAsync(id, EnterpriseProjectId, CancellationToken)));
                    }
                    catch (CdnApiException failure) when (TaskWaiter.IsAboutTheTask(failure))
                    {
                        WriteError(ToErrorRecord(failure, id));
                    }
                    catch (CdnApiException failure)
                    {
                        ThrowTerminatingError(ToErrorRecord(failure, id));
                    }
                }
            });
        }
    }
}
