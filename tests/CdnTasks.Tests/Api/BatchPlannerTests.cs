// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Batching;
using Xunit;

namespace CdnTasks.Tests.Api
{
    public class BatchPlannerTests
    {
        private static UrlItem F(string url) => new UrlItem(url, BatchPlanner.File);

        private static UrlItem D(string url) => new UrlItem(url, BatchPlanner.Directory);

        [Fact]
        public void TwoThousandFiveHundredFilesBecomeThreeRequestsInInputOrder()
        {
            var items = Enumerable.Range(0, 2500).Select(i => F($"https://www.example.com/f/{i}.js")).ToList();
            BatchPlan plan = BatchPlanner.Plan(items, preheat: false);
            Assert.Equal(new[] { 1000, 1000, 500 }, plan.Batches.Select(b => b.Urls.Count));
            Assert.Equal(items.Select(i => i.Url), plan.Batches.SelectMany(b => b.Urls));
            Assert.Equal(2500, plan.FileUrls);
            Assert.Equal("2500 URLs in 3 requests", plan.Describe());
        }

        [Fact]
        public void DirectoriesGoInSeparateRequestsOfAtMostOneHundred()
        {
            var items = new List<UrlItem>();
            for (int i = 0; i < 250; i++)
            {
                items.Add(D($"https://www.example.com/d{i}/"));
                items.Add(F($"https://www.example.com/f{i}.css"));
            }

            BatchPlan plan = BatchPlanner.Plan(items, preheat: false);
            Assert.Equal(new[] { "directory", "file", "directory", "directory" }, plan.Batches.Select(b => b.FileType));
            Assert.Equal(new[] { 100, 250, 100, 50 }, plan.Batches.Select(b => b.Urls.Count));
            Assert.All(plan.Batches, b => Assert.All(b.Urls, u => Assert.Equal(b.FileType == "directory", u.EndsWith('/'))));
            Assert.Equal(250, plan.DirectoryUrls);
            Assert.Equal(250, plan.FileUrls);
            Assert.Equal(3, plan.DirectoryRequests);
            Assert.Equal(1, plan.FileRequests);
            Assert.Equal("500 URLs in 4 requests (250 file URLs in 1, 250 directory URLs in 3)", plan.Describe());
        }

        [Fact]
        public void DuplicatesAreDroppedExactlyAndCaseSensitively()
        {
            BatchPlan plan = BatchPlanner.Plan(
                new[]
                {
                    F("https://www.example.com/a.js"),
                    F("https://www.example.com/A.js"),
                    F("https://www.example.com/a.js"),
                    D("https://www.example.com/a/"),
                    F("https://www.example.com/a/"),
                    D("https://www.example.com/a/"),
                },
                preheat: false);
            Assert.Equal(2, plan.DuplicatesDropped);
            Assert.Equal(new[] { "https://www.example.com/a.js", "https://www.example.com/A.js", "https://www.example.com/a/" }, plan.Batches[0].Urls);
            Assert.Equal(new[] { "https://www.example.com/a/" }, plan.Batches[1].Urls);
            Assert.Contains("2 duplicates dropped", plan.Describe());
        }

        [Fact]
        public void PrefetchRefusesDirectoriesAndBatchesByOneThousand()
        {
            Assert.Throws<ArgumentException>(() => BatchPlanner.Plan(new[] { F("https://a.example.com/x"), D("https://a.example.com/d/") }, preheat: true));
            BatchPlan plan = BatchPlanner.Plan(Enumerable.Range(0, 1001).Select(i => F($"https://a.example.com/{i}")), preheat: true);
            Assert.Equal(new[] { 1000, 1 }, plan.Batches.Select(b => b.Urls.Count));
        }

        [Fact]
        public void EmptyInputPlansNothing()
        {
            BatchPlan plan = BatchPlanner.Plan(Array.Empty<UrlItem>(), preheat: false);
            Assert.Empty(plan.Batches);
            Assert.Equal("0 URLs in 0 requests", plan.Describe());
        }

        [Theory]
        [InlineData("https://www.example.com/a.js", false, "file", null)]
        [InlineData("http://www.example.com/dir/", false, "directory", null)]
        [InlineData("HTTPS://www.example.com/a.js", false, "file", null)]
        [InlineData("www.example.com/a.js", false, "file", "not an absolute")]
        [InlineData("ftp://www.example.com/a.js", false, "file", "not an absolute")]
        [InlineData("/relative/a.js", false, "file", "not an absolute")]
        [InlineData("https://", false, "file", "not an absolute")]
        [InlineData("https://www.example.com/a\tb.js", false, "file", "control character")]
        [InlineData("https://www.example.com/a\u00a0b.js", false, "file", "control character")]
        [InlineData("", false, "file", "empty")]
        [InlineData("https://www.example.com/dir/", true, "directory", "directory")]
        [InlineData("https://www.example.com/dir/", true, "file", "ends with '/'")]
        [InlineData("https://www.example.com/dir/", false, "file", null)]
        public void UrlRulesExplainEveryProblem(string url, bool preheat, string fileType, string expected)
        {
            string problem = UrlRules.Problem(url, preheat, fileType);
            if (expected == null)
            {
                Assert.Null(problem);
            }
            else
            {
                Assert.Contains(expected, problem);
            }
        }

        [Theory]
        [InlineData("https://www.example.com/a.js", "https://www.example.com/a.js")]
        [InlineData("https://cdn7.example.com/assets/11/my photo.jpg", "https://cdn7.example.com/assets/11/my%20photo.jpg")]
        [InlineData("https://www.example.com/a b+c&d=e#f/中文.png", "https://www.example.com/a%20b+c&d=e#f/中文.png")]
        [InlineData("https://static.example.net/100%25/a%20b.css", "https://static.example.net/100%25/a%20b.css")]
        public void SpacesAreSentPercentEncodedAndNothingElseChanges(string url, string sent)
        {
            Assert.Equal(sent, UrlRules.ToSend(url));
            Assert.Null(UrlRules.Problem(UrlRules.ToSend(url), false, "file"));
        }

        [Fact]
        public void UrlRulesLimitTheLengthTo4096()
        {
            string prefix = "https://www.example.com/";
            Assert.Null(UrlRules.Problem(prefix + new string('a', 4096 - prefix.Length), false, "file"));
            Assert.Contains("4097 characters", UrlRules.Problem(prefix + new string('a', 4097 - prefix.Length), false, "file"));
        }
    }
}
