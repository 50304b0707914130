// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>Builds the public, secret-free description of a credential.</summary>
    internal static class CredentialInfo
    {
        /// <summary>Describes a credential: source, masked access key, token presence, domain id; never a secret.</summary>
        public static CdnCredentialInfo From(CdnCredential credential) => new CdnCredentialInfo
        {
            Source = credential.Source,
            SourceDetail = credential.SourceDetail,
            AccessKey = credential.MaskedAccessKey,
            HasSecurityToken = credential.SecurityToken != null,
            DomainId = credential.DomainId,
            DomainIdSource = credential.DomainIdSource,
            Path = credential.Source == CredentialSources.File ? credential.SourceDetail : null,
        };
    }
}
