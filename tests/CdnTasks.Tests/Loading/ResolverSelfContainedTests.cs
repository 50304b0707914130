// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Xunit;

namespace CdnTasks.Tests.Loading
{
    /// <summary>
    /// The resolver runs while a dependency is failing to bind, so its own code must need none of the DLLs it
    /// resolves (or the request recurses until the stack overflows). Runs the built module's resolver in a context
    /// that refuses every shipped DLL and records who asked.
    /// </summary>
    public class ResolverSelfContainedTests
    {
        [Fact]
        public void TheResolverAndTheInitializerNeedNoShippedDependency()
        {
            var context = new OnlyHostContext(BuiltModule.Folder);
            Assembly module = context.LoadFromAssemblyPath(Path.Combine(BuiltModule.Folder, "CdnTasks.dll"));
            Type resolverType = module.GetType("CdnTasks.Loading.DependencyResolver", throwOnError: true);

            object resolver = resolverType.GetMethod("FromFolder").Invoke(null, new object[] { BuiltModule.Folder });
            foreach (string request in new[]
            {
                "System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51",
                "System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a",
                "System.Buffers, Version=9.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51",
                "System.Buffers, Version=4.0.2.0, Culture=de, PublicKeyToken=cc7b13ffcd2ddd51",
                "System.Buffers",
                "Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed",
            })
            {
                object[] arguments = { new AssemblyName(request), null, null };
                resolverType.GetMethod("Decide").Invoke(resolver, arguments);
            }

            Assert.Null(resolverType.GetMethod("Resolve").Invoke(resolver, new object[] { "System.Buffers, Version=9.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", null }));
            object initializer = Activator.CreateInstance(module.GetType("CdnTasks.Loading.ModuleInitializer", throwOnError: true));
            initializer.GetType().GetMethod("OnImport").Invoke(initializer, null);

            Assert.Empty(context.ShippedRequests);
        }

        /// <summary>Loads CdnTasks.dll; refuses (and records) every DLL shipped beside it; everything else comes from the host.</summary>
        private sealed class OnlyHostContext : AssemblyLoadContext
        {
            private readonly HashSet<string> _shipped;

            public OnlyHostContext(string folder)
                : base("CdnTasks with no shipped dependency")
            {
                _shipped = Directory.EnumerateFiles(folder, "*.dll").Select(Path.GetFileNameWithoutExtension).Where(n => n != "CdnTasks").ToHashSet(StringComparer.OrdinalIgnoreCase);
            }

            public ConcurrentQueue<string> ShippedRequests { get; } = new ConcurrentQueue<string>();

            protected override Assembly Load(AssemblyName name)
            {
                if (_shipped.Contains(name.Name))
                {
                    ShippedRequests.Enqueue(name.FullName);
                    throw new FileLoadException("Refused in this test: " + name.FullName);
                }

                return null;
            }
        }
    }
}
