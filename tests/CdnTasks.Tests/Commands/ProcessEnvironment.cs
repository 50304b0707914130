// Copyright (c) CdnTasks contributors. MIT License.

using Xunit;

namespace CdnTasks.Tests.Commands
{
    /// <summary>Tests that change process environment variables run in this collection, never in parallel with anything.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessEnvironmentCollection
    {
        public const string Name = "Process environment";
    }

    /// <summary>Sets process environment variables and restores the previous values when disposed.</summary>
    internal sealed class EnvironmentScope : IDisposable
    {
        /// <summary>Every variable the module reads; a scope clears those it is not told to set.</summary>
        public static readonly string[] ModuleVariables =
        {
            "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_DOMAIN_ID",
            "CLOUD_SDK_AK", "CLOUD_SDK_SK", "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
            "HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", "HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1", "HUAWEICLOUD_SDK_REGION_CDN_EU_WEST_101",
            "CDNTASKS_REGION", "CDNTASKS_ENDPOINT", "CDNTASKS_PROXY", "CDNTASKS_TIMEOUT_SEC", "CDNTASKS_CONCURRENCY",
            "CDNTASKS_MAX_RETRY", "CDNTASKS_RATE_LIMIT",
        };

        private readonly Dictionary<string, string> _saved = new Dictionary<string, string>();

        /// <param name="variables">The values to set; every other module variable is cleared for the scope.</param>
        public EnvironmentScope(IDictionary<string, string> variables)
        {
            foreach (string name in ModuleVariables)
            {
                Set(name, variables.TryGetValue(name, out string value) ? value : null);
            }

            foreach (KeyValuePair<string, string> variable in variables)
            {
                Set(variable.Key, variable.Value);
            }
        }

        public void Dispose()
        {
            foreach (KeyValuePair<string, string> saved in _saved)
            {
                Environment.SetEnvironmentVariable(saved.Key, saved.Value);
            }
        }

        private void Set(string name, string value)
        {
            if (!_saved.ContainsKey(name))
            {
                _saved[name] = Environment.GetEnvironmentVariable(name);
            }

            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
