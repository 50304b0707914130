// Copyright (c) CdnTasks contributors. MIT License.

using System.Management.Automation;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Get-CdnConfig: the settings a command would use and where each came from (Parameter, Session,
    /// Environment, Default). -Region and -Endpoint show the effect of those per-call parameters.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CdnConfig")]
    [OutputType(typeof(CdnConfigInfo))]
    public sealed class GetCdnConfigCommand : PSCmdlet
    {
        /// <summary>Gets or sets a region as it would be passed to a command.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        /// <summary>Gets or sets an endpoint as it would be passed to a command.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Endpoint { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing() => WriteObject(SessionSettings.Report(this, Region, Endpoint));
    }
}
