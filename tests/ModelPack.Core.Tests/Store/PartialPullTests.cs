using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.PartialPulls;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;
using ModelPack.Core.Validation;

namespace ModelPack.Core.Tests.Store;

/// <summary>Partial pulls (a layer filter) from a real docker-registry, and the full pull that completes them.</summary>
public sealed class PartialPullTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-partial");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;
    private readonly byte[] _big = TestArtifact.Bytes(1, 120_000);
    private readonly byte[] _small = TestArtifact.Bytes(2, 30_000);
    private readonly Dictionary<string, ArtifactBuilder> _builders = new(StringComparer.Ordinal);

    public PartialPullTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string Registry => _fixture.Registry.HostPort;

    [Fact]
    public async Task An_include_glob_downloads_only_the_matching_layers_and_marks_the_artifact_partial()
    {
        var (reference, manifest) = await PushAsync("include");

        var result = await _store.PullAsync(Client(), reference, Filtered(include: new[] { "*.gguf" }));

        var artifact = result.Artifact;
        Assert.True(artifact.Partial);
        Assert.Equal(new[] { 1 }, artifact.PresentLayers);
        Assert.Equal(new[] { true, false, true, true }, artifact.Files.Select(f => f.Skipped));
        Assert.Equal(2, result.BlobsDownloaded); // the config and small.gguf
        Assert.Equal(_small, File.ReadAllBytes(Path.Combine(artifact.Path!, "small.gguf")));
        Assert.Equal(new[] { "small.gguf" }, SnapshotFiles(artifact.Path!));
        Assert.False(_store.Layout.HasBlob(manifest.Layers[0].Digest));
        Assert.False(_store.Layout.HasBlob(manifest.Layers[2].Digest));
        var listed = Assert.Single(_store.List());
        Assert.True(listed.Partial);
        Assert.Equal(new[] { 1 }, listed.PresentLayers);
        Assert.Equal("1", IndexEntry(reference).Annotation(PartialLayers.Annotation));
    }

    [Fact]
    public async Task A_kind_filter_and_an_exclude_glob_combine()
    {
        var (reference, _) = await PushAsync("kinds");
        var filter = Filtered(exclude: new[] { "big.safetensors" });
        filter.Layers!.Kinds.Add(LayerKind.Weight);
        filter.Layers.Kinds.Add(LayerKind.Doc);

        var artifact = (await _store.PullAsync(Client(), reference, filter)).Artifact;

        Assert.Equal(new[] { 1, 2 }, artifact.PresentLayers);
        Assert.Equal(new[] { "docs/README.md", "small.gguf" }, SnapshotFiles(artifact.Path!));
    }

    [Fact]
    public async Task A_later_full_pull_downloads_only_what_is_missing_and_clears_the_mark()
    {
        var (reference, manifest) = await PushAsync("complete");
        await _store.PullAsync(Client(), reference, Filtered(include: new[] { "*.gguf" }));

        var full = await _store.PullAsync(Client(), reference);

        Assert.False(full.UpToDate);
        Assert.Equal(3, full.BlobsDownloaded);
        Assert.Equal(manifest.Layers[0].Size + manifest.Layers[2].Size + manifest.Layers[3].Size, full.BytesDownloaded);
        Assert.False(full.Artifact.Partial);
        Assert.All(full.Artifact.Files, f => Assert.False(f.Skipped));
        Assert.Equal(new[] { "big.safetensors", "config.json", "docs/README.md", "small.gguf" }, SnapshotFiles(full.Artifact.Path!));
        Assert.Null(IndexEntry(reference).Annotation(PartialLayers.Annotation));
        Assert.False(Assert.Single(_store.List()).Partial);
        Assert.True(ArtifactValidator.ValidateInStore(_store, _store.List()[0]).IsValid);
        Assert.True((await _store.PullAsync(Client(), reference)).UpToDate);
    }

    [Fact]
    public async Task The_same_partial_pull_again_is_up_to_date_and_a_wider_one_adds_to_what_is_there()
    {
        var (reference, _) = await PushAsync("again");
        await _store.PullAsync(Client(), reference, Filtered(include: new[] { "*.gguf" }));

        var again = await _store.PullAsync(Client(), reference, Filtered(include: new[] { "small.gguf" }));
        var wider = await _store.PullAsync(Client(), reference, Filtered(include: new[] { "docs" }));

        Assert.True(again.UpToDate);
        Assert.Equal(0, again.BlobsDownloaded);
        Assert.False(wider.UpToDate);
        Assert.Equal(1, wider.BlobsDownloaded);
        Assert.Equal(new[] { 1, 2 }, wider.Artifact.PresentLayers);
        Assert.Equal(new[] { "docs/README.md", "small.gguf" }, SnapshotFiles(wider.Artifact.Path!));
    }

    [Fact]
    public async Task A_filter_that_takes_nothing_fails_with_the_files_there_are_and_stores_nothing()
    {
        var (reference, _) = await PushAsync("none");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => _store.PullAsync(Client(), reference, Filtered(include: new[] { "*.onnx" })));

        Assert.Equal(ErrorIds.NoLayersSelected, error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal(reference.ToString(), error.Target);
        Assert.Contains("'small.gguf'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_store.List());
    }

    [Theory]
    [InlineData("docs/[ab].md")]
    [InlineData("../up")]
    public void A_glob_that_cannot_be_used_is_refused_as_an_invalid_layer_filter(string glob)
    {
        var filter = new LayerFilter();
        filter.Include.Add(glob);

        var error = Assert.Throws<ModelPackException>(filter.Check);

        Assert.Equal(ErrorIds.InvalidLayerFilter, error.ErrorId);
        Assert.Equal(glob, error.Target);
    }

    [Fact]
    public async Task Verifying_a_partial_artifact_checks_what_is_there_and_lists_the_rest_as_not_downloaded()
    {
        var (reference, _) = await PushAsync("verify");
        var artifact = (await _store.PullAsync(Client(), reference, Filtered(include: new[] { "*.gguf", "docs" }))).Artifact;

        var intact = ArtifactValidator.ValidateInStore(_store, artifact);
        File.WriteAllBytes(Path.Combine(artifact.Path!, "docs", "README.md"), Utf8("changed"));
        var damaged = ArtifactValidator.ValidateInStore(_store, artifact);

        Assert.True(intact.IsValid, string.Join("; ", intact.Violations));
        Assert.True(intact.Partial);
        Assert.Equal(new[] { "big.safetensors", "config.json" }, intact.NotDownloaded);
        Assert.False(damaged.IsValid);
        Assert.Contains(damaged.Violations, v => v.Path == "snapshot/docs/README.md");
    }

    [Fact]
    public async Task A_mount_of_a_partial_artifact_says_so_and_points_at_a_weight_that_is_there()
    {
        var (reference, _) = await PushAsync("mount");
        var artifact = (await _store.PullAsync(Client(), reference, Filtered(include: new[] { "small.gguf" }))).Artifact;

        var mount = BindMountBuilder.Build(Assert.Single(_store.List()), "/models");
        var complete = (await _store.PullAsync(Client(), reference)).Artifact;

        Assert.True(mount.Partial);
        Assert.Contains("1 of its 4 files", mount.PartialWarning, StringComparison.Ordinal);
        Assert.Equal("/models/small.gguf", mount.EntryPath);
        Assert.Equal(artifact.Path, mount.Source);
        Assert.Null(BindMountBuilder.Build(complete, "/models").PartialWarning);
        Assert.Equal("/models/big.safetensors", BindMountBuilder.Build(complete, "/models").EntryPath);
    }

    [Fact]
    public async Task A_partial_pull_under_a_second_name_keeps_a_complete_snapshot_complete()
    {
        var (reference, manifest) = await PushAsync("shared");
        var (other, copy) = await PushAsync("shared", "partial/shared-copy");
        await _store.PullAsync(Client(), reference);

        var second = await _store.PullAsync(Client(), other, Filtered(include: new[] { "small.gguf" }));

        Assert.Equal(manifest.Digest, copy.Digest);
        Assert.False(second.UpToDate);
        Assert.False(second.Artifact.Partial);
        Assert.Equal(2, _store.List().Count);
        Assert.Equal(0, second.BlobsDownloaded);
        Assert.All(_store.List(), a => Assert.False(a.Partial));
        Assert.Equal(4, SnapshotFiles(second.Artifact.Path!).Length);
    }

    [Fact]
    public async Task Two_names_of_one_manifest_share_its_snapshot_so_both_carry_the_union_of_their_files()
    {
        var (first, _) = await PushAsync("union");
        var (second, _) = await PushAsync("union", "partial/union-copy");
        await _store.PullAsync(Client(), first, Filtered(include: new[] { "small.gguf" }));

        await _store.PullAsync(Client(), second, Filtered(include: new[] { "config.json" }));

        Assert.Equal(new[] { "1,3", "1,3" }, new[] { first, second }.Select(r => IndexEntry(r).Annotation(PartialLayers.Annotation)));
        Assert.All(_store.List(), a => Assert.Equal(new[] { "config.json", "small.gguf" }, SnapshotFiles(a.Path!)));
    }

    [Fact]
    public async Task A_model_packaged_as_an_image_is_pulled_whole()
    {
        using var client = Client();
        await new ImageBuilder()
            .Layer(LayerPacking.TarGzip, w => ImageBuilder.File(w, "models/model.gguf", "weights"))
            .PushAsync(client, Registry, "partial/img", "v1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => _store.PullImageAsync(client, ModelReference.Parse(Registry + "/partial/img:v1"), Filtered(include: new[] { "*.gguf" })));

        Assert.Equal(ErrorIds.ParameterNotApplicable, error.ErrorId);
        Assert.Empty(_store.List());
    }

    private async Task<(ModelReference Reference, ModelManifest Manifest)> PushAsync(string name, string? repository = null)
    {
        repository ??= "partial/" + name;
        // Built once per name: a tar layer's bytes hold the time it was made, and two repositories must hold one manifest.
        if (!_builders.TryGetValue(name, out var builder))
        {
            _builders[name] = builder = NewArtifact(name);
        }

        using var client = Client();
        var manifest = await builder.PushAsync(client, Registry, repository, "v1");
        return (ModelReference.Parse($"{Registry}/{repository}:v1"), manifest);
    }

    private ArtifactBuilder NewArtifact(string name) =>
        new ArtifactBuilder(name)
            .Raw("big.safetensors", _big)
            .Raw("small.gguf", _small)
            .Tar("docs", LayerPacking.TarGzip, new Dictionary<string, byte[]> { ["docs/README.md"] = Utf8("# " + name) })
            .Raw("config.json", Utf8("{\"n\":\"" + name + "\"}"), LayerKind.WeightConfig);

    private static PullOptions Filtered(string[]? include = null, string[]? exclude = null)
    {
        var filter = new LayerFilter();
        foreach (var glob in include ?? Array.Empty<string>())
        {
            filter.Include.Add(glob);
        }

        foreach (var glob in exclude ?? Array.Empty<string>())
        {
            filter.Exclude.Add(glob);
        }

        return new PullOptions { Layers = filter };
    }

    private ModelPack.Core.Registry.RegistryClient Client() => _setup.Client();

    private Descriptor IndexEntry(ModelReference reference) =>
        _store.Layout.ReadIndex().Manifests.Single(d => d.Annotation(AnnotationKeys.RefName) == reference.ToString());

    private static string[] SnapshotFiles(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose() => _root.Dispose();
}
