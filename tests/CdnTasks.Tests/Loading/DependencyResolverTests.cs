// Copyright (c) CdnTasks contributors. MIT License.

using System.Reflection;
using CdnTasks.Loading;
using Xunit;

namespace CdnTasks.Tests.Loading
{
    /// <summary>The resolver's decision: which names and versions it answers from the module folder, and what it refuses.</summary>
    public class DependencyResolverTests
    {
        private const string Microsoft = "cc7b13ffcd2ddd51";
        private const string MicrosoftOther = "b03f5f7f11d50a3a";

        private static readonly AssemblyName s_module = Name("CdnTasks", "0.1.0.0", token: null);

        private static readonly DependencyResolver s_resolver = new DependencyResolver(s_module, new[]
        {
            Shipped("System.Buffers", "4.0.3.0"),
            Shipped("System.Memory", "4.0.1.2"),
            Shipped("System.Runtime.CompilerServices.Unsafe", "6.0.0.0", MicrosoftOther),
            Shipped("System.Text.Json", "8.0.0.0"),
        });

        [Theory]
        [InlineData("System.Buffers", "4.0.2.0", Microsoft, "System.Buffers")]                                 // System.Memory's and System.Text.Json's reference
        [InlineData("System.Buffers", "4.0.3.0", Microsoft, "System.Buffers")]                                 // the shipped version itself
        [InlineData("System.Runtime.CompilerServices.Unsafe", "4.0.4.1", MicrosoftOther, "System.Runtime.CompilerServices.Unsafe")] // across a major version
        [InlineData("system.memory", "4.0.1.0", Microsoft, "System.Memory")]                                   // simple names are case-insensitive
        public void AnswersAVersionUpToTheShippedOne(string name, string version, string token, string file)
        {
            ResolveVerdict verdict = s_resolver.Decide(Name(name, version, token), requester: null, out string path);

            Assert.Equal(ResolveVerdict.Answered, verdict);
            Assert.Equal(Path.Combine("module", file + ".dll"), path);
        }

        [Fact]
        public void RefusesAVersionAboveTheShippedOne()
        {
            Assert.Equal(ResolveVerdict.NewerThanShipped, s_resolver.Decide(Name("System.Buffers", "4.0.4.0"), null, out string path));
            Assert.Null(path);
            Assert.Equal(ResolveVerdict.NewerThanShipped, s_resolver.Decide(Name("System.Text.Json", "9.0.0.0"), null, out _));
        }

        [Theory]
        [InlineData("Newtonsoft.Json")]          // another module's dependency
        [InlineData("System.Threading.Channels")] // not shipped
        [InlineData("CdnTasks")]                  // the module itself is PowerShell's to load
        [InlineData("System.Text.Json.resources")]
        public void RefusesWhatIsNotShipped(string name)
        {
            Assert.Equal(ResolveVerdict.NotShipped, s_resolver.Decide(Name(name, "1.0.0.0"), null, out string path));
            Assert.Null(path);
        }

        [Fact]
        public void RefusesAnotherPublisherOrAnUnsignedReference()
        {
            Assert.Equal(ResolveVerdict.OtherPublicKey, s_resolver.Decide(Name("System.Buffers", "4.0.2.0", "0123456789abcdef"), null, out _));
            Assert.Equal(ResolveVerdict.OtherPublicKey, s_resolver.Decide(Name("System.Buffers", "4.0.2.0", token: null), null, out _));
            Assert.Equal(ResolveVerdict.OtherPublicKey, s_resolver.Decide(Name("System.Runtime.CompilerServices.Unsafe", "4.0.4.1", Microsoft), null, out _));
        }

        [Fact]
        public void RefusesASatelliteCulture()
        {
            AssemblyName german = Name("System.Text.Json", "8.0.0.0");
            german.CultureName = "de";

            Assert.Equal(ResolveVerdict.NotNeutral, s_resolver.Decide(german, null, out _));
        }

        [Fact]
        public void RefusesAPartialName()
        {
            Assert.Equal(ResolveVerdict.NoVersion, s_resolver.Decide(new AssemblyName("System.Buffers"), null, out _));
        }

        [Fact]
        public void AnswersForCdnTasksAndItsDllsOnly()
        {
            AssemblyName request = Name("System.Buffers", "4.0.2.0");

            Assert.Equal(ResolveVerdict.Answered, s_resolver.Decide(request, s_module, out _));
            Assert.Equal(ResolveVerdict.Answered, s_resolver.Decide(request, Name("System.Memory", "4.0.1.2"), out _));
            Assert.Equal(ResolveVerdict.Answered, s_resolver.Decide(request, requester: null, out _));

            // Another module's assembly, another module's copy of a shared dependency, another CdnTasks version.
            Assert.Equal(ResolveVerdict.ForeignRequester, s_resolver.Decide(request, Name("Az.Accounts", "2.0.0.0", token: null), out _));
            Assert.Equal(ResolveVerdict.ForeignRequester, s_resolver.Decide(request, Name("System.Memory", "4.0.1.1"), out _));
            Assert.Equal(ResolveVerdict.ForeignRequester, s_resolver.Decide(request, Name("CdnTasks", "0.2.0.0", token: null), out _));
        }

        [Fact]
        public void ResolveReturnsNullForARefusalOrAMalformedName()
        {
            Assert.Null(s_resolver.Resolve("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed", null));
            Assert.Null(s_resolver.Resolve("System.Buffers, Version=9.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", null));
            Assert.Null(s_resolver.Resolve(",,,", null));
        }

        [Fact]
        public void ReadsTheFolderByMetadataAndSkipsFilesThatAreNotAssemblies()
        {
            string folder = Path.Combine(Path.GetTempPath(), "cdntasks-resolver-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.Copy(Path.Combine(BuiltModule.Folder, "CdnTasks.dll"), Path.Combine(folder, "CdnTasks.dll"));
                File.Copy(Path.Combine(BuiltModule.Folder, "System.Buffers.dll"), Path.Combine(folder, "System.Buffers.dll"));
                File.WriteAllText(Path.Combine(folder, "native.dll"), "not a .NET assembly");

                DependencyResolver resolver = DependencyResolver.FromFolder(folder);

                AssemblyName buffers = Assert.Single(resolver.ShippedAssemblies);
                Assert.Equal("System.Buffers", buffers.Name);
                Assert.Equal(ResolveVerdict.Answered, resolver.Decide(Name("System.Buffers", "4.0.2.0"), null, out string path));
                Assert.Equal(Path.Combine(folder, "System.Buffers.dll"), path);
                Assert.Equal(ResolveVerdict.NotShipped, resolver.Decide(Name("native", "1.0.0.0"), null, out _));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static KeyValuePair<AssemblyName, string> Shipped(string name, string version, string token = Microsoft) =>
            new KeyValuePair<AssemblyName, string>(Name(name, version, token), Path.Combine("module", name + ".dll"));

        private static AssemblyName Name(string name, string version, string token = Microsoft)
        {
            var assemblyName = new AssemblyName(name) { Version = new Version(version), CultureName = string.Empty };
            assemblyName.SetPublicKeyToken(token == null ? Array.Empty<byte>() : Convert.FromHexString(token));
            return assemblyName;
        }
    }
}
