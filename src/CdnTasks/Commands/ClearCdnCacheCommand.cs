// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Batching;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Clear-CdnCache: purges cached URLs and directories (CreateRefreshTasks), in as few requests as the
    /// limits allow (1000 file URLs or 100 directory URLs a request), and writes one CdnTask per request. Piped
    /// records of prefetch tasks are left out with one warning: re-purging a failed prefetch is not what it was.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "CdnCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CdnTask))]
    public sealed class ClearCdnCacheCommand : CdnSubmitCmdlet
    {
        private int _prefetchRecords;

        /// <summary>Gets or sets the directory purge mode: All (default) or DetectModifyRefresh (the service's all, detect_modify_refresh).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateCdnValue(CdnValueSet.Mode)]
        public string Mode { get; set; }

        /// <inheritdoc/>
        internal override bool Preheat => false;

        /// <inheritdoc/>
        internal override string OperationText => "Clear-CdnCache (CreateRefreshTasks)";

        /// <inheritdoc/>
        internal override string DirectoryMode => Normalize.Mode.ToService(Mode) ?? "all";

        /// <inheritdoc/>
        internal override Task<long> SubmitAsync(UrlBatch batch, bool? zhUrlEncode, Action beforeSend, CancellationToken cancellationToken) =>
            Client.CreateRefreshTaskAsync(
                batch.Urls,
                batch.FileType,
                batch.FileType == BatchPlanner.Directory ? DirectoryMode : null,
                zhUrlEncode,
                EnterpriseProjectId,
                cancellationToken,
                beforeSend);

        /// <summary>Leaves out a piped object whose TaskType is a prefetch (a Get-CdnUrlTask record, or a CSV row of one).</summary>
        internal override bool Skip(PSObject item)
        {
            object taskType = item.Properties["TaskType"]?.Value;
            if (taskType != null && Normalize.TaskType.TryParse(taskType.ToString(), out string word) && word == Normalize.Prefetch)
            {
                _prefetchRecords++;
                return true;
            }

            return false;
        }

        /// <inheritdoc/>
        internal override void ReportSkipped()
        {
            if (_prefetchRecords > 0)
            {
                WriteWarning(string.Format(
                    System.Globalization.CultureInfo.InvariantCulture,
                    "Left out {0:N0} piped record{1} of prefetch tasks (TaskType Prefetch): Clear-CdnCache purges. To prefetch {2} again, pipe {2} to Import-CdnCache; to purge {3} URL{1} anyway, pipe the URL{1} only (... | ForEach-Object Url | Clear-CdnCache).",
                    _prefetchRecords,
                    _prefetchRecords == 1 ? string.Empty : "s",
                    _prefetchRecords == 1 ? "it" : "them",
                    _prefetchRecords == 1 ? "its" : "their"));
            }
        }
    }
}
