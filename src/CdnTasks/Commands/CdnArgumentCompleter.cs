// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Tab completion for the closed sets, one spelling per value (the module's word; the service's spellings
    /// are accepted but not offered): -Region, -Status, -TaskType, -FileType, -Mode, -SortBy, Get-CdnQuota -Type
    /// and Set-CdnConfig -RateLimit.
    /// </summary>
    public sealed class CdnArgumentCompleter : IArgumentCompleter
    {
        /// <summary>The words Set-CdnConfig -RateLimit takes besides a number.</summary>
        internal static readonly string[] RateLimitWords = { "default", "off" };

        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return ValuesFor(commandName, parameterName)
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
        }

        /// <summary>The values offered for a parameter of a command.</summary>
        internal static IEnumerable<string> ValuesFor(string commandName, string parameterName)
        {
            bool isCommand(string name) => string.Equals(commandName, name, StringComparison.OrdinalIgnoreCase);
            switch (parameterName?.ToLowerInvariant())
            {
                case "region":
                    return CdnRegions.Names;
                case "status":
                    return isCommand("Get-CdnTask") ? Normalize.TaskStatus.Words : Normalize.UrlStatus.Words;
                case "tasktype":
                    return Normalize.TaskType.Words;
                case "filetype":
                    // Prefetch takes files only: Import-CdnCache refuses directories, so it does not offer them.
                    return isCommand("Import-CdnCache") ? new[] { Normalize.File } : Normalize.FileType.Words;
                case "mode":
                    return Normalize.Mode.Words;
                case "sortby":
                    return Normalize.SortField.Words;
                case "type":
                    return isCommand("Get-CdnQuota") ? Normalize.QuotaType.Words : Array.Empty<string>();
                case "ratelimit":
                    return RateLimitWords;
                default:
                    return Array.Empty<string>();
            }
        }
    }
}
