using System;
using System.IO;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Transfer;

/// <summary>The first blob that fails stops the copy's other blobs; what they received stays for the next pull to resume.</summary>
public sealed class FailFastTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _temp = new("modelpack-fail-fast");
    private readonly TestClientSetup _setup;

    public FailFastTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_image_layer_that_fails_stops_the_layer_still_downloading_and_keeps_its_partial()
    {
        var big = TestArtifact.Bytes(31, 6 * 1024 * 1024);
        var image = new ImageBuilder()
            .Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/small.txt", "small"))
            .Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/big.bin", big));
        var (_, _, manifestBytes, _) = image.Build();
        var manifest = ModelManifest.Parse(manifestBytes);
        var (small, slow) = (manifest.Layers[0], manifest.Layers[1]);
        using (var pusher = _setup.Client())
        {
            await image.PushAsync(pusher, _fixture.Registry.HostPort, "images/fail-fast", "1");
        }

        // The small layer arrives corrupt at once; the big one would take six seconds.
        using var proxy = new FaultProxy(_fixture.Registry.HostPort, r => r.IsBlobGet(small.Digest) ? Fault.Corrupt(2) : Fault.None) { BlobBytesPerSecond = 1024 * 1024 };
        using var client = _setup.Client();
        var store = ModelStore.Open(_temp.File("store"));

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => store.PullImageAsync(client, ModelReference.Parse(proxy.HostPort + "/images/fail-fast:1")));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.False(store.Layout.HasBlob(slow.Digest));
        var partial = new FileInfo(Path.Combine(store.TempDirectory, Digest.Parse(slow.Digest).Encoded + ".partial"));
        Assert.True(partial.Exists, "the stopped layer's partial download is kept");
        Assert.True(partial.Length < slow.Size, $"{partial.Length} of {slow.Size} bytes");
    }
}
