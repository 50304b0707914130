// Copyright (c) CdnTasks contributors. MIT License.

using System.Text;
using CdnTasks.Api;
using Xunit;
using static CdnTasks.Tests.Credentials.CredentialsFileTests;

namespace CdnTasks.Tests.Credentials
{
    /// <summary>Tests for <see cref="CredentialChain"/>: one order, first source with keys wins, domain id bound to its source.</summary>
    public class CredentialChainTests
    {
        private static readonly Func<string, string> s_fullEnvironment = Env(
            ("HUAWEICLOUD_SDK_AK", "ENVAK0000000000000001"),
            ("HUAWEICLOUD_SDK_SK", "env-sk"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-token"),
            ("HUAWEICLOUD_SDK_DOMAIN_ID", "env-domain"),
            ("CLOUD_SDK_AK", "CLOUDAK00000000000001"),
            ("CLOUD_SDK_SK", "cloud-sk"));

        private static CdnCredential Cred(string ak, string source, string domainId = null) =>
            new CdnCredential(ak, CdnCredential.ToSecureString("sk-" + ak), null, domainId, source, null, source);

        /// <summary>Each step wins over every later one; later steps are not consulted (the file is not even read).</summary>
        [Fact]
        public void FollowsTheDocumentedOrder()
        {
            int fileReads = 0;
            CdnCredential File()
            {
                fileReads++;
                return Cred("FILEAK000000000000001", CredentialSources.File, "file-domain");
            }

            CdnCredential parameter = Cred("PARAMAK00000000000001", CredentialSources.Parameter);
            CdnCredential session = Cred("SESSIONAK000000000001", CredentialSources.Session, "session-domain");

            Assert.Equal("PARAMAK00000000000001", CredentialChain.Resolve(parameter, session, s_fullEnvironment, File, null).AccessKey);
            Assert.Equal("SESSIONAK000000000001", CredentialChain.Resolve(null, session, s_fullEnvironment, File, null).AccessKey);
            CdnCredential fromEnvironment = CredentialChain.Resolve(null, null, s_fullEnvironment, File, null);
            Assert.Equal("ENVAK0000000000000001", fromEnvironment.AccessKey);
            Assert.Equal(CredentialSources.Environment, fromEnvironment.Source);
            Assert.Equal("HUAWEICLOUD_SDK_AK", fromEnvironment.SourceDetail);
            Assert.Equal("env-token", CredentialsFileTests.Plain(fromEnvironment.SecurityToken));
            Assert.Equal(0, fileReads);

            CdnCredential fromCloudSdk = CredentialChain.Resolve(null, null, Env(("CLOUD_SDK_AK", "CLOUDAK00000000000001"), ("CLOUD_SDK_SK", "cloud-sk")), File, null);
            Assert.Equal("CLOUD_SDK_AK", fromCloudSdk.SourceDetail);
            Assert.Equal(0, fileReads);

            CdnCredential fromFile = CredentialChain.Resolve(null, null, Env(), File, null);
            Assert.Equal("FILEAK000000000000001", fromFile.AccessKey);
            Assert.Equal(1, fileReads);

            Assert.Null(CredentialChain.Resolve(null, null, Env(), () => null, null));
            Assert.Null(CredentialChain.Resolve(null, null, Env(), null, null));
        }

        /// <summary>HUAWEICLOUD_SDK_AK without SK (or an empty AK) is not a source; CLOUD_SDK_* comes after HUAWEICLOUD_SDK_*.</summary>
        [Fact]
        public void IncompleteEnvironmentIsAnErrorNamingTheMissingVariable()
        {
            // Issue 13: an AK without its SK used to fall through to "no credentials were found".
            Assert.Equal(
                "HUAWEICLOUD_SDK_AK is set, but HUAWEICLOUD_SDK_SK is not: set both (the access key and its secret key), or neither.",
                Assert.Throws<CdnCredentialException>(() => CredentialChain.FromEnvironment(Env(("HUAWEICLOUD_SDK_AK", "AK")))).Message);
            Assert.StartsWith(
                "HUAWEICLOUD_SDK_SK is set, but HUAWEICLOUD_SDK_AK is not",
                Assert.Throws<CdnCredentialException>(() => CredentialChain.FromEnvironment(Env(("HUAWEICLOUD_SDK_SK", "sk")))).Message);
            Assert.StartsWith(
                "CLOUD_SDK_AK is set, but CLOUD_SDK_SK is not",
                Assert.Throws<CdnCredentialException>(() => CredentialChain.FromEnvironment(Env(("CLOUD_SDK_AK", "AK")))).Message);
            Assert.StartsWith(
                "HUAWEICLOUD_SDK_SECURITY_TOKEN is set, but HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not",
                Assert.Throws<CdnCredentialException>(() => CredentialChain.FromEnvironment(Env(("HUAWEICLOUD_SDK_SECURITY_TOKEN", "t")))).Message);
            // A partial HUAWEICLOUD pair is not skipped in favour of the CLOUD_SDK pair either.
            Assert.Throws<CdnCredentialException>(() => CredentialChain.FromEnvironment(Env(("HUAWEICLOUD_SDK_AK", "AK"), ("CLOUD_SDK_AK", "CLOUDAK"), ("CLOUD_SDK_SK", "sk"))));
            Assert.Null(CredentialChain.FromEnvironment(Env(("HUAWEICLOUD_SDK_DOMAIN_ID", "d"))));
        }

        /// <summary>Issue 13: values from the environment are trimmed; a blank or a line break inside is an error naming the variable, never the value.</summary>
        [Theory]
        [InlineData("HUAWEICLOUD_SDK_AK", " ", "HUAWEICLOUD_SDK_AK is empty (or only whitespace).")]
        [InlineData("HUAWEICLOUD_SDK_SK", "  \t", "HUAWEICLOUD_SDK_SK is empty (or only whitespace).")]
        [InlineData("HUAWEICLOUD_SDK_AK", "HPUA\r\nX-Evil: 1", "HUAWEICLOUD_SDK_AK contains a line break (CR or LF), which would end the request header.")]
        [InlineData("HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok\nX-Evil: 1", "HUAWEICLOUD_SDK_SECURITY_TOKEN contains a line break (CR or LF), which would end the request header.")]
        [InlineData("HUAWEICLOUD_SDK_DOMAIN_ID", "dom\u0000x", "HUAWEICLOUD_SDK_DOMAIN_ID contains the control character U+0000.")]
        [InlineData("HUAWEICLOUD_SDK_DOMAIN_ID", "  ", "HUAWEICLOUD_SDK_DOMAIN_ID is empty (or only whitespace).")]
        [InlineData("HUAWEICLOUD_SDK_DOMAIN_ID", "dömain", "HUAWEICLOUD_SDK_DOMAIN_ID contains a non-ASCII character, which an HTTP header cannot carry.")]
        public void BadEnvironmentValuesAreErrorsNamingTheVariable(string name, string value, string message)
        {
            var variables = new Dictionary<string, string> { ["HUAWEICLOUD_SDK_AK"] = "HPUAEXAMPLEAK1234567", ["HUAWEICLOUD_SDK_SK"] = "sk-value", [name] = value };

            var ex = Assert.Throws<CdnCredentialException>(() => CredentialChain.FromEnvironment(n => variables.TryGetValue(n, out string v) ? v : null));

            Assert.Equal(message, ex.Message);
        }

        [Fact]
        public void EnvironmentSecretsAreTrimmedOfSurroundingWhitespace()
        {
            CdnCredential credential = CredentialChain.FromEnvironment(Env(
                ("HUAWEICLOUD_SDK_AK", " HPUAEXAMPLEAK1234567\n"), ("HUAWEICLOUD_SDK_SK", "the-secret\r\n"), ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "\ttoken "), ("HUAWEICLOUD_SDK_DOMAIN_ID", "dom\n")));

            Assert.Equal("HPUAEXAMPLEAK1234567", credential.AccessKey);
            Assert.Equal("the-secret", Encoding.UTF8.GetString(credential.GetSecretKeyUtf8()));
            Assert.Equal("token", credential.GetSecurityTokenPlain());
            Assert.Equal("dom", credential.DomainId);
        }

        /// <summary>-DomainId overrides every source's domain id.</summary>
        [Fact]
        public void DomainIdParameterWins()
        {
            CdnCredential resolved = CredentialChain.Resolve(null, Cred("SESSIONAK000000000001", CredentialSources.Session, "session-domain"), s_fullEnvironment, null, " given ");
            Assert.Equal("given", resolved.DomainId);
            Assert.Equal(CredentialSources.DomainIdParameter, resolved.DomainIdSource);
            Assert.Equal(CredentialSources.Session, resolved.Source);
        }

        /// <summary>
        /// The domain id travels with the keys: a per-call or session credential never takes the environment's
        /// HUAWEICLOUD_SDK_DOMAIN_ID (that id belongs to the environment's AK and would be another account's).
        /// </summary>
        [Fact]
        public void DomainIdComesFromTheSourceOfTheKeys()
        {
            Assert.Null(CredentialChain.Resolve(Cred("PARAMAK00000000000001", CredentialSources.Parameter), null, s_fullEnvironment, null, null).DomainId);
            Assert.Null(CredentialChain.Resolve(null, Cred("SESSIONAK000000000001", CredentialSources.Session), s_fullEnvironment, null, null).DomainId);
            CdnCredential environment = CredentialChain.Resolve(null, null, s_fullEnvironment, null, null);
            Assert.Equal("env-domain", environment.DomainId);
            Assert.Equal("HUAWEICLOUD_SDK_DOMAIN_ID", environment.DomainIdSource);
            CdnCredential file = CredentialChain.Resolve(null, null, Env(("HUAWEICLOUD_SDK_DOMAIN_ID", "env-domain")), () => Cred("FILEAK000000000000001", CredentialSources.File, "file-domain"), null);
            Assert.Equal("file-domain", file.DomainId);
        }

        /// <summary>The file reader's error surfaces (the file is the last step; a broken file is not silently skipped).</summary>
        [Fact]
        public void FileErrorsSurface()
        {
            Assert.Throws<CdnConfigurationException>(() => CredentialChain.Resolve(null, null, Env(), () => CredentialsFile.FromText("[basic]\nak=a\nsk=b\n", "/f"), null));
        }

        /// <summary>The help text lists all four ways.</summary>
        [Fact]
        public void HowToProvideListsEveryWay()
        {
            foreach (string fragment in new[] { "-Credential", "-AccessKey", "Set-CdnCredential", "HUAWEICLOUD_SDK_AK", "CLOUD_SDK_AK", "~/.huaweicloud/credentials", "HUAWEICLOUD_SDK_CREDENTIALS_FILE", "[global]" })
            {
                Assert.Contains(fragment, CredentialChain.HowToProvide);
            }
        }

        /// <summary>ToString and the masked key never show the secret or the full access key.</summary>
        [Fact]
        public void ToStringHidesSecrets()
        {
            var credential = new CdnCredential("HPUAEMULATORAK000001", CdnCredential.ToSecureString("the-secret"), CdnCredential.ToSecureString("the-token"), null, CredentialSources.Session, null, null);
            Assert.Equal("HPUA************0001 (Session)", credential.ToString());
            Assert.DoesNotContain("the-secret", credential.ToString());
            Assert.Equal("****", CdnCredential.Mask("abcd"));
        }
    }

    /// <summary>Tests for <see cref="SettingsReport"/>: precedence parameter &gt; session &gt; environment &gt; default, with sources.</summary>
    public class SettingsReportTests
    {
        private static CdnSettingsLayer L(string source, CdnSettingsLayer layer)
        {
            layer.Source = source;
            return layer;
        }

        /// <summary>Each setting comes from the first layer that sets it, and the source says which.</summary>
        [Fact]
        public void ReportsPrecedenceAndSources()
        {
            Func<string, string> env = Env(("CDNTASKS_REGION", "eu-west-101"), ("CDNTASKS_MAX_RETRY", "7"), ("CDNTASKS_TIMEOUT_SEC", "9"), ("CDNTASKS_RATE_LIMIT", "off"));
            var layers = new List<CdnSettingsLayer>
            {
                L(SettingSources.Parameter, new CdnSettingsLayer { Region = "cn-north-1" }),
                L(SettingSources.Session, new CdnSettingsLayer { Region = "ap-southeast-1", TimeoutSec = 30, Proxy = "http://proxy:3128" }),
                L(SettingSources.Environment, CdnSettingsLayer.FromEnvironment(env)),
            };
            SettingsReport report = SettingsReport.Explain(layers, env);
            Assert.Equal("cn-north-1", report.Settings.Region);
            Assert.Equal(SettingSources.Parameter, report.Sources["Region"]);
            Assert.Equal(TimeSpan.FromSeconds(30), report.Settings.Timeout);
            Assert.Equal(SettingSources.Session, report.Sources["TimeoutSec"]);
            Assert.Equal(7, report.Settings.MaxRetry);
            Assert.Equal(SettingSources.Environment, report.Sources["MaxRetry"]);
            Assert.Equal(0, report.Settings.RateLimit);
            Assert.Equal(SettingSources.Environment, report.Sources["RateLimit"]);
            Assert.Equal(CdnSettings.DefaultConcurrency, report.Settings.Concurrency);
            Assert.Equal(SettingSources.Default, report.Sources["Concurrency"]);
            Assert.Equal(SettingSources.Session, report.Sources["Proxy"]);
            Assert.Equal("Default (region cn-north-1)", report.Sources["Endpoint"]);
            Assert.Equal("https://iam.cn-north-1.myhuaweicloud.com/", report.IamEndpoint.ToString());
        }

        /// <summary>HUAWEICLOUD_SDK_REGION_CDN_&lt;REGION&gt; is a failover list reported as Environment; an explicit endpoint beats it.</summary>
        [Fact]
        public void EndpointVariableIsAFailoverList()
        {
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1", "http://127.0.0.1:1, cdn-b.example.com"), ("HUAWEICLOUD_SDK_IAM_ENDPOINT", "iam.example.com"));
            SettingsReport report = SettingsReport.Explain(new[] { L(SettingSources.Session, new CdnSettingsLayer { Region = "ap-southeast-1" }) }, env);
            Assert.Equal(new[] { "http://127.0.0.1:1/", "https://cdn-b.example.com/" }, report.Settings.Endpoints.Select(e => e.ToString()));
            Assert.Equal("Environment (HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1)", report.Sources["Endpoint"]);
            Assert.Equal("https://iam.example.com/", report.IamEndpoint.ToString());
            Assert.Equal("Environment (HUAWEICLOUD_SDK_IAM_ENDPOINT)", report.Sources["IamEndpoint"]);

            report = SettingsReport.Explain(new[] { L(SettingSources.Parameter, new CdnSettingsLayer { Region = "ap-southeast-1", Endpoint = "https://explicit.example.com" }) }, env);
            Assert.Equal("https://explicit.example.com/", Assert.Single(report.Settings.Endpoints).ToString());
            Assert.Equal("Parameter (-Endpoint)", report.Sources["Endpoint"]);
        }

        /// <summary>Issue 13: the endpoint Get-CdnConfig reports is the one Resolve uses, with its true source, even when a region is set above it.</summary>
        [Fact]
        public void TheReportedEndpointIsTheOneRequestsUse()
        {
            Func<string, string> env = Env(("CDNTASKS_ENDPOINT", "http://127.0.0.1:5080"));
            var layers = new List<CdnSettingsLayer>
            {
                L(SettingSources.Parameter, new CdnSettingsLayer()),
                L(SettingSources.Session, new CdnSettingsLayer { Region = "ap-southeast-1" }),
                L(SettingSources.Environment, CdnSettingsLayer.FromEnvironment(env)),
            };

            SettingsReport report = SettingsReport.Explain(layers, env);
            CdnSettings used = CdnSettings.Resolve(layers, env);

            Assert.Equal(used.Endpoints, report.Settings.Endpoints);
            Assert.Equal(new Uri("http://127.0.0.1:5080"), Assert.Single(report.Settings.Endpoints));
            Assert.Equal("Environment (CDNTASKS_ENDPOINT)", report.Sources["Endpoint"]);
            Assert.Equal("Session", report.Sources["Region"]);
            Assert.Single(report.Settings.Warnings);
        }

        /// <summary>Plain http is refused for non-loopback endpoints, IAM endpoints included.</summary>
        /// <param name="name">The variable.</param>
        /// <param name="value">Its value.</param>
        [Theory]
        [InlineData("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", "http://cdn.example.com")]
        [InlineData("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://iam.example.com")]
        [InlineData("CDNTASKS_ENDPOINT", "http://10.0.0.1:8080")]
        public void PlainHttpOnlyForLoopback(string name, string value)
        {
            Func<string, string> env = Env((name, value));
            var ex = Assert.Throws<ArgumentException>(() => SettingsReport.Explain(new[] { L(SettingSources.Environment, CdnSettingsLayer.FromEnvironment(env)) }, env));
            Assert.Contains("plain http", ex.Message);
        }

        /// <summary>The system proxy is described by the variable that sets it.</summary>
        [Fact]
        public void DescribesTheSystemProxy()
        {
            Assert.Equal("Default (system proxy from HTTPS_PROXY)", SettingsReport.SystemProxyDescription(Env(("HTTPS_PROXY", "http://p:1"))));
            Assert.Equal("Default (system proxy settings)", SettingsReport.SystemProxyDescription(Env()));
        }
    }
}
