// Copyright (c) CdnTasks contributors. MIT License.

using System.Globalization;
using System.Net;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// Tests for <see cref="CdnSettings.Resolve"/>, <see cref="CdnSettings.ParseEndpoint"/> and
    /// <see cref="CdnSettingsLayer.FromEnvironment"/>. The environment is always a dictionary, never the process's.
    /// </summary>
    public class CdnSettingsTests
    {
        /// <summary>Each setting with a parameter, session and environment value and the built-in default.</summary>
        public static IEnumerable<object[]> PrecedenceCases()
        {
            // setting, parameter, session, environment (text as in CDNTASKS_*), default
            yield return new object[] { "Region", "ap-southeast-1", "eu-west-101", "AP-SOUTHEAST-1", "cn-north-1" };
            yield return new object[] { "Region", "eu-west-101", "ap-southeast-1", "eu-west-101", "cn-north-1" };
            yield return new object[] { "Endpoint", "https://p.example.com", "https://s.example.com", "https://e.example.com", "https://cdn.myhuaweicloud.com/" };
            yield return new object[] { "TimeoutSec", "11", "22", "33", "30" };
            yield return new object[] { "MaxRetry", "1", "2", "3", "4" };
            yield return new object[] { "MaxRetryDelaySec", "1.5", "2", "3", "60" };
            yield return new object[] { "RetryBaseDelayMs", "10", "20", "30", "500" };
            yield return new object[] { "ThrottleBudgetSec", "15", "30", "45", "120" };
            yield return new object[] { "RateLimit", "5", "6", "7.5", "-1" };
            yield return new object[] { "Concurrency", "2", "3", "5", "4" };
            yield return new object[] { "Proxy", "http://p.proxy:8080", "http://s.proxy:8080", "http://e.proxy:8080", null };
        }

        [Theory]
        [MemberData(nameof(PrecedenceCases))]
        public void ParametersBeatSessionBeatEnvironmentBeatDefaults(string setting, string parameter, string session, string environment, string builtIn)
        {
            Assert.Equal(Canonical(setting, parameter), Read(setting, Resolve(setting, parameter, session, environment)));
            Assert.Equal(Canonical(setting, session), Read(setting, Resolve(setting, null, session, environment)));
            Assert.Equal(Canonical(setting, environment), Read(setting, Resolve(setting, null, null, environment)));
            Assert.Equal(builtIn, Read(setting, Resolve(setting, null, null, null)));
            Assert.Equal(Canonical(setting, parameter), Read(setting, Resolve(setting, parameter, null, environment)));
        }

        [Fact]
        public void ProxyCredentialComesFromTheFirstLayerThatHasOne()
        {
            var first = new NetworkCredential("a", "x");
            var second = new NetworkCredential("b", "y");

            CdnSettings settings = CdnSettings.Resolve(
                new[] { new CdnSettingsLayer(), null, new CdnSettingsLayer { ProxyCredential = first }, new CdnSettingsLayer { ProxyCredential = second } },
                Env());

            Assert.Same(first, settings.ProxyCredential);
        }

        [Fact]
        public void AnExplicitEndpointBeatsARegionFromAnyLayer()
        {
            var parameters = new CdnSettingsLayer { Region = "eu-west-101" };
            var session = new CdnSettingsLayer { Source = SettingSources.Session, Endpoint = "https://s.example.com" };
            var environment = new CdnSettingsLayer { Source = SettingSources.Environment, Endpoint = "https://e.example.com" };

            CdnSettings fromSession = CdnSettings.Resolve(new[] { parameters, session, environment }, Env());
            CdnSettings fromEnvironment = CdnSettings.Resolve(new[] { parameters, environment }, Env());
            CdnSettings withBoth = CdnSettings.Resolve(new[] { new CdnSettingsLayer { Region = "eu-west-101", Endpoint = "https://p.example.com" }, session }, Env());

            Assert.Equal("https://s.example.com/", fromSession.Endpoints[0].AbsoluteUri);
            Assert.Equal("Session (Set-CdnConfig -Endpoint)", fromSession.EndpointSource);
            Assert.Equal("https://e.example.com/", fromEnvironment.Endpoints[0].AbsoluteUri);
            Assert.Equal("Environment (CDNTASKS_ENDPOINT)", fromEnvironment.EndpointSource);
            Assert.Equal("https://p.example.com/", withBoth.Endpoints[0].AbsoluteUri);
            Assert.Equal("eu-west-101", fromSession.Region);
        }

        [Fact]
        public void EndpointWithUserInfoIsRefused()
        {
            var error = Assert.Throws<ArgumentException>(() => CdnSettings.ParseEndpoint("https://user:pw@cdn.example.com", "-Endpoint"));
            Assert.DoesNotContain("pw", error.Message.Replace("password", string.Empty));
        }

        [Fact]
        public void DefaultsAreTheDocumentedOnes()
        {
            CdnSettings settings = CdnSettings.Resolve(new[] { CdnSettingsLayer.FromEnvironment(Env()) }, Env());

            Assert.Equal("cn-north-1", settings.Region);
            Assert.Equal(new[] { new Uri("https://cdn.myhuaweicloud.com") }, settings.Endpoints);
            Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
            Assert.Equal(4, settings.MaxRetry);
            Assert.Equal(-1, settings.RateLimit);
            Assert.Equal(4, settings.Concurrency);
            Assert.Null(settings.Proxy);
            Assert.Null(settings.ProxyCredential);
        }

        [Theory]
        [InlineData("cn-north-1", "https://cdn.myhuaweicloud.com/")]
        [InlineData("ap-southeast-1", "https://cdn.myhuaweicloud.com/")]
        [InlineData("eu-west-101", "https://cdn.myhuaweicloud.eu/")]
        [InlineData("EU-West-101", "https://cdn.myhuaweicloud.eu/")]
        public void RegionSelectsItsEndpoint(string region, string endpoint)
        {
            CdnSettings settings = CdnSettings.Resolve(new[] { new CdnSettingsLayer { Region = region } }, Env());

            Assert.Equal(region.ToLowerInvariant(), settings.Region);
            Assert.Equal(endpoint, Assert.Single(settings.Endpoints).ToString());
            Assert.Equal("Default (region " + region.ToLowerInvariant() + ")", settings.EndpointSource);
        }

        [Theory]
        [InlineData("mars-1")]
        [InlineData("cn-north-4")]
        [InlineData("eu-west-0")]
        public void UnknownRegionListsTheSupportedOnes(string region)
        {
            var error = Assert.Throws<ArgumentException>(() => CdnSettings.Resolve(new[] { new CdnSettingsLayer { Region = region } }, Env()));

            Assert.Contains(region, error.Message);
            Assert.Contains("ap-southeast-1, cn-north-1, eu-west-101", error.Message);
        }

        [Fact]
        public void UnknownRegionFromTheEnvironmentIsRefusedToo()
        {
            Func<string, string> env = Env(("CDNTASKS_REGION", "mars-1"));

            Assert.Throws<ArgumentException>(() => CdnSettings.Resolve(new[] { CdnSettingsLayer.FromEnvironment(env) }, env));
        }

        [Fact]
        public void RegionVariableGivesFailoverEndpointsInOrder()
        {
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", "http://127.0.0.1:8080,https://b.example.com"));

            CdnSettings settings = CdnSettings.Resolve(new[] { CdnSettingsLayer.FromEnvironment(env) }, env);

            Assert.Equal(new[] { new Uri("http://127.0.0.1:8080"), new Uri("https://b.example.com") }, settings.Endpoints);
            Assert.Equal("Environment (HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1)", settings.EndpointSource);
        }

        [Fact]
        public void RegionVariableToleratesSpacesAndEmptyItems()
        {
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_REGION_CDN_EU_WEST_101", " a.example.com , ,https://b.example.com:8443,"));

            CdnSettings settings = CdnSettings.Resolve(new[] { new CdnSettingsLayer { Region = "eu-west-101" } }, env);

            Assert.Equal(new[] { new Uri("https://a.example.com"), new Uri("https://b.example.com:8443") }, settings.Endpoints);
        }

        [Fact]
        public void RegionVariableOfAnotherRegionIsIgnored()
        {
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", "https://other.example.com"));

            CdnSettings settings = CdnSettings.Resolve(new[] { new CdnSettingsLayer { Region = "eu-west-101" } }, env);

            Assert.Equal(new Uri("https://cdn.myhuaweicloud.eu"), Assert.Single(settings.Endpoints));
        }

        [Fact]
        public void InvalidEndpointInTheRegionVariableIsRefusedNamingTheVariable()
        {
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", "https://ok.example.com,http://evil.example.com"));

            var error = Assert.Throws<ArgumentException>(() => CdnSettings.Resolve(new[] { new CdnSettingsLayer() }, env));

            Assert.Contains("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", error.Message);
        }

        [Theory]
        [InlineData("parameters")]
        [InlineData("session")]
        [InlineData("environment")]
        public void AnExplicitEndpointBeatsTheRegionVariable(string where)
        {
            var dictionary = new Dictionary<string, string>
            {
                ["HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1"] = "https://region-variable.example.com",
            };
            var parameters = new CdnSettingsLayer();
            var session = new CdnSettingsLayer { Source = SettingSources.Session };
            switch (where)
            {
                case "parameters":
                    parameters.Endpoint = "https://explicit.example.com";
                    break;
                case "session":
                    session.Endpoint = "https://explicit.example.com";
                    break;
                default:
                    dictionary["CDNTASKS_ENDPOINT"] = "https://explicit.example.com";
                    break;
            }

            Func<string, string> env = name => dictionary.TryGetValue(name, out string value) ? value : null;
            CdnSettings settings = CdnSettings.Resolve(new[] { parameters, session, CdnSettingsLayer.FromEnvironment(env) }, env);

            Assert.Equal(new Uri("https://explicit.example.com"), Assert.Single(settings.Endpoints));
            string expected = where == "parameters" ? "Parameter (-Endpoint)" : where == "session" ? "Session (Set-CdnConfig -Endpoint)" : "Environment (CDNTASKS_ENDPOINT)";
            Assert.Equal(expected, settings.EndpointSource);
            Assert.Empty(settings.Warnings);
        }

        /// <summary>
        /// Issue 13: CDNTASKS_ENDPOINT (or Set-CdnConfig -Endpoint) pointing at a private endpoint, and a region set
        /// in a higher layer (Set-CdnConfig -Region, or -Region on the command): the explicit endpoint still wins,
        /// the source says which variable, and a warning names what to set instead.
        /// </summary>
        [Theory]
        [InlineData("session", "environment", "Set-CdnConfig -Region", "CDNTASKS_ENDPOINT")]
        [InlineData("parameters", "environment", "-Region", "CDNTASKS_ENDPOINT")]
        [InlineData("parameters", "session", "-Region", "Set-CdnConfig -Endpoint")]
        public void ARegionInAHigherLayerNeverOverridesAnExplicitEndpoint(string regionIn, string endpointIn, string regionName, string endpointName)
        {
            var dictionary = new Dictionary<string, string>();
            var parameters = new CdnSettingsLayer { Source = SettingSources.Parameter };
            var session = new CdnSettingsLayer { Source = SettingSources.Session };
            (regionIn == "parameters" ? parameters : session).Region = "ap-southeast-1";
            if (endpointIn == "environment")
            {
                dictionary["CDNTASKS_ENDPOINT"] = "http://127.0.0.1:5080";
            }
            else
            {
                session.Endpoint = "http://127.0.0.1:5080";
            }

            Func<string, string> env = name => dictionary.TryGetValue(name, out string value) ? value : null;
            CdnSettings settings = CdnSettings.Resolve(new[] { parameters, session, CdnSettingsLayer.FromEnvironment(env) }, env);

            Assert.Equal(new Uri("http://127.0.0.1:5080"), Assert.Single(settings.Endpoints));
            Assert.Equal("ap-southeast-1", settings.Region);
            Assert.EndsWith("(" + endpointName + ")", settings.EndpointSource);
            string warning = Assert.Single(settings.Warnings);
            Assert.StartsWith(regionName + " ap-southeast-1 does not change where requests go: " + endpointName + " is set (http://127.0.0.1:5080)", warning);
            Assert.Contains("HUAWEICLOUD_SDK_REGION_CDN_AP_SOUTHEAST_1", warning);
        }

        [Fact]
        public void ARegionInTheSameOrALowerLayerThanTheEndpointGivesNoWarning()
        {
            CdnSettings same = CdnSettings.Resolve(new[] { new CdnSettingsLayer { Region = "eu-west-101", Endpoint = "https://p.example.com" } }, Env());
            CdnSettings lower = CdnSettings.Resolve(new[] { new CdnSettingsLayer { Endpoint = "https://p.example.com" }, new CdnSettingsLayer { Region = "eu-west-101" } }, Env());

            Assert.Empty(same.Warnings);
            Assert.Empty(lower.Warnings);
            Assert.Equal("eu-west-101", lower.Region);
            Assert.Equal(new Uri("https://p.example.com"), Assert.Single(lower.Endpoints));
        }

        /// <summary>Issue 13: a blank endpoint, region or proxy is an error naming where it was set, never a fall-back to the next layer.</summary>
        [Theory]
        [InlineData("Endpoint", "parameters", "-Endpoint is blank")]
        [InlineData("Endpoint", "session", "Set-CdnConfig -Endpoint is blank")]
        [InlineData("Endpoint", "environment", "CDNTASKS_ENDPOINT is blank")]
        [InlineData("Region", "parameters", "-Region is blank")]
        [InlineData("Region", "environment", "CDNTASKS_REGION is blank")]
        [InlineData("Proxy", "session", "Set-CdnConfig -Proxy is blank")]
        [InlineData("Proxy", "environment", "CDNTASKS_PROXY is blank")]
        public void BlankValuesAreErrorsNotFallBacks(string setting, string where, string message)
        {
            var dictionary = new Dictionary<string, string> { ["CDNTASKS_ENDPOINT"] = "https://fallback.example.com" };
            var parameters = new CdnSettingsLayer { Source = SettingSources.Parameter };
            var session = new CdnSettingsLayer { Source = SettingSources.Session };
            if (where == "environment")
            {
                dictionary["CDNTASKS_" + setting.ToUpperInvariant()] = " \t ";
            }
            else
            {
                CdnSettingsLayer layer = where == "parameters" ? parameters : session;
                typeof(CdnSettingsLayer).GetProperty(setting).SetValue(layer, "  ");
            }

            Func<string, string> env = name => dictionary.TryGetValue(name, out string value) ? value : null;
            var error = Assert.Throws<ArgumentException>(() => CdnSettings.Resolve(new[] { parameters, session, CdnSettingsLayer.FromEnvironment(env) }, env));

            Assert.StartsWith(message, error.Message);
        }

        [Fact]
        public void ABlankRegionVariableIsAnError()
        {
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", "   "));

            var error = Assert.Throws<ArgumentException>(() => CdnSettings.Resolve(new[] { new CdnSettingsLayer() }, env));

            Assert.StartsWith("HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1 is blank", error.Message);
        }

        /// <summary>Issue 13: our own settings need the scheme; the message says what was probably meant.</summary>
        [Theory]
        [InlineData("127.0.0.1:5080")]
        [InlineData("cdn.example.com")]
        [InlineData("localhost")]
        public void AnEndpointWithoutASchemeIsRefusedWithWhatItProbablyMeans(string text)
        {
            var error = Assert.Throws<ArgumentException>(() => CdnSettings.ParseEndpoint(text, "-Endpoint"));

            Assert.Equal($"-Endpoint '{text}' has no scheme: did you mean https://{text} (or http://{text} for a loopback emulator)?", error.Message);
        }

        /// <summary>The SDKs' own variables keep the SDKs' meaning: no scheme means https://.</summary>
        [Theory]
        [InlineData("cdn.example.com", "https://cdn.example.com/")]
        [InlineData("cdn.example.com:8443", "https://cdn.example.com:8443/")]
        public void TheSdkVariablesPrependHttps(string text, string expected)
        {
            Assert.Equal(expected, CdnSettings.ParseEndpoint(text, "HUAWEICLOUD_SDK_REGION_CDN_CN_NORTH_1", requireScheme: false).ToString());
        }

        [Theory]
        [InlineData("  https://cdn.example.com  ", "https://cdn.example.com/")]
        [InlineData("https://cdn.example.com/", "https://cdn.example.com/")]
        [InlineData("HTTPS://CDN.Example.COM", "https://cdn.example.com/")]
        [InlineData("http://127.0.0.1:1234", "http://127.0.0.1:1234/")]
        [InlineData("http://localhost:5", "http://localhost:5/")]
        [InlineData("http://[::1]:7", "http://[::1]:7/")]
        [InlineData("http://127.0.0.1", "http://127.0.0.1/")]
        public void ValidEndpointsAreAccepted(string text, string expected)
        {
            Assert.Equal(expected, CdnSettings.ParseEndpoint(text, "-Endpoint").ToString());
        }

        [Theory]
        [InlineData("http://example.com", "plain http")]
        [InlineData("http://cdn.myhuaweicloud.com:80", "plain http")]
        [InlineData("http://127.0.0.1.example.com", "plain http")]
        [InlineData("http://10.0.0.1:8080", "plain http")]
        [InlineData("https://cdn.example.com/v1.0", "without a path")]
        [InlineData("https://cdn.example.com/v1.0/cdn/contentgateway/url-tasks", "without a path")]
        [InlineData("http://127.0.0.1:8080/api", "without a path")]
        [InlineData("https://cdn.example.com/?x=1", "without a path")]
        [InlineData("ftp://cdn.example.com", "must use https")]
        [InlineData("file:///etc/passwd", null)]
        [InlineData("", "blank")]
        [InlineData(" ", "blank")]
        [InlineData("https://", null)]
        [InlineData("https://cdn.example.com#x", "without a path")]
        [InlineData("https://cdn.example.com\r\nX-Injected: 1", "control character")]
        [InlineData("https://cdn.example.com x", "a space")]
        public void InvalidEndpointsAreRefused(string text, string because)
        {
            var error = Assert.Throws<ArgumentException>(() => CdnSettings.ParseEndpoint(text, "-Endpoint"));

            Assert.StartsWith("-Endpoint ", error.Message);
            Assert.DoesNotContain("\n", error.Message);
            if (because != null)
            {
                Assert.Contains(because, error.Message);
            }
        }

        [Theory]
        [InlineData("off", 0.0)]
        [InlineData("OFF", 0.0)]
        [InlineData("none", 0.0)]
        [InlineData("0", 0.0)]
        [InlineData("7.5", 7.5)]
        [InlineData(" 12 ", 12.0)]
        [InlineData("default", -1.0)]
        public void RateLimitVariableIsParsed(string text, double expected)
        {
            Assert.Equal(expected, CdnSettingsLayer.FromEnvironment(Env(("CDNTASKS_RATE_LIMIT", text))).RateLimit);
        }

        [Theory]
        [InlineData("abc")]
        [InlineData("-3")]
        [InlineData("7,5")]
        [InlineData("NaN")]
        [InlineData("1e9")]
        public void InvalidRateLimitVariableIsRefusedNamingIt(string text)
        {
            var error = Assert.Throws<ArgumentException>(() => CdnSettingsLayer.FromEnvironment(Env(("CDNTASKS_RATE_LIMIT", text))));

            Assert.Contains("CDNTASKS_RATE_LIMIT", error.Message);
            Assert.Contains(text, error.Message);
        }

        [Theory]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "10", 10.0)]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "0.5", 0.5)]
        [InlineData("CDNTASKS_TIMEOUT_SEC", " 86400 ", 86400.0)]
        [InlineData("CDNTASKS_MAX_RETRY", "0", 0.0)]
        [InlineData("CDNTASKS_MAX_RETRY", "20", 20.0)]
        [InlineData("CDNTASKS_CONCURRENCY", "1", 1.0)]
        [InlineData("CDNTASKS_CONCURRENCY", "64", 64.0)]
        public void NumericVariablesAreParsed(string name, string text, double expected)
        {
            CdnSettingsLayer layer = CdnSettingsLayer.FromEnvironment(Env((name, text)));

            double? actual = name switch
            {
                "CDNTASKS_TIMEOUT_SEC" => layer.TimeoutSec,
                "CDNTASKS_MAX_RETRY" => layer.MaxRetry,
                _ => layer.Concurrency,
            };
            Assert.Equal(expected, actual);
        }

        [Theory]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "0")]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "-1")]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "86401")]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "abc")]
        [InlineData("CDNTASKS_TIMEOUT_SEC", "Infinity")]
        [InlineData("CDNTASKS_MAX_RETRY", "-1")]
        [InlineData("CDNTASKS_MAX_RETRY", "21")]
        [InlineData("CDNTASKS_MAX_RETRY", "2.5")]
        [InlineData("CDNTASKS_MAX_RETRY", "three")]
        [InlineData("CDNTASKS_CONCURRENCY", "0")]
        [InlineData("CDNTASKS_CONCURRENCY", "65")]
        [InlineData("CDNTASKS_CONCURRENCY", "1.5")]
        [InlineData("CDNTASKS_CONCURRENCY", "4x")]
        public void InvalidNumericVariablesAreRefusedNamingThem(string name, string text)
        {
            var error = Assert.Throws<ArgumentException>(() => CdnSettingsLayer.FromEnvironment(Env((name, text))));

            Assert.Contains(name, error.Message);
            Assert.Contains(text, error.Message);
        }

        [Fact]
        public void EmptyVariablesAreNotSet()
        {
            CdnSettingsLayer layer = CdnSettingsLayer.FromEnvironment(Env(
                ("CDNTASKS_REGION", ""),
                ("CDNTASKS_ENDPOINT", ""),
                ("CDNTASKS_TIMEOUT_SEC", ""),
                ("CDNTASKS_MAX_RETRY", "  "),
                ("CDNTASKS_CONCURRENCY", ""),
                ("CDNTASKS_RATE_LIMIT", ""),
                ("CDNTASKS_PROXY", "")));

            Assert.Null(layer.Region);
            Assert.Null(layer.Endpoint);
            Assert.Null(layer.TimeoutSec);
            Assert.Null(layer.MaxRetry);
            Assert.Null(layer.Concurrency);
            Assert.Null(layer.RateLimit);
            Assert.Null(layer.Proxy);
        }

        [Fact]
        public void NumbersAreReadWithTheInvariantCulture()
        {
            CultureInfo saved = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = new CultureInfo("de-DE");
                CdnSettingsLayer layer = CdnSettingsLayer.FromEnvironment(Env(("CDNTASKS_RATE_LIMIT", "7.5"), ("CDNTASKS_TIMEOUT_SEC", "2.5")));

                Assert.Equal(7.5, layer.RateLimit);
                Assert.Equal(2.5, layer.TimeoutSec);
            }
            finally
            {
                CultureInfo.CurrentCulture = saved;
            }
        }

        [Theory]
        [InlineData("not a uri")]
        [InlineData("socks5://proxy:1080")]
        [InlineData("proxy.example.com:8080")]
        public void InvalidProxyIsRefused(string proxy)
        {
            Assert.Throws<ArgumentException>(() => CdnSettings.Resolve(new[] { new CdnSettingsLayer { Proxy = proxy } }, Env()));
        }

        private static Func<string, string> Env(params (string Name, string Value)[] variables)
        {
            Dictionary<string, string> dictionary = variables.ToDictionary(v => v.Name, v => v.Value);
            return name => dictionary.TryGetValue(name, out string value) ? value : null;
        }

        private static CdnSettings Resolve(string setting, string parameter, string session, string environment)
        {
            var variables = new List<(string, string)>();
            if (environment != null)
            {
                variables.Add((VariableOf(setting), environment));
            }

            Func<string, string> env = Env(variables.ToArray());
            return CdnSettings.Resolve(new[] { Layer(setting, parameter), Layer(setting, session), CdnSettingsLayer.FromEnvironment(env) }, env);
        }

        private static string VariableOf(string setting) => setting switch
        {
            "Region" => "CDNTASKS_REGION",
            "Endpoint" => "CDNTASKS_ENDPOINT",
            "TimeoutSec" => "CDNTASKS_TIMEOUT_SEC",
            "MaxRetry" => "CDNTASKS_MAX_RETRY",
            "MaxRetryDelaySec" => "CDNTASKS_MAX_RETRY_DELAY_SEC",
            "RetryBaseDelayMs" => "CDNTASKS_RETRY_BASE_DELAY_MS",
            "ThrottleBudgetSec" => "CDNTASKS_THROTTLE_BUDGET_SEC",
            "RateLimit" => "CDNTASKS_RATE_LIMIT",
            "Concurrency" => "CDNTASKS_CONCURRENCY",
            "Proxy" => "CDNTASKS_PROXY",
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };

        private static CdnSettingsLayer Layer(string setting, string value)
        {
            var layer = new CdnSettingsLayer();
            if (value == null)
            {
                return layer;
            }

            double number = setting is "Region" or "Endpoint" or "Proxy" ? 0 : double.Parse(value, CultureInfo.InvariantCulture);
            switch (setting)
            {
                case "Region":
                    layer.Region = value;
                    break;
                case "Endpoint":
                    layer.Endpoint = value;
                    break;
                case "TimeoutSec":
                    layer.TimeoutSec = number;
                    break;
                case "MaxRetry":
                    layer.MaxRetry = (int)number;
                    break;
                case "MaxRetryDelaySec":
                    layer.MaxRetryDelaySec = number;
                    break;
                case "RetryBaseDelayMs":
                    layer.RetryBaseDelayMs = number;
                    break;
                case "ThrottleBudgetSec":
                    layer.ThrottleBudgetSec = number;
                    break;
                case "RateLimit":
                    layer.RateLimit = number;
                    break;
                case "Concurrency":
                    layer.Concurrency = (int)number;
                    break;
                case "Proxy":
                    layer.Proxy = value;
                    break;
            }

            return layer;
        }

        private static string Read(string setting, CdnSettings settings) => setting switch
        {
            "Region" => settings.Region,
            "Endpoint" => settings.Endpoints.Single().ToString(),
            "TimeoutSec" => settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "MaxRetry" => settings.MaxRetry.ToString(CultureInfo.InvariantCulture),
            "MaxRetryDelaySec" => settings.MaxRetryDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "RetryBaseDelayMs" => settings.BaseRetryDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
            "ThrottleBudgetSec" => settings.ThrottleBudget.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "RateLimit" => settings.RateLimit.ToString(CultureInfo.InvariantCulture),
            "Concurrency" => settings.Concurrency.ToString(CultureInfo.InvariantCulture),
            "Proxy" => settings.Proxy?.ToString(),
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };

        private static string Canonical(string setting, string value) => setting switch
        {
            "Region" => value.ToLowerInvariant(),
            "Endpoint" or "Proxy" => new Uri(value).ToString(),
            _ => value,
        };
    }
}
