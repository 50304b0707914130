// Copyright (c) CdnTasks contributors. MIT License.

using System.Text;
using System.Text.Json;
using CdnTasks.Api.Json;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// Tests for the ShowUrlTaskInfo response: the documented example deserialised with the source-generated
    /// <see cref="CdnJsonContext"/> and read straight into the model by <see cref="UrlTaskPageConverter"/>; normalisation, pass-through of
    /// unknown values, numbers sent as strings and missing fields.
    /// </summary>
    public class UrlTaskJsonTests
    {
        /// <summary>The "Example Responses / Status code: 200" body of the ShowUrlTaskInfo page (seed 000), verbatim.</summary>
        private const string DocumentedExample = """
{
  "total" : 31548,
  "count" : 10,
  "result" : [ {
    "id" : 8992619,
    "url" : "https://scxximwp.qqeixmbe.com/test.jpg",
    "status" : "SUCCEED",
    "type" : "REFRESH",
    "task_id" : 407354,
    "modify_time" : 1652325742000,
    "create_time" : 1652325740318,
    "file_type" : "file"
  }, {
    "id" : 8992618,
    "url" : "https://obut8gmc.qqeixmbe.com/test.jpg",
    "status" : "SUCCEED",
    "type" : "REFRESH",
    "task_id" : 407353,
    "modify_time" : 1652325711000,
    "create_time" : 1652325708268,
    "file_type" : "file"
  }, {
    "id" : 8992617,
    "url" : "https://scxximwp.qqeixmbe.com/test.jpg",
    "status" : "SUCCEED",
    "type" : "REFRESH",
    "task_id" : 407353,
    "modify_time" : 1652325711000,
    "create_time" : 1652325708268,
    "file_type" : "file"
  }, {
    "id" : 8992616,
    "url" : "http://content-hw.autotest.com/autotest/DQCkkgmV",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  }, {
    "id" : 8992615,
    "url" : "http://content-hw.autotest.com/autotest/dQSF5jEx",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  }, {
    "id" : 8992614,
    "url" : "http://content-hw.autotest.com/autotest/quN2l1oh",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  }, {
    "id" : 8992613,
    "url" : "http://content-hw.autotest.com/autotest/Wgk3AKVu",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  }, {
    "id" : 8992612,
    "url" : "http://content-hw.autotest.com/autotest/jg1cv1vV",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  }, {
    "id" : 8992611,
    "url" : "http://content-hw.autotest.com/autotest/DTxFfv6f",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  }, {
    "id" : 8992610,
    "url" : "http://content-hw.autotest.com/autotest/g8QYHTY4",
    "status" : "PROCESSING",
    "type" : "REFRESH",
    "task_id" : 407352,
    "modify_time" : 1652325672000,
    "create_time" : 1652325671917,
    "file_type" : "file"
  } ]
}
""";

        [Fact]
        public void DocumentedExampleDeserialisesAndMaps()
        {
            UrlTaskPage page = JsonSerializer.Deserialize(DocumentedExample, CdnJsonContext.Default.UrlTaskPage);

            Assert.Equal(31548, page.Total);
            Assert.Equal(10, page.Count);
            Assert.Equal(10, page.Records.Count);
            CdnUrlTask[] tasks = page.Records.ToArray();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => 8992619L - i), tasks.Select(t => t.Id));

            CdnUrlTask first = tasks[0];
            Assert.Equal(8992619, first.Id);
            Assert.Equal("https://scxximwp.qqeixmbe.com/test.jpg", first.Url);
            Assert.Equal("Succeeded", first.Status);
            Assert.Equal("Purge", first.TaskType);
            Assert.Equal("File", first.FileType);
            Assert.Equal(407354, first.TaskId);
            Assert.Null(first.Mode);

            // 1652325740318 ms = 1652325740 s + 318 ms = 2022-05-12 03:22:20.318 UTC.
            DateTime expectedCreate = DateTime.UnixEpoch.AddSeconds(1652325740).AddMilliseconds(318);
            Assert.Equal(new DateTime(2022, 5, 12, 3, 22, 20, 318, DateTimeKind.Utc), expectedCreate);
            Assert.Equal(expectedCreate, first.CreateTimeUtc);
            Assert.Equal(DateTimeKind.Utc, first.CreateTimeUtc.Value.Kind);
            Assert.Equal(new DateTime(2022, 5, 12, 3, 22, 22, DateTimeKind.Utc), first.ModifyTimeUtc);
            Assert.Equal(DateTimeKind.Utc, first.ModifyTimeUtc.Value.Kind);

            // The local twins name the same instants, in local time (Kind Local), as Get-Date gives them.
            Assert.Equal(DateTimeKind.Local, first.CreateTime.Value.Kind);
            Assert.Equal(expectedCreate, first.CreateTime.Value.ToUniversalTime());
            Assert.Equal(DateTimeKind.Local, first.ModifyTime.Value.Kind);
            Assert.Equal(first.ModifyTimeUtc, first.ModifyTime.Value.ToUniversalTime());

            Assert.Equal(new[] { "Succeeded", "Succeeded", "Succeeded" }, tasks.Take(3).Select(t => t.Status));
            Assert.All(tasks.Skip(3), t => Assert.Equal("Processing", t.Status));
            Assert.Equal("http://content-hw.autotest.com/autotest/DQCkkgmV", tasks[3].Url);
            Assert.Equal(407352, tasks[3].TaskId);
            Assert.All(tasks, t => Assert.Equal("Purge", t.TaskType));
        }

        [Fact]
        public async Task DocumentedExampleDeserialisesFromAStreamAsTheClientReadsIt()
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(DocumentedExample));

            UrlTaskPage page = await JsonSerializer.DeserializeAsync(stream, CdnJsonContext.Default.UrlTaskPage);

            Assert.Equal(31548, page.Total);
            Assert.Equal(10, page.Records.Count);
            Assert.Equal(1652325671917, Normalize.ToEpochMs(page.Records[9].CreateTimeUtc.Value));
            Assert.Equal(1652325671917, Normalize.ToEpochMs(page.Records[9].CreateTime.Value));
        }

        [Theory]
        [InlineData("SUCCEED", "Succeeded")]
        [InlineData("succeed", "Succeeded")]
        [InlineData("Failed", "Failed")]
        [InlineData("SUCC\\u0045ED", "Succeeded")]
        [InlineData("WAITING", "Waiting")]
        [InlineData("REFRESHING", "Purging")]
        [InlineData("PREHEATING", "Prefetching")]
        [InlineData("processing", "Processing")]
        [InlineData("CANCELLED", "CANCELLED")]
        [InlineData("partially_done", "partially_done")]
        [InlineData("", "")]
        public void StatusIsNormalisedOrPassedThrough(string sent, string expected)
        {
            Assert.Equal(expected, Map($"{{\"id\":1,\"status\":\"{sent}\"}}").Status);
        }

        [Theory]
        [InlineData("REFRESH", "Purge")]
        [InlineData("preheating", "Prefetch")]
        [InlineData("REFRESH_AFTER_PREHEATING", "REFRESH_AFTER_PREHEATING")]
        public void TaskTypeIsNormalisedOrPassedThrough(string sent, string expected)
        {
            Assert.Equal(expected, Map($"{{\"id\":1,\"type\":\"{sent}\"}}").TaskType);
        }

        [Theory]
        [InlineData("file_type", "FILE", "File")]
        [InlineData("file_type", "Directory", "Directory")]
        [InlineData("file_type", "symlink", "symlink")]
        [InlineData("mode", "ALL", "All")]
        [InlineData("mode", "detect_modify_refresh", "DetectModifyRefresh")]
        [InlineData("mode", "something_new", "something_new")]
        public void FileTypeAndModeAreNormalisedOrPassedThrough(string field, string sent, string expected)
        {
            CdnUrlTask task = Map($"{{\"id\":1,\"{field}\":\"{sent}\"}}");

            Assert.Equal(expected, field == "mode" ? task.Mode : task.FileType);
        }

        [Fact]
        public void NumbersSentAsStringsAreAccepted()
        {
            const string body = """{"total":"31548","count":"1","result":[{"id":"8992619","task_id":"407354","create_time":"1652325740318","modify_time":"1652325742000","status":"SUCCEED"}]}""";

            UrlTaskPage page = JsonSerializer.Deserialize(body, CdnJsonContext.Default.UrlTaskPage);
            CdnUrlTask task = page.Records.Single();

            Assert.Equal(31548, page.Total);
            Assert.Equal(1, page.Count);
            Assert.Equal(8992619, task.Id);
            Assert.Equal(407354, task.TaskId);
            Assert.Equal(new DateTime(2022, 5, 12, 3, 22, 20, 318, DateTimeKind.Utc), task.CreateTimeUtc);
        }

        [Fact]
        public void MissingFieldsGiveNulls()
        {
            UrlTaskPage page = JsonSerializer.Deserialize("""{"result":[{"id":5}]}""", CdnJsonContext.Default.UrlTaskPage);
            CdnUrlTask task = page.Records.Single();

            Assert.Null(page.Total);
            Assert.Null(page.Count);
            Assert.Equal(5, task.Id);
            Assert.Null(task.Url);
            Assert.Null(task.Status);
            Assert.Null(task.TaskType);
            Assert.Null(task.FileType);
            Assert.Null(task.Mode);
            Assert.Equal(0, task.TaskId);
            Assert.Null(task.CreateTime);
            Assert.Null(task.CreateTimeUtc);
            Assert.Null(task.ModifyTime);
        }

        [Theory]
        [InlineData("{}")]
        [InlineData("""{"total":0,"count":0,"result":null}""")]
        [InlineData("""{"total":0,"count":0,"result":[]}""")]
        public void EmptyOrMissingResultGivesNoRows(string body)
        {
            UrlTaskPage page = JsonSerializer.Deserialize(body, CdnJsonContext.Default.UrlTaskPage);

            Assert.Empty(page.Records);
        }

        [Fact]
        public void NullFieldsGiveNulls()
        {
            CdnUrlTask task = Map("""{"id":5,"url":null,"status":null,"type":null,"task_id":null,"create_time":null,"file_type":null,"mode":null}""");

            Assert.Null(task.Url);
            Assert.Null(task.Status);
            Assert.Null(task.TaskType);
            Assert.Equal(0, task.TaskId);
            Assert.Null(task.CreateTime);
        }

        [Fact]
        public void UnknownFieldsAreIgnored()
        {
            CdnUrlTask task = Map("""{"id":5,"url":"https://a.example.com/x","brand_new_field":{"nested":[1,2]},"another":true}""");

            Assert.Equal(5, task.Id);
            Assert.Equal("https://a.example.com/x", task.Url);
        }

        [Theory]
        [InlineData(-1L)]
        [InlineData(253402300800000L)]
        public void AbsurdTimestampsGiveNull(long milliseconds)
        {
            Assert.Null(Map($"{{\"id\":1,\"create_time\":{milliseconds}}}").CreateTime);
        }

        [Theory]
        [InlineData("""{"result":{"id":1}}""")]
        [InlineData("""{"result":[{"id":"abc"}]}""")]
        [InlineData("""{"result":[{"task_id":"abc"}]}""")]
        [InlineData("""{"result":[{"id":1.5}]}""")]
        [InlineData("""{"result":[{"url":7}]}""")]
        [InlineData("""[]""")]
        public void AnotherShapeIsAJsonException(string body)
        {
            Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(body, CdnJsonContext.Default.UrlTaskPage));
        }

        private static CdnUrlTask Map(string recordJson)
        {
            UrlTaskPage page = JsonSerializer.Deserialize($"{{\"result\":[{recordJson}]}}", CdnJsonContext.Default.UrlTaskPage);
            return page.Records.Single();
        }
    }
}
