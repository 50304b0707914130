// Copyright (c) CdnTasks contributors. MIT License.

using System.Net.Sockets;
using System.Security.Authentication;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>
    /// Tests for <see cref="ConnectionFailures.Classify"/> on the exception shapes .NET's SocketsHttpHandler
    /// produces (as seen on .NET 10 against loopback servers; the Desktop transport is normalised into them).
    /// </summary>
    public class ConnectionFailuresTests
    {
        private static readonly Uri Endpoint = new Uri("https://cdn.example.com");

        [Theory]
        [InlineData(SocketError.HostNotFound, "NameResolution", "HostNotFound", "the host name 'cdn.example.com' could not be resolved (DNS")]
        [InlineData(SocketError.TryAgain, "NameResolution", "HostNotFound", "could not be resolved")]
        [InlineData(SocketError.ConnectionRefused, "Refused", "ConnectionRefused", "cdn.example.com refused the connection")]
        [InlineData(SocketError.NetworkUnreachable, "Unreachable", "ConnectionFailed", "cdn.example.com cannot be reached")]
        [InlineData(SocketError.ConnectionReset, "Reset", "ConnectionFailed", "the connection to cdn.example.com was reset")]
        public void SocketErrors(SocketError error, string expected, string code, string description)
        {
            var exception = new HttpRequestException("An error occurred while sending the request.", new SocketException((int)error));

            ConnectionFailure failure = ConnectionFailures.Classify(exception, Endpoint);

            Assert.Equal(expected, failure.Class.ToString());
            Assert.Equal(code, failure.ErrorCode);
            Assert.Contains(description, failure.Description);
            Assert.True(failure.Retryable);
        }

        [Fact]
        public void ACertificateNameMismatchIsACertificateFailure_NeverRetried_NothingSent()
        {
            var exception = new HttpRequestException(
                "The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch"));

            ConnectionFailure failure = ConnectionFailures.Classify(exception, Endpoint);

            Assert.Equal(ConnectionFailureClass.TlsCertificate, failure.Class);
            Assert.Equal("TlsCertificateInvalid", failure.ErrorCode);
            Assert.Equal("the TLS certificate of cdn.example.com was not accepted: it is not issued for the name 'cdn.example.com'", failure.Description);
            Assert.False(failure.Retryable);
            Assert.True(failure.NothingSent);
            Assert.False(failure.HostUnreachable);
        }

        [Fact]
        public void AnUntrustedCertificateSaysSo()
        {
            var exception = new HttpRequestException("x", new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: RemoteCertificateChainErrors"));

            Assert.Contains("it is not trusted", ConnectionFailures.Classify(exception, Endpoint).Description);
        }

        [Fact]
        public void AHandshakeWithAPlainHttpServerIsAHandshakeFailure_WithTheHttpHintForLoopback()
        {
            var exception = new HttpRequestException(
                "The SSL connection could not be established, see inner exception.",
                new AuthenticationException("Cannot determine the frame size or a corrupted frame was received."));

            ConnectionFailure loopback = ConnectionFailures.Classify(exception, new Uri("https://127.0.0.1:5080"));
            ConnectionFailure remote = ConnectionFailures.Classify(exception, Endpoint);

            Assert.Equal(ConnectionFailureClass.TlsHandshake, loopback.Class);
            Assert.Equal("TlsHandshakeFailed", loopback.ErrorCode);
            Assert.Equal("the TLS handshake with 127.0.0.1:5080 failed (Cannot determine the frame size or a corrupted frame was received.); a local emulator speaks plain HTTP: use http://127.0.0.1:5080", loopback.Description);
            Assert.False(loopback.Retryable);
            Assert.Contains("check that the endpoint speaks HTTPS on that port", remote.Description);
        }

        [Fact]
        public void AResponseThatEndedEarlyIsAReset_WhichMayHaveArrived()
        {
            var exception = new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely."));

            ConnectionFailure failure = ConnectionFailures.Classify(exception, Endpoint);

            Assert.Equal(ConnectionFailureClass.Reset, failure.Class);
            Assert.False(failure.NothingSent);
            Assert.True(failure.Retryable);
        }

        [Fact]
        public void AnythingElseIsOther_WithTheDetail()
        {
            ConnectionFailure failure = ConnectionFailures.Classify(new HttpRequestException("The proxy tunnel request to proxy 'http://127.0.0.1:3128/' failed with status code '403'."), Endpoint);

            Assert.Equal(ConnectionFailureClass.Other, failure.Class);
            Assert.Contains("failed with status code '403'", failure.Description);
        }
    }
}
