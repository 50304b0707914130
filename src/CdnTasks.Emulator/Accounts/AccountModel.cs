// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Text.Json;

namespace CdnTasks.Emulator.Accounts;

/// <summary>An acceleration domain of the account; <see cref="Name"/> is lower-case ASCII (IDN hosts in punycode).</summary>
internal sealed record DomainEntry(string Name, string Project, bool Online)
{
    /// <summary>The name as configured (a Unicode host stays Unicode).</summary>
    public string Display { get; init; } = Name;

    /// <summary>Whether a (lower-case ASCII) host is this domain, or a subdomain of a "*." domain.</summary>
    public bool Covers(string host) =>
        Name.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(Name[1..], StringComparison.Ordinal) && host.Length > Name.Length - 1
            : host == Name;
}

/// <summary>A CDN error answer: HTTP status, code and message.</summary>
internal readonly record struct CdnError(int Status, string Code, string Message);

/// <summary>
/// What the emulated account owns: its acceleration domains (each in an enterprise project, online or
/// offline), its enterprise projects (the feature is off when there are none) and whether it is on
/// ShowUrlTaskInfo's whitelist. Built from the options; replaced through POST /_emulator/account.
/// </summary>
internal sealed class AccountModel
{
    /// <summary>The hosts of the generated data, and the default domains.</summary>
    public static readonly string[] DefaultDomains =
    {
        "www.example.com", "img.example.com", "cdn.example.org", "static.example.net", "下载.example.cn", "video.example.com",
    };

    private static readonly IdnMapping Idn = new();
    private readonly object _gate = new();
    private readonly EmulatorOptions _options;
    private List<DomainEntry> _domains = new();
    private HashSet<string>? _projects;
    private bool _whitelisted;

    /// <summary>Creates the model from the options (throws on a bad Domains value unless <paramref name="validateOnly"/>).</summary>
    public AccountModel(EmulatorOptions options, bool validateOnly = false)
    {
        _options = options;
        Error = Reload();
        if (Error is not null && !validateOnly) throw new InvalidOperationException(Error);
    }

    /// <summary>The problem found in the options when the model was built, or null.</summary>
    public string? Error { get; }

    /// <summary>Rebuilds the model from the options (start-up, reset, POST /_emulator/options); returns an error text or null.</summary>
    public string? Reload()
    {
        var domains = new List<DomainEntry>();
        IEnumerable<string> entries = string.IsNullOrWhiteSpace(_options.Domains)
            ? DefaultDomains
            : _options.Domains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string entry in entries)
        {
            string text = entry;
            bool online = true;
            if (text.EndsWith("!offline", StringComparison.OrdinalIgnoreCase))
            {
                online = false;
                text = text[..^"!offline".Length];
            }

            int at = text.IndexOf('@');
            string name = at < 0 ? text : text[..at], project = at < 0 ? "0" : text[(at + 1)..];
            if (!Valid(name, project, out string? error)) return "Domains: " + error;
            domains.Add(new DomainEntry(Normalize(name)!, project, online) { Display = name.Trim() });
        }

        HashSet<string>? projects = string.IsNullOrWhiteSpace(_options.EnterpriseProjects)
            ? null
            : _options.EnterpriseProjects.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            _domains = domains;
            _projects = projects;
            _whitelisted = _options.UrlTaskWhitelisted;
        }

        return null;
    }

    private static bool Valid(string name, string project, out string? error)
    {
        error = Normalize(name) is null ? $"'{name}' is not a host name (a leading '*.' is allowed)"
            : string.IsNullOrWhiteSpace(project) ? $"the enterprise project of '{name}' is empty"
            : null;
        return error is null;
    }

    /// <summary>Lower-case ASCII form of a host (punycode for IDN), or null when it is not a host name.</summary>
    public static string? Normalize(string host)
    {
        host = host.Trim();
        bool wildcard = host.StartsWith("*.", StringComparison.Ordinal);
        string rest = wildcard ? host[2..] : host;
        if (rest.Length == 0 || rest.Contains('/') || rest.Contains(':') || rest.Contains('*')) return null;
        try
        {
            string ascii = Idn.GetAscii(rest).ToLowerInvariant();
            return wildcard ? "*." + ascii : ascii;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The account's domains.</summary>
    public IReadOnlyList<DomainEntry> Domains
    {
        get { lock (_gate) return _domains; }
    }

    /// <summary>Whether the account is on ShowUrlTaskInfo's whitelist.</summary>
    public bool Whitelisted
    {
        get { lock (_gate) return _whitelisted; }
    }

    /// <summary>The hosts generated URLs use: the account's online domains ("*." domains as "www.").</summary>
    public string[] GeneratorHosts()
    {
        string[] hosts = Domains.Where(d => d.Online).Select(d => d.Display.StartsWith("*.", StringComparison.Ordinal) ? "www" + d.Display[1..] : d.Display).ToArray();
        return hosts.Length > 0 ? hosts : DefaultDomains;
    }

    /// <summary>
    /// The enterprise projects a request may see or use, from its enterprise_project_id and the caller: null
    /// means every project (the feature is off, or the main account asked for all of them).
    /// </summary>
    public (IReadOnlySet<string>? Scope, CdnError? Error) Scope(string? requested, IReadOnlySet<string>? callerProjects)
    {
        HashSet<string>? projects;
        lock (_gate) projects = _projects;
        if (projects is null) return (null, null); // "effective only when the enterprise project feature is enabled"
        if (requested is null)
        {
            return callerProjects is null
                ? (null, null)
                : (null, new CdnError(400, "CDN.0001", "Parameter error: enterprise_project_id is required for IAM users"));
        }

        if (requested.Equals("all", StringComparison.OrdinalIgnoreCase)) return (callerProjects, null);
        if (!projects.Contains(requested) || (callerProjects is not null && !callerProjects.Contains(requested)))
        {
            return (null, new CdnError(403, "CDN.0020", "The user is not authorized for the enterprise project."));
        }

        return (new HashSet<string>(StringComparer.Ordinal) { requested }, null);
    }

    /// <summary>Checks that a URL's host is an online acceleration domain of the account within <paramref name="scope"/>.</summary>
    public CdnError? CheckUrl(string url, IReadOnlySet<string>? scope, out DomainEntry? domain)
    {
        domain = null;
        string? host = Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri.IdnHost.ToLowerInvariant() : null;
        List<DomainEntry> domains;
        lock (_gate) domains = _domains;
        if (host is not null)
        {
            domain = domains.FirstOrDefault(d => d.Name == host) ?? domains.FirstOrDefault(d => d.Covers(host));
        }

        int status = _options.BusinessErrorStatus;
        if (domain is null || (scope is not null && !scope.Contains(domain.Project)))
        {
            return _options.UnknownDomainCode == "CDN.0105" && domain is null
                ? new CdnError(status, "CDN.0105", "The acceleration domain name does not exist.")
                : new CdnError(status, "CDN.0108", "The URL domain name is not the acceleration domain name of the current tenant.");
        }

        if (!domain.Online) return new CdnError(status, "CDN.0106", "This operation is not supported by the domain name in the current state.");
        return null;
    }

    /// <summary>Replaces parts of the model from a POST /_emulator/account body; returns an error text or null.</summary>
    public string? Set(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return "the body must be a JSON object";
        List<DomainEntry>? domains = null;
        HashSet<string>? projects = null;
        bool projectsSet = false;
        bool? whitelisted = null;
        foreach (JsonProperty p in body.EnumerateObject())
        {
            switch (p.Name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant())
            {
                case "domains":
                    if (p.Value.ValueKind != JsonValueKind.Array) return "domains must be an array";
                    domains = new List<DomainEntry>();
                    foreach (JsonElement d in p.Value.EnumerateArray())
                    {
                        string? name = null, project = "0";
                        bool online = true;
                        if (d.ValueKind == JsonValueKind.String)
                        {
                            name = d.GetString();
                        }
                        else if (d.ValueKind == JsonValueKind.Object)
                        {
                            foreach (JsonProperty f in d.EnumerateObject())
                            {
                                string? text = f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString() : null;
                                switch (f.Name)
                                {
                                    case "name": name = text; break;
                                    case "enterprise_project_id": project = text; break;
                                    case "status" when text is "online" or "offline": online = text == "online"; break;
                                    default: return $"bad domain field '{f.Name}' (name, enterprise_project_id, status: online|offline)";
                                }
                            }
                        }

                        if (name is null) return "domains: each needs a name";
                        if (!Valid(name, project ?? "", out string? error)) return "domains: " + error;
                        domains.Add(new DomainEntry(Normalize(name)!, project!, online) { Display = name.Trim() });
                    }

                    break;
                case "enterpriseprojects":
                    projectsSet = true;
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || e.GetString()!.Length == 0))
                    {
                        return "enterprise_projects must be an array of ids, or null to turn the feature off";
                    }

                    projects = p.Value.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
                    if (projects.Count == 0) projects = null;
                    break;
                case "urltaskwhitelisted":
                    if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return "url_task_whitelisted must be true or false";
                    whitelisted = p.Value.GetBoolean();
                    break;
                default:
                    return $"unknown account field '{p.Name}' (domains, enterprise_projects, url_task_whitelisted)";
            }
        }

        lock (_gate)
        {
            if (domains is not null) _domains = domains;
            if (projectsSet) _projects = projects;
            if (whitelisted is bool w) _whitelisted = w;
        }

        return null;
    }

    /// <summary>Writes the model as GET /_emulator/account shows it.</summary>
    public void Write(Utf8JsonWriter w)
    {
        lock (_gate)
        {
            w.WriteStartObject();
            w.WriteStartArray("domains");
            foreach (DomainEntry d in _domains)
            {
                w.WriteStartObject();
                w.WriteString("name", d.Display);
                w.WriteString("enterprise_project_id", d.Project);
                w.WriteString("status", d.Online ? "online" : "offline");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (_projects is null)
            {
                w.WriteNull("enterprise_projects");
            }
            else
            {
                w.WriteStartArray("enterprise_projects");
                foreach (string p in _projects.Order(StringComparer.Ordinal)) w.WriteStringValue(p);
                w.WriteEndArray();
            }

            w.WriteBoolean("url_task_whitelisted", _whitelisted);
            w.WriteEndObject();
        }
    }
}
