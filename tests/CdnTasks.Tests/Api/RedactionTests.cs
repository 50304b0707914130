// Copyright (c) CdnTasks contributors. MIT License.

using System.Net;
using System.Security;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// Tests for <see cref="Redaction"/>: what the debug log may show of each header, and what <see cref="Redaction.Scrub"/>
    /// removes from any message (known secret values, and by pattern tokens, signatures, credentials in URLs and headers).
    /// </summary>
    public class RedactionTests
    {
        private const string Signature = "7be6668032f70418fcc22abc52071e57aff61b84a1d2d1b6b0ea1ad8d2c8bfc0";
        private const string Authorization =
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=" + Signature;

        private const string Token = "gQpjbi1ub3J0aC00iwqwq-very-long-token";
        private const string SecretKey = "example-secret-key-0123456789abcdef";

        [Theory]
        [InlineData("Authorization")]
        [InlineData("authorization")]
        [InlineData("AUTHORIZATION")]
        public void AuthorizationLosesTheSignatureAndMasksTheAccessKey(string name)
        {
            string redacted = Redaction.Header(name, Authorization);

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
            string redacted = Redaction.Header("Authorization", value);

            Assert.DoesNotContain(secretPart, redacted);
            Assert.DoesNotContain("HPUAEXAMPLEAK1234567", redacted);
        }

        [Theory]
        [InlineData("X-Security-Token")]
        [InlineData("x-security-token")]
        [InlineData("Proxy-Authorization")]
        public void SecurityTokenAndProxyCredentialsAreRedacted(string name)
        {
            Assert.Equal("<redacted>", Redaction.Header(name, Token));
        }

        [Theory]
        [InlineData("X-Sdk-Date", "20231115T081500Z")]
        [InlineData("X-Domain-Id", "0123456789abcdef0123456789abcdef")]
        [InlineData("Host", "cdn.myhuaweicloud.com")]
        [InlineData("Content-Type", "application/json;charset=UTF-8")]
        [InlineData("X-Request-Id", "abc")]
        public void OtherHeadersAreUnchanged(string name, string value)
        {
            Assert.Equal(value, Redaction.Header(name, value));
        }

        /// <summary>Echoes of the request, in the forms a proxy or gateway writes them, lose the token and the signature.</summary>
        [Theory]
        [InlineData("X-Security-Token: " + Token + "\r\nHost: a")]
        [InlineData("{\"headers\":{\"x-security-token\":\"" + Token + "\",\"host\":\"a\"}}")]
        [InlineData("<tr><td>X-Security-Token</td></tr> x-security-token=" + Token + "&a=b")]
        [InlineData("security_token = " + Token)]
        [InlineData("{'SecurityToken': '" + Token + "'}")]
        public void TokenEchoesAreRemovedByPattern(string text)
        {
            string scrubbed = Redaction.Scrub(text);

            Assert.DoesNotContain(Token, scrubbed);
            Assert.Contains("<redacted>", scrubbed);
        }

        [Theory]
        [InlineData("authorization: " + Authorization)]
        [InlineData("{\"Authorization\":\"" + Authorization + "\"}")]
        [InlineData("signature=" + Signature)]
        public void SignaturesAreRemovedByPattern(string text)
        {
            string scrubbed = Redaction.Scrub(text);

            Assert.DoesNotContain(Signature, scrubbed);
            Assert.DoesNotContain(Signature.Substring(8, 16), scrubbed);
        }

        [Theory]
        [InlineData("The proxy tunnel request to proxy 'http://alice:pa55word@proxy:3128/' failed", "pa55word", "alice")]
        [InlineData("HTTPS_PROXY=https://bob:s%40cret@10.0.0.1:8080", "s%40cret", "bob")]
        [InlineData("Proxy-Authorization: Basic YWxpY2U6cGE1NXdvcmQ=", "YWxpY2U6cGE1NXdvcmQ=", "Proxy-Authorization: Basic")]
        [InlineData("\"authorization\": \"Bearer eyJhbGciOi.payload.sig\"", "eyJhbGciOi", "Bearer")]
        public void CredentialsInUrlsAndHeadersAreRemovedByPattern(string text, string secret, string kept)
        {
            string scrubbed = Redaction.Scrub(text);

            Assert.DoesNotContain(secret, scrubbed);
            Assert.Contains(kept, scrubbed);
        }

        /// <summary>Known secrets go wherever they appear, in any text, even where no pattern would find them.</summary>
        [Fact]
        public void KnownSecretValuesAreRemovedWherever()
        {
            SecretSet secrets = SecretSet.Of(new[] { Secure(SecretKey), Secure(Token) }, new[] { "proxy p@ss" });
            string text = $"body: {SecretKey}; echoed <b>{Token}</b>{Token}; proxy password proxy p@ss or escaped {System.Uri.EscapeDataString("proxy p@ss")}.";

            string scrubbed = Redaction.Scrub(text, secrets);

            Assert.DoesNotContain(SecretKey, scrubbed);
            Assert.DoesNotContain(Token, scrubbed);
            Assert.DoesNotContain("p@ss", scrubbed);
            Assert.DoesNotContain("p%40ss", scrubbed);
            Assert.Equal("body: <redacted>; echoed <b><redacted></b><redacted>; proxy password <redacted> or escaped <redacted>.", scrubbed);
        }

        [Fact]
        public void TheSecretsOfACredentialAndTheProxyFormOneSet()
        {
            var credential = new CdnCredential("HPUAEXAMPLEAK1234567", Secure(SecretKey), Secure(Token), null, "Test");
            CdnSettings settings = CdnSettings.Resolve(new[] { new CdnSettingsLayer { ProxyCredential = new NetworkCredential("u", "proxy-password-1") } }, _ => null);

            string scrubbed = Redaction.Scrub($"{SecretKey} {Token} proxy-password-1 HPUAEXAMPLEAK1234567", SecretSet.Of(credential, settings));

            Assert.Equal("<redacted> <redacted> <redacted> HPUAEXAMPLEAK1234567", scrubbed);
        }

        /// <summary>Ordinary messages (ours, with words like password or key) are left as they are.</summary>
        [Theory]
        [InlineData("Provide credentials: -Credential (user name = access key, password = secret key), or -AccessKey with -SecretKey.")]
        [InlineData("GET /v1.0/cdn/historytasks/7620242/detail -> 200 in 12 ms, request id abc; task: 7620242")]
        [InlineData("Authorization: SDK-HMAC-SHA256 Access=HPUA************0001, SignedHeaders=..., Signature=<redacted>")]
        [InlineData("endpoint https://cdn.myhuaweicloud.com:443 (Default (region cn-north-1))")]
        [InlineData("")]
        [InlineData(null)]
        public void OrdinaryTextIsUnchanged(string text)
        {
            Assert.Equal(text, Redaction.Scrub(text, SecretSet.Of(new[] { Secure(SecretKey) }, new[] { "pw" })));
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
