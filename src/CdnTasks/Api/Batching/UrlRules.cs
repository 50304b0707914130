// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks.Api.Batching
{
    /// <summary>The service's rules for URLs to purge or prefetch, checked before any request.</summary>
    internal static class UrlRules
    {
        /// <summary>The longest URL the service accepts.</summary>
        public const int MaxLength = 4096;

        /// <summary>Returns why a URL cannot be submitted, or null when it can.</summary>
        /// <param name="url">The URL (already trimmed).</param>
        /// <param name="preheat">True for prefetch, which refuses directories.</param>
        /// <param name="fileType">file or directory.</param>
        public static string Problem(string url, bool preheat, string fileType)
        {
            if (string.IsNullOrEmpty(url))
            {
                return "it is empty";
            }

            if (url.Length > MaxLength)
            {
                return $"it is {url.Length} characters long; the service accepts at most {MaxLength}";
            }

            if (!(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                || !Uri.TryCreate(url, UriKind.Absolute, out Uri uri) || string.IsNullOrEmpty(uri.Host))
            {
                return "it is not an absolute http:// or https:// URL";
            }

            foreach (char c in url)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c))
                {
                    return "it contains a space or control character; percent-encode it (a space is %20)";
                }
            }

            if (preheat)
            {
                if (string.Equals(fileType, BatchPlanner.Directory, StringComparison.OrdinalIgnoreCase))
                {
                    return "it is a directory; prefetch supports files only";
                }

                if (url.EndsWith("/", StringComparison.Ordinal))
                {
                    return "it ends with '/' (a directory); prefetch supports files only";
                }
            }

            return null;
        }
    }
}
