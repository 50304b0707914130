// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;

namespace CdnTasks.Emulator.Api;

/// <summary>Reads typed query parameters; the first error text is kept in <see cref="Error"/>.</summary>
internal sealed class QueryReader
{
    private readonly IQueryCollection _query;
    private readonly bool _anyCase;

    /// <summary>Wraps the request's query; <paramref name="anyCase"/> accepts enumerated values in any case (--StrictCase false).</summary>
    public QueryReader(HttpRequest request, bool anyCase = false)
    {
        _query = request.Query;
        _anyCase = anyCase;
    }

    /// <summary>First validation error, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Records an error (the first one wins).</summary>
    public void Fail(string message) => Error ??= message;

    /// <summary>A string parameter; null when absent or empty.</summary>
    public string? String(string name)
    {
        string? v = _query[name].FirstOrDefault();
        return string.IsNullOrEmpty(v) ? null : v;
    }

    /// <summary>True when the parameter is present and non-empty.</summary>
    public bool Has(string name) => String(name) is not null;

    /// <summary>A long parameter; null when absent; an error when not a number.</summary>
    public long? Long(string name)
    {
        string? v = String(name);
        if (v is null) return null;
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)) return n;
        Fail($"{name} must be a number");
        return null;
    }

    /// <summary>An int parameter within [min, max]; default when absent; an error otherwise.</summary>
    public int Int(string name, int dflt, int min, int max)
    {
        string? v = String(name);
        if (v is null) return dflt;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
        {
            Fail($"{name} must be a number");
            return dflt;
        }

        if (n < min || n > max)
        {
            Fail($"{name} must be between {min} and {max}");
            return dflt;
        }

        return n;
    }

    /// <summary>
    /// An enumerated parameter, matched exactly as documented (any case with --StrictCase false); returns the
    /// documented spelling.
    /// </summary>
    public string? Choice(string name, params string[] allowed) => Match(name, _anyCase, allowed);

    /// <summary>An enumerated parameter the spec says to match in any case.</summary>
    public string? ChoiceAnyCase(string name, params string[] allowed) => Match(name, true, allowed);

    private string? Match(string name, bool anyCase, string[] allowed)
    {
        string? v = String(name);
        if (v is null) return null;
        StringComparison comparison = anyCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string? hit = allowed.FirstOrDefault(a => a.Equals(v, comparison));
        if (hit is null) Fail($"{name} must be one of {string.Join(", ", allowed)}" + (anyCase ? "" : " (exactly in this case)"));
        return hit;
    }
}
