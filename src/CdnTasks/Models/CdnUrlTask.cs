// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks
{
    /// <summary>
    /// One URL record of a cache purge or prefetch task, as Get-CdnUrlTask writes it (ShowUrlTaskInfo): flat
    /// properties that make a tidy table and one clean Export-Csv row. Times are local (Kind Local, as Get-Date
    /// and Get-ChildItem give them), so they compare and subtract correctly with Get-Date in any time zone; each
    /// has a UTC twin (Kind Utc) that names the instant in a CSV. Status, TaskType, FileType and Mode use the
    /// module's words (Succeeded, Purge, File, All); values the module does not know pass through unchanged.
    /// </summary>
    public sealed class CdnUrlTask
    {
        // The times are kept as UTC ticks, 0 for none (no service time is 0001-01-01): 8 bytes each instead of the 16 of
        // a DateTime?, on the type a command writes a million of.
        private long _createTicks;
        private long _modifyTicks;

        /// <summary>Gets the record id.</summary>
        public long Id { get; internal set; }

        /// <summary>Gets the id of the task the URL belongs to.</summary>
        public long TaskId { get; internal set; }

        /// <summary>Gets the URL that was purged or prefetched.</summary>
        public string Url { get; internal set; }

        /// <summary>Gets the status: Waiting, Processing, Purging, Prefetching, Succeeded or Failed.</summary>
        public string Status { get; internal set; }

        /// <summary>Gets the task type: Purge (Clear-CdnCache) or Prefetch (Import-CdnCache).</summary>
        public string TaskType { get; internal set; }

        /// <summary>Gets the file type: File or Directory.</summary>
        public string FileType { get; internal set; }

        /// <summary>Gets the directory purge mode (All or DetectModifyRefresh), or null for files.</summary>
        public string Mode { get; internal set; }

        /// <summary>Gets when the record was created, in local time (Kind Local).</summary>
        public DateTime? CreateTime => Normalize.ToLocal(CreateTimeUtc);

        /// <summary>Gets when the record was created, in UTC (Kind Utc).</summary>
        public DateTime? CreateTimeUtc
        {
            get => FromTicks(_createTicks);
            internal set => _createTicks = ToTicks(value);
        }

        /// <summary>Gets when the record last changed, in local time (Kind Local).</summary>
        public DateTime? ModifyTime => Normalize.ToLocal(ModifyTimeUtc);

        /// <summary>Gets when the record last changed, in UTC (Kind Utc).</summary>
        public DateTime? ModifyTimeUtc
        {
            get => FromTicks(_modifyTicks);
            internal set => _modifyTicks = ToTicks(value);
        }

        /// <inheritdoc/>
        public override string ToString() => Url ?? string.Empty;

        private static DateTime? FromTicks(long ticks) => ticks == 0 ? (DateTime?)null : new DateTime(ticks, DateTimeKind.Utc);

        private static long ToTicks(DateTime? value) => value.HasValue ? value.Value.ToUniversalTime().Ticks : 0;
    }
}
