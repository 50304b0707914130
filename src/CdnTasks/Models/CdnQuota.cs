// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks
{
    /// <summary>
    /// One quota of the account, as Get-CdnQuota writes it: file_refresh, dir_refresh and preheat are the
    /// daily purge and prefetch URL quotas; other types the service returns pass through unchanged.
    /// </summary>
    public sealed class CdnQuota
    {
        /// <summary>Gets the quota type, for example file_refresh, dir_refresh or preheat.</summary>
        public string Type { get; internal set; }

        /// <summary>Gets the limit.</summary>
        public long Limit { get; internal set; }

        /// <summary>Gets how much of the limit is used.</summary>
        public long Used { get; internal set; }

        /// <summary>Gets what is left: Limit minus Used (never below zero).</summary>
        public long Remaining => Limit > Used ? Limit - Used : 0;

        /// <inheritdoc/>
        public override string ToString() => Type ?? string.Empty;
    }
}
