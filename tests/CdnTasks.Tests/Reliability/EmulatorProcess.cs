// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CdnTasks.Api;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>
    /// The real emulator, run as a separate process on 127.0.0.1 with a dynamic port (never in-process, never a
    /// mocked HttpClient). The dll comes from CDNTASKS_EMULATOR_DLL, else the newest of out/emulator and
    /// src/CdnTasks.Emulator/bin/{Release,Debug}; when none exists it is built once with dotnet build -c Release.
    /// </summary>
    public sealed class EmulatorProcess : IDisposable
    {
        /// <summary>The emulator's default access key.</summary>
        public const string AccessKey = "HPUAEMULATORAK000001";

        /// <summary>The emulator's default secret key.</summary>
        public const string SecretKey = "emulator-secret-key-0123456789abcdef";

        /// <summary>The emulator's default account (domain) id.</summary>
        public const string DomainId = "0123456789abcdef0123456789abcdef";

        private static readonly object s_buildGate = new object();
        private static readonly HttpClient s_control = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _stderr = new ConcurrentQueue<string>();

        /// <summary>Starts an emulator with the given options (--Name value pairs).</summary>
        public EmulatorProcess(params string[] options)
        {
            string dll = LocateDll();
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(dll);
            foreach (string item in new[] { "--urls", "http://127.0.0.1:0", "--ExitOnStdinClose", "true" }.Concat(options))
            {
                info.ArgumentList.Add(item);
            }

            _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the emulator.");
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    _stderr.Enqueue(e.Data);
                }
            };
            _process.BeginErrorReadLine();
            Task<string> line = ReadListeningLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(30)) || line.Result == null)
            {
                Dispose();
                throw new InvalidOperationException("The emulator did not start: " + string.Join(Environment.NewLine, _stderr));
            }

            BaseUri = new Uri(line.Result.Substring("Listening on: ".Length).Trim());
        }

        /// <summary>Gets the emulator's base address, for example http://127.0.0.1:41234/.</summary>
        public Uri BaseUri { get; }

        /// <summary>Gets the path of the emulator dll the tests use.</summary>
        public static string LocateDll()
        {
            string fromEnvironment = Environment.GetEnvironmentVariable("CDNTASKS_EMULATOR_DLL");
            if (!string.IsNullOrWhiteSpace(fromEnvironment) && File.Exists(fromEnvironment))
            {
                return fromEnvironment;
            }

            string root = RepoRoot();
            lock (s_buildGate)
            {
                string found = Candidates(root).Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
                if (found != null)
                {
                    return found;
                }

                var build = Process.Start(new ProcessStartInfo("dotnet", "build src/CdnTasks.Emulator -c Release -nologo -v q")
                {
                    WorkingDirectory = root,
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                });
                string output = build.StandardOutput.ReadToEnd();
                build.WaitForExit();
                found = Candidates(root).FirstOrDefault(File.Exists);
                return found ?? throw new InvalidOperationException("Could not build the emulator: " + output);
            }
        }

        /// <summary>Settings for a client of this emulator: no client rate limit, fast retries, given overrides.</summary>
        public CdnSettings Settings(int maxRetry = 4, double timeoutSec = 10, double rateLimit = 0, double baseDelayMs = 10, double maxDelaySec = 60, double? clockOffsetSec = null) =>
            CdnSettings.Resolve(
                new[]
                {
                    new CdnSettingsLayer
                    {
                        Endpoint = BaseUri.GetLeftPart(UriPartial.Authority),
                        MaxRetry = maxRetry,
                        TimeoutSec = timeoutSec,
                        RateLimit = rateLimit,
                        RetryBaseDelayMs = baseDelayMs,
                        MaxRetryDelaySec = maxDelaySec,
                        TestClockOffsetSec = clockOffsetSec,
                    },
                },
                _ => null);

        /// <summary>The emulator's own credential.</summary>
        public static CdnCredential Credential(string secretKey = SecretKey, string domainId = DomainId) =>
            new CdnCredential(AccessKey, CdnCredential.ToSecureString(secretKey), null, domainId, "test");

        /// <summary>Scripts faults (restarts the emulator's request numbering).</summary>
        public void SetFaults(string script, double probability = 0, string kinds = null)
        {
            string body = JsonSerializer.Serialize(new { script = script ?? string.Empty, probability, kinds = kinds ?? string.Empty });
            Post("_emulator/faults", body);
        }

        /// <summary>Resets the request statistics.</summary>
        public void ResetStats() => Post("_emulator/stats/reset", "{}");

        /// <summary>Resets the signature-failure lockouts.</summary>
        public void ResetLockout() => Post("_emulator/lockout/reset", "{}");

        /// <summary>Reads /_emulator/stats.</summary>
        public JsonElement Stats() => Get("_emulator/stats");

        /// <summary>Gets the number of API requests the emulator received since the last reset.</summary>
        public long TotalRequests => Stats().GetProperty("totalRequests").GetInt64();

        /// <summary>Gets the tasks created through the API.</summary>
        public JsonElement[] Tasks() => Get("_emulator/tasks").GetProperty("tasks").EnumerateArray().ToArray();

        /// <inheritdoc/>
        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }

        private JsonElement Get(string path)
        {
            string text = s_control.GetStringAsync(new Uri(BaseUri, path)).GetAwaiter().GetResult();
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        private void Post(string path, string json)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = s_control.PostAsync(new Uri(BaseUri, path), content).GetAwaiter().GetResult();
            string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST {path} failed: {(int)response.StatusCode} {text}");
            }
        }

        private async Task<string> ReadListeningLineAsync()
        {
            string text;
            while ((text = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false)) != null)
            {
                if (text.StartsWith("Listening on: ", StringComparison.Ordinal))
                {
                    return text;
                }
            }

            return null;
        }

        private static IEnumerable<string> Candidates(string root) => new[]
        {
            Path.Combine(root, "out", "emulator", "CdnTasks.Emulator.dll"),
            Path.Combine(root, "src", "CdnTasks.Emulator", "bin", "Release", "net10.0", "CdnTasks.Emulator.dll"),
            Path.Combine(root, "src", "CdnTasks.Emulator", "bin", "Debug", "net10.0", "CdnTasks.Emulator.dll"),
        };

        private static string RepoRoot()
        {
            for (string dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "CdnTasks.sln")))
                {
                    return dir;
                }
            }

            throw new InvalidOperationException("Could not find the repository root (CdnTasks.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Collects the transport's messages for assertions.</summary>
    internal sealed class TestLog : ICdnLog
    {
        public ConcurrentQueue<string> Verbose { get; } = new ConcurrentQueue<string>();

        public ConcurrentQueue<string> Debug { get; } = new ConcurrentQueue<string>();

        public ConcurrentQueue<string> Warnings { get; } = new ConcurrentQueue<string>();

        /// <summary>Gets or sets whether verbose messages are wanted (as -Verbose would say).</summary>
        public bool VerboseEnabled { get; set; } = true;

        /// <summary>Gets or sets whether debug messages are wanted (as -Debug would say).</summary>
        public bool DebugEnabled { get; set; } = true;

        bool ICdnLog.IsVerboseEnabled => VerboseEnabled;

        bool ICdnLog.IsDebugEnabled => DebugEnabled;

        void ICdnLog.Verbose(string message) => Verbose.Enqueue(message);

        void ICdnLog.Debug(string message) => Debug.Enqueue(message);

        void ICdnLog.Warning(string message) => Warnings.Enqueue(message);
    }
}
