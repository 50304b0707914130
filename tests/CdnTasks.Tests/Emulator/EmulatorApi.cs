// Copyright (c) CdnTasks contributors. MIT License.

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CdnTasks.Api.Signing;
using CdnTasks.Tests.Reliability;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>An answer of the emulator: status, body text, headers, and the body as JSON.</summary>
    public sealed class RawAnswer
    {
        public RawAnswer(HttpStatusCode status, string body, HttpResponseMessage message)
        {
            Status = (int)status;
            Body = body;
            Headers = message.Headers.Concat(message.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        }

        public int Status { get; }

        public string Body { get; }

        public IReadOnlyDictionary<string, string> Headers { get; }

        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

        public override string ToString() => $"{Status} {Body}";
    }

    /// <summary>
    /// Raw HTTP to a running emulator: the CDN APIs signed with the emulator's default key (the module's own
    /// signer, so nothing else of the module is in the way) and the unsigned /_emulator control API.
    /// </summary>
    public sealed class EmulatorApi
    {
        private static readonly HttpClient s_http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        private readonly Uri _base;

        public EmulatorApi(EmulatorProcess emulator)
            : this(emulator.BaseUri)
        {
        }

        public EmulatorApi(Uri baseUri) => _base = baseUri;

        public Uri BaseUri => _base;

        public string AccessKey { get; set; } = EmulatorProcess.AccessKey;

        public string SecretKey { get; set; } = EmulatorProcess.SecretKey;

        public string DomainId { get; set; } = EmulatorProcess.DomainId;

        /// <summary>A signed API request; query values unencoded (encoded here as the SDKs do).</summary>
        public RawAnswer Api(HttpMethod method, string path, string json = null, params (string Name, object Value)[] query)
        {
            var pairs = query.Where(q => q.Value != null)
                .Select(q => new KeyValuePair<string, string>(q.Name, Convert.ToString(q.Value, CultureInfo.InvariantCulture))).ToList();
            string canonicalQuery = SdkEncoding.CanonicalQuery(pairs);
            var uri = new Uri(_base, path + (canonicalQuery.Length > 0 ? "?" + canonicalQuery : string.Empty));
            byte[] body = json == null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(json);
            string date = SdkSigner.FormatSdkDate(DateTime.UtcNow);
            var signed = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("Host", uri.Authority),
                new KeyValuePair<string, string>("X-Sdk-Date", date),
                new KeyValuePair<string, string>("X-Domain-Id", DomainId),
            };
            string authorization = SdkSigner.Sign(method.Method, path, canonicalQuery, signed, SdkSigner.HashHex(body, 0, body.Length), AccessKey, Encoding.UTF8.GetBytes(SecretKey));
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.TryAddWithoutValidation("X-Sdk-Date", date);
            request.Headers.TryAddWithoutValidation("X-Domain-Id", DomainId);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            if (json != null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            }

            return Send(request);
        }

        public RawAnswer Get(string path, params (string Name, object Value)[] query) => Api(HttpMethod.Get, path, null, query);

        public RawAnswer Post(string path, string json, params (string Name, object Value)[] query) => Api(HttpMethod.Post, path, json, query);

        /// <summary>ShowUrlTaskInfo over the given range (ms).</summary>
        public RawAnswer UrlTasks(long start, long end, int offset = 0, int limit = 100, params (string Name, object Value)[] more) =>
            Get("/v1.0/cdn/contentgateway/url-tasks", new[] { ("start_time", (object)start), ("end_time", end), ("offset", offset), ("limit", limit) }.Concat(more).ToArray());

        /// <summary>An unsigned control request; throws unless <paramref name="expect"/> (default 200) is answered.</summary>
        public JsonElement Control(HttpMethod method, string pathAndQuery, string json = null, int expect = 200)
        {
            RawAnswer answer = ControlRaw(method, pathAndQuery, json);
            if (answer.Status != expect)
            {
                throw new InvalidOperationException($"{method} {pathAndQuery}: expected {expect}, got {answer}");
            }

            return answer.Json;
        }

        public RawAnswer ControlRaw(HttpMethod method, string pathAndQuery, string json = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(_base, pathAndQuery));
            if (json != null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            return Send(request);
        }

        public void Reset(string json = null) => Control(HttpMethod.Post, "/_emulator/reset", json);

        public long Epoch() => Control(HttpMethod.Post, "/_emulator/epoch").GetProperty("epoch").GetInt64();

        public JsonElement Oracle(long since, string query = "") => Control(HttpMethod.Get, $"/_emulator/oracle?since={since}" + (query.Length > 0 ? "&" + query : string.Empty));

        public JsonElement Records(string json) => Control(HttpMethod.Post, "/_emulator/records", json);

        public void Mutate(string json) => Control(HttpMethod.Post, "/_emulator/mutations", json);

        public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

        public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        private static RawAnswer Send(HttpRequestMessage request)
        {
            using HttpResponseMessage response = s_http.Send(request);
            string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            return new RawAnswer(response.StatusCode, text, response);
        }
    }
}
