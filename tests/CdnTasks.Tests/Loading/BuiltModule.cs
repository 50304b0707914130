// Copyright (c) CdnTasks contributors. MIT License.

using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace CdnTasks.Tests.Loading
{
    /// <summary>One DLL of the built module folder, read from its metadata (never loaded).</summary>
    internal sealed class ModuleDll
    {
        private ModuleDll(string path, AssemblyName identity, IReadOnlyList<AssemblyName> references)
        {
            Path = path;
            Identity = identity;
            References = references;
        }

        public string Path { get; }

        public AssemblyName Identity { get; }

        public IReadOnlyList<AssemblyName> References { get; }

        public string Name => Identity.Name;

        public static ModuleDll Read(string path)
        {
            using FileStream stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            MetadataReader metadata = pe.GetMetadataReader();
            AssemblyName identity = metadata.GetAssemblyDefinition().GetAssemblyName();
            var references = metadata.AssemblyReferences.Select(handle => metadata.GetAssemblyReference(handle).GetAssemblyName()).ToList();
            return new ModuleDll(path, identity, references);
        }
    }

    /// <summary>
    /// The built module folder (out/CdnTasks): from CDNTASKS_MODULE_MANIFEST, as build.ps1 -Task Test sets it, else
    /// out/CdnTasks under the repository root. These tests check what ships, so they need a build first.
    /// </summary>
    internal static class BuiltModule
    {
        private static readonly Lazy<string> s_folder = new Lazy<string>(Locate);

        public static string Folder => s_folder.Value;

        /// <summary>Gets every DLL of the folder, CdnTasks.dll first.</summary>
        public static IReadOnlyList<ModuleDll> Dlls() =>
            Directory.EnumerateFiles(Folder, "*.dll")
                .Select(ModuleDll.Read)
                .OrderBy(dll => dll.Name == "CdnTasks" ? 0 : 1)
                .ThenBy(dll => dll.Name, StringComparer.Ordinal)
                .ToList();

        private static string Locate()
        {
            string manifest = Environment.GetEnvironmentVariable("CDNTASKS_MODULE_MANIFEST");
            string folder = !string.IsNullOrWhiteSpace(manifest) && File.Exists(manifest)
                ? System.IO.Path.GetDirectoryName(manifest)
                : System.IO.Path.Combine(RepoRoot(), "out", "CdnTasks");
            if (!File.Exists(System.IO.Path.Combine(folder, "CdnTasks.dll")))
            {
                throw new InvalidOperationException($"The built module is not at {folder}. Build it first: dotnet pwsh ./build.ps1 -Task Build");
            }

            return folder;
        }

        private static string RepoRoot()
        {
            for (string dir = AppContext.BaseDirectory; dir != null; dir = System.IO.Path.GetDirectoryName(dir))
            {
                if (File.Exists(System.IO.Path.Combine(dir, "CdnTasks.sln")))
                {
                    return dir;
                }
            }

            throw new InvalidOperationException("Could not find the repository root (CdnTasks.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// What each supported host provides without the module folder, name to highest assembly version. These are the
    /// facts the binding tests apply; a reference to anything not listed here and not shipped fails them, so a new
    /// dependency is looked at on purpose.
    /// </summary>
    internal static class Hosts
    {
        /// <summary>
        /// Windows PowerShell 5.1 on .NET Framework 4.7.2, the manifest's minimum: netstandard.dll 2.0.0.0 is the
        /// facade .NET Framework 4.7.1+ carries (Facades/netstandard.dll of Microsoft.NETFramework.ReferenceAssemblies
        /// .net472); mscorlib, System and System.Core are 4.0.0.0 on every .NET Framework 4.x; Windows PowerShell 5.1
        /// has System.Management.Automation 3.0.0.0 in the GAC (the version PowerShellStandard.Library references).
        /// System.Memory, System.Buffers, System.Text.Json and the rest are not part of .NET Framework 4.7.2 or 4.8.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, Version> WindowsPowerShell51 = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase)
        {
            ["mscorlib"] = new Version(4, 0, 0, 0),
            ["netstandard"] = new Version(2, 0, 0, 0),
            ["System"] = new Version(4, 0, 0, 0),
            ["System.Core"] = new Version(4, 0, 0, 0),
            ["System.Management.Automation"] = new Version(3, 0, 0, 0),
        };

        /// <summary>
        /// PowerShell 7.4.0 on .NET 8.0.0, the oldest PowerShell 7 the module supports: the assembly versions of
        /// .NET 8.0.0's shared framework (data/FrameworkList.xml of Microsoft.NETCore.App.Ref 8.0.0; every System.*
        /// assembly is 8.0.0.0, netstandard 2.1.0.0) for the names the module's closure touches, and what $PSHOME adds:
        /// System.Management.Automation 7.4.0, and Microsoft.Bcl.AsyncInterfaces 5.0.0.0, the version PowerShell 7.4.0
        /// and 7.4.1 ship (PowerShell issue 21324; 7.4.2 and later ship 8.0.0.0). On PowerShell 7 these win over any
        /// copy in the module folder, so a reference above them cannot bind.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, Version> PowerShell740 = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase)
        {
            ["mscorlib"] = new Version(4, 0, 0, 0),
            ["netstandard"] = new Version(2, 1, 0, 0),
            ["System.Buffers"] = new Version(8, 0, 0, 0),
            ["System.Memory"] = new Version(8, 0, 0, 0),
            ["System.Net.Http"] = new Version(8, 0, 0, 0),
            ["System.Numerics.Vectors"] = new Version(8, 0, 0, 0),
            ["System.Runtime"] = new Version(8, 0, 0, 0),
            ["System.Runtime.CompilerServices.Unsafe"] = new Version(8, 0, 0, 0),
            ["System.Text.Encodings.Web"] = new Version(8, 0, 0, 0),
            ["System.Text.Json"] = new Version(8, 0, 0, 0),
            ["System.Threading.Channels"] = new Version(8, 0, 0, 0),
            ["System.Threading.Tasks.Extensions"] = new Version(8, 0, 0, 0),
            ["System.Management.Automation"] = new Version(7, 4, 0, 0),
            ["Microsoft.Bcl.AsyncInterfaces"] = new Version(5, 0, 0, 0),
        };
    }
}
