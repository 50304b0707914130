// Copyright (c) CdnTasks contributors. MIT License.

using System.Text;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    public class RequestShapeTests
    {
        private static string Text(byte[] body) => Encoding.UTF8.GetString(body);

        [Fact]
        public void RefreshBodyMatchesVectorC2Exactly()
        {
            byte[] body = CdnClient.RefreshBody(new[] { "https://www.example.com/img/" }, "directory", "all", null);
            Assert.Equal("{\"refresh_task\":{\"type\":\"directory\",\"mode\":\"all\",\"urls\":[\"https://www.example.com/img/\"]}}", Text(body));
        }

        [Fact]
        public void RefreshBodyForFilesLeavesModeOut()
        {
            byte[] body = CdnClient.RefreshBody(new[] { "https://www.bxxx/1.txt", "http://www.bxxx/2.txt" }, "file", null, null);
            Assert.Equal("{\"refresh_task\":{\"type\":\"file\",\"urls\":[\"https://www.bxxx/1.txt\",\"http://www.bxxx/2.txt\"]}}", Text(body));
        }

        [Fact]
        public void ZhUrlEncodeIsPresentOnlyWhenSetAndInItsPlace()
        {
            byte[] on = CdnClient.RefreshBody(new[] { "https://www.example.com/a.js" }, "directory", "detect_modify_refresh", true);
            Assert.Equal("{\"refresh_task\":{\"type\":\"directory\",\"mode\":\"detect_modify_refresh\",\"zh_url_encode\":true,\"urls\":[\"https://www.example.com/a.js\"]}}", Text(on));
            byte[] off = CdnClient.RefreshBody(new[] { "https://www.example.com/a.js" }, "file", null, false);
            Assert.Equal("{\"refresh_task\":{\"type\":\"file\",\"zh_url_encode\":false,\"urls\":[\"https://www.example.com/a.js\"]}}", Text(off));
        }

        [Fact]
        public void PreheatingBodyShape()
        {
            Assert.Equal(
                "{\"preheating_task\":{\"urls\":[\"https://www.example.com/big.iso\"]}}",
                Text(CdnClient.PreheatingBody(new[] { "https://www.example.com/big.iso" }, null)));
            Assert.Equal(
                "{\"preheating_task\":{\"zh_url_encode\":true,\"urls\":[\"https://www.example.com/big.iso\"]}}",
                Text(CdnClient.PreheatingBody(new[] { "https://www.example.com/big.iso" }, true)));
        }

        [Theory]
        [InlineData(0, 100, 1)]
        [InlineData(100, 100, 2)]
        [InlineData(2500, 500, 6)]
        [InlineData(0, 1, 1)]
        [InlineData(9999 * 5, 5, 10000)]
        public void OffsetsBecomePageNumbers(long offset, int pageSize, int expected)
        {
            Assert.Equal(expected, CdnClient.PageNumberOf(offset, pageSize));
        }

        [Theory]
        [InlineData(50, 100)]
        [InlineData(-1, 100)]
        [InlineData(0, 0)]
        [InlineData(0, 10001)]
        [InlineData(65535L * 10, 10)]
        public void UnalignedOrOutOfRangePagingIsRefused(long offset, int pageSize)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => CdnClient.PageNumberOf(offset, pageSize));
        }

        [Fact]
        public void HistoryRequestAlwaysSendsPageSizeAndNumberTogether()
        {
            CdnRequest request = CdnClient.HistoryTasksRequest(new HistoryTaskFilter(), 3, 100);
            Assert.Equal("/v1.0/cdn/historytasks", request.Path);
            Assert.Equal(new[] { "page_size=100", "page_number=3" }, request.Query.Select(q => q.Key + "=" + q.Value));
        }

        [Fact]
        public void HistoryRequestSendsEveryFilterAndOrderFieldOnlyWithOrderType()
        {
            var filter = new HistoryTaskFilter
            {
                EnterpriseProjectId = "0",
                Status = "task_done",
                StartMs = 1000,
                EndMs = 2000,
                OrderField = "failed",
                OrderType = "asc",
                FileType = "directory",
                TaskType = "preheating",
            };
            CdnRequest request = CdnClient.HistoryTasksRequest(filter, 1, 10000);
            Assert.Equal(
                new[] { "enterprise_project_id=0", "page_size=10000", "page_number=1", "status=task_done", "start_date=1000", "end_date=2000", "order_field=failed", "order_type=asc", "file_type=directory", "task_type=preheating" },
                request.Query.Select(q => q.Key + "=" + q.Value));

            filter.OrderType = null;
            Assert.DoesNotContain(CdnClient.HistoryTasksRequest(filter, 1, 10).Query, q => q.Key.StartsWith("order_", StringComparison.Ordinal));
        }

        [Fact]
        public void DetailRequestHasTheIdInThePathAndPagingTogether()
        {
            CdnRequest request = CdnClient.TaskDetailRequest("7620242", new TaskDetailFilter { Status = "failed", Url = "https://a.example.com/x", CreatedAfterMs = 1764547200000 }, 2, 50);
            Assert.Equal("/v1.0/cdn/historytasks/7620242/detail", request.Path);
            Assert.Equal(new[] { "page_size=50", "page_number=2", "status=failed", "url=https://a.example.com/x", "create_time=1764547200000" }, request.Query.Select(q => q.Key + "=" + q.Value));
        }

        [Fact]
        public void DetailRequestLooksFifteenDaysBackUnlessToldWhere()
        {
            // Without create_time the service looks 7 days back only, though it keeps details for 15.
            DateTimeOffset before = DateTimeOffset.UtcNow;
            CdnRequest request = CdnClient.TaskDetailRequest("7620242", null, 1, 1);
            DateTimeOffset after = DateTimeOffset.UtcNow;
            long sent = long.Parse(request.Query.Single(q => q.Key == "create_time").Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(sent, CdnClient.DetailSearchStart(before), CdnClient.DetailSearchStart(after));
            Assert.Equal(DateTimeOffset.Parse("2026-11-16T12:10:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), CdnClient.DetailSearchStart(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        }

        [Theory]
        [InlineData(CdnValueSet.TaskStatus, "task_inprocess", "Running")]
        [InlineData(CdnValueSet.TaskStatus, "TASK_DONE", "Completed")]
        [InlineData(CdnValueSet.TaskStatus, "task_paused", "task_paused")]
        [InlineData(CdnValueSet.UrlStatus, "SUCCEED", "Succeeded")]
        [InlineData(CdnValueSet.UrlStatus, "refreshing", "Purging")]
        [InlineData(CdnValueSet.TaskType, "REFRESH", "Purge")]
        [InlineData(CdnValueSet.TaskType, "preheating", "Prefetch")]
        [InlineData(CdnValueSet.TaskType, "REFRESH_AFTER_PREHEATING", "REFRESH_AFTER_PREHEATING")]
        [InlineData(CdnValueSet.Mode, "detect_modify_refresh", "DetectModifyRefresh")]
        [InlineData(CdnValueSet.FailureClass, "ORIGIN_ERROR", "OriginError")]
        [InlineData(CdnValueSet.QuotaType, "file_refresh", "FilePurge")]
        [InlineData(CdnValueSet.QuotaType, "ip_filter", "IpFilter")]
        [InlineData(CdnValueSet.QuotaType, "brand_new_quota", "brand_new_quota")]
        public void ServiceValuesBecomeTheModulesWordsOrPassThrough(CdnValueSet set, string sent, string expected)
        {
            Assert.Equal(expected, Normalize.Of(set).FromService(sent));
        }

        [Theory]
        [InlineData(CdnValueSet.TaskStatus, "Running", "task_inprocess")]
        [InlineData(CdnValueSet.TaskStatus, "inprocess", "task_inprocess")]
        [InlineData(CdnValueSet.TaskStatus, "Done", "task_done")]
        [InlineData(CdnValueSet.TaskStatus, "completed", "task_done")]
        [InlineData(CdnValueSet.UrlStatus, "Succeeded", "succeed")]
        [InlineData(CdnValueSet.UrlStatus, "success", "succeed")]
        [InlineData(CdnValueSet.UrlStatus, "FAILED", "failed")]
        [InlineData(CdnValueSet.UrlStatus, "Purging", "refreshing")]
        [InlineData(CdnValueSet.TaskType, "Purge", "refresh")]
        [InlineData(CdnValueSet.TaskType, "Refresh", "refresh")]
        [InlineData(CdnValueSet.TaskType, "prefetch", "preheating")]
        [InlineData(CdnValueSet.TaskType, "preheat", "preheating")]
        [InlineData(CdnValueSet.Mode, "DetectModifyRefresh", "detect_modify_refresh")]
        [InlineData(CdnValueSet.Mode, "detect-modify-refresh", "detect_modify_refresh")]
        [InlineData(CdnValueSet.SortField, "Succeeded", "succeed")]
        [InlineData(CdnValueSet.SortField, "create_time", "create_time")]
        [InlineData(CdnValueSet.UrlStatus, "done", null)]
        [InlineData(CdnValueSet.TaskType, "erase", null)]
        public void WordsUsersTypeBecomeTheServicesSpelling(CdnValueSet set, string typed, string expected)
        {
            Assert.Equal(expected, Normalize.Of(set).ToService(typed));
        }

        [Fact]
        public void EveryWordIsItsOwnSpellingAndNoSpellingIsShared()
        {
            foreach (CdnValueSet set in Enum.GetValues<CdnValueSet>())
            {
                Vocabulary words = Normalize.Of(set);
                Assert.Equal(words.Words.Length, words.Words.Distinct(StringComparer.OrdinalIgnoreCase).Count());
                for (int i = 0; i < words.Words.Length; i++)
                {
                    Assert.True(words.TryParse(words.Words[i], out string word));
                    Assert.Equal(words.Words[i], word);
                    Assert.Equal(words.Wires[i], words.ToService(words.Words[i]));
                    Assert.Equal(words.Words[i], words.FromService(words.Wires[i]));
                }
            }
        }

        [Theory]
        [InlineData("7620242", 7620242)]
        [InlineData("1", 1)]
        public void ACreateAnswerGivesANumericTaskId(string sent, long expected)
        {
            Assert.Equal(expected, CdnClient.RequireId(sent, CdnOperation.CreateRefreshTasks, "refresh_task"));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("task-7")]
        public void ACreateAnswerWithoutANumericIdIsMalformedAndMayHaveBeenProcessed(string sent)
        {
            CdnApiException failure = Assert.Throws<CdnApiException>(() => CdnClient.RequireId(sent, CdnOperation.CreateRefreshTasks, "refresh_task"));
            Assert.Equal(CdnFailureKind.MalformedResponse, failure.Kind);
            Assert.True(failure.MayHaveBeenProcessed);
        }

        [Fact]
        public void StringIdsBecomeStableDistinctKeys()
        {
            Assert.Equal(7620242, CdnClient.IdKey("7620242"));
            Assert.Equal(CdnClient.IdKey("abc"), CdnClient.IdKey("abc"));
            Assert.NotEqual(CdnClient.IdKey("abc"), CdnClient.IdKey("abd"));
            Assert.True(CdnClient.IdKey("abc") < 0);
        }
    }
}
