// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Text;

namespace CdnTasks
{
    /// <summary>The closed sets of values the module reads, writes and accepts (see <see cref="Normalize"/>).</summary>
    public enum CdnValueSet
    {
        /// <summary>The status of one URL of a task.</summary>
        UrlStatus,

        /// <summary>Purge or Prefetch.</summary>
        TaskType,

        /// <summary>File or Directory.</summary>
        FileType,

        /// <summary>The directory purge mode.</summary>
        Mode,

        /// <summary>The status of a task.</summary>
        TaskStatus,

        /// <summary>The failure class of a failed URL.</summary>
        FailureClass,

        /// <summary>The fields Get-CdnTask can sort by.</summary>
        SortField,

        /// <summary>The quota types of ShowQuota.</summary>
        QuotaType,
    }

    /// <summary>
    /// One closed set of values: for each value the module's word (PascalCase, the only spelling it writes), the
    /// service's spelling (sent in filters, read in answers) and other words users type for it. Input is
    /// matched ignoring case, '_', '-' and spaces, so the service's spellings are always accepted.
    /// </summary>
    internal sealed class Vocabulary
    {
        private readonly Dictionary<string, int> _index = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Creates the set; each entry is { word, service spelling, other accepted words... }.</summary>
        public Vocabulary(string what, params string[][] entries)
        {
            What = what;
            Words = new string[entries.Length];
            Wires = new string[entries.Length];
            for (int i = 0; i < entries.Length; i++)
            {
                Words[i] = entries[i][0];
                Wires[i] = entries[i][1];
                foreach (string spelling in entries[i])
                {
                    _index[Key(spelling)] = i;
                }
            }
        }

        /// <summary>Gets what the values are, for messages ("URL status").</summary>
        public string What { get; }

        /// <summary>Gets the module's words, in their documented order.</summary>
        public string[] Words { get; }

        /// <summary>Gets the service's spelling of each word (same order).</summary>
        public string[] Wires { get; }

        /// <summary>The module's word for a value the service sent (any case); an unknown value passes through unchanged.</summary>
        public string FromService(string value) => value == null ? null : TryParse(value, out string word) ? word : value;

        /// <summary>Finds the module's word for anything a user or the service may write for it.</summary>
        public bool TryParse(string value, out string word)
        {
            word = null;
            if (value == null || !_index.TryGetValue(Key(value), out int i))
            {
                return false;
            }

            word = Words[i];
            return true;
        }

        /// <summary>The service's spelling of a value a user gave (any accepted spelling), or null when unknown.</summary>
        public string ToService(string value) => value != null && _index.TryGetValue(Key(value), out int i) ? Wires[i] : null;

        /// <summary>The sentence that lists the accepted words, for validation errors.</summary>
        public string Describe()
        {
            // An example of a service spelling that is not just the word in another case (succeed, refresh...).
            string example = Wires[0];
            for (int i = 0; i < Words.Length; i++)
            {
                if (Key(Words[i]) != Key(Wires[i]))
                {
                    example = Wires[i];
                    break;
                }
            }

            return $"Use one of: {string.Join(", ", Words)} (the service's spellings, such as {example}, are accepted too).";
        }

        /// <summary>Letters and digits only, lower case: "Detect_Modify-Refresh" and "detectmodifyrefresh" are one key.</summary>
        private static string Key(string value)
        {
            var key = new StringBuilder(value.Length);
            foreach (char c in value)
            {
                if (char.IsLetterOrDigit(c))
                {
                    key.Append(char.ToLowerInvariant(c));
                }
            }

            return key.ToString();
        }
    }

    /// <summary>
    /// The module's vocabulary: one word per value, PascalCase as PowerShell's own values are (Running,
    /// Completed, Failed), in the module's terms (purge and prefetch, as Clear-CdnCache and Import-CdnCache and
    /// the service's English documentation say); the service's spellings (refresh, PREHEATING, succeed,
    /// task_done, file_refresh...) are read in answers and accepted as input. Values the module does not know
    /// pass through unchanged.
    /// </summary>
    internal static class Normalize
    {
        /// <summary>URL statuses (ShowUrlTaskInfo sends them upper case, the details API lower case).</summary>
        public static readonly Vocabulary UrlStatus = new Vocabulary(
            "URL status",
            new[] { "Waiting", "waiting" },
            new[] { "Processing", "processing" },
            new[] { "Purging", "refreshing" },
            new[] { "Prefetching", "preheating" },
            new[] { "Succeeded", "succeed", "success", "successful" },
            new[] { "Failed", "failed", "fail", "failure" });

        /// <summary>Task types (REFRESH/PREHEATING in url-tasks, refresh/preheating in the history APIs).</summary>
        public static readonly Vocabulary TaskType = new Vocabulary(
            "task type",
            new[] { "Purge", "refresh" },
            new[] { "Prefetch", "preheating", "preheat" });

        /// <summary>File types.</summary>
        public static readonly Vocabulary FileType = new Vocabulary(
            "file type",
            new[] { "File", "file" },
            new[] { "Directory", "directory", "dir" });

        /// <summary>Directory purge modes.</summary>
        public static readonly Vocabulary Mode = new Vocabulary(
            "directory purge mode",
            new[] { "All", "all" },
            new[] { "DetectModifyRefresh", "detect_modify_refresh", "DetectModified" });

        /// <summary>Task statuses (task_inprocess, task_done).</summary>
        public static readonly Vocabulary TaskStatus = new Vocabulary(
            "task status",
            new[] { "Running", "task_inprocess", "InProcess", "Processing" },
            new[] { "Completed", "task_done", "Done", "Finished" });

        /// <summary>Failure classes of failed URLs.</summary>
        public static readonly Vocabulary FailureClass = new Vocabulary(
            "failure class",
            new[] { "OriginError", "ORIGIN_ERROR" },
            new[] { "InnerError", "INNER_ERROR" },
            new[] { "UnknownError", "UNKNOWN_ERROR" });

        /// <summary>The fields ShowHistoryTasks sorts by (order_field), named as the CdnTask properties.</summary>
        public static readonly Vocabulary SortField = new Vocabulary(
            "sort field",
            new[] { "CreateTime", "create_time" },
            new[] { "TaskType", "task_type" },
            new[] { "Total", "total" },
            new[] { "Processing", "processing" },
            new[] { "Succeeded", "succeed" },
            new[] { "Failed", "failed" });

        /// <summary>The quota types ShowQuota documents; refresh is Purge and preheat Prefetch here too.</summary>
        public static readonly Vocabulary QuotaType = new Vocabulary(
            "quota type",
            new[] { "FilePurge", "file_refresh" },
            new[] { "DirectoryPurge", "dir_refresh" },
            new[] { "Prefetch", "preheat" },
            new[] { "Domain", "domain" },
            new[] { "IpFilter", "ip_filter" },
            new[] { "BrowserCacheRule", "browser_cache_rule" },
            new[] { "HttpResponseHeader", "http_response_header" },
            new[] { "Referer", "referer" },
            new[] { "FlexibleOrigin", "flexible_origin" },
            new[] { "FlexibleOriginMatchValue", "flexible_origin_match_value" },
            new[] { "CacheRule", "cache_rule" },
            new[] { "CustomCacheKey", "custom_cache_key" },
            new[] { "CustomCacheKeyMatchValue", "custom_cache_key_match_value" },
            new[] { "Rule", "rule" },
            new[] { "EdgeFunction", "edge_function" },
            new[] { "OriginRequestUrlRewrite", "origin_request_url_rewrite" },
            new[] { "OriginRequestHeader", "origin_request_header" },
            new[] { "RequestUrlRewrite", "request_url_rewrite" },
            new[] { "AccessAreaFilter", "access_area_filter" },
            new[] { "RequestLimitRules", "request_limit_rules" },
            new[] { "UserAgent", "user_agent" });

        /// <summary>The word of a task type that is a prefetch (for checks on piped records).</summary>
        public const string Prefetch = "Prefetch";

        /// <summary>The word of a task type that is a purge.</summary>
        public const string Purge = "Purge";

        /// <summary>The word of the file type File.</summary>
        public const string File = "File";

        /// <summary>The word of the file type Directory.</summary>
        public const string Directory = "Directory";

        /// <summary>The word of a running task.</summary>
        public const string Running = "Running";

        /// <summary>The word of a finished task.</summary>
        public const string Completed = "Completed";

        /// <summary>The set by its name.</summary>
        public static Vocabulary Of(CdnValueSet set)
        {
            switch (set)
            {
                case CdnValueSet.UrlStatus:
                    return UrlStatus;
                case CdnValueSet.TaskType:
                    return TaskType;
                case CdnValueSet.FileType:
                    return FileType;
                case CdnValueSet.Mode:
                    return Mode;
                case CdnValueSet.TaskStatus:
                    return TaskStatus;
                case CdnValueSet.FailureClass:
                    return FailureClass;
                case CdnValueSet.SortField:
                    return SortField;
                default:
                    return QuotaType;
            }
        }

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

        /// <summary>Converts an instant to epoch ms.</summary>
        public static long ToEpochMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

        /// <summary>A UTC DateTime as local time (Kind Local), the way Get-Date and Get-ChildItem show times; null stays null.</summary>
        public static DateTime? ToLocal(DateTime? utc) => utc?.ToLocalTime();

        /// <summary>An instant in local time with its offset ("2026-12-01 16:31:43 +08:00"), for messages.</summary>
        public static string Describe(long epochMs) =>
            DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
    }
}
