// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks
{
    /// <summary>
    /// One URL of a given task, as Get-CdnUrlTask -TaskId writes it (ShowHistoryTaskDetails): the same words and
    /// time conventions as <see cref="CdnUrlTask"/>, with the failure class and reason of a failed URL. The
    /// details API has no modify time or directory mode, so this type has neither (no always-empty columns).
    /// </summary>
    public sealed class CdnUrlTaskDetail
    {
        /// <summary>Gets the record id.</summary>
        public long Id { get; internal set; }

        /// <summary>Gets the id of the task.</summary>
        public long TaskId { get; internal set; }

        /// <summary>Gets the URL that was purged or prefetched.</summary>
        public string Url { get; internal set; }

        /// <summary>Gets the status: Waiting, Processing, Purging, Prefetching, Succeeded or Failed.</summary>
        public string Status { get; internal set; }

        /// <summary>Gets the task type: Purge (Clear-CdnCache) or Prefetch (Import-CdnCache).</summary>
        public string TaskType { get; internal set; }

        /// <summary>Gets the file type of the task's URLs: File or Directory.</summary>
        public string FileType { get; internal set; }

        /// <summary>Gets when the URL was submitted, in local time (Kind Local).</summary>
        public DateTime? CreateTime => Normalize.ToLocal(CreateTimeUtc);

        /// <summary>Gets when the URL was submitted, in UTC (Kind Utc).</summary>
        public DateTime? CreateTimeUtc { get; internal set; }

        /// <summary>Gets the failure class of a failed URL: OriginError, InnerError or UnknownError; null otherwise.</summary>
        public string FailureClass { get; internal set; }

        /// <summary>Gets the service's description of why the URL failed; null otherwise.</summary>
        public string FailureReason { get; internal set; }

        /// <inheritdoc/>
        public override string ToString() => Url ?? string.Empty;
    }
}
