// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>Tests for <see cref="CdnRequest.DescribeTarget"/>: the structured TargetObject of API errors (issue 13), taken from the request itself.</summary>
    public class RequestTargetTests
    {
        private static readonly Uri Endpoint = new Uri("https://cdn.myhuaweicloud.com");

        [Fact]
        public void AUrlTaskPageNamesItsWindowAndOffset()
        {
            var request = new CdnRequest(CdnOperation.ShowUrlTaskInfo)
                .With("start_time", 1700000000000)
                .With("end_time", 1700086400000)
                .With("offset", 200)
                .With("limit", 100);

            CdnRequestTarget target = request.DescribeTarget(Endpoint);

            Assert.Equal("ShowUrlTaskInfo", target.Operation);
            Assert.Equal("GET", target.Method);
            Assert.Equal("https://cdn.myhuaweicloud.com", target.Endpoint);
            Assert.Equal("/v1.0/cdn/contentgateway/url-tasks", target.Path);
            Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc), target.StartTimeUtc);
            Assert.Equal(DateTimeKind.Utc, target.StartTimeUtc.Value.Kind);
            Assert.Equal(DateTimeKind.Local, target.StartTime.Value.Kind);
            Assert.Equal(target.StartTimeUtc.Value, target.StartTime.Value.ToUniversalTime());
            Assert.Equal(new DateTime(2023, 11, 15, 22, 13, 20, DateTimeKind.Utc), target.EndTimeUtc);
            Assert.Equal(200, target.Offset);
            Assert.Equal(100, target.PageSize);
            Assert.Null(target.TaskId);
            Assert.Equal("ShowUrlTaskInfo GET https://cdn.myhuaweicloud.com/v1.0/cdn/contentgateway/url-tasks, window 2023-11-14T22:13:20Z to 2023-11-15T22:13:20Z, offset 200", target.ToString());
        }

        [Fact]
        public void ATaskDetailPageNamesItsTaskAndPage()
        {
            CdnRequestTarget target = CdnClient.TaskDetailRequest("7620242", null, 3, 50).DescribeTarget(Endpoint);

            Assert.Equal("7620242", target.TaskId);
            Assert.Equal(100, target.Offset);
            Assert.Equal(50, target.PageSize);
            Assert.Null(target.StartTime);
            Assert.Null(target.StartTimeUtc);
            Assert.StartsWith("ShowHistoryTaskDetails GET https://cdn.myhuaweicloud.com/v1.0/cdn/historytasks/7620242/detail, task 7620242", target.ToString());
        }

        [Fact]
        public void HistoryTasksUseTheirDateRange()
        {
            CdnRequestTarget target = CdnClient.HistoryTasksRequest(new HistoryTaskFilter { StartMs = 0, EndMs = 86400000 }, 1, 10).DescribeTarget(Endpoint);

            Assert.Equal(DateTime.UnixEpoch, target.StartTimeUtc);
            Assert.Equal(DateTime.UnixEpoch.AddDays(1), target.EndTimeUtc);
            Assert.Equal(0, target.Offset);
        }
    }
}
