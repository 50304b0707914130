// Copyright (c) CdnTasks contributors. MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>POST/GET/DELETE /_emulator/mutations: every field, applied just before each answer of the targeted API.</summary>
    public sealed class MutationTests : IClassFixture<ControlEmulatorFixture>
    {
        private const string History = "/v1.0/cdn/historytasks";
        private readonly EmulatorApi _api;
        private readonly long _start = EmulatorApi.Now - 23 * 3600_000L;
        private readonly long _end = EmulatorApi.Now + 3600_000L;

        public MutationTests(ControlEmulatorFixture fixture)
        {
            _api = fixture.Api;
            _api.Reset();
        }

        /// <summary>Seeds <paramref name="n"/> records, one a second back from an hour ago (oldest last), all with <paramref name="status"/>.</summary>
        private long[] Seed(int n, string status = "succeed", bool oneTaskEach = true)
        {
            long t0 = EmulatorApi.Now - 3600_000;
            var sb = new StringBuilder("[");
            for (int i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                long created = oneTaskEach ? t0 - i * 1000L : t0;
                sb.Append(CultureInfo.InvariantCulture, $$"""{"url":"https://www.example.com/seed/{{i}}.png","status":"{{status}}","create_time":{{created}}}""");
            }

            return _api.Records(sb.Append(']').ToString()).GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        }

        private JsonElement Page(int offset = 0, int limit = 100, string status = null) =>
            Ok(_api.UrlTasks(_start, _end, offset, limit, ("status", status)));

        private static JsonElement Ok(RawAnswer answer)
        {
            Assert.True(answer.Status == 200, answer.ToString());
            return answer.Json;
        }

        private static int Total(JsonElement page) => page.GetProperty("total").GetInt32();

        private static JsonElement[] Result(JsonElement page) => page.GetProperty("result").EnumerateArray().ToArray();

        [Fact]
        public void InsertPerRequest_AddsRecordsBeforeEachAnswer_AgedWithinTheRange_WithTheGivenStatus()
        {
            _api.Mutate("""{"api":"ShowUrlTaskInfo","insertPerRequest":5,"insertAgeMs":[60000,120000],"insertStatus":"processing"}""");

            long before = EmulatorApi.Now;
            JsonElement first = Page();
            JsonElement second = Page();
            long after = EmulatorApi.Now;

            Assert.Equal(5, Total(first));
            Assert.Equal(10, Total(second));
            Assert.All(Result(second), r =>
            {
                Assert.Equal("PROCESSING", r.GetProperty("status").GetString());
                Assert.InRange(r.GetProperty("create_time").GetInt64(), before - 120_000, after - 60_000);
            });
        }

        [Fact]
        public void InsertAgeMs_Negative_InsertsRecordsInTheFuture()
        {
            _api.Mutate("""{"insertPerRequest":3,"insertAgeMs":[-600000,-300000]}""");

            long before = EmulatorApi.Now;
            JsonElement page = Page();

            Assert.Equal(3, Total(page));
            Assert.All(Result(page), r => Assert.True(r.GetProperty("create_time").GetInt64() >= before + 300_000));
        }

        [Fact]
        public void AMutationWithApi_ChangesNothingOnTheOtherApis()
        {
            _api.Mutate("""{"api":"ShowUrlTaskInfo","insertPerRequest":5}""");

            for (int i = 0; i < 3; i++)
            {
                Ok(_api.Get(History));
            }

            Assert.Equal(0, _api.Control(HttpMethod.Get, "/_emulator/count").GetProperty("count").GetInt32());
            Assert.Equal(5, Total(Page()));
        }

        [Fact]
        public void StatusChangesPerRequest_MovesInProcessRecordsToTheGivenFinalStatus()
        {
            Seed(20, "processing");
            _api.Mutate("""{"statusChangesPerRequest":5,"statusChangeTo":"failed"}""");

            Assert.Equal(15, Total(Page(status: "processing")));
            Assert.Equal(10, Total(Page(status: "processing")));
            Assert.Equal(15, Total(Page(status: "failed"))); // this request moved 5 more
        }

        [Fact]
        public void DeletesPerRequest_RemovesRandomRecords()
        {
            long[] ids = Seed(20);
            _api.Mutate("""{"deletesPerRequest":3}""");

            Assert.Equal(17, Total(Page()));
            JsonElement page = Page();
            Assert.Equal(14, Total(page));
            Assert.Subset(ids.ToHashSet(), Result(page).Select(r => r.GetProperty("id").GetInt64()).ToHashSet());
        }

        [Fact]
        public void ExpireOldestPerRequest_RemovesTheOldestRecords()
        {
            long[] ids = Seed(10); // ids[9] is the oldest
            _api.Mutate("""{"expireOldestPerRequest":2}""");

            long[] left = Result(Page()).Select(r => r.GetProperty("id").GetInt64()).ToArray();

            Assert.Equal(ids.Take(8), left);
        }

        [Fact]
        public void OffsetCap_Empty_AnswersEmptyPagesPastTheCap_WithTheTrueTotal()
        {
            Seed(30);
            _api.Mutate("""{"offsetCap":10,"offsetCapMode":"empty"}""");

            Assert.Equal(10, Result(Page(0, 10)).Length);
            JsonElement past = Page(10, 10);

            Assert.Empty(Result(past));
            Assert.Equal(0, past.GetProperty("count").GetInt32());
            Assert.Equal(30, Total(past));
        }

        [Fact]
        public void OffsetCap_400_AnswersParameterErrorPastTheCap()
        {
            Seed(30);
            _api.Mutate("""{"offsetCap":10,"offsetCapMode":"400"}""");

            RawAnswer past = _api.UrlTasks(_start, _end, 20, 10);
            RawAnswer historyPast = _api.Get(History, ("page_size", 5), ("page_number", 3));

            Assert.Equal(400, past.Status);
            Assert.Equal("CDN.0001", past.Json.GetProperty("error_code").GetString());
            Assert.Equal(400, historyPast.Status);
            Assert.Equal("CDN.0001", historyPast.Json.GetProperty("error").GetProperty("error_code").GetString());
            Assert.Equal(200, _api.UrlTasks(_start, _end, 9, 10).Status);
        }

        [Theory]
        [InlineData("true", "30")]
        [InlineData("under:0.4", "12")]
        [InlineData("over:1.5", "45")]
        [InlineData("negative", "-30")]
        [InlineData("null", "null")]
        [InlineData("string", "\"30\"")]
        [InlineData("missing", null)]
        public void Total_SaysWhatItIsToldTo_OnUrlTasksAndHistoryTasks(string mode, string expected)
        {
            Seed(30);
            _api.Mutate($$"""{"total":"{{mode}}"}""");

            JsonElement page = Page(0, 10);
            JsonElement tasks = Ok(_api.Get(History, ("file_type", "file")));

            foreach (JsonElement answer in new[] { page, tasks })
            {
                if (expected == null)
                {
                    Assert.False(answer.TryGetProperty("total", out _));
                }
                else
                {
                    Assert.Equal(expected, answer.GetProperty("total").GetRawText());
                }
            }

            Assert.Equal(10, Result(page).Length);
        }

        [Fact]
        public void IdShares_HideIdsOfAStableShareOfRecords_AsNullOrMissing()
        {
            _api.Reset("""{"records": 1000, "days": 0.9}""");
            _api.Mutate("""{"api":"ShowUrlTaskInfo","nullIdShare":0.3,"missingIdShare":0.2}""");

            // The data does not change, so each position holds the same record on both passes.
            var shapes = new List<string>[2] { new List<string>(), new List<string>() };
            for (int pass = 0; pass < 2; pass++)
            {
                for (int offset = 0; offset < 1000; offset += 100)
                {
                    foreach (JsonElement r in Result(Page(offset)))
                    {
                        shapes[pass].Add(!r.TryGetProperty("id", out JsonElement id) ? "missing" : id.ValueKind == JsonValueKind.Null ? "null" : "id");
                    }
                }
            }

            Assert.Equal(1000, shapes[0].Count);
            Assert.Equal(shapes[0], shapes[1]);
            int nulls = shapes[0].Count(s => s == "null"), missing = shapes[0].Count(s => s == "missing");
            Assert.InRange(nulls, 220, 380);
            Assert.InRange(missing, 130, 270);
        }

        [Fact]
        public void ShortPageMax_CapsEveryPage_WhileTheTotalSaysMore()
        {
            Seed(30);
            _api.Mutate("""{"shortPageMax":7}""");

            JsonElement page = Page(0, 100);
            JsonElement tasks = Ok(_api.Get(History, ("page_size", 100), ("page_number", 1)));

            Assert.Equal(7, Result(page).Length);
            Assert.Equal(7, page.GetProperty("count").GetInt32());
            Assert.Equal(30, Total(page));
            Assert.Equal(7, tasks.GetProperty("tasks").GetArrayLength());
        }

        [Fact]
        public void HistoryTasks_InsertsStatusChangesDeletesAndExpiry_WorkOnTasks()
        {
            Seed(6, "processing"); // six file tasks in process
            _api.Mutate("""{"api":"ShowHistoryTasks","insertPerRequest":2,"insertStatus":"succeed"}""");
            Ok(_api.Get(History));
            Ok(_api.Get(History));
            Assert.Equal(10, AllTasks().Length); // inserted tasks may be directory tasks, so both file types are counted

            _api.Mutate("""{"api":"ShowHistoryTasks","statusChangesPerRequest":2}""");
            Assert.Equal(4, Ok(_api.Get(History, ("status", "task_inprocess"))).GetProperty("total").GetInt32());

            string oldest = AllTasks().OrderBy(t => t.GetProperty("create_time").GetInt64()).First().GetProperty("id").GetString();
            _api.Mutate("""{"api":"ShowHistoryTasks","deletesPerRequest":1,"expireOldestPerRequest":1}""");
            Ok(_api.Get(History));
            JsonElement[] left = AllTasks();
            Assert.Equal(8, left.Length);
            Assert.DoesNotContain(oldest, left.Select(t => t.GetProperty("id").GetString()));
        }

        /// <summary>Every task, files and directories, read without any mutation.</summary>
        private JsonElement[] AllTasks()
        {
            JsonElement[] set = _api.Control(HttpMethod.Get, "/_emulator/mutations").GetProperty("mutations").EnumerateArray().ToArray();
            _api.Control(HttpMethod.Delete, "/_emulator/mutations");
            JsonElement[] tasks = new[] { "file", "directory" }
                .SelectMany(f => Ok(_api.Get(History, ("page_size", 100), ("page_number", 1), ("file_type", f))).GetProperty("tasks").EnumerateArray())
                .ToArray();
            _api.Mutate("[" + string.Join(",", set.Select(m => m.GetRawText())) + "]");
            return tasks;
        }

        [Fact]
        public void HistoryTaskDetails_StatusChangesAndShortPages_WorkOnTheRequestedTasksUrls()
        {
            long[] ids = Seed(10, "processing", oneTaskEach: false);
            string path = $"/v1.0/cdn/historytasks/{TaskOf(ids[0])}/detail";
            _api.Mutate("""{"api":"ShowHistoryTaskDetails","statusChangesPerRequest":3,"shortPageMax":4}""");

            JsonElement first = Ok(_api.Get(path, ("page_size", 100), ("page_number", 1)));
            JsonElement second = Ok(_api.Get(path, ("page_size", 100), ("page_number", 1)));

            Assert.Equal(7, first.GetProperty("processing").GetInt32());
            Assert.Equal(4, second.GetProperty("processing").GetInt32());
            Assert.Equal(6, second.GetProperty("succeed").GetInt32() + second.GetProperty("failed").GetInt32());
            Assert.Equal(4, second.GetProperty("urls").GetArrayLength());
        }

        private long TaskOf(long recordId) =>
            Result(Page()).Single(r => r.GetProperty("id").GetInt64() == recordId).GetProperty("task_id").GetInt64();

        [Fact]
        public void Get_ShowsEveryField_Delete_ClearsTheSet_AndAnArraySetsOneEntryPerApi()
        {
            _api.Mutate("""[{"api":"ShowUrlTaskInfo","insertPerRequest":1},{"api":"ShowHistoryTasks","total":"null"},{"deletesPerRequest":0,"shortPageMax":3}]""");

            JsonElement set = _api.Control(HttpMethod.Get, "/_emulator/mutations").GetProperty("mutations");
            Assert.Equal(3, set.GetArrayLength());
            JsonElement first = set[0];
            foreach (string field in new[]
            {
                "api", "insertPerRequest", "insertAgeMs", "insertStatus", "statusChangesPerRequest", "deletesPerRequest", "expireOldestPerRequest",
                "offsetCap", "offsetCapMode", "total", "nullIdShare", "missingIdShare", "shortPageMax",
            })
            {
                Assert.True(first.TryGetProperty(field, out _), field);
            }

            // ShowHistoryTaskDetails has no own entry: the catch-all applies to it; ShowUrlTaskInfo's own entry replaces it.
            Assert.Equal(1, Total(Page()));

            _api.Control(HttpMethod.Delete, "/_emulator/mutations");
            Assert.Equal(0, _api.Control(HttpMethod.Get, "/_emulator/mutations").GetProperty("mutations").GetArrayLength());
            Assert.Equal(1, Total(Page()));
        }

        [Theory]
        [InlineData("""{"api":"ShowQuota"}""")]
        [InlineData("""{"insertPerRequest":-1}""")]
        [InlineData("""{"insertAgeMs":[5,1]}""")]
        [InlineData("""{"insertStatus":"done"}""")]
        [InlineData("""{"statusChangeTo":"processing"}""")]
        [InlineData("""{"offsetCapMode":"404"}""")]
        [InlineData("""{"total":"under:2"}""")]
        [InlineData("""{"total":"sometimes"}""")]
        [InlineData("""{"nullIdShare":1.5}""")]
        [InlineData("""{"nullIdShare":0.6,"missingIdShare":0.6}""")]
        [InlineData("""{"insertsPerRequest":1}""")]
        [InlineData("""[{"api":"ShowUrlTaskInfo"},{"api":"ShowUrlTaskInfo"}]""")]
        [InlineData("""[{},{}]""")]
        [InlineData("""{"insertPerRequest":1""")]
        public void BadBody_Is400_AndKeepsTheActiveSet(string body)
        {
            _api.Mutate("""{"shortPageMax":5}""");

            RawAnswer answer = _api.ControlRaw(HttpMethod.Post, "/_emulator/mutations", body);

            Assert.Equal(400, answer.Status);
            Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("error").GetString()));
            Assert.Equal(5, _api.Control(HttpMethod.Get, "/_emulator/mutations").GetProperty("mutations")[0].GetProperty("shortPageMax").GetInt32());
        }
    }
}
