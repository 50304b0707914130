// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;

namespace CdnTasks.Api
{
    /// <summary>One API call before signing: operation, concrete path, query parameters and optional JSON body.</summary>
    internal sealed class CdnRequest
    {
        /// <summary>Creates a request for an operation whose path has no placeholder.</summary>
        public CdnRequest(CdnOperation operation)
            : this(operation, operation.Path)
        {
        }

        /// <summary>Creates a request with a concrete path.</summary>
        public CdnRequest(CdnOperation operation, string path)
        {
            Operation = operation;
            Path = path;
        }

        /// <summary>Gets the operation.</summary>
        public CdnOperation Operation { get; }

        /// <summary>Gets the path on the wire (already concrete; segments unencoded).</summary>
        public string Path { get; }

        /// <summary>Gets the query parameters (unencoded); they are sorted and RFC 3986-encoded when signed and sent.</summary>
        public List<KeyValuePair<string, string>> Query { get; } = new List<KeyValuePair<string, string>>();

        /// <summary>Gets or sets the UTF-8 JSON body, or null.</summary>
        public byte[] Body { get; set; }

        /// <summary>Gets or sets a base endpoint that replaces the configured one (IAM discovery).</summary>
        public Uri EndpointOverride { get; set; }

        /// <summary>Gets or sets the task id the request is about (in its path), or null.</summary>
        public string TaskId { get; set; }

        /// <summary>
        /// Describes the request for an error's TargetObject: operation, endpoint, path, task id, and the time
        /// window and page read from its own query (start_time/end_time or start_date/end_date in epoch
        /// milliseconds; offset/limit or page_number/page_size).
        /// </summary>
        public CdnRequestTarget DescribeTarget(Uri endpoint)
        {
            long? Number(string name)
            {
                foreach (KeyValuePair<string, string> pair in Query)
                {
                    if (pair.Key == name && long.TryParse(pair.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                    {
                        return value;
                    }
                }

                return null;
            }

            DateTime? Time(long? ms) => ms.HasValue && ms.Value >= -62135596800000L && ms.Value <= 253402300799999L
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms.Value).UtcDateTime
                : (DateTime?)null;

            long? pageSize = Number("limit") ?? Number("page_size");
            long? pageNumber = Number("page_number");
            long? offset = Number("offset") ?? (pageNumber.HasValue && pageSize.HasValue ? (pageNumber - 1) * pageSize : null);
            return new CdnRequestTarget
            {
                Operation = Operation.Name,
                Method = Operation.Method,
                Endpoint = endpoint?.GetLeftPart(UriPartial.Authority),
                Path = Path,
                TaskId = TaskId,
                StartTimeUtc = Time(Number("start_time") ?? Number("start_date")),
                EndTimeUtc = Time(Number("end_time") ?? Number("end_date")),
                Offset = offset,
                PageSize = pageSize.HasValue && pageSize.Value <= int.MaxValue ? (int?)pageSize.Value : null,
            };
        }

        /// <summary>
        /// Gets or sets what the transport calls just before each attempt goes on the wire (after the rate limiter),
        /// or null: the caller's last chance to stop it. It may throw <see cref="System.OperationCanceledException"/>,
        /// which stops the request with nothing sent. Submissions use it to know which requests were sent.
        /// </summary>
        public System.Action BeforeSend { get; set; }

        /// <summary>Adds a query parameter when the value is not null.</summary>
        public CdnRequest With(string name, string value)
        {
            if (value != null)
            {
                Query.Add(new KeyValuePair<string, string>(name, value));
            }

            return this;
        }

        /// <summary>Adds a numeric query parameter when the value is not null.</summary>
        public CdnRequest With(string name, long? value) =>
            value.HasValue ? With(name, value.Value.ToString(CultureInfo.InvariantCulture)) : this;
    }
}
