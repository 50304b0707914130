// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks.Api
{
    /// <summary>
    /// Where the API layer reports what it does. Implementations must be thread-safe: calls arrive from
    /// thread-pool threads. Messages never contain secrets (the transport redacts them before calling).
    /// Callers build a verbose or debug message only when its level is on (<see cref="IsVerboseEnabled"/>,
    /// <see cref="IsDebugEnabled"/>): nothing is made per request for a level nobody reads.
    /// </summary>
    public interface ICdnLog
    {
        /// <summary>Gets a value indicating whether verbose messages are wanted.</summary>
        bool IsVerboseEnabled { get; }

        /// <summary>Gets a value indicating whether debug messages are wanted.</summary>
        bool IsDebugEnabled { get; }

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
        public bool IsVerboseEnabled => false;

        /// <inheritdoc/>
        public bool IsDebugEnabled => false;

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
