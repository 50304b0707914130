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
        /// <exception cref="CdnCredentialException">A source has a value that cannot be used, or only part of a credential.</exception>
        public static CdnCredential Resolve(CdnCredential fromParameters, CdnCredential fromSession, Func<string, string> getVariable, Func<CdnCredential> fromFile, string domainIdParameter)
        {
            CdnCredential found = fromParameters ?? fromSession ?? FromEnvironment(getVariable) ?? fromFile?.Invoke();
            if (found == null || domainIdParameter == null)
            {
                return found;
            }

            try
            {
                return found.WithDomainId(domainIdParameter, CredentialSources.DomainIdParameter);
            }
            catch (CdnCredentialException ex)
            {
                throw ex.Named(_ => "-DomainId");
            }
        }

        /// <summary>
        /// Reads the credential from the environment, or null when no credential variable is set. A variable set
        /// without its partner (an access key without a secret key, a token without keys) is an error that names the
        /// missing variable, never a silent step to the next source; values are trimmed (a trailing newline is common).
        /// </summary>
        /// <exception cref="CdnCredentialException">The variables hold only part of a credential, or a value that cannot be used.</exception>
        public static CdnCredential FromEnvironment(Func<string, string> getVariable)
        {
            string domainId = NullIfEmpty(getVariable("HUAWEICLOUD_SDK_DOMAIN_ID"));
            string token = NullIfEmpty(getVariable("HUAWEICLOUD_SDK_SECURITY_TOKEN"));
            CdnCredential huawei = FromPair(getVariable, "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", token, domainId);
            if (huawei != null)
            {
                return huawei;
            }

            if (token != null)
            {
                throw new CdnCredentialException("HUAWEICLOUD_SDK_SECURITY_TOKEN is set, but HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not: a security token is used with the temporary access key and secret key it belongs to. Set all three, or remove HUAWEICLOUD_SDK_SECURITY_TOKEN.");
            }

            return FromPair(getVariable, "CLOUD_SDK_AK", "CLOUD_SDK_SK", null, domainId);
        }

        private static CdnCredential FromPair(Func<string, string> getVariable, string akVariable, string skVariable, string token, string domainId)
        {
            string ak = NullIfEmpty(getVariable(akVariable));
            string sk = NullIfEmpty(getVariable(skVariable));
            if (ak == null && sk == null)
            {
                return null;
            }

            if (ak == null || sk == null)
            {
                string set = ak == null ? skVariable : akVariable;
                string missing = ak == null ? akVariable : skVariable;
                throw new CdnCredentialException($"{set} is set, but {missing} is not: set both (the access key and its secret key), or neither.");
            }

            try
            {
                return new CdnCredential(
                    ak,
                    CdnCredential.ToSecureString(sk),
                    CdnCredential.ToSecureString(token),
                    domainId,
                    CredentialSources.Environment,
                    akVariable,
                    "HUAWEICLOUD_SDK_DOMAIN_ID");
            }
            catch (CdnCredentialException ex)
            {
                throw ex.Named(field =>
                {
                    switch (field)
                    {
                        case CredentialField.AccessKey:
                            return akVariable;
                        case CredentialField.SecretKey:
                            return skVariable;
                        case CredentialField.SecurityToken:
                            return "HUAWEICLOUD_SDK_SECURITY_TOKEN";
                        default:
                            return "HUAWEICLOUD_SDK_DOMAIN_ID";
                    }
                });
            }
        }

        private static string NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
