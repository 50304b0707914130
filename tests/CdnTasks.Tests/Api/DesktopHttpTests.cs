// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using CdnTasks.Api;
using CdnTasks.Tests.Reliability;
using Xunit;

namespace CdnTasks.Tests.Api
{
    /// <summary>
    /// The .NET Framework settings of the transport (Api/DesktopHttp), tested as decisions on .NET: which TLS
    /// protocols it allows, that a POST carries no Expect: 100-continue, that a body read the stream will not cancel
    /// is ended by disposing the response, and that each WebException comes out as the exception .NET throws for
    /// the same failure. What .NET Framework itself then does with them is not run here (see tools/Invoke-DesktopSmoke.ps1).
    /// </summary>
    public class DesktopHttpTests
    {
        private const SecurityProtocolType Ssl3 = (SecurityProtocolType)48;

        [Fact]
        public void SystemDefaultIsLeftToTheOperatingSystem()
        {
            Assert.Equal(DesktopHttp.SystemDefault, DesktopHttp.WithModernTls(DesktopHttp.SystemDefault, osHasTls13: true));
            Assert.Equal(DesktopHttp.SystemDefault, DesktopHttp.WithModernTls(DesktopHttp.SystemDefault, osHasTls13: false));
        }

        [Theory]
        [InlineData(SecurityProtocolType.Tls, false, SecurityProtocolType.Tls | SecurityProtocolType.Tls12)]
        [InlineData(Ssl3 | SecurityProtocolType.Tls, false, Ssl3 | SecurityProtocolType.Tls | SecurityProtocolType.Tls12)] // powershell.exe's default
        [InlineData(SecurityProtocolType.Tls11, true, SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12 | DesktopHttp.Tls13)]
        [InlineData(SecurityProtocolType.Tls12, false, SecurityProtocolType.Tls12)]
        [InlineData(DesktopHttp.Tls13, false, DesktopHttp.Tls13 | SecurityProtocolType.Tls12)]
        public void AddsTls12AndTls13WhereWindowsHasItAndRemovesNothing(SecurityProtocolType current, bool osHasTls13, SecurityProtocolType expected)
        {
            SecurityProtocolType result = DesktopHttp.WithModernTls(current, osHasTls13);

            Assert.Equal(expected, result);
            Assert.Equal(current, result & current);
        }

        [Theory]
        [InlineData("Microsoft Windows 10.0.22631", true)]  // Windows 11 23H2
        [InlineData("Microsoft Windows 10.0.20348", true)]  // Windows Server 2022
        [InlineData("Microsoft Windows 10.0.19045", false)] // Windows 10 22H2
        [InlineData("Microsoft Windows 10.0.17763", false)] // Windows Server 2019
        [InlineData("Microsoft Windows 6.3.9600 ", false)]  // Windows Server 2012 R2
        [InlineData("Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", false)]
        [InlineData(null, false)]
        public void KnowsWhichWindowsHasTls13(string osDescription, bool expected)
        {
            Assert.Equal(expected, DesktopHttp.OsHasTls13(osDescription));
        }

#pragma warning disable SYSLIB0014 // ServicePointManager: exactly what .NET Framework's stack reads
        [Fact]
        public void OnDotNetTheProcessTlsSettingIsNotTouched()
        {
            SecurityProtocolType saved = ServicePointManager.SecurityProtocol;
            try
            {
                ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls11;

                DesktopHttp.EnableModernTls();

                Assert.False(DesktopHttp.IsNetFramework);
                Assert.Equal(SecurityProtocolType.Tls11, ServicePointManager.SecurityProtocol);
            }
            finally
            {
                ServicePointManager.SecurityProtocol = saved;
            }
        }
#pragma warning restore SYSLIB0014

        [Theory]
        [InlineData(WebExceptionStatus.NameResolutionFailure, SocketError.HostNotFound)]
        [InlineData(WebExceptionStatus.ProxyNameResolutionFailure, SocketError.HostNotFound)]
        [InlineData(WebExceptionStatus.ConnectFailure, SocketError.HostUnreachable)]
        public void NameAndConnectFailuresBecomeASocketException(WebExceptionStatus status, SocketError expected)
        {
            Exception normalized = DesktopHttp.Normalize(new HttpRequestException("An error occurred while sending the request.", new WebException("The remote name could not be resolved: 'cdn.example.com'", status)));

            Assert.IsType<HttpRequestException>(normalized);
            Assert.Equal(expected, Assert.IsType<SocketException>(normalized.InnerException).SocketErrorCode);
        }

        [Fact]
        public void AConnectFailureKeepsItsOwnSocketError()
        {
            var refused = new SocketException((int)SocketError.ConnectionRefused);
            Exception normalized = DesktopHttp.Normalize(new WebException("Unable to connect to the remote server", refused, WebExceptionStatus.ConnectFailure, null));

            Assert.Same(refused, Assert.IsType<HttpRequestException>(normalized).InnerException);
        }

        [Theory]
        [InlineData(WebExceptionStatus.SecureChannelFailure)]
        [InlineData(WebExceptionStatus.TrustFailure)]
        public void TlsAndCertificateFailuresCarryAnAuthenticationException(WebExceptionStatus status)
        {
            var certificate = new AuthenticationException("The remote certificate is invalid according to the validation procedure.");
            Exception withInner = DesktopHttp.Normalize(new HttpRequestException("An error occurred while sending the request.", new WebException("Could not establish trust relationship for the SSL/TLS secure channel.", certificate, status, null)));
            Exception withoutInner = DesktopHttp.Normalize(new WebException("The request was aborted: Could not create SSL/TLS secure channel.", status));

            Assert.Same(certificate, Assert.IsType<HttpRequestException>(withInner).InnerException);
            Assert.IsType<AuthenticationException>(Assert.IsType<HttpRequestException>(withoutInner).InnerException);
        }

        [Theory]
        [InlineData(WebExceptionStatus.ConnectionClosed)]
        [InlineData(WebExceptionStatus.ReceiveFailure)]
        [InlineData(WebExceptionStatus.SendFailure)]
        [InlineData(WebExceptionStatus.KeepAliveFailure)]
        [InlineData(WebExceptionStatus.PipelineFailure)]
        public void ABrokenConnectionIsAnIOException(WebExceptionStatus status)
        {
            var reset = new SocketException((int)SocketError.ConnectionReset);
            Exception normalized = DesktopHttp.Normalize(new IOException("Unable to read data from the transport connection.", new WebException("The underlying connection was closed.", reset, status, null)));

            IOException io = Assert.IsType<IOException>(Assert.IsType<HttpRequestException>(normalized).InnerException);
            Assert.Same(reset, io.InnerException);
        }

        [Fact]
        public void ATimeoutIsACancellationWithATimeoutInside()
        {
            Exception normalized = DesktopHttp.Normalize(new WebException("The operation has timed out", WebExceptionStatus.Timeout));

            Assert.IsType<TimeoutException>(Assert.IsType<TaskCanceledException>(normalized).InnerException);
            Assert.IsType<TaskCanceledException>(DesktopHttp.Normalize(new WebException("The request was aborted: The request was canceled.", WebExceptionStatus.RequestCanceled)));
        }

        [Fact]
        public void OtherExceptionsAreLeftAlone()
        {
            var protocol = new WebException("The server committed a protocol violation.", WebExceptionStatus.ServerProtocolViolation);
            var plain = new HttpRequestException("Response status code does not indicate success.");
            var io = new IOException("disk");

            Assert.Same(protocol, DesktopHttp.Normalize(protocol));
            Assert.Same(plain, DesktopHttp.Normalize(plain));
            Assert.Same(io, DesktopHttp.Normalize(io));
        }

        /// <summary>The normalised shapes match what .NET itself throws here for a refused connection and a failed TLS handshake.</summary>
        [Fact]
        public async Task TheShapesAreTheOnesDotNetThrowsForTheSameFailures()
        {
            using var client = new HttpClient();
            using var closed = new ClosedPort();
            int closedPort = closed.Port;

            HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{closedPort}/"));
            Exception framework = DesktopHttp.Normalize(new WebException("Unable to connect to the remote server", new SocketException((int)SocketError.ConnectionRefused), WebExceptionStatus.ConnectFailure, null));
            Assert.Equal(Shape(refused), Shape(framework));

            // TLS spoken to a plain-HTTP server: the handshake fails.
            using var plain = new TcpListener(IPAddress.Loopback, 0);
            plain.Start();
            Task answer = AnswerPlainHttpAsync(plain);
            HttpRequestException handshake = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"https://127.0.0.1:{((IPEndPoint)plain.LocalEndpoint).Port}/"));
            await answer;
            Exception secureChannel = DesktopHttp.Normalize(new WebException("The request was aborted: Could not create SSL/TLS secure channel.", WebExceptionStatus.SecureChannelFailure));
            Assert.Equal(Shape(handshake), Shape(secureChannel));
        }

        [Fact]
        public void ThePostRequestCarriesNoExpectContinue()
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "https://cdn.example.com/v1.0/cdn/content/refresh-tasks") { Content = new ByteArrayContent(new byte[] { 1 }) };
            Assert.Null(message.Headers.ExpectContinue); // .NET Framework reads null as "send Expect: 100-continue"

            DesktopHttp.PrepareRequest(message);

            Assert.False(message.Headers.ExpectContinue);
        }

        [Fact]
        public async Task TheTransportSendsItsPostsWithExpectContinueOff()
        {
            using var emulator = new EmulatorProcess("--RateLimit", "false", "--Records", "10");
            var seen = new List<HttpRequestMessage>();
            using var subscription = HttpRequests.Observe(emulator.BaseUri, seen);
            var client = new CdnClient(new CdnTransport(emulator.Settings(), EmulatorProcess.Credential(), new TestLog()));

            await client.CreateRefreshTaskAsync(new[] { "https://www.example.com/expect/1.js" }, "file", null, null, null, CancellationToken.None);

            HttpRequestMessage post;
            lock (seen)
            {
                post = Assert.Single(seen, m => m.Method == HttpMethod.Post);
            }

            Assert.False(post.Headers.ExpectContinue);
        }

        [Fact]
        public async Task ABodyReadThatIgnoresTheTokenEndsWhenTheTokenFires()
        {
            var stream = new IgnoresCancellationStream();
            using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) };
            using var cts = new CancellationTokenSource();

            Task<int> read = DesktopHttp.ReadBodyAsync(response, async token =>
            {
                Stream body = await response.Content.ReadAsStreamAsync(token);
                return await body.ReadAsync(new byte[16].AsMemory(), token);
            }, cts.Token);
            await stream.ReadStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(read.IsCompleted);

            cts.Cancel();

            OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(cts.Token, cancelled.CancellationToken);
            Assert.True(stream.Disposed);
        }

        [Fact]
        public async Task ABodyReadThatCompletesIsReturnedAndAWebExceptionIsNormalised()
        {
            using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };

            Assert.Equal(42, await DesktopHttp.ReadBodyAsync(response, _ => Task.FromResult(42), CancellationToken.None));

            HttpRequestException broken = await Assert.ThrowsAsync<HttpRequestException>(() => DesktopHttp.ReadBodyAsync<int>(
                response,
                _ => throw new IOException("Unable to read data from the transport connection.", new WebException("The connection was closed unexpectedly.", WebExceptionStatus.ConnectionClosed)),
                CancellationToken.None));
            Assert.IsType<IOException>(broken.InnerException);
        }

        /// <summary>What the transport's classifier looks at: the first SocketException's code, an AuthenticationException, an IOException, a timeout.</summary>
        private static string Shape(Exception exception)
        {
            var chain = new List<Exception>();
            for (Exception current = exception; current != null; current = current.InnerException)
            {
                chain.Add(current);
            }

            SocketException socket = chain.OfType<SocketException>().FirstOrDefault();
            return chain[0].GetType().Name + ":" + (socket != null ? "socket " + socket.SocketErrorCode
                : chain.OfType<AuthenticationException>().Any() ? "authentication"
                : chain.OfType<IOException>().Any() ? "io"
                : chain.OfType<TimeoutException>().Any() ? "timeout"
                : "other");
        }

        private static async Task AnswerPlainHttpAsync(TcpListener listener)
        {
            using TcpClient connection = await listener.AcceptTcpClientAsync();
            NetworkStream stream = connection.GetStream();
            _ = await stream.ReadAsync(new byte[1024]); // the ClientHello, or part of it: enough to answer
            byte[] answer = System.Text.Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(answer);
        }

        /// <summary>A response stream like .NET Framework's: ReadAsync ignores the token and returns only once disposed.</summary>
        private sealed class IgnoresCancellationStream : Stream
        {
            private readonly TaskCompletionSource<int> _disposed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

            public TaskCompletionSource<bool> ReadStarted { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

            public bool Disposed => _disposed.Task.IsCompleted;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                ReadStarted.TrySetResult(true);
                await _disposed.Task.ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(IgnoresCancellationStream));
            }

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                byte[] array = new byte[buffer.Length];
                return new ValueTask<int>(ReadAsync(array, 0, array.Length, cancellationToken));
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                _disposed.TrySetResult(0);
                base.Dispose(disposing);
            }
        }

        /// <summary>Collects the HttpRequestMessages HttpClient sends to one base address (its diagnostic events).</summary>
        private sealed class HttpRequests : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object>>, IDisposable
        {
            private readonly Uri _baseUri;
            private readonly List<HttpRequestMessage> _seen;
            private readonly List<IDisposable> _subscriptions = new List<IDisposable>();

            private HttpRequests(Uri baseUri, List<HttpRequestMessage> seen)
            {
                _baseUri = baseUri;
                _seen = seen;
            }

            public static IDisposable Observe(Uri baseUri, List<HttpRequestMessage> seen)
            {
                var observer = new HttpRequests(baseUri, seen);
                observer._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(observer));
                return observer;
            }

            public void OnNext(DiagnosticListener listener)
            {
                if (listener.Name == "HttpHandlerDiagnosticListener")
                {
                    lock (_subscriptions)
                    {
                        _subscriptions.Add(listener.Subscribe(this));
                    }
                }
            }

            public void OnNext(KeyValuePair<string, object> value)
            {
                if (value.Key == "System.Net.Http.Request"
                    && value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is HttpRequestMessage request
                    && request.RequestUri != null && _baseUri.IsBaseOf(request.RequestUri))
                {
                    lock (_seen)
                    {
                        _seen.Add(request);
                    }
                }
            }

            public void OnCompleted()
            {
            }

            public void OnError(Exception error)
            {
            }

            public void Dispose()
            {
                lock (_subscriptions)
                {
                    foreach (IDisposable subscription in _subscriptions)
                    {
                        subscription.Dispose();
                    }
                }
            }
        }
    }
}
