using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// Registries that drip or stall: every download must keep a minimum rate over a window (curl's --speed-limit and
/// --speed-time), and a request without a body must be answered within that window; otherwise RegistryTooSlow,
/// at once and not retried. An idle timeout alone restarts on every byte. Response headers over 64 KiB are a
/// protocol error, not retried either. The window here is one second; by default it is 30 s at 1 KiB/s.
/// </summary>
public sealed class TransferRateTests : HostileStoreTestBase
{
    /// <summary>Only a guard against a test hanging when the rule is broken; never the thing asserted.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public TransferRateTests(PlainRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public void The_defaults_stop_a_stall_in_tens_of_seconds_and_pass_any_real_link()
    {
        var options = new RegistryClientOptions();

        Assert.Equal(1024, options.MinTransferRate);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TransferRateWindow);
    }

    [Fact]
    public async Task A_blob_dripped_below_the_rate_is_RegistryTooSlow_once_and_its_partial_data_is_kept()
    {
        var model = TestArtifact.Create("drip-blob", layerSize: 1024 * 1024);
        var repository = NewRepository("drip-blob");
        await PushAsync(repository, model);
        var weights = model.Layers[0].Descriptor.Digest;
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(weights) ? Fault.Drip(64, TimeSpan.FromMilliseconds(100)) : Fault.None);
        using var client = FastClient();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => PullAsync(Through(proxy, repository), client).WaitAsync(HangGuard));

        Assert.Equal(ErrorIds.RegistryTooSlow, ex.ErrorId);
        Assert.Equal(ErrorKind.OperationTimeout, ex.Kind);
        Assert.Equal(proxy.HostPort, ex.Target);
        Assert.Contains("below the minimum transfer rate of 1024 bytes/s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("were kept", ex.Message, StringComparison.Ordinal);
        Assert.Single(proxy.BlobGets(weights));
        Assert.Empty(Store.List());
        Assert.True(new FileInfo(Path.Combine(Store.TempDirectory, Digest.Parse(weights).Encoded + ".partial")).Length > 0);
    }

    [Fact]
    public async Task A_blob_that_stalls_after_its_first_bytes_is_RegistryTooSlow()
    {
        using var hostile = new HostileRegistry();
        var model = TestArtifact.Create("stall", layerSize: 10_000);
        hostile.Add("models/stall", "v1", model);
        hostile.AddBlob(model.Layers[0].Bytes, a => { a.DripBytes = 100; a.DripPause = TimeSpan.FromHours(1); });
        using var client = FastClient();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => PullAsync(ModelReference.Parse(hostile.Reference("models/stall", "v1")), client).WaitAsync(HangGuard));

        Assert.Equal(ErrorIds.RegistryTooSlow, ex.ErrorId);
        Assert.Single(hostile.BlobGets, r => r.Path.EndsWith(model.Layers[0].Descriptor.Digest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_v2_endpoint_that_never_answers_is_RegistryTooSlow_and_not_retried()
    {
        using var hostile = new HostileRegistry();
        hostile.Ping.NeverAnswer = true;
        using var client = FastClient();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(hostile.HostPort).WaitAsync(HangGuard));

        Assert.Equal(ErrorIds.RegistryTooSlow, ex.ErrorId);
        Assert.Equal(hostile.HostPort, ex.Target);
        Assert.Contains("did not answer GET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("transferRateWindow", ex.Message, StringComparison.Ordinal);
        Assert.Single(hostile.Requests, r => r.Path == "/v2/");
        Assert.Empty(Setup.RetryTimer.Delays);
    }

    [Fact]
    public async Task A_dripping_manifest_is_RegistryTooSlow_and_not_retried()
    {
        var repository = NewRepository("drip-manifest");
        await PushAsync(repository, TestArtifact.Create("drip-manifest"));
        using var proxy = new FaultProxy(Registry, r => r.Method == "GET" && r.Path.Contains("/manifests/", StringComparison.Ordinal) ? Fault.Drip(1, TimeSpan.FromMilliseconds(50)) : Fault.None);
        using var client = FastClient();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => PullAsync(Through(proxy, repository), client).WaitAsync(HangGuard));

        Assert.Equal(ErrorIds.RegistryTooSlow, ex.ErrorId);
        Assert.Contains("a response body", ex.Message, StringComparison.Ordinal);
        Assert.Single(proxy.Requests, r => r.Method == "GET" && r.Path.Contains("/manifests/", StringComparison.Ordinal));
        Assert.Empty(proxy.BlobGets());
    }

    [Fact]
    public async Task Headers_over_64_KiB_are_a_protocol_error_and_not_retried()
    {
        var repository = NewRepository("huge-headers");
        await PushAsync(repository, TestArtifact.Create("huge-headers"));
        using var proxy = new FaultProxy(Registry, r => r.Path.Contains("/manifests/", StringComparison.Ordinal) ? Fault.Answer(200, ("X-Padding", new string('a', 70 * 1024))) : Fault.None);
        using var client = Setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => PullAsync(Through(proxy, repository), client));

        Assert.Equal(ErrorIds.RegistryError, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains("more than 64 KiB of headers", ex.Message, StringComparison.Ordinal);
        Assert.Single(proxy.Requests, r => r.Path.Contains("/manifests/", StringComparison.Ordinal));
        Assert.Empty(Setup.RetryTimer.Delays);
    }

    private RegistryClient FastClient() => Setup.Client(o =>
    {
        o.TransferRateWindow = TimeSpan.FromSeconds(1);
        o.MinTransferRate = 1024;
    });

    private static ModelReference Through(FaultProxy proxy, string repository) => ModelReference.Parse($"{proxy.HostPort}/{repository}:v1");
}
