// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks
{
    /// <summary>
    /// One quota of the account, as Get-CdnQuota writes it: FilePurge, DirectoryPurge and Prefetch are the daily
    /// purge and prefetch URL quotas (file_refresh, dir_refresh and preheat in the service's words); the other
    /// documented types are PascalCase too (ip_filter is IpFilter), and a type the module does not know passes
    /// through unchanged.
    /// </summary>
    public sealed class CdnQuota
    {
        /// <summary>Gets the quota type, for example FilePurge, DirectoryPurge or Prefetch.</summary>
        public string Type { get; internal set; }

        /// <summary>Gets the limit.</summary>
        public long Limit { get; internal set; }

        /// <summary>Gets how much of the limit is used.</summary>
        public long Used { get; internal set; }

        /// <summary>Gets what is left: Limit minus Used (never below zero).</summary>
        public long Remaining => Limit > Used ? Limit - Used : 0;

        /// <summary>Gets the service's name of the type (file_refresh), for matching.</summary>
        internal string ServiceType { get; set; }

        /// <inheritdoc/>
        public override string ToString() => Type ?? string.Empty;
    }
}
