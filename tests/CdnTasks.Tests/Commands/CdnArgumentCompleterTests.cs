// Copyright (c) CdnTasks contributors. MIT License.

using System.Linq;
using System.Management.Automation;
using CdnTasks.Commands;
using Xunit;

namespace CdnTasks.Tests.Commands
{
    /// <summary>Tests for <see cref="CdnArgumentCompleter"/>.</summary>
    public class CdnArgumentCompleterTests
    {
        [Theory]
        [InlineData("Region", "", new[] { "ap-southeast-1", "cn-north-1", "eu-west-101" })]
        [InlineData("Region", "eu", new[] { "eu-west-101" })]
        [InlineData("region", "CN-", new[] { "cn-north-1" })]
        [InlineData("Region", "'ap", new[] { "ap-southeast-1" })]
        [InlineData("Status", "fa", new[] { "failed" })]
        [InlineData("Status", "FA", new[] { "failed" })]
        [InlineData("Status", "\"Pr", new[] { "processing", "preheating" })]
        [InlineData("Status", "", new[] { "processing", "succeed", "failed", "waiting", "refreshing", "preheating" })]
        [InlineData("TaskType", "re", new[] { "Refresh" })]
        [InlineData("FileType", "D", new[] { "directory" })]
        [InlineData("Mode", "", new[] { "all", "detect_modify_refresh" })]
        [InlineData("Status", "zz", new string[0])]
        [InlineData("Url", "", new string[0])]
        public void OffersMatchingValuesIgnoringCase(string parameter, string word, string[] expected)
        {
            CompletionResult[] results = new CdnArgumentCompleter().CompleteArgument("Get-CdnUrlTask", parameter, word, null, null).ToArray();

            Assert.Equal(expected, results.Select(r => r.CompletionText));
            Assert.All(results, r => Assert.Equal(CompletionResultType.ParameterValue, r.ResultType));
        }

        [Fact]
        public void GetCdnTaskStatusesDifferFromUrlStatuses()
        {
            CompletionResult[] results = new CdnArgumentCompleter().CompleteArgument("Get-CdnTask", "Status", "", null, null).ToArray();

            Assert.Equal(new[] { "InProcess", "Done" }, results.Select(r => r.CompletionText));
        }
    }
}
