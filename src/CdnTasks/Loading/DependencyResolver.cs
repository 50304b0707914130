// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace CdnTasks.Loading
{
    /// <summary>What <see cref="DependencyResolver.Decide"/> concluded about one assembly request.</summary>
    internal enum ResolveVerdict
    {
        /// <summary>Answered with the DLL shipped in the module folder.</summary>
        Answered,

        /// <summary>Refused: no DLL of that name ships with the module.</summary>
        NotShipped,

        /// <summary>Refused: the request names no version (a partial name), which no compiled reference does.</summary>
        NoVersion,

        /// <summary>Refused: the request asks for a culture (a satellite assembly).</summary>
        NotNeutral,

        /// <summary>Refused: the request names another publisher's key (or none).</summary>
        OtherPublicKey,

        /// <summary>Refused: the request asks for a higher version than the one shipped.</summary>
        NewerThanShipped,

        /// <summary>Refused: the request comes from an assembly that is neither CdnTasks nor one of its DLLs.</summary>
        ForeignRequester,
    }

    /// <summary>
    /// Which assembly requests the module answers from its own folder on .NET Framework. Windows PowerShell 5.1
    /// applies no binding redirects to a module, and the netstandard2.0 dependency set does not agree with itself
    /// (System.Memory asks for System.Buffers 4.0.2.0 and System.Runtime.CompilerServices.Unsafe 4.0.4.1; the folder
    /// holds 4.0.3.0 and 6.0.0.0, and no folder can hold two versions of one name). The rule: a request is answered
    /// with a DLL of the module folder when the DLL has the requested simple name, public key token and neutral
    /// culture, its version is at least the one asked for, and the requesting assembly, when the runtime names one, is
    /// CdnTasks or one of those DLLs. Everything else is refused, so the runtime's own error stands. No PowerShell
    /// types here: the decision is unit-tested without a runspace; <see cref="ModuleInitializer"/> wires it up.
    /// </summary>
    internal sealed class DependencyResolver
    {
        private readonly Dictionary<string, Shipped> _shipped = new Dictionary<string, Shipped>(StringComparer.OrdinalIgnoreCase);
        private readonly AssemblyName _module;

        /// <summary>Creates the resolver for a module assembly and the DLLs shipped beside it (identity and path).</summary>
        public DependencyResolver(AssemblyName module, IEnumerable<KeyValuePair<AssemblyName, string>> shipped)
        {
            _module = module ?? throw new ArgumentNullException(nameof(module));
            foreach (KeyValuePair<AssemblyName, string> item in shipped ?? throw new ArgumentNullException(nameof(shipped)))
            {
                _shipped[item.Key.Name] = new Shipped(item.Key, item.Value);
            }
        }

        /// <summary>Gets the identities of the shipped DLLs (the module assembly excluded).</summary>
        public IEnumerable<AssemblyName> ShippedAssemblies => _shipped.Values.Select(s => s.Identity);

        /// <summary>
        /// Reads the identity of CdnTasks.dll and of every other DLL in <paramref name="folder"/> (metadata only,
        /// nothing is loaded). Files that are not .NET assemblies, or cannot be read, are skipped.
        /// </summary>
        public static DependencyResolver FromFolder(string folder)
        {
            AssemblyName module = AssemblyName.GetAssemblyName(Path.Combine(folder, "CdnTasks.dll"));
            var shipped = new List<KeyValuePair<AssemblyName, string>>();
            foreach (string path in Directory.EnumerateFiles(folder, "*.dll"))
            {
                if (string.Equals(Path.GetFileName(path), "CdnTasks.dll", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                try
                {
                    shipped.Add(new KeyValuePair<AssemblyName, string>(AssemblyName.GetAssemblyName(path), path));
                }
                catch (Exception ex) when (ex is BadImageFormatException || ex is IOException)
                {
                    // Not a .NET assembly, or unreadable: nothing to answer from.
                }
            }

            return new DependencyResolver(module, shipped);
        }

        /// <summary>Gets the shipped identity of <paramref name="simpleName"/>, or null when no such DLL ships.</summary>
        public AssemblyName ShippedIdentity(string simpleName) => simpleName != null && _shipped.TryGetValue(simpleName, out Shipped shipped) ? shipped.Identity : null;

        /// <summary>
        /// Decides one request: <paramref name="requested"/> as the runtime asks for it, <paramref name="requester"/>
        /// the identity of the assembly whose reference is being bound, or null when the runtime does not say
        /// (.NET Framework often does not). <paramref name="path"/> is the file to load when the verdict is Answered.
        /// </summary>
        public ResolveVerdict Decide(AssemblyName requested, AssemblyName requester, out string path)
        {
            path = null;
            if (requested?.Name == null || !_shipped.TryGetValue(requested.Name, out Shipped shipped))
            {
                return ResolveVerdict.NotShipped;
            }

            if (requested.Version == null)
            {
                return ResolveVerdict.NoVersion;
            }

            if (!string.IsNullOrEmpty(requested.CultureName))
            {
                return ResolveVerdict.NotNeutral;
            }

            if (!SameToken(requested.GetPublicKeyToken(), shipped.Identity.GetPublicKeyToken()))
            {
                return ResolveVerdict.OtherPublicKey;
            }

            if (requested.Version > shipped.Identity.Version)
            {
                return ResolveVerdict.NewerThanShipped;
            }

            if (requester != null && !IsOurs(requester))
            {
                return ResolveVerdict.ForeignRequester;
            }

            path = shipped.Path;
            return ResolveVerdict.Answered;
        }

        /// <summary>The AssemblyResolve handler's body: the shipped assembly, or null (refused, or it would not load).</summary>
        public Assembly Resolve(string requestedName, Assembly requestingAssembly)
        {
            try
            {
                if (Decide(new AssemblyName(requestedName), requestingAssembly?.GetName(), out string path) != ResolveVerdict.Answered)
                {
                    return null;
                }

                // LoadFrom, as PowerShell loads the module itself: a second request returns the same assembly.
                return Assembly.LoadFrom(path);
            }
            catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is ArgumentException || ex is UnauthorizedAccessException)
            {
                // Refuse rather than throw from the event: the runtime then reports the original binding failure.
                return null;
            }
        }

        private bool IsOurs(AssemblyName requester)
        {
            if (string.Equals(requester.Name, _module.Name, StringComparison.OrdinalIgnoreCase))
            {
                return requester.Version == _module.Version;
            }

            return _shipped.TryGetValue(requester.Name ?? string.Empty, out Shipped shipped) && requester.Version == shipped.Identity.Version;
        }

        // A plain loop: the resolver must need nothing it resolves, and Enumerable/MemoryExtensions.SequenceEqual
        // on arrays binds to System.Memory's span overload under C# 14.
        private static bool SameToken(byte[] left, byte[] right)
        {
            if (left == null || right == null || left.Length == 0 || left.Length != right.Length)
            {
                return false;
            }

            for (int i = 0; i < left.Length; i++)
            {
                if (left[i] != right[i])
                {
                    return false;
                }
            }

            return true;
        }

        private sealed class Shipped
        {
            public Shipped(AssemblyName identity, string path)
            {
                Identity = identity;
                Path = path;
            }

            public AssemblyName Identity { get; }

            public string Path { get; }
        }
    }
}
