// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Generic;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>Get-CdnQuota: the account's quotas (ShowQuota), including the daily purge and prefetch URL quotas.</summary>
    [Cmdlet(VerbsCommon.Get, "CdnQuota")]
    [OutputType(typeof(CdnQuota))]
    public sealed class GetCdnQuotaCommand : CdnCmdlet
    {
        /// <summary>Gets or sets the quota types to return (wildcards allowed), for example file_refresh or *refresh.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Type { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var patterns = new List<WildcardPattern>();
            foreach (string type in Type ?? new string[0])
            {
                patterns.Add(WildcardPattern.Get(type, WildcardOptions.IgnoreCase));
            }

            RunCancellable(() =>
            {
                IReadOnlyList<CdnQuota> quotas;
                try
                {
                    quotas = Await(Client.GetQuotaAsync(CancellationToken));
                }
                catch (CdnApiException failure)
                {
                    ThrowTerminatingError(ToErrorRecord(failure, null));
                    return;
                }

                foreach (CdnQuota quota in quotas)
                {
                    if (patterns.Count == 0 || patterns.Exists(p => p.IsMatch(quota.Type ?? string.Empty)))
                    {
                        WriteObject(quota);
                    }
                }
            });
        }
    }
}
