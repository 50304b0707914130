// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks.Commands
{
    /// <summary>
    /// The stable error ids of the module (the part before the comma of a FullyQualifiedErrorId). Service
    /// errors use <c>CdnApi.&lt;service error code&gt;</c>, for example <c>CdnApi.APIGW.0301</c>.
    /// </summary>
    internal static class ErrorIds
    {
        public const string CredentialNotFound = nameof(CredentialNotFound);
        public const string CredentialsFileInvalid = nameof(CredentialsFileInvalid);
        public const string DomainIdDiscoveryFailed = nameof(DomainIdDiscoveryFailed);
        public const string InvalidConfiguration = nameof(InvalidConfiguration);
        public const string InvalidCredential = nameof(InvalidCredential);
        public const string InvalidPaging = nameof(InvalidPaging);
        public const string InvalidTimeRange = nameof(InvalidTimeRange);
        public const string InvalidUrl = nameof(InvalidUrl);
        public const string InvalidParameterCombination = nameof(InvalidParameterCombination);
        public const string QuotaExceeded = nameof(QuotaExceeded);
        public const string QuotaTypeNotFound = nameof(QuotaTypeNotFound);
        public const string CdnTaskHasFailedUrls = nameof(CdnTaskHasFailedUrls);
        public const string CdnTaskWaitTimeout = nameof(CdnTaskWaitTimeout);
        public const string CdnTaskStatusUnknown = nameof(CdnTaskStatusUnknown);
        public const string RequestsNotSent = nameof(RequestsNotSent);
        public const string RecordsMayBeMissing = nameof(RecordsMayBeMissing);
        public const string ServicePrefix = "CdnApi.";
    }
}
