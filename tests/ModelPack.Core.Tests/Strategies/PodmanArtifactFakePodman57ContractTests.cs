using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>
/// PodmanArtifactStrategy against <see cref="FakePodman57"/>, a fake that follows podman 5.7's CLI contract
/// (real podman 5.7 cannot be installed here): the exact commands and arguments, the inspect output shape,
/// exit codes and messages, and the per-layer artifact mounts.
/// </summary>
public sealed class PodmanArtifactFakePodman57ContractTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private const string Ref = "registry.example:5000/models/tiny:1.0";
    private const string ListCall = "podman artifact ls --no-trunc --format {\"Repository\":{{json .Repository}},\"Tag\":{{json .Tag}},\"Digest\":{{json .Digest}}}";

    private readonly PlainRegistryFixture registry;
    private readonly FakePodman57 podman = new();
    private readonly TempDirectory temp = new("modelpack-artifact-strategy");
    private readonly List<string> log = new();

    public PodmanArtifactFakePodman57ContractTests(PlainRegistryFixture registry)
    {
        this.registry = registry;
    }

    [Fact]
    public async Task The_probe_of_podman_5_7_makes_PodmanArtifact_first_for_artifacts_but_not_for_images_or_tar_layers()
    {
        var engine = await podman.ProbeAsync();

        Assert.True(engine.SupportsArtifacts, engine.Reason);
        Assert.Equal(StrategyName.PodmanArtifact, StrategySelector.Select(null, ModelPackSettings.Empty, engine, ReferenceKind.Artifact, false).Strategy);
        Assert.Equal(StrategyName.PodmanImage, StrategySelector.Select(null, ModelPackSettings.Empty, engine, ReferenceKind.Image, false).Strategy);
        Assert.Equal(StrategyName.HttpBind, StrategySelector.Select(null, ModelPackSettings.Empty, engine, ReferenceKind.Artifact, true).Strategy);
    }

    [Fact]
    public async Task Pull_runs_artifact_pull_then_inspect_and_keeps_the_digest_podman_reports()
    {
        var manifest = Manifest(Raw(LayerKind.Weight, "weights/model.gguf", 1000));
        podman.AddRemote(Ref, manifest.ToBytes(), manifest.Digest);
        var strategy = await StrategyAsync();

        var artifact = await strategy.PullAsync(ModelReference.Parse(Ref), new PullContext(), CancellationToken.None);

        Assert.Equal(new[] { "podman artifact pull " + Ref, "podman artifact inspect " + Ref }, podman.Calls.Skip(2));
        Assert.Equal(Ref, artifact.Reference);
        Assert.Equal("PodmanArtifact", artifact.Strategy);
        Assert.Equal(manifest.Digest, artifact.Digest);
        Assert.NotEqual(manifest.Digest, artifact.Manifest.Digest); // podman prints its own serialisation
        Assert.Null(artifact.Path);
        Assert.Equal("weights/model.gguf", Assert.Single(artifact.Files).Path);
        Assert.True(podman.IsLocal(Ref));
    }

    [Fact]
    public async Task Pull_passes_tls_verify_false_for_insecure_registries_and_a_credential_only_through_a_private_auth_file()
    {
        var manifest = Manifest(Raw(LayerKind.Weight, "model.gguf", 10));
        podman.AddRemote(Ref, manifest.ToBytes(), manifest.Digest);
        var strategy = await StrategyAsync();
        var context = new PullContext { Credential = new RegistryCredential("alice", "s3cret-pw") };
        context.InsecureRegistries.Add("registry.example:5000");

        await strategy.PullAsync(ModelReference.Parse(Ref), context, CancellationToken.None);

        var pull = Assert.Single(podman.Calls, c => c.StartsWith("podman artifact pull", StringComparison.Ordinal));
        var words = pull.Split(' ');
        Assert.Equal(new[] { "podman", "artifact", "pull", "--tls-verify=false", "--authfile" }, words.Take(5));
        Assert.Equal(Ref, words[^1]);
        Assert.DoesNotContain(podman.Calls, c => c.Contains("s3cret-pw", StringComparison.Ordinal));
        var (mode, content) = podman.AuthFile!.Value;
        Assert.Equal("600", mode);
        Assert.Contains("\"registry.example:5000\"", content);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret-pw")), content);
        Assert.False(File.Exists(words[5]), "the temporary auth file must be removed after the pull");
    }

    [Fact]
    public async Task Pull_of_a_reference_the_registry_lacks_reports_podmans_own_error()
    {
        var strategy = await StrategyAsync();

        var error = await Assert.ThrowsAsync<ModelPackException>(() => strategy.PullAsync(ModelReference.Parse(Ref), new PullContext(), CancellationToken.None));

        Assert.Equal(ErrorIds.ContainerEngineFailed, error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("manifest unknown", error.Message);
        Assert.Contains("exit code 125", error.Message);
        Assert.Equal(Ref, error.Target);
    }

    [Fact]
    public async Task Pull_of_an_artifact_that_is_not_a_ModelPack_model_fails_with_NotAModelArtifact()
    {
        var plain = PlainArtifact();
        podman.AddRemote(Ref, plain, Digest.Sha256(plain).ToString());
        var strategy = await StrategyAsync();

        var error = await Assert.ThrowsAsync<ModelPackException>(() => strategy.PullAsync(ModelReference.Parse(Ref), new PullContext(), CancellationToken.None));

        Assert.Equal(ErrorIds.NotAModelArtifact, error.ErrorId);
        Assert.Contains("podman artifact rm " + Ref, error.Message);
    }

    [Fact]
    public async Task List_reads_a_JSON_template_and_lists_only_valid_ModelPack_artifacts()
    {
        var good = Manifest(Raw(LayerKind.Weight, "model.gguf", 10));
        var bad = Manifest(Raw(LayerKind.Weight, "../escape.gguf", 10));
        var plain = PlainArtifact();
        podman.AddLocal(Ref, good.ToBytes(), good.Digest);
        podman.AddLocal("registry.example:5000/models/bad:1", bad.ToBytes(), bad.Digest);
        podman.AddLocal("registry.example:5000/files/notes:1", plain, Digest.Sha256(plain).ToString());
        var strategy = await StrategyAsync();

        var listed = await strategy.ListAsync(CancellationToken.None);

        var only = Assert.Single(listed);
        Assert.Equal(Ref, only.Reference);
        Assert.Equal(good.Digest, only.Digest);
        Assert.Equal(ListCall, podman.Calls[2]);
        Assert.Equal(3, podman.Calls.Count(c => c.StartsWith("podman artifact inspect ", StringComparison.Ordinal)));
        Assert.Contains(log, l => l.Contains("registry.example:5000/files/notes:1", StringComparison.Ordinal) && l.Contains("not a ModelPack model", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("models/bad:1", StringComparison.Ordinal) && l.Contains("filepath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exists_and_Remove_follow_the_exit_codes_of_inspect_and_rm()
    {
        var manifest = Manifest(Raw(LayerKind.Weight, "model.gguf", 10));
        var strategy = await StrategyAsync();
        var reference = ModelReference.Parse(Ref);

        Assert.False(await strategy.ExistsAsync(reference, CancellationToken.None));
        podman.AddLocal(Ref, manifest.ToBytes(), manifest.Digest);
        Assert.True(await strategy.ExistsAsync(reference, CancellationToken.None));

        Assert.True(await strategy.RemoveAsync(reference, CancellationToken.None));
        Assert.False(podman.IsLocal(Ref));
        Assert.False(await strategy.RemoveAsync(reference, CancellationToken.None));
        Assert.Equal(2, podman.Calls.Count(c => c == "podman artifact rm " + Ref));
    }

    [Fact]
    public async Task Mounts_are_one_artifact_mount_per_layer_by_digest_at_the_layer_filepath()
    {
        var weights = Raw(LayerKind.Weight, "weights/model.gguf", 5000);
        var config = Raw(LayerKind.WeightConfig, "config.json", 20);
        var readme = Raw(LayerKind.Doc, "README.md", 30);
        var manifest = Manifest(weights, config, readme);
        podman.AddLocal(Ref, manifest.ToBytes(), manifest.Digest);
        var strategy = await StrategyAsync();
        var artifact = (await strategy.FindAsync(ModelReference.Parse(Ref), CancellationToken.None))!;

        var mounts = strategy.Mounts(artifact, new MountOptions(await podman.ProbeAsync(), "/models/llm/"));

        Assert.Equal(
            new[]
            {
                $"--mount=type=artifact,src={Ref},digest={weights.Digest},destination=/models/llm/weights/model.gguf",
                $"--mount=type=artifact,src={Ref},digest={config.Digest},destination=/models/llm/config.json",
                $"--mount=type=artifact,src={Ref},digest={readme.Digest},destination=/models/llm/README.md",
            },
            mounts.Select(m => m.Argument));
        Assert.All(mounts, m =>
        {
            Assert.Equal("artifact", m.Type);
            Assert.Equal("podman", m.Engine);
            Assert.Equal("PodmanArtifact", m.Strategy);
            Assert.Equal(Ref, m.Source);
            Assert.True(m.ReadOnly);
            Assert.Equal("/models/llm/weights/model.gguf", m.EntryPath);
        });
        Assert.Equal("/models/llm/config.json", mounts[1].Destination);
    }

    [Fact]
    public async Task An_artifact_with_tar_layers_is_not_mountable_and_the_error_names_them_and_HttpBind()
    {
        var manifest = Manifest(Raw(LayerKind.Weight, "model.gguf", 10), Layer(LayerKind.Doc, LayerPacking.TarGzip, "docs", 40));
        podman.AddLocal(Ref, manifest.ToBytes(), manifest.Digest);
        var strategy = await StrategyAsync();
        var artifact = (await strategy.FindAsync(ModelReference.Parse(Ref), CancellationToken.None))!;
        var options = new MountOptions(await podman.ProbeAsync());

        var error = Assert.Throws<ArtifactNotMountableException>(() => strategy.Mounts(artifact, options));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Equal(new[] { "docs" }, error.UnmountableLayers);
        Assert.Contains("'docs'", error.Message);
        Assert.Contains("HttpBind", error.Message);
    }

    [Fact]
    public async Task Auto_mounts_a_podman_artifact_with_tar_layers_through_HttpBind_and_a_forced_PodmanArtifact_explains_why_not()
    {
        using var client = new TestClientSetup(registry.Home.Path).Client();
        var reference = registry.Registry.HostPort + "/models/with-docs:1.0";
        var weights = Encoding.UTF8.GetBytes("gguf weights");
        var pushed = await new ArtifactBuilder("with-docs")
            .Raw("model.gguf", weights)
            .Tar("docs", LayerPacking.TarGzip, new Dictionary<string, byte[]> { ["docs/README.md"] = Encoding.UTF8.GetBytes("# read me") })
            .PushAsync(client, registry.Registry.HostPort, "models/with-docs", "1.0");
        podman.AddLocal(reference, pushed.ToBytes(), pushed.Digest);
        var engine = await podman.ProbeAsync();
        var chain = new StrategyChain(new StrategyContext(engine, () => ModelStore.Open(temp.Combine("store"))) { Log = log.Add });
        var inPodman = (await chain.Get(StrategyName.PodmanArtifact).FindAsync(ModelReference.Parse(reference), CancellationToken.None))!;
        var options = new MountOptions(engine);

        var mount = Assert.Single(await chain.MountAsync(inPodman, null, options, new PullContext { Client = client }, CancellationToken.None));

        Assert.Equal("HttpBind", mount.Strategy);
        Assert.Equal("bind", mount.Type);
        Assert.Equal($"--mount=type=bind,src={mount.Source},destination=/mnt/models,ro", mount.Argument);
        Assert.Equal("# read me", File.ReadAllText(Path.Combine(mount.Source, "docs", "README.md")));
        Assert.Equal("/mnt/models/model.gguf", mount.EntryPath);
        Assert.Contains(log, l => l.Contains("tar layers", StringComparison.Ordinal));

        var forced = await Assert.ThrowsAsync<ArtifactNotMountableException>(() => chain.MountAsync(inPodman, StrategyName.PodmanArtifact, options, new PullContext { Client = client }, CancellationToken.None));
        Assert.Equal(ErrorIds.StrategyUnavailable, forced.ErrorId);
    }

    [Fact]
    public async Task The_chain_lists_every_store_once_per_reference_and_digest()
    {
        using var client = new TestClientSetup(registry.Home.Path).Client();
        var shared = registry.Registry.HostPort + "/models/shared:1.0";
        var pushed = await new ArtifactBuilder("shared").Raw("model.gguf", Encoding.UTF8.GetBytes("shared weights")).PushAsync(client, registry.Registry.HostPort, "models/shared", "1.0");
        podman.AddLocal(shared, pushed.ToBytes(), pushed.Digest);
        var onlyPodman = Manifest(Raw(LayerKind.Weight, "other.gguf", 10));
        podman.AddLocal(Ref, onlyPodman.ToBytes(), onlyPodman.Digest);
        var engine = await podman.ProbeAsync();
        var chain = new StrategyChain(new StrategyContext(engine, () => ModelStore.Open(temp.Combine("store"))));
        await chain.Get(StrategyName.HttpBind).PullAsync(ModelReference.Parse(shared), new PullContext { Client = client }, CancellationToken.None);

        var listed = await chain.ListAsync(CancellationToken.None);

        Assert.Equal(new[] { StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind }, chain.Stores.Select(s => s.Name));
        Assert.Equal(
            new[] { (Ref, "PodmanArtifact"), (shared, "PodmanArtifact") }.OrderBy(x => x.Item1, StringComparer.Ordinal),
            listed.Select(a => (a.Reference, a.Strategy)).OrderBy(x => x.Reference, StringComparer.Ordinal));
        Assert.Single(await chain.Get(StrategyName.HttpBind).ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_chain_pulls_through_podman_artifact_by_Auto_but_tar_layers_and_a_strategy_set_in_the_environment_go_to_HttpBind()
    {
        using var client = new TestClientSetup(registry.Home.Path).Client();
        var rawRef = registry.Registry.HostPort + "/models/chain-raw:1";
        var tarRef = registry.Registry.HostPort + "/models/chain-tar:1";
        var raw = await new ArtifactBuilder("chain-raw").Raw("model.gguf", Encoding.UTF8.GetBytes("raw")).PushAsync(client, registry.Registry.HostPort, "models/chain-raw", "1");
        var tar = await new ArtifactBuilder("chain-tar").Raw("model.gguf", Encoding.UTF8.GetBytes("tar")).Tar("docs", LayerPacking.Tar, new Dictionary<string, byte[]> { ["docs/a.md"] = new byte[] { 1 } })
            .PushAsync(client, registry.Registry.HostPort, "models/chain-tar", "1");
        podman.AddRemote(rawRef, raw.ToBytes(), raw.Digest);
        podman.AddRemote(tarRef, tar.ToBytes(), tar.Digest);
        var engine = await podman.ProbeAsync();
        var context = new StrategyContext(engine, () => ModelStore.Open(temp.Combine("store")));
        var auto = new StrategyChain(context, ModelPackSettings.Empty, new ReferenceKindCache());
        var fromEnvironment = new StrategyChain(context, new ModelPackSettings(StrategyName.HttpBind, SettingSource.EnvironmentVariable), new ReferenceKindCache());

        var viaPodman = await auto.PullAsync(ModelReference.Parse(rawRef), null, new PullContext { Client = client }, CancellationToken.None);
        var tarViaStore = await auto.PullAsync(ModelReference.Parse(tarRef), null, new PullContext { Client = client }, CancellationToken.None);
        var rawViaStore = await fromEnvironment.PullAsync(ModelReference.Parse(rawRef), null, new PullContext { Client = client }, CancellationToken.None);

        Assert.Equal(("PodmanArtifact", raw.Digest), (viaPodman.Strategy, viaPodman.Digest));
        Assert.Equal(("HttpBind", tar.Digest), (tarViaStore.Strategy, tarViaStore.Digest));
        Assert.Equal(("HttpBind", raw.Digest), (rawViaStore.Strategy, rawViaStore.Digest));
        Assert.Single(podman.Calls, c => c.StartsWith("podman artifact pull", StringComparison.Ordinal));
        Assert.False(podman.IsLocal(tarRef));
    }

    [Fact]
    public async Task Mounts_refuse_docker_and_artifacts_from_other_stores()
    {
        var manifest = Manifest(Raw(LayerKind.Weight, "model.gguf", 10));
        podman.AddLocal(Ref, manifest.ToBytes(), manifest.Digest);
        var strategy = await StrategyAsync();
        var artifact = (await strategy.FindAsync(ModelReference.Parse(Ref), CancellationToken.None))!;
        using var docker = new Engines.FakeEngines();
        var dockerEngine = await new EngineProbe(ProcessRunner.Instance, new EngineProbeCache())
            .ProbeAsync(new EngineLocation(EngineKind.Docker, docker.Docker(Engines.FakeEngines.DockerClientJson("28.2.2")), SettingSource.Parameter, "test"));

        var onDocker = Assert.Throws<ModelPackException>(() => strategy.Mounts(artifact, new MountOptions(dockerEngine)));
        var foreign = new ModelArtifact(Ref, manifest, null, "HttpBind", temp.Path, temp.Path);
        var notOwn = Assert.Throws<ModelPackException>(() => strategy.Mounts(foreign, new MountOptions(dockerEngine)));

        Assert.Equal(ErrorIds.StrategyUnavailable, onDocker.ErrorId);
        Assert.Contains("docker 28.2.2", onDocker.Message);
        Assert.Equal(ErrorIds.ModelArtifactNotInStore, notOwn.ErrorId);
    }

    public void Dispose()
    {
        podman.Dispose();
        temp.Dispose();
    }

    internal static Descriptor Raw(LayerKind kind, string filepath, long size) => Layer(kind, LayerPacking.Raw, filepath, size);

    internal static Descriptor Layer(LayerKind kind, LayerPacking packing, string filepath, long size) =>
        new(LayerMediaType.Format(kind, packing), Digest.Sha256(filepath + "/" + size + "/" + kind).ToString(), size, new Dictionary<string, string> { [AnnotationKeys.Filepath] = filepath });

    internal static ModelManifest Manifest(params Descriptor[] layers) =>
        ModelManifest.Create(new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("config").ToString(), 10), layers);

    /// <summary>What <c>podman artifact add</c> makes of a text file: no artifactType, the empty config, a text/plain layer.</summary>
    internal static byte[] PlainArtifact() => Encoding.UTF8.GetBytes(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digest.Sha256(Encoding.UTF8.GetBytes("{}")) + "\",\"size\":2,\"data\":\"e30=\"}," +
        "\"layers\":[{\"mediaType\":\"text/plain; charset=utf-8\",\"digest\":\"" + Digest.Sha256(PlainText) + "\",\"size\":" + PlainText.Length + ",\"annotations\":{\"org.opencontainers.image.title\":\"notes.txt\"}}]}");

    /// <summary>The text file inside <see cref="PlainArtifact"/>.</summary>
    internal static byte[] PlainText => Encoding.UTF8.GetBytes("notes");

    private async Task<PodmanArtifactStrategy> StrategyAsync()
    {
        var engine = await podman.ProbeAsync();
        return new PodmanArtifactStrategy(new StrategyContext(engine, () => ModelStore.Open(temp.Combine("store"))) { Log = log.Add });
    }
}
