// Copyright (c) CdnTasks contributors. MIT License.

namespace CdnTasks
{
    /// <summary>
    /// What Get-CdnCredential reports: which source of the credential chain would sign a command's requests,
    /// the access key masked (first and last four characters), whether a security token is present, and the
    /// account (domain) id. It never holds the secret key or the token.
    /// </summary>
    public sealed class CdnCredentialInfo
    {
        /// <summary>Gets the source: Parameter, Session, Environment or File.</summary>
        public string Source { get; internal set; }

        /// <summary>Gets which parameter (-Credential, -AccessKey) or environment variable (HUAWEICLOUD_SDK_AK, CLOUD_SDK_AK) supplied the keys, or the file path.</summary>
        public string SourceDetail { get; internal set; }

        /// <summary>Gets the access key with all but its first and last four characters masked.</summary>
        public string AccessKey { get; internal set; }

        /// <summary>Gets a value indicating whether a security token (temporary credentials) is present.</summary>
        public bool HasSecurityToken { get; internal set; }

        /// <summary>Gets the account (domain) id sent as X-Domain-Id, or null when it is still to be discovered.</summary>
        public string DomainId { get; internal set; }

        /// <summary>Gets where the domain id came from (Parameter (-DomainId), Session, HUAWEICLOUD_SDK_DOMAIN_ID, File, Discovered), or null.</summary>
        public string DomainIdSource { get; internal set; }

        /// <summary>Gets the full path of the credentials file when the source is File; otherwise null.</summary>
        public string Path { get; internal set; }

        /// <inheritdoc/>
        public override string ToString() => $"{AccessKey} ({Source})";
    }
}
