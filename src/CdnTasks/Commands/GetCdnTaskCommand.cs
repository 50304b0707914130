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
    /// page; or, with -Id, given tasks (ShowHistoryTaskDetails with page_size 1, which carries the counts).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CdnTask", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [OutputType(typeof(CdnTask))]
    public sealed class GetCdnTaskCommand : CdnCmdlet
    {
        private const string ListSet = "List";
        private const string IdSet = "Id";
        private static readonly PagingProgress s_progress = new PagingProgress(0x0CD3, "Get-CdnTask", "tasks", showWindows: false);

        private static readonly Dictionary<string, string> s_orderFields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["create_time"] = "create_time",
            ["CreateTime"] = "create_time",
            ["task_type"] = "task_type",
            ["TaskType"] = "task_type",
            ["total"] = "total",
            ["processing"] = "processing",
            ["succeed"] = "succeed",
            ["Succeeded"] = "succeed",
            ["failed"] = "failed",
        };

        /// <summary>Gets or sets the ids of the tasks to get. Tasks piped in bind by their Id (or TaskId) property.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; }

        /// <summary>Gets or sets the task id of a piped object that has one (a CdnUrlTask); it wins over Id.</summary>
        [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string TaskId { get; set; }

        /// <summary>Gets or sets the start of the creation-time range (start_date).</summary>
        [Parameter(ParameterSetName = ListSet)]
        public DateTime StartTime { get; set; }

        /// <summary>Gets or sets the end of the creation-time range (end_date; default now when -StartTime is given).</summary>
        [Parameter(ParameterSetName = ListSet)]
        public DateTime EndTime { get; set; }

        /// <summary>Gets or sets the task status: InProcess or Done.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateSet("InProcess", "Done", IgnoreCase = true)]
        public string Status { get; set; }

        /// <summary>Gets or sets the task type: Refresh (purge) or Preheating (prefetch).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateSet("Refresh", "Preheating", IgnoreCase = true)]
        public string TaskType { get; set; }

        /// <summary>Gets or sets the file type: file or directory.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateSet("file", "directory", IgnoreCase = true)]
        public string FileType { get; set; }

        /// <summary>Gets or sets the field the service sorts by (order_field): CreateTime, TaskType, Total, Processing, Succeeded, Failed (or the service's spelling).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateSet("CreateTime", "TaskType", "Total", "Processing", "Succeeded", "Failed", "create_time", "task_type", "succeed", IgnoreCase = true)]
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
                string[] ids = string.IsNullOrEmpty(TaskId) ? Id : new[] { TaskId };
                TaskId = null;
                GetById(ids);
                return;
            }

            // The end is fixed now, so tasks created while the command pages never push older ones out of reach.
            long endMs = MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? Normalize.ToEpochMs(EndTime) : Normalize.ToEpochMs(DateTime.UtcNow);
            HistoryTaskFilter filter = BuildFilter(endMs);
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

                WritePages(pager, showProgress: !OnePageHoldsAll(pager), s_progress, () => $"Get-CdnTask after {pager.Emitted} tasks");
                if (!All && PagingParameters.First == ulong.MaxValue)
                {
                    WarnIfMoreMatch(pager, "tasks", ", or a narrower query (-StartTime, -EndTime, -Status)");
                }
            });
        }

        private HistoryTaskFilter BuildFilter(long endMs)
        {
            long? startMs = MyInvocation.BoundParameters.ContainsKey(nameof(StartTime)) ? Normalize.ToEpochMs(StartTime) : (long?)null;
            if (startMs.HasValue && startMs.Value >= endMs)
            {
                ThrowValidationError(
                    ErrorIds.InvalidTimeRange,
                    $"-StartTime ({Normalize.FromEpochMs(startMs):u}) must be before -EndTime ({Normalize.FromEpochMs(endMs):u}).",
                    StartTime);
            }

            string outOfBounds = TimeWindows.OutOfBounds(startMs ?? 0, endMs, Normalize.ToEpochMs(DateTime.UtcNow));
            if (outOfBounds != null)
            {
                ThrowValidationError(ErrorIds.InvalidTimeRange, outOfBounds, MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? (object)EndTime : StartTime);
            }

            string orderField = null;
            string orderType = null;
            if (SortBy != null || Descending.IsPresent)
            {
                // The service needs order_field and order_type together; -Descending alone sorts by creation time.
                orderField = SortBy == null ? "create_time" : s_orderFields[SortBy];
                orderType = Descending.IsPresent ? "desc" : "asc";
            }

            return new HistoryTaskFilter
            {
                EnterpriseProjectId = EnterpriseProjectId,
                Status = Status == null ? null : Normalize.TaskStatusFilter(Status),
                StartMs = startMs,
                EndMs = endMs,
                OrderField = orderField,
                OrderType = orderType,
                FileType = FileType?.ToLowerInvariant(),
                TaskType = TaskType?.ToLowerInvariant(),
            };
        }

        private void GetById(string[] ids)
        {
            RunCancellable(() =>
            {
                foreach (string raw in ids)
                {
                    string id = raw.Trim();
                    try
                    {
                        WriteObject(Await(Client.GetTaskAsync(id, EnterpriseProjectId, CancellationToken)));
                    }
                    catch (CdnApiException failure) when (failure.Kind == CdnFailureKind.Service && (failure.StatusCode == HttpStatusCode.NotFound || failure.StatusCode == HttpStatusCode.BadRequest))
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
