// Copyright (c) CdnTasks contributors. MIT License.
//
// Compiled by Invoke-FrameworkRulesRun.ps1 with Add-Type, in a fresh pwsh: an AssemblyLoadContext that binds the
// module folder's DLLs the way .NET Framework does for Windows PowerShell 5.1, through the module's OWN resolver
// (CdnTasks.Loading.DependencyResolver of the CdnTasks.dll loaded here, called by reflection: it is internal).

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace CdnTasks.FrameworkRules
{
    /// <summary>
    /// Loads CdnTasks.dll and the netstandard2.0 DLLs shipped beside it (never .NET's own System.Text.Json, System.Memory
    /// and so on). A request for a shipped name binds by itself only at exactly the shipped version (.NET Framework's
    /// binder without binding redirects); any other version only if the module's resolver answers it (what its
    /// AssemblyResolve handler does in Windows PowerShell 5.1), else FileLoadException 0x80131040. Anything not shipped
    /// (netstandard, System.Management.Automation) comes from the host. Every decision is recorded.
    /// </summary>
    public sealed class FrameworkRulesLoadContext : AssemblyLoadContext
    {
        private readonly string _folder;
        private readonly bool _withResolver;
        private readonly Dictionary<string, Assembly> _loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        private readonly object _resolver;
        private readonly MethodInfo _decide;
        private readonly MethodInfo _shippedIdentity;

        public FrameworkRulesLoadContext(string folder, bool withResolver)
            : base("CdnTasks under .NET Framework binding rules")
        {
            _folder = folder;
            _withResolver = withResolver;
            Module = LoadOnce("CdnTasks", Path.Combine(folder, "CdnTasks.dll"));
            Type resolverType = Module.GetType("CdnTasks.Loading.DependencyResolver", throwOnError: true);
            _decide = resolverType.GetMethod("Decide");
            _shippedIdentity = resolverType.GetMethod("ShippedIdentity");
            _resolver = resolverType.GetMethod("FromFolder", BindingFlags.Public | BindingFlags.Static).Invoke(null, new object[] { folder });
        }

        /// <summary>Gets CdnTasks.dll as loaded here.</summary>
        public Assembly Module { get; }

        /// <summary>Gets "name version -> binds | resolver: shipped version" for each dependency bound from the folder.</summary>
        public ConcurrentQueue<string> Bound { get; } = new ConcurrentQueue<string>();

        /// <summary>Gets the full names of the requests left to the host.</summary>
        public ConcurrentQueue<string> FromHost { get; } = new ConcurrentQueue<string>();

        /// <summary>Gets the full names of the requests that failed as they would on .NET Framework.</summary>
        public ConcurrentQueue<string> Failed { get; } = new ConcurrentQueue<string>();

        /// <summary>Gets name, version and file of every assembly loaded here.</summary>
        public IEnumerable<string> LoadedFiles
        {
            get
            {
                lock (_loaded)
                {
                    return _loaded.Values.Select(a => a.GetName().Name + " " + a.GetName().Version + " " + a.Location).ToList();
                }
            }
        }

        protected override Assembly Load(AssemblyName name)
        {
            if (string.Equals(name.Name, "CdnTasks", StringComparison.OrdinalIgnoreCase))
            {
                return Module;
            }

            // While the resolver itself is being built, only host assemblies are asked for.
            AssemblyName shipped = _resolver == null ? null : (AssemblyName)_shippedIdentity.Invoke(_resolver, new object[] { name.Name });
            if (shipped == null)
            {
                FromHost.Enqueue(name.FullName);
                return null;
            }

            string path = Path.Combine(_folder, shipped.Name + ".dll");
            string how;
            if (name.Version == shipped.Version && (name.GetPublicKeyToken() ?? new byte[0]).SequenceEqual(shipped.GetPublicKeyToken()))
            {
                how = "binds";
            }
            else
            {
                object[] arguments = { name, null, null };
                string verdict = _withResolver ? _decide.Invoke(_resolver, arguments).ToString() : "no resolver";
                if (verdict != "Answered")
                {
                    Failed.Enqueue(name.FullName + " (" + verdict + ")");
                    throw new FileLoadException("Could not load file or assembly '" + name.FullName + "' or one of its dependencies. The located assembly's manifest definition does not match the assembly reference. (Exception from HRESULT: 0x80131040)");
                }

                path = (string)arguments[2];
                how = "resolver: " + shipped.Version;
            }

            Bound.Enqueue(name.Name + " " + name.Version + " -> " + how);
            return LoadOnce(shipped.Name, path);
        }

        private Assembly LoadOnce(string name, string path)
        {
            lock (_loaded)
            {
                Assembly assembly;
                if (!_loaded.TryGetValue(name, out assembly))
                {
                    assembly = LoadFromAssemblyPath(path);
                    _loaded[name] = assembly;
                }

                return assembly;
            }
        }
    }
}
