// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>
    /// A tiny TCP server on 127.0.0.1 (port 0) for the failures the emulator cannot produce: a TLS server with a
    /// certificate for another name, a plain-HTTP server behind an https:// endpoint, a gateway that echoes the
    /// request headers in its error body, a proxy that asks for credentials. Each accepted connection is handled
    /// by <c>handle</c> on a thread-pool thread; the server counts connections and keeps the request heads it read.
    /// The Pester tests compile this same file with Add-Type (tests/pester/LoopbackServer.psm1), so it names its usings.
    /// </summary>
    public sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private int _connections;

        private LoopbackServer(Func<LoopbackServer, Stream, Task> handle, X509Certificate2 certificate)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    Interlocked.Increment(ref _connections);
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            try
                            {
                                Stream stream = client.GetStream();
                                if (certificate != null)
                                {
                                    var ssl = new SslStream(stream);
                                    await ssl.AuthenticateAsServerAsync(certificate).ConfigureAwait(false);
                                    stream = ssl;
                                }

                                await handle(this, stream).ConfigureAwait(false);
                            }
                            catch (Exception)
                            {
                                // The client gave up (TLS refused, connection closed): that is the point of most tests.
                            }
                        }
                    });
                }
            });
        }

        /// <summary>Gets the port.</summary>
        public int Port { get; }

        /// <summary>Gets the number of connections accepted so far.</summary>
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>Gets the request heads (request line and headers) read so far.</summary>
        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();

        /// <summary>A server that answers every request with what <paramref name="respond"/> returns (a whole HTTP response).</summary>
        public static LoopbackServer Http(Func<string, string> respond, X509Certificate2 certificate = null) =>
            new LoopbackServer(
                async (server, stream) =>
                {
                    string head;
                    while ((head = await ReadHeadAsync(stream).ConfigureAwait(false)) != null)
                    {
                        server.Requests.Enqueue(head);
                        byte[] bytes = Encoding.UTF8.GetBytes(respond(head));
                        await stream.WriteAsync(bytes).ConfigureAwait(false);
                        await stream.FlushAsync().ConfigureAwait(false);
                    }
                },
                certificate);

        /// <summary>A plain-HTTP server that answers whatever arrives first (a TLS hello, say) with 400 and closes, as web servers do.</summary>
        public static LoopbackServer PlainHttp() =>
            new LoopbackServer(
                async (server, stream) =>
                {
                    var buffer = new byte[4096];
                    int read = await stream.ReadAsync(buffer.AsMemory()).ConfigureAwait(false);
                    server.Requests.Enqueue(Convert.ToHexString(buffer, 0, Math.Min(read, 16)));
                    byte[] bytes = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(bytes).ConfigureAwait(false);
                },
                null);

        /// <summary>A TLS server whose self-signed certificate is for <paramref name="name"/>, answering nothing useful.</summary>
        public static LoopbackServer Tls(string name) =>
            Http(_ => "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", SelfSigned(name));

        /// <summary>A gateway that answers HTTP 400 with the service's error shape, its message and an extra field repeating every request header.</summary>
        public static LoopbackServer EchoHeaders() => Http(head =>
        {
            string headers = head.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r\n", "\\n");
            return Response(400, "Bad Request", "{\"error_code\":\"APIGW.0201\",\"error_msg\":\"Bad request; you sent: " + headers + "\",\"echo\":\"" + headers + "\"}");
        });

        /// <summary>A proxy that answers 407 (Basic) until a request brings Proxy-Authorization, then 403 and closes.</summary>
        public static LoopbackServer AskingProxy() => Http(head =>
            head.IndexOf("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase) < 0
                ? "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n"
                : "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        /// <summary>The user:password of each Basic Proxy-Authorization header received, in order.</summary>
        public string[] ProxyCredentials()
        {
            var found = new List<string>();
            foreach (string head in Requests)
            {
                foreach (string line in head.Split(new[] { "\r\n" }, StringSplitOptions.None))
                {
                    const string Prefix = "Proxy-Authorization: Basic ";
                    if (line.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                    {
                        found.Add(Encoding.UTF8.GetString(Convert.FromBase64String(line.Substring(Prefix.Length).Trim())));
                    }
                }
            }

            return found.ToArray();
        }

        /// <summary>A self-signed server certificate for a DNS name.</summary>
        public static X509Certificate2 SelfSigned(string name)
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=" + name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        }

        /// <summary>A whole HTTP response with a JSON body.</summary>
        public static string Response(int status, string reason, string body, string contentType = "application/json") =>
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nX-Request-Id: loopback-1\r\n\r\n{body}";

        /// <inheritdoc/>
        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        // Reads one request head (up to the blank line); null when the connection closed first.
        private static async Task<string> ReadHeadAsync(Stream stream)
        {
            var bytes = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                int read = await stream.ReadAsync(one.AsMemory(0, 1)).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                bytes.Add(one[0]);
                int n = bytes.Count;
                if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
                {
                    return Encoding.UTF8.GetString(bytes.ToArray());
                }
            }
        }
    }
}
