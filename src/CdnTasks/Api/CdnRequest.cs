// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Generic;

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
        public System.Uri EndpointOverride { get; set; }

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
            value.HasValue ? With(name, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) : this;
    }
}
