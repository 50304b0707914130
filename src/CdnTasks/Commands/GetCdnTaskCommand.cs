// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Net;
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

            HistoryTaskFilter filter = BuildFilter();
            ValidateSkip(pageNumbered: true, PageSize);
            bool firstGiven = PagingParameters.First != ulong.MaxValue;
            bool onePage = !All && !firstGiven;
            long? first = firstGiven ? (long)Math.Min(PagingParameters.First, long.MaxValue) : (onePage ? PageSize : (long?)null);

            RunCancellable(() =>
            {
                CdnClient client = Client;
                Pager<CdnTask> pager = client.HistoryTaskPager(filter, PageSize);
                pager.Skip = (long)Math.Min(PagingParameters.Skip, long.MaxValue);
                pager.First = first;
                pager.Concurrency = onePage ? 1 : client.Transport.Settings.Concurrency;

                if (PagingParameters.IncludeTotalCount)
                {
                    long total = Await(pager.CountAllAsync(CancellationToken));
                    WriteObject(PagingParameters.NewTotalCount((ulong)total, 1.0));
                }

                WritePages(pager, showProgress: !onePage, s_progress);

                if (onePage && pager.Emitted >= PageSize)
                {
                    long total = Await(pager.CountAllAsync(CancellationToken));
                    if (total - pager.Skip - pager.Emitted > 0)
                    {
                        WriteWarning(string.Format(
                            CultureInfo.InvariantCulture,
                            "Showing the first {0:N0} of {1:N0} matching tasks. Use -All to get every task, or -First N to get N of them.",
                            pager.Emitted,
                            total - pager.Skip));
                    }
                }
            });
        }

        private HistoryTaskFilter BuildFilter()
        {
            bool hasStart = MyInvocation.BoundParameters.ContainsKey(nameof(StartTime));
            bool hasEnd = MyInvocation.BoundParameters.ContainsKey(nameof(EndTime));
            long? startMs = hasStart ? Normalize.ToEpochMs(StartTime) : (long?)null;
            long? endMs = hasEnd ? Normalize.ToEpochMs(EndTime) : (hasStart ? Normalize.ToEpochMs(DateTimeOffset.UtcNow) : (long?)null);
            if (startMs.HasValue && endMs.HasValue && startMs.Value >= endMs.Value)
            {
                ThrowValidationError(
                    ErrorIds.InvalidTimeRange,
                    $"-StartTime ({Normalize.Describe(startMs.Value)}) must be before -EndTime ({Normalize.Describe(endMs.Value)}).",
                    StartTime);
            }

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
