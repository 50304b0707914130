// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks.Api
{
    /// <summary>
    /// Finds the credential for a command, in one documented order: the call's parameters, the session default,
    /// the environment (HUAWEICLOUD_SDK_AK/SK[/SECURITY_TOKEN/DOMAIN_ID], then CLOUD_SDK_AK/SK). The domain id
    /// comes from -DomainId, else the credential itself, else HUAWEICLOUD_SDK_DOMAIN_ID.
    /// </summary>
    internal static class CredentialChain
    {
        /// <summary>The text that tells users every way to provide credentials.</summary>
        public const string HowToProvide =
            "Provide credentials in one of these ways: (1) -Credential (user name = access key, password = secret key) on the command; "
            + "(2) a session default with Set-CdnCredential; (3) the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK "
            + "(optionally HUAWEICLOUD_SDK_SECURITY_TOKEN and HUAWEICLOUD_SDK_DOMAIN_ID), or CLOUD_SDK_AK and CLOUD_SDK_SK; "
            + "(4) the [global] section of the Huawei Cloud SDK credentials file ~/.huaweicloud/credentials (or HUAWEICLOUD_SDK_CREDENTIALS_FILE).";

        /// <summary>Resolves the credential, or returns null when no source provides one.</summary>
        public static CdnCredential Resolve(CdnCredential fromParameters, CdnCredential fromSession, Func<string, string> getVariable, Func<CdnCredential> fromFile, string domainIdParameter)
        {
            CdnCredential found = fromParameters ?? fromSession ?? FromEnvironment(getVariable) ?? fromFile?.Invoke();
            if (found == null)
            {
                return null;
            }

            string domainId = Coalesce(domainIdParameter, found.DomainId, getVariable("HUAWEICLOUD_SDK_DOMAIN_ID"));
            return domainId == found.DomainId ? found : found.WithDomainId(domainId);
        }

        /// <summary>Reads the credential from the environment, or null.</summary>
        public static CdnCredential FromEnvironment(Func<string, string> getVariable)
        {
            string ak = getVariable("HUAWEICLOUD_SDK_AK");
            string sk = getVariable("HUAWEICLOUD_SDK_SK");
            if (!string.IsNullOrWhiteSpace(ak) && !string.IsNullOrEmpty(sk))
            {
                return new CdnCredential(
                    ak,
                    CdnCredential.ToSecureString(sk),
                    CdnCredential.ToSecureString(NullIfEmpty(getVariable("HUAWEICLOUD_SDK_SECURITY_TOKEN"))),
                    getVariable("HUAWEICLOUD_SDK_DOMAIN_ID"),
                    "environment (HUAWEICLOUD_SDK_AK)");
            }

            ak = getVariable("CLOUD_SDK_AK");
            sk = getVariable("CLOUD_SDK_SK");
            if (!string.IsNullOrWhiteSpace(ak) && !string.IsNullOrEmpty(sk))
            {
                return new CdnCredential(ak, CdnCredential.ToSecureString(sk), null, getVariable("HUAWEICLOUD_SDK_DOMAIN_ID"), "environment (CLOUD_SDK_AK)");
            }

            return null;
        }

        private static string Coalesce(params string[] values)
        {
            foreach (string value in values)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    return value.Trim();
                }
            }

            return null;
        }

        private static string NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
