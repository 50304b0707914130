// Copyright (c) CdnTasks contributors. MIT License.

using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CdnTasks.Tests.Reliability;
using Xunit;

namespace CdnTasks.Tests.Emulator
{
    /// <summary>The emulator as a process: stdin closed from the start, HTTPS with a certificate made at start-up.</summary>
    public sealed class ProcessTests
    {
        [Fact]
        public async Task ExitOnStdinClose_WithStdinClosedFromTheStart_StartsThenStopsCleanly()
        {
            string dll = EmulatorProcess.LocateDll();
            // Exactly what CI without stdin does: the shell connects stdin to the null device.
            ProcessStartInfo info = OperatingSystem.IsWindows()
                ? new ProcessStartInfo("cmd", $"/c dotnet \"{dll}\" --urls http://127.0.0.1:0 --ExitOnStdinClose true <NUL")
                : new ProcessStartInfo("/bin/sh", new[] { "-c", "exec dotnet \"$0\" --urls http://127.0.0.1:0 --ExitOnStdinClose true </dev/null", dll });
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;

            using Process process = Process.Start(info);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            bool exited = process.WaitForExit(60_000);
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
            }

            Assert.True(exited, "the emulator did not stop");
            string output = await stdout;
            string errors = await stderr;
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; stderr: {errors}");
            Assert.Contains("Listening on: http://127.0.0.1:", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", errors, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Https_ServesWithAFreshSelfSignedCertificate_ThatClientsTrustByItsFile()
        {
            string folder = Directory.CreateTempSubdirectory("cdnemu-test-cert-").FullName;
            try
            {
                using var emulator = new EmulatorProcess("--urls", "https://127.0.0.1:0", "--CertificatePath", folder);
                Assert.Equal("https", emulator.BaseUri.Scheme);
                using X509Certificate2 expected = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(folder, "emulator-cert.pem"));

                // Not trusted by the system: a plain client fails the handshake.
                using (var plain = new HttpClient(new SocketsHttpHandler { UseProxy = false }))
                {
                    await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new Uri(emulator.BaseUri, "/_emulator/health")));
                }

                // Trusted by its thumbprint: the name matches 127.0.0.1, only the chain is unknown.
                SslPolicyErrors seen = SslPolicyErrors.None;
                var handler = new SocketsHttpHandler { UseProxy = false };
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    seen = errors;
                    return certificate is X509Certificate2 c && c.Thumbprint == expected.Thumbprint;
                };
                using var pinned = new HttpClient(handler);
                HttpResponseMessage health = await pinned.GetAsync(new Uri(emulator.BaseUri, "/_emulator/health"));

                Assert.Equal(200, (int)health.StatusCode);
                Assert.Equal(SslPolicyErrors.RemoteCertificateChainErrors, seen);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task Https_WithCertificateHost_GivesANameMismatchForTheLoopbackAddress()
        {
            using var emulator = new EmulatorProcess("--urls", "https://127.0.0.1:0", "--CertificateHost", "cdn.example.invalid");
            SslPolicyErrors seen = SslPolicyErrors.None;
            var handler = new SocketsHttpHandler { UseProxy = false };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) =>
            {
                seen = errors;
                return false;
            };
            using var client = new HttpClient(handler);

            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(emulator.BaseUri, "/_emulator/health")));
            Assert.True(seen.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch), seen.ToString());
        }
    }
}
