// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks.Api.Batching
{
    /// <summary>The service's rules for URLs to purge or prefetch, checked before any request.</summary>
    internal static class UrlRules
    {
        /// <summary>The longest URL the service accepts.</summary>
        public const int MaxLength = 4096;

        /// <summary>
        /// The URL as it is sent: every space percent-encoded as %20, nothing else changed. The service's documentation
        /// says that URLs containing spaces must be encoded by the caller (with zh_url_encode off), and the URL
        /// records it returns may show a space raw ("my photo.jpg"), so such a record can be purged again as it is.
        /// Other characters, Chinese ones included, are sent as given (zh_url_encode asks the service to transcode
        /// those); a '%' is never encoded again.
        /// </summary>
        public static string ToSend(string url) => url.IndexOf(' ') < 0 ? url : url.Replace(" ", "%20");

        /// <summary>Returns why a URL cannot be submitted, or null when it can.</summary>
        /// <param name="url">The URL as it is sent (already trimmed and passed through <see cref="ToSend"/>).</param>
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
                    return "it contains a tab, line break or other control character; remove it, or percent-encode it if it belongs to the URL";
                }
            }

            if (preheat)
            {
                if (string.Equals(fileType, BatchPlanner.Directory, StringComparison.OrdinalIgnoreCase))
                {
                    return "it is a directory; prefetch supports files only (purge directories with Clear-CdnCache -FileType Directory)";
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
