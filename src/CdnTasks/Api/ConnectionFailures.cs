// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace CdnTasks.Api
{
    /// <summary>What went wrong on the way to an answer (see <see cref="ConnectionFailures.Classify"/>).</summary>
    internal enum ConnectionFailureClass
    {
        /// <summary>The host name could not be resolved (DNS).</summary>
        NameResolution,

        /// <summary>Nothing listens on the port: the connection was refused.</summary>
        Refused,

        /// <summary>The network or the host cannot be reached (no route).</summary>
        Unreachable,

        /// <summary>The server's TLS certificate was not accepted (wrong name, untrusted, expired).</summary>
        TlsCertificate,

        /// <summary>The TLS handshake failed for another reason (for example the server speaks plain HTTP).</summary>
        TlsHandshake,

        /// <summary>The connection was reset or closed before the whole answer came.</summary>
        Reset,

        /// <summary>Any other failure of the connection.</summary>
        Other,
    }

    /// <summary>One classified connection failure: its class, the error code it gets, and what it means for retries.</summary>
    internal sealed class ConnectionFailure
    {
        public ConnectionFailure(ConnectionFailureClass kind, string errorCode, string description)
        {
            Class = kind;
            ErrorCode = errorCode;
            Description = description;
        }

        /// <summary>Gets the class.</summary>
        public ConnectionFailureClass Class { get; }

        /// <summary>Gets the error code (the part after CdnApi. of the error id).</summary>
        public string ErrorCode { get; }

        /// <summary>Gets a sentence fragment saying what failed, for example "the TLS certificate of cdn.example.com was not accepted: ...".</summary>
        public string Description { get; }

        /// <summary>
        /// Gets a value indicating whether the request certainly did not reach the service (no connection, or no
        /// TLS session): a write may then be sent again and cannot have been processed.
        /// </summary>
        public bool NothingSent =>
            Class == ConnectionFailureClass.NameResolution || Class == ConnectionFailureClass.Refused || Class == ConnectionFailureClass.Unreachable
            || Class == ConnectionFailureClass.TlsCertificate || Class == ConnectionFailureClass.TlsHandshake;

        /// <summary>
        /// Gets a value indicating whether trying again can help. TLS failures never heal by themselves (a wrong
        /// certificate stays wrong, a plain-HTTP server stays plain), so they are never retried.
        /// </summary>
        public bool Retryable => Class != ConnectionFailureClass.TlsCertificate && Class != ConnectionFailureClass.TlsHandshake;

        /// <summary>Gets a value indicating whether the host could not be reached at all (a reason to fail over to the next endpoint).</summary>
        public bool HostUnreachable =>
            Class == ConnectionFailureClass.NameResolution || Class == ConnectionFailureClass.Refused || Class == ConnectionFailureClass.Unreachable;
    }

    /// <summary>
    /// Classifies the exceptions of a failed HTTP exchange by their shape, as .NET's SocketsHttpHandler produces
    /// them: an <see cref="HttpRequestException"/> (or <see cref="IOException"/> while the body is read) whose inner
    /// chain holds a <see cref="SocketException"/> (with its <see cref="SocketError"/>) or an
    /// <see cref="AuthenticationException"/> (TLS). The .NET Framework transport is normalised into that same
    /// shape before it gets here, so there is one classifier for both.
    /// </summary>
    internal static class ConnectionFailures
    {
        /// <summary>Error code: the host name could not be resolved.</summary>
        public const string HostNotFound = "HostNotFound";

        /// <summary>Error code: the connection was refused.</summary>
        public const string ConnectionRefused = "ConnectionRefused";

        /// <summary>Error code: the TLS certificate was not accepted.</summary>
        public const string TlsCertificateInvalid = "TlsCertificateInvalid";

        /// <summary>Error code: the TLS handshake failed.</summary>
        public const string TlsHandshakeFailed = "TlsHandshakeFailed";

        /// <summary>Error code: any other connection failure (reset, unreachable, closed early).</summary>
        public const string ConnectionFailed = "ConnectionFailed";

        /// <summary>Classifies a failure to connect to, or to hear from, <paramref name="endpoint"/>.</summary>
        /// <param name="exception">What the HTTP stack threw.</param>
        /// <param name="endpoint">The endpoint (scheme, host, port) the request went to.</param>
        public static ConnectionFailure Classify(Exception exception, Uri endpoint)
        {
            string where = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Host + ":" + endpoint.Port;
            AuthenticationException tls = Find<AuthenticationException>(exception);
            if (tls != null)
            {
                return ClassifyTls(tls, endpoint, where);
            }

            SocketException socket = Find<SocketException>(exception);
            string detail = Innermost(exception).Message;
            switch (socket?.SocketErrorCode)
            {
                case SocketError.HostNotFound:
                case SocketError.TryAgain:
                case SocketError.NoData:
                    return new ConnectionFailure(ConnectionFailureClass.NameResolution, HostNotFound, $"the host name '{endpoint.Host}' could not be resolved (DNS: {detail})");
                case SocketError.ConnectionRefused:
                    return new ConnectionFailure(ConnectionFailureClass.Refused, ConnectionRefused, $"{where} refused the connection (nothing listens on that port, or a firewall rejects it)");
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.HostDown:
                case SocketError.NetworkDown:
                    return new ConnectionFailure(ConnectionFailureClass.Unreachable, ConnectionFailed, $"{where} cannot be reached ({detail})");
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted:
                case SocketError.Shutdown:
                    return new ConnectionFailure(ConnectionFailureClass.Reset, ConnectionFailed, $"the connection to {where} was reset ({detail})");
            }

            if (exception is IOException || Find<IOException>(exception) != null)
            {
                return new ConnectionFailure(ConnectionFailureClass.Reset, ConnectionFailed, $"the connection to {where} broke before the whole answer came ({detail})");
            }

            return new ConnectionFailure(ConnectionFailureClass.Other, ConnectionFailed, $"the connection to {where} failed ({detail})");
        }

        private static ConnectionFailure ClassifyTls(AuthenticationException tls, Uri endpoint, string where)
        {
            string detail = tls.Message;
            bool certificate = detail.IndexOf("certificate", StringComparison.OrdinalIgnoreCase) >= 0;
            if (certificate)
            {
                // .NET lists the SslPolicyErrors flags in the message; say them in words.
                string why;
                if (detail.IndexOf("RemoteCertificateNameMismatch", StringComparison.Ordinal) >= 0)
                {
                    why = $"it is not issued for the name '{endpoint.Host}'";
                    if (detail.IndexOf("RemoteCertificateChainErrors", StringComparison.Ordinal) >= 0)
                    {
                        why += " and it is not trusted (its chain does not end at a trusted root)";
                    }
                }
                else if (detail.IndexOf("RemoteCertificateChainErrors", StringComparison.Ordinal) >= 0)
                {
                    why = "it is not trusted (its chain does not end at a trusted root, or it has expired or been revoked)";
                }
                else if (detail.IndexOf("RemoteCertificateNotAvailable", StringComparison.Ordinal) >= 0)
                {
                    why = "the server sent none";
                }
                else
                {
                    why = detail;
                }

                return new ConnectionFailure(ConnectionFailureClass.TlsCertificate, TlsCertificateInvalid, $"the TLS certificate of {where} was not accepted: {why}");
            }

            string hint = endpoint.IsLoopback
                ? $"; a local emulator speaks plain HTTP: use http://{where}"
                : "; check that the endpoint speaks HTTPS on that port, and any proxy in between";
            return new ConnectionFailure(ConnectionFailureClass.TlsHandshake, TlsHandshakeFailed, $"the TLS handshake with {where} failed ({detail}){hint}");
        }

        private static T Find<T>(Exception ex)
            where T : Exception
        {
            for (Exception current = ex; current != null; current = current.InnerException)
            {
                if (current is T match)
                {
                    return match;
                }
            }

            return null;
        }

        private static Exception Innermost(Exception ex)
        {
            Exception current = ex;
            while (current.InnerException != null)
            {
                current = current.InnerException;
            }

            return current;
        }
    }
}
