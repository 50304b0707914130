// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator;

/// <summary>The emulated APIs.</summary>
internal enum ApiKind
{
    /// <summary>GET /v1.0/cdn/contentgateway/url-tasks.</summary>
    UrlTasks,
    /// <summary>POST /v1.0/cdn/content/refresh-tasks.</summary>
    RefreshTasks,
    /// <summary>POST /v1.0/cdn/content/preheating-tasks.</summary>
    PreheatingTasks,
    /// <summary>GET /v1.0/cdn/historytasks.</summary>
    HistoryTasks,
    /// <summary>GET /v1.0/cdn/historytasks/{id}/detail.</summary>
    HistoryTaskDetail,
    /// <summary>GET /v1.0/cdn/quota.</summary>
    Quota,
    /// <summary>GET /v3/auth/domains.</summary>
    IamDomains,
}

/// <summary>Maps request method and path to an API.</summary>
internal static class ApiRoutes
{
    /// <summary>Stats names, indexed by <see cref="ApiKind"/>.</summary>
    public static readonly string[] StatNames =
    {
        "url-tasks", "refresh-tasks", "preheating-tasks", "historytasks", "historytask-detail", "quota", "iam-domains",
    };

    /// <summary>SDK operation names, indexed by <see cref="ApiKind"/> (the IAM one is the IAM SDK's).</summary>
    public static readonly string[] SdkNames =
    {
        "ShowUrlTaskInfo", "CreateRefreshTasks", "CreatePreheatingTasks", "ShowHistoryTasks", "ShowHistoryTaskDetails", "ShowQuota",
        "KeystoneListAuthDomains",
    };

    /// <summary>The SDK operation name of an API.</summary>
    public static string SdkName(ApiKind api) => SdkNames[(int)api];

    /// <summary>The API of an SDK operation name (case-insensitive), or null.</summary>
    public static ApiKind? FromSdkName(string name)
    {
        int i = Array.FindIndex(SdkNames, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : (ApiKind)i;
    }

    /// <summary>Classifies a request; null when it is no API (gateway 404).</summary>
    public static ApiKind? Classify(string method, string path)
    {
        string p = path.Length > 1 ? path.TrimEnd('/') : path;
        bool get = HttpMethods.IsGet(method), post = HttpMethods.IsPost(method);
        switch (p)
        {
            case "/v1.0/cdn/contentgateway/url-tasks" when get: return ApiKind.UrlTasks;
            case "/v1.0/cdn/content/refresh-tasks" when post: return ApiKind.RefreshTasks;
            case "/v1.0/cdn/content/preheating-tasks" when post: return ApiKind.PreheatingTasks;
            case "/v1.0/cdn/historytasks" when get: return ApiKind.HistoryTasks;
            case "/v1.0/cdn/quota" when get: return ApiKind.Quota;
            case "/v3/auth/domains" when get: return ApiKind.IamDomains;
        }

        if (get && p.StartsWith("/v1.0/cdn/historytasks/", StringComparison.Ordinal) && p.EndsWith("/detail", StringComparison.Ordinal)
            && p.Length > "/v1.0/cdn/historytasks//detail".Length && p.Count(c => c == '/') == 5)
        {
            return ApiKind.HistoryTaskDetail;
        }

        return null;
    }
}
