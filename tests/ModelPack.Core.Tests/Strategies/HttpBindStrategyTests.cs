using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Engines;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>HttpBind with the real docker CLI (its daemon is not needed to pull and write mounts; <see cref="RealDockerTests"/> runs containers), the real podman 5.7.1, and without any engine, against a real registry.</summary>
public sealed class HttpBindStrategyTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture fixture;
    private readonly TempDirectory temp = new("modelpack-httpbind");
    private readonly TestClientSetup setup;

    public HttpBindStrategyTests(PlainRegistryFixture fixture)
    {
        this.fixture = fixture;
        setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => fixture.Registry.HostPort;

    [ToolFact(TestTools.Docker, TestTools.DockerRegistry)]
    public async Task Docker_makes_Auto_choose_HttpBind_and_the_mount_uses_docker_syntax()
    {
        var engine = await RealEngines.DockerWithoutDaemonAsync();
        using var client = setup.Client();
        var artifact = TestArtifact.Create("docker-model", 2000);
        await artifact.PushAsync(client, Registry, "models/docker", "1");
        await new ImageBuilder().Layer(LayerPacking.TarGzip, w => ImageBuilder.File(w, "models/m.gguf", "w")).PushAsync(client, Registry, "images/docker", "1");
        var chain = Chain(engine);
        var reference = ModelReference.Parse(Registry + "/models/docker:1");

        var forArtifact = await chain.SelectAsync(null, reference, client, CancellationToken.None);
        var forImage = await chain.SelectAsync(null, ModelReference.Parse(Registry + "/images/docker:1"), client, CancellationToken.None);
        var mount = Assert.Single(await chain.MountAsync(reference, null, new MountOptions(engine), new PullContext { Client = client }, CancellationToken.None));

        Assert.Equal(EngineKind.Docker, engine.Kind);
        Assert.Equal(StrategyName.HttpBind, forArtifact.Strategy);
        Assert.Equal(StrategyName.HttpBind, forImage.Strategy);
        Assert.Equal("docker", mount.Engine);
        Assert.Equal("HttpBind", mount.Strategy);
        var snapshot = ModelStore.Open(temp.Combine("store")).SnapshotPath(artifact.Manifest.Digest);
        Assert.Equal($"--mount=type=bind,src={snapshot},dst=/mnt/models,readonly", mount.Argument);
        Assert.Equal("/mnt/models/model.safetensors", mount.EntryPath);
        Assert.Equal(artifact.Layers[0].Bytes, File.ReadAllBytes(Path.Combine(mount.Source, "model.safetensors")));
        Assert.Equal(new[] { StrategyName.HttpBind }, System.Linq.Enumerable.Select(chain.Stores, s => s.Name));
    }

    [ToolTheory(TestTools.Docker, TestTools.DockerRegistry)]
    [InlineData(StrategyName.PodmanArtifact)]
    [InlineData(StrategyName.PodmanImage)]
    public async Task Forcing_a_podman_strategy_with_docker_fails_before_any_lookup_naming_docker_and_HttpBind(StrategyName forced)
    {
        var engine = await RealEngines.DockerWithoutDaemonAsync();
        var chain = Chain(engine);

        var error = await Assert.ThrowsAsync<ModelPackException>(() => chain.SelectAsync(forced, ModelReference.Parse("127.0.0.1:1/never/asked:1"), null, CancellationToken.None));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Contains(engine.Found, error.Message);
        Assert.Contains("HttpBind", error.Message);
    }

    [Fact]
    public async Task An_image_model_gets_its_entry_path_from_its_label_else_from_its_largest_weight_file()
    {
        using var client = setup.Client();
        await new ImageBuilder().Label(ModelImage.EntryPathLabel, "/models/weights/chosen.bin")
            .Layer(LayerPacking.Tar, w =>
            {
                ImageBuilder.File(w, "models/weights/chosen.bin", "small");
                ImageBuilder.File(w, "models/weights/bigger.gguf", new string('x', 5000));
            })
            .PushAsync(client, Registry, "images/labelled", "1");
        await new ImageBuilder()
            .Layer(LayerPacking.Tar, w =>
            {
                ImageBuilder.File(w, "models/notes.txt", new string('n', 9000));
                ImageBuilder.File(w, "models/q4/model.gguf", new string('w', 3000));
                ImageBuilder.File(w, "models/q8/model.gguf", new string('w', 6000));
            })
            .PushAsync(client, Registry, "images/unlabelled", "1");
        var engine = EngineInfo.None("no engine in this test");
        var strategy = (HttpBindStrategy)Chain(engine).Get(StrategyName.HttpBind);
        var labelled = await strategy.PullAsync(ModelReference.Parse(Registry + "/images/labelled:1"), new PullContext { Client = client }, CancellationToken.None);
        var unlabelled = await strategy.PullAsync(ModelReference.Parse(Registry + "/images/unlabelled:1"), new PullContext { Client = client, Kind = ReferenceKind.Image }, CancellationToken.None);
        var options = new MountOptions(engine, "/srv/model");

        var first = Assert.Single(strategy.Mounts(labelled, options));
        var second = Assert.Single(strategy.Mounts(unlabelled, options));

        Assert.Equal("/srv/model/weights/chosen.bin", first.EntryPath);
        Assert.Equal("/srv/model/q8/model.gguf", second.EntryPath);
        Assert.Equal("podman", second.Engine);
        Assert.Equal($"--mount=type=bind,src={second.Source},destination=/srv/model,ro", second.Argument);
        Assert.True(File.Exists(Path.Combine(second.Source, "q8", "model.gguf")));
    }

    [Fact]
    public async Task Mounting_a_model_that_is_not_stored_without_a_pull_context_says_to_save_it_first()
    {
        using var client = setup.Client();
        await TestArtifact.Create("unsaved", 100).PushAsync(client, Registry, "models/unsaved", "1");
        var engine = EngineInfo.None("no engine in this test");
        var chain = Chain(engine);
        var reference = ModelReference.Parse(Registry + "/models/unsaved:1");
        var kindOnly = await chain.SelectAsync(null, reference, client, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ModelPackException>(() => chain.MountAsync(reference, null, new MountOptions(engine), null, CancellationToken.None));

        Assert.Equal(StrategyName.HttpBind, kindOnly.Strategy);
        Assert.Equal(ErrorIds.ModelArtifactNotInStore, error.ErrorId);
        Assert.Contains("Save-ModelArtifact", error.Message);
    }

    [Fact]
    public async Task An_invalid_destination_is_refused_in_one_place_before_anything_is_mounted()
    {
        var engine = EngineInfo.None("no engine in this test");

        foreach (var bad in new[] { "relative/path", "/mnt/../etc", "/mnt/a,b", "/mnt/a=b", "/mnt/a\nb", "/" })
        {
            var error = Assert.Throws<ModelPackException>(() => new MountOptions(engine, bad));
            Assert.Equal(ErrorIds.InvalidMountDestination, error.ErrorId);
        }

        Assert.Equal("/mnt/models", new MountOptions(engine, "/mnt//models/./").Destination);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Reading_a_store_that_does_not_exist_yet_does_not_create_it()
    {
        var root = temp.Combine("not-yet");
        var exists = false;
        var context = new StrategyContext(EngineInfo.None("no engine in this test"), () => ModelStore.Open(root)) { StoreExists = () => exists };
        var strategy = new HttpBindStrategy(context);
        var reference = ModelReference.Parse(Registry + "/models/never:1");

        Assert.Empty(await strategy.ListAsync(CancellationToken.None));
        Assert.Null(await strategy.FindAsync(reference, CancellationToken.None));
        Assert.False(await strategy.ExistsAsync(reference, CancellationToken.None));
        Assert.False(await strategy.RemoveAsync(reference, CancellationToken.None));
        Assert.False(Directory.Exists(root));

        using var client = setup.Client();
        await TestArtifact.Create("created-by-pull", 100).PushAsync(client, Registry, "models/created-by-pull", "1");
        var pulled = await strategy.PullAsync(ModelReference.Parse(Registry + "/models/created-by-pull:1"), new PullContext { Client = client }, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(root, "oci-layout")));
        Assert.Equal(pulled.Digest, Assert.Single(await strategy.ListAsync(CancellationToken.None)).Digest); // opened once, the store is read even while StoreExists says no
    }

    [ToolFact(TestTools.Podman57, TestTools.DockerRegistry)]
    public async Task Auto_mounts_an_image_model_where_it_is_stored_even_where_podman_could_mount_images()
    {
        using var podman = new PodmanSandbox(TestTools.Podman57);
        var engine = await podman.ProbeAsync();
        var podmanEnvironment = podman.Environment;
        using var client = setup.Client();
        await new ImageBuilder().Label(ModelImage.EntryPathLabel, "model.gguf")
            .Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/model.gguf", "weights"))
            .PushAsync(client, Registry, "images/bound", "1");
        var reference = ModelReference.Parse(Registry + "/images/bound:1");
        var chain = Chain(engine, podmanEnvironment);
        await chain.Get(StrategyName.HttpBind).PullAsync(reference, new PullContext { Client = client }, CancellationToken.None);

        var mount = Assert.Single(await chain.MountAsync(reference, null, new MountOptions(engine), null, CancellationToken.None));
        var forced = await Assert.ThrowsAsync<ModelPackException>(() => chain.MountAsync(reference, StrategyName.PodmanImage, new MountOptions(engine), null, CancellationToken.None));

        Assert.Equal(StrategyName.PodmanImage, (await chain.SelectAsync(null, reference, client, CancellationToken.None)).Strategy); // what a pull would choose
        Assert.Equal("HttpBind", mount.Strategy);
        Assert.Equal("/mnt/models/model.gguf", mount.EntryPath);
        Assert.Equal(ErrorIds.ModelArtifactNotInStore, forced.ErrorId);
        Assert.Contains("-Strategy PodmanImage", forced.Message);
    }

    public void Dispose() => temp.Dispose();

    private StrategyChain Chain(EngineInfo engine, IReadOnlyDictionary<string, string?>? environment = null) =>
        new(new StrategyContext(engine, () => ModelStore.Open(temp.Combine("store")), ProcessRunner.Instance, environment), ModelPackSettings.Empty, new ReferenceKindCache());
}
