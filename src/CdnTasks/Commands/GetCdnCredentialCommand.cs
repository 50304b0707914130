// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Get-CdnCredential: which credential a command with the same parameters would sign with, found along
    /// the credential chain (parameters, session, environment, credentials file). Sends no request; the
    /// access key is masked and the secret key and token are never shown.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CdnCredential")]
    [OutputType(typeof(CdnCredentialInfo))]
    public sealed class GetCdnCredentialCommand : CdnCmdlet
    {
        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            CdnCredential credential = ResolveCredential();
            if (credential.DomainId == null)
            {
                // Show a domain id discovered earlier in this process for the same IAM endpoint and key.
                CdnSettings settings = ResolveSettings();
                Uri iam = null;
                try
                {
                    iam = DomainIdDiscovery.IamEndpoint(GetVariable, settings.Region);
                }
                catch (ArgumentException ex)
                {
                    WriteWarning(ex.Message);
                }

                if (iam != null && DomainIdDiscovery.TryGetCached(iam, credential.AccessKey, out string domainId))
                {
                    credential = credential.WithDomainId(domainId, CredentialSources.Discovered);
                }
            }

            WriteObject(CredentialInfo.From(credential));
        }
    }
}
