// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;

namespace CdnTasks.Emulator.Store;

/// <summary>What the "total" member of a list answer says.</summary>
internal enum TotalMode
{
    /// <summary>The true number.</summary>
    True,
    /// <summary>floor(true × factor), factor &lt; 1.</summary>
    Under,
    /// <summary>ceil(true × factor), factor &gt; 1.</summary>
    Over,
    /// <summary>−true (−1 when the true number is 0).</summary>
    Negative,
    /// <summary>JSON null.</summary>
    Null,
    /// <summary>The true number as a JSON string.</summary>
    String,
    /// <summary>No "total" member.</summary>
    Missing,
}

/// <summary>
/// One entry of the live-mutation set (POST /_emulator/mutations): data changes applied just before each
/// answer of the targeted list API, under the store's lock, and the ways that answer may lie.
/// Immutable once parsed.
/// </summary>
internal sealed class Mutation
{
    /// <summary>The targeted API, or null for every list API.</summary>
    public ApiKind? Api { get; private init; }

    /// <summary>New records (ShowHistoryTasks: new tasks) per request.</summary>
    public int InsertPerRequest { get; private init; }

    /// <summary>Smallest age of an inserted record (create_time = now − age; negative = future).</summary>
    public long InsertAgeMinMs { get; private init; }

    /// <summary>Largest age of an inserted record.</summary>
    public long InsertAgeMaxMs { get; private init; }

    /// <summary>Status of inserted records; null = a realistic mix.</summary>
    public UrlStatus? InsertStatus { get; private init; }

    /// <summary>Records (tasks) moved from an in-process status to a final one per request.</summary>
    public int StatusChangesPerRequest { get; private init; }

    /// <summary>The final status they move to; null = succeed, or failed for one in ten.</summary>
    public UrlStatus? StatusChangeTo { get; private init; }

    /// <summary>Random records (tasks) removed per request.</summary>
    public int DeletesPerRequest { get; private init; }

    /// <summary>Oldest records (tasks) removed per request.</summary>
    public int ExpireOldestPerRequest { get; private init; }

    /// <summary>Offsets at or beyond this are not served; 0 = no cap.</summary>
    public int OffsetCap { get; private init; }

    /// <summary>True: past the cap the answer is a 400 CDN.0001; false: an empty page.</summary>
    public bool OffsetCapError { get; private init; }

    /// <summary>What "total" says.</summary>
    public TotalMode Total { get; private init; }

    /// <summary>Factor of <see cref="TotalMode.Under"/> and <see cref="TotalMode.Over"/>.</summary>
    public double TotalFactor { get; private init; } = 1;

    /// <summary>Share of records answered with "id": null.</summary>
    public double NullIdShare { get; private init; }

    /// <summary>Share of records answered without an "id" member.</summary>
    public double MissingIdShare { get; private init; }

    /// <summary>When &gt; 0, no page holds more records than this.</summary>
    public int ShortPageMax { get; private init; }

    /// <summary>True when the entry changes data (not only the shape of answers).</summary>
    public bool ChangesData => InsertPerRequest > 0 || StatusChangesPerRequest > 0 || DeletesPerRequest > 0 || ExpireOldestPerRequest > 0;

    /// <summary>The APIs a mutation can target.</summary>
    public static readonly ApiKind[] ListApis = { ApiKind.UrlTasks, ApiKind.HistoryTasks, ApiKind.HistoryTaskDetail };

    /// <summary>The "total" member as the answer writes it: a number, null, a string, or nothing.</summary>
    public void WriteTotal(Utf8JsonWriter w, int total)
    {
        switch (Total)
        {
            case TotalMode.Under: w.WriteNumber("total", (long)Math.Floor(total * TotalFactor)); break;
            case TotalMode.Over: w.WriteNumber("total", (long)Math.Ceiling(total * TotalFactor)); break;
            case TotalMode.Negative: w.WriteNumber("total", total == 0 ? -1 : -total); break;
            case TotalMode.Null: w.WriteNull("total"); break;
            case TotalMode.String: w.WriteString("total", total.ToString(CultureInfo.InvariantCulture)); break;
            case TotalMode.Missing: break;
            default: w.WriteNumber("total", total); break;
        }
    }

    /// <summary>How the id of the record (or task) with this id is answered: 0 real, 1 null, 2 missing.</summary>
    public int IdShape(long id, int seed)
    {
        if (NullIdShare <= 0 && MissingIdShare <= 0) return 0;
        // A fixed pseudo-random number per id, so a record keeps its shape from page to page.
        ulong h = unchecked((ulong)id * 0x9E3779B97F4A7C15UL ^ (ulong)seed * 0xC2B2AE3D27D4EB4FUL);
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 29;
        double u = (h >> 11) / 9007199254740992.0;
        if (u < NullIdShare) return 1;
        if (u < NullIdShare + MissingIdShare) return 2;
        return 0;
    }

    /// <summary>Parses one entry; returns null and an error text when it is invalid.</summary>
    public static Mutation? Parse(JsonElement e, out string? error)
    {
        error = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            error = "a mutation must be a JSON object";
            return null;
        }

        ApiKind? api = null;
        int insert = 0, changes = 0, deletes = 0, expire = 0, cap = 0, shortPage = 0;
        long ageMin = 0, ageMax = 0;
        UrlStatus? insertStatus = null, changeTo = null;
        bool capError = false;
        TotalMode total = TotalMode.True;
        double factor = 1, nullShare = 0, missingShare = 0;
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string name = p.Name;
            JsonElement v = p.Value;
            switch (name.ToLowerInvariant())
            {
                case "api":
                    if (v.ValueKind == JsonValueKind.Null) break;
                    if (v.ValueKind != JsonValueKind.String || ApiRoutes.FromSdkName(v.GetString()!) is not ApiKind a || !ListApis.Contains(a))
                    {
                        error = "api must be ShowUrlTaskInfo, ShowHistoryTasks or ShowHistoryTaskDetails (omit it for all three)";
                        return null;
                    }

                    api = a;
                    break;
                case "insertperrequest": if (!Count(v, name, out insert, out error)) return null; break;
                case "statuschangesperrequest": if (!Count(v, name, out changes, out error)) return null; break;
                case "deletesperrequest": if (!Count(v, name, out deletes, out error)) return null; break;
                case "expireoldestperrequest": if (!Count(v, name, out expire, out error)) return null; break;
                case "offsetcap": if (!Count(v, name, out cap, out error)) return null; break;
                case "shortpagemax": if (!Count(v, name, out shortPage, out error)) return null; break;
                case "insertagems":
                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2
                        || v[0].ValueKind != JsonValueKind.Number || v[1].ValueKind != JsonValueKind.Number
                        || !v[0].TryGetInt64(out ageMin) || !v[1].TryGetInt64(out ageMax) || ageMin > ageMax)
                    {
                        error = "insertAgeMs must be [min, max] in milliseconds with min <= max";
                        return null;
                    }

                    break;
                case "insertstatus":
                    if (!Status(v, name, out insertStatus, out error)) return null;
                    break;
                case "statuschangeto":
                    if (!Status(v, name, out changeTo, out error)) return null;
                    if (changeTo is UrlStatus to && !UrlRecord.IsFinal(to))
                    {
                        error = "statusChangeTo must be succeed or failed";
                        return null;
                    }

                    break;
                case "offsetcapmode":
                    string? mode = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (mode is not ("empty" or "400"))
                    {
                        error = "offsetCapMode must be \"empty\" or \"400\"";
                        return null;
                    }

                    capError = mode == "400";
                    break;
                case "total":
                    if (!ParseTotal(v, out total, out factor))
                    {
                        error = "total must be \"true\", \"under:F\" (0 <= F < 1), \"over:F\" (F > 1), \"negative\", \"null\", \"string\" or \"missing\"";
                        return null;
                    }

                    break;
                case "nullidshare": if (!Share(v, name, out nullShare, out error)) return null; break;
                case "missingidshare": if (!Share(v, name, out missingShare, out error)) return null; break;
                default:
                    error = $"unknown mutation field '{name}'";
                    return null;
            }
        }

        if (nullShare + missingShare > 1)
        {
            error = "nullIdShare + missingIdShare must not exceed 1";
            return null;
        }

        return new Mutation
        {
            Api = api, InsertPerRequest = insert, InsertAgeMinMs = ageMin, InsertAgeMaxMs = ageMax, InsertStatus = insertStatus,
            StatusChangesPerRequest = changes, StatusChangeTo = changeTo, DeletesPerRequest = deletes, ExpireOldestPerRequest = expire,
            OffsetCap = cap, OffsetCapError = capError, Total = total, TotalFactor = factor, NullIdShare = nullShare,
            MissingIdShare = missingShare, ShortPageMax = shortPage,
        };
    }

    private static bool Count(JsonElement v, string name, out int n, out string? error)
    {
        error = null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out n) && n >= 0) return true;
        n = 0;
        error = $"{name} must be a whole number >= 0";
        return false;
    }

    private static bool Share(JsonElement v, string name, out double d, out string? error)
    {
        error = null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out d) && d >= 0 && d <= 1) return true;
        d = 0;
        error = $"{name} must be a number between 0 and 1";
        return false;
    }

    private static bool Status(JsonElement v, string name, out UrlStatus? status, out string? error)
    {
        error = null;
        status = null;
        if (v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind == JsonValueKind.String && UrlRecord.TryParse(v.GetString()!, out UrlStatus s))
        {
            status = s;
            return true;
        }

        error = $"{name} must be one of processing, succeed, failed, waiting, refreshing, preheating";
        return false;
    }

    private static bool ParseTotal(JsonElement v, out TotalMode mode, out double factor)
    {
        mode = TotalMode.True;
        factor = 1;
        string? s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.True => "true",
            _ => null,
        };
        if (s is null) return false;
        switch (s)
        {
            case "true": mode = TotalMode.True; return true;
            case "negative": mode = TotalMode.Negative; return true;
            case "null": mode = TotalMode.Null; return true;
            case "string": mode = TotalMode.String; return true;
            case "missing": mode = TotalMode.Missing; return true;
        }

        int colon = s.IndexOf(':');
        if (colon < 0 || !double.TryParse(s[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out factor)) return false;
        switch (s[..colon])
        {
            case "under" when factor >= 0 && factor < 1: mode = TotalMode.Under; return true;
            case "over" when factor > 1 && factor < 1e6: mode = TotalMode.Over; return true;
            default: return false;
        }
    }

    /// <summary>Writes the entry as GET /_emulator/mutations shows it (every field, defaults included).</summary>
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (Api is ApiKind a) w.WriteString("api", ApiRoutes.SdkName(a)); else w.WriteNull("api");
        w.WriteNumber("insertPerRequest", InsertPerRequest);
        w.WriteStartArray("insertAgeMs");
        w.WriteNumberValue(InsertAgeMinMs);
        w.WriteNumberValue(InsertAgeMaxMs);
        w.WriteEndArray();
        if (InsertStatus is UrlStatus s) w.WriteString("insertStatus", UrlRecord.Lower(s)); else w.WriteNull("insertStatus");
        w.WriteNumber("statusChangesPerRequest", StatusChangesPerRequest);
        if (StatusChangeTo is UrlStatus t) w.WriteString("statusChangeTo", UrlRecord.Lower(t)); else w.WriteNull("statusChangeTo");
        w.WriteNumber("deletesPerRequest", DeletesPerRequest);
        w.WriteNumber("expireOldestPerRequest", ExpireOldestPerRequest);
        w.WriteNumber("offsetCap", OffsetCap);
        w.WriteString("offsetCapMode", OffsetCapError ? "400" : "empty");
        w.WriteString("total", Total switch
        {
            TotalMode.Under => "under:" + TotalFactor.ToString(CultureInfo.InvariantCulture),
            TotalMode.Over => "over:" + TotalFactor.ToString(CultureInfo.InvariantCulture),
            TotalMode.True => "true",
            _ => Total.ToString().ToLowerInvariant(),
        });
        w.WriteNumber("nullIdShare", NullIdShare);
        w.WriteNumber("missingIdShare", MissingIdShare);
        w.WriteNumber("shortPageMax", ShortPageMax);
        w.WriteEndObject();
    }
}
