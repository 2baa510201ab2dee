using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Store;

/// <summary>Pulls into the local store from a real docker-registry on loopback.</summary>
public sealed class StorePullTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-store");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;

    public StorePullTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string Registry => _fixture.Registry.HostPort;

    [Fact]
    public async Task Raw_tar_gzip_and_zstd_layers_at_nested_paths_become_one_verified_snapshot()
    {
        var weightsA = Random(200_000, 1);
        var weightsB = Random(50_000, 2);
        var builder = new ArtifactBuilder("mixed")
            .Raw("weights/part-1.gguf", weightsA)
            .Raw("weights/part-2.gguf", weightsB)
            .Tar("docs", LayerPacking.Tar, new Dictionary<string, byte[]> { ["docs/README.md"] = Utf8("# mixed"), ["docs/LICENSE"] = Utf8("MIT") })
            .Tar("code", LayerPacking.TarGzip, new Dictionary<string, byte[]> { ["code/run.py"] = Utf8("print(1)") }, LayerKind.Code)
            .Tar("config", LayerPacking.TarZstd, new Dictionary<string, byte[]> { ["config.json"] = Utf8("{\"a\":1}"), ["tokenizer.json"] = Utf8("{}") }, LayerKind.WeightConfig);
        using var client = _setup.Client();
        var manifest = await builder.PushAsync(client, Registry, "models/mixed", "1.0");

        var result = await _store.PullAsync(client, ModelReference.Parse(Registry + "/models/mixed:1.0"));

        Assert.False(result.UpToDate);
        Assert.Equal(6, result.BlobsDownloaded);
        var artifact = result.Artifact;
        Assert.Equal(manifest.Digest, artifact.Digest);
        Assert.Equal("HttpBind", artifact.Strategy);
        Assert.Equal(Registry + "/models/mixed:1.0", artifact.Reference);
        var snapshot = artifact.Path!;
        Assert.Equal(_store.SnapshotPath(manifest.Digest), snapshot);
        Assert.Equal(weightsA, File.ReadAllBytes(Path.Combine(snapshot, "weights", "part-1.gguf")));
        Assert.Equal(weightsB, File.ReadAllBytes(Path.Combine(snapshot, "weights", "part-2.gguf")));
        Assert.Equal("# mixed", File.ReadAllText(Path.Combine(snapshot, "docs", "README.md")));
        Assert.Equal("print(1)", File.ReadAllText(Path.Combine(snapshot, "code", "run.py")));
        Assert.Equal("{\"a\":1}", File.ReadAllText(Path.Combine(snapshot, "config.json")));
        Assert.Equal(artifact.Digest, Assert.Single(_store.List()).Digest);
        Assert.Empty(Directory.GetFiles(_store.TempDirectory, "*.partial"));
    }

    [Fact]
    public async Task Saving_an_unchanged_artifact_again_takes_one_manifest_HEAD_and_no_blob()
    {
        using var client = _setup.Client();
        await TestArtifact.Create("again").PushAsync(client, Registry, "models/again", "v1");
        var requests = new ConcurrentQueue<string>();
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) =>
        {
            requests.Enqueue(request.Method + " " + request.Path);
            return MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response);
        });
        var reference = ModelReference.Parse(front.HostPort + "/models/again:v1");

        var first = await _store.PullAsync(client, reference);
        Assert.Contains(requests, r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));
        requests.Clear();

        var second = await _store.PullAsync(client, reference);

        Assert.True(second.UpToDate);
        Assert.Equal(0, second.BytesDownloaded);
        Assert.Equal(first.Artifact.Digest, second.Artifact.Digest);
        var manifestCalls = requests.Where(r => r.Contains("/manifests/", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "HEAD /v2/models/again/manifests/v1" }, manifestCalls);
        Assert.DoesNotContain(requests, r => r.Contains("/blobs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_store_is_an_OCI_layout_skopeo_reads_byte_for_byte()
    {
        using var client = _setup.Client();
        var artifact = TestArtifact.Create("skopeo-read");
        await artifact.PushAsync(client, Registry, "models/skopeo-read", "v1");
        var reference = Registry + "/models/skopeo-read:v1";
        await _store.PullAsync(client, ModelReference.Parse(reference));
        var dir = Path.Combine(_root.Path, "dir-copy");

        Shell.Run("skopeo", "copy", "--preserve-digests", "oci:" + _store.Root + ":" + reference, "dir:" + dir);

        Assert.Equal(artifact.ManifestBytes, File.ReadAllBytes(Path.Combine(dir, "manifest.json")));
        foreach (var (descriptor, bytes) in artifact.Blobs)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, Digest.Parse(descriptor.Digest).Encoded)));
        }
    }

    [Fact]
    public async Task An_artifact_copied_into_the_registry_by_skopeo_pulls_identically()
    {
        var layoutDir = Path.Combine(_root.Path, "src-layout");
        var layout = OciLayout.Create(layoutDir);
        var (config, configDescriptor, manifest) = new ArtifactBuilder("via-skopeo").Raw("m.gguf", Random(10_000, 5)).Build();
        layout.WriteBlob(config);
        layout.WriteBlob(Random(10_000, 5));
        layout.WriteBlob(manifest.ToBytes());
        layout.SetReference("v1", manifest.ToDescriptor());

        Shell.Run("skopeo", "copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layoutDir + ":v1", "docker://" + Registry + "/models/via-skopeo:v1");
        using var client = _setup.Client();
        var result = await _store.PullAsync(client, ModelReference.Parse(Registry + "/models/via-skopeo:v1"));

        Assert.Equal(manifest.Digest, result.Artifact.Digest);
        Assert.Equal(Random(10_000, 5), File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "m.gguf")));
        Assert.Equal(configDescriptor.Digest, result.Artifact.Manifest.Config!.Digest);
    }

    [Fact]
    public async Task A_blob_altered_on_the_way_is_a_DigestMismatch_and_leaves_nothing_new()
    {
        using var client = _setup.Client();
        await TestArtifact.Create("altered").PushAsync(client, Registry, "models/altered", "v1");
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) => MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response,
            rewriteBody: body =>
            {
                if (request.Path.Contains("/blobs/", StringComparison.Ordinal) && body.Length > 100_000)
                {
                    body[body.Length / 2] ^= 0x01;
                }

                return body;
            }));
        var before = Snapshot();

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => _store.PullAsync(client, ModelReference.Parse(front.HostPort + "/models/altered:v1")));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task An_escaping_filepath_is_refused_before_any_layer_is_downloaded()
    {
        using var client = _setup.Client();
        await new ArtifactBuilder("escape").Raw("../outside.gguf", Random(1000, 7)).PushAsync(client, Registry, "models/escape", "v1");
        var before = Snapshot();

        var ex = await Assert.ThrowsAsync<ModelSpecException>(() => _store.PullAsync(client, ModelReference.Parse(Registry + "/models/escape:v1")));

        Assert.Contains(ex.Violations, v => v.Path.Contains("org.cncf.model.filepath", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot());
        Assert.False(File.Exists(Path.Combine(_store.SnapshotsDirectory, "..", "outside.gguf")));
    }

    [Theory]
    [InlineData("dotdot")]
    [InlineData("symlink")]
    public async Task A_tar_layer_that_escapes_is_UnsafeLayerPath_and_the_store_is_left_as_it_was(string kind)
    {
        var files = new Dictionary<string, byte[]> { ["docs/ok.md"] = Utf8("ok") };
        Dictionary<string, string>? links = null;
        if (kind == "dotdot")
        {
            files["docs/../../evil.txt"] = Utf8("evil");
        }
        else
        {
            links = new Dictionary<string, string> { ["docs/passwd"] = "/etc/passwd" };
        }

        using var client = _setup.Client();
        await new ArtifactBuilder("tar-" + kind).Raw("w.gguf", Random(500, 9)).Tar("docs", LayerPacking.Tar, files, symlinks: links)
            .PushAsync(client, Registry, "models/tar-" + kind, "v1");
        var before = Snapshot();

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => _store.PullAsync(client, ModelReference.Parse(Registry + "/models/tar-" + kind + ":v1")));

        Assert.Equal(ErrorIds.UnsafeLayerPath, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Removing_one_of_two_artifacts_keeps_the_blobs_the_other_still_uses()
    {
        using var client = _setup.Client();
        var shared = Random(30_000, 11);
        await new ArtifactBuilder("one").Raw("shared.gguf", shared).Raw("one.txt", Utf8("one"), LayerKind.Doc).PushAsync(client, Registry, "models/share", "one");
        await new ArtifactBuilder("two").Raw("shared.gguf", shared).Raw("two.txt", Utf8("two"), LayerKind.Doc).PushAsync(client, Registry, "models/share", "two");
        var one = (await _store.PullAsync(client, ModelReference.Parse(Registry + "/models/share:one"))).Artifact;
        var two = (await _store.PullAsync(client, ModelReference.Parse(Registry + "/models/share:two"))).Artifact;
        var sharedDigest = Digest.Sha256(shared).ToString();

        Assert.True(_store.Remove(one.Reference));

        Assert.True(_store.Layout.HasBlob(sharedDigest));
        Assert.False(_store.Layout.HasBlob(one.Files.Single(f => f.Path == "one.txt").Digest));
        Assert.False(_store.Layout.HasBlob(one.Digest));
        Assert.False(Directory.Exists(one.Path));
        Assert.Equal(shared, File.ReadAllBytes(Path.Combine(two.Path!, "shared.gguf")));
        Assert.Equal(two.Reference, Assert.Single(_store.List()).Reference);

        Assert.True(_store.Remove(two.Reference));
        Assert.False(_store.Remove(two.Reference));
        Assert.Empty(_store.List());
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Root, "blobs", "sha256")));
        Assert.Empty(Directory.GetDirectories(_store.SnapshotsDirectory));
    }

    [Fact]
    public async Task A_partial_download_left_in_tmp_is_resumed_not_restarted()
    {
        using var client = _setup.Client();
        var weights = Random(400_000, 13);
        await new ArtifactBuilder("resume").Raw("w.gguf", weights).PushAsync(client, Registry, "models/resume", "v1");
        var digest = Digest.Sha256(weights);
        File.WriteAllBytes(Path.Combine(_store.TempDirectory, digest.Encoded + ".partial"), weights.Take(300_000).ToArray());

        var result = await _store.PullAsync(client, ModelReference.Parse(Registry + "/models/resume:v1"), new PullOptions { Log = _log.Add });

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.gguf")));
        Assert.True(result.BytesDownloaded < 200_000, $"{result.BytesDownloaded} bytes transferred");
        Assert.Contains("Resuming", _setup.LogText + string.Join("\n", _log), StringComparison.Ordinal);
    }

    private readonly List<string> _log = new();

    private string Snapshot()
    {
        var files = Directory.GetFiles(_store.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "tmp" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(_store.Root, f))
            .OrderBy(f => f, StringComparer.Ordinal);
        return string.Join("\n", files) + "\n" + File.ReadAllText(Path.Combine(_store.Root, "index.json"));
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose() => _root.Dispose();
}
