// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks.Api
{
    /// <summary>
    /// Where the API layer reports what it does. Implementations must be thread-safe: calls arrive from
    /// thread-pool threads. Messages never contain secrets (the transport redacts them before calling).
    /// </summary>
    public interface ICdnLog
    {
        /// <summary>One line per request and per retry.</summary>
        void Verbose(string message);

        /// <summary>Headers and diagnostic detail, redacted.</summary>
        void Debug(string message);

        /// <summary>Something the user should notice (for example the first retry of a command).</summary>
        void Warning(string message);
    }

    /// <summary>A log that discards everything.</summary>
    public sealed class NullCdnLog : ICdnLog
    {
        /// <summary>The shared instance.</summary>
        public static readonly NullCdnLog Instance = new NullCdnLog();

        /// <inheritdoc/>
        public void Verbose(string message)
        {
        }

        /// <inheritdoc/>
        public void Debug(string message)
        {
        }

        /// <inheritdoc/>
        public void Warning(string message)
        {
        }
    }
}
