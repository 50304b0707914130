// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Json;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>Tests for <see cref="ErrorParser.TryParse"/>: the three error shapes of spec §5.1 and bodies that are not errors.</summary>
    public class ErrorParserTests
    {
        [Theory]
        [InlineData(
            """{"error_code":"CDN.0001","error_msg":"Parameter error"}""",
            "CDN.0001", "Parameter error", null)]
        [InlineData(
            """{"error":{"error_code":"CDN.0004","error_msg":"the customer is not in the whitelist"}}""",
            "CDN.0004", "the customer is not in the whitelist", null)]
        [InlineData(
            """{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"abc"}""",
            "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail", "abc")]
        [InlineData(
            """{"code":"IAM.0011","message":"Request parameter error"}""",
            "IAM.0011", "Request parameter error", null)]
        [InlineData(
            """{"errorCode":"CDN.0002","errorMsg":"not authenticated"}""",
            "CDN.0002", "not authenticated", null)]
        [InlineData(
            """{"error_code":"CDN.0000"}""",
            "CDN.0000", null, null)]
        [InlineData(
            """{"error_code":400,"error_msg":"numeric code"}""",
            "400", "numeric code", null)]
        [InlineData(
            """  {"error_msg" : "spaced",  "error_code" : "CDN.0003" }  """,
            "CDN.0003", "spaced", null)]
        public void ReadsEveryKnownShape(string body, string code, string message, string requestId)
        {
            bool found = ErrorParser.TryParse(body, out string actualCode, out string actualMessage, out string actualRequestId);

            Assert.True(found);
            Assert.Equal(code, actualCode);
            Assert.Equal(message, actualMessage);
            Assert.Equal(requestId, actualRequestId);
        }

        [Fact]
        public void GatewayShapeReadsTheRequestId()
        {
            Assert.True(ErrorParser.TryParse(
                """{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"abc"}""",
                out string code,
                out _,
                out string requestId));

            Assert.Equal("APIGW.0301", code);
            Assert.Equal("abc", requestId);
        }

        [Theory]
        [InlineData("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>")]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(null)]
        [InlineData("""{"error_code":"CDN.0001","error_msg":"Param""")]
        [InlineData("""{"error":{"error_code":""")]
        [InlineData("not json at all")]
        [InlineData("""{"total":0,"result":[]}""")]
        [InlineData("""["error_code","CDN.0001"]""")]
        [InlineData("\"CDN.0001\"")]
        [InlineData("null")]
        public void NonErrorBodiesAreNotParsed(string body)
        {
            bool found = ErrorParser.TryParse(body, out string code, out string message, out _);

            Assert.False(found);
            Assert.Null(code);
            Assert.Null(message);
        }
    }
}
