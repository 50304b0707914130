// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// Tests for <see cref="TaskIds"/> (issue 13): a task id goes into the request path, so only what the service
    /// issues (digits) is accepted; '%', '?', '#', '/', '..' and blanks would change the path that is signed and sent.
    /// </summary>
    public class TaskIdsTests
    {
        [Theory]
        [InlineData("7620242", "7620242")]
        [InlineData(" 400001 ", "400001")]
        [InlineData("9223372036854775807", "9223372036854775807")]
        public void DigitsAreTaskIds(string raw, string id)
        {
            Assert.True(TaskIds.TryValidate(raw, out string normalised, out string reason));
            Assert.Equal(id, normalised);
            Assert.Null(reason);
        }

        [Theory]
        [InlineData("%41", "it contains '%'")]
        [InlineData("123?x=1", "it contains '?'")]
        [InlineData("123#x", "it contains '#'")]
        [InlineData("../quota", "it contains '.'")]
        [InlineData("1/2", "it contains '/'")]
        [InlineData("12 34", "it contains the character U+0020")]
        [InlineData("12\r\n34", "it contains the character U+000D")]
        [InlineData("abc", "it contains 'a'")]
        [InlineData("-1", "it contains '-'")]
        [InlineData("12345678901234567890", "it has 20 digits, more than the 19")]
        [InlineData("", "The task id is empty")]
        [InlineData("   ", "The task id is empty")]
        [InlineData(null, "The task id is empty")]
        public void AnythingElseIsRefusedWithAReason(string raw, string because)
        {
            Assert.False(TaskIds.TryValidate(raw, out string id, out string reason));
            Assert.Null(id);
            Assert.Contains(because, reason);
            Assert.DoesNotContain("\r", reason);
        }

        [Fact]
        public void TheDetailRequestRefusesAnythingButATaskId()
        {
            Assert.Throws<ArgumentException>(() => CdnClient.TaskDetailRequest("../../quota", null, 1, 1));
            CdnRequest request = CdnClient.TaskDetailRequest(" 7620242 ", null, 1, 1);

            Assert.Equal("/v1.0/cdn/historytasks/7620242/detail", request.Path);
            Assert.Equal("7620242", request.TaskId);
        }
    }
}
