// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Linq;

namespace CdnTasks.Api
{
    /// <summary>The regions of the (global) CDN service and their endpoints, as in the Huawei SDKs.</summary>
    public static class CdnRegions
    {
        /// <summary>The region used when none is configured.</summary>
        public const string DefaultRegion = "cn-north-1";

        private static readonly Dictionary<string, string> s_endpoints = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["cn-north-1"] = "https://cdn.myhuaweicloud.com",
            ["ap-southeast-1"] = "https://cdn.myhuaweicloud.com",
            ["eu-west-101"] = "https://cdn.myhuaweicloud.eu",
        };

        private static readonly Dictionary<string, string> s_iamEndpoints = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["cn-north-1"] = "https://iam.cn-north-1.myhuaweicloud.com",
            ["ap-southeast-1"] = "https://iam.ap-southeast-1.myhuaweicloud.com",
            ["eu-west-101"] = "https://iam.myhuaweicloud.com",
        };

        /// <summary>Gets the supported region ids, sorted.</summary>
        public static IReadOnlyList<string> Names { get; } = s_endpoints.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

        /// <summary>Returns true when the region id is supported.</summary>
        public static bool IsKnown(string region) => region != null && s_endpoints.ContainsKey(region);

        /// <summary>Gets the built-in CDN endpoint of a region.</summary>
        public static string GetEndpoint(string region) =>
            s_endpoints.TryGetValue(region, out string endpoint) ? endpoint : throw UnknownRegion(region);

        /// <summary>Gets the built-in IAM endpoint of a region (used for domain-id discovery).</summary>
        public static string GetIamEndpoint(string region) =>
            s_iamEndpoints.TryGetValue(region, out string endpoint) ? endpoint : "https://iam.myhuaweicloud.com";

        /// <summary>The name of the environment variable that overrides a region's endpoints, as the SDKs read it.</summary>
        public static string EndpointVariableName(string region) =>
            "HUAWEICLOUD_SDK_REGION_CDN_" + region.ToUpperInvariant().Replace('-', '_');

        /// <summary>The error for an unsupported region id, worded like the SDKs', naming where it was set when known.</summary>
        public static ArgumentException UnknownRegion(string region, string what = null) =>
            new ArgumentException($"{(what == null ? string.Empty : what + ": ")}The region '{region}' is not supported by the CDN service. Supported regions: {string.Join(", ", Names)}.");
    }
}
