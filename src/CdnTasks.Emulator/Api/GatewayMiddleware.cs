// Copyright (c) CdnTasks contributors. MIT License.
using System.Diagnostics;
using CdnTasks.Emulator.Control;
using CdnTasks.Emulator.Faults;
using CdnTasks.Emulator.RateLimit;
using CdnTasks.Emulator.Signature;
using Microsoft.AspNetCore.Http.Features;

namespace CdnTasks.Emulator.Api;

/// <summary>
/// The emulated API gateway in front of every API route: request id, statistics, fault injection,
/// latency, signature verification, X-Domain-Id check and rate limiting. Control routes under
/// /_emulator/ bypass all of it.
/// </summary>
internal sealed class GatewayMiddleware
{
    /// <summary>HttpContext.Items key of the authenticated <see cref="Account"/>.</summary>
    public const string AccountKey = "emu.account";

    /// <summary>The authenticated key of an API request, or null.</summary>
    public static Account? CallerOf(HttpContext ctx) => ctx.Items[AccountKey] as Account;

    /// <summary>HttpContext.Items key of the request body bytes.</summary>
    public const string BodyKey = "emu.body";

    private readonly RequestDelegate _next;
    private readonly EmulatorOptions _options;
    private readonly EmulatorStats _stats;
    private readonly FaultInjector _faults;
    private readonly AuthGate _auth;
    private readonly RateLimiter _limiter;
    private readonly Random _jitter;

    /// <summary>Creates the middleware.</summary>
    public GatewayMiddleware(RequestDelegate next, EmulatorOptions options, EmulatorStats stats, FaultInjector faults, AuthGate auth, RateLimiter limiter)
    {
        _next = next;
        _options = options;
        _stats = stats;
        _faults = faults;
        _auth = auth;
        _limiter = limiter;
        _jitter = new Random(options.Seed);
    }

    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext ctx)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            if (ctx.Request.Path.StartsWithSegments("/_emulator"))
            {
                // The control API is for tests on this machine only, also when --AllowRemote opens the APIs.
                if (ctx.Connection.RemoteIpAddress is { } ip && !System.Net.IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip))
                {
                    ctx.Response.StatusCode = 403;
                    await ctx.Response.WriteAsJsonAsync(new { error = "the /_emulator control API answers loopback clients only" });
                    return;
                }

                await _next(ctx);
            }
            else
            {
                await HandleApi(ctx);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // Client went away.
        }
        catch (Exception ex) when (!ctx.Response.HasStarted)
        {
            Console.Error.WriteLine($"Unhandled error for {ctx.Request.Method} {ctx.Request.Path}: {ex}");
            ctx.Items.Remove(Responses.DiscardKey);
            ctx.Response.Clear();
            ctx.Response.Headers["X-Request-Id"] = Responses.RequestId(ctx);
            await Responses.Nested(ctx, 500, "CDN.0000", "Internal error.");
        }
        finally
        {
            if (_options.Log)
            {
                string target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path;
                Console.Out.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {ctx.Request.Method} {target} {ctx.Response.StatusCode} {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1}ms");
                Console.Out.Flush();
            }
        }
    }

    private async Task HandleApi(HttpContext ctx)
    {
        string rid = Guid.NewGuid().ToString("N");
        ctx.Items[Responses.RequestIdKey] = rid;
        ApiKind? kind = ApiRoutes.Classify(ctx.Request.Method, ctx.Request.Path.Value ?? "/");
        ctx.Response.Headers[kind == ApiKind.UrlTasks ? "X-request-id" : "X-Request-Id"] = rid;
        if (kind is not ApiKind api)
        {
            await Responses.Gateway(ctx, 404, "APIGW.0101", "The API does not exist or has not been published in the environment.");
            return;
        }

        Interlocked.Increment(ref _stats.Requests[(int)api]);
        Interlocked.Increment(ref _stats.TotalRequests);
        string? fault = _faults.Next(api);
        FaultTiming timing = fault is null ? FaultTiming.Before : FaultInjector.TimingOf(fault);
        if (fault is not null)
        {
            Interlocked.Increment(ref _stats.FaultsInjected);
            if (timing == FaultTiming.Before)
            {
                await FaultInjector.Apply(ctx, fault, api, _limiter.LimitNamed(api), _options.RetryAfterSeconds);
                return;
            }
        }

        int delay = _options.LatencyMs;
        if (_options.LatencyJitterMs > 0)
        {
            lock (_jitter) delay += _jitter.Next(_options.LatencyJitterMs + 1);
        }

        if (delay > 0) await Task.Delay(delay, ctx.RequestAborted);

        byte[] body;
        using (var ms = new MemoryStream())
        {
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
            body = ms.ToArray();
        }

        AuthResult auth = _auth.Verify(ctx, body, api != ApiKind.IamDomains);
        if (!auth.Ok)
        {
            Interlocked.Increment(ref _stats.AuthFailures);
            await Responses.Gateway(ctx, auth.Status, auth.Code!, auth.Message!);
            return;
        }

        if (!_limiter.TryAcquire(api, auth.Account!.DomainId, out int limit))
        {
            Interlocked.Increment(ref _stats.Throttled);
            ctx.Response.Headers.RetryAfter = Math.Max(0, _options.RetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Responses.Gateway(ctx, 429, "APIGW.0308",
                $"The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:1 second");
            return;
        }

        ctx.Items[AccountKey] = auth.Account;
        ctx.Items[BodyKey] = body;
        if (timing == FaultTiming.Delay)
        {
            await Task.Delay(TimeSpan.FromSeconds(_options.SlowFaultSeconds), ctx.RequestAborted);
        }

        if (timing == FaultTiming.After)
        {
            ctx.Items[Responses.DiscardKey] = true;
            await _next(ctx);
            ctx.Items.Remove(Responses.DiscardKey);
            await FaultInjector.Apply(ctx, fault!, api, _limiter.LimitNamed(api), _options.RetryAfterSeconds);
            return;
        }

        await _next(ctx);
    }
}
