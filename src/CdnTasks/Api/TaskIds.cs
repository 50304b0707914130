// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Globalization;

namespace CdnTasks.Api
{
    /// <summary>
    /// What a task id may be before it goes into a request path (/v1.0/cdn/historytasks/{id}/detail): the
    /// service issues task ids as decimal numbers (the create APIs answer {"refresh_task": "7620242"}, the SDK
    /// models type task_id as a 64-bit integer), so an id is 1 to 19 digits. Anything else (%, ?, #, /, .., a
    /// space) would change the path that is signed and sent, so it is refused before any request.
    /// </summary>
    internal static class TaskIds
    {
        /// <summary>The most digits a task id has (a 64-bit integer).</summary>
        public const int MaxDigits = 19;

        /// <summary>Checks and normalises a task id (surrounding whitespace trimmed).</summary>
        /// <param name="raw">The id as given.</param>
        /// <param name="id">The normalised id, or null.</param>
        /// <param name="reason">Why the id is refused (a sentence naming the id and the problem), or null.</param>
        /// <returns>True when the id can be sent.</returns>
        public static bool TryValidate(string raw, out string id, out string reason)
        {
            id = null;
            string value = raw?.Trim() ?? string.Empty;
            if (value.Length == 0)
            {
                reason = "The task id is empty: a task id is the number the service gave the task (for example 7620242).";
                return false;
            }

            foreach (char c in value)
            {
                if (c < '0' || c > '9')
                {
                    string what = char.IsControl(c) || char.IsWhiteSpace(c)
                        ? string.Format(CultureInfo.InvariantCulture, "the character U+{0:X4}", (int)c)
                        : "'" + c + "'";
                    reason = $"'{CdnSettings.Printable(raw)}' is not a task id: it contains {what}. A task id is the number the service gave the task, digits only (for example 7620242).";
                    return false;
                }
            }

            if (value.Length > MaxDigits)
            {
                reason = $"'{CdnSettings.Printable(raw)}' is not a task id: it has {value.Length} digits, more than the {MaxDigits} a task id can have.";
                return false;
            }

            id = value;
            reason = null;
            return true;
        }

        /// <summary>Returns the normalised id, or throws.</summary>
        /// <exception cref="ArgumentException">The id is not a task id (the message says why).</exception>
        public static string Validate(string raw) =>
            TryValidate(raw, out string id, out string reason) ? id : throw new ArgumentException(reason, nameof(raw));
    }
}
