// Copyright (c) CdnTasks contributors. MIT License.

using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Clear-CdnCredential: removes the session default credential of this runspace and forgets the domain
    /// ids discovered in this process. Environment variables and the credentials file are left alone.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "CdnCredential")]
    public sealed class ClearCdnCredentialCommand : PSCmdlet
    {
        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            CdnSession session = CdnSession.Current;
            bool had = session.Credential != null;
            session.Credential = null;
            DomainIdDiscovery.ClearCache();
            WriteVerbose(had
                ? "The session credential was removed; commands now use the environment or the credentials file unless given -Credential or -AccessKey."
                : "There was no session credential; discovered domain ids were forgotten.");
        }
    }
}
