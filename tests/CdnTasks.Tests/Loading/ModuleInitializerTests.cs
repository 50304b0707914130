// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Loading;
using Xunit;

namespace CdnTasks.Tests.Loading
{
    /// <summary>Which runtimes Import-Module refuses, and with what message.</summary>
    public class ModuleInitializerTests
    {
        [Theory]
        [InlineData("6.0.36")] // PowerShell 7.2
        [InlineData("7.0.20")] // PowerShell 7.3
        public void PowerShellBefore74IsRefusedNamingTheMinimum(string runtime)
        {
            string message = ModuleInitializer.UnsupportedRuntime(isNetFramework: false, new Version(runtime));

            Assert.NotNull(message);
            Assert.Contains("PowerShell 7.4 or later", message);
            Assert.Contains(".NET " + new Version(runtime).ToString(2), message);
        }

        [Theory]
        [InlineData(false, "8.0.0")]       // PowerShell 7.4.0
        [InlineData(false, "10.0.2")]      // PowerShell 7.6
        [InlineData(true, "4.0.30319.42000")] // Windows PowerShell 5.1 (.NET Framework 4.x reports the CLR 4 version)
        public void SupportedRuntimesPass(bool isNetFramework, string runtime)
        {
            Assert.Null(ModuleInitializer.UnsupportedRuntime(isNetFramework, new Version(runtime)));
        }
    }
}
