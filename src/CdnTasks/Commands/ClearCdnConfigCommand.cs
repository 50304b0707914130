// Copyright (c) CdnTasks contributors. MIT License.

using System.Linq;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Clear-CdnConfig: removes session settings made with Set-CdnConfig, all of them or the ones named by
    /// -Name, so that the environment (CDNTASKS_*) and the built-in defaults apply again.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "CdnConfig")]
    public sealed class ClearCdnConfigCommand : PSCmdlet
    {
        /// <summary>Gets or sets the settings to clear (all when omitted).</summary>
        [Parameter(Position = 0)]
        [ValidateSet("Region", "Endpoint", "TimeoutSec", "MaxRetry", "MaxRetryDelaySec", "RetryBaseDelayMs", "ThrottleBudgetSec", "RateLimit", "Concurrency", "Proxy", "ProxyCredential", IgnoreCase = true)]
        public string[] Name { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (Name == null || Name.Length == 0)
            {
                CdnSession.Current.Settings = new CdnSettingsLayer { Source = SettingSources.Session };
                WriteVerbose("Every session setting was cleared.");
                return;
            }

            CdnSettingsLayer next = SessionSettings.Copy(CdnSession.Current.Settings ?? new CdnSettingsLayer());
            foreach (string name in Name.Select(n => n.ToLowerInvariant()).Distinct())
            {
                switch (name)
                {
                    case "region": next.Region = null; break;
                    case "endpoint": next.Endpoint = null; break;
                    case "timeoutsec": next.TimeoutSec = null; break;
                    case "maxretry": next.MaxRetry = null; break;
                    case "maxretrydelaysec": next.MaxRetryDelaySec = null; break;
                    case "retrybasedelayms": next.RetryBaseDelayMs = null; break;
                    case "throttlebudgetsec": next.ThrottleBudgetSec = null; break;
                    case "ratelimit": next.RateLimit = null; break;
                    case "concurrency": next.Concurrency = null; break;
                    case "proxy": next.Proxy = null; break;
                    case "proxycredential": next.ProxyCredential = null; break;
                }
            }

            CdnSession.Current.Settings = next;
            WriteVerbose("Cleared the session settings: " + string.Join(", ", Name) + ".");
        }
    }
}
