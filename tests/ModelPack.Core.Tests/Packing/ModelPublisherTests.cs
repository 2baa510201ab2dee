using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Layout;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;
using TempDirectory = ModelPack.Core.Tests.Support.TempDirectory;

namespace ModelPack.Core.Tests.Packing;

/// <summary>Publishing packed artifacts to a real docker-registry, read back by the real skopeo.</summary>
public sealed class ModelPublisherTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-publish");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public ModelPublisherTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string Registry => _fixture.Registry.HostPort;

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    private async Task<ModelArtifact> PackAsync(string repository, Action<PackRequest>? configure = null)
    {
        var request = new PackRequest(_folder.Path, ModelReference.Parse(Registry + "/" + repository));
        request.Datasets.Add("data");
        configure?.Invoke(request);
        return (await ModelPacker.PackAsync(request, _store)).Artifact;
    }

    [Fact]
    public async Task A_packed_artifact_is_published_byte_for_byte_and_skopeo_reads_and_copies_it_unchanged()
    {
        var artifact = await PackAsync("models/published:1.0", r =>
        {
            r.Packing[LayerKind.Doc] = LayerPacking.TarGzip;
            r.Packing[LayerKind.Dataset] = LayerPacking.TarZstd;
        });
        using var client = _setup.Client();
        var progress = new SyncProgress<PublishProgress>();

        var result = await ModelPublisher.PublishAsync(_store, artifact, null, client, new PublishOptions { Progress = progress });

        var manifestBytes = artifact.Manifest.ToBytes();
        Assert.True(result.ManifestPushed);
        Assert.Equal(artifact.Digest, result.Digest);
        Assert.Equal(artifact.Manifest.Layers.Count + 1, result.BlobsUploaded);
        Assert.Equal("Remote", result.Artifact.Strategy);
        Assert.Equal(Registry + "/models/published:1.0", result.Artifact.Reference);
        Assert.Equal(artifact.Manifest.Layers.Count + 1, progress.Reports.Count(r => r.Stage == PublishStage.BlobDone));
        Assert.Equal(PublishStage.Completed, progress.Reports.Last().Stage);

        var raw = Skopeo.Run("inspect", "--raw", "--tls-verify=false", "docker://" + Registry + "/models/published:1.0");
        Assert.Equal(Encoding.UTF8.GetString(manifestBytes), raw.TrimEnd('\n'));

        var copy = _root.File("skopeo-copy");
        Skopeo.Run("copy", "--preserve-digests", "--src-tls-verify=false", "docker://" + Registry + "/models/published:1.0", "oci:" + copy + ":copied");
        var layout = OciLayout.Open(copy);
        var entry = Assert.Single(layout.ReadEntries());
        Assert.Equal(manifestBytes, entry.Manifest.ToBytes());
        Assert.Empty(ManifestValidator.Validate(entry.Manifest.ToBytes()));
        Assert.Empty(ConfigValidator.Validate(layout.ReadBlob(entry.Manifest.Config!)));
        foreach (var layer in entry.Manifest.Layers)
        {
            using var blob = layout.OpenBlob(layer.Digest, layer.Size);
            blob.CopyTo(Stream.Null);
        }
    }

    [Fact]
    public async Task Publishing_an_unchanged_artifact_again_sends_nothing_but_one_manifest_HEAD()
    {
        var artifact = await PackAsync("models/again:1.0");
        using (var first = _setup.Client())
        {
            await ModelPublisher.PublishAsync(_store, artifact, null, first);
        }

        using var front = new RegistryFront(Registry);
        var destination = ModelReference.Parse(front.HostPort + "/models/again:1.0");
        using var client = _setup.Client();

        var result = await ModelPublisher.PublishAsync(_store, artifact, destination, client);

        Assert.True(result.UpToDate);
        Assert.Empty(result.Blobs);
        Assert.Empty(front.Writes);
        Assert.Equal(new[] { "HEAD /v2/models/again/manifests/1.0" }, front.Requests.Where(r => r.Target != "/v2/").Select(r => r.Method + " " + r.Target));
    }

    [Fact]
    public async Task Publishing_the_same_content_under_a_new_tag_finds_every_blob_by_HEAD_and_only_puts_the_manifest()
    {
        var artifact = await PackAsync("models/retag:1.0");
        using (var first = _setup.Client())
        {
            await ModelPublisher.PublishAsync(_store, artifact, null, first);
        }

        using var front = new RegistryFront(Registry);
        using var client = _setup.Client();

        var result = await ModelPublisher.PublishAsync(_store, artifact, ModelReference.Parse(front.HostPort + "/models/retag:2.0"), client);

        Assert.Equal(artifact.Manifest.Layers.Count + 1, result.BlobsExisting);
        Assert.Equal(0, result.BytesUploaded);
        var write = Assert.Single(front.Writes);
        Assert.Equal("PUT /v2/models/retag/manifests/2.0", write.Method + " " + write.Target);
        Assert.Equal(artifact.Manifest.Size, write.BodyLength);
    }

    [Fact]
    public async Task A_large_blob_goes_up_in_chunks_and_an_interrupted_chunk_is_resumed_from_the_registrys_offset()
    {
        const int chunk = 64 * 1024;
        _folder.Write("model-00001-of-00002.safetensors", ModelFolder.Random(20 * chunk + 1234, 11));
        var artifact = await PackAsync("models/chunked:1.0");
        var big = artifact.Manifest.Layers.Single(l => l.Filepath == "model-00001-of-00002.safetensors");
        using var front = new RegistryFront(Registry) { Drop = (request, patch) => request.Method == "PATCH" && patch == 6 };
        using var client = _setup.Client();
        // Only the big weight is over the threshold, so every PATCH is one of its chunks.
        var options = new PublishOptions { ChunkSize = chunk, MonolithicThreshold = 100_000 };

        var result = await ModelPublisher.PublishAsync(_store, artifact, ModelReference.Parse(front.HostPort + "/models/chunked:1.0"), client, options);

        var pushed = result.Blobs.Single(b => b.Digest == big.Digest);
        Assert.Equal(BlobCopyOutcome.Transferred, pushed.Outcome);
        Assert.Equal(1, pushed.Resumes);
        var patches = front.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.Single(patches, p => p.Dropped);
        var resent = patches.Sum(p => (long)p.BodyLength) - big.Size;
        Assert.InRange(resent, 1, chunk);
        Assert.All(patches, p => Assert.InRange(p.BodyLength, 1, chunk));
        var session = patches.Single(p => p.Dropped).Target.Split('?')[0];
        var statusCheck = front.Requests.SkipWhile(r => !r.Dropped).Skip(1).First(r => r.Target.Split('?')[0] == session);
        Assert.Equal("GET", statusCheck.Method);
        Assert.Equal(big.Size, await client.Repository(Registry, "models/chunked").HeadBlobAsync(big.Digest));
        Assert.Equal(Encoding.UTF8.GetString(artifact.Manifest.ToBytes()), Skopeo.Run("inspect", "--raw", "--tls-verify=false", "docker://" + Registry + "/models/chunked:1.0").TrimEnd('\n'));
    }

    [Fact]
    public async Task A_publish_that_failed_midway_continues_in_the_next_run_where_the_registry_stands()
    {
        const int chunk = 64 * 1024;
        _folder.Write("model-00001-of-00002.safetensors", ModelFolder.Random(12 * chunk, 12));
        var artifact = await PackAsync("models/later:1.0");
        var big = artifact.Manifest.Layers.Single(l => l.Filepath == "model-00001-of-00002.safetensors");
        using var front = new RegistryFront(Registry) { Drop = (request, patch) => request.Method == "PATCH" && patch > 4 };
        var destination = ModelReference.Parse(front.HostPort + "/models/later:1.0");
        var options = new PublishOptions { ChunkSize = chunk, MonolithicThreshold = 100_000, ResumeAttempts = 0 };
        using (var client = _setup.Client())
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => ModelPublisher.PublishAsync(_store, artifact, destination, client, options));
            Assert.Equal(ErrorIds.RegistryUnreachable, error.ErrorId);
        }

        Assert.Single(Directory.GetFiles(Path.Combine(_store.TempDirectory, "uploads")));
        front.Clear();
        front.Drop = null;
        using (var client = _setup.Client())
        {
            var result = await ModelPublisher.PublishAsync(_store, artifact, destination, client, options);

            Assert.Equal(1, result.Blobs.Single(b => b.Digest == big.Digest).Resumes);
        }

        var patches = front.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.Equal(big.Size - (4 * chunk), patches.Sum(p => (long)p.BodyLength));
        Assert.Equal("GET", front.Requests.First(r => r.Target.StartsWith("/v2/models/later/blobs/uploads/", StringComparison.Ordinal) && r.Target.Contains('?', StringComparison.Ordinal)).Method);
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.TempDirectory, "uploads")));
        Assert.Equal(big.Size, await _setup.Client().Repository(Registry, "models/later").HeadBlobAsync(big.Digest));
    }

    [Fact]
    public async Task Blobs_another_repository_of_the_registry_holds_are_mounted_not_uploaded()
    {
        var artifact = await PackAsync("models/origin:1.0");
        using (var first = _setup.Client())
        {
            await ModelPublisher.PublishAsync(_store, artifact, null, first);
        }

        using var front = new RegistryFront(Registry);
        using var client = _setup.Client();
        var options = new PublishOptions();
        options.MountFrom.Add("models/origin");

        var result = await ModelPublisher.PublishAsync(_store, artifact, ModelReference.Parse(front.HostPort + "/models/copy:1.0"), client, options);

        Assert.Equal(artifact.Manifest.Layers.Count + 1, result.BlobsMounted);
        Assert.Equal(0, result.BytesUploaded);
        Assert.All(result.Blobs, b => Assert.Equal("models/origin", b.MountedFrom));
        var posts = front.Writes.Where(r => r.Method == "POST").ToList();
        Assert.Equal(artifact.Manifest.Layers.Count + 1, posts.Count);
        Assert.All(posts, p => Assert.Contains("mount=sha256%3A", p.Target, StringComparison.Ordinal));
        Assert.All(posts, p => Assert.Contains("from=models%2Forigin", p.Target, StringComparison.Ordinal));
        Assert.DoesNotContain(front.Requests, r => r.Method == "PATCH" || (r.Method == "PUT" && r.Target.Contains("/blobs/", StringComparison.Ordinal)));
        var remote = await RemoteArtifactReader.GetAsync(client, ModelReference.Parse(Registry + "/models/copy:1.0"));
        Assert.Equal(artifact.Digest, remote.Digest);
    }

    [Fact]
    public async Task The_artifacts_own_repository_is_a_mount_source_when_publishing_elsewhere_on_its_registry()
    {
        var artifact = await PackAsync("models/home:1.0");
        using (var first = _setup.Client())
        {
            await ModelPublisher.PublishAsync(_store, artifact, null, first);
        }

        using var client = _setup.Client();

        var result = await ModelPublisher.PublishAsync(_store, artifact, ModelReference.Parse(Registry + "/models/elsewhere:1.0"), client);

        Assert.Equal(artifact.Manifest.Layers.Count + 1, result.BlobsMounted);
    }

    [Fact]
    public async Task Publishing_by_reference_finds_the_stored_artifact_and_an_unknown_reference_fails()
    {
        await PackAsync("models/byref:1.0");
        using var client = _setup.Client();

        var result = await ModelPublisher.PublishAsync(_store, ModelReference.Parse(Registry + "/models/byref:1.0"), null, client);
        var missing = await Assert.ThrowsAsync<ModelPackException>(() => ModelPublisher.PublishAsync(_store, ModelReference.Parse(Registry + "/models/nothing:1.0"), null, client));

        Assert.True(result.ManifestPushed);
        Assert.Equal(ErrorIds.ModelArtifactNotInStore, missing.ErrorId);
    }

    [Fact]
    public async Task A_destination_pinned_to_another_digest_is_refused_before_anything_is_sent()
    {
        var artifact = await PackAsync("models/pinned:1.0");
        using var front = new RegistryFront(Registry);
        using var client = _setup.Client();
        var other = "sha256:" + new string('a', 64);

        var error = await Assert.ThrowsAsync<ModelPackException>(() => ModelPublisher.PublishAsync(_store, artifact, ModelReference.Parse(front.HostPort + "/models/pinned@" + other), client));

        Assert.Equal(ErrorIds.DigestMismatch, error.ErrorId);
        Assert.Empty(front.Requests);
    }
}
