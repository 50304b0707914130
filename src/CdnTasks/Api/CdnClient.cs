// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Json;
using CdnTasks.Api.Paging;

namespace CdnTasks.Api
{
    /// <summary>The filters of ShowUrlTaskInfo, already validated and in the service's spelling.</summary>
    internal sealed class UrlTaskFilter
    {
        /// <summary>Gets or sets the exact URL to match, or null.</summary>
        public string Url { get; set; }

        /// <summary>Gets or sets REFRESH or PREHEATING, or null.</summary>
        public string TaskType { get; set; }

        /// <summary>Gets or sets the lower-case status, or null.</summary>
        public string Status { get; set; }

        /// <summary>Gets or sets file or directory, or null.</summary>
        public string FileType { get; set; }
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
            UrlTaskPageDto dto = await _transport.SendAsync(request, (stream, ct) => ReadJsonAsync(stream, CdnJsonContext.Default.UrlTaskPageDto, ct), cancellationToken).ConfigureAwait(false);
            List<UrlTaskDto> rows = dto.Result ?? new List<UrlTaskDto>();
            var items = new CdnUrlTask[rows.Count];
            for (int i = 0; i < rows.Count; i++)
            {
                items[i] = ToModel(rows[i]);
            }

            return new Page<CdnUrlTask>(dto.Total, items);
        }

        /// <summary>A pager over every url-task record of [startMs, endMs), newest window first.</summary>
        public Pager<CdnUrlTask> UrlTaskPager(UrlTaskFilter filter, long startMs, long endMs, int pageSize)
        {
            IReadOnlyList<TimeWindow> windows = TimeWindows.SplitNewestFirst(startMs, endMs);
            return new Pager<CdnUrlTask>(
                windows.Count,
                (segment, offset, limit, ct) => ListUrlTasksAsync(filter, windows[segment], offset, limit, ct),
                pageSize,
                r => r.Id);
        }

        /// <summary>Maps a service record to the public model.</summary>
        internal static CdnUrlTask ToModel(UrlTaskDto row) => new CdnUrlTask
        {
            Id = row.Id,
            TaskId = row.TaskId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Url = row.Url,
            Status = Normalize.UrlStatus(row.Status),
            TaskType = Normalize.TaskType(row.Type),
            FileType = Normalize.FileType(row.FileType),
            Mode = Normalize.Mode(row.Mode),
            CreateTime = Normalize.FromEpochMs(row.CreateTime),
            ModifyTime = Normalize.FromEpochMs(row.ModifyTime),
        };

        private static async Task<T> ReadJsonAsync<T>(Stream stream, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
            await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
    }
}
