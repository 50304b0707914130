// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;

namespace CdnTasks
{
    /// <summary>
    /// The TargetObject of an error from a failed API request: which operation, against which endpoint, and what
    /// it asked for (the time window, the task id, the offset), taken from the request itself. Commands may add
    /// what they know (how many records were written before the failure).
    /// </summary>
    public sealed class CdnRequestTarget
    {
        /// <summary>Gets the API operation, for example ShowUrlTaskInfo.</summary>
        public string Operation { get; internal set; }

        /// <summary>Gets the HTTP method.</summary>
        public string Method { get; internal set; }

        /// <summary>Gets the endpoint the request went to (scheme, host and port).</summary>
        public string Endpoint { get; internal set; }

        /// <summary>Gets the request path (without the query).</summary>
        public string Path { get; internal set; }

        /// <summary>Gets the task id the request was about, or null.</summary>
        public string TaskId { get; internal set; }

        /// <summary>Gets the start of the requested time window, local time (as every time the module writes), or null.</summary>
        public DateTime? StartTime => Normalize.ToLocal(StartTimeUtc);

        /// <summary>Gets the start of the requested time window in UTC, or null.</summary>
        public DateTime? StartTimeUtc { get; internal set; }

        /// <summary>Gets the end of the requested time window, local time, or null.</summary>
        public DateTime? EndTime => Normalize.ToLocal(EndTimeUtc);

        /// <summary>Gets the end of the requested time window in UTC, or null.</summary>
        public DateTime? EndTimeUtc { get; internal set; }

        /// <summary>Gets the offset of the requested page within its window or list (records before it), or null.</summary>
        public long? Offset { get; internal set; }

        /// <summary>Gets the page size asked for, or null.</summary>
        public int? PageSize { get; internal set; }

        /// <summary>Gets how many records the command had written before the failure, or null when not counted.</summary>
        public long? RecordsWritten { get; internal set; }

        /// <inheritdoc/>
        public override string ToString()
        {
            var parts = new List<string> { $"{Operation} {Method} {Endpoint}{Path}" };
            if (TaskId != null)
            {
                parts.Add("task " + TaskId);
            }

            if (StartTimeUtc.HasValue || EndTimeUtc.HasValue)
            {
                parts.Add(string.Format(CultureInfo.InvariantCulture, "window {0:yyyy-MM-ddTHH:mm:ssZ} to {1:yyyy-MM-ddTHH:mm:ssZ}", StartTimeUtc, EndTimeUtc));
            }

            if (Offset.HasValue)
            {
                parts.Add("offset " + Offset.Value.ToString(CultureInfo.InvariantCulture));
            }

            if (RecordsWritten.HasValue)
            {
                parts.Add(RecordsWritten.Value.ToString(CultureInfo.InvariantCulture) + " records written before");
            }

            return string.Join(", ", parts);
        }
    }
}
