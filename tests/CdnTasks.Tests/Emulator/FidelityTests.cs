// Copyright (c) CdnTasks contributors. MIT License.

using System.Text.Json;
using Xunit;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>Rules of the spec the emulator enforces: case, defaults, time windows, quotas, aging, fault shapes, runtime options.</summary>
    public sealed class FidelityTests : IClassFixture<ControlEmulatorFixture>
    {
        private const string History = "/v1.0/cdn/historytasks";
        private const string UrlTasks = "/v1.0/cdn/contentgateway/url-tasks";
        private const string Refresh = "/v1.0/cdn/content/refresh-tasks";
        private const long Day = 86_400_000;
        private readonly EmulatorApi _api;
        private readonly long _start = EmulatorApi.Now - 23 * 3600_000L;
        private readonly long _end = EmulatorApi.Now + 3600_000L;

        public FidelityTests(ControlEmulatorFixture fixture)
        {
            _api = fixture.Api;
            _api.Reset();
        }

        private static JsonElement Ok(RawAnswer answer)
        {
            Assert.True(answer.Status == 200, answer.ToString());
            return answer.Json;
        }

        private static string CdnCode(RawAnswer answer) =>
            answer.Json.TryGetProperty("error", out JsonElement nested) ? nested.GetProperty("error_code").GetString() : answer.Json.GetProperty("error_code").GetString();

        [Fact]
        public void ShowHistoryTasks_WithoutFileType_AnswersFileTasksOnly()
        {
            _api.Records("""[{"url":"https://www.example.com/f.png"},{"url":"https://www.example.com/d/","file_type":"directory"}]""");

            JsonElement tasks = Ok(_api.Get(History));

            Assert.Equal(1, tasks.GetProperty("total").GetInt32());
            Assert.Equal("file", tasks.GetProperty("tasks")[0].GetProperty("file_type").GetString());
            Assert.Equal(1, Ok(_api.Get(History, ("file_type", "directory"))).GetProperty("total").GetInt32());
        }

        [Theory]
        [InlineData(History, "status", "TASK_DONE")]
        [InlineData(History, "task_type", "REFRESH")]
        [InlineData(History, "file_type", "File")]
        [InlineData(History, "order_type", "DESC")]
        [InlineData(UrlTasks, "task_type", "refresh")]
        [InlineData(UrlTasks, "file_type", "FILE")]
        public void EnumeratedValues_InAnotherCaseThanDocumented_Are400_UnlessStrictCaseIsOff(string path, string name, string value)
        {
            var query = new List<(string, object)> { (name, value) };
            if (name == "order_type")
            {
                query.Add(("order_field", "create_time"));
            }

            if (path == UrlTasks)
            {
                query.AddRange(new (string, object)[] { ("start_time", _start), ("end_time", _end) });
            }

            RawAnswer strict = _api.Get(path, query.ToArray());
            _api.Control(HttpMethod.Post, "/_emulator/options", """{"StrictCase": false}""");
            RawAnswer lenient = _api.Get(path, query.ToArray());

            Assert.Equal(400, strict.Status);
            Assert.Equal("CDN.0001", CdnCode(strict));
            Assert.Contains(name, strict.Body, StringComparison.Ordinal);
            Assert.Equal(200, lenient.Status);
        }

        [Fact]
        public void ShowUrlTaskInfoStatus_IsMatchedInAnyCase_AndDetailStatusOnlyInLowerCase()
        {
            long task = _api.Records("""[{"url":"https://www.example.com/x.png","status":"failed"}]""").GetProperty("task_ids")[0].GetInt64();

            Assert.Equal(1, Ok(_api.UrlTasks(_start, _end, 0, 10, ("status", "FAILED"))).GetProperty("total").GetInt32());
            Assert.Equal(1, Ok(_api.UrlTasks(_start, _end, 0, 10, ("status", "failed"))).GetProperty("total").GetInt32());
            Assert.Equal(400, _api.Get($"{History}/{task}/detail", ("status", "FAILED")).Status);
            Assert.Single(Ok(_api.Get($"{History}/{task}/detail", ("status", "failed"))).GetProperty("urls").EnumerateArray());
        }

        [Fact]
        public void ShowHistoryTaskDetails_FindsTheLastSevenDaysWithoutCreateTime_AndReachesFifteenDaysWithIt()
        {
            long now = EmulatorApi.Now;
            JsonElement created = _api.Records($$"""
                [{"url":"https://www.example.com/old.png","create_time":{{now - 8 * Day}}},
                 {"url":"https://www.example.com/new.png","create_time":{{now - 3 * Day}}}]
                """);
            long old = created.GetProperty("task_ids")[0].GetInt64(), recent = created.GetProperty("task_ids")[1].GetInt64();

            RawAnswer oldDefault = _api.Get($"{History}/{old}/detail");
            RawAnswer oldWithTime = _api.Get($"{History}/{old}/detail", ("create_time", now - 8 * Day));
            RawAnswer tooFarBack = _api.Get($"{History}/{old}/detail", ("create_time", now - 16 * Day));

            Assert.Equal(404, oldDefault.Status);
            Assert.Equal("CDN.0003", CdnCode(oldDefault));
            Assert.Equal(200, oldWithTime.Status);
            Assert.Equal(400, tooFarBack.Status);
            Assert.Contains("15 days", tooFarBack.Body, StringComparison.Ordinal);
            Assert.Equal(200, _api.Get($"{History}/{recent}/detail").Status);
        }

        [Fact]
        public void ShowQuota_AnswersEveryDocumentedType_AndPurgeUsageResetsAtTheServicesMidnight()
        {
            Ok(_api.Post(Refresh, """{"refresh_task":{"urls":["https://www.example.com/q.png"]}}"""));
            JsonElement[] quotas = Ok(_api.Get("/v1.0/cdn/quota")).GetProperty("quotas").EnumerateArray().ToArray();

            string[] documented =
            {
                "file_refresh", "dir_refresh", "preheat", "domain", "ip_filter", "browser_cache_rule", "http_response_header", "referer",
                "flexible_origin", "flexible_origin_match_value", "cache_rule", "custom_cache_key", "custom_cache_key_match_value", "rule",
                "edge_function", "origin_request_url_rewrite", "origin_request_header", "request_url_rewrite", "access_area_filter",
                "request_limit_rules", "user_agent",
            };
            Assert.Equal(documented.OrderBy(x => x), quotas.Select(q => q.GetProperty("type").GetString()).OrderBy(x => x));
            Assert.Equal(1, Used(quotas, "file_refresh"));
            Assert.Equal(6, Used(quotas, "domain")); // the six default acceleration domains

            // The next midnight in UTC+8 (the service's day): usage starts again from 0.
            long zone = 8 * 3600_000L, now = EmulatorApi.Now;
            long nextMidnight = ((now + zone) / Day + 1) * Day - zone;
            _api.Control(HttpMethod.Post, "/_emulator/clock", $$"""{"advance_ms": {{nextMidnight - now + 1000}}}""");
            Assert.Equal(0, Used(Ok(_api.Get("/v1.0/cdn/quota")).GetProperty("quotas").EnumerateArray().ToArray(), "file_refresh"));
        }

        private static int Used(JsonElement[] quotas, string type) => quotas.Single(q => q.GetProperty("type").GetString() == type).GetProperty("used").GetInt32();

        [Fact]
        public void GeneratedHistory_Ages_NothingOlderThanItsProcessingTimeIsInProcess_AndTheRestFinishesLater()
        {
            _api.Reset("""{"records": 3000, "days": 0.5, "seed": 11}""");
            long now = EmulatorApi.Now;
            string[] inProcess = { "processing", "waiting", "refreshing", "preheating" };

            long Count(string status, long? before = null) => _api.Control(HttpMethod.Get,
                $"/_emulator/count?status={status}" + (before is long b ? $"&start_time=0&end_time={b}" : string.Empty)).GetProperty("count").GetInt64();

            Assert.All(inProcess, s => Assert.Equal(0, Count(s, now - 31 * 60_000)));
            Assert.True(inProcess.Sum(s => Count(s)) > 0, "the newest generated tasks are still in process");

            _api.Control(HttpMethod.Post, "/_emulator/clock", """{"advance_ms": 1860000}""");
            Assert.All(inProcess, s => Assert.Equal(0, Count(s)));
        }

        [Theory]
        [InlineData("CreateRefreshTasks", Refresh, "30")]
        [InlineData("ShowUrlTaskInfo", UrlTasks, "5")]
        [InlineData("ShowHistoryTasks", History, "30")]
        [InlineData("ShowQuota", "/v1.0/cdn/quota", "5")]
        public void AnInjected429_NamesTheApisOwnLimit(string api, string path, string limit)
        {
            _api.Control(HttpMethod.Post, "/_emulator/faults", $$"""{"api":"{{api}}","script":"1:429"}""");

            RawAnswer answer = path == Refresh
                ? _api.Post(path, """{"refresh_task":{"urls":["https://www.example.com/a.png"]}}""")
                : _api.Get(path, path == UrlTasks ? new (string, object)[] { ("start_time", _start), ("end_time", _end) } : Array.Empty<(string, object)>());

            Assert.Equal(429, answer.Status);
            Assert.Contains($"limit:{limit},", answer.Json.GetProperty("error_msg").GetString(), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("CreateRefreshTasks", "{\"refresh_task\":\"")]
        [InlineData("CreatePreheatingTasks", "{\"preheating_task\":\"")]
        [InlineData("ShowHistoryTasks", "{\"total\":")]
        [InlineData("ShowHistoryTaskDetails", "{\"id\":")]
        [InlineData("ShowQuota", "{\"quotas\":[")]
        [InlineData("ShowUrlTaskInfo", "{\"total\":")]
        public void TheTruncateFault_CutsTheApisOwnAnswerShape(string api, string prefix)
        {
            long task = _api.Records("""[{"url":"https://www.example.com/t.png"}]""").GetProperty("task_ids")[0].GetInt64();
            _api.Control(HttpMethod.Post, "/_emulator/faults", $$"""{"api":"{{api}}","script":"1:truncate"}""");

            RawAnswer answer = api switch
            {
                "CreateRefreshTasks" => _api.Post(Refresh, """{"refresh_task":{"urls":["https://www.example.com/a.png"]}}"""),
                "CreatePreheatingTasks" => _api.Post("/v1.0/cdn/content/preheating-tasks", """{"preheating_task":{"urls":["https://www.example.com/a.png"]}}"""),
                "ShowHistoryTasks" => _api.Get(History),
                "ShowHistoryTaskDetails" => _api.Get($"{History}/{task}/detail"),
                "ShowQuota" => _api.Get("/v1.0/cdn/quota"),
                _ => _api.UrlTasks(_start, _end),
            };

            Assert.Equal(200, answer.Status);
            Assert.StartsWith(prefix, answer.Body, StringComparison.Ordinal);
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(answer.Body));
            if (api.StartsWith("Create", StringComparison.Ordinal))
            {
                Assert.Empty(_api.Control(HttpMethod.Get, "/_emulator/tasks").GetProperty("tasks").EnumerateArray());
            }
        }

        [Fact]
        public void Options_ChangeAtRunTime_AreValidated_AndResetRestoresTheStartupValues()
        {
            JsonElement changed = _api.Control(HttpMethod.Post, "/_emulator/options", """{"ratelimitpersecond": 2, "QuotaFileRefresh": 1}""");
            Assert.Equal(2, changed.GetProperty("RateLimitPerSecond").GetInt32());

            int[] statuses = Enumerable.Range(0, 4).Select(_ => _api.Get("/v1.0/cdn/quota").Status).ToArray();
            RawAnswer overQuota = _api.Post(Refresh, """{"refresh_task":{"urls":["https://www.example.com/1.png","https://www.example.com/2.png"]}}""");

            Assert.Contains(429, statuses);
            Assert.Equal(400, overQuota.Status);
            Assert.Equal("CDN.0110", CdnCode(overQuota));
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Post, "/_emulator/options", """{"RateLimitPerSecnod": 2}""").Status);
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Post, "/_emulator/options", """{"TaskSeconds": "fast"}""").Status);
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Post, "/_emulator/options", """{"AllowRemote": true}""").Status);
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Post, "/_emulator/options", """{"Domains": "not a host/x"}""").Status);

            _api.Reset();
            JsonElement restored = _api.Control(HttpMethod.Get, "/_emulator/options");
            Assert.Equal(JsonValueKind.Null, restored.GetProperty("RateLimitPerSecond").ValueKind);
            Assert.Equal(10000, restored.GetProperty("QuotaFileRefresh").GetInt32());
        }

        [Fact]
        public void TheDataClock_MovesRecordAgesAndLifeCycles_ButNotTheSignatureCheck()
        {
            _api.Control(HttpMethod.Post, "/_emulator/options", """{"TaskSeconds": 60}""");
            string id = Ok(_api.Post(Refresh, """{"refresh_task":{"urls":["https://www.example.com/c.png"]}}""")).GetProperty("refresh_task").GetString();
            Assert.Equal("task_inprocess", Ok(_api.Get($"{History}/{id}/detail")).GetProperty("status").GetString());

            JsonElement clock = _api.Control(HttpMethod.Post, "/_emulator/clock", """{"advance_ms": 61000}""");

            Assert.Equal(61000, clock.GetProperty("offset_ms").GetInt64());
            Assert.Equal("task_done", Ok(_api.Get($"{History}/{id}/detail")).GetProperty("status").GetString()); // signed with the real time: still accepted
            _api.Reset();
            Assert.Equal(0, _api.Control(HttpMethod.Get, "/_emulator/clock").GetProperty("offset_ms").GetInt64());
        }
    }
}
