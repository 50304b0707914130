// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Management.Automation;
using CdnTasks.Api.Paging;

namespace CdnTasks.Commands
{
    /// <summary>How a paging cmdlet describes its progress: a stable activity id and name, the unit counted, and whether to name the window.</summary>
    internal sealed class PagingProgress
    {
        public PagingProgress(int activityId, string activity, string unit, bool showWindows)
        {
            ActivityId = activityId;
            Activity = activity;
            Unit = unit;
            ShowWindows = showWindows;
        }

        public int ActivityId { get; }

        public string Activity { get; }

        public string Unit { get; }

        public bool ShowWindows { get; }

        /// <summary>"1,200 of 5,000 records, window 1 of 3": records so far, of the total once every window's total is known.</summary>
        public ProgressRecord Describe<T>(Pager<T> pager)
        {
            long known = pager.KnownTotal(out bool complete);
            long emitted = pager.Emitted;
            string of = complete ? $" of {known:N0}" : string.Empty;
            string window = ShowWindows ? $", window {pager.CurrentWindow + 1:N0} of {pager.WindowCount:N0}" : string.Empty;
            var record = new ProgressRecord(ActivityId, Activity, $"{emitted:N0}{of} {Unit}{window}");
            if (complete && known > 0)
            {
                record.PercentComplete = (int)Math.Min(100, emitted * 100 / known);
            }

            return record;
        }
    }
}
