// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks
{
    /// <summary>
    /// One cache purge or prefetch task, as Clear-CdnCache, Import-CdnCache, Get-CdnTask and Wait-CdnTask write
    /// it: flat properties for tables and Export-Csv. The id is TaskId, as on the URL records, so a task piped
    /// into Get-CdnUrlTask, Get-CdnTask or Wait-CdnTask binds -TaskId. Status is Running or Completed (the
    /// service's task_inprocess / task_done); a value the module does not know passes through unchanged. Times
    /// are local (Kind Local) with a UTC twin, as on <see cref="CdnUrlTask"/>.
    /// </summary>
    public sealed class CdnTask
    {
        /// <summary>Gets the task id.</summary>
        public long TaskId { get; internal set; }

        /// <summary>Gets the task type: Purge (Clear-CdnCache) or Prefetch (Import-CdnCache).</summary>
        public string TaskType { get; internal set; }

        /// <summary>Gets the status: Running or Completed.</summary>
        public string Status { get; internal set; }

        /// <summary>Gets the file type of the task's URLs: File or Directory.</summary>
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
        /// Gets when the task was created, in local time (Kind Local). For a task just created by Clear-CdnCache
        /// or Import-CdnCache (without -Wait) this is when the service accepted the request, by the local clock.
        /// </summary>
        public DateTime? CreateTime => Normalize.ToLocal(CreateTimeUtc);

        /// <summary>Gets when the task was created, in UTC (Kind Utc).</summary>
        public DateTime? CreateTimeUtc { get; internal set; }

        /// <summary>Gets a value indicating whether the task is done.</summary>
        internal bool IsDone => string.Equals(Status, Normalize.Completed, StringComparison.Ordinal);

        /// <summary>Gets a value indicating whether the task is still running.</summary>
        internal bool IsRunning => string.Equals(Status, Normalize.Running, StringComparison.Ordinal);

        /// <inheritdoc/>
        public override string ToString() => TaskId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
