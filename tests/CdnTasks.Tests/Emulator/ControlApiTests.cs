// Copyright (c) CdnTasks contributors. MIT License.

using System.Text.Json;
using CdnTasks.Tests.Reliability;
using Xunit;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>One emulator without rate limits, shared by the tests of a class; each test resets it first.</summary>
    public sealed class ControlEmulatorFixture : IDisposable
    {
        public ControlEmulatorFixture()
        {
            Emulator = new EmulatorProcess("--RateLimit", "false", "--Records", "0", "--TaskSeconds", "600");
            Api = new EmulatorApi(Emulator);
        }

        public EmulatorProcess Emulator { get; }

        public EmulatorApi Api { get; }

        public void Dispose() => Emulator.Dispose();
    }

    /// <summary>The control API: health, reset, seeding records, per-API fault scripts.</summary>
    public sealed class ControlApiTests : IClassFixture<ControlEmulatorFixture>
    {
        private const string UrlTasks = "/v1.0/cdn/contentgateway/url-tasks";
        private const string Refresh = "/v1.0/cdn/content/refresh-tasks";
        private readonly EmulatorApi _api;
        private readonly long _start = EmulatorApi.Now - 23 * 3600_000L;
        private readonly long _end = EmulatorApi.Now + 3600_000L;

        public ControlApiTests(ControlEmulatorFixture fixture)
        {
            _api = fixture.Api;
            _api.Reset();
        }

        private int Total() => _api.UrlTasks(_start, _end).Json.GetProperty("total").GetInt32();

        [Fact]
        public void Health_Answers200()
        {
            RawAnswer answer = _api.ControlRaw(HttpMethod.Get, "/_emulator/health");

            Assert.Equal(200, answer.Status);
            Assert.Equal("ok", answer.Json.GetProperty("status").GetString());
        }

        [Fact]
        public void Reset_WithoutBody_LeavesNoRecordsTasksQuotaUsageMutationsFaultsOrStats()
        {
            _api.Reset("""{"records": 50}""");
            Assert.Equal(200, _api.Post(Refresh, """{"refresh_task":{"urls":["https://www.example.com/a.png"]}}""").Status);
            _api.Mutate("""{"insertPerRequest": 3}""");
            _api.Control(HttpMethod.Post, "/_emulator/faults", """{"api":"ShowQuota","script":"1:503"}""");
            _api.Control(HttpMethod.Post, "/_emulator/faults", """{"script":"9:500"}""");

            _api.Reset();

            Assert.Equal(0, _api.Control(HttpMethod.Get, "/_emulator/count").GetProperty("count").GetInt32());
            Assert.Equal(0, _api.Get("/v1.0/cdn/historytasks").Json.GetProperty("total").GetInt32());
            Assert.Equal(0, _api.Control(HttpMethod.Get, "/_emulator/mutations").GetProperty("mutations").GetArrayLength());
            Assert.Equal(0, _api.Control(HttpMethod.Get, "/_emulator/tasks").GetProperty("tasks").GetArrayLength());
            JsonElement quota = _api.Get("/v1.0/cdn/quota").Json; // would be a 503 if the ShowQuota script survived
            Assert.All(
                quota.GetProperty("quotas").EnumerateArray().Where(q => q.GetProperty("type").GetString() is "file_refresh" or "dir_refresh" or "preheat"),
                q => Assert.Equal(0, q.GetProperty("used").GetInt32()));
            Assert.Equal(0, Total()); // no mutation inserted anything
            JsonElement stats = _api.Control(HttpMethod.Get, "/_emulator/stats");
            Assert.Equal(3, stats.GetProperty("totalRequests").GetInt64());
            Assert.Equal(0, stats.GetProperty("faultsInjected").GetInt64());
        }

        [Fact]
        public void Reset_WithGeneratorOptions_RegeneratesTheSameDataForTheSameSeed()
        {
            _api.Reset("""{"records": 120, "days": 0.9, "seed": 7}""");
            string first = _api.UrlTasks(EmulatorApi.Now - 86_000_000, EmulatorApi.Now + 1000).Body;
            Assert.Equal(120, _api.Control(HttpMethod.Get, "/_emulator/count").GetProperty("count").GetInt32());

            _api.Reset("""{"records": 120, "days": 0.9, "seed": 8}""");
            string other = _api.UrlTasks(EmulatorApi.Now - 86_000_000, EmulatorApi.Now + 1000).Body;
            _api.Reset("""{"records": 120, "days": 0.9, "seed": 7, "anchor_time": 0}""");
            _api.Reset("""{"records": 120, "days": 0.9, "seed": 7}""");
            string again = _api.UrlTasks(EmulatorApi.Now - 86_000_000, EmulatorApi.Now + 1000).Body;

            Assert.NotEqual(first, other);
            Assert.Equal(Urls(first), Urls(again));
        }

        private static string[] Urls(string body) =>
            JsonDocument.Parse(body).RootElement.GetProperty("result").EnumerateArray().Select(r => r.GetProperty("url").GetString()).ToArray();

        [Theory]
        [InlineData("""{"records": -1}""")]
        [InlineData("""{"recrods": 5}""")]
        [InlineData("""[1]""")]
        [InlineData("""{"records": 5""")]
        public void Reset_BadBody_Is400WithAnErrorText(string body)
        {
            RawAnswer answer = _api.ControlRaw(HttpMethod.Post, "/_emulator/reset", body);

            Assert.Equal(400, answer.Status);
            Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("error").GetString()));
        }

        [Fact]
        public void Records_AreServedByEveryApi_GroupedIntoTasks_WithTheirIds()
        {
            long t1 = EmulatorApi.Now - 3600_000, t2 = EmulatorApi.Now - 1800_000;
            JsonElement created = _api.Records($$"""
                [{"url":"https://www.example.com/a.png","status":"failed","create_time":{{t1}},"fail_desc":"origin says no"},
                 {"url":"https://www.example.com/b.png","status":"processing","create_time":{{t1}}},
                 {"url":"https://www.example.com/dir/","file_type":"directory","mode":"detect_modify_refresh","create_time":{{t2}}},
                 {"url":"https://img.example.com/c.jpg","task_type":"preheating","create_time":{{t2}}}]
                """);

            long[] ids = created.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long[] tasks = created.GetProperty("task_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(4, ids.Distinct().Count());
            Assert.Equal(tasks[0], tasks[1]); // same type, file type and create_time: one task
            Assert.Equal(3, tasks.Distinct().Count());

            JsonElement page = _api.UrlTasks(_start, _end).Json;
            Assert.Equal(4, page.GetProperty("total").GetInt32());
            var byId = page.GetProperty("result").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetInt64());
            Assert.Equal("FAILED", byId[ids[0]].GetProperty("status").GetString());
            Assert.Equal(t1, byId[ids[0]].GetProperty("create_time").GetInt64());
            Assert.Equal("PROCESSING", byId[ids[1]].GetProperty("status").GetString());
            Assert.Equal("detect_modify_refresh", byId[ids[2]].GetProperty("mode").GetString());
            Assert.Equal("directory", byId[ids[2]].GetProperty("file_type").GetString());
            Assert.Equal("PREHEATING", byId[ids[3]].GetProperty("type").GetString());
            Assert.Equal("SUCCEED", byId[ids[3]].GetProperty("status").GetString());
            Assert.Equal(tasks[0], byId[ids[0]].GetProperty("task_id").GetInt64());

            JsonElement detail = _api.Get($"/v1.0/cdn/historytasks/{tasks[0]}/detail").Json;
            Assert.Equal("task_inprocess", detail.GetProperty("status").GetString());
            Assert.Equal(1, detail.GetProperty("failed").GetInt32());
            Assert.Equal(1, detail.GetProperty("processing").GetInt32());
            JsonElement failed = detail.GetProperty("urls").EnumerateArray().Single(u => u.GetProperty("status").GetString() == "failed");
            Assert.Equal("origin says no", failed.GetProperty("fail_desc").GetString());
            Assert.Equal("ORIGIN_ERROR", failed.GetProperty("fail_classify").GetString());
        }

        [Fact]
        public void Records_WithTaskLabels_ShareTheLabelledTask()
        {
            long t = EmulatorApi.Now - 60_000;
            JsonElement created = _api.Records($$"""
                [{"url":"https://www.example.com/1","task":"a","create_time":{{t}}},{"url":"https://www.example.com/2","task":"b","create_time":{{t}}},
                 {"url":"https://www.example.com/3","task":"a","create_time":{{t}}}]
                """);

            long[] tasks = created.GetProperty("task_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(tasks[0], tasks[2]);
            Assert.NotEqual(tasks[0], tasks[1]);
        }

        [Fact]
        public void Records_DefaultCreateTimeIsNow()
        {
            long before = EmulatorApi.Now;
            long id = _api.Records("""[{"url":"https://www.example.com/now.png"}]""").GetProperty("ids")[0].GetInt64();
            long after = EmulatorApi.Now;

            JsonElement record = _api.UrlTasks(_start, _end).Json.GetProperty("result").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
            Assert.InRange(record.GetProperty("create_time").GetInt64(), before, after);
        }

        [Theory]
        [InlineData("""{"url":"https://x.example.com/a"}""")]
        [InlineData("""[{"status":"failed"}]""")]
        [InlineData("""[{"url":"https://x.example.com/a","status":"broken"}]""")]
        [InlineData("""[{"url":"https://x.example.com/a","task_type":"purge"}]""")]
        [InlineData("""[{"url":"https://x.example.com/a","file_type":"directory","task_type":"preheating"}]""")]
        [InlineData("""[{"url":"https://x.example.com/a","mode":"all"}]""")]
        [InlineData("""[{"url":"https://x.example.com/a","colour":"red"}]""")]
        [InlineData("""[{"url":"https://x.example.com/a","create_time":"yesterday"}]""")]
        public void Records_BadBody_Is400AndCreatesNothing(string body)
        {
            RawAnswer answer = _api.ControlRaw(HttpMethod.Post, "/_emulator/records", body);

            Assert.Equal(400, answer.Status);
            Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("error").GetString()));
            Assert.Equal(0, Total());
        }

        [Fact]
        public void Faults_WithApi_AreNumberedByThatApisOwnRequests()
        {
            _api.Control(HttpMethod.Post, "/_emulator/faults", """{"api":"CreateRefreshTasks","script":"2:503"}""");
            string purge = """{"refresh_task":{"urls":["https://www.example.com/a.png"]}}""";

            Assert.Equal(200, _api.UrlTasks(_start, _end).Status);
            Assert.Equal(200, _api.UrlTasks(_start, _end).Status);
            Assert.Equal(200, _api.Post(Refresh, purge).Status);    // CreateRefreshTasks #1
            Assert.Equal(200, _api.Get("/v1.0/cdn/quota").Status);
            RawAnswer second = _api.Post(Refresh, purge);            // CreateRefreshTasks #2 (request 5 overall)
            Assert.Equal(200, _api.Post(Refresh, purge).Status);    // #3

            Assert.Equal(503, second.Status);
            Assert.Equal(2, _api.Control(HttpMethod.Get, "/_emulator/tasks").GetProperty("tasks").GetArrayLength());
            JsonElement faults = _api.Control(HttpMethod.Get, "/_emulator/faults");
            Assert.Equal(3, faults.GetProperty("apis").GetProperty("CreateRefreshTasks").GetProperty("requests").GetInt64());
            Assert.Equal(6, faults.GetProperty("global").GetProperty("requests").GetInt64());
        }

        [Fact]
        public void Faults_GlobalScript_NumbersEveryApiRequest_AndAnApiScriptWinsWhereBothStrike()
        {
            _api.Control(HttpMethod.Post, "/_emulator/faults", """{"script":"2:500,3:502"}""");
            _api.Control(HttpMethod.Post, "/_emulator/faults", """{"api":"ShowQuota","script":"1:503"}""");

            Assert.Equal(200, _api.UrlTasks(_start, _end).Status);
            Assert.Equal(500, _api.UrlTasks(_start, _end).Status);
            Assert.Equal(503, _api.Get("/v1.0/cdn/quota").Status); // global #3 would be 502; the ShowQuota script wins
            Assert.Equal(200, _api.Get("/v1.0/cdn/quota").Status);

            _api.Control(HttpMethod.Delete, "/_emulator/faults?api=ShowQuota");
            _api.Control(HttpMethod.Post, "/_emulator/faults", """{"script":"1:429"}""");
            Assert.Equal(429, _api.Get("/v1.0/cdn/quota").Status);
        }

        [Theory]
        [InlineData("""{"api":"ListDomains","script":"1:503"}""")]
        [InlineData("""{"api":"ShowQuota","script":"x:503"}""")]
        [InlineData("""{"api":"ShowQuota","script":"1:teapot"}""")]
        [InlineData("""{"scirpt":"1:503"}""")]
        public void Faults_BadBody_Is400(string body)
        {
            RawAnswer answer = _api.ControlRaw(HttpMethod.Post, "/_emulator/faults", body);

            Assert.Equal(400, answer.Status);
            Assert.Contains("error", answer.Body, StringComparison.Ordinal);
        }
    }
}
