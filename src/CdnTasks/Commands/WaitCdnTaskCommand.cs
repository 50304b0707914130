// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Wait-CdnTask: waits until CDN tasks are done, polling their counts within the API's rate limit, with a
    /// progress bar per task; writes each finished task and reports failed URLs, unknown tasks and unknown
    /// statuses as non-terminating errors; stops after -Timeout (30 minutes by default) naming the tasks still
    /// running.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "CdnTask")]
    [OutputType(typeof(CdnTask))]
    public sealed class WaitCdnTaskCommand : CdnCmdlet
    {
        private readonly List<TaskWaiter.Item> _tasks = new List<TaskWaiter.Item>();

        /// <summary>
        /// Gets or sets the ids of the tasks to wait for (alias -Id). Tasks and URL records piped in bind by their
        /// TaskId property (a number, so it binds before any conversion), other objects by an Id property; strings of
        /// digits bind as ids.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateRange(1, long.MaxValue)]
        public long[] TaskId { get; set; }

        /// <summary>Gets or sets the longest wait (a TimeSpan or a number of seconds); 30 minutes by default.</summary>
        [Parameter]
        [TimeoutTransformation]
        public TimeSpan Timeout { get; set; } = TaskWaiter.DefaultTimeout;

        /// <summary>Gets or sets the seconds between polls (default 2).</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSec { get; set; } = 2;

        /// <summary>
        /// Gets or sets the creation time of a task piped in (its CreateTimeUtc property, as Get-CdnTask, Clear-CdnCache
        /// and Import-CdnCache write it): with it, the task's state is learnt from ShowHistoryTasks over that time.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public DateTime? CreateTimeUtc { get; set; }

        /// <summary>Gets or sets the file type of a task piped in (its FileType property).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string FileType { get; set; }

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
            // A task piped in carries when it was created and its file type: a record written by Get-CdnTask has the
            // service's time, one just created by Clear-CdnCache or Import-CdnCache this machine's (Status Running,
            // no counts yet). Bare ids carry nothing; the first poll asks for each of them by id.
            bool one = TaskId.Length == 1;
            foreach (long id in TaskId)
            {
                _tasks.Add(new TaskWaiter.Item(id, one ? CreateTimeUtc : null, one ? FileType : null));
            }

            CreateTimeUtc = null;
            FileType = null;
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
                Timeout = Timeout,
                EnterpriseProjectId = EnterpriseProjectId,
            }.Run(_tasks));
        }
    }
}
