// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator.Control;

/// <summary>Counters reported by GET /_emulator/stats.</summary>
internal sealed class EmulatorStats
{
    /// <summary>API requests per <see cref="ApiKind"/>.</summary>
    public readonly long[] Requests = new long[ApiRoutes.StatNames.Length];

    /// <summary>All API requests.</summary>
    public long TotalRequests;

    /// <summary>Requests answered 429 by the rate limiter.</summary>
    public long Throttled;

    /// <summary>Injected faults.</summary>
    public long FaultsInjected;

    /// <summary>Authentication failures.</summary>
    public long AuthFailures;

    /// <summary>Tasks created via POST.</summary>
    public long TasksCreated;

    /// <summary>URLs submitted via POST.</summary>
    public long UrlsSubmitted;

    /// <summary>Zeroes all counters.</summary>
    public void Reset()
    {
        for (int i = 0; i < Requests.Length; i++) Interlocked.Exchange(ref Requests[i], 0);
        Interlocked.Exchange(ref TotalRequests, 0);
        Interlocked.Exchange(ref Throttled, 0);
        Interlocked.Exchange(ref FaultsInjected, 0);
        Interlocked.Exchange(ref AuthFailures, 0);
        Interlocked.Exchange(ref TasksCreated, 0);
        Interlocked.Exchange(ref UrlsSubmitted, 0);
    }
}
