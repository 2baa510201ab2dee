using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;
using ModelPack.Core.Validation;

namespace ModelPack.Core.Tests.Producers;

/// <summary>
/// Artifacts as other producers write them, pushed to a real docker-registry and pulled into the store: each is saved,
/// listed and mountable; Test-ModelArtifact's check says which do not conform to the current spec, and why.
/// </summary>
public sealed class ProducerFormatTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-producers");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;

    public ProducerFormatTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string Registry => _fixture.Registry.HostPort;

    // The names before the spec's mid-2025 rename: dragonflyoss/model-spec specs-go/v1/mediatype.go and annotations.go
    // ("application/vnd.cnai.model.*", "org.cnai.model.filepath", "org.cnai.model.file.metadata+json"), which modctl
    // wrote (its build package still pins them as Legacy* constants for registries that only know them).
    [Fact]
    public async Task An_artifact_with_the_earlier_cnai_names_is_pulled_listed_and_mountable_and_reported_as_renamed()
    {
        var weights = TestArtifact.Bytes(1, 40_000);
        var artifact = new ProducerArtifact()
            .ArtifactType(MediaTypes.LegacyModelArtifact)
            .ModelConfig(MediaTypes.LegacyModelConfig, "legacy")
            .Layer("application/vnd.cnai.model.weight.v1.raw", weights, (AnnotationKeys.LegacyFilepath, "weights/model.safetensors"))
            .Layer("application/vnd.cnai.model.doc.v1.tar", ArtifactBuilder.TarBytes(new System.Collections.Generic.Dictionary<string, byte[]> { ["README.md"] = Utf8("# legacy") }), (AnnotationKeys.LegacyFilepath, "README.md"));
        using var client = _setup.Client();
        var digest = await artifact.PushAsync(client, Registry, "producers/legacy", "v1");

        var pulled = (await _store.PullAsync(client, ModelReference.Parse(Registry + "/producers/legacy:v1"))).Artifact;

        Assert.Equal(digest, pulled.Digest);
        Assert.Equal("legacy", pulled.Name);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(pulled.Path!, "weights", "model.safetensors")));
        Assert.Equal("# legacy", File.ReadAllText(Path.Combine(pulled.Path!, "README.md")));
        Assert.Equal(new LayerKind?[] { LayerKind.Weight, LayerKind.Doc }, pulled.Files.Select(f => f.Kind));
        Assert.Equal("weights/model.safetensors", pulled.Files[0].Path);
        var listed = Assert.Single(_store.List());
        Assert.Equal("legacy", listed.Name);
        Assert.Equal("/models/weights/model.safetensors", BindMountBuilder.Build(listed, "/models").EntryPath);

        var result = ArtifactValidator.ValidateInStore(_store, listed);
        Assert.False(result.IsValid);
        Assert.All(result.Violations, v => Assert.True(v.NamingOnly, v.ToString()));
        Assert.Contains(result.Violations, v => v.Path == "$.artifactType" && v.Message.Contains("rename", StringComparison.Ordinal));
        Assert.Contains(result.Violations, v => v.Path == "$.config.mediaType");
        Assert.Contains(result.Violations, v => v.Path == "$.layers[0].mediaType" && v.Message.Contains("renamed", StringComparison.Ordinal));
        Assert.Contains(result.Violations, v => v.Path == "$.layers[0].annotations[\"org.cnai.model.filepath\"]" && v.Message.Contains("'org.cncf.model.filepath'", StringComparison.Ordinal));
    }

    // An earlier-named filepath is as dangerous as a current one: it is checked before anything is downloaded.
    [Fact]
    public async Task An_unsafe_earlier_named_filepath_is_refused_before_any_layer_is_downloaded()
    {
        var artifact = new ProducerArtifact()
            .ArtifactType(MediaTypes.LegacyModelArtifact)
            .ModelConfig(MediaTypes.LegacyModelConfig, "escape")
            .Layer("application/vnd.cnai.model.weight.v1.raw", TestArtifact.Bytes(2, 1000), (AnnotationKeys.LegacyFilepath, "../outside.bin"));
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "producers/escape", "v1");

        var error = await Assert.ThrowsAsync<ModelSpecException>(() => _store.PullAsync(client, ModelReference.Parse(Registry + "/producers/escape:v1")));

        Assert.Contains(error.Violations, v => v.Path.Contains("org.cnai.model.filepath", StringComparison.Ordinal) && v.Message.Contains("..", StringComparison.Ordinal));
        Assert.Empty(_store.List());
    }

    // modctl (modelpack/modctl, pkg/backend/build): current media types, org.cncf.model.filepath and
    // org.cncf.model.file.metadata+json on each layer, and no org.opencontainers.image.title.
    [Fact]
    public async Task A_modctl_artifact_with_filepaths_and_no_titles_conforms_and_mounts()
    {
        var weights = TestArtifact.Bytes(3, 30_000);
        var metadata = "{\"name\":\"model.gguf\",\"mode\":420,\"uid\":0,\"gid\":0,\"size\":30000,\"mtime\":\"2025-01-01T00:00:00Z\",\"typeflag\":48}";
        var artifact = new ProducerArtifact()
            .ArtifactType(MediaTypes.ModelArtifact)
            .ModelConfig(MediaTypes.ModelConfig, "modctl")
            .Layer(LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw), weights, (AnnotationKeys.Filepath, "model.gguf"), (AnnotationKeys.FileMetadata, metadata), (AnnotationKeys.MediaTypeUntested, "false"));
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "producers/modctl", "v1");

        var pulled = (await _store.PullAsync(client, ModelReference.Parse(Registry + "/producers/modctl:v1"))).Artifact;

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(pulled.Path!, "model.gguf")));
        Assert.Null(pulled.Files[0].Layer.Title);
        Assert.True(ArtifactValidator.ValidateInStore(_store, Assert.Single(_store.List())).IsValid);
        Assert.Equal("/models/model.gguf", BindMountBuilder.Build(pulled, "/models").EntryPath);
    }

    // podman artifact add (containers/podman docs/source/markdown/podman-artifact-add.1.md; podman 5.8's
    // `podman artifact inspect` shows it): no artifactType, the OCI empty config ("{}", data "e30="), each file a layer
    // of its detected MIME type named by org.opencontainers.image.title, and org.opencontainers.image.created.
    [Fact]
    public async Task A_podman_artifact_add_artifact_is_listed_and_mountable_and_flagged_as_not_conforming()
    {
        var weights = TestArtifact.Bytes(4, 20_000);
        var artifact = new ProducerArtifact()
            .EmptyConfig()
            .Layer("application/octet-stream", weights, (AnnotationKeys.Title, "model.gguf"))
            .Layer("text/plain; charset=utf-8", Utf8("doc"), (AnnotationKeys.Title, "README.md"))
            .ManifestAnnotation(AnnotationKeys.Created, "2026-12-03T10:06:15.935907525Z");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "producers/podman", "v1");

        var pulled = (await _store.PullAsync(client, ModelReference.Parse(Registry + "/producers/podman:v1"))).Artifact;

        Assert.Null(pulled.Config);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(pulled.Path!, "model.gguf")));
        Assert.Equal("doc", File.ReadAllText(Path.Combine(pulled.Path!, "README.md")));
        Assert.Equal(new[] { "model.gguf", "README.md" }, pulled.Files.Select(f => f.Path));
        Assert.All(pulled.Files, f => Assert.Null(f.Kind));
        var listed = Assert.Single(_store.List());
        var mount = BindMountBuilder.Build(listed, "/models");
        Assert.Equal(listed.Path, mount.Source);

        var result = ArtifactValidator.ValidateInStore(_store, listed);
        Assert.False(result.IsValid);
        Assert.All(result.Violations, v => Assert.True(v.NamingOnly, v.ToString()));
        Assert.Contains(result.Violations, v => v.Path == "$.artifactType");
        Assert.Contains(result.Violations, v => v.Path == "$.config.mediaType" && v.Message.Contains(MediaTypes.OciEmpty, StringComparison.Ordinal));
        Assert.Contains(result.Violations, v => v.Path == "$.layers[1].mediaType");
    }

    // The real producer: podman 5.8's `podman artifact add` and `podman artifact push` into the run's docker-registry.
    [ToolFact(TestTools.Podman58)]
    public async Task What_the_real_podman_5_8_artifact_add_pushes_is_saved_listed_and_mounted()
    {
        using var podman = new PodmanSandbox(TestTools.Podman58, Registry);
        var weights = TestArtifact.Bytes(8, 15_000);
        File.WriteAllBytes(podman.File("model.gguf"), weights);
        File.WriteAllText(podman.File("README.md"), "# from podman");
        var reference = $"{Registry}/producers/real-podman:v1";
        await podman.RunOkAsync("artifact", "add", reference, podman.File("model.gguf"), podman.File("README.md"));
        await podman.RunOkAsync("artifact", "push", reference);
        using var client = _setup.Client();

        var pulled = (await _store.PullAsync(client, ModelReference.Parse(reference))).Artifact;

        Assert.True(pulled.Manifest.IsTitledArtifact);
        Assert.Null(pulled.Manifest.ArtifactType);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(pulled.Path!, "model.gguf")));
        Assert.Equal("# from podman", File.ReadAllText(Path.Combine(pulled.Path!, "README.md")));
        var listed = Assert.Single(_store.List());
        Assert.Equal(listed.Path, BindMountBuilder.Build(listed, "/models").Source);
        var result = ArtifactValidator.ValidateInStore(_store, listed);
        Assert.Contains(result.Violations, v => v.Path == "$.config.mediaType" && v.NamingOnly);
        Assert.DoesNotContain(result.Violations, v => !v.NamingOnly);
    }

    // docker/model-runner pkg/distribution/modelpack (types.go: MediaTypeWeightGGUF, MediaTypeWeightSafetensors, "a DMR
    // extension not in the official model-spec; kept for read-compatibility"; partial/cncf_model.go: the CNCF artifactType
    // and config; partial/layer.go: org.cncf.model.filepath, file metadata and mediatype.untested "false" on each layer).
    [Fact]
    public async Task A_docker_model_runner_cncf_package_with_its_gguf_type_is_a_weight_and_flagged_for_that_type()
    {
        var weights = TestArtifact.Bytes(5, 25_000);
        var artifact = new ProducerArtifact()
            .ArtifactType(MediaTypes.ModelArtifact)
            .ModelConfig(MediaTypes.ModelConfig, "dmr")
            .Layer("application/vnd.cncf.model.weight.v1.gguf", weights, (AnnotationKeys.Filepath, "model.gguf"), (AnnotationKeys.MediaTypeUntested, "false"))
            .Layer("application/vnd.cncf.model.weight.v1.safetensors", TestArtifact.Bytes(6, 5_000), (AnnotationKeys.Filepath, "extra.safetensors"))
            .Layer(LayerMediaType.Format(LayerKind.Doc, LayerPacking.Raw), Utf8("MIT"), (AnnotationKeys.Filepath, "LICENSE"));
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "producers/dmr", "v1");

        var pulled = (await _store.PullAsync(client, ModelReference.Parse(Registry + "/producers/dmr:v1"))).Artifact;

        Assert.Equal(new LayerKind?[] { LayerKind.Weight, LayerKind.Weight, LayerKind.Doc }, pulled.Files.Select(f => f.Kind));
        Assert.Equal(new LayerPacking?[] { LayerPacking.Raw, LayerPacking.Raw, LayerPacking.Raw }, pulled.Files.Select(f => f.Packing));
        Assert.Equal("/models/model.gguf", BindMountBuilder.Build(pulled, "/models").EntryPath);
        var result = ArtifactValidator.ValidateInStore(_store, Assert.Single(_store.List()));
        Assert.Equal(new[] { "$.layers[0].mediaType", "$.layers[1].mediaType" }, result.Violations.Select(v => v.Path));
    }

    // Reading more forms must not make every OCI artifact a model: an artifact of another kind with its own config is refused.
    [Fact]
    public async Task An_artifact_of_another_kind_is_still_not_a_model()
    {
        var artifact = new ProducerArtifact()
            .ArtifactType("application/vnd.cncf.helm.config.v1+json")
            .ModelConfig("application/vnd.cncf.helm.config.v1+json", "chart")
            .Layer("application/vnd.cncf.helm.chart.content.v1.tar+gzip", TestArtifact.Bytes(7, 500), (AnnotationKeys.Title, "chart.tgz"));
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "producers/helm", "v1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => _store.PullAsync(client, ModelReference.Parse(Registry + "/producers/helm:v1")));

        Assert.Equal(ErrorIds.NotAModelArtifact, error.ErrorId);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose() => _root.Dispose();
}
