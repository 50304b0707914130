// Copyright (c) CdnTasks contributors. MIT License.
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

    private static Task Quota(HttpContext ctx, RecordStore store, EmulatorOptions o)
    {
        string domain = DomainOf(ctx, o);
        (string Type, int Limit, int Used)[] quotas =
        {
            ("file_refresh", o.QuotaFileRefresh, store.UsedFileRefresh),
            ("dir_refresh", o.QuotaDirRefresh, store.UsedDirRefresh),
            ("preheat", o.QuotaPreheat, store.UsedPreheat),
        };
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
