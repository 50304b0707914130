// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Paging;

namespace CdnTasks.Tests.Paging
{
    /// <summary>Drains a pager the way CdnCmdlet.WritePages does: NextPageAsync until null.</summary>
    internal static class PagerRun
    {
        /// <summary>No test may take long: a pager that loops forever fails instead of hanging.</summary>
        public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

        /// <summary>Every record the pager hands out, in order; <paramref name="onPage"/> sees each page (return false to stop early).</summary>
        public static async Task<List<T>> ReadAll<T>(Pager<T> pager, Func<List<T>, IReadOnlyList<T>, bool> onPage = null, CancellationToken cancellationToken = default)
        {
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            guard.CancelAfter(Guard);
            var records = new List<T>();
            try
            {
                IReadOnlyList<T> page;
                while ((page = await pager.NextPageAsync(guard.Token)) != null)
                {
                    records.AddRange(page);
                    if (records.Count > 2_000_000)
                    {
                        throw new InvalidOperationException("The pager does not stop.");
                    }

                    if (onPage != null && !onPage(records, page))
                    {
                        break;
                    }
                }
            }
            finally
            {
                pager.Stop();
            }

            return records;
        }
    }
}
