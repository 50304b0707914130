// Copyright (c) CdnTasks contributors. MIT License.

using System.Net;
using CdnTasks.Api;
using CdnTasks.Api.Paging;
using CdnTasks.Tests.Reliability;
using Xunit;

namespace CdnTasks.Tests.Paging
{
    /// <summary>
    /// One wrong key, one 401: a command's transport sends nothing after its first 401/403, and until its first answer it
    /// sends one request at a time, so a paging command with counts and pages in parallel still costs the key one failure.
    /// Against the real emulator, which counts failed signatures.
    /// </summary>
    public sealed class WrongKeyTests : IClassFixture<FaultEmulatorFixture>
    {
        private const long Day = 86_400_000;
        private readonly EmulatorProcess _emulator;

        public WrongKeyTests(FaultEmulatorFixture fixture)
        {
            _emulator = fixture.Emulator;
            _emulator.SetFaults(null);
            _emulator.ResetStats();
            _emulator.ResetLockout();
        }

        [Fact]
        public async Task CountsAndPagesOfSevenDaysAtConcurrencyFourSendOneRequest()
        {
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(secretKey: "wrong-secret-key"), new TestLog());
            var client = new CdnClient(transport);
            long now = System.DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Pager<CdnUrlTask> pager = client.UrlTaskPager(new UrlTaskFilter(), now - (7 * Day), now, 100);
            pager.Concurrency = 4;

            var counting = await Assert.ThrowsAsync<CdnApiException>(() => pager.CountAsync(CancellationToken.None));
            var paging = await Assert.ThrowsAsync<CdnApiException>(() => pager.NextPageAsync(CancellationToken.None));
            pager.Stop();

            Assert.Equal(HttpStatusCode.Unauthorized, counting.StatusCode);
            Assert.Same(counting, paging);
            Assert.Equal(1, transport.RequestCount);
            Assert.Equal(1, _emulator.Stats().GetProperty("authFailures").GetInt64());
            Assert.Equal(1, _emulator.TotalRequests);
        }

        [Fact]
        public async Task AfterTheFirstAnswerRequestsRunInParallelAgain()
        {
            var transport = new CdnTransport(_emulator.Settings(), EmulatorProcess.Credential(), new TestLog());
            var client = new CdnClient(transport);
            long now = System.DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Pager<CdnUrlTask> pager = client.UrlTaskPager(new UrlTaskFilter(), now - (7 * Day), now, 100);
            pager.Concurrency = 4;

            long? total = await pager.CountAsync(CancellationToken.None);

            Assert.Equal(300, total);
            Assert.Equal(7, transport.RequestCount);
            Assert.Equal(0, _emulator.Stats().GetProperty("authFailures").GetInt64());
        }
    }
}
