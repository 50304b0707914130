// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks
{
    /// <summary>
    /// Normalises the service's enumerated values, whatever case it sends them in (the service sends
    /// "SUCCEED" in records while filters are lower case). Unknown values pass through unchanged.
    /// </summary>
    internal static class Normalize
    {
        /// <summary>The URL statuses, in the case filters use.</summary>
        public static readonly string[] UrlStatuses = { "processing", "succeed", "failed", "waiting", "refreshing", "preheating" };

        /// <summary>The task types, as shown to users.</summary>
        public static readonly string[] TaskTypes = { "Refresh", "Preheating" };

        /// <summary>The file types.</summary>
        public static readonly string[] FileTypes = { "file", "directory" };

        /// <summary>The directory purge modes.</summary>
        public static readonly string[] Modes = { "all", "detect_modify_refresh" };

        /// <summary>The task statuses, as shown to users (task_inprocess, task_done on the wire).</summary>
        public static readonly string[] TaskStatuses = { "InProcess", "Done" };

        /// <summary>A task status as InProcess or Done (from task_inprocess / task_done, any case), or the raw value.</summary>
        public static string TaskStatus(string value)
        {
            if (string.Equals(value, "task_inprocess", StringComparison.OrdinalIgnoreCase))
            {
                return "InProcess";
            }

            return string.Equals(value, "task_done", StringComparison.OrdinalIgnoreCase) ? "Done" : Match(value, TaskStatuses);
        }

        /// <summary>The wire value of a task status filter (InProcess → task_inprocess, Done → task_done).</summary>
        public static string TaskStatusFilter(string value)
        {
            switch (TaskStatus(value))
            {
                case "InProcess":
                    return "task_inprocess";
                case "Done":
                    return "task_done";
                default:
                    return value;
            }
        }

        /// <summary>A URL status in lower case, or the raw value when unknown.</summary>
        public static string UrlStatus(string value) => Match(value, UrlStatuses);

        /// <summary>A task type as Refresh/Preheating, or the raw value when unknown (for example REFRESH_AFTER_PREHEATING).</summary>
        public static string TaskType(string value) => Match(value, TaskTypes);

        /// <summary>A file type in lower case, or the raw value.</summary>
        public static string FileType(string value) => Match(value, FileTypes);

        /// <summary>A directory mode in lower case, or the raw value.</summary>
        public static string Mode(string value) => Match(value, Modes);

        /// <summary>Converts epoch milliseconds to a UTC DateTime; null stays null, absurd values stay null.</summary>
        public static DateTime? FromEpochMs(long? milliseconds)
        {
            if (!milliseconds.HasValue || milliseconds.Value < 0 || milliseconds.Value > 253402300799999)
            {
                return null;
            }

            return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(milliseconds.Value);
        }

        /// <summary>Converts a DateTime (Local, Utc or Unspecified = local, as PowerShell gives them) to epoch ms.</summary>
        public static long ToEpochMs(DateTime value)
        {
            DateTime utc = value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
            return (long)(utc - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
        }

        /// <summary>Returns the canonical spelling from <paramref name="known"/> that equals the value ignoring case, else the value.</summary>
        public static string Match(string value, string[] known)
        {
            if (value == null)
            {
                return null;
            }

            foreach (string candidate in known)
            {
                if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }

            return value;
        }
    }
}
