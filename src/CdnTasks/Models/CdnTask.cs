// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks
{
    /// <summary>
    /// One cache purge (Refresh) or prefetch (Preheating) task, as Clear-CdnCache, Import-CdnCache,
    /// Get-CdnTask and Wait-CdnTask write it: flat properties for tables and Export-Csv. Times are UTC.
    /// Status is InProcess or Done (normalised from task_inprocess / task_done); unknown values pass through.
    /// </summary>
    public sealed class CdnTask
    {
        /// <summary>Gets the task id.</summary>
        public string Id { get; internal set; }

        /// <summary>Gets the task id again, so that a task piped into Get-CdnUrlTask binds its -TaskId parameter.</summary>
        public string TaskId => Id;

        /// <summary>Gets the task type: Refresh (purge) or Preheating (prefetch).</summary>
        public string TaskType { get; internal set; }

        /// <summary>Gets the status: InProcess or Done.</summary>
        public string Status { get; internal set; }

        /// <summary>Gets the file type of the task's URLs: file or directory.</summary>
        public string FileType { get; internal set; }

        /// <summary>Gets how many URLs are still being processed.</summary>
        public long Processing { get; internal set; }

        /// <summary>Gets how many URLs succeeded.</summary>
        public long Succeeded { get; internal set; }

        /// <summary>Gets how many URLs failed.</summary>
        public long Failed { get; internal set; }

        /// <summary>Gets how many URLs the task has.</summary>
        public long Total { get; internal set; }

        /// <summary>
        /// Gets when the task was created (UTC). For a task just created by Clear-CdnCache or Import-CdnCache
        /// (without -Wait) this is when the service accepted the request, by the local clock.
        /// </summary>
        public DateTime? CreateTime { get; internal set; }

        /// <summary>Gets how many URLs this command submitted in the task; null for tasks read from the service.</summary>
        public int? UrlCount { get; internal set; }

        /// <summary>Gets a value indicating whether the task is done.</summary>
        internal bool IsDone => string.Equals(Status, "Done", StringComparison.Ordinal);

        /// <inheritdoc/>
        public override string ToString() => Id ?? string.Empty;
    }
}
