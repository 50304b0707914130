// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Globalization;
using System.Net;

namespace CdnTasks.Api
{
    /// <summary>What kind of failure a <see cref="CdnApiException"/> describes.</summary>
    public enum CdnFailureKind
    {
        /// <summary>The service answered with an error status and (usually) an error body.</summary>
        Service,

        /// <summary>The request did not complete within the configured timeout.</summary>
        Timeout,

        /// <summary>The service could not be reached or the connection broke.</summary>
        Connection,

        /// <summary>The service answered, but the body could not be understood.</summary>
        MalformedResponse,
    }

    /// <summary>
    /// A failed call to the CDN API: carries what the service said (HTTP status, error code, message,
    /// request id), which request failed (<see cref="Target"/>) and how hard the client tried (attempts, total
    /// time), so that callers can report it faithfully. Never carries credentials: every text in it went through
    /// <see cref="Redaction.Scrub"/>.
    /// </summary>
    public sealed class CdnApiException : Exception
    {
        /// <summary>Creates an exception for a failed call.</summary>
        public CdnApiException(
            CdnFailureKind kind,
            string message,
            string operation,
            HttpStatusCode? statusCode = null,
            string errorCode = null,
            string serviceMessage = null,
            string requestId = null,
            string bodySnippet = null,
            Exception innerException = null)
            : base(message, innerException)
        {
            Kind = kind;
            Operation = operation;
            StatusCode = statusCode;
            ErrorCode = errorCode;
            ServiceMessage = serviceMessage;
            RequestId = requestId;
            BodySnippet = bodySnippet;
        }

        /// <summary>Gets the kind of failure.</summary>
        public CdnFailureKind Kind { get; }

        /// <summary>Gets the API operation name, for example ShowUrlTaskInfo.</summary>
        public string Operation { get; }

        /// <summary>Gets the HTTP status, when a response was received.</summary>
        public HttpStatusCode? StatusCode { get; }

        /// <summary>Gets the service error code, for example APIGW.0301 or CDN.0001.</summary>
        public string ErrorCode { get; }

        /// <summary>Gets the service's own error message.</summary>
        public string ServiceMessage { get; }

        /// <summary>Gets the request id the service assigned (X-Request-Id or request_id).</summary>
        public string RequestId { get; }

        /// <summary>Gets the first bytes of an unexpected response body, for diagnosis.</summary>
        public string BodySnippet { get; }

        /// <summary>Gets or sets how many attempts were made before giving up.</summary>
        public int Attempts { get; internal set; } = 1;

        /// <summary>Gets or sets the time from the first attempt until the client gave up (zero when not measured).</summary>
        public TimeSpan Elapsed { get; internal set; }

        /// <summary>Gets or sets the request that failed: operation, endpoint, time window or task id, offset.</summary>
        public CdnRequestTarget Target { get; internal set; }

        /// <summary>
        /// Gets the message, followed by how many attempts were made in how much time when the request was tried
        /// more than once or never got an answer (a connection failure or a timeout).
        /// </summary>
        public override string Message
        {
            get
            {
                string message = base.Message;
                bool noAnswer = Kind == CdnFailureKind.Connection || Kind == CdnFailureKind.Timeout;
                if (Elapsed <= TimeSpan.Zero || (Attempts <= 1 && !noAnswer))
                {
                    return message;
                }

                string attempts = Attempts == 1 ? "1 attempt" : Attempts.ToString(CultureInfo.InvariantCulture) + " attempts";
                message = message.TrimEnd();
                return (message.EndsWith(".", StringComparison.Ordinal) ? message : message + ".") + $" {attempts} in {FormatDuration(Elapsed)}.";
            }
        }

        /// <summary>Formats a duration for messages: "850 ms", "3.6 s", "2 min 5 s".</summary>
        internal static string FormatDuration(TimeSpan duration)
        {
            if (duration.TotalSeconds < 1)
            {
                return duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
            }

            if (duration.TotalMinutes < 1)
            {
                return duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
            }

            return ((int)duration.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min " + duration.Seconds.ToString(CultureInfo.InvariantCulture) + " s";
        }

        /// <summary>Gets or sets the clock difference (server minus local) when the service reported an expired signature.</summary>
        public TimeSpan? ClockSkew { get; internal set; }

        /// <summary>Gets or sets a value indicating whether a write may have been processed although it failed.</summary>
        public bool MayHaveBeenProcessed { get; internal set; }

        /// <summary>
        /// Gets a value indicating whether the service refused the credentials or their permissions (HTTP 401 or 403): the
        /// same credentials would be refused again, so nothing more is sent with them (the gateway locks a key after five
        /// failed signatures).
        /// </summary>
        internal bool IsRefusal => StatusCode == HttpStatusCode.Unauthorized || StatusCode == HttpStatusCode.Forbidden;

        /// <summary>Gets or sets the classified connection failure (for <see cref="CdnFailureKind.Connection"/>), or null.</summary>
        internal ConnectionFailure Connection { get; set; }
    }
}
