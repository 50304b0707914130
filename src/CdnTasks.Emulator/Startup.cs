// Copyright (c) CdnTasks contributors. MIT License.
using System.Net;

namespace CdnTasks.Emulator;

/// <summary>Start-up helpers.</summary>
internal static class Startup
{
    /// <summary>The first address in a ';'-separated --urls value whose host is not loopback, or null.</summary>
    public static string? FirstNonLoopback(string urls)
    {
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int scheme = url.IndexOf("://", StringComparison.Ordinal);
            string rest = scheme < 0 ? url : url[(scheme + 3)..];
            int slash = rest.IndexOf('/');
            if (slash >= 0) rest = rest[..slash];
            string host;
            if (rest.StartsWith('['))
            {
                int close = rest.IndexOf(']');
                host = close < 0 ? rest : rest[1..close];
            }
            else
            {
                int colon = rest.LastIndexOf(':');
                host = colon < 0 ? rest : rest[..colon];
            }

            bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));
            if (!loopback) return url;
        }

        return null;
    }
}
