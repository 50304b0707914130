// Copyright (c) CdnTasks contributors. MIT License.

using System.Text.Json;
using Xunit;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>The account model: acceleration domains, ShowUrlTaskInfo's whitelist, enterprise projects, forced outcomes.</summary>
    public sealed class AccountTests : IClassFixture<ControlEmulatorFixture>
    {
        private const string History = "/v1.0/cdn/historytasks";
        private const string Refresh = "/v1.0/cdn/content/refresh-tasks";
        private const string Preheat = "/v1.0/cdn/content/preheating-tasks";
        private readonly EmulatorApi _api;

        public AccountTests(ControlEmulatorFixture fixture)
        {
            _api = fixture.Api;
            _api.Reset();
        }

        private static string Purge(params string[] urls) =>
            "{\"refresh_task\":{\"urls\":[" + string.Join(",", urls.Select(u => JsonSerializer.Serialize(u))) + "]}}";

        private static (int Status, string Code) Error(RawAnswer answer) =>
            (answer.Status, answer.Json.TryGetProperty("error", out JsonElement e) ? e.GetProperty("error_code").GetString() : answer.Json.GetProperty("error_code").GetString());

        private void Account(string json) => _api.Control(HttpMethod.Post, "/_emulator/account", json);

        [Fact]
        public void TheDefaultAccount_HasTheSixGeneratedDomains_AndIsWhitelisted()
        {
            JsonElement account = _api.Control(HttpMethod.Get, "/_emulator/account");

            Assert.Equal(6, account.GetProperty("domains").GetArrayLength());
            Assert.Contains("下载.example.cn", account.GetProperty("domains").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
            Assert.True(account.GetProperty("url_task_whitelisted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, account.GetProperty("enterprise_projects").ValueKind);
        }

        [Fact]
        public void APurgeOfAHostThatIsNoDomainOfTheAccount_IsCdn0108_AndNothingIsCreated()
        {
            RawAnswer answer = _api.Post(Refresh, Purge("https://www.example.com/ok.png", "https://not-mine.example.net/a.png"));
            RawAnswer prefetch = _api.Post(Preheat, """{"preheating_task":{"urls":["http://other.example/a.png"]}}""");

            Assert.Equal((400, "CDN.0108"), Error(answer));
            Assert.Equal("The URL domain name is not the acceleration domain name of the current tenant.", answer.Json.GetProperty("error").GetProperty("error_msg").GetString());
            Assert.Equal((400, "CDN.0108"), Error(prefetch));
            Assert.Empty(_api.Control(HttpMethod.Get, "/_emulator/tasks").GetProperty("tasks").EnumerateArray());
        }

        [Fact]
        public void UnknownDomainCode_AndBusinessErrorStatus_SelectTheOtherReadingOfTheSpec()
        {
            _api.Control(HttpMethod.Post, "/_emulator/options", """{"UnknownDomainCode": "CDN.0105", "BusinessErrorStatus": 200}""");

            Assert.Equal((200, "CDN.0105"), Error(_api.Post(Refresh, Purge("https://not-mine.example.net/a.png"))));
        }

        [Fact]
        public void Domains_AreSettable_WithWildcardsOfflineStatesAndIdnHosts()
        {
            Account("""{"domains":["*.assets.example.com","下载.example.cn",{"name":"paused.example.com","status":"offline"}]}""");

            Assert.Equal(200, _api.Post(Refresh, Purge("https://img.assets.example.com/a.png", "https://A.B.Assets.Example.com/b.png")).Status);
            Assert.Equal(200, _api.Post(Refresh, Purge("https://xn--ghq880n.example.cn/punycode.pdf", "https://下载.example.cn/unicode.pdf")).Status);
            Assert.Equal((400, "CDN.0108"), Error(_api.Post(Refresh, Purge("https://assets.example.com/apex-is-not-covered.png"))));
            Assert.Equal((400, "CDN.0108"), Error(_api.Post(Refresh, Purge("https://www.example.com/no-longer-mine.png"))));
            Assert.Equal((400, "CDN.0106"), Error(_api.Post(Refresh, Purge("https://paused.example.com/a.png"))));
        }

        [Fact]
        public void NewData_UsesTheDomainsInForce()
        {
            _api.Control(HttpMethod.Post, "/_emulator/options", """{"Domains": "cdn.mine.example,*.static.mine.example"}""");
            _api.Control(HttpMethod.Post, "/_emulator/mutations", """{"api":"ShowUrlTaskInfo","insertPerRequest":20}""");

            JsonElement[] inserted = _api.UrlTasks(EmulatorApi.Now - 60_000, EmulatorApi.Now + 1000).Json.GetProperty("result").EnumerateArray().ToArray();

            Assert.Equal(20, inserted.Length);
            Assert.All(inserted, r => Assert.Matches("^https?://(cdn\\.mine\\.example|www\\.static\\.mine\\.example)/", r.GetProperty("url").GetString()));
            Assert.Equal(2, _api.Control(HttpMethod.Get, "/_emulator/account").GetProperty("domains").GetArrayLength());
        }

        [Fact]
        public void ShowUrlTaskInfo_WithoutTheWhitelist_IsCdn0004()
        {
            Account("""{"url_task_whitelisted": false}""");
            RawAnswer nested = _api.UrlTasks(EmulatorApi.Now - 3600_000, EmulatorApi.Now);
            _api.Control(HttpMethod.Post, "/_emulator/options", """{"WhitelistErrorShape": "flat"}""");
            Account("""{"url_task_whitelisted": false}""");
            RawAnswer flat = _api.UrlTasks(EmulatorApi.Now - 3600_000, EmulatorApi.Now);

            Assert.Equal((403, "CDN.0004"), Error(nested));
            Assert.Equal("the customer is not in the whitelist", nested.Json.GetProperty("error").GetProperty("error_msg").GetString());
            Assert.Equal((403, "CDN.0004"), Error(flat));
            Assert.True(flat.Json.TryGetProperty("error_code", out _));
        }

        [Fact]
        public void EnterpriseProjects_ScopePurgesAndHistory_AndGuardIamUsers()
        {
            Account("""
                {"enterprise_projects":["0","ep-a"],
                 "domains":[{"name":"a.example.com","enterprise_project_id":"ep-a"},{"name":"www.example.com","enterprise_project_id":"0"}]}
                """);

            RawAnswer inA = _api.Post(Refresh, Purge("https://a.example.com/x.png"), ("enterprise_project_id", "ep-a"));
            Assert.Equal(200, inA.Status);
            Assert.Equal(200, _api.Post(Refresh, Purge("https://www.example.com/y.png")).Status); // main account, no id: every project
            Assert.Equal(200, _api.Post(Refresh, Purge("https://www.example.com/z.png"), ("enterprise_project_id", "ALL")).Status);
            Assert.Equal((400, "CDN.0108"), Error(_api.Post(Refresh, Purge("https://www.example.com/y.png"), ("enterprise_project_id", "ep-a"))));
            Assert.Equal((403, "CDN.0020"), Error(_api.Post(Refresh, Purge("https://a.example.com/x.png"), ("enterprise_project_id", "ep-b"))));

            Assert.Equal(1, _api.Get(History, ("enterprise_project_id", "ep-a")).Json.GetProperty("total").GetInt32());
            Assert.Equal(3, _api.Get(History).Json.GetProperty("total").GetInt32());
            string id = inA.Json.GetProperty("refresh_task").GetString();
            Assert.Equal(404, _api.Get($"{History}/{id}/detail", ("enterprise_project_id", "0")).Status);
            Assert.Equal(200, _api.Get($"{History}/{id}/detail", ("enterprise_project_id", "ep-a")).Status);

            // An IAM user's key (ExtraKeys "AK:SK:DOMAIN:PROJECTS") must name a project it may use.
            _api.Control(HttpMethod.Post, "/_emulator/options", """{"ExtraKeys": "HPUAIAMUSERKEY000001:iam-user-secret::ep-a"}""");
            Account("""{"enterprise_projects":["0","ep-a"],"domains":[{"name":"a.example.com","enterprise_project_id":"ep-a"},"www.example.com"]}""");
            var user = new EmulatorApi(_api.BaseUri)
            {
                AccessKey = "HPUAIAMUSERKEY000001", SecretKey = "iam-user-secret",
            };
            Assert.Equal((400, "CDN.0001"), Error(user.Post(Refresh, Purge("https://a.example.com/x.png"))));
            Assert.Equal((403, "CDN.0020"), Error(user.Post(Refresh, Purge("https://www.example.com/x.png"), ("enterprise_project_id", "0"))));
            Assert.Equal(200, user.Post(Refresh, Purge("https://a.example.com/x.png"), ("enterprise_project_id", "ep-a")).Status);
            Assert.Equal(200, user.Post(Refresh, Purge("https://a.example.com/x2.png"), ("enterprise_project_id", "all")).Status);
        }

        [Fact]
        public void Outcomes_ForceWhichUrlsFailAndWhy_ForTheNextSubmissions()
        {
            JsonElement set = _api.Control(HttpMethod.Post, "/_emulator/outcomes", """
                [{"url":"https://www.example.com/bad/*","status":"failed","fail_classify":"INNER_ERROR","fail_desc":"edge node broke","seconds":0},
                 {"url":"https://www.example.com/once.png","status":"succeed","seconds":0,"count":1}]
                """);
            Assert.Equal(2, set.GetProperty("outcomes").GetArrayLength());

            string id = _api.Post(Refresh, Purge("https://www.example.com/bad/1.png", "https://www.example.com/once.png", "https://www.example.com/slow.png"))
                .Json.GetProperty("refresh_task").GetString();
            JsonElement detail = _api.Get($"{History}/{id}/detail").Json;
            var byUrl = detail.GetProperty("urls").EnumerateArray().ToDictionary(u => u.GetProperty("url").GetString());

            Assert.Equal("failed", byUrl["https://www.example.com/bad/1.png"].GetProperty("status").GetString());
            Assert.Equal("INNER_ERROR", byUrl["https://www.example.com/bad/1.png"].GetProperty("fail_classify").GetString());
            Assert.Equal("edge node broke", byUrl["https://www.example.com/bad/1.png"].GetProperty("fail_desc").GetString());
            Assert.Equal("succeed", byUrl["https://www.example.com/once.png"].GetProperty("status").GetString());
            Assert.Equal("waiting", byUrl["https://www.example.com/slow.png"].GetProperty("status").GetString()); // TaskSeconds 600: no rule
            Assert.Single(_api.Control(HttpMethod.Get, "/_emulator/outcomes").GetProperty("outcomes").EnumerateArray()); // "count": 1 is used up

            _api.Control(HttpMethod.Delete, "/_emulator/outcomes");
            Assert.Empty(_api.Control(HttpMethod.Get, "/_emulator/outcomes").GetProperty("outcomes").EnumerateArray());
        }

        [Theory]
        [InlineData("""{"url":"https://x.example.com/a"}""")]
        [InlineData("""{"status":"failed"}""")]
        [InlineData("""{"url":"https://x.example.com/a","status":"processing"}""")]
        [InlineData("""{"url":"https://x.example.com/a","status":"failed","fail_classify":"BAD"}""")]
        [InlineData("""{"url":"https://x.example.com/a","status":"failed","seconds":-1}""")]
        [InlineData("""{"url":"https://x.example.com/a","status":"failed","why":"x"}""")]
        public void Outcomes_BadBody_Is400(string body) =>
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Post, "/_emulator/outcomes", body).Status);

        [Theory]
        [InlineData("""{"domains":["not a host/"]}""")]
        [InlineData("""{"domains":[{"name":"a.example.com","status":"paused"}]}""")]
        [InlineData("""{"enterprise_projects":[1]}""")]
        [InlineData("""{"url_task_whitelisted":"no"}""")]
        [InlineData("""{"colour":"red"}""")]
        public void Account_BadBody_Is400(string body) =>
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Post, "/_emulator/account", body).Status);
    }
}
