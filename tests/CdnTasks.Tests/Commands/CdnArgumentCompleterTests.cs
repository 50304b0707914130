// Copyright (c) CdnTasks contributors. MIT License.

using System.Management.Automation;
using CdnTasks.Commands;
using Xunit;

namespace CdnTasks.Tests.Commands
{
    /// <summary>Tests for <see cref="CdnArgumentCompleter"/>.</summary>
    public class CdnArgumentCompleterTests
    {
        [Theory]
        [InlineData("Get-CdnUrlTask", "Region", "", new[] { "ap-southeast-1", "cn-north-1", "eu-west-101" })]
        [InlineData("Get-CdnUrlTask", "Region", "eu", new[] { "eu-west-101" })]
        [InlineData("Get-CdnUrlTask", "region", "CN-", new[] { "cn-north-1" })]
        [InlineData("Get-CdnUrlTask", "Region", "'ap", new[] { "ap-southeast-1" })]
        [InlineData("Get-CdnUrlTask", "Status", "fa", new[] { "Failed" })]
        [InlineData("Get-CdnUrlTask", "Status", "FA", new[] { "Failed" })]
        [InlineData("Get-CdnUrlTask", "Status", "\"Pr", new[] { "Processing", "Prefetching" })]
        [InlineData("Get-CdnUrlTask", "Status", "", new[] { "Waiting", "Processing", "Purging", "Prefetching", "Succeeded", "Failed" })]
        [InlineData("Get-CdnUrlTask", "TaskType", "", new[] { "Purge", "Prefetch" })]
        [InlineData("Get-CdnUrlTask", "FileType", "D", new[] { "Directory" })]
        [InlineData("Clear-CdnCache", "FileType", "", new[] { "File", "Directory" })]
        [InlineData("Import-CdnCache", "FileType", "", new[] { "File" })]
        [InlineData("Clear-CdnCache", "Mode", "", new[] { "All", "DetectModifyRefresh" })]
        [InlineData("Get-CdnTask", "Status", "", new[] { "Running", "Completed" })]
        [InlineData("Get-CdnTask", "SortBy", "", new[] { "CreateTime", "TaskType", "Total", "Processing", "Succeeded", "Failed" })]
        [InlineData("Get-CdnQuota", "Type", "F", new[] { "FilePurge", "FlexibleOrigin", "FlexibleOriginMatchValue" })]
        [InlineData("Set-CdnConfig", "RateLimit", "", new[] { "default", "off" })]
        [InlineData("Get-CdnUrlTask", "Status", "zz", new string[0])]
        [InlineData("Get-CdnUrlTask", "Url", "", new string[0])]
        public void OffersOneSpellingPerValueMatchingIgnoringCase(string command, string parameter, string word, string[] expected)
        {
            CompletionResult[] results = new CdnArgumentCompleter().CompleteArgument(command, parameter, word, null, null).ToArray();

            Assert.Equal(expected, results.Select(r => r.CompletionText));
            Assert.All(results, r => Assert.Equal(CompletionResultType.ParameterValue, r.ResultType));
        }

        [Fact]
        public void EveryQuotaTypeIsOffered()
        {
            CompletionResult[] results = new CdnArgumentCompleter().CompleteArgument("Get-CdnQuota", "Type", "", null, null).ToArray();

            Assert.Equal(21, results.Length);
            Assert.Equal(new[] { "FilePurge", "DirectoryPurge", "Prefetch" }, results.Take(3).Select(r => r.CompletionText));
        }
    }
}
