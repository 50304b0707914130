// Copyright (c) CdnTasks contributors. MIT License.
using CdnTasks.Emulator.Accounts;
using CdnTasks.Emulator.Signature;
using CdnTasks.Emulator.Store;

namespace CdnTasks.Emulator.Api;

/// <summary>ShowQuota (GET /v1.0/cdn/quota) and the IAM domain lookup (GET /v3/auth/domains).</summary>
internal static class AccountEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/cdn/quota", Quota);
        app.MapGet("/v3/auth/domains", Domains);
    }

    private static string DomainOf(HttpContext ctx, EmulatorOptions o) =>
        (ctx.Items[GatewayMiddleware.AccountKey] as Account)?.DomainId ?? o.DomainId;

    /// <summary>
    /// Every quota type of the SDK's Quotas model, in its order. Only file_refresh, dir_refresh and preheat are
    /// used by purges and prefetches (their usage resets daily); domain counts the account's domains; the other
    /// limits are placeholders (the spec does not know the real defaults).
    /// </summary>
    private static readonly (string Type, int Limit)[] OtherQuotas =
    {
        ("ip_filter", 500), ("browser_cache_rule", 60), ("http_response_header", 10), ("referer", 400), ("flexible_origin", 20),
        ("flexible_origin_match_value", 50), ("cache_rule", 60), ("custom_cache_key", 10), ("custom_cache_key_match_value", 20),
        ("rule", 100), ("edge_function", 10), ("origin_request_url_rewrite", 20), ("origin_request_header", 10),
        ("request_url_rewrite", 20), ("access_area_filter", 20), ("request_limit_rules", 60), ("user_agent", 10),
    };

    private static Task Quota(HttpContext ctx, RecordStore store, AccountModel account, EmulatorOptions o)
    {
        string domain = DomainOf(ctx, o);
        var (file, dir, preheat) = store.QuotaUsed(RecordStore.Now());
        var quotas = new List<(string Type, int Limit, int Used)>
        {
            ("file_refresh", o.QuotaFileRefresh, file),
            ("dir_refresh", o.QuotaDirRefresh, dir),
            ("preheat", o.QuotaPreheat, preheat),
            ("domain", o.QuotaDomain, account.Domains.Count),
        };
        quotas.AddRange(OtherQuotas.Select(q => (q.Type, q.Limit, 0)));
        return Responses.WriteJson(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("quotas");
            foreach (var (type, limit, used) in quotas)
            {
                w.WriteStartObject();
                w.WriteNumber("quota_limit", limit);
                w.WriteString("type", type);
                w.WriteNumber("used", used);
                w.WriteString("user_domain_id", domain);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static Task Domains(HttpContext ctx, EmulatorOptions o) => Responses.WriteJson(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("domains");
        w.WriteStartObject();
        w.WriteString("id", DomainOf(ctx, o));
        w.WriteString("name", "emulator");
        w.WriteBoolean("enabled", true);
        w.WriteString("description", "");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
