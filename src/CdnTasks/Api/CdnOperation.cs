// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks.Api
{
    /// <summary>One operation of the CDN API: its name, method, path and documented per-tenant rate limit.</summary>
    public sealed class CdnOperation
    {
        /// <summary>ShowUrlTaskInfo: GET url-task records (5 calls a second per tenant).</summary>
        public static readonly CdnOperation ShowUrlTaskInfo = new CdnOperation("ShowUrlTaskInfo", "GET", "/v1.0/cdn/contentgateway/url-tasks", 5, isWrite: false);

        /// <summary>CreateRefreshTasks: POST a purge (30/s).</summary>
        public static readonly CdnOperation CreateRefreshTasks = new CdnOperation("CreateRefreshTasks", "POST", "/v1.0/cdn/content/refresh-tasks", 30, isWrite: true);

        /// <summary>CreatePreheatingTasks: POST a prefetch (30/s).</summary>
        public static readonly CdnOperation CreatePreheatingTasks = new CdnOperation("CreatePreheatingTasks", "POST", "/v1.0/cdn/content/preheating-tasks", 30, isWrite: true);

        /// <summary>ShowHistoryTasks: GET tasks (30/s).</summary>
        public static readonly CdnOperation ShowHistoryTasks = new CdnOperation("ShowHistoryTasks", "GET", "/v1.0/cdn/historytasks", 30, isWrite: false);

        /// <summary>ShowHistoryTaskDetails: GET one task's URLs (30/s). The path has a {history_tasks_id} placeholder.</summary>
        public static readonly CdnOperation ShowHistoryTaskDetails = new CdnOperation("ShowHistoryTaskDetails", "GET", "/v1.0/cdn/historytasks/{0}/detail", 30, isWrite: false);

        /// <summary>ShowQuota: GET quotas (5/s).</summary>
        public static readonly CdnOperation ShowQuota = new CdnOperation("ShowQuota", "GET", "/v1.0/cdn/quota", 5, isWrite: false);

        /// <summary>IAM KeystoneListAuthDomains: GET /v3/auth/domains, used to discover the account (domain) id.</summary>
        public static readonly CdnOperation ListAuthDomains = new CdnOperation("KeystoneListAuthDomains", "GET", "/v3/auth/domains", 10, isWrite: false, needsDomainId: false);

        private CdnOperation(string name, string method, string path, double documentedRatePerSecond, bool isWrite, bool needsDomainId = true)
        {
            Name = name;
            Method = method;
            Path = path;
            DocumentedRatePerSecond = documentedRatePerSecond;
            IsWrite = isWrite;
            NeedsDomainId = needsDomainId;
        }

        /// <summary>Gets the SDK operation name.</summary>
        public string Name { get; }

        /// <summary>Gets the HTTP method.</summary>
        public string Method { get; }

        /// <summary>Gets the path (a format string where the path has an id).</summary>
        public string Path { get; }

        /// <summary>Gets the documented per-tenant limit in calls a second.</summary>
        public double DocumentedRatePerSecond { get; }

        /// <summary>Gets a value indicating whether the call changes state (and must not be repeated blindly).</summary>
        public bool IsWrite { get; }

        /// <summary>Gets a value indicating whether the call carries X-Domain-Id (global-service CDN calls do; IAM discovery does not).</summary>
        public bool NeedsDomainId { get; }

        /// <inheritdoc/>
        public override string ToString() => Name;
    }
}
