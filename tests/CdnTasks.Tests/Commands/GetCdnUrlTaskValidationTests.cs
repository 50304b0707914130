// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CdnTasks.Commands;
using Xunit;

namespace CdnTasks.Tests.Commands
{
    /// <summary>One runspace with Get-CdnUrlTask added as a cmdlet entry (the module is not built here).</summary>
    public sealed class CdnRunspaceFixture : IDisposable
    {
        public CdnRunspaceFixture()
        {
            InitialSessionState iss = InitialSessionState.CreateDefault2();
            iss.Commands.Add(new SessionStateCmdletEntry("Get-CdnUrlTask", typeof(GetCdnUrlTaskCommand), null));
            Runspace = RunspaceFactory.CreateRunspace(iss);
            Runspace.Open();
        }

        public Runspace Runspace { get; }

        public void Dispose() => Runspace.Dispose();
    }

    /// <summary>
    /// Get-CdnUrlTask hosted in-process: every bad input fails with its own FullyQualifiedErrorId and category before
    /// any request. The endpoint is http://127.0.0.1:9, where nothing listens, so a request that was sent shows up as
    /// a connection error (the control test proves that).
    /// </summary>
    [Collection(ProcessEnvironmentCollection.Name)]
    public class GetCdnUrlTaskValidationTests : IClassFixture<CdnRunspaceFixture>
    {
        private const string DeadEndpoint = "http://127.0.0.1:9";
        private const string Command = "CdnTasks.Commands.GetCdnUrlTaskCommand";

        private static readonly Dictionary<string, string> s_dummyCredentials = new Dictionary<string, string>
        {
            ["HUAWEICLOUD_SDK_AK"] = "HPUADUMMYAK000000001",
            ["HUAWEICLOUD_SDK_SK"] = "dummy-secret-key-not-real",
            ["HUAWEICLOUD_SDK_DOMAIN_ID"] = "0123456789abcdef0123456789abcdef",
            ["CDNTASKS_MAX_RETRY"] = "0",
        };

        private readonly CdnRunspaceFixture _fixture;

        public GetCdnUrlTaskValidationTests(CdnRunspaceFixture fixture)
        {
            _fixture = fixture;
        }

        [Fact]
        public void ControlValidInputReachesTheDeadEndpointAsAConnectionError()
        {
            ErrorRecord error = Run(s_dummyCredentials, new Hashtable { ["Endpoint"] = DeadEndpoint });

            Assert.Equal("CdnApi.ConnectionRefused," + Command, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            string everything = error + " " + error.Exception + " " + error.ErrorDetails?.Message + " " + error.ErrorDetails?.RecommendedAction;
            Assert.DoesNotContain("dummy-secret-key-not-real", everything);
            Assert.DoesNotContain("HPUADUMMYAK000000001", everything);
        }

        [Fact]
        public void StartTimeAfterEndTimeIsInvalidTimeRange()
        {
            var end = new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc);

            ErrorRecord error = RunValid(new Hashtable { ["StartTime"] = end.AddHours(1), ["EndTime"] = end });

            AssertValidationError(error, "InvalidTimeRange", ErrorCategory.InvalidArgument);
            Assert.Contains("-StartTime", error.Exception.Message);
        }

        [Fact]
        public void StartTimeEqualToEndTimeIsInvalidTimeRange()
        {
            var end = new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc);

            AssertValidationError(RunValid(new Hashtable { ["StartTime"] = end, ["EndTime"] = end }), "InvalidTimeRange", ErrorCategory.InvalidArgument);
        }

        [Theory]
        [InlineData("PageSize", 0)]
        [InlineData("PageSize", 101)]
        [InlineData("PageSize", -1)]
        [InlineData("Status", "unknown")]
        [InlineData("Status", "done")]
        [InlineData("TaskType", "erase")]
        [InlineData("FileType", "folder")]
        public void OutOfRangeOrUnknownValuesFailParameterValidation(string parameter, object value)
        {
            ErrorRecord error = RunValid(new Hashtable { [parameter] = value });

            AssertValidationError(error, "ParameterArgumentValidationError", ErrorCategory.InvalidData);
            Assert.Contains(parameter, error.Exception.Message);
        }

        [Theory]
        [InlineData("not a url")]
        [InlineData("ftp://x/y")]
        [InlineData("/relative/path.jpg")]
        [InlineData("file:///etc/passwd")]
        public void BadUrlIsInvalidUrl(string url)
        {
            ErrorRecord error = RunValid(new Hashtable { ["Url"] = url });

            AssertValidationError(error, "InvalidUrl", ErrorCategory.InvalidArgument);
            Assert.Contains(url, error.Exception.Message);
        }

        [Fact]
        public void PlainHttpToARemoteHostIsInvalidConfiguration()
        {
            ErrorRecord error = Run(s_dummyCredentials, new Hashtable { ["Endpoint"] = "http://example.com" });

            AssertValidationError(error, "InvalidConfiguration", ErrorCategory.InvalidArgument);
            Assert.Contains("plain http", error.Exception.Message);
        }

        [Fact]
        public void UnknownRegionIsInvalidConfiguration()
        {
            ErrorRecord error = Run(s_dummyCredentials, new Hashtable { ["Region"] = "mars-1", ["Endpoint"] = DeadEndpoint });

            AssertValidationError(error, "InvalidConfiguration", ErrorCategory.InvalidArgument);
            Assert.Contains("mars-1", error.Exception.Message);
            Assert.Contains("cn-north-1", error.Exception.Message);
        }

        [Fact]
        public void InvalidEnvironmentSettingIsInvalidConfiguration()
        {
            var env = new Dictionary<string, string>(s_dummyCredentials) { ["CDNTASKS_RATE_LIMIT"] = "abc" };

            ErrorRecord error = Run(env, new Hashtable { ["Endpoint"] = DeadEndpoint });

            AssertValidationError(error, "InvalidConfiguration", ErrorCategory.InvalidArgument);
            Assert.Contains("CDNTASKS_RATE_LIMIT", error.Exception.Message);
        }

        [Fact]
        public void NoCredentialsAtAllIsCredentialNotFound()
        {
            // The scope clears HUAWEICLOUD_SDK_AK/SK and CLOUD_SDK_AK/SK and restores them afterwards.
            ErrorRecord error = Run(new Dictionary<string, string> { ["CDNTASKS_MAX_RETRY"] = "0" }, new Hashtable { ["Endpoint"] = DeadEndpoint });

            AssertValidationError(error, "CredentialNotFound", ErrorCategory.AuthenticationError);
            Assert.Contains("HUAWEICLOUD_SDK_AK", error.Exception.Message);
            Assert.Contains("-Credential", error.Exception.Message);
        }

        [Fact]
        public void CredentialParameterIsEnoughWithoutEnvironment()
        {
            var credential = new PSCredential("HPUADUMMYAK000000001", CdnTasks.Api.CdnCredential.ToSecureString("dummy-secret"));

            ErrorRecord error = Run(
                new Dictionary<string, string> { ["CDNTASKS_MAX_RETRY"] = "0" },
                new Hashtable { ["Endpoint"] = DeadEndpoint, ["Credential"] = credential, ["DomainId"] = "0123456789abcdef0123456789abcdef" });

            // Credentials were found, so the request was sent and failed on the dead endpoint.
            Assert.Equal("CdnApi.ConnectionRefused," + Command, error.FullyQualifiedErrorId);
        }

        [Fact]
        public void EnvironmentVariablesAreRestoredAfterAScope()
        {
            string before = Environment.GetEnvironmentVariable("HUAWEICLOUD_SDK_AK");
            using (new EnvironmentScope(new Dictionary<string, string> { ["HUAWEICLOUD_SDK_AK"] = "TEMPORARY" }))
            {
                Assert.Equal("TEMPORARY", Environment.GetEnvironmentVariable("HUAWEICLOUD_SDK_AK"));
                Assert.Null(Environment.GetEnvironmentVariable("CLOUD_SDK_AK"));
            }

            Assert.Equal(before, Environment.GetEnvironmentVariable("HUAWEICLOUD_SDK_AK"));
        }

        private static void AssertValidationError(ErrorRecord error, string id, ErrorCategory category)
        {
            Assert.NotNull(error);
            Assert.Equal(id + "," + Command, error.FullyQualifiedErrorId);
            Assert.Equal(category, error.CategoryInfo.Category);
            Assert.NotEqual(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.DoesNotContain("127.0.0.1:9", error.Exception.Message);
        }

        /// <summary>Runs with dummy credentials against the dead endpoint plus <paramref name="parameters"/>.</summary>
        private ErrorRecord RunValid(Hashtable parameters)
        {
            parameters["Endpoint"] = DeadEndpoint;
            return Run(s_dummyCredentials, parameters);
        }

        /// <summary>Runs Get-CdnUrlTask with the parameters in the given environment and returns the error it stopped with.</summary>
        private ErrorRecord Run(IDictionary<string, string> environment, Hashtable parameters)
        {
            using (new EnvironmentScope(environment))
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = _fixture.Runspace;
                ps.AddScript("param($p) try { Get-CdnUrlTask @p -ErrorAction Stop; 'no error' } catch { $_ }").AddArgument(parameters);
                Collection<PSObject> output = ps.Invoke();

                Assert.False(output.Any(o => "no error".Equals(o?.BaseObject)), "Get-CdnUrlTask did not fail");
                return Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
            }
        }
    }
}
