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
    /// <summary>Tab completion for the closed sets: -Region, -Status, -TaskType, -FileType, -Mode.</summary>
    public sealed class CdnArgumentCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return ValuesFor(commandName, parameterName)
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
        }

        /// <summary>The values offered for a parameter.</summary>
        internal static IEnumerable<string> ValuesFor(string commandName, string parameterName)
        {
            switch (parameterName?.ToLowerInvariant())
            {
                case "region":
                    return CdnRegions.Names;
                case "status":
                    return string.Equals(commandName, "Get-CdnTask", StringComparison.OrdinalIgnoreCase)
                        ? new[] { "InProcess", "Done" }
                        : Normalize.UrlStatuses;
                case "tasktype":
                    return Normalize.TaskTypes;
                case "filetype":
                    return Normalize.FileTypes;
                case "mode":
                    return Normalize.Modes;
                default:
                    return Array.Empty<string>();
            }
        }
    }
}
