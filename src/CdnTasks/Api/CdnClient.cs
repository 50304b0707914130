// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Batching;
using CdnTasks.Api.Json;
using CdnTasks.Api.Paging;

namespace CdnTasks.Api
{
    /// <summary>The filters of ShowUrlTaskInfo, already validated and in the service's spelling.</summary>
    internal sealed class UrlTaskFilter
    {
        /// <summary>Gets or sets the exact URL to match, or null.</summary>
        public string Url { get; set; }

        /// <summary>Gets or sets REFRESH or PREHEATING (upper case, as ShowUrlTaskInfo documents), or null.</summary>
        public string TaskType { get; set; }

        /// <summary>Gets or sets the lower-case status (succeed, failed...), or null.</summary>
        public string Status { get; set; }

        /// <summary>Gets or sets file or directory, or null.</summary>
        public string FileType { get; set; }
    }

    /// <summary>The filters of ShowHistoryTasks, in the service's spelling.</summary>
    internal sealed class HistoryTaskFilter
    {
        /// <summary>Gets or sets the enterprise project id, or null.</summary>
        public string EnterpriseProjectId { get; set; }

        /// <summary>Gets or sets task_inprocess or task_done, or null.</summary>
        public string Status { get; set; }

        /// <summary>Gets or sets the start (ms since epoch), or null.</summary>
        public long? StartMs { get; set; }

        /// <summary>Gets or sets the end (ms since epoch), or null.</summary>
        public long? EndMs { get; set; }

        /// <summary>Gets or sets the sort field (order_field), or null; sent only together with <see cref="OrderType"/>.</summary>
        public string OrderField { get; set; }

        /// <summary>Gets or sets asc or desc, or null; sent only together with <see cref="OrderField"/>.</summary>
        public string OrderType { get; set; }

        /// <summary>Gets or sets file or directory, or null.</summary>
        public string FileType { get; set; }

        /// <summary>Gets or sets refresh or preheating (lower case), or null.</summary>
        public string TaskType { get; set; }

        /// <summary>A copy with another file_type.</summary>
        public HistoryTaskFilter WithFileType(string fileType)
        {
            var copy = (HistoryTaskFilter)MemberwiseClone();
            copy.FileType = fileType;
            return copy;
        }

        /// <summary>A copy with another start_date and end_date (the pager narrows the range as it reads).</summary>
        public HistoryTaskFilter WithRange(long? startMs, long? endMs)
        {
            var copy = (HistoryTaskFilter)MemberwiseClone();
            copy.StartMs = startMs;
            copy.EndMs = endMs;
            return copy;
        }
    }

    /// <summary>The filters of ShowHistoryTaskDetails, in the service's spelling.</summary>
    internal sealed class TaskDetailFilter
    {
        /// <summary>Gets or sets the enterprise project id, or null.</summary>
        public string EnterpriseProjectId { get; set; }

        /// <summary>Gets or sets the lower-case URL status, or null.</summary>
        public string Status { get; set; }

        /// <summary>Gets or sets the exact URL, or null.</summary>
        public string Url { get; set; }

        /// <summary>
        /// Gets or sets where the search for the task starts (create_time, ms since the epoch), or null for as far back as
        /// the service keeps details (<see cref="CdnClient.DetailSearchStart"/>).
        /// </summary>
        public long? CreatedAfterMs { get; set; }
    }

    /// <summary>One page of ShowHistoryTaskDetails: the task with its counts and some of its URLs.</summary>
    internal sealed class TaskDetailPage
    {
        public TaskDetailPage(CdnTask task, Page<CdnUrlTaskDetail> urls)
        {
            Task = task;
            Urls = urls;
        }

        /// <summary>Gets the task.</summary>
        public CdnTask Task { get; }

        /// <summary>Gets the URLs of the page (total = the URLs matching the filters).</summary>
        public Page<CdnUrlTaskDetail> Urls { get; }
    }

    /// <summary>
    /// One method per API operation. Every call goes through the command's <see cref="CdnTransport"/>
    /// (signing, rate limit, retries, logging); responses are deserialised from the stream straight into DTOs
    /// and mapped to the public model types.
    /// </summary>
    internal sealed class CdnClient
    {
        private readonly CdnTransport _transport;

        public CdnClient(CdnTransport transport)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        }

        /// <summary>Gets the transport (for counters and settings).</summary>
        public CdnTransport Transport => _transport;

        /// <summary>ShowUrlTaskInfo: one page of url-task records in one window of at most 24 hours.</summary>
        public async Task<Page<CdnUrlTask>> ListUrlTasksAsync(UrlTaskFilter filter, TimeWindow window, long offset, int limit, CancellationToken cancellationToken)
        {
            var request = new CdnRequest(CdnOperation.ShowUrlTaskInfo)
                .With("start_time", window.StartMs)
                .With("end_time", window.EndMs)
                .With("offset", offset)
                .With("limit", limit)
                .With("url", filter.Url)
                .With("task_type", filter.TaskType)
                .With("status", filter.Status)
                .With("file_type", filter.FileType);
            UrlTaskPage page = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.UrlTaskPage, ct), cancellationToken).ConfigureAwait(false);
            return new Page<CdnUrlTask>(page.Total, page.Records);
        }

        /// <summary>A pager over every url-task record of [startMs, endMs): windows of at most 24 hours, newest first, each read by keyset.</summary>
        public Pager<CdnUrlTask> UrlTaskPager(UrlTaskFilter filter, long startMs, long endMs, int pageSize) =>
            new Pager<CdnUrlTask>(
                TimeWindows.SplitNewestFirst(startMs, endMs),
                (request, ct) => ListUrlTasksAsync(filter, new TimeWindow(request.StartMs, request.EndMs), request.Offset, request.Limit, ct),
                pageSize,
                UrlRecordTime,
                UrlRecordKey);

        /// <summary>The creation time of a url-task record in ms, or null.</summary>
        internal static long? UrlRecordTime(CdnUrlTask record) => EpochMs(record.CreateTimeUtc);

        /// <summary>The key of a url-task record: its id, or (without one) its URL, task, time, type, file type and mode.</summary>
        internal static RecordKey UrlRecordKey(CdnUrlTask record) =>
            record.Id != 0
                ? RecordKey.OfId(record.Id)
                : RecordKey.OfContent(string.Join("\n", record.Url, record.TaskId, UrlRecordTime(record), record.TaskType, record.FileType, record.Mode));

        /// <summary>The key of one URL of a task: its id, or (without one) its URL, task and time.</summary>
        internal static RecordKey UrlDetailKey(CdnUrlTaskDetail record) =>
            record.Id != 0 ? RecordKey.OfId(record.Id) : RecordKey.OfContent(string.Join("\n", record.Url, record.TaskId, EpochMs(record.CreateTimeUtc)));

        /// <summary>The key of a task: its id, or (without one) its time, type, file type and size.</summary>
        internal static RecordKey TaskKey(CdnTask task) =>
            task.TaskId != 0 ? RecordKey.OfId(task.TaskId) : RecordKey.OfContent(string.Join("\n", EpochMs(task.CreateTimeUtc), task.TaskType, task.FileType, task.Total));

        private static long? EpochMs(DateTime? utc) => utc.HasValue ? Normalize.ToEpochMs(utc.Value) : (long?)null;

        /// <summary>The default page size of the page_number/page_size APIs.</summary>
        public const int DefaultHistoryPageSize = 100;

        /// <summary>The largest page_size ShowHistoryTasks and ShowHistoryTaskDetails accept.</summary>
        public const int MaxHistoryPageSize = 10000;

        /// <summary>The largest page_number the history APIs accept.</summary>
        public const int MaxPageNumber = 65535;

        /// <summary>How many days back ShowHistoryTaskDetails can find a task (the spec: "data within the last 15 days can be queried").</summary>
        public const int DetailRetentionDays = 15;

        /// <summary>CreateRefreshTasks: submits one purge request and returns the new task id.</summary>
        /// <param name="urls">At most 1000 file URLs or 100 directory URLs.</param>
        /// <param name="type">file or directory.</param>
        /// <param name="mode">all or detect_modify_refresh (directories only), or null for the service default.</param>
        /// <param name="zhUrlEncode">true to purge the transcoded form of URLs with Chinese characters, or null to leave it out.</param>
        /// <param name="enterpriseProjectId">The enterprise project id, or null.</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <param name="beforeSend">Called just before each attempt goes on the wire (<see cref="CdnRequest.BeforeSend"/>), or null.</param>
        public async Task<long> CreateRefreshTaskAsync(IReadOnlyList<string> urls, string type, string mode, bool? zhUrlEncode, string enterpriseProjectId, CancellationToken cancellationToken, Action beforeSend = null)
        {
            var request = new CdnRequest(CdnOperation.CreateRefreshTasks).With("enterprise_project_id", enterpriseProjectId);
            request.Body = RefreshBody(urls, type, mode, zhUrlEncode);
            request.BeforeSend = beforeSend;
            CreateTaskResponseDto dto = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.CreateTaskResponseDto, ct), cancellationToken).ConfigureAwait(false);
            return RequireId(dto.RefreshTask, CdnOperation.CreateRefreshTasks, "refresh_task");
        }

        /// <summary>CreatePreheatingTasks: submits one prefetch request (at most 1000 file URLs) and returns the new task id.</summary>
        public async Task<long> CreatePreheatingTaskAsync(IReadOnlyList<string> urls, bool? zhUrlEncode, string enterpriseProjectId, CancellationToken cancellationToken, Action beforeSend = null)
        {
            var request = new CdnRequest(CdnOperation.CreatePreheatingTasks).With("enterprise_project_id", enterpriseProjectId);
            request.Body = PreheatingBody(urls, zhUrlEncode);
            request.BeforeSend = beforeSend;
            CreateTaskResponseDto dto = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.CreateTaskResponseDto, ct), cancellationToken).ConfigureAwait(false);
            return RequireId(dto.PreheatingTask, CdnOperation.CreatePreheatingTasks, "preheating_task");
        }

        /// <summary>The exact CreateRefreshTasks body: {"refresh_task":{"type":..,"mode":..,"zh_url_encode":..,"urls":[..]}}, null fields left out.</summary>
        internal static byte[] RefreshBody(IReadOnlyList<string> urls, string type, string mode, bool? zhUrlEncode) =>
            JsonSerializer.SerializeToUtf8Bytes(
                new RefreshTaskRequestDto { RefreshTask = new RefreshTaskBodyDto { Type = type, Mode = mode, ZhUrlEncode = zhUrlEncode, Urls = new List<string>(urls) } },
                CdnJsonContext.Default.RefreshTaskRequestDto);

        /// <summary>The exact CreatePreheatingTasks body: {"preheating_task":{"zh_url_encode":..,"urls":[..]}}, null fields left out.</summary>
        internal static byte[] PreheatingBody(IReadOnlyList<string> urls, bool? zhUrlEncode) =>
            JsonSerializer.SerializeToUtf8Bytes(
                new PreheatingTaskRequestDto { PreheatingTask = new PreheatingTaskBodyDto { ZhUrlEncode = zhUrlEncode, Urls = new List<string>(urls) } },
                CdnJsonContext.Default.PreheatingTaskRequestDto);

        /// <summary>The ShowHistoryTasks request for one page (page_number and page_size always together; order_field only with order_type).</summary>
        internal static CdnRequest HistoryTasksRequest(HistoryTaskFilter filter, int pageNumber, int pageSize)
        {
            bool ordered = filter.OrderField != null && filter.OrderType != null;
            return new CdnRequest(CdnOperation.ShowHistoryTasks)
                .With("enterprise_project_id", filter.EnterpriseProjectId)
                .With("page_size", pageSize)
                .With("page_number", pageNumber)
                .With("status", filter.Status)
                .With("start_date", filter.StartMs)
                .With("end_date", filter.EndMs)
                .With("order_field", ordered ? filter.OrderField : null)
                .With("order_type", ordered ? filter.OrderType : null)
                .With("file_type", filter.FileType)
                .With("task_type", filter.TaskType);
        }

        /// <summary>The ShowHistoryTaskDetails request for one page.</summary>
        internal static CdnRequest TaskDetailRequest(string taskId, TaskDetailFilter filter, int pageNumber, int pageSize)
        {
            // The id goes into the path: only what the service issues (digits) gets there.
            taskId = TaskIds.Validate(taskId);
            string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, CdnOperation.ShowHistoryTaskDetails.Path, taskId);
            return new CdnRequest(CdnOperation.ShowHistoryTaskDetails, path) { TaskId = taskId }
                .With("enterprise_project_id", filter?.EnterpriseProjectId)
                .With("page_size", pageSize)
                .With("page_number", pageNumber)
                .With("status", filter?.Status)
                .With("url", filter?.Url)
                .With("create_time", filter?.CreatedAfterMs ?? DetailSearchStart(DateTimeOffset.UtcNow));
        }

        /// <summary>
        /// Where ShowHistoryTaskDetails should start looking for a task: without create_time the service looks 7 days
        /// back only, though it keeps 15 days, so a task 8 days old would be "not found". This is 15 days back, less 10
        /// minutes for a client clock behind the service's (a create_time more than 15 days back is refused).
        /// </summary>
        internal static long DetailSearchStart(DateTimeOffset now) =>
            now.AddDays(-DetailRetentionDays).AddMinutes(10).ToUnixTimeMilliseconds();

        /// <summary>Converts a page-aligned offset to a 1-based page_number.</summary>
        internal static int PageNumberOf(long offset, int pageSize)
        {
            if (pageSize < 1 || pageSize > MaxHistoryPageSize)
            {
                throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"page_size must be 1 to {MaxHistoryPageSize}.");
            }

            if (offset < 0 || offset % pageSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset must be a multiple of the page size.");
            }

            long number = (offset / pageSize) + 1;
            if (number > MaxPageNumber)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"page_number cannot exceed {MaxPageNumber}; use a larger page size or a narrower filter.");
            }

            return (int)number;
        }

        /// <summary>ShowHistoryTasks: one page of tasks.</summary>
        public async Task<Page<CdnTask>> ListHistoryTasksAsync(HistoryTaskFilter filter, int pageNumber, int pageSize, CancellationToken cancellationToken)
        {
            CdnRequest request = HistoryTasksRequest(filter, pageNumber, pageSize);
            HistoryTaskPageDto dto = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.HistoryTaskPageDto, ct), cancellationToken).ConfigureAwait(false);
            List<HistoryTaskDto> rows = dto.Tasks ?? new List<HistoryTaskDto>();
            var items = new CdnTask[rows.Count];
            for (int i = 0; i < rows.Count; i++)
            {
                items[i] = ToModel(rows[i]);
            }

            return new Page<CdnTask>(dto.Total, items);
        }

        /// <summary>
        /// A pager over the tasks matching the filter, created before <paramref name="endMs"/>. In the service's default
        /// order (newest first) the range is one window read by keyset (start_date/end_date narrow as it reads); in another
        /// order every task counts as created at the same moment and the list is read by offset from its top.
        /// </summary>
        public Pager<CdnTask> HistoryTaskPager(HistoryTaskFilter filter, long endMs, int pageSize)
        {
            bool newestFirst = filter.OrderField == null || filter.OrderType == null || (filter.OrderField == "create_time" && filter.OrderType == "desc");
            TimeWindow window = newestFirst ? new TimeWindow(filter.StartMs ?? 0, endMs) : TimeWindows.Unordered;

            // The service answers file tasks only unless asked for directories (file_type defaults to file), so without a
            // file type the range is read twice, as two windows: the file tasks, then the directory tasks.
            string[] fileTypes = filter.FileType != null ? new[] { filter.FileType } : new[] { BatchPlanner.File, BatchPlanner.Directory };
            return new Pager<CdnTask>(
                Array.ConvertAll(fileTypes, _ => window),
                (request, ct) => ListHistoryTasksAsync(filter.WithRange(filter.StartMs, newestFirst ? request.EndMs : endMs).WithFileType(fileTypes[request.Window]), PageNumberOf(request.Offset, request.Limit), request.Limit, ct),
                pageSize,
                t => newestFirst ? EpochMs(t.CreateTimeUtc) : 0,
                TaskKey)
            {
                AlignedOffsets = true,
                MaxPageSize = MaxHistoryPageSize,
            };
        }

        /// <summary>ShowHistoryTaskDetails: the task with its counts and one page of its URLs.</summary>
        public async Task<TaskDetailPage> GetHistoryTaskDetailsAsync(string taskId, TaskDetailFilter filter, int pageNumber, int pageSize, CancellationToken cancellationToken)
        {
            CdnRequest request = TaskDetailRequest(taskId, filter, pageNumber, pageSize);
            HistoryTaskDetailDto dto = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.HistoryTaskDetailDto, ct), cancellationToken).ConfigureAwait(false);
            CdnTask task = ToModel(dto);
            List<HistoryUrlDto> rows = dto.Urls ?? new List<HistoryUrlDto>();
            var items = new CdnUrlTaskDetail[rows.Count];
            for (int i = 0; i < rows.Count; i++)
            {
                items[i] = ToModel(rows[i], task);
            }

            // The detail response has no count of the URLs matching the filters: without filters it is the
            // task's total; with filters the pager finds the end from a short page.
            long? total = null;
            if (filter?.Url == null)
            {
                switch (filter?.Status)
                {
                    case null:
                        total = dto.Total;
                        break;
                    case "succeed":
                        total = dto.Succeed;
                        break;
                    case "failed":
                        total = dto.Failed;
                        break;
                }
            }

            return new TaskDetailPage(task, new Page<CdnUrlTaskDetail>(total, items));
        }

        /// <summary>One task with its counts, from ShowHistoryTaskDetails with page_size 1.</summary>
        public async Task<CdnTask> GetTaskAsync(string taskId, string enterpriseProjectId, CancellationToken cancellationToken)
        {
            TaskDetailPage page = await GetHistoryTaskDetailsAsync(taskId, new TaskDetailFilter { EnterpriseProjectId = enterpriseProjectId }, 1, 1, cancellationToken).ConfigureAwait(false);
            return page.Task;
        }

        /// <summary>A pager over the URL records of one task (no time order: read by offset from the top, each answer proving itself).</summary>
        public Pager<CdnUrlTaskDetail> TaskDetailPager(string taskId, TaskDetailFilter filter, int pageSize) =>
            new Pager<CdnUrlTaskDetail>(
                new[] { TimeWindows.Unordered },
                async (request, ct) => (await GetHistoryTaskDetailsAsync(taskId, filter, PageNumberOf(request.Offset, request.Limit), request.Limit, ct).ConfigureAwait(false)).Urls,
                pageSize,
                _ => 0,
                UrlDetailKey)
            {
                AlignedOffsets = true,
                MaxPageSize = MaxHistoryPageSize,
            };

        /// <summary>ShowQuota: the account's quotas.</summary>
        public async Task<IReadOnlyList<CdnQuota>> GetQuotaAsync(CancellationToken cancellationToken)
        {
            var request = new CdnRequest(CdnOperation.ShowQuota);
            QuotaResponseDto dto = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.QuotaResponseDto, ct), cancellationToken).ConfigureAwait(false);
            var quotas = new List<CdnQuota>();
            foreach (QuotaDto row in dto.Quotas ?? new List<QuotaDto>())
            {
                quotas.Add(new CdnQuota { Type = Normalize.QuotaType.FromService(row.Type), ServiceType = row.Type, Limit = row.QuotaLimit ?? 0, Used = row.Used ?? 0 });
            }

            return quotas;
        }

        /// <summary>A 64-bit key for de-duplicating by a string id: the number itself when numeric, else a stable hash.</summary>
        internal static long IdKey(string id)
        {
            if (id != null && long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number))
            {
                return number;
            }

            // FNV-1a; negative so it never collides with a numeric id.
            ulong hash = 14695981039346656037;
            foreach (char c in id ?? string.Empty)
            {
                hash = (hash ^ c) * 1099511628211;
            }

            return (long)(hash | 0x8000000000000000);
        }

        /// <summary>Maps a history task to the public model (the module's words, numeric id, local and UTC times).</summary>
        internal static CdnTask ToModel(HistoryTaskDto row) => new CdnTask
        {
            TaskId = row.Id ?? 0,
            TaskType = Normalize.TaskType.FromService(row.TaskType),
            Status = Normalize.TaskStatus.FromService(row.Status),
            FileType = Normalize.FileType.FromService(row.FileType),
            Processing = row.Processing ?? 0,
            Succeeded = row.Succeed ?? 0,
            Failed = row.Failed ?? 0,
            Total = row.Total ?? 0,
            CreateTimeUtc = Normalize.FromEpochMs(row.CreateTime),
        };

        /// <summary>Maps a task-detail URL to the public model.</summary>
        internal static CdnUrlTaskDetail ToModel(HistoryUrlDto row, CdnTask task) => new CdnUrlTaskDetail
        {
            Id = row.Id == null ? 0 : IdKey(row.Id),
            TaskId = row.TaskId ?? task?.TaskId ?? 0,
            Url = row.Url,
            Status = Normalize.UrlStatus.FromService(row.Status),
            TaskType = Normalize.TaskType.FromService(row.TaskType) ?? task?.TaskType,
            FileType = task?.FileType,
            CreateTimeUtc = Normalize.FromEpochMs(row.CreateTime),
            FailureClass = Normalize.FailureClass.FromService(row.FailClassify),
            FailureReason = row.FailDesc,
        };

        /// <summary>The task id of a create answer: a string of digits; anything else is a malformed answer (the task may exist).</summary>
        internal static long RequireId(string id, CdnOperation operation, string field)
        {
            if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number))
            {
                // The task may exist: the service accepted the request but did not say (in a usable form) which task it created.
                string what = string.IsNullOrEmpty(id) ? $"'{field}' is missing" : $"'{field}' is '{id}', not a task id";
                throw new CdnApiException(CdnFailureKind.MalformedResponse, $"{operation.Name}: the service answered without a task id ({what}).", operation.Name, errorCode: "MalformedResponse")
                {
                    MayHaveBeenProcessed = true,
                };
            }

            return number;
        }

        private static async Task<T> ReadJsonAsync<T>(Stream stream, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
            await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
    }
}
