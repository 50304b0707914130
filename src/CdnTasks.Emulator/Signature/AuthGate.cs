// Copyright (c) CdnTasks contributors. MIT License.
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;

namespace CdnTasks.Emulator.Signature;

/// <summary>
/// An emulated key (AK/SK pair and its account's domain id). <see cref="Projects"/> is null for the main
/// account's keys; for an IAM user's keys it holds the enterprise projects that user may use.
/// </summary>
internal sealed record Account(string AccessKey, string SecretKey, string DomainId, string? SecurityToken, IReadOnlySet<string>? Projects = null);

/// <summary>Outcome of authentication: an account, or a gateway error.</summary>
internal readonly record struct AuthResult(Account? Account, int Status, string? Code, string? Message)
{
    /// <summary>True when authenticated.</summary>
    public bool Ok => Account is not null;
}

/// <summary>
/// Gateway authentication: AK lookup, lockout after consecutive signature failures, X-Sdk-Date skew,
/// signature, security token and X-Domain-Id checks.
/// </summary>
internal sealed class AuthGate
{
    private const string Prefix = "Incorrect IAM authentication information: ";
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lockout> _lockouts = new(StringComparer.Ordinal);
    private readonly EmulatorOptions _options;

    private sealed class Lockout
    {
        public int Failures;
        public DateTimeOffset Until;
    }

    /// <summary>Creates the gate with the configured accounts.</summary>
    public AuthGate(EmulatorOptions options)
    {
        _options = options;
        Reload();
    }

    /// <summary>
    /// Rebuilds the keys from the options: AccessKey/SecretKey/DomainId/SecurityToken, and ExtraKeys
    /// "AK:SK[:DOMAIN[:PROJECT|PROJECT...]]" (a project list marks an IAM user's key).
    /// </summary>
    public void Reload()
    {
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal)
        {
            [_options.AccessKey] = new Account(_options.AccessKey, _options.SecretKey, _options.DomainId,
                string.IsNullOrEmpty(_options.SecurityToken) ? null : _options.SecurityToken),
        };
        foreach (string entry in (_options.ExtraKeys ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = entry.Split(':');
            if (p.Length < 2) continue;
            string domain = p.Length >= 3 && p[2].Length > 0 ? p[2] : _options.DomainId;
            HashSet<string>? projects = p.Length >= 4 ? p[3].Split('|', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) : null;
            accounts[p[0]] = new Account(p[0], p[1], domain, null, projects);
        }

        lock (_accounts)
        {
            _accounts.Clear();
            foreach (var (key, account) in accounts) _accounts[key] = account;
        }
    }

    /// <summary>Clears all lockout counters.</summary>
    public void ResetLockouts() => _lockouts.Clear();

    private static AuthResult Fail(string message, int status = 401, string code = "APIGW.0301") => new(null, status, code, message);

    /// <summary>Verifies the signed request; <paramref name="body"/> is the complete request body.</summary>
    public AuthResult Verify(HttpContext ctx, byte[] body, bool requireDomainId)
    {
        var auth = SignatureVerifier.Parse(ctx.Request.Headers.Authorization);
        if (auth is null) return Fail(Prefix + "verify aksk signature fail");
        Account? account;
        lock (_accounts) _accounts.TryGetValue(auth.AccessKey, out account);
        if (account is null)
        {
            return Fail(Prefix + "Get secretKey failed,ak:******,err:ak not exist");
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        Lockout lockout = _lockouts.GetOrAdd(account.AccessKey, _ => new Lockout());
        lock (lockout)
        {
            if (_options.LockoutThreshold > 0 && lockout.Until > now)
            {
                return Fail(Prefix + "AK access failed to reach the limit,forbidden.");
            }
        }

        string? sdkDate = ctx.Request.Headers["X-Sdk-Date"].FirstOrDefault();
        bool dateSigned = auth.SignedHeaders.Any(h => h.Equals("x-sdk-date", StringComparison.OrdinalIgnoreCase));
        if (!dateSigned || !SignatureVerifier.TryParseDate(sdkDate, out DateTimeOffset date))
        {
            return CountFailure(lockout, now, Prefix + "verify aksk signature fail");
        }

        if (Math.Abs((now - date).TotalMinutes) > _options.ClockSkewMinutes)
        {
            return Fail(Prefix + "calc ak sk signature fail:signature expired");
        }

        string raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/";
        int q = raw.IndexOf('?');
        string rawPath = q < 0 ? raw : raw[..q];
        string rawQuery = q < 0 ? "" : raw[(q + 1)..];
        string bodyHash = ctx.Request.Headers["X-Sdk-Content-Sha256"].FirstOrDefault() ?? SignatureVerifier.HexSha256(body);
        string canonical = SignatureVerifier.CanonicalRequest(ctx.Request.Method, rawPath, rawQuery, auth.SignedHeaders,
            name => name == "host" ? ctx.Request.Headers.Host.ToString() : string.Join(",", ctx.Request.Headers[name].ToArray()),
            bodyHash);
        string expected = SignatureVerifier.ComputeSignature(account.SecretKey, sdkDate!, canonical);
        if (!SignatureVerifier.SignatureEquals(expected, auth.Signature))
        {
            return CountFailure(lockout, now, Prefix + "verify aksk signature fail");
        }

        lock (lockout)
        {
            lockout.Failures = 0;
        }

        string? token = ctx.Request.Headers["X-Security-Token"].FirstOrDefault();
        if (account.SecurityToken is not null)
        {
            bool tokenSigned = auth.SignedHeaders.Any(h => h.Equals("x-security-token", StringComparison.OrdinalIgnoreCase));
            if (!tokenSigned || !string.Equals(token, account.SecurityToken, StringComparison.Ordinal))
            {
                return Fail(Prefix + "decrypt token fail");
            }
        }

        if (requireDomainId)
        {
            string? domain = ctx.Request.Headers["X-Domain-Id"].FirstOrDefault();
            if (string.IsNullOrEmpty(domain))
            {
                if (_options.RequireDomainId) return Fail(Prefix + "x-domain-id is required for global services");
            }
            else if (!string.Equals(domain, account.DomainId, StringComparison.Ordinal))
            {
                return Fail("The IAM user is not authorized to access the API.", 403, "APIGW.0302");
            }
        }

        return new AuthResult(account, 200, null, null);
    }

    private AuthResult CountFailure(Lockout lockout, DateTimeOffset now, string message)
    {
        lock (lockout)
        {
            lockout.Failures++;
            if (_options.LockoutThreshold > 0 && lockout.Failures >= _options.LockoutThreshold)
            {
                lockout.Until = now.AddMinutes(_options.LockoutMinutes);
                lockout.Failures = 0;
            }
        }

        return Fail(message);
    }
}
