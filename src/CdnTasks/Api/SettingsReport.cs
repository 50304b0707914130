// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Linq;

namespace CdnTasks.Api
{
    /// <summary>The names of the configuration sources, as shown by Get-CdnConfig.</summary>
    public static class SettingSources
    {
        /// <summary>A parameter of the command.</summary>
        public const string Parameter = "Parameter";

        /// <summary>Set-CdnConfig.</summary>
        public const string Session = "Session";

        /// <summary>A CDNTASKS_* (or HUAWEICLOUD_SDK_*) environment variable.</summary>
        public const string Environment = "Environment";

        /// <summary>The built-in default.</summary>
        public const string Default = "Default";
    }

    /// <summary>
    /// The settings in force and, for each, the layer it came from: what Get-CdnConfig shows. The values are the
    /// ones <see cref="CdnSettings.Resolve"/> computes, so the report cannot drift from what commands use.
    /// </summary>
    internal sealed class SettingsReport
    {
        private SettingsReport(CdnSettings settings)
        {
            Settings = settings;
        }

        /// <summary>Gets the merged settings.</summary>
        public CdnSettings Settings { get; }

        /// <summary>Gets the source of each setting by name (Region, Endpoint, TimeoutSec, MaxRetry, MaxRetryDelaySec, RetryBaseDelayMs, ThrottleBudgetSec, RateLimit, Concurrency, Proxy, IamEndpoint).</summary>
        public IDictionary<string, string> Sources { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Gets the IAM endpoint used for domain-id discovery.</summary>
        public Uri IamEndpoint { get; private set; }

        /// <summary>Merges the layers (highest precedence first) and records where each value came from (each layer's Source).</summary>
        /// <param name="layers">The layers; a null one is skipped.</param>
        /// <param name="getVariable">Reads an environment variable.</param>
        /// <exception cref="ArgumentException">The merged settings are not usable.</exception>
        public static SettingsReport Explain(IReadOnlyList<CdnSettingsLayer> layers, Func<string, string> getVariable)
        {
            CdnSettings settings = CdnSettings.Resolve(layers, getVariable);
            var report = new SettingsReport(settings);
            string SourceOf(Func<CdnSettingsLayer, bool> isSet) =>
                layers.Where(l => l != null && isSet(l)).Select(l => l.Source ?? SettingSources.Parameter).FirstOrDefault();

            report.Sources["Region"] = SourceOf(l => !string.IsNullOrWhiteSpace(l.Region)) ?? SettingSources.Default;
            report.Sources["TimeoutSec"] = SourceOf(l => l.TimeoutSec.HasValue) ?? SettingSources.Default;
            report.Sources["MaxRetry"] = SourceOf(l => l.MaxRetry.HasValue) ?? SettingSources.Default;
            report.Sources["MaxRetryDelaySec"] = SourceOf(l => l.MaxRetryDelaySec.HasValue) ?? SettingSources.Default;
            report.Sources["RetryBaseDelayMs"] = SourceOf(l => l.RetryBaseDelayMs.HasValue) ?? SettingSources.Default;
            report.Sources["ThrottleBudgetSec"] = SourceOf(l => l.ThrottleBudgetSec.HasValue) ?? SettingSources.Default;
            report.Sources["RateLimit"] = SourceOf(l => l.RateLimit.HasValue) ?? SettingSources.Default;
            report.Sources["Concurrency"] = SourceOf(l => l.Concurrency.HasValue) ?? SettingSources.Default;

            // The endpoint's source is the one Resolve used, never recomputed here.
            report.Sources["Endpoint"] = settings.EndpointSource;

            string proxyLayer = SourceOf(l => l.Proxy != null);
            report.Sources["Proxy"] = proxyLayer ?? SystemProxyDescription(getVariable);

            report.IamEndpoint = DomainIdDiscovery.IamEndpoint(getVariable, settings.Region);
            report.Sources["IamEndpoint"] = string.IsNullOrEmpty(getVariable(DomainIdDiscovery.IamEndpointVariable))
                ? SettingSources.Default + " (region " + settings.Region + ")"
                : SettingSources.Environment + " (" + DomainIdDiscovery.IamEndpointVariable + ")";
            return report;
        }

        /// <summary>Describes the system proxy that applies when none is configured.</summary>
        public static string SystemProxyDescription(Func<string, string> getVariable)
        {
            foreach (string name in new[] { "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy" })
            {
                if (!string.IsNullOrWhiteSpace(getVariable(name)))
                {
                    return SettingSources.Default + " (system proxy from " + name + ")";
                }
            }

            return SettingSources.Default + " (system proxy settings)";
        }
    }
}
