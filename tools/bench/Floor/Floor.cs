// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Bench
{
    /// <summary>What one floor run did.</summary>
    public sealed class FloorResult
    {
        /// <summary>Gets or sets the records read.</summary>
        public long Records { get; set; }

        /// <summary>Gets or sets the pages (requests) read.</summary>
        public long Pages { get; set; }

        /// <summary>Gets or sets the body bytes read.</summary>
        public long Bytes { get; set; }

        /// <summary>Gets or sets the wall time of the loop.</summary>
        public double Seconds { get; set; }
    }

    /// <summary>
    /// The floor of the throughput benchmark: the same url-task pages the module reads, fetched with a plain
    /// HttpClient (keep-alive, a fixed number of requests in flight), signed with a minimal SDK-HMAC-SHA256
    /// signer of its own (test code, independent of the module's), and deserialised with System.Text.Json from
    /// the response stream into a small record type. No ordering, no retries, no objects for PowerShell: what
    /// HTTP and JSON alone cost in this process.
    /// </summary>
    public static class Floor
    {
        private const string Path = "/v1.0/cdn/contentgateway/url-tasks";

        private static readonly HttpClient s_client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
        {
            Timeout = TimeSpan.FromSeconds(100),
        };

        /// <summary>
        /// Reads every record of [startMs, endMs) (at most 24 hours) in pages of <paramref name="pageSize"/>: the first
        /// page for the total, then the rest with <paramref name="concurrency"/> requests in flight. With
        /// <paramref name="parseJson"/> false the bodies are only read (what the emulator serves, without JSON work).
        /// </summary>
        public static FloorResult Run(string endpoint, string accessKey, string secretKey, string domainId, long startMs, long endMs, int pageSize, int concurrency, bool parseJson)
        {
            return RunAsync(new Uri(endpoint), accessKey, Encoding.UTF8.GetBytes(secretKey), domainId, startMs, endMs, pageSize, concurrency, parseJson).GetAwaiter().GetResult();
        }

        private static async Task<FloorResult> RunAsync(Uri endpoint, string accessKey, byte[] secretKey, string domainId, long startMs, long endMs, int pageSize, int concurrency, bool parseJson)
        {
            var result = new FloorResult();
            var watch = Stopwatch.StartNew();
            // The first page is always parsed: its total says how many pages follow.
            (long total, int count, long bytes) first = await FetchAsync(endpoint, accessKey, secretKey, domainId, startMs, endMs, 0, pageSize, true).ConfigureAwait(false);
            long records = first.count;
            long pages = 1;
            long byteCount = first.bytes;
            long nextOffset = pageSize;
            var workers = new List<Task>();
            for (int i = 0; i < Math.Max(1, concurrency); i++)
            {
                workers.Add(Task.Run(async () =>
                {
                    while (true)
                    {
                        long offset = Interlocked.Add(ref nextOffset, pageSize) - pageSize;
                        if (offset >= first.total)
                        {
                            return;
                        }

                        (long _, int count, long bytes) = await FetchAsync(endpoint, accessKey, secretKey, domainId, startMs, endMs, offset, pageSize, parseJson).ConfigureAwait(false);
                        Interlocked.Add(ref records, count);
                        Interlocked.Add(ref byteCount, bytes);
                        Interlocked.Increment(ref pages);
                    }
                }));
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
            result.Seconds = watch.Elapsed.TotalSeconds;
            result.Records = records;
            result.Pages = pages;
            result.Bytes = byteCount;
            return result;
        }

        private static async Task<(long total, int count, long bytes)> FetchAsync(Uri endpoint, string accessKey, byte[] secretKey, string domainId, long startMs, long endMs, long offset, int limit, bool parseJson)
        {
            // Canonical query: names sorted, values are plain digits (nothing to escape).
            string query = string.Format(CultureInfo.InvariantCulture, "end_time={0}&limit={1}&offset={2}&start_time={3}", endMs, limit, offset, startMs);
            var uri = new Uri(endpoint, Path + "?" + query);
            string host = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
            string date = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            string canonical = "GET\n" + Path + "/\n" + query + "\nhost:" + host + "\nx-domain-id:" + domainId + "\nx-sdk-date:" + date
                + "\n\nhost;x-domain-id;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
            string toSign = "SDK-HMAC-SHA256\n" + date + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
            string signature = Hex(HMACSHA256.HashData(secretKey, Encoding.UTF8.GetBytes(toSign)));

            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Authorization", "SDK-HMAC-SHA256 Access=" + accessKey + ", SignedHeaders=host;x-domain-id;x-sdk-date, Signature=" + signature);
            request.Headers.TryAddWithoutValidation("X-Sdk-Date", date);
            request.Headers.TryAddWithoutValidation("X-Domain-Id", domainId);
            using HttpResponseMessage response = await s_client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"HTTP {(int)response.StatusCode} for offset {offset}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }

            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var counting = new CountingStream(body);
            if (parseJson)
            {
                FloorPage page = await JsonSerializer.DeserializeAsync(counting, FloorJson.Default.FloorPage).ConfigureAwait(false);
                return (page.Total, page.Result?.Count ?? 0, counting.Count);
            }

            await counting.CopyToAsync(Stream.Null).ConfigureAwait(false);
            return (-1, -1, counting.Count);
        }

        private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>One page as the floor reads it.</summary>
    public sealed class FloorPage
    {
        /// <summary>Gets or sets the total.</summary>
        [JsonPropertyName("total")]
        public long Total { get; set; }

        /// <summary>Gets or sets the records.</summary>
        [JsonPropertyName("result")]
        public List<FloorRecord> Result { get; set; }
    }

    /// <summary>The small record type of the floor: every field the service sends.</summary>
    public sealed class FloorRecord
    {
        [JsonPropertyName("id")] public long Id { get; set; }
        [JsonPropertyName("task_id")] public long TaskId { get; set; }
        [JsonPropertyName("url")] public string Url { get; set; }
        [JsonPropertyName("status")] public string Status { get; set; }
        [JsonPropertyName("type")] public string Type { get; set; }
        [JsonPropertyName("file_type")] public string FileType { get; set; }
        [JsonPropertyName("mode")] public string Mode { get; set; }
        [JsonPropertyName("create_time")] public long CreateTime { get; set; }
        [JsonPropertyName("modify_time")] public long ModifyTime { get; set; }
    }

    [JsonSerializable(typeof(FloorPage))]
    internal sealed partial class FloorJson : JsonSerializerContext
    {
    }

    /// <summary>Counts the bytes read through it.</summary>
    internal sealed class CountingStream : Stream
    {
        private readonly Stream _inner;

        public CountingStream(Stream inner) => _inner = inner;

        public long Count { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = _inner.Read(buffer, offset, count);
            Count += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Count += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
