// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api.Json;

namespace CdnTasks.Api
{
    /// <summary>
    /// Finds the account (domain) id of an access key the way the Huawei Cloud SDKs do: a signed
    /// <c>GET /v3/auth/domains</c> against IAM (without X-Domain-Id), first domain's id. Results are cached per
    /// IAM endpoint and access key for the life of the process, so a session (and every runspace in it) asks once.
    /// </summary>
    internal static class DomainIdDiscovery
    {
        /// <summary>The environment variable that overrides the IAM endpoint.</summary>
        public const string IamEndpointVariable = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

        private static readonly ConcurrentDictionary<string, string> s_cache = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// Gets the IAM endpoint: HUAWEICLOUD_SDK_IAM_ENDPOINT (the SDKs' variable: https:// prepended when it has no
        /// scheme, as they do; plain http only for loopback), else the region's IAM endpoint.
        /// </summary>
        /// <exception cref="ArgumentException">HUAWEICLOUD_SDK_IAM_ENDPOINT is blank or not a usable endpoint.</exception>
        public static Uri IamEndpoint(Func<string, string> getVariable, string region)
        {
            string configured = getVariable(IamEndpointVariable);
            return !string.IsNullOrEmpty(configured)
                ? CdnSettings.ParseEndpoint(configured, IamEndpointVariable, requireScheme: false)
                : new Uri(CdnRegions.GetIamEndpoint(region ?? CdnRegions.DefaultRegion));
        }

        /// <summary>Gets a domain id discovered earlier in this process, if any.</summary>
        public static bool TryGetCached(Uri iamEndpoint, string accessKey, out string domainId) =>
            s_cache.TryGetValue(Key(iamEndpoint, accessKey), out domainId);

        /// <summary>Forgets every discovered domain id (Clear-CdnCredential).</summary>
        public static void ClearCache() => s_cache.Clear();

        /// <summary>
        /// Returns the domain id of the transport's access key: from the cache, else from IAM through the same
        /// transport (signing, timeout, retries, logging).
        /// </summary>
        /// <exception cref="CdnApiException">The IAM call failed, or IAM listed no domain.</exception>
        public static async Task<string> DiscoverAsync(CdnTransport transport, Uri iamEndpoint, CancellationToken cancellationToken)
        {
            string key = Key(iamEndpoint, transport.Credential.AccessKey);
            if (s_cache.TryGetValue(key, out string cached))
            {
                return cached;
            }

            var request = new CdnRequest(CdnOperation.ListAuthDomains) { EndpointOverride = iamEndpoint };
            IamDomainsDto dto = await transport.SendAsync(
                request,
                async (stream, ct) => await JsonSerializer.DeserializeAsync(stream, CdnJsonContext.Default.IamDomainsDto, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            string id = dto.Domains != null && dto.Domains.Count > 0 ? dto.Domains[0]?.Id : null;
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new CdnApiException(
                    CdnFailureKind.MalformedResponse,
                    $"{CdnOperation.ListAuthDomains.Name}: IAM at {iamEndpoint.GetLeftPart(UriPartial.Authority)} listed no domain for the access key.",
                    CdnOperation.ListAuthDomains.Name,
                    errorCode: "NoDomain",
                    serviceMessage: "the response has no domains[0].id");
            }

            id = id.Trim();
            s_cache[key] = id;
            return id;
        }

        private static string Key(Uri iamEndpoint, string accessKey) => iamEndpoint.GetLeftPart(UriPartial.Authority) + "|" + accessKey;
    }
}
