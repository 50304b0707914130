// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>Helpers shared by the *-CdnConfig cmdlets.</summary>
    internal static class SessionSettings
    {
        /// <summary>Copies a layer (the session layer is replaced, never changed in place, so running commands keep theirs).</summary>
        public static CdnSettingsLayer Copy(CdnSettingsLayer layer) => new CdnSettingsLayer
        {
            Source = SettingSources.Session,
            Region = layer.Region,
            Endpoint = layer.Endpoint,
            TimeoutSec = layer.TimeoutSec,
            MaxRetry = layer.MaxRetry,
            MaxRetryDelaySec = layer.MaxRetryDelaySec,
            RetryBaseDelayMs = layer.RetryBaseDelayMs,
            ThrottleBudgetSec = layer.ThrottleBudgetSec,
            RateLimit = layer.RateLimit,
            Concurrency = layer.Concurrency,
            Proxy = layer.Proxy,
            ProxyCredential = layer.ProxyCredential,
        };

        /// <summary>Describes a layer's set values for a verbose line (no proxy password: the line goes through <see cref="Redaction.Scrub"/>).</summary>
        public static string Describe(CdnSettingsLayer layer)
        {
            var parts = new List<string>();
            void Add(string name, object value)
            {
                if (value != null)
                {
                    parts.Add(string.Format(CultureInfo.InvariantCulture, "{0}={1}", name, value));
                }
            }

            Add("Region", layer.Region);
            Add("Endpoint", layer.Endpoint);
            Add("TimeoutSec", layer.TimeoutSec);
            Add("MaxRetry", layer.MaxRetry);
            Add("MaxRetryDelaySec", layer.MaxRetryDelaySec);
            Add("RetryBaseDelayMs", layer.RetryBaseDelayMs);
            Add("ThrottleBudgetSec", layer.ThrottleBudgetSec);
            Add("RateLimit", layer.RateLimit.HasValue ? RateLimitText(layer.RateLimit.Value) : null);
            Add("Concurrency", layer.Concurrency);
            Add("Proxy", layer.Proxy);
            Add("ProxyCredential", layer.ProxyCredential?.UserName);
            string text = parts.Count == 0 ? "nothing set" : string.Join(", ", parts);
            return Redaction.Scrub(text, SecretSet.Of(null, new[] { layer.ProxyCredential?.Password }));
        }

        /// <summary>Builds Get-CdnConfig's report; a terminating error on the cmdlet when the configuration is unusable.</summary>
        public static CdnConfigInfo Report(PSCmdlet cmdlet, string region, string endpoint)
        {
            var layers = new List<CdnSettingsLayer>
            {
                new CdnSettingsLayer { Source = SettingSources.Parameter, Region = region, Endpoint = endpoint },
                CdnSession.Current.Settings,
            };
            SettingsReport report = null;
            try
            {
                layers.Add(CdnSettingsLayer.FromEnvironment(CdnCmdlet.GetVariable));
                report = SettingsReport.Explain(layers, CdnCmdlet.GetVariable);
            }
            catch (ArgumentException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidConfiguration, ErrorCategory.InvalidArgument, endpoint ?? region));
            }

            CdnSettings settings = report.Settings;
            foreach (string warning in settings.Warnings)
            {
                cmdlet.WriteWarning(warning);
            }

            return new CdnConfigInfo
            {
                Region = settings.Region,
                RegionSource = report.Sources["Region"],
                Endpoint = settings.Endpoints.Select(e => e.GetLeftPart(UriPartial.Authority)).ToArray(),
                EndpointSource = report.Sources["Endpoint"],
                TimeoutSec = settings.Timeout.TotalSeconds,
                TimeoutSecSource = report.Sources["TimeoutSec"],
                MaxRetry = settings.MaxRetry,
                MaxRetrySource = report.Sources["MaxRetry"],
                MaxRetryDelaySec = settings.MaxRetryDelay.TotalSeconds,
                MaxRetryDelaySecSource = report.Sources["MaxRetryDelaySec"],
                RetryBaseDelayMs = settings.BaseRetryDelay.TotalMilliseconds,
                RetryBaseDelayMsSource = report.Sources["RetryBaseDelayMs"],
                ThrottleBudgetSec = settings.ThrottleBudget.TotalSeconds,
                ThrottleBudgetSecSource = report.Sources["ThrottleBudgetSec"],
                RateLimit = RateLimitText(settings.RateLimit),
                RateLimitSource = report.Sources["RateLimit"],
                Concurrency = settings.Concurrency,
                ConcurrencySource = report.Sources["Concurrency"],
                Proxy = Redaction.WithoutUserInfo(settings.Proxy),
                ProxyUserName = settings.ProxyCredential?.UserName,
                ProxySource = report.Sources["Proxy"],
                IamEndpoint = report.IamEndpoint.GetLeftPart(UriPartial.Authority),
                IamEndpointSource = report.Sources["IamEndpoint"],
            };
        }

        /// <summary>Shows a rate limit: 'documented', 'off' or the number a second.</summary>
        public static string RateLimitText(double value) =>
            value < 0 ? "documented" : (value == 0 ? "off" : value.ToString(CultureInfo.InvariantCulture));
    }
}
