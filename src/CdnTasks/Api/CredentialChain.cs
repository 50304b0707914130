// Copyright (c) CdnTasks contributors. MIT License.

using System;

namespace CdnTasks.Api
{
    /// <summary>The names of the credential sources, as shown by Get-CdnCredential.</summary>
    public static class CredentialSources
    {
        /// <summary>-Credential, or -AccessKey with -SecretKey, on the command.</summary>
        public const string Parameter = "Parameter";

        /// <summary>The session default set by Set-CdnCredential.</summary>
        public const string Session = "Session";

        /// <summary>HUAWEICLOUD_SDK_AK/SK (or CLOUD_SDK_AK/SK).</summary>
        public const string Environment = "Environment";

        /// <summary>The [global] section of the Huawei Cloud SDK credentials file.</summary>
        public const string File = "File";

        /// <summary>The domain id was looked up from IAM (GET /v3/auth/domains).</summary>
        public const string Discovered = "Discovered";

        /// <summary>The domain id came from -DomainId on the command.</summary>
        public const string DomainIdParameter = "Parameter (-DomainId)";
    }

    /// <summary>
    /// Finds the credential for a command, in one documented order: (1) the call's parameters, (2) the session
    /// default, (3) the environment (HUAWEICLOUD_SDK_AK/SK[/SECURITY_TOKEN/DOMAIN_ID], then CLOUD_SDK_AK/SK),
    /// (4) the [global] section of the SDK credentials file. The first source that has keys wins; later sources
    /// are not even read. The domain id comes from -DomainId, else from the same source as the keys (so that a
    /// per-call credential for another account never picks up this account's domain id), else it is discovered.
    /// </summary>
    internal static class CredentialChain
    {
        /// <summary>The text that tells users every way to provide credentials.</summary>
        public const string HowToProvide =
            "Provide credentials in one of these ways: (1) -Credential (user name = access key, password = secret key), or -AccessKey with -SecretKey "
            + "(and -SecurityToken for temporary credentials), on the command; "
            + "(2) a session default with Set-CdnCredential; (3) the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK "
            + "(optionally HUAWEICLOUD_SDK_SECURITY_TOKEN and HUAWEICLOUD_SDK_DOMAIN_ID), or CLOUD_SDK_AK and CLOUD_SDK_SK; "
            + "(4) the [global] section of the Huawei Cloud SDK credentials file ~/.huaweicloud/credentials (or the file named by HUAWEICLOUD_SDK_CREDENTIALS_FILE).";

        /// <summary>Resolves the credential, or returns null when no source provides one.</summary>
        /// <param name="fromParameters">The credential given on the command, or null.</param>
        /// <param name="fromSession">The session default, or null.</param>
        /// <param name="getVariable">Reads an environment variable.</param>
        /// <param name="fromFile">Reads the credentials file (called only when no earlier source has keys); may be null.</param>
        /// <param name="domainIdParameter">-DomainId, which overrides the source's domain id, or null.</param>
        /// <exception cref="CdnConfigurationException">The credentials file was reached and cannot be used.</exception>
        public static CdnCredential Resolve(CdnCredential fromParameters, CdnCredential fromSession, Func<string, string> getVariable, Func<CdnCredential> fromFile, string domainIdParameter)
        {
            CdnCredential found = fromParameters ?? fromSession ?? FromEnvironment(getVariable) ?? fromFile?.Invoke();
            if (found == null)
            {
                return null;
            }

            if (!string.IsNullOrWhiteSpace(domainIdParameter))
            {
                return found.WithDomainId(domainIdParameter.Trim(), CredentialSources.DomainIdParameter);
            }

            return found;
        }

        /// <summary>Reads the credential from the environment, or null.</summary>
        public static CdnCredential FromEnvironment(Func<string, string> getVariable)
        {
            string ak = getVariable("HUAWEICLOUD_SDK_AK");
            string sk = getVariable("HUAWEICLOUD_SDK_SK");
            string domainId = getVariable("HUAWEICLOUD_SDK_DOMAIN_ID");
            if (!string.IsNullOrWhiteSpace(ak) && !string.IsNullOrEmpty(sk))
            {
                return new CdnCredential(
                    ak,
                    CdnCredential.ToSecureString(sk),
                    CdnCredential.ToSecureString(NullIfEmpty(getVariable("HUAWEICLOUD_SDK_SECURITY_TOKEN"))),
                    domainId,
                    CredentialSources.Environment,
                    "HUAWEICLOUD_SDK_AK",
                    "HUAWEICLOUD_SDK_DOMAIN_ID");
            }

            ak = getVariable("CLOUD_SDK_AK");
            sk = getVariable("CLOUD_SDK_SK");
            if (!string.IsNullOrWhiteSpace(ak) && !string.IsNullOrEmpty(sk))
            {
                return new CdnCredential(ak, CdnCredential.ToSecureString(sk), null, domainId, CredentialSources.Environment, "CLOUD_SDK_AK", "HUAWEICLOUD_SDK_DOMAIN_ID");
            }

            return null;
        }

        private static string NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
