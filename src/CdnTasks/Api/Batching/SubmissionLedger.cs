// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CdnTasks.Api.Batching
{
    /// <summary>Where one request of a submission stands.</summary>
    internal enum BatchState
    {
        /// <summary>Not sent (yet): its URLs were never submitted.</summary>
        NotSent,

        /// <summary>Being sent: the service may or may not have processed it.</summary>
        InFlight,

        /// <summary>The service accepted it and created a task.</summary>
        Accepted,

        /// <summary>It failed and was reported with its own error (which says whether it may have been processed).</summary>
        Failed,

        /// <summary>Deliberately not sent (an earlier request was refused) and reported with its own error.</summary>
        Withheld,
    }

    /// <summary>One request of a submission and where it stands.</summary>
    internal sealed class BatchEntry
    {
        public BatchEntry(int number, UrlBatch batch)
        {
            Number = number;
            Batch = batch;
        }

        /// <summary>Gets the 1-based request number.</summary>
        public int Number { get; }

        /// <summary>Gets the URLs of the request.</summary>
        public UrlBatch Batch { get; }

        /// <summary>Gets the state (read under the ledger's lock or from a snapshot).</summary>
        public BatchState State { get; internal set; }

        /// <summary>Gets the id of the task the request created, once accepted.</summary>
        public long? TaskId { get; internal set; }

        /// <summary>Gets a value indicating whether a failed request may have been processed anyway.</summary>
        public bool MayHaveBeenProcessed { get; internal set; }

        /// <summary>A copy, for reports.</summary>
        internal BatchEntry Copy() => new BatchEntry(Number, Batch) { State = State, TaskId = TaskId, MayHaveBeenProcessed = MayHaveBeenProcessed };
    }

    /// <summary>
    /// The state of every request of one submission (NotSent, InFlight, Accepted with its task id, Failed,
    /// Withheld), so that a stopped command (Ctrl+C, -ErrorAction Stop) can say exactly which requests were
    /// accepted, which may have been processed and which URLs were never sent. Safe to update from several
    /// threads at once (requests sent concurrently); reports are made from a consistent snapshot.
    /// </summary>
    internal sealed class SubmissionLedger
    {
        private readonly object _gate = new object();
        private readonly BatchEntry[] _entries;

        public SubmissionLedger(BatchPlan plan)
        {
            _entries = plan.Batches.Select((b, i) => new BatchEntry(i + 1, b)).ToArray();
        }

        /// <summary>Gets the number of requests.</summary>
        public int Count => _entries.Length;

        /// <summary>Marks request <paramref name="index"/> (0-based) as being sent.</summary>
        public void Sending(int index) => Set(index, BatchState.InFlight, null, false);

        /// <summary>Marks a request as accepted, with the task it created.</summary>
        public void Accepted(int index, long taskId) => Set(index, BatchState.Accepted, taskId, false);

        /// <summary>Marks a request as failed (already reported with its own error).</summary>
        public void Failed(int index, bool mayHaveBeenProcessed) => Set(index, BatchState.Failed, null, mayHaveBeenProcessed);

        /// <summary>Marks a request as deliberately not sent (already reported with its own error).</summary>
        public void Withheld(int index) => Set(index, BatchState.Withheld, null, false);

        /// <summary>A consistent copy of every entry.</summary>
        public IReadOnlyList<BatchEntry> Snapshot()
        {
            lock (_gate)
            {
                return _entries.Select(e => e.Copy()).ToArray();
            }
        }

        /// <summary>
        /// What a stopped submission did, for its warning: the accepted requests with their task ids, the requests
        /// that may have been processed (in flight when the command stopped), the failed and withheld ones (each
        /// already has its error), and every URL that was never sent, listed in full so that it can be resubmitted.
        /// </summary>
        /// <param name="command">The command name (Clear-CdnCache).</param>
        /// <param name="why">How it was stopped ("was stopped (Ctrl+C)").</param>
        /// <param name="resubmit">The command line that resubmits URLs of a request with its options.</param>
        public string DescribeStop(string command, string why, Func<UrlBatch, string> resubmit)
        {
            IReadOnlyList<BatchEntry> entries = Snapshot();
            int urls = entries.Sum(e => e.Batch.Urls.Count);
            var text = new StringBuilder();
            text.AppendFormat(
                CultureInfo.InvariantCulture,
                "{0} {1} after {2} of {3} request{4} ({5:N0} URLs) had been sent.",
                command,
                why,
                entries.Count(e => e.State != BatchState.NotSent && e.State != BatchState.Withheld),
                entries.Count,
                entries.Count == 1 ? string.Empty : "s",
                urls);

            Section(text, entries, BatchState.Accepted, "Accepted (the task exists; follow it with Wait-CdnTask -TaskId or Get-CdnTask -TaskId):", e =>
                string.Format(CultureInfo.InvariantCulture, "request {0}: task {1} ({2})", e.Number, e.TaskId, Size(e.Batch)));
            Section(text, entries, BatchState.InFlight, "May have been processed (it was being sent when the command stopped; check before resubmitting, with Get-CdnUrlTask -Url <its first URL>):", e =>
                string.Format(CultureInfo.InvariantCulture, "request {0}: {1}, first {2}", e.Number, Size(e.Batch), e.Batch.Urls[0]));
            Section(text, entries, BatchState.Failed, "Failed (each has its own error with its URLs):", e =>
                string.Format(CultureInfo.InvariantCulture, "request {0}: {1}{2}", e.Number, Size(e.Batch), e.MayHaveBeenProcessed ? ", may have been processed" : ", not submitted"));
            Section(text, entries, BatchState.Withheld, "Not sent after an earlier refusal (each has its own RequestsNotSent error with its URLs):", e =>
                string.Format(CultureInfo.InvariantCulture, "request {0}: {1}", e.Number, Size(e.Batch)));

            BatchEntry[] unsent = entries.Where(e => e.State == BatchState.NotSent).ToArray();
            if (unsent.Length == 0)
            {
                text.AppendLine().Append("Every request was sent.");
            }
            else
            {
                text.AppendLine().AppendFormat(CultureInfo.InvariantCulture, "Never sent ({0:N0} URLs); resubmit them with the same options:", unsent.Sum(e => e.Batch.Urls.Count));
                foreach (BatchEntry e in unsent)
                {
                    text.AppendLine().AppendFormat(CultureInfo.InvariantCulture, "  request {0}: {1}; resubmit with: <these URLs> | {2}", e.Number, Size(e.Batch), resubmit(e.Batch));
                    foreach (string url in e.Batch.Urls)
                    {
                        text.AppendLine().Append("    ").Append(url);
                    }
                }
            }

            return text.ToString();
        }

        private static void Section(StringBuilder text, IReadOnlyList<BatchEntry> entries, BatchState state, string title, Func<BatchEntry, string> line)
        {
            BatchEntry[] matching = entries.Where(e => e.State == state).ToArray();
            if (matching.Length == 0)
            {
                return;
            }

            text.AppendLine().Append(title);
            foreach (BatchEntry e in matching)
            {
                text.AppendLine().Append("  ").Append(line(e));
            }
        }

        private static string Size(UrlBatch batch) =>
            string.Format(CultureInfo.InvariantCulture, "{0:N0} {1} URL{2}", batch.Urls.Count, batch.FileType, batch.Urls.Count == 1 ? string.Empty : "s");

        private void Set(int index, BatchState state, long? taskId, bool mayHaveBeenProcessed)
        {
            lock (_gate)
            {
                BatchEntry entry = _entries[index];
                entry.State = state;
                entry.TaskId = taskId ?? entry.TaskId;
                entry.MayHaveBeenProcessed = mayHaveBeenProcessed;
            }
        }
    }
}
