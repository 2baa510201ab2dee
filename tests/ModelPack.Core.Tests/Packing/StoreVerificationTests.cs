using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Validation;

namespace ModelPack.Core.Tests.Packing;

/// <summary>Store verification (every blob re-hashed, the snapshot compared with its layers) and repair from a real registry.</summary>
public sealed class StoreVerificationTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private const string Weight = "model-00002-of-00002.safetensors";
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-verify");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public StoreVerificationTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    /// <summary>Packs the sample (docs as tar+gzip, so some snapshot files are extracted, not linked) and publishes it.</summary>
    private async Task<ModelArtifact> PackAndPublishAsync(string repository)
    {
        var request = new PackRequest(_folder.Path, ModelReference.Parse(_fixture.Registry.HostPort + "/" + repository));
        request.Packing[LayerKind.Doc] = LayerPacking.TarGzip;
        var artifact = (await ModelPacker.PackAsync(request, _store)).Artifact;
        using var client = _setup.Client();
        await ModelPublisher.PublishAsync(_store, artifact, null, client);
        return artifact;
    }

    private static void Flip(string path, int offset = 0)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x20;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task A_freshly_packed_artifact_verifies_clean()
    {
        var artifact = await PackAndPublishAsync("models/clean:1.0");
        var progress = new SyncProgress<VerificationProgress>();

        var result = ArtifactValidator.ValidateInStore(_store, artifact, progress);

        Assert.True(result.IsValid, string.Join("\n", result.Violations));
        Assert.Equal(artifact.Digest, result.Digest);
        Assert.Contains(progress.Reports, p => p.Item == "snapshot");
    }

    [Fact]
    public async Task A_flipped_byte_in_a_blob_shows_in_the_blob_and_in_its_hard_linked_snapshot_file_and_repair_downloads_it_again()
    {
        var artifact = await PackAndPublishAsync("models/flipped:1.0");
        var index = artifact.Manifest.Layers.ToList().FindIndex(l => l.Filepath == Weight);
        var layer = artifact.Manifest.Layers[index];
        Flip(_store.Layout.BlobPath(layer.Digest), 4242);

        var found = ArtifactValidator.ValidateInStore(_store, artifact);

        Assert.Contains(found.Violations, v => v.Path == $"$.layers[{index}]" && v.Message.Contains("corrupt", StringComparison.Ordinal));
        Assert.Contains(found.Violations, v => v.Path == "snapshot/" + Weight);

        using var client = _setup.Client();
        var repair = await ArtifactRepair.RepairAsync(_store, artifact, client);

        Assert.Equal(new[] { layer.Digest }, repair.BlobsRepaired);
        Assert.True(repair.SnapshotRebuilt);
        Assert.True(repair.IsRepaired, string.Join("\n", repair.After.Violations));
        Assert.Equal(File.ReadAllBytes(_folder.Full(Weight)), File.ReadAllBytes(Path.Combine(artifact.Path!, Weight)));
        using (var blob = File.OpenRead(_store.Layout.BlobPath(layer.Digest)))
        {
            Assert.Equal(layer.Digest, Digest.Sha256(blob).ToString());
        }

        Assert.True(ArtifactValidator.ValidateInStore(_store, artifact).IsValid);
    }

    [Fact]
    public async Task A_changed_file_extracted_from_a_tar_layer_and_a_stray_file_are_found_and_repaired_without_the_network()
    {
        var artifact = await PackAndPublishAsync("models/snapshot:1.0");
        var readme = Path.Combine(artifact.Path!, "README.md");
        Flip(readme, 3);
        File.WriteAllText(Path.Combine(artifact.Path!, "stray.txt"), "not from any layer");
        File.Delete(Path.Combine(artifact.Path!, "LICENSE"));

        var found = ArtifactValidator.ValidateInStore(_store, artifact);

        Assert.Equal(
            new[] { "snapshot/LICENSE", "snapshot/README.md", "snapshot/stray.txt" },
            found.Violations.Select(v => v.Path).OrderBy(p => p, StringComparer.Ordinal));
        Assert.DoesNotContain(found.Violations, v => v.Path.StartsWith('$'));

        var repair = await ArtifactRepair.RepairAsync(_store, artifact, client: null);

        Assert.Empty(repair.BlobsRepaired);
        Assert.True(repair.IsRepaired, string.Join("\n", repair.After.Violations));
        Assert.Equal("# Sample model\n", File.ReadAllText(readme));
        Assert.False(File.Exists(Path.Combine(artifact.Path!, "stray.txt")));
    }

    [Fact]
    public async Task A_repair_resumes_the_download_an_interrupted_repair_left_in_the_blobs_partial_file()
    {
        var artifact = await PackAndPublishAsync("models/resumed-repair:1.0");
        var layer = artifact.Manifest.Layers.Single(l => l.Filepath == Weight);
        var intact = File.ReadAllBytes(_store.Layout.BlobPath(layer.Digest));
        Flip(_store.Layout.BlobPath(layer.Digest), 10);
        var kept = intact.Length / 2;
        File.WriteAllBytes(Path.Combine(_store.TempDirectory, Digest.Parse(layer.Digest).Encoded + ".partial"), intact[..kept]);
        using var proxy = new FaultProxy(_fixture.Registry.HostPort);
        using var client = _setup.Client();
        var options = new RepairOptions { Source = ModelReference.Parse(proxy.HostPort + "/models/resumed-repair:1.0") };

        var repair = await ArtifactRepair.RepairAsync(_store, artifact, client, options);

        Assert.True(repair.IsRepaired, string.Join("\n", repair.After.Violations));
        Assert.Equal(new[] { "bytes=" + kept + "-" }, proxy.BlobGets(layer.Digest).Select(r => r.Range));
        Assert.Equal(intact, File.ReadAllBytes(_store.Layout.BlobPath(layer.Digest)));
    }

    [Fact]
    public async Task A_missing_config_blob_is_found_and_repaired_from_the_registry()
    {
        var artifact = await PackAndPublishAsync("models/noconfig:1.0");
        File.Delete(_store.Layout.BlobPath(artifact.Manifest.Config!.Digest));

        var found = ArtifactValidator.ValidateInStore(_store, artifact);
        using var client = _setup.Client();
        var repair = await ArtifactRepair.RepairAsync(_store, artifact, client);

        var violation = Assert.Single(found.Violations);
        Assert.Equal("$.config", violation.Path);
        Assert.Contains("missing", violation.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { artifact.Manifest.Config!.Digest }, repair.BlobsRepaired);
        Assert.True(repair.IsRepaired);
    }

    [Fact]
    public async Task A_damaged_blob_cannot_be_repaired_without_a_client_and_the_store_is_left_as_it_was()
    {
        var artifact = await PackAndPublishAsync("models/noclient:1.0");
        var layer = artifact.Manifest.Layers.First(l => l.Filepath == Weight);
        Flip(_store.Layout.BlobPath(layer.Digest));
        var before = StoreState.Capture(_store);

        var error = await Assert.ThrowsAsync<ModelPackException>(() => ArtifactRepair.RepairAsync(_store, artifact, client: null));

        Assert.Equal(ErrorIds.RepairNotPossible, error.ErrorId);
        Assert.Contains(layer.Digest, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, StoreState.Capture(_store));
    }
}
