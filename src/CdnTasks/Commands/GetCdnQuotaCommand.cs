// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Get-CdnQuota: the account's quotas (ShowQuota), including the daily purge and prefetch URL quotas. -Type
    /// matches the module's names (FilePurge) and the service's (file_refresh), with wildcards; a name without
    /// wildcards that matches no quota is a non-terminating ObjectNotFound error, as Get-Service -Name does.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CdnQuota")]
    [OutputType(typeof(CdnQuota))]
    public sealed class GetCdnQuotaCommand : CdnCmdlet
    {
        /// <summary>Gets or sets the quota types to return (wildcards allowed), for example FilePurge, *Purge or file_refresh.</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Type { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            string[] types = Type ?? Array.Empty<string>();
            var patterns = types.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToArray();

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

                var matched = new bool[patterns.Length];
                foreach (CdnQuota quota in quotas)
                {
                    bool wanted = patterns.Length == 0;
                    for (int i = 0; i < patterns.Length; i++)
                    {
                        if (patterns[i].IsMatch(quota.Type ?? string.Empty) || patterns[i].IsMatch(quota.ServiceType ?? string.Empty))
                        {
                            matched[i] = true;
                            wanted = true;
                        }
                    }

                    if (wanted)
                    {
                        WriteObject(quota);
                    }
                }

                for (int i = 0; i < types.Length; i++)
                {
                    if (!matched[i] && !WildcardPattern.ContainsWildcardCharacters(types[i]))
                    {
                        string known = string.Join(", ", quotas.Select(q => q.Type));
                        string message = $"The account has no quota of type '{types[i]}'. Its quota types are: {known}.";
                        WriteError(new ErrorRecord(new ItemNotFoundException(message), ErrorIds.QuotaTypeNotFound, ErrorCategory.ObjectNotFound, types[i])
                        {
                            ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Use one of the types listed (tab completion offers them), or a wildcard such as *Purge." },
                        });
                    }
                }
            });
        }
    }
}
