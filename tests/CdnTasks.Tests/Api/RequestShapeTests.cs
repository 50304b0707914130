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
            CdnRequest request = CdnClient.TaskDetailRequest("7620242", new TaskDetailFilter { Status = "failed", Url = "https://a.example.com/x" }, 2, 50);
            Assert.Equal("/v1.0/cdn/historytasks/7620242/detail", request.Path);
            Assert.Equal(new[] { "page_size=50", "page_number=2", "status=failed", "url=https://a.example.com/x" }, request.Query.Select(q => q.Key + "=" + q.Value));
        }

        [Fact]
        public void TaskStatusIsNormalised()
        {
            Assert.Equal("InProcess", Normalize.TaskStatus("task_inprocess"));
            Assert.Equal("Done", Normalize.TaskStatus("TASK_DONE"));
            Assert.Equal("task_paused", Normalize.TaskStatus("task_paused"));
            Assert.Equal("task_inprocess", Normalize.TaskStatusFilter("inprocess"));
            Assert.Equal("task_done", Normalize.TaskStatusFilter("Done"));
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
