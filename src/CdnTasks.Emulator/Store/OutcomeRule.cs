// Copyright (c) CdnTasks contributors. MIT License.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CdnTasks.Emulator.Store;

/// <summary>
/// A forced outcome (POST /_emulator/outcomes): URLs submitted from now on that match <see cref="Url"/> (exact,
/// or a pattern with '*' for any characters) and the task type end as <see cref="Outcome"/>, after
/// <see cref="Seconds"/> (default TaskSeconds), for the next <see cref="Remaining"/> matching URLs (default all).
/// </summary>
internal sealed class OutcomeRule
{
    private Regex? _pattern;

    /// <summary>The URL or pattern.</summary>
    public required string Url { get; init; }

    /// <summary>Only prefetch (true) or purge (false) URLs; null = both.</summary>
    public bool? Preheat { get; init; }

    /// <summary>How the URL ends.</summary>
    public Outcome Outcome { get; init; }

    /// <summary>Processing time in seconds; null = TaskSeconds.</summary>
    public double? Seconds { get; init; }

    /// <summary>URLs left to apply to; int.MaxValue = no limit. Changed under the store's lock.</summary>
    public int Remaining { get; set; } = int.MaxValue;

    /// <summary>Whether the rule applies to a submitted URL.</summary>
    public bool Matches(string url, bool preheat)
    {
        if (Preheat is bool p && p != preheat) return false;
        if (!Url.Contains('*')) return string.Equals(Url, url, StringComparison.Ordinal);
        _pattern ??= new Regex("^" + string.Join(".*", Url.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return _pattern.IsMatch(url);
    }

    /// <summary>Parses one rule; null and an error text when it is invalid.</summary>
    public static OutcomeRule? Parse(JsonElement e, out string? error)
    {
        error = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            error = "an outcome rule must be a JSON object";
            return null;
        }

        string? url = null, classify = null, desc = null;
        UrlStatus? status = null;
        bool? preheat = null;
        double? seconds = null;
        int remaining = int.MaxValue;
        foreach (JsonProperty p in e.EnumerateObject())
        {
            JsonElement v = p.Value;
            string? text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            switch (p.Name)
            {
                case "url": url = text; break;
                case "status":
                    if (text is not ("succeed" or "failed")) { error = "status must be succeed or failed"; return null; }
                    status = text == "failed" ? UrlStatus.Failed : UrlStatus.Succeed;
                    break;
                case "task_type":
                    if (text is not ("refresh" or "preheating")) { error = "task_type must be refresh or preheating"; return null; }
                    preheat = text == "preheating";
                    break;
                case "fail_classify":
                    if (text is not ("ORIGIN_ERROR" or "INNER_ERROR" or "UNKNOWN_ERROR")) { error = "fail_classify must be ORIGIN_ERROR, INNER_ERROR or UNKNOWN_ERROR"; return null; }
                    classify = text;
                    break;
                case "fail_desc": desc = text; break;
                case "seconds":
                    if (v.ValueKind != JsonValueKind.Number || v.GetDouble() < 0) { error = "seconds must be a number >= 0"; return null; }
                    seconds = v.GetDouble();
                    break;
                case "count":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out remaining) || remaining < 1) { error = "count must be a whole number >= 1"; return null; }
                    break;
                default:
                    error = $"unknown outcome field '{p.Name}' (url, task_type, status, fail_classify, fail_desc, seconds, count)";
                    return null;
            }
        }

        if (string.IsNullOrEmpty(url)) { error = "url is required (exact, or a pattern with *)"; return null; }
        if (status is null) { error = "status is required (succeed or failed)"; return null; }
        Outcome outcome = status == UrlStatus.Failed
            ? new Outcome(UrlStatus.Failed, classify ?? "ORIGIN_ERROR", desc ?? "origin server returned 502")
            : new Outcome(UrlStatus.Succeed, null, null);
        return new OutcomeRule { Url = url, Preheat = preheat, Outcome = outcome, Seconds = seconds, Remaining = remaining };
    }

    /// <summary>Writes the rule as GET /_emulator/outcomes shows it.</summary>
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("url", Url);
        if (Preheat is bool p) w.WriteString("task_type", p ? "preheating" : "refresh");
        w.WriteString("status", UrlRecord.Lower(Outcome.Status));
        if (Outcome.FailClassify is not null) w.WriteString("fail_classify", Outcome.FailClassify);
        if (Outcome.FailDesc is not null) w.WriteString("fail_desc", Outcome.FailDesc);
        if (Seconds is double s) w.WriteNumber("seconds", s);
        if (Remaining != int.MaxValue) w.WriteNumber("count", Remaining);
        w.WriteEndObject();
    }
}
