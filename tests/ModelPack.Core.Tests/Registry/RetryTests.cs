using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>
/// Retries of the client against a real registry behind a fault-injecting proxy. Backoff and
/// Retry-After waits go to a virtual timer, so they are asserted exactly and never slept.
/// </summary>
public sealed class RetryTests : IClassFixture<PlainRegistryFixture>
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TestClientSetup _setup;

    public RetryTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    [Fact]
    public async Task A_500_then_success_is_retried_once_after_a_jittered_backoff()
    {
        var artifact = await PushAsync("r500");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) && r.Nth == 1 ? Fault.Answer(500) : Fault.None);
        using var client = _setup.Client();

        var fetched = await client.Repository(proxy.HostPort, "models/r500").GetManifestAsync("v1");

        Assert.Equal(artifact.Manifest.Digest, fetched.Digest);
        Assert.Equal(new[] { 500, 200 }, proxy.Requests.Where(IsManifestGet).Select(r => r.Status));
        var delay = Assert.Single(_setup.RetryTimer.Delays);
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_429_waits_the_seconds_of_its_Retry_After()
    {
        await PushAsync("r429");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) && r.Nth <= 2 ? Fault.Answer(429, ("Retry-After", "7")) : Fault.None);
        using var client = _setup.Client();

        await client.Repository(proxy.HostPort, "models/r429").GetManifestAsync("v1");

        Assert.Equal(new[] { TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7) }, _setup.RetryTimer.Delays);
        Assert.Equal(3, proxy.Requests.Count(IsManifestGet));
    }

    [Fact]
    public async Task A_Retry_After_HTTP_date_is_waited_until()
    {
        await PushAsync("rdate");
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var until = now.AddSeconds(42).ToString("r", CultureInfo.InvariantCulture);
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) && r.Nth == 1 ? Fault.Answer(503, ("Retry-After", until)) : Fault.None);
        using var client = new RegistryClient(_setup.Options(o => o.Clock = () => now));

        await client.Repository(proxy.HostPort, "models/rdate").GetManifestAsync("v1");

        Assert.Equal(TimeSpan.FromSeconds(42), Assert.Single(_setup.RetryTimer.Delays));
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_budget_fails_at_once_and_says_so()
    {
        await PushAsync("rlong");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) ? Fault.Answer(429, ("Retry-After", "3600")) : Fault.None);
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(proxy.HostPort, "models/rlong").GetManifestAsync("v1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
        Assert.Equal(1, ex.Attempts);
        Assert.Contains("3600 s (Retry-After)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("120 s retry budget", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_setup.RetryTimer.Delays);
        Assert.Single(proxy.Requests, IsManifestGet);
    }

    [Fact]
    public async Task A_503_storm_gives_up_after_MaxRetry_with_the_attempts_and_last_status_in_the_error()
    {
        await PushAsync("storm");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) ? Fault.Answer(503) : Fault.None);
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(proxy.HostPort, "models/storm").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryError, ex.ErrorId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(6, ex.Attempts);
        Assert.Contains("HTTP 503", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Gave up after 6 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetry (5) reached", ex.Message, StringComparison.Ordinal);
        Assert.Equal(6, proxy.Requests.Count(IsManifestGet));
        var delays = _setup.RetryTimer.Delays.ToArray();
        Assert.Equal(5, delays.Length);
        for (var i = 0; i < delays.Length; i++)
        {
            // Full jitter: anywhere from 0 up to base * 2^i.
            Assert.InRange(delays[i], TimeSpan.Zero, TimeSpan.FromMilliseconds(500 * Math.Pow(2, i)));
        }
    }

    [Fact]
    public async Task The_retry_budget_ends_a_storm_before_MaxRetry_does()
    {
        await PushAsync("budget");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) ? Fault.Answer(502) : Fault.None);
        using var client = _setup.Client(o =>
        {
            o.MaxRetry = 1000;
            o.RetryBudget = TimeSpan.FromSeconds(20);
            o.RetryBaseDelay = TimeSpan.FromSeconds(1);
            o.RetryMaxDelay = TimeSpan.FromSeconds(4);
        });

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(proxy.HostPort, "models/budget").GetManifestAsync("v1"));

        Assert.Contains("the 20 s retry budget is spent", ex.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.True(_setup.RetryTimer.TotalDelay <= TimeSpan.FromSeconds(20), _setup.RetryTimer.TotalDelay.ToString());
        Assert.InRange(ex.Attempts, 2, 1000);
        Assert.Equal(ex.Attempts, proxy.Requests.Count(IsManifestGet));
        Assert.All(_setup.RetryTimer.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public async Task A_connection_dropped_before_the_answer_is_retried()
    {
        var artifact = await PushAsync("drop");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) && r.Nth <= 2 ? Fault.Drop() : Fault.None);
        using var client = _setup.Client();

        var fetched = await client.Repository(proxy.HostPort, "models/drop").GetManifestAsync("v1");

        Assert.Equal(artifact.Manifest.Digest, fetched.Digest);
        Assert.Equal(3, proxy.Requests.Count(IsManifestGet));
        Assert.Equal(2, _setup.RetryTimer.Delays.Count);
    }

    [Fact]
    public async Task Refusals_are_not_retried()
    {
        await PushAsync("refusal");
        using var proxy = new FaultProxy(Registry);
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(proxy.HostPort, "models/refusal").GetManifestAsync("no-such-tag"));

        Assert.Equal(ErrorIds.ModelArtifactNotFound, ex.ErrorId);
        Assert.Equal(1, ex.Attempts);
        Assert.Single(proxy.Requests, IsManifestGet);
        Assert.Empty(_setup.RetryTimer.Delays);
    }

    [Fact]
    public async Task MaxRetry_0_reports_the_first_failure_unchanged()
    {
        await PushAsync("noretry");
        using var proxy = new FaultProxy(Registry, r => IsManifestGet(r) ? Fault.Answer(500) : Fault.None);
        using var client = _setup.Client(o => o.MaxRetry = 0);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(proxy.HostPort, "models/noretry").GetManifestAsync("v1"));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(1, ex.Attempts);
        Assert.DoesNotContain("Gave up", ex.Message, StringComparison.Ordinal);
        Assert.Single(proxy.Requests, IsManifestGet);
    }

    [Fact]
    public async Task An_upload_POST_is_not_repeated_after_a_500_but_is_after_a_429()
    {
        var bytes = new byte[5000];
        new Random(3).NextBytes(bytes);
        var digest = Digest.Sha256(bytes).ToString();
        using var failing = new FaultProxy(Registry, r => r.Method == "POST" ? Fault.Answer(500) : Fault.None);
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => TestTransfer.UploadAsync(client, failing.HostPort, "models/upload", digest, bytes.Length, new MemoryStream(bytes)));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Single(failing.Requests, r => r.Method == "POST");

        using var limited = new FaultProxy(Registry, r => r.Method == "POST" && r.Nth == 1 ? Fault.Answer(429, ("Retry-After", "1")) : Fault.None);
        Assert.True(await TestTransfer.UploadAsync(client, limited.HostPort, "models/upload", digest, bytes.Length, new MemoryStream(bytes)));
        Assert.Equal(2, limited.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(bytes, await client.Repository(Registry, "models/upload").ReadBlobAsync(new Descriptor("application/octet-stream", digest, bytes.Length)));
    }

    [Fact]
    public async Task A_blob_PUT_from_a_seekable_stream_is_replayed_whole_after_a_503()
    {
        var bytes = new byte[300_000];
        new Random(4).NextBytes(bytes);
        var digest = Digest.Sha256(bytes).ToString();
        using var proxy = new FaultProxy(Registry, r => r.Method == "PUT" && r.Nth == 1 ? Fault.Answer(503) : Fault.None);
        using var client = _setup.Client();

        Assert.True(await TestTransfer.UploadAsync(client, proxy.HostPort, "models/replay", digest, bytes.Length, new MemoryStream(bytes)));

        Assert.Equal(2, proxy.Requests.Count(r => r.Method == "PUT"));
        Assert.Equal(bytes, await client.Repository(Registry, "models/replay").ReadBlobAsync(new Descriptor("application/octet-stream", digest, bytes.Length)));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(501, false)]
    [InlineData(505, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(401, false)]
    public void Which_statuses_are_worth_another_attempt(int status, bool retryable) =>
        Assert.Equal(retryable, RetryPolicy.IsRetryableStatus((HttpStatusCode)status));

    [Fact]
    public void Backoff_grows_exponentially_with_full_jitter_and_a_cap()
    {
        var options = new RegistryClientOptions { MaxRetry = 5, RetryBudget = TimeSpan.FromMinutes(2), RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromSeconds(1), RetryTimer = new VirtualRetryTimer() };
        var policy = new RetryPolicy(options, _ => { });
        for (var retry = 0; retry < 8; retry++)
        {
            var ceiling = TimeSpan.FromMilliseconds(Math.Min(1000, 100 * Math.Pow(2, retry)));
            var samples = Enumerable.Range(0, 200).Select(_ => policy.Backoff(retry)).ToList();
            Assert.All(samples, d => Assert.InRange(d, TimeSpan.Zero, ceiling));
            // Jitter spreads the waits over the whole range rather than clustering at the ceiling.
            Assert.True(samples.Min() < ceiling * 0.25 && samples.Max() > ceiling * 0.75, $"retry {retry}: {samples.Min()}..{samples.Max()}");
        }
    }

    private static bool IsManifestGet(ProxiedRequest r) => r.Method == "GET" && r.Path.Contains("/manifests/", StringComparison.Ordinal);

    private async Task<TestArtifact> PushAsync(string name)
    {
        var artifact = TestArtifact.Create(name, 1000);
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/" + name, "v1");
        return artifact;
    }
}
