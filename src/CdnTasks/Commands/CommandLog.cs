// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Concurrent;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Collects the API layer's messages from any thread; the cmdlet drains them on the pipeline thread,
    /// the only thread allowed to call Write*. Which levels are on is the command's (-Verbose, -Debug, the
    /// preference variables), set once before the first request.
    /// </summary>
    internal sealed class CommandLog : ICdnLog
    {
        private readonly ConcurrentQueue<Entry> _entries = new ConcurrentQueue<Entry>();

        /// <summary>Message levels.</summary>
        public enum Level
        {
            Verbose,
            Debug,
            Warning,
        }

        /// <inheritdoc/>
        public bool IsVerboseEnabled { get; set; } = true;

        /// <inheritdoc/>
        public bool IsDebugEnabled { get; set; } = true;

        /// <inheritdoc/>
        public void Verbose(string message) => _entries.Enqueue(new Entry(Level.Verbose, message));

        /// <inheritdoc/>
        public void Debug(string message) => _entries.Enqueue(new Entry(Level.Debug, message));

        /// <inheritdoc/>
        public void Warning(string message) => _entries.Enqueue(new Entry(Level.Warning, message));

        /// <summary>Takes the next message, if any.</summary>
        public bool TryTake(out Entry entry) => _entries.TryDequeue(out entry);

        /// <summary>One message.</summary>
        public readonly struct Entry
        {
            public Entry(Level level, string message)
            {
                Kind = level;
                Message = message;
            }

            public Level Kind { get; }

            public string Message { get; }
        }
    }
}
