// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Set-CdnConfig: session defaults (this runspace, in memory) for the region, endpoint, timeout, retries and
    /// their backoff, client-side rate limit, concurrency and proxy. Only the parameters given change; Clear-CdnConfig
    /// removes them again. Precedence: a command's parameter, then these, then CDNTASKS_* variables, then the
    /// built-in defaults.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "CdnConfig")]
    [OutputType(typeof(CdnConfigInfo))]
    public sealed class SetCdnConfigCommand : PSCmdlet
    {
        /// <summary>Gets or sets the region id.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        /// <summary>Gets or sets an endpoint that overrides the region's (https, or http for loopback only).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Endpoint { get; set; }

        /// <summary>Gets or sets the per-request timeout in seconds.</summary>
        [Parameter]
        [ValidateRange(0.001, 86400)]
        public double TimeoutSec { get; set; }

        /// <summary>Gets or sets how many times a failed request is retried (0 = never).</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetry { get; set; }

        /// <summary>Gets or sets the longest wait between two attempts in seconds (also the longest Retry-After honoured).</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public double MaxRetryDelaySec { get; set; }

        /// <summary>Gets or sets the first backoff step in milliseconds (doubled on each retry, with full jitter).</summary>
        [Parameter]
        [ValidateRange(0, 60000)]
        public double RetryBaseDelayMs { get; set; }

        /// <summary>Gets or sets how long, in seconds, one request may keep being throttled (HTTP 429) before it fails (0 = at the first 429).</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public double ThrottleBudgetSec { get; set; }

        /// <summary>Gets or sets the client-side rate limit: requests a second per API, 0 or 'off' for none, 'default' for the documented limits.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateNotNullOrEmpty]
        public string RateLimit { get; set; }

        /// <summary>Gets or sets how many pages may be in flight at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int Concurrency { get; set; }

        /// <summary>Gets or sets the proxy URI (http:// or https://).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Proxy { get; set; }

        /// <summary>Gets or sets the credential for the proxy.</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential ProxyCredential { get; set; }

        /// <summary>Gets or sets a value indicating whether to write the resulting configuration.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            CdnSettingsLayer current = CdnSession.Current.Settings ?? new CdnSettingsLayer();
            CdnSettingsLayer next = SessionSettings.Copy(current);
            bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);
            // Kept as given: a blank value is refused below (never a silent fall-back); CdnSettings trims.
            if (Bound(nameof(Region)))
            {
                next.Region = Region;
            }

            if (Bound(nameof(Endpoint)))
            {
                next.Endpoint = Endpoint;
            }

            if (Bound(nameof(TimeoutSec)))
            {
                next.TimeoutSec = TimeoutSec;
            }

            if (Bound(nameof(MaxRetry)))
            {
                next.MaxRetry = MaxRetry;
            }

            if (Bound(nameof(MaxRetryDelaySec)))
            {
                next.MaxRetryDelaySec = MaxRetryDelaySec;
            }

            if (Bound(nameof(RetryBaseDelayMs)))
            {
                next.RetryBaseDelayMs = RetryBaseDelayMs;
            }

            if (Bound(nameof(ThrottleBudgetSec)))
            {
                next.ThrottleBudgetSec = ThrottleBudgetSec;
            }

            if (Bound(nameof(RateLimit)))
            {
                try
                {
                    next.RateLimit = CdnSettingsLayer.ParseRateLimit(RateLimit);
                }
                catch (ArgumentException)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException($"-RateLimit '{RateLimit}' is not valid: use a number of requests a second per API, 0 or 'off' for no client-side limit, or 'default' for the documented per-API limits."),
                        ErrorIds.InvalidConfiguration,
                        ErrorCategory.InvalidArgument,
                        RateLimit));
                }
            }

            if (Bound(nameof(Concurrency)))
            {
                next.Concurrency = Concurrency;
            }

            if (Bound(nameof(Proxy)))
            {
                next.Proxy = Proxy;
            }

            if (Bound(nameof(ProxyCredential)))
            {
                next.ProxyCredential = ProxyCredential.GetNetworkCredential();
            }

            try
            {
                // Check the new session layer on its own (and with the region's endpoint variable) before keeping it.
                CdnSettings.Resolve(new[] { next }, CdnCmdlet.GetVariable);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidConfiguration, ErrorCategory.InvalidArgument, null));
            }

            CdnSession.Current.Settings = next;
            WriteVerbose("Session configuration updated (this runspace only, in memory): " + SessionSettings.Describe(next) + ".");

            // Say now when a new region is moot because an explicit endpoint is in force (session or environment); the
            // -PassThru report resolves the same layers and says it itself.
            if (PassThru)
            {
                WriteObject(SessionSettings.Report(this, null, null));
            }
            else if (Bound(nameof(Region)) || Bound(nameof(Endpoint)))
            {
                WarnAboutIgnoredRegion(next);
            }
        }

        private void WarnAboutIgnoredRegion(CdnSettingsLayer session)
        {
            CdnSettings effective;
            try
            {
                effective = CdnSettings.Resolve(new[] { session, CdnSettingsLayer.FromEnvironment(CdnCmdlet.GetVariable) }, CdnCmdlet.GetVariable);
            }
            catch (ArgumentException)
            {
                // An unusable environment variable is reported by the command that reads it.
                return;
            }

            foreach (string warning in effective.Warnings)
            {
                WriteWarning(warning);
            }
        }
    }
}
