// Copyright (c) CdnTasks contributors. MIT License.

using System.Text.RegularExpressions;
using CdnTasks.Api.Batching;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>Tests for <see cref="SubmissionLedger"/>: what a stopped submission reports, request by request.</summary>
    public class SubmissionLedgerTests
    {
        private static BatchPlan Plan(int files, int directories = 0) =>
            BatchPlanner.Plan(
                Enumerable.Range(1, files).Select(i => new UrlItem($"https://www.example.com/f/{i}.js", BatchPlanner.File))
                    .Concat(Enumerable.Range(1, directories).Select(i => new UrlItem($"https://www.example.com/d{i}/", BatchPlanner.Directory))),
                preheat: false);

        [Fact]
        public void AStopNamesTheAcceptedTaskTheRequestInFlightAndEveryUrlNeverSent()
        {
            var ledger = new SubmissionLedger(Plan(2500));
            ledger.Sending(0);
            ledger.Accepted(0, 400123);
            ledger.Sending(1);

            string report = ledger.DescribeStop("Clear-CdnCache", "was stopped (Ctrl+C)", b => "Clear-CdnCache");

            Assert.Contains("Clear-CdnCache was stopped (Ctrl+C) after 2 of 3 requests (2,500 URLs) had been sent.", report);
            Assert.Contains("request 1: task 400123 (1,000 file URLs)", report);
            Assert.Matches(@"May have been processed[^\n]*\n  request 2: 1,000 file URLs, first https://www\.example\.com/f/1001\.js", report);
            Assert.Contains("Never sent (500 URLs)", report);
            string[] listed = Regex.Matches(report, @"(?m)^    (\S+)$").Cast<Match>().Select(m => m.Groups[1].Value).ToArray();
            Assert.Equal(Enumerable.Range(2001, 500).Select(i => $"https://www.example.com/f/{i}.js"), listed);
        }

        [Fact]
        public void FailedAndWithheldRequestsPointToTheirOwnErrorsAndAreNotListedAsNeverSent()
        {
            var ledger = new SubmissionLedger(Plan(1500, 50));
            ledger.Failed(0, mayHaveBeenProcessed: true);
            ledger.Withheld(1);

            string report = ledger.DescribeStop("Clear-CdnCache", "was stopped by an error (-ErrorAction Stop)", b => b.FileType == BatchPlanner.Directory ? "Clear-CdnCache -FileType Directory" : "Clear-CdnCache");

            Assert.Contains("request 1: 1,000 file URLs, may have been processed", report);
            Assert.Contains("request 2: 500 file URLs", report);
            Assert.Contains("Never sent (50 URLs)", report);
            Assert.Contains("request 3: 50 directory URLs; resubmit with: <these URLs> | Clear-CdnCache -FileType Directory", report);
            Assert.DoesNotContain("https://www.example.com/f/1.js", report);
        }

        [Fact]
        public void RequestsUpdatedFromSeveralThreadsAreAllAccounted()
        {
            var ledger = new SubmissionLedger(Plan(50000));
            Parallel.For(0, ledger.Count, i =>
            {
                ledger.Sending(i);
                if (i % 2 == 0)
                {
                    ledger.Accepted(i, 500000 + i);
                }
            });

            var entries = ledger.Snapshot();
            Assert.Equal(25, entries.Count(e => e.State == BatchState.Accepted));
            Assert.Equal(25, entries.Count(e => e.State == BatchState.InFlight));
            Assert.All(entries.Where(e => e.State == BatchState.Accepted), e => Assert.Equal(500000 + e.Number - 1, e.TaskId));
            Assert.Contains("Every request was sent.", ledger.DescribeStop("Clear-CdnCache", "was stopped (Ctrl+C)", b => "Clear-CdnCache"));
        }
    }
}
