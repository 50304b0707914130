// Copyright (c) CdnTasks contributors. MIT License.

using System.Reflection;
using CdnTasks.Loading;
using Xunit;
using Xunit.Abstractions;

namespace CdnTasks.Tests.Loading
{
    /// <summary>
    /// The binding rules of both hosts applied to the BUILT module folder (out/CdnTasks), from metadata alone, so
    /// that a dependency change that would break Windows PowerShell 5.1 or PowerShell 7.4.0 fails here, on Linux.
    /// </summary>
    public class BindingTests
    {
        private readonly ITestOutputHelper _output;

        public BindingTests(ITestOutputHelper output)
        {
            _output = output;
        }

        /// <summary>
        /// .NET Framework, as Windows PowerShell 5.1 loads a module (no binding redirects): a reference to a DLL in the
        /// module folder binds by itself only to exactly that version; any other version fails with FileLoadException
        /// (0x80131040) unless the module's resolver answers it. A reference to anything not shipped must be something
        /// .NET Framework 4.7.2 or Windows PowerShell 5.1 provides, at that version or lower.
        /// </summary>
        [Fact]
        public void EveryReferenceBindsOnWindowsPowerShell51()
        {
            IReadOnlyList<ModuleDll> dlls = BuiltModule.Dlls();
            var shipped = dlls.ToDictionary(dll => dll.Name, StringComparer.OrdinalIgnoreCase);
            DependencyResolver resolver = DependencyResolver.FromFolder(BuiltModule.Folder);
            var problems = new List<string>();

            foreach (ModuleDll dll in dlls)
            {
                foreach (AssemblyName reference in dll.References)
                {
                    string what = $"{dll.Name} {dll.Identity.Version} -> {reference.Name} {reference.Version}";
                    if (shipped.TryGetValue(reference.Name, out ModuleDll target))
                    {
                        bool exact = target.Identity.Version == reference.Version
                            && target.Identity.GetPublicKeyToken().SequenceEqual(reference.GetPublicKeyToken() ?? Array.Empty<byte>());
                        ResolveVerdict verdict = resolver.Decide(reference, dll.Identity, out _);
                        _output.WriteLine($"{what}: shipped {target.Identity.Version}, {(exact ? "binds" : verdict == ResolveVerdict.Answered ? "answered by the resolver" : "FAILS (" + verdict + ")")}");
                        if (!exact && verdict != ResolveVerdict.Answered)
                        {
                            problems.Add($"{what}: the folder has {target.Identity.Version} and the resolver refuses it ({verdict}); .NET Framework would throw FileLoadException.");
                        }
                    }
                    else if (!Hosts.WindowsPowerShell51.TryGetValue(reference.Name, out Version provided))
                    {
                        problems.Add($"{what}: not shipped, and not part of .NET Framework 4.7.2 or Windows PowerShell 5.1 (ship it, or add it to Hosts.WindowsPowerShell51 with the version that host really has).");
                    }
                    else if (reference.Version > provided)
                    {
                        problems.Add($"{what}: Windows PowerShell 5.1 on .NET Framework 4.7.2 provides {provided}.");
                    }
                    else
                    {
                        _output.WriteLine($"{what}: provided by the host ({provided})");
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        /// <summary>
        /// PowerShell 7.4.0 (.NET 8.0.0): the host's own assemblies always win over the module folder's, so every
        /// reference CdnTasks.dll makes to one of them must ask for no more than 7.4.0 has; only references to what the
        /// host lacks are served from the folder (and then their references count too). Needs CdnTasks.dll to have no
        /// reference to Microsoft.Bcl.AsyncInterfaces 8.0.0.0 (7.4.0 and 7.4.1 have 5.0.0.0).
        /// </summary>
        [Fact]
        public void EveryReferenceBindsOnPowerShell740()
        {
            var shipped = BuiltModule.Dlls().ToDictionary(dll => dll.Name, StringComparer.OrdinalIgnoreCase);
            var problems = new List<string>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<ModuleDll>();
            queue.Enqueue(shipped["CdnTasks"]);
            while (queue.Count > 0)
            {
                ModuleDll dll = queue.Dequeue();
                if (!seen.Add(dll.Name))
                {
                    continue;
                }

                foreach (AssemblyName reference in dll.References)
                {
                    string what = $"{dll.Name} -> {reference.Name} {reference.Version}";
                    if (Hosts.PowerShell740.TryGetValue(reference.Name, out Version provided))
                    {
                        _output.WriteLine($"{what}: PowerShell 7.4.0 has {provided}");
                        if (reference.Version > provided)
                        {
                            problems.Add($"{what}: PowerShell 7.4.0 has {provided}, which wins over the module folder's copy, so the load fails with FileLoadException.");
                        }
                    }
                    else if (shipped.TryGetValue(reference.Name, out ModuleDll target))
                    {
                        _output.WriteLine($"{what}: from the module folder ({target.Identity.Version})");
                        queue.Enqueue(target);
                    }
                    else
                    {
                        problems.Add($"{what}: neither shipped nor part of PowerShell 7.4.0 / .NET 8 (ship it, or add it to Hosts.PowerShell740 with the version .NET 8.0.0 has).");
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        /// <summary>Every DLL shipped is reached from CdnTasks.dll through references: nothing unused is shipped.</summary>
        [Fact]
        public void EveryShippedDllIsReferenced()
        {
            IReadOnlyList<ModuleDll> dlls = BuiltModule.Dlls();
            var byName = dlls.ToDictionary(dll => dll.Name, StringComparer.OrdinalIgnoreCase);
            var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<string>(new[] { "CdnTasks" });
            while (queue.Count > 0)
            {
                string name = queue.Dequeue();
                if (byName.TryGetValue(name, out ModuleDll dll) && reached.Add(name))
                {
                    foreach (AssemblyName reference in dll.References)
                    {
                        queue.Enqueue(reference.Name);
                    }
                }
            }

            string[] unused = dlls.Select(dll => dll.Name).Where(name => !reached.Contains(name)).ToArray();
            Assert.True(unused.Length == 0, "Shipped but referenced by nothing: " + string.Join(", ", unused));
        }
    }
}
