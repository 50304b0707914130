// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Management.Automation;
using System.Security;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Set-CdnCredential: sets the session default credential (step 2 of the credential chain). It is kept in
    /// memory only, as SecureString, for the current runspace; nothing is written to disk.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "CdnCredential", DefaultParameterSetName = KeysSet)]
    [OutputType(typeof(CdnCredentialInfo))]
    public sealed class SetCdnCredentialCommand : PSCmdlet
    {
        private const string KeysSet = "Keys";
        private const string CredentialSet = "Credential";

        /// <summary>Gets or sets the access key id (AK).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeysSet)]
        [ValidateNotNullOrEmpty]
        public string AccessKey { get; set; }

        /// <summary>Gets or sets the secret key (SK).</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = KeysSet)]
        [ValidateNotNull]
        public SecureString SecretKey { get; set; }

        /// <summary>Gets or sets the credential: user name = access key, password = secret key.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = CredentialSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>Gets or sets the security token of temporary credentials.</summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString SecurityToken { get; set; }

        /// <summary>Gets or sets the account (domain) id sent as X-Domain-Id (discovered from IAM when not set).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DomainId { get; set; }

        /// <summary>Gets or sets a value indicating whether to write the new session credential's description.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            string accessKey = ParameterSetName == CredentialSet ? Credential.UserName : AccessKey;
            SecureString secretKey = ParameterSetName == CredentialSet ? Credential.Password : SecretKey;
            if (string.IsNullOrWhiteSpace(accessKey) || secretKey == null || secretKey.Length == 0)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new System.ArgumentException("The access key and the secret key must not be empty (with -Credential: user name = access key, password = secret key)."),
                    ErrorIds.InvalidParameterCombination,
                    ErrorCategory.InvalidArgument,
                    ParameterSetName == CredentialSet ? nameof(Credential) : nameof(SecretKey)));
            }

            // Trimmed and checked like every credential: a blank value or a control character is an error naming the parameter.
            CdnCredential credential = CdnCmdlet.NewCredential(
                this,
                accessKey,
                secretKey,
                SecurityToken,
                DomainId,
                CredentialSources.Session,
                "Set-CdnCredential",
                CredentialSources.Session,
                ParameterSetName == CredentialSet ? (Func<CredentialField, string>)CdnCmdlet.CredentialParameterName : CdnCmdlet.KeyParameterName);
            CdnSession.Current.Credential = credential;
            WriteVerbose($"The session credential is now access key {credential.MaskedAccessKey}{(credential.SecurityToken != null ? " with a security token" : string.Empty)}{(credential.DomainId != null ? ", domain id " + credential.DomainId : ", domain id to be discovered")} (this runspace only, in memory).");
            if (PassThru)
            {
                WriteObject(CredentialInfo.From(credential));
            }
        }
    }
}
