// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api
{
    /// <summary>
    /// Everything the transport does because Windows PowerShell 5.1 sends through .NET Framework's HTTP stack
    /// (HttpWebRequest under HttpClientHandler), in one place, as four hooks that <see cref="CdnTransport"/> calls:
    /// <list type="number">
    /// <item><see cref="EnableModernTls"/>: TLS 1.2 (and 1.3 where Windows has it) added to what the process allows,
    /// nothing removed; .NET Framework defaults to SSL 3/TLS 1.0 in powershell.exe, which the endpoints refuse.</item>
    /// <item><see cref="PrepareRequest"/>: no <c>Expect: 100-continue</c>, which .NET Framework sends with every POST
    /// body and then waits for.</item>
    /// <item><see cref="ReadBodyAsync"/>: the body read is cancelled by disposing the response when the token fires
    /// (per-attempt timeout or Ctrl+C); .NET Framework's response stream ignores the token.</item>
    /// <item><see cref="Normalize"/> (inside <see cref="SendAsync"/> and <see cref="ReadBodyAsync"/>): a WebException is
    /// rewritten into the exception .NET's SocketsHttpHandler throws for the same failure, so the transport's one
    /// failure classifier (SocketException codes, AuthenticationException, IOException, cancellation) needs no
    /// .NET Framework branch.</item>
    /// </list>
    /// Only <see cref="EnableModernTls"/> looks at the runtime; the other hooks do the same on .NET, where they change nothing.
    /// </summary>
    internal static class DesktopHttp
    {
        /// <summary>SecurityProtocolType.SystemDefault (the OS chooses), which netstandard2.0 does not name.</summary>
        internal const SecurityProtocolType SystemDefault = 0;

        /// <summary>SecurityProtocolType.Tls13 (.NET Framework 4.8), which netstandard2.0 does not name.</summary>
        internal const SecurityProtocolType Tls13 = (SecurityProtocolType)12288;

        private static readonly object s_tlsGate = new object();

        /// <summary>Gets a value indicating whether this process runs on .NET Framework (Windows PowerShell 5.1).</summary>
        public static bool IsNetFramework { get; } = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// On .NET Framework, adds TLS 1.2 (and TLS 1.3 where Windows has it on by default) to
        /// ServicePointManager.SecurityProtocol, keeping every protocol already enabled; leaves SystemDefault (the OS
        /// decides) alone. Called for every command, so a session that changed the setting since gets it back. On .NET
        /// it does nothing: SocketsHttpHandler ignores ServicePointManager and lets the OS choose.
        /// </summary>
        public static void EnableModernTls()
        {
            if (!IsNetFramework)
            {
                return;
            }

            lock (s_tlsGate)
            {
                SecurityProtocolType current = ServicePointManager.SecurityProtocol;
                SecurityProtocolType wanted = WithModernTls(current, OsHasTls13(RuntimeInformation.OSDescription));
                if (wanted == current)
                {
                    return;
                }

                try
                {
                    ServicePointManager.SecurityProtocol = wanted;
                }
                catch (NotSupportedException)
                {
                    // .NET Framework before 4.8 does not know TLS 1.3.
                    ServicePointManager.SecurityProtocol = WithModernTls(current, osHasTls13: false);
                }
            }
        }

        /// <summary>
        /// The protocols to allow, given those allowed now: SystemDefault stays (the OS picks TLS 1.2 or 1.3 itself);
        /// otherwise every protocol allowed now, plus TLS 1.2, plus TLS 1.3 when <paramref name="osHasTls13"/>.
        /// </summary>
        internal static SecurityProtocolType WithModernTls(SecurityProtocolType current, bool osHasTls13)
        {
            if (current == SystemDefault)
            {
                return current;
            }

            SecurityProtocolType wanted = current | SecurityProtocolType.Tls12;
            return osHasTls13 ? wanted | Tls13 : wanted;
        }

        /// <summary>
        /// Whether Windows has TLS 1.3 on by default, from RuntimeInformation.OSDescription ("Microsoft Windows
        /// 10.0.22631"): Windows Server 2022 (build 20348) and Windows 11 (22000) are the first.
        /// </summary>
        internal static bool OsHasTls13(string osDescription)
        {
            if (osDescription == null || osDescription.IndexOf("Windows", StringComparison.OrdinalIgnoreCase) < 0)
            {
                return false;
            }

            string[] words = osDescription.Trim().Split(' ');
            return Version.TryParse(words[words.Length - 1], out Version version)
                && (version.Major > 10 || (version.Major == 10 && version.Minor == 0 && version.Build >= 20348));
        }

        /// <summary>Sets what the request must carry on both stacks: no Expect: 100-continue (null means "send it" on .NET Framework).</summary>
        public static void PrepareRequest(HttpRequestMessage message) => message.Headers.ExpectContinue = false;

        /// <summary>Sends up to the response headers; a WebException comes out as .NET's exception for the same failure.</summary>
        public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage message, CancellationToken cancellationToken)
        {
            try
            {
                return await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (TryNormalize(ex, out Exception normalized))
            {
                throw normalized;
            }
        }

        /// <summary>
        /// Runs <paramref name="read"/> on the body of <paramref name="response"/>, disposing the response the moment
        /// <paramref name="cancellationToken"/> fires, so that a read the stream does not let the token cancel ends
        /// too. Whatever the read then throws surfaces as OperationCanceledException for that token; a WebException
        /// as .NET's exception for the same failure.
        /// </summary>
        public static async Task<T> ReadBodyAsync<T>(HttpResponseMessage response, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        {
            using (cancellationToken.Register(state => ((HttpResponseMessage)state).Dispose(), response))
            {
                try
                {
                    return await read(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException) && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The response was abandoned when the request was cancelled or timed out.", ex, cancellationToken);
                }
                catch (Exception ex) when (TryNormalize(ex, out Exception normalized))
                {
                    throw normalized;
                }
            }
        }

        /// <summary>Whether <see cref="Normalize"/> rewrites <paramref name="failure"/>; anything it leaves as is is not caught, so it keeps its stack.</summary>
        private static bool TryNormalize(Exception failure, out Exception normalized)
        {
            normalized = Normalize(failure);
            return !ReferenceEquals(normalized, failure);
        }

        /// <summary>
        /// Rewrites a .NET Framework WebException (thrown as is, or inside HttpRequestException or IOException) into
        /// what .NET's SocketsHttpHandler throws for the same failure, by WebExceptionStatus:
        /// name resolution: HttpRequestException(SocketException HostNotFound);
        /// connect failure: HttpRequestException(its SocketException, else SocketException HostUnreachable);
        /// secure channel or certificate: HttpRequestException(AuthenticationException);
        /// timeout: TaskCanceledException(TimeoutException); cancelled: TaskCanceledException;
        /// a connection that closed or failed while sending or receiving: HttpRequestException(IOException).
        /// Anything else is returned unchanged.
        /// </summary>
        internal static Exception Normalize(Exception failure)
        {
            WebException web = failure as WebException
                ?? (failure is HttpRequestException || failure is IOException ? failure.InnerException as WebException : null);
            if (web == null)
            {
                return failure;
            }

            string message = web.Message;
            switch (web.Status)
            {
                case WebExceptionStatus.NameResolutionFailure:
                case WebExceptionStatus.ProxyNameResolutionFailure:
                    return new HttpRequestException(message, new SocketException((int)SocketError.HostNotFound));
                case WebExceptionStatus.ConnectFailure:
                    return new HttpRequestException(message, web.InnerException as SocketException ?? new SocketException((int)SocketError.HostUnreachable));
                case WebExceptionStatus.SecureChannelFailure:
                case WebExceptionStatus.TrustFailure:
                    return new HttpRequestException(message, web.InnerException as AuthenticationException ?? new AuthenticationException(message, web.InnerException));
                case WebExceptionStatus.Timeout:
                    return new TaskCanceledException(message, new TimeoutException(message, web));
                case WebExceptionStatus.RequestCanceled:
                    return new TaskCanceledException(message, web);
                case WebExceptionStatus.ConnectionClosed:
                case WebExceptionStatus.ReceiveFailure:
                case WebExceptionStatus.SendFailure:
                case WebExceptionStatus.KeepAliveFailure:
                case WebExceptionStatus.PipelineFailure:
                    return new HttpRequestException(message, web.InnerException as IOException ?? new IOException(message, web.InnerException));
                default:
                    return failure;
            }
        }
    }
}
