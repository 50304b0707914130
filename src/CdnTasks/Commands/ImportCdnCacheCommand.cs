// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Batching;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Import-CdnCache: prefetches URLs into the CDN cache (CreatePreheatingTasks), at most 1000 URLs a request,
    /// and writes one CdnTask per request. Records of either task type are taken (warming what was purged is a
    /// real workflow); a directory, which the service cannot prefetch, is a non-terminating error of its own.
    /// </summary>
    [Cmdlet(VerbsData.Import, "CdnCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CdnTask))]
    public sealed class ImportCdnCacheCommand : CdnSubmitCmdlet
    {
        /// <inheritdoc/>
        internal override bool Preheat => true;

        /// <inheritdoc/>
        internal override string OperationText => "Import-CdnCache (CreatePreheatingTasks)";

        /// <inheritdoc/>
        internal override Task<long> SubmitAsync(UrlBatch batch, bool? zhUrlEncode, Action beforeSend, CancellationToken cancellationToken) =>
            Client.CreatePreheatingTaskAsync(batch.Urls, zhUrlEncode, EnterpriseProjectId, cancellationToken, beforeSend);
    }
}
