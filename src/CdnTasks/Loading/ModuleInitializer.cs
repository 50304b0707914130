// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.IO;
using System.Management.Automation;
using CdnTasks.Api;

namespace CdnTasks.Loading
{
    /// <summary>
    /// Runs when Import-Module loads CdnTasks.dll, before any cmdlet. On PowerShell 7 older than 7.4 it stops the
    /// import with a message naming the minimum version (the module binds to .NET 8's System.Text.Json). On Windows
    /// PowerShell 5.1 (.NET Framework) it registers <see cref="DependencyResolver"/> as an AppDomain.AssemblyResolve
    /// handler, once per process; on PowerShell 7 it registers nothing, since .NET's own assemblies (all at least
    /// the versions referenced) serve every dependency there. The handler stays registered after Remove-Module:
    /// the assemblies it serves stay loaded (.NET Framework cannot unload them), and other runspaces of the process
    /// may still be using the module.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        /// <summary>The .NET major version PowerShell 7.4 runs on, the oldest CdnTasks supports on PowerShell 7.</summary>
        internal const int MinimumCoreRuntimeMajor = 8;

        private static readonly object s_gate = new object();
        private static DependencyResolver s_resolver;

        /// <inheritdoc/>
        public void OnImport()
        {
            string problem = UnsupportedRuntime(DesktopHttp.IsNetFramework, Environment.Version);
            if (problem != null)
            {
                throw new PlatformNotSupportedException(problem);
            }

            // A module loaded from bytes has no folder to answer from.
            string location = typeof(ModuleInitializer).Assembly.Location;
            if (!DesktopHttp.IsNetFramework || string.IsNullOrEmpty(location))
            {
                return;
            }

            lock (s_gate)
            {
                if (s_resolver != null)
                {
                    return;
                }

                DependencyResolver resolver = DependencyResolver.FromFolder(Path.GetDirectoryName(location));
                AppDomain.CurrentDomain.AssemblyResolve += (sender, args) => resolver.Resolve(args.Name, args.RequestingAssembly);
                s_resolver = resolver;
            }
        }

        /// <summary>
        /// Why this runtime cannot run the module, or null when it can: on .NET (PowerShell 7), a runtime older than
        /// .NET 8 holds a System.Text.Json older than the 8.0.0.0 that CdnTasks.dll references, and .NET never lets a
        /// module folder's copy replace its own. .NET Framework is checked by the manifest (DotNetFrameworkVersion).
        /// </summary>
        internal static string UnsupportedRuntime(bool isNetFramework, Version runtimeVersion)
        {
            if (isNetFramework || runtimeVersion == null || runtimeVersion.Major >= MinimumCoreRuntimeMajor)
            {
                return null;
            }

            return $"CdnTasks needs PowerShell 7.4 or later (or Windows PowerShell 5.1): it is built on .NET {MinimumCoreRuntimeMajor}, and this PowerShell runs on .NET {runtimeVersion.ToString(2)}. Install PowerShell 7.4 LTS or later and import the module there.";
        }
    }
}
