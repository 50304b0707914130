// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks
{
    /// <summary>
    /// One URL of a cache purge or prefetch task, as Get-CdnUrlTask writes it: flat properties that make a
    /// tidy table and one clean Export-Csv row. Times are UTC <see cref="DateTime"/> values (Kind = Utc).
    /// Status, TaskType and FileType are normalised (succeed, Refresh, file); values the module does not know
    /// pass through unchanged.
    /// </summary>
    public sealed class CdnUrlTask
    {
        /// <summary>Gets the record id.</summary>
        public long Id { get; internal set; }

        /// <summary>Gets the id of the task the URL belongs to.</summary>
        public string TaskId { get; internal set; }

        /// <summary>Gets the URL that was purged or prefetched.</summary>
        public string Url { get; internal set; }

        /// <summary>Gets the status: processing, succeed, failed, waiting, refreshing or preheating.</summary>
        public string Status { get; internal set; }

        /// <summary>Gets the task type: Refresh (purge) or Preheating (prefetch).</summary>
        public string TaskType { get; internal set; }

        /// <summary>Gets the file type: file or directory.</summary>
        public string FileType { get; internal set; }

        /// <summary>Gets the directory purge mode (all or detect_modify_refresh), or null for files.</summary>
        public string Mode { get; internal set; }

        /// <summary>Gets when the record was created (UTC).</summary>
        public DateTime? CreateTime { get; internal set; }

        /// <summary>Gets when the record last changed (UTC).</summary>
        public DateTime? ModifyTime { get; internal set; }

        /// <summary>Gets the failure class of a failed URL (ORIGIN_ERROR, INNER_ERROR, UNKNOWN_ERROR); only from task details.</summary>
        public string FailClassify { get; internal set; }

        /// <summary>Gets the failure description of a failed URL; only from task details.</summary>
        public string FailDesc { get; internal set; }

        /// <inheritdoc/>
        public override string ToString() => Url ?? string.Empty;
    }
}
