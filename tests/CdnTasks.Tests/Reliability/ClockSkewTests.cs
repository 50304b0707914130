// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>An emulator that rejects requests signed more than one minute off its clock.</summary>
    public sealed class StrictClockEmulatorFixture : IDisposable
    {
        public StrictClockEmulatorFixture()
        {
            Emulator = new EmulatorProcess("--RateLimit", "false", "--Records", "20", "--ClockSkewMinutes", "1");
        }

        public EmulatorProcess Emulator { get; }

        public void Dispose() => Emulator.Dispose();
    }

    /// <summary>
    /// "Signature expired": not retried, and the clock difference is measured from the service's Date header.
    /// The client's clock is made to look off with the CDNTASKS_TEST_CLOCK_OFFSET_SEC test hook (TestClockOffsetSec).
    /// </summary>
    public sealed class ClockSkewTests : IClassFixture<StrictClockEmulatorFixture>
    {
        private readonly EmulatorProcess _emulator;

        public ClockSkewTests(StrictClockEmulatorFixture fixture)
        {
            _emulator = fixture.Emulator;
            _emulator.ResetStats();
        }

        [Theory]
        [InlineData(180)]
        [InlineData(-300)]
        public async Task SignatureExpired_IsNotRetried_AndReportsTheSkew(int offsetSeconds)
        {
            var transport = new CdnTransport(_emulator.Settings(clockOffsetSec: offsetSeconds), EmulatorProcess.Credential(), new TestLog());

            CdnApiException failure = await Assert.ThrowsAsync<CdnApiException>(() => TransportFaultTests.ListAsync(transport, CancellationToken.None));

            Assert.Equal(401, (int)failure.StatusCode);
            Assert.Contains("expired", failure.ServiceMessage, StringComparison.Ordinal);
            Assert.Equal(1, _emulator.TotalRequests);
            Assert.NotNull(failure.ClockSkew);

            // Server minus local: a local clock 180 s ahead gives about -180 s (the Date header has one-second resolution).
            Assert.InRange(failure.ClockSkew.Value.TotalSeconds, -offsetSeconds - 3, -offsetSeconds + 3);
        }

        [Fact]
        public async Task SmallOffset_WithinTheAllowedSkew_Succeeds()
        {
            var transport = new CdnTransport(_emulator.Settings(clockOffsetSec: 20), EmulatorProcess.Credential(), new TestLog());

            var page = await TransportFaultTests.ListAsync(transport, CancellationToken.None);

            Assert.NotEmpty(page.Items);
        }
    }
}
