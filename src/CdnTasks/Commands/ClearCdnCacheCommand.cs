// Copyright (c) CdnTasks contributors. MIT License.

using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Batching;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Clear-CdnCache: purges cached URLs and directories (CreateRefreshTasks), in as few requests as the
    /// limits allow (1000 file URLs or 100 directory URLs a request), and writes one CdnTask per request.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "CdnCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CdnTask))]
    public sealed class ClearCdnCacheCommand : CdnSubmitCmdlet
    {
        /// <summary>Gets or sets the directory purge mode: all (default) or detect_modify_refresh.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateSet("all", "detect_modify_refresh", IgnoreCase = true)]
        public string Mode { get; set; }

        /// <inheritdoc/>
        internal override bool Preheat => false;

        /// <inheritdoc/>
        internal override string OperationText => "Clear-CdnCache (CreateRefreshTasks)";

        /// <inheritdoc/>
        internal override string DirectoryMode => string.IsNullOrEmpty(Mode) ? "all" : Mode.ToLowerInvariant();

        /// <inheritdoc/>
        internal override Task<string> SubmitAsync(UrlBatch batch, bool? zhUrlEncode, CancellationToken cancellationToken) =>
            Client.CreateRefreshTaskAsync(
                batch.Urls,
                batch.FileType,
                batch.FileType == BatchPlanner.Directory ? DirectoryMode : null,
                zhUrlEncode,
                EnterpriseProjectId,
                cancellationToken);
    }
}
