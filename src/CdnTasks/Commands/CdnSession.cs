// Copyright (c) CdnTasks contributors. MIT License.

using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Session defaults (Set-CdnCredential, Set-CdnConfig), kept in memory per runspace: a thread job or a
    /// ForEach-Object -Parallel block runs in its own runspace and does not see them (pass -Credential, or set
    /// the environment variables, there). Nothing is ever written to disk.
    /// </summary>
    internal sealed class CdnSession
    {
        private static readonly ConditionalWeakTable<Runspace, CdnSession> s_sessions = new ConditionalWeakTable<Runspace, CdnSession>();
        private static readonly CdnSession s_noRunspace = new CdnSession();

        /// <summary>Gets the session of the runspace running on this thread.</summary>
        public static CdnSession Current
        {
            get
            {
                Runspace runspace = Runspace.DefaultRunspace;
                return runspace == null ? s_noRunspace : s_sessions.GetValue(runspace, _ => new CdnSession());
            }
        }

        /// <summary>Gets or sets the session default credential, or null.</summary>
        public CdnCredential Credential { get; set; }

        /// <summary>Gets or sets the session configuration layer (its Source is Session: see <see cref="SessionSettings.Copy"/>).</summary>
        public CdnSettingsLayer Settings { get; set; } = new CdnSettingsLayer { Source = SettingSources.Session };
    }
}
