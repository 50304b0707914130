// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Wait-CdnTask: waits until CDN tasks are done, polling their counts within the API's rate limit, with a
    /// progress bar per task; writes each finished task and reports failed URLs as non-terminating errors.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "CdnTask")]
    [OutputType(typeof(CdnTask))]
    public sealed class WaitCdnTaskCommand : CdnCmdlet
    {
        private readonly List<KeyValuePair<string, int?>> _tasks = new List<KeyValuePair<string, int?>>();

        /// <summary>Gets or sets the ids of the tasks to wait for. Tasks piped in bind by their Id (or TaskId) property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; }

        /// <summary>Gets or sets the task id of a piped object that has one (a CdnUrlTask); it wins over Id.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string TaskId { get; set; }

        /// <summary>Gets or sets the URL count of a piped task that this session submitted (kept on the finished task).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public int? UrlCount { get; set; }

        /// <summary>Gets or sets the longest wait (a TimeSpan or a number of seconds); by default waits until every task is done.</summary>
        [Parameter]
        [TimeoutTransformation]
        public TimeSpan Timeout { get; set; }

        /// <summary>Gets or sets the seconds between polls (default 2).</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSec { get; set; } = 2;

        /// <summary>Gets or sets the enterprise project id, or null.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EnterpriseProjectId { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) && Timeout <= TimeSpan.Zero)
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, $"-Timeout must be positive; got {Timeout}.", Timeout);
            }
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            // A piped object with a TaskId property (CdnTask, CdnUrlTask) names its task there; its Id may be a record id.
            string[] ids = string.IsNullOrEmpty(TaskId) ? Id : new[] { TaskId };
            foreach (string raw in ids)
            {
                if (TryTaskId(raw, out string id))
                {
                    _tasks.Add(new KeyValuePair<string, int?>(id, UrlCount));
                }
            }

            TaskId = null;
            UrlCount = null;
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (_tasks.Count == 0)
            {
                return;
            }

            RunCancellable(() => new TaskWaiter(this, "Wait-CdnTask")
            {
                PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
                Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : (TimeSpan?)null,
                EnterpriseProjectId = EnterpriseProjectId,
            }.Run(_tasks));
        }
    }
}
