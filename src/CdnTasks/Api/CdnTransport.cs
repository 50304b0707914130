// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Json;
using CdnTasks.Api.Signing;

namespace CdnTasks.Api
{
    /// <summary>
    /// The single request pipeline every call goes through: rate-limit (per API, process-wide) → sign
    /// (SDK-HMAC-SHA256) → send with a per-attempt timeout → read the body as a stream → map errors →
    /// retry with backoff → log one redacted line per request. One instance serves one command. Every
    /// message it logs and every error it builds goes through <see cref="Redaction.Scrub"/> with the command's
    /// secrets; connection failures are classified by <see cref="ConnectionFailures"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The one disposable field is a SemaphoreSlim whose wait handle is never asked for: it holds nothing to release.")]
    internal sealed class CdnTransport
    {
        private const int MaxErrorBodyBytes = 64 * 1024;
        private static readonly ConcurrentDictionary<string, KeyValuePair<string, HttpClient>> s_clients = new ConcurrentDictionary<string, KeyValuePair<string, HttpClient>>(StringComparer.Ordinal);
        private static readonly string s_userAgent = BuildUserAgent();

        private readonly CdnSettings _settings;
        private readonly RedactingLog _log;
        private readonly HttpClient _client;
        private readonly SemaphoreSlim _untilAnswered = new SemaphoreSlim(1, 1);
        private CdnApiException _refused;
        private int _answered;
        private int _endpointIndex;
        private int _retryWarned;
        private long _requests;
        private long _retries;

        /// <summary>Creates the pipeline for one command.</summary>
        public CdnTransport(CdnSettings settings, CdnCredential credential, ICdnLog log)
        {
            _settings = settings ?? throw new ArgumentNullException(nameof(settings));
            Credential = credential ?? throw new ArgumentNullException(nameof(credential));
            Secrets = SecretSet.Of(credential, settings);
            _log = new RedactingLog(log, () => Secrets);
            _client = GetClient(settings);
        }

        /// <summary>Gets the credential requests are signed with.</summary>
        public CdnCredential Credential { get; private set; }

        /// <summary>Gets the secrets every message and error is scrubbed of (the credential's, the proxy password).</summary>
        public SecretSet Secrets { get; private set; }

        /// <summary>Gets the settings in force.</summary>
        public CdnSettings Settings => _settings;

        /// <summary>Gets how many HTTP requests this pipeline sent (attempts included).</summary>
        public long RequestCount => Interlocked.Read(ref _requests);

        /// <summary>Gets how many retries this pipeline made.</summary>
        public long RetryCount => Interlocked.Read(ref _retries);

        /// <summary>Gets the User-Agent sent with every request.</summary>
        public static string UserAgent => s_userAgent;

        /// <summary>Replaces the credential (after domain-id discovery).</summary>
        public void UseCredential(CdnCredential credential)
        {
            Credential = credential ?? throw new ArgumentNullException(nameof(credential));
            Secrets = SecretSet.Of(credential, _settings);
        }

        /// <summary>
        /// Sends a request and reads a successful body with <paramref name="readBody"/> straight from the response
        /// stream. Throws <see cref="CdnApiException"/> for every failure except cancellation by the caller,
        /// which surfaces as <see cref="OperationCanceledException"/>.
        /// </summary>
        /// <remarks>
        /// One wrong key, one 401: until the service has answered this command once with something other than 401/403,
        /// its requests go one at a time; after a 401 or 403, nothing more is sent and every later request fails with
        /// that same error (the gateway locks a key after five failed signatures).
        /// </remarks>
        public async Task<T> SendAsync<T>(CdnRequest request, Func<Stream, CancellationToken, Task<T>> readBody, CancellationToken cancellationToken)
        {
            ThrowIfRefused();
            bool alone = false;
            if (Volatile.Read(ref _answered) == 0)
            {
                await _untilAnswered.WaitAsync(cancellationToken).ConfigureAwait(false);
                alone = Volatile.Read(ref _answered) == 0;
                if (!alone)
                {
                    _untilAnswered.Release();
                }
            }

            try
            {
                T result = await SendOneAsync(request, readBody, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _answered, 1);
                return result;
            }
            catch (CdnApiException failure) when (failure.StatusCode.HasValue)
            {
                if (failure.IsRefusal)
                {
                    Interlocked.CompareExchange(ref _refused, failure, null);
                }
                else
                {
                    Volatile.Write(ref _answered, 1);
                }

                throw;
            }
            finally
            {
                if (alone)
                {
                    _untilAnswered.Release();
                }
            }
        }

        private void ThrowIfRefused()
        {
            CdnApiException refused = Volatile.Read(ref _refused);
            if (refused != null)
            {
                throw refused;
            }
        }

        private async Task<T> SendOneAsync<T>(CdnRequest request, Func<Stream, CancellationToken, Task<T>> readBody, CancellationToken cancellationToken)
        {
            CdnOperation operation = request.Operation;
            string query = SdkEncoding.CanonicalQuery(request.Query);
            string pathAndQuery = query.Length == 0 ? request.Path : request.Path + "?" + query;
            RateLimiter limiter = RateLimiter.For(operation, Credential.DomainId ?? Credential.AccessKey, _settings.RateLimit);
            int maxAttempts = _settings.MaxRetry + 1;
            var total = Stopwatch.StartNew();
            Stopwatch throttled = null;
            int counted = 0;

            for (int attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfRefused();
                if (limiter != null)
                {
                    TimeSpan waited = await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (waited > TimeSpan.FromSeconds(1) && _log.IsDebugEnabled)
                    {
                        _log.Debug($"Rate limiter held {operation.Name} for {waited.TotalMilliseconds:0} ms (now {limiter.CurrentRate:0.##} requests/s).");
                    }

                    // A 401/403 may have come while this request waited for its slot: then it is not sent.
                    ThrowIfRefused();
                }

                long sentAt = limiter?.Now ?? 0;
                Uri baseUri = request.EndpointOverride ?? _settings.Endpoints[Volatile.Read(ref _endpointIndex) % _settings.Endpoints.Count];
                CdnApiException failure;
                TimeSpan? retryAfter = null;
                try
                {
                    T result = await SendOnceAsync(request, baseUri, pathAndQuery, query, readBody, cancellationToken).ConfigureAwait(false);
                    limiter?.Accepted(sentAt);
                    return result;
                }
                catch (AttemptFailedException attemptFailure)
                {
                    failure = attemptFailure.Failure;
                    retryAfter = attemptFailure.RetryAfter;
                }

                failure.Attempts = attempt;
                if ((int)(failure.StatusCode ?? 0) == 429)
                {
                    // Throttled: not processed, so not a failure. It keeps its place and waits (Retry-After, the adaptive
                    // rate), within the throttle budget instead of the attempt count.
                    limiter?.Throttled(sentAt, retryAfter);
                    throttled = throttled ?? Stopwatch.StartNew();
                    if (await WaitAfterThrottleAsync(request, failure, retryAfter, limiter, throttled, attempt, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    failure.Elapsed = total.Elapsed;
                    throw GiveUp(request, failure, baseUri);
                }

                if (failure.StatusCode.HasValue)
                {
                    limiter?.Accepted(sentAt);
                }

                counted++;
                failure.Elapsed = total.Elapsed;
                bool hostUnreachable = failure.Connection?.HostUnreachable == true;

                // Several endpoints for a region: fail over only when the host could not be reached at all.
                if (hostUnreachable && request.EndpointOverride == null && _settings.Endpoints.Count > 1 && counted < _settings.Endpoints.Count + maxAttempts)
                {
                    int next = Interlocked.Increment(ref _endpointIndex) % _settings.Endpoints.Count;
                    _log.Verbose($"{baseUri.GetLeftPart(UriPartial.Authority)} is unreachable ({failure.Message}); failing over to {_settings.Endpoints[next].GetLeftPart(UriPartial.Authority)}.");
                    if (next != 0)
                    {
                        continue;
                    }
                }

                if (counted >= maxAttempts || !RetryPolicy.IsRetryable(operation, failure) || AsksLongerThanMaxRetryDelay(request, retryAfter))
                {
                    throw GiveUp(request, failure, baseUri);
                }

                TimeSpan delay = RetryPolicy.Delay(counted, _settings.BaseRetryDelay, _settings.MaxRetryDelay, retryAfter);
                Interlocked.Increment(ref _retries);
                string reason = Describe(failure);
                _log.Verbose($"Retrying {operation.Method} {request.Path} in {delay.TotalSeconds:0.0} s (attempt {counted + 1} of {maxAttempts}) after {reason}.");
                if (Interlocked.Exchange(ref _retryWarned, 1) == 0)
                {
                    _log.Warning($"{operation.Name}: {reason}; retrying (up to {maxAttempts} attempts). Use -Verbose to see each retry.");
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>A failure the request gives up on: which request it was, and whether the service may have processed it.</summary>
        private static CdnApiException GiveUp(CdnRequest request, CdnApiException failure, Uri baseUri)
        {
            failure.Target = request.DescribeTarget(baseUri);
            failure.MayHaveBeenProcessed = RetryPolicy.MayHaveBeenProcessed(request.Operation, failure);
            return failure;
        }

        /// <summary>
        /// Whether the service asked to wait (Retry-After) longer than the maximum retry delay: then retrying earlier
        /// than it asked would only be throttled again, so the request is not retried (and the log says why).
        /// </summary>
        private bool AsksLongerThanMaxRetryDelay(CdnRequest request, TimeSpan? retryAfter)
        {
            if (!(retryAfter > _settings.MaxRetryDelay))
            {
                return false;
            }

            _log.Verbose($"Not retrying {request.Operation.Method} {request.Path}: the service asked to wait {retryAfter.Value.TotalSeconds:0} s (Retry-After), more than the maximum retry delay of {_settings.MaxRetryDelay.TotalSeconds:0} s (CDNTASKS_MAX_RETRY_DELAY_SEC).");
            return true;
        }

        /// <summary>
        /// After a 429: waits for the retry (the limiter holds the API for Retry-After and paces at the adaptive rate;
        /// without a limiter, Retry-After or the backoff) and returns true, or returns false when the request has been
        /// throttled longer than the throttle budget allows (or the service asks for more than the maximum retry delay).
        /// </summary>
        private async Task<bool> WaitAfterThrottleAsync(CdnRequest request, CdnApiException failure, TimeSpan? retryAfter, RateLimiter limiter, Stopwatch throttled, int attempt, CancellationToken cancellationToken)
        {
            CdnOperation operation = request.Operation;
            if (AsksLongerThanMaxRetryDelay(request, retryAfter))
            {
                return false;
            }

            TimeSpan wait = limiter != null
                ? retryAfter ?? AdaptiveRate.DefaultHold
                : RetryPolicy.Delay(Math.Min(attempt, 30), _settings.BaseRetryDelay, _settings.MaxRetryDelay, retryAfter);
            TimeSpan budget = _settings.ThrottleBudget;
            if (throttled.Elapsed + wait > budget)
            {
                _log.Verbose($"Not retrying {operation.Method} {request.Path}: throttled for {throttled.Elapsed.TotalSeconds:0} s, and another {wait.TotalSeconds:0.#} s would pass the throttle budget of {budget.TotalSeconds:0.#} s (CDNTASKS_THROTTLE_BUDGET_SEC).");
                return false;
            }

            Interlocked.Increment(ref _retries);
            string reason = Describe(failure);
            if (_log.IsVerboseEnabled)
            {
                string pace = limiter == null ? string.Empty : $", now at most {limiter.CurrentRate:0.##} requests/s for {operation.Name}";
                _log.Verbose($"Retrying {operation.Method} {request.Path} in {wait.TotalSeconds:0.0} s after {reason} (throttled, so not processed: not counted against the attempts; {throttled.Elapsed.TotalSeconds:0.#} s of the {budget.TotalSeconds:0.#} s throttle budget used{pace}).");
            }

            if (Interlocked.Exchange(ref _retryWarned, 1) == 0)
            {
                _log.Warning($"{operation.Name}: {reason}; retrying: the service throttles this account's requests, so they wait and go slower (each for up to {budget.TotalSeconds:0} s). Use -Verbose to see each retry.");
            }

            if (limiter == null)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        private async Task<T> SendOnceAsync<T>(CdnRequest request, Uri baseUri, string pathAndQuery, string canonicalQuery, Func<Stream, CancellationToken, Task<T>> readBody, CancellationToken cancellationToken)
        {
            CdnOperation operation = request.Operation;
            var uri = new Uri(baseUri, pathAndQuery);
            string host = uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
            string sdkDate = SdkSigner.FormatSdkDate(LocalUtcNow());
            string token = Credential.GetSecurityTokenPlain();
            var signed = new List<KeyValuePair<string, string>>(4)
            {
                new KeyValuePair<string, string>("host", host),
                new KeyValuePair<string, string>("x-sdk-date", sdkDate),
            };
            if (operation.NeedsDomainId && Credential.DomainId != null)
            {
                signed.Add(new KeyValuePair<string, string>("x-domain-id", Credential.DomainId));
            }

            if (token != null)
            {
                signed.Add(new KeyValuePair<string, string>("x-security-token", token));
            }

            byte[] body = request.Body;
            string bodyHash = SdkSigner.HashHex(body ?? Array.Empty<byte>(), 0, body?.Length ?? 0);
            byte[] key = Credential.GetSecretKeyUtf8();
            string authorization;
            try
            {
                authorization = SdkSigner.Sign(operation.Method, request.Path, canonicalQuery, signed, bodyHash, Credential.AccessKey, key);
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
            }

            using (var message = new HttpRequestMessage(new HttpMethod(operation.Method), uri))
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
                foreach (KeyValuePair<string, string> header in signed)
                {
                    if (header.Key != "host")
                    {
                        message.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }

                message.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                DesktopHttp.PrepareRequest(message);
                if (body != null)
                {
                    message.Content = new ByteArrayContent(body);
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }

                LogRequestHeaders(message);
                request.BeforeSend?.Invoke();
                var stopwatch = Stopwatch.StartNew();
                Interlocked.Increment(ref _requests);
                using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    attemptCts.CancelAfter(_settings.Timeout);
                    HttpResponseMessage response;
                    try
                    {
                        response = await DesktopHttp.SendAsync(_client, message, attemptCts.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw Timeout(operation, uri, stopwatch);
                    }
                    catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
                    {
                        throw ConnectionFailure(operation, uri, ex);
                    }

                    using (response)
                    {
                        string requestId = RequestId(response);
                        int status = (int)response.StatusCode;
                        try
                        {
                            if (response.IsSuccessStatusCode)
                            {
                                T result = await DesktopHttp.ReadBodyAsync(response, token => ReadSuccessAsync(operation, response, requestId, readBody, Secrets, token), attemptCts.Token).ConfigureAwait(false);
                                if (_log.IsVerboseEnabled)
                                {
                                    _log.Verbose($"{operation.Method} {uri.PathAndQuery} -> {status} in {stopwatch.ElapsedMilliseconds} ms, request id {requestId ?? "(none)"}");
                                }

                                return result;
                            }

                            string errorBody = await DesktopHttp.ReadBodyAsync(response, token => ReadLimitedAsync(response.Content, token), attemptCts.Token).ConfigureAwait(false);
                            _log.Verbose($"{operation.Method} {uri.PathAndQuery} -> {status} in {stopwatch.ElapsedMilliseconds} ms, request id {requestId ?? "(none)"}");
                            CdnApiException failure = ServiceFailure(operation, response, errorBody, requestId, new DateTimeOffset(LocalUtcNow(), TimeSpan.Zero), Secrets);
                            throw new AttemptFailedException(failure, RetryPolicy.ParseRetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow));
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            throw Timeout(operation, uri, stopwatch);
                        }
                        catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
                        {
                            throw ConnectionFailure(operation, uri, ex, requestId, status);
                        }
                    }
                }
            }
        }

        private static async Task<T> ReadSuccessAsync<T>(CdnOperation operation, HttpResponseMessage response, string requestId, Func<Stream, CancellationToken, Task<T>> readBody, SecretSet secrets, CancellationToken cancellationToken)
        {
            string mediaType = response.Content?.Headers.ContentType?.MediaType;
            using (Stream raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var capture = new PrefixCaptureStream(raw))
            {
                bool json = mediaType != null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;
                if (!json)
                {
                    // Read a little to show what came instead (an HTML page from a proxy, usually).
                    await capture.ReadAsync(new byte[200], 0, 200, cancellationToken).ConfigureAwait(false);
                    throw new AttemptFailedException(Malformed(operation, response, requestId, capture, $"the content type is '{mediaType ?? "(none)"}', not JSON", secrets));
                }

                try
                {
                    T result = await readBody(capture, cancellationToken).ConfigureAwait(false);
                    if (result == null)
                    {
                        throw new AttemptFailedException(Malformed(operation, response, requestId, capture, capture.BytesRead == 0 ? "the body is empty" : "the body is JSON null", secrets));
                    }

                    return result;
                }
                catch (JsonException ex)
                {
                    throw new AttemptFailedException(Malformed(operation, response, requestId, capture, capture.BytesRead == 0 ? "the body is empty" : "the body is not valid JSON (" + ex.Message + ")", secrets, ex));
                }
            }
        }

        private static CdnApiException Malformed(CdnOperation operation, HttpResponseMessage response, string requestId, PrefixCaptureStream capture, string problem, SecretSet secrets, Exception inner = null)
        {
            string snippet = Redaction.Scrub(capture.PrefixText(), secrets);
            problem = Redaction.Scrub(problem, secrets);
            string message = $"{operation.Name}: the service answered HTTP {(int)response.StatusCode} but {problem}; request id {requestId ?? "(none)"}; the body starts with: '{Truncate(snippet, 120)}'.";
            return new CdnApiException(CdnFailureKind.MalformedResponse, message, operation.Name, response.StatusCode, "MalformedResponse", problem, requestId, snippet, inner);
        }

        /// <summary>
        /// The local clock as the signer sees it: the system clock plus the test-only offset
        /// (CDNTASKS_TEST_CLOCK_OFFSET_SEC), which lets tests make the client's clock appear off.
        /// </summary>
        private DateTime LocalUtcNow() => DateTime.UtcNow + _settings.TestClockOffset;

        private static CdnApiException ServiceFailure(CdnOperation operation, HttpResponseMessage response, string body, string headerRequestId, DateTimeOffset localNow, SecretSet secrets)
        {
            // A proxy or gateway may echo the request (its headers, the token) in the body: scrub before anything is kept.
            body = Redaction.Scrub(body, secrets);
            int status = (int)response.StatusCode;
            string code = null;
            string serviceMessage = null;
            string requestId = headerRequestId;
            bool parsed = ErrorParser.TryParse(body, out code, out serviceMessage, out string bodyRequestId);
            requestId = requestId ?? bodyRequestId;
            string snippet = parsed ? null : Truncate(Flatten(body), 200);
            if (!parsed)
            {
                code = "HTTP" + status.ToString(CultureInfo.InvariantCulture);
                serviceMessage = string.IsNullOrWhiteSpace(snippet)
                    ? $"{response.ReasonPhrase} (no error body)"
                    : $"{response.ReasonPhrase}; the body starts with: '{Truncate(snippet, 120)}'";
            }

            string text = $"{operation.Name} failed: {code}: {serviceMessage} (HTTP {status}; request id {requestId ?? "(none)"}).";

            // An error status whose body is not the service's JSON (an HTML page from a proxy, say) is a
            // malformed response: report the status, the request id and the first bytes of the body.
            CdnFailureKind kind = parsed || string.IsNullOrWhiteSpace(snippet) ? CdnFailureKind.Service : CdnFailureKind.MalformedResponse;
            var failure = new CdnApiException(kind, text, operation.Name, response.StatusCode, code, serviceMessage, requestId, snippet);
            if (status == 401 && serviceMessage != null && serviceMessage.IndexOf("expired", StringComparison.OrdinalIgnoreCase) >= 0 && response.Headers.Date.HasValue)
            {
                failure.ClockSkew = response.Headers.Date.Value - localNow;
            }

            return failure;
        }

        private static AttemptFailedException Timeout(CdnOperation operation, Uri uri, Stopwatch stopwatch) =>
            new AttemptFailedException(new CdnApiException(
                CdnFailureKind.Timeout,
                $"{operation.Name}: {operation.Method} {uri.AbsolutePath} did not complete within the timeout ({stopwatch.Elapsed.TotalSeconds:0.#} s). Raise it with Set-CdnConfig -TimeoutSec or CDNTASKS_TIMEOUT_SEC.",
                operation.Name,
                errorCode: "Timeout",
                innerException: new TimeoutException()));

        private AttemptFailedException ConnectionFailure(CdnOperation operation, Uri uri, Exception ex, string requestId = null, int? status = null)
        {
            ConnectionFailure classified = ConnectionFailures.Classify(ex, uri);
            string what = status != null
                ? $"the connection broke while reading the HTTP {status} response (request id {requestId ?? "(none)"}): {classified.Description}"
                : classified.Description;
            if (!classified.Retryable)
            {
                what += " (not retried: this does not heal by trying again)";
            }

            var failure = new CdnApiException(
                CdnFailureKind.Connection,
                Redaction.Scrub($"{operation.Name}: {operation.Method} {uri.AbsolutePath} failed: {what}.", Secrets),
                operation.Name,
                status.HasValue ? (HttpStatusCode?)status.Value : null,
                errorCode: status != null ? ConnectionFailures.ConnectionFailed : classified.ErrorCode,
                requestId: requestId,
                innerException: ex)
            {
                // Once a response has started, the request certainly arrived: never "nothing sent".
                Connection = status != null ? new ConnectionFailure(ConnectionFailureClass.Reset, ConnectionFailures.ConnectionFailed, what) : classified,
            };
            return new AttemptFailedException(failure);
        }

        private void LogRequestHeaders(HttpRequestMessage message)
        {
            if (!_log.IsDebugEnabled)
            {
                // Enumerating the headers parses them (User-Agent, Accept) and the line is long: only when someone reads it.
                return;
            }

            var builder = new StringBuilder();
            builder.Append(message.Method).Append(' ').Append(message.RequestUri.PathAndQuery);
            foreach (KeyValuePair<string, IEnumerable<string>> header in message.Headers)
            {
                builder.Append("; ").Append(header.Key).Append(": ").Append(Redaction.Header(header.Key, string.Join(",", header.Value)));
            }

            _log.Debug(builder.ToString());
        }

        private static string RequestId(HttpResponseMessage response)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers)
            {
                if (string.Equals(header.Key, "X-Request-Id", StringComparison.OrdinalIgnoreCase))
                {
                    return header.Value.FirstOrDefault();
                }
            }

            return null;
        }

        private static async Task<string> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
        {
            if (content == null)
            {
                return string.Empty;
            }

            using (Stream stream = await content.ReadAsStreamAsync().ConfigureAwait(false))
            {
                var buffer = new byte[MaxErrorBodyBytes];
                int total = 0;
                int read;
                while (total < buffer.Length && (read = await stream.ReadAsync(buffer, total, buffer.Length - total, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }

                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }

        /// <summary>
        /// The shared HttpClient for a proxy setting. One client per proxy (kept for the process, so connections are
        /// reused across commands); when the proxy credential changes (another user name OR another password) the
        /// next command gets a new client with it.
        /// </summary>
        internal static HttpClient GetClient(CdnSettings settings)
        {
            DesktopHttp.EnableModernTls();
            string key = settings.Proxy?.AbsoluteUri ?? "system";
            string fingerprint = CredentialFingerprint(settings.ProxyCredential);
            if (s_clients.TryGetValue(key, out KeyValuePair<string, HttpClient> cached) && cached.Key == fingerprint)
            {
                return cached.Value;
            }

            // The replaced client is not disposed: a command still running may be using it.
            HttpClient client = CreateClient(settings);
            return s_clients.AddOrUpdate(
                key,
                new KeyValuePair<string, HttpClient>(fingerprint, client),
                (_, existing) => existing.Key == fingerprint ? existing : new KeyValuePair<string, HttpClient>(fingerprint, client)).Value;
        }

        // A digest of the proxy credential (never the password itself) that tells two credentials apart.
        private static string CredentialFingerprint(NetworkCredential credential)
        {
            if (credential == null)
            {
                return string.Empty;
            }

            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                byte[] bytes = Encoding.UTF8.GetBytes((credential.Domain ?? string.Empty) + "\0" + (credential.UserName ?? string.Empty) + "\0" + (credential.Password ?? string.Empty));
                return Convert.ToBase64String(sha.ComputeHash(bytes));
            }
        }

        private static HttpClient CreateClient(CdnSettings settings)
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                MaxConnectionsPerServer = 64,
            };
            if (settings.Proxy != null)
            {
                handler.Proxy = new WebProxy(settings.Proxy) { Credentials = settings.ProxyCredential };
                handler.UseProxy = true;
            }

            return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        private static string BuildUserAgent()
        {
            string version = typeof(CdnTransport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            string framework = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
            string os = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
            return $"CdnTasks/{version} (PowerShell module; {framework.Trim()}; {os.Trim()})";
        }

        private static string Describe(CdnApiException failure)
        {
            switch (failure.Kind)
            {
                case CdnFailureKind.Service:
                    return $"HTTP {(int)(failure.StatusCode ?? 0)} {failure.ErrorCode}";
                case CdnFailureKind.Timeout:
                    return "a timeout";
                case CdnFailureKind.MalformedResponse:
                    return $"a malformed HTTP {(int)(failure.StatusCode ?? 0)} response";
                default:
                    return failure.Connection?.Description ?? "a connection failure";
            }
        }

        private static string Flatten(string text) => text == null ? string.Empty : new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();

        private static string Truncate(string text, int length) => text == null || text.Length <= length ? text : text.Substring(0, length) + "...";

        /// <summary>One failed attempt, before the retry decision.</summary>
        private sealed class AttemptFailedException : Exception
        {
            public AttemptFailedException(CdnApiException failure, TimeSpan? retryAfter = null)
                : base(failure.Message, failure)
            {
                Failure = failure;
                RetryAfter = retryAfter;
            }

            public CdnApiException Failure { get; }

            public TimeSpan? RetryAfter { get; }
        }
    }
}
