// Copyright (c) CdnTasks contributors. MIT License.

using System.Text;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>Tests for <see cref="CredentialChain"/> and <see cref="CdnCredential"/>. The environment is a dictionary.</summary>
    public class CredentialTests
    {
        private const string ParameterAk = "PARAMAKAAAAAAAAAAAA1";
        private const string SessionAk = "SESSIONAKBBBBBBBBBB2";
        private const string HuaweiAk = "HUAWEIAKCCCCCCCCCCC3";
        private const string CloudAk = "CLOUDAKDDDDDDDDDDDD4";

        private static readonly Dictionary<string, string> s_fullEnvironment = new Dictionary<string, string>
        {
            ["HUAWEICLOUD_SDK_AK"] = HuaweiAk,
            ["HUAWEICLOUD_SDK_SK"] = "huawei-secret",
            ["CLOUD_SDK_AK"] = CloudAk,
            ["CLOUD_SDK_SK"] = "cloud-secret",
        };

        [Fact]
        public void ParametersBeatSessionBeatHuaweiVariablesBeatCloudVariables()
        {
            CdnCredential parameter = Credential(ParameterAk, "p-secret", source: "parameter");
            CdnCredential session = Credential(SessionAk, "s-secret", source: "session");
            Func<string, string> env = Env(s_fullEnvironment);

            Assert.Equal(ParameterAk, CredentialChain.Resolve(parameter, session, env, null, null).AccessKey);
            Assert.Equal(SessionAk, CredentialChain.Resolve(null, session, env, null, null).AccessKey);

            CdnCredential huawei = CredentialChain.Resolve(null, null, env, null, null);
            Assert.Equal(HuaweiAk, huawei.AccessKey);
            Assert.Equal("huawei-secret", SecretOf(huawei));
            Assert.Equal("Environment", huawei.Source);

            var cloudOnly = s_fullEnvironment.Where(kv => kv.Key.StartsWith("CLOUD_", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
            CdnCredential cloud = CredentialChain.Resolve(null, null, Env(cloudOnly), null, null);
            Assert.Equal(CloudAk, cloud.AccessKey);
            Assert.Equal("cloud-secret", SecretOf(cloud));
            Assert.Equal("Environment", cloud.Source);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        public void HuaweiAccessKeyWithoutSecretIsAnErrorNotAFallBackToCloudVariables(string secret)
        {
            var env = new Dictionary<string, string>(s_fullEnvironment) { ["HUAWEICLOUD_SDK_SK"] = secret };

            var ex = Assert.Throws<CdnCredentialException>(() => CredentialChain.Resolve(null, null, Env(env), null, null));
            Assert.Contains("HUAWEICLOUD_SDK_SK is not", ex.Message);
        }

        [Fact]
        public void FileIsTheLastResortAndOnlyReadWhenNeeded()
        {
            int reads = 0;
            Func<CdnCredential> file = () =>
            {
                reads++;
                return Credential("FILEAKEEEEEEEEEEEEE5", "f-secret", source: "file");
            };

            Assert.Equal(HuaweiAk, CredentialChain.Resolve(null, null, Env(s_fullEnvironment), file, null).AccessKey);
            Assert.Equal(0, reads);
            Assert.Equal("FILEAKEEEEEEEEEEEEE5", CredentialChain.Resolve(null, null, Env(), file, null).AccessKey);
            Assert.Equal(1, reads);
        }

        [Fact]
        public void NothingGivesNull()
        {
            Assert.Null(CredentialChain.Resolve(null, null, Env(), null, null));
            Assert.Null(CredentialChain.Resolve(null, null, Env(), () => null, "domain"));
            Assert.Null(CredentialChain.Resolve(null, null, Env(new Dictionary<string, string> { ["HUAWEICLOUD_SDK_DOMAIN_ID"] = "d" }), null, null));
        }

        [Fact]
        public void DomainIdParameterBeatsTheCredentialsOwn()
        {
            var env = new Dictionary<string, string>(s_fullEnvironment) { ["HUAWEICLOUD_SDK_DOMAIN_ID"] = "from-variable" };
            CdnCredential withDomain = Credential(ParameterAk, "p-secret", domainId: "from-credential");
            CdnCredential withoutDomain = Credential(ParameterAk, "p-secret");

            Assert.Equal("from-parameter", CredentialChain.Resolve(withDomain, null, Env(env), null, "from-parameter").DomainId);
            Assert.Equal("from-credential", CredentialChain.Resolve(withDomain, null, Env(env), null, null).DomainId);
            Assert.Equal("-DomainId is empty (or only whitespace).", Assert.Throws<CdnCredentialException>(() => CredentialChain.Resolve(withDomain, null, Env(env), null, "  ")).Message);
            Assert.Equal("-DomainId contains a line break (CR or LF), which would end the request header.", Assert.Throws<CdnCredentialException>(() => CredentialChain.Resolve(withDomain, null, Env(env), null, "d\r\nX-Evil: 1")).Message);
            // The domain id stays with the keys: HUAWEICLOUD_SDK_DOMAIN_ID belongs to the environment's key, not to
            // a per-call credential of possibly another account (that one is discovered, or given with -DomainId).
            Assert.Null(CredentialChain.Resolve(withoutDomain, null, Env(env), null, null).DomainId);
            Assert.Equal("from-variable", CredentialChain.Resolve(null, null, Env(env), null, null).DomainId);
            Assert.Null(CredentialChain.Resolve(withoutDomain, null, Env(s_fullEnvironment), null, null).DomainId);
        }

        [Fact]
        public void ChangingTheDomainIdKeepsTheKeys()
        {
            CdnCredential original = Credential(ParameterAk, "p-secret", token: "p-token", source: "parameter");

            CdnCredential resolved = CredentialChain.Resolve(original, null, Env(), null, "0123456789abcdef0123456789abcdef");

            Assert.Equal("0123456789abcdef0123456789abcdef", resolved.DomainId);
            Assert.Equal(ParameterAk, resolved.AccessKey);
            Assert.Equal("p-secret", SecretOf(resolved));
            Assert.Equal("p-token", resolved.GetSecurityTokenPlain());
            Assert.Equal("parameter", resolved.Source);
        }

        [Fact]
        public void EnvironmentCredentialReadsSecurityTokenAndDomainId()
        {
            var env = new Dictionary<string, string>(s_fullEnvironment)
            {
                ["HUAWEICLOUD_SDK_SECURITY_TOKEN"] = "temporary-token-value",
                ["HUAWEICLOUD_SDK_DOMAIN_ID"] = " 0123456789abcdef0123456789abcdef ",
            };

            CdnCredential credential = CredentialChain.Resolve(null, null, Env(env), null, null);

            Assert.Equal("temporary-token-value", credential.GetSecurityTokenPlain());
            Assert.Equal("0123456789abcdef0123456789abcdef", credential.DomainId);
        }

        [Fact]
        public void NoSecurityTokenGivesNull()
        {
            var env = new Dictionary<string, string>(s_fullEnvironment) { ["HUAWEICLOUD_SDK_SECURITY_TOKEN"] = string.Empty };

            CdnCredential credential = CredentialChain.Resolve(null, null, Env(env), null, null);

            Assert.Null(credential.SecurityToken);
            Assert.Null(credential.GetSecurityTokenPlain());
        }

        [Theory]
        [InlineData("HPUAEXAMPLEAK1234567", "HPUA************4567")]
        [InlineData("ABCDEFGHI", "ABCD*FGHI")]
        [InlineData("ABCDEFGH", "********")]
        [InlineData("ABC", "***")]
        [InlineData("", "")]
        [InlineData(null, "")]
        public void MaskKeepsOnlyFirstAndLastFour(string key, string expected)
        {
            Assert.Equal(expected, CdnCredential.Mask(key));
        }

        [Fact]
        public void MaskedAccessKeyShowsFirstAndLastFourOnly()
        {
            CdnCredential credential = Credential("HPUAEXAMPLEAK1234567", "secret");

            Assert.Equal("HPUA************4567", credential.MaskedAccessKey);
            Assert.DoesNotContain("EXAMPLEAK123", credential.MaskedAccessKey);
        }

        [Fact]
        public void ToStringNeverContainsTheSecretOrTheFullAccessKey()
        {
            const string secret = "ExampleSecretKey0123456789abcdefghijklmn";
            CdnCredential credential = Credential("HPUAEXAMPLEAK1234567", secret, token: "TokenValue-XYZ", source: "environment (HUAWEICLOUD_SDK_AK)");

            string text = credential.ToString();

            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain("ExampleSecret", text);
            Assert.DoesNotContain("TokenValue", text);
            Assert.DoesNotContain("HPUAEXAMPLEAK1234567", text);
            Assert.Contains("HPUA************4567", text);
            Assert.Contains("environment (HUAWEICLOUD_SDK_AK)", text);
        }

        [Theory]
        [InlineData("plain-ascii-secret")]
        [InlineData("Sécret-Ключ-密钥-😀")]
        [InlineData("ü")]
        public void SecretKeyUtf8RoundTrips(string secret)
        {
            CdnCredential credential = Credential("HPUAEXAMPLEAK1234567", secret);

            byte[] bytes = credential.GetSecretKeyUtf8();

            Assert.Equal(Encoding.UTF8.GetBytes(secret), bytes);
        }

        [Fact]
        public void SecretsAreCopiedAndReadOnly()
        {
            var secret = CdnCredential.ToSecureString("s3cret");
            var credential = new CdnCredential("HPUAEXAMPLEAK1234567", secret, null, null, "test");

            Assert.True(credential.SecretKey.IsReadOnly());
            Assert.NotSame(secret, credential.SecretKey);
            Assert.Equal("s3cret", SecretOf(credential));
        }

        [Theory]
        [InlineData(null, "s")]
        [InlineData("  ", "s")]
        [InlineData("AK", null)]
        [InlineData("AK", "")]
        public void EmptyKeysAreRefused(string ak, string sk)
        {
            var ex = Assert.Throws<CdnCredentialException>(() => new CdnCredential(ak, CdnCredential.ToSecureString(sk), null, null, "test"));
            Assert.Equal(ak == null || ak.Trim().Length == 0 ? CredentialField.AccessKey : CredentialField.SecretKey, ex.Field);
        }

        /// <summary>Issue 13: a CR/LF (or another control character) in a value that goes into a header is refused; the message never holds the value.</summary>
        [Theory]
        [InlineData("HPUA\r\nX-Evil: 1", "sk", null, null, CredentialField.AccessKey)]
        [InlineData("HPUAEXAMPLEAK1234567", "sk", "tok\r\nX-Evil: 1", null, CredentialField.SecurityToken)]
        [InlineData("HPUAEXAMPLEAK1234567", "sk", null, "dom\nX-Evil: 1", CredentialField.DomainId)]
        [InlineData("HPUAEXAMPLEAK1234567", "s\u0001k", null, null, CredentialField.SecretKey)]
        [InlineData("HPUAEXAMPLEAK1234567", "sk", "tök", null, CredentialField.SecurityToken)]
        public void ControlCharactersInHeaderValuesAreRefused(string ak, string sk, string token, string domainId, CredentialField field)
        {
            var ex = Assert.Throws<CdnCredentialException>(() => new CdnCredential(ak, CdnCredential.ToSecureString(sk), CdnCredential.ToSecureString(token), domainId, "test"));

            Assert.Equal(field, ex.Field);
            Assert.DoesNotContain("X-Evil", ex.Message);
            Assert.Equal("-" + field + " " + ex.Reason + ".", ex.Named(f => "-" + f).Message);
        }

        [Fact]
        public void SurroundingWhitespaceIsTrimmedFromEveryValue()
        {
            var credential = new CdnCredential(" HPUAEXAMPLEAK1234567\r\n", CdnCredential.ToSecureString("\tthe-secret \n"), CdnCredential.ToSecureString(" tok\n"), " dom ", "test");

            Assert.Equal("HPUAEXAMPLEAK1234567", credential.AccessKey);
            Assert.Equal("the-secret", SecretOf(credential));
            Assert.Equal("tok", credential.GetSecurityTokenPlain());
            Assert.Equal("dom", credential.DomainId);
        }

        private static CdnCredential Credential(string ak, string sk, string token = null, string domainId = null, string source = "test") =>
            new CdnCredential(ak, CdnCredential.ToSecureString(sk), CdnCredential.ToSecureString(token), domainId, source);

        private static string SecretOf(CdnCredential credential) => Encoding.UTF8.GetString(credential.GetSecretKeyUtf8());

        private static Func<string, string> Env(Dictionary<string, string> variables = null) =>
            name => variables != null && variables.TryGetValue(name, out string value) ? value : null;
    }
}
