// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CdnTasks.Emulator.Signature;

/// <summary>Parsed Authorization header.</summary>
internal sealed record AuthorizationHeader(string AccessKey, string[] SignedHeaders, string Signature);

/// <summary>
/// Independent server-side implementation of SDK-HMAC-SHA256 verification (spec §3). Rebuilds the
/// canonical request from the raw request target, the client's SignedHeaders list and the body bytes.
/// </summary>
internal static class SignatureVerifier
{
    private const string Algorithm = "SDK-HMAC-SHA256";

    /// <summary>Parses "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex"; null when malformed.</summary>
    public static AuthorizationHeader? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith(Algorithm + " ", StringComparison.Ordinal)) return null;
        string? ak = null, signed = null, sig = null;
        foreach (string part in header[(Algorithm.Length + 1)..].Split(','))
        {
            string p = part.Trim();
            int eq = p.IndexOf('=');
            if (eq <= 0) return null;
            string name = p[..eq], value = p[(eq + 1)..].Trim();
            switch (name)
            {
                case "Access": ak = value; break;
                case "SignedHeaders": signed = value; break;
                case "Signature": sig = value; break;
            }
        }

        if (string.IsNullOrEmpty(ak) || string.IsNullOrEmpty(signed) || string.IsNullOrEmpty(sig)) return null;
        string[] names = signed.Split(';');
        if (names.Any(n => n.Length == 0)) return null;
        return new AuthorizationHeader(ak, names, sig);
    }

    /// <summary>Parses an X-Sdk-Date value (yyyyMMddTHHmmssZ, UTC).</summary>
    public static bool TryParseDate(string? value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);

    /// <summary>RFC 3986 encoding over UTF-8: unreserved characters kept, everything else %XX upper-case.</summary>
    public static string Encode(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Canonical URI: raw path segments percent-decoded, re-encoded, '/'-joined, trailing '/'.</summary>
    public static string CanonicalUri(string rawPath)
    {
        string joined = string.Join('/', rawPath.Split('/').Select(seg => Encode(Uri.UnescapeDataString(seg))));
        return joined.EndsWith('/') ? joined : joined + "/";
    }

    /// <summary>Canonical query from the raw query string (without '?'): '+' as space, decoded, sorted, re-encoded.</summary>
    public static string CanonicalQuery(string rawQuery)
    {
        var pairs = new List<(string Key, string Value)>();
        foreach (string part in rawQuery.Split('&'))
        {
            if (part.Length == 0) continue;
            int eq = part.IndexOf('=');
            string k = eq < 0 ? part : part[..eq];
            string v = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((Decode(k), Decode(v)));
        }

        pairs.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => Encode(p.Key) + "=" + Encode(p.Value)));
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    /// <summary>Builds the canonical request text.</summary>
    public static string CanonicalRequest(string method, string rawPath, string rawQuery,
        IReadOnlyList<string> signedHeaders, Func<string, string> headerValue, string bodyHash)
    {
        var sb = new StringBuilder(512);
        sb.Append(method.ToUpperInvariant()).Append('\n');
        sb.Append(CanonicalUri(rawPath)).Append('\n');
        sb.Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (string name in signedHeaders)
        {
            string lower = name.ToLowerInvariant();
            sb.Append(lower).Append(':').Append(headerValue(lower).Trim()).Append('\n');
        }

        sb.Append('\n');
        sb.Append(string.Join(';', signedHeaders.Select(h => h.ToLowerInvariant()))).Append('\n');
        sb.Append(bodyHash);
        return sb.ToString();
    }

    /// <summary>Hex lower-case SHA-256.</summary>
    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Expected signature for a canonical request.</summary>
    public static string ComputeSignature(string secretKey, string sdkDate, string canonicalRequest)
    {
        string stringToSign = Algorithm + "\n" + sdkDate + "\n" + HexSha256(Encoding.UTF8.GetBytes(canonicalRequest));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>Constant-time comparison of two hex signatures.</summary>
    public static bool SignatureEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));
}
