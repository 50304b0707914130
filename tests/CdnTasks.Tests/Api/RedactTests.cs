// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>Tests for <see cref="CdnTransport.Redact"/>: what the debug log may show of each header.</summary>
    public class RedactTests
    {
        private const string Signature = "7be6668032f70418fcc22abc52071e57aff61b84a1d2d1b6b0ea1ad8d2c8bfc0";
        private const string Authorization =
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=" + Signature;

        [Theory]
        [InlineData("Authorization")]
        [InlineData("authorization")]
        [InlineData("AUTHORIZATION")]
        public void AuthorizationLosesTheSignatureAndMasksTheAccessKey(string name)
        {
            string redacted = CdnTransport.Redact(name, Authorization);

            Assert.DoesNotContain(Signature, redacted);
            Assert.DoesNotContain(Signature.Substring(0, 16), redacted);
            Assert.DoesNotContain("HPUAEXAMPLEAK1234567", redacted);
            Assert.Contains("Access=HPUA************4567", redacted);
            Assert.Contains("Signature=<redacted>", redacted);
        }

        [Theory]
        [InlineData("Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==")]
        [InlineData("SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567 Signature=abcdef0123", "abcdef0123")]
        [InlineData("garbage", "garbage")]
        public void UnexpectedAuthorizationValuesLeakNothing(string value, string secretPart)
        {
            string redacted = CdnTransport.Redact("Authorization", value);

            Assert.DoesNotContain(secretPart, redacted);
            Assert.DoesNotContain("HPUAEXAMPLEAK1234567", redacted);
        }

        [Theory]
        [InlineData("X-Security-Token")]
        [InlineData("x-security-token")]
        public void SecurityTokenIsRedacted(string name)
        {
            Assert.Equal("<redacted>", CdnTransport.Redact(name, "gQpjbi1ub3J0aC00iwqwq-very-long-token"));
        }

        [Theory]
        [InlineData("X-Sdk-Date", "20231115T081500Z")]
        [InlineData("X-Domain-Id", "0123456789abcdef0123456789abcdef")]
        [InlineData("Host", "cdn.myhuaweicloud.com")]
        [InlineData("Content-Type", "application/json;charset=UTF-8")]
        [InlineData("X-Request-Id", "abc")]
        public void OtherHeadersAreUnchanged(string name, string value)
        {
            Assert.Equal(value, CdnTransport.Redact(name, value));
        }
    }
}
