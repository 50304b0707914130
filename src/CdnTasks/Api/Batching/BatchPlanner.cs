// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;

namespace CdnTasks.Api.Batching
{
    /// <summary>One URL to submit, with its file type (file or directory).</summary>
    internal readonly struct UrlItem
    {
        public UrlItem(string url, string fileType)
        {
            Url = url;
            FileType = fileType;
        }

        /// <summary>Gets the URL, exactly as it will be sent.</summary>
        public string Url { get; }

        /// <summary>Gets file or directory.</summary>
        public string FileType { get; }
    }

    /// <summary>The URLs of one create request.</summary>
    internal sealed class UrlBatch
    {
        public UrlBatch(string fileType)
        {
            FileType = fileType;
        }

        /// <summary>Gets file or directory.</summary>
        public string FileType { get; }

        /// <summary>Gets the URLs, in input order.</summary>
        public List<string> Urls { get; } = new List<string>();
    }

    /// <summary>The requests a submission becomes.</summary>
    internal sealed class BatchPlan
    {
        /// <summary>Gets the requests, ordered by the input position of their first URL.</summary>
        public List<UrlBatch> Batches { get; } = new List<UrlBatch>();

        /// <summary>Gets how many input URLs were dropped as duplicates.</summary>
        public int DuplicatesDropped { get; internal set; }

        /// <summary>Gets how many file URLs will be sent.</summary>
        public int FileUrls { get; internal set; }

        /// <summary>Gets how many directory URLs will be sent.</summary>
        public int DirectoryUrls { get; internal set; }

        /// <summary>Gets how many URLs will be sent.</summary>
        public int TotalUrls => FileUrls + DirectoryUrls;

        /// <summary>Gets how many requests carry file URLs.</summary>
        public int FileRequests => Batches.FindAll(b => b.FileType == BatchPlanner.File).Count;

        /// <summary>Gets how many requests carry directory URLs.</summary>
        public int DirectoryRequests => Batches.Count - FileRequests;

        /// <summary>Describes the plan in one line, for -WhatIf, -Confirm and verbose output.</summary>
        public string Describe()
        {
            string text = $"{TotalUrls} URL{(TotalUrls == 1 ? string.Empty : "s")} in {Batches.Count} request{(Batches.Count == 1 ? string.Empty : "s")}";
            if (FileUrls > 0 && DirectoryUrls > 0)
            {
                text += $" ({FileUrls} file URLs in {FileRequests}, {DirectoryUrls} directory URLs in {DirectoryRequests})";
            }
            else if (DirectoryUrls > 0)
            {
                text += " (directories)";
            }

            if (DuplicatesDropped > 0)
            {
                text += $"; {DuplicatesDropped} duplicate{(DuplicatesDropped == 1 ? string.Empty : "s")} dropped";
            }

            return text;
        }
    }

    /// <summary>
    /// Plans the create requests of a purge or prefetch submission: drops duplicates (the same URL string,
    /// compared exactly and case-sensitively, with the same file type), keeps files and directories in
    /// separate requests, and fills each request up to the service's limits (1000 file URLs or 100 directory
    /// URLs a request), keeping the input order inside each request and across requests.
    /// </summary>
    internal static class BatchPlanner
    {
        /// <summary>The file type of ordinary URLs.</summary>
        public const string File = "file";

        /// <summary>The file type of directory URLs.</summary>
        public const string Directory = "directory";

        /// <summary>Most file URLs in one CreateRefreshTasks or CreatePreheatingTasks request.</summary>
        public const int MaxFileUrls = 1000;

        /// <summary>Most directory URLs in one CreateRefreshTasks request.</summary>
        public const int MaxDirectoryUrls = 100;

        /// <summary>Plans the requests. Directories are refused for prefetch (the caller validates that first).</summary>
        public static BatchPlan Plan(IEnumerable<UrlItem> items, bool preheat, int maxFileUrls = MaxFileUrls, int maxDirectoryUrls = MaxDirectoryUrls)
        {
            if (items == null)
            {
                throw new ArgumentNullException(nameof(items));
            }

            var plan = new BatchPlan();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            UrlBatch files = null;
            UrlBatch directories = null;
            foreach (UrlItem item in items)
            {
                bool directory = string.Equals(item.FileType, Directory, StringComparison.OrdinalIgnoreCase);
                if (directory && preheat)
                {
                    throw new ArgumentException($"Prefetch does not support directories: '{item.Url}'.", nameof(items));
                }

                if (!seen.Add((directory ? "d|" : "f|") + item.Url))
                {
                    plan.DuplicatesDropped++;
                    continue;
                }

                if (directory)
                {
                    if (directories == null || directories.Urls.Count >= maxDirectoryUrls)
                    {
                        directories = new UrlBatch(Directory);
                        plan.Batches.Add(directories);
                    }

                    directories.Urls.Add(item.Url);
                    plan.DirectoryUrls++;
                }
                else
                {
                    if (files == null || files.Urls.Count >= maxFileUrls)
                    {
                        files = new UrlBatch(File);
                        plan.Batches.Add(files);
                    }

                    files.Urls.Add(item.Url);
                    plan.FileUrls++;
                }
            }

            return plan;
        }
    }
}
