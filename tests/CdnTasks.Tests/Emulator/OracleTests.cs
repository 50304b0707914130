// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>POST /_emulator/epoch and GET /_emulator/oracle: "stable" and "ever", exact also under concurrent mutation.</summary>
    public sealed class OracleTests : IClassFixture<ControlEmulatorFixture>
    {
        private const string History = "/v1.0/cdn/historytasks";
        private readonly EmulatorApi _api;
        private readonly long _start = EmulatorApi.Now - 23 * 3600_000L;
        private readonly long _end = EmulatorApi.Now + 3600_000L;

        public OracleTests(ControlEmulatorFixture fixture)
        {
            _api = fixture.Api;
            _api.Reset();
        }

        private HashSet<long> Seed(int n, string status, string more = "")
        {
            long t0 = EmulatorApi.Now - 3600_000;
            var sb = new StringBuilder("[");
            for (int i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append(CultureInfo.InvariantCulture, $$"""{"url":"https://www.example.com/o/{{i}}.png","status":"{{status}}","create_time":{{t0 - i * 1000L}}{{more}}}""");
            }

            return _api.Records(sb.Append(']').ToString()).GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToHashSet();
        }

        private static HashSet<long> Ids(JsonElement oracle, string member) =>
            oracle.GetProperty(member).EnumerateArray()
                .Select(e => e.GetProperty("id").ValueKind == JsonValueKind.String ? long.Parse(e.GetProperty("id").GetString(), CultureInfo.InvariantCulture) : e.GetProperty("id").GetInt64())
                .ToHashSet();

        /// <summary>What matches now: the stable set of an epoch taken now.</summary>
        private HashSet<long> Now(string query = "") => Ids(_api.Oracle(_api.Epoch(), query), "stable");

        [Fact]
        public void Oracle_BeforeAnyEpoch_OrWithoutSince_OrForAnotherApi_Is400()
        {
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Get, "/_emulator/oracle?since=0").Status);
            long epoch = _api.Epoch();
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Get, "/_emulator/oracle").Status);
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Get, $"/_emulator/oracle?since={epoch}&api=ShowQuota").Status);
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Get, $"/_emulator/oracle?since={epoch + 1000}").Status);
            Assert.Equal(400, _api.ControlRaw(HttpMethod.Get, $"/_emulator/oracle?since={epoch}&status=done").Status);
        }

        [Fact]
        public void Epoch_GrowsWithEveryChange()
        {
            long first = _api.Epoch();
            Seed(3, "succeed");
            long second = _api.Epoch();

            Assert.True(second > first, $"{first} then {second}");
        }

        [Fact]
        public void StableAndEver_UnderStatusChangesInsertsAndDeletes_AreExact()
        {
            HashSet<long> seeded = Seed(20, "processing");
            long epoch = _api.Epoch();
            _api.Mutate("""{"statusChangesPerRequest":2,"insertPerRequest":3,"insertStatus":"processing","deletesPerRequest":1}""");
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(200, _api.UrlTasks(_start, _end, 0, 100, ("status", "processing")).Status);
            }

            _api.Control(HttpMethod.Delete, "/_emulator/mutations");

            JsonElement processing = _api.Oracle(epoch, "status=processing");
            JsonElement all = _api.Oracle(epoch);

            // Statuses only move on and deletions are final, so "matched throughout" = matched at the epoch and now.
            HashSet<long> processingNow = Now("status=processing");
            Assert.Equal(seeded.Intersect(processingNow).OrderBy(x => x), Ids(processing, "stable").OrderBy(x => x));
            Assert.Equal(20 + 9, Ids(processing, "ever").Count);
            Assert.Subset(Ids(processing, "ever"), processingNow);
            Assert.Equal(seeded.Intersect(Now()).OrderBy(x => x), Ids(all, "stable").OrderBy(x => x));
            Assert.Equal(20 + 9, Ids(all, "ever").Count);
            Assert.True(Ids(processing, "stable").Count < 20);
        }

        [Fact]
        public void Entries_CarryIdUrlCreateTimeAndStatus_AndFiltersAreTheApisOwn()
        {
            long t = EmulatorApi.Now - 7200_000;
            long id = _api.Records($$"""
                [{"url":"https://www.example.com/keep.png","status":"failed","create_time":{{t}}},
                 {"url":"https://www.example.com/dir/","file_type":"directory","status":"failed","create_time":{{t}}},
                 {"url":"https://www.example.com/pre.png","task_type":"preheating","status":"failed","create_time":{{t}}},
                 {"url":"https://www.example.com/old.png","status":"failed","create_time":{{t - 3600_000}}}]
                """).GetProperty("ids")[0].GetInt64();
            long epoch = _api.Epoch();

            JsonElement oracle = _api.Oracle(epoch, $"status=failed&task_type=REFRESH&file_type=file&start_time={t}&end_time={t + 1}");
            JsonElement byUrl = _api.Oracle(epoch, "url=" + Uri.EscapeDataString("https://www.example.com/old.png"));

            JsonElement entry = Assert.Single(oracle.GetProperty("stable").EnumerateArray());
            Assert.Equal(id, entry.GetProperty("id").GetInt64());
            Assert.Equal("https://www.example.com/keep.png", entry.GetProperty("url").GetString());
            Assert.Equal(t, entry.GetProperty("create_time").GetInt64());
            Assert.Equal("FAILED", entry.GetProperty("status").GetString());
            Assert.Equal(1, oracle.GetProperty("stableCount").GetInt32());
            Assert.Single(byUrl.GetProperty("ever").EnumerateArray());
        }

        [Fact]
        public void Ids_HiddenInAnswers_AreRealInTheOracle()
        {
            HashSet<long> seeded = Seed(10, "succeed");
            long epoch = _api.Epoch();
            _api.Mutate("""{"nullIdShare":0.5,"missingIdShare":0.5}""");

            JsonElement[] page = _api.UrlTasks(_start, _end).Json.GetProperty("result").EnumerateArray().ToArray();
            JsonElement oracle = _api.Oracle(epoch);

            Assert.All(page, r => Assert.True(!r.TryGetProperty("id", out JsonElement v) || v.ValueKind == JsonValueKind.Null));
            Assert.Equal(seeded.OrderBy(x => x), Ids(oracle, "stable").OrderBy(x => x));
            var answered = page.Select(r => (r.GetProperty("url").GetString(), r.GetProperty("create_time").GetInt64())).ToHashSet();
            var known = oracle.GetProperty("stable").EnumerateArray().Select(e => (e.GetProperty("url").GetString(), e.GetProperty("create_time").GetInt64())).ToHashSet();
            Assert.Equal(known, answered);
        }

        [Fact]
        public void Tasks_StableAndEver_FollowTheTasksUrls()
        {
            Seed(5, "processing"); // five tasks in process
            HashSet<long> tasksAtEpoch = Ids(_api.Oracle(_api.Epoch(), "api=ShowHistoryTasks&status=task_inprocess"), "stable");
            long epoch = _api.Epoch();
            _api.Mutate("""{"api":"ShowHistoryTasks","statusChangesPerRequest":1,"insertPerRequest":1,"insertStatus":"processing"}""");
            Assert.Equal(200, _api.Get(History, ("status", "task_inprocess")).Status);
            Assert.Equal(200, _api.Get(History, ("status", "task_inprocess")).Status);
            _api.Control(HttpMethod.Delete, "/_emulator/mutations");

            JsonElement oracle = _api.Oracle(epoch, "api=ShowHistoryTasks&status=task_inprocess");
            HashSet<long> inProcessNow = Ids(_api.Oracle(_api.Epoch(), "api=ShowHistoryTasks&status=task_inprocess"), "stable");

            Assert.Equal(5, tasksAtEpoch.Count);
            Assert.Equal(tasksAtEpoch.Intersect(inProcessNow).OrderBy(x => x), Ids(oracle, "stable").OrderBy(x => x));
            Assert.Equal(7, Ids(oracle, "ever").Count);
            JsonElement entry = oracle.GetProperty("ever")[0];
            Assert.Equal(JsonValueKind.String, entry.GetProperty("id").ValueKind);
            Assert.False(entry.TryGetProperty("url", out _));
        }

        [Fact]
        public void UnderConcurrentPaging_EveryAnswerIsConsistent_AndTheOracleIsExact()
        {
            HashSet<long> seeded = Seed(300, "processing");
            long epoch = _api.Epoch();
            _api.Mutate("""{"api":"ShowUrlTaskInfo","insertPerRequest":2,"insertStatus":"processing","statusChangesPerRequest":3,"deletesPerRequest":1}""");
            var seen = new ConcurrentBag<long>();
            var failures = new ConcurrentBag<string>();
            const int Workers = 8, Requests = 25;
            Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = Workers }, worker =>
            {
                for (int i = 0; i < Requests; i++)
                {
                    RawAnswer answer = _api.UrlTasks(_start, _end, (i * 37) % 300, 100, ("status", "processing"));
                    if (answer.Status != 200)
                    {
                        failures.Add(answer.ToString());
                        continue;
                    }

                    JsonElement[] result = answer.Json.GetProperty("result").EnumerateArray().ToArray();
                    if (answer.Json.GetProperty("count").GetInt32() != result.Length)
                    {
                        failures.Add("count differs from the page: " + answer.Body);
                    }

                    long[] ids = result.Select(r => r.GetProperty("id").GetInt64()).ToArray();
                    if (ids.Distinct().Count() != ids.Length)
                    {
                        failures.Add("an id twice in one page");
                    }

                    if (result.Any(r => r.GetProperty("status").GetString() != "PROCESSING"))
                    {
                        failures.Add("a record that does not match the filter");
                    }

                    foreach (long id in ids)
                    {
                        seen.Add(id);
                    }
                }
            });
            _api.Control(HttpMethod.Delete, "/_emulator/mutations");

            Assert.Empty(failures);
            JsonElement oracle = _api.Oracle(epoch, "status=processing");
            HashSet<long> ever = Ids(oracle, "ever");
            Assert.Equal(300 + Workers * Requests * 2, ever.Count);
            Assert.Subset(ever, seen.ToHashSet());
            Assert.Equal(seeded.Intersect(Now("status=processing")).OrderBy(x => x), Ids(oracle, "stable").OrderBy(x => x));
        }
    }
}
