// Copyright (c) CdnTasks contributors. MIT License.
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CdnTasks.Emulator.Api;

/// <summary>JSON response helpers and the three error shapes (gateway, flat CDN, nested CDN).</summary>
internal static class Responses
{
    /// <summary>Content type of every API answer.</summary>
    public const string JsonContentType = "application/json;charset=UTF-8";

    /// <summary>HttpContext.Items key of the request id.</summary>
    public const string RequestIdKey = "emu.rid";

    /// <summary>HttpContext.Items key set when the handler's answer must be discarded (processed-then-failed faults).</summary>
    public const string DiscardKey = "emu.discard";

    /// <summary>Writer options: compact, non-ASCII kept as UTF-8.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The request id of this request.</summary>
    public static string RequestId(HttpContext ctx) => ctx.Items[RequestIdKey] as string ?? "";

    /// <summary>Writes a JSON answer produced by <paramref name="write"/>.</summary>
    public static async Task WriteJson(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        if (ctx.Items.ContainsKey(DiscardKey)) return;
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = JsonContentType;
        using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, WriterOptions))
        {
            write(w);
        }

        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
    }

    /// <summary>API gateway error: {"error_msg","error_code","request_id"}.</summary>
    public static Task Gateway(HttpContext ctx, int status, string code, string message) => WriteJson(ctx, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error_msg", message);
        w.WriteString("error_code", code);
        w.WriteString("request_id", RequestId(ctx));
        w.WriteEndObject();
    });

    /// <summary>Flat CDN error: {"error_code","error_msg"} (ShowUrlTaskInfo).</summary>
    public static Task Flat(HttpContext ctx, int status, string code, string message) => WriteJson(ctx, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error_code", code);
        w.WriteString("error_msg", message);
        w.WriteEndObject();
    });

    /// <summary>Nested CDN error: {"error":{"error_code","error_msg"}}.</summary>
    public static Task Nested(HttpContext ctx, int status, string code, string message) => WriteJson(ctx, status, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("error_code", code);
        w.WriteString("error_msg", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
