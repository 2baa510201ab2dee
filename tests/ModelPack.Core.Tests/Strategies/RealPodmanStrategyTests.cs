using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>
/// PodmanImage and HttpBind with the real podman 4.3.1: pull, list, mount and remove, and real containers
/// (runc, no network) that read the model through the exact <see cref="ModelMount.Argument"/> the strategy
/// gives and hash it.
/// </summary>
[Collection(RealPodmanCollection.Name)]
public sealed class RealPodmanStrategyTests : IClassFixture<RealPodmanFixture>
{
    private readonly RealPodmanFixture podman;

    public RealPodmanStrategyTests(RealPodmanFixture podman)
    {
        this.podman = podman;
    }

    [ToolFact(TestTools.Podman43, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task Podman_4_3_1_is_not_artifact_capable_so_Auto_takes_PodmanImage_for_images_and_HttpBind_for_artifacts()
    {
        using var client = podman.Setup.Client();
        await TestArtifact.Create("auto-choice", 100).PushAsync(client, podman.Registry, "models/auto-choice", "1");
        var chain = new StrategyChain(podman.Context(), ModelPackSettings.Empty, new ReferenceKindCache());

        var forImage = await chain.SelectAsync(null, ModelReference.Parse(podman.ModelImageRef), client, CancellationToken.None);
        var forArtifact = await chain.SelectAsync(null, ModelReference.Parse(podman.Registry + "/models/auto-choice:1"), client, CancellationToken.None);

        Assert.Equal(new Version(4, 3, 1), podman.Engine.Version);
        Assert.False(podman.Engine.SupportsArtifacts);
        Assert.False(podman.Engine.SupportsImageSubpath);
        Assert.Contains("older than 5.7", podman.Engine.Reason);
        Assert.Equal(StrategyName.PodmanImage, forImage.Strategy);
        Assert.Equal(StrategyName.HttpBind, forArtifact.Strategy);
        Assert.Contains("4.3.1 < 5.7", forArtifact.Strategies[0].Reason);
        Assert.Equal(new[] { StrategyName.PodmanImage, StrategyName.HttpBind }, chain.Stores.Select(s => s.Name));
    }

    [ToolFact(TestTools.Podman43, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task PodmanImage_pulls_lists_mounts_and_removes_a_model_image_and_a_container_reads_the_model_through_its_argument()
    {
        var strategy = new PodmanImageStrategy(podman.Context());
        var reference = ModelReference.Parse(podman.ModelImageRef);

        var artifact = await strategy.PullAsync(reference, new PullContext(), CancellationToken.None);
        var listed = await strategy.ListAsync(CancellationToken.None);
        var mount = Assert.Single(strategy.Mounts(artifact, new MountOptions(podman.Engine)));
        var run = await podman.RunWithMountAsync(mount.Argument, "sha256sum", mount.EntryPath!);
        var withSubpath = await podman.RunWithMountAsync(mount.Argument.Replace(",rw=false", ",subpath=/models,rw=false", StringComparison.Ordinal), "true");

        Assert.Equal("PodmanImage", artifact.Strategy);
        Assert.Equal(podman.ModelImageDigest, artifact.Digest);
        Assert.Equal(podman.ModelImageRef, Assert.Single(listed).Reference); // the runner image carries no model label
        Assert.Equal($"--mount=type=image,src={podman.ModelImageRef},destination=/mnt/models,rw=false", mount.Argument);
        Assert.Null(mount.SubPath);
        Assert.Equal("/mnt/models/models/model.gguf", mount.EntryPath);
        Assert.True(run.Succeeded, run.Stderr);
        Assert.Equal(Digest.Sha256(podman.Weights).Encoded + "  /mnt/models/models/model.gguf", run.Stdout.Trim());
        Assert.False(withSubpath.Succeeded);
        Assert.Contains("subpath: invalid mount option", withSubpath.Stderr);

        var outside = await ProcessRunner.Instance.RunAsync(RealPodmanFixture.PodmanPath, new[] { "image", "exists", podman.ModelImageRef }, null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(1, outside.ExitCode); // the module's podman calls used the isolated storage, not the default one

        Assert.True(await strategy.RemoveAsync(artifact, CancellationToken.None));
        Assert.False(await strategy.ExistsAsync(reference, CancellationToken.None));
        Assert.Empty(await strategy.ListAsync(CancellationToken.None));
        Assert.False(await strategy.RemoveAsync(reference, CancellationToken.None));
    }

    [ToolFact(TestTools.Podman43, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task PodmanImage_finds_the_main_weight_file_of_an_image_without_labels_and_a_container_reads_it_there()
    {
        var strategy = new PodmanImageStrategy(podman.Context());
        var image = await strategy.PullAsync(ModelReference.Parse(podman.UnlabelledImageRef), new PullContext(), CancellationToken.None);

        var mount = Assert.Single(await strategy.MountsAsync(image, new MountOptions(podman.Engine), CancellationToken.None));
        var run = await podman.RunWithMountAsync(mount.Argument, "sha256sum", mount.EntryPath ?? "(no entry path)");
        var mounted = await podman.PodmanAsync("image", "mount");

        Assert.Equal("/mnt/models/models/weights/model.safetensors", mount.EntryPath); // podman 4.3.1 mounts the whole image
        Assert.True(run.Succeeded, run.Stderr);
        Assert.Equal(Digest.Sha256(podman.Weights).Encoded + "  /mnt/models/models/weights/model.safetensors", run.Stdout.Trim());
        Assert.Equal(string.Empty, mounted.Stdout.Trim());
        Assert.True(await strategy.RemoveAsync(image, CancellationToken.None));
    }

    [ToolFact(TestTools.Podman43, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task HttpBind_of_a_ModelPack_artifact_is_a_read_only_bind_a_container_reads_through_its_argument()
    {
        using var client = podman.Setup.Client();
        var model = TestArtifact.Create("bind-artifact", 150_000);
        await model.PushAsync(client, podman.Registry, "models/bind-artifact", "1");
        var strategy = new HttpBindStrategy(podman.Context());
        var artifact = await strategy.PullAsync(ModelReference.Parse(podman.Registry + "/models/bind-artifact:1"), new PullContext { Client = client }, CancellationToken.None);

        var mount = Assert.Single(strategy.Mounts(artifact, new MountOptions(podman.Engine, "/models/llm")));
        var read = await podman.RunWithMountAsync(mount.Argument, "sha256sum", mount.EntryPath!);
        var write = await podman.RunWithMountAsync(mount.Argument, "touch", "/models/llm/new-file");

        Assert.Equal($"--mount=type=bind,src={artifact.Path},destination=/models/llm,ro", mount.Argument);
        Assert.Equal("/models/llm/model.safetensors", mount.EntryPath);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(Digest.Sha256(model.Layers[0].Bytes).Encoded + "  /models/llm/model.safetensors", read.Stdout.Trim());
        Assert.False(write.Succeeded);
        Assert.Contains("Read-only file system", write.Stdout + write.Stderr);
        Assert.True(await strategy.RemoveAsync(artifact, CancellationToken.None));
    }

    [ToolFact(TestTools.Podman43, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task HttpBind_of_an_image_packaged_model_binds_its_models_directory_for_a_container_to_read()
    {
        using var client = podman.Setup.Client();
        var strategy = new HttpBindStrategy(podman.Context());
        var artifact = await strategy.PullAsync(ModelReference.Parse(podman.ModelImageRef), new PullContext { Client = client }, CancellationToken.None);

        var mount = Assert.Single(strategy.Mounts(artifact, new MountOptions(podman.Engine)));
        var run = await podman.RunWithMountAsync(mount.Argument, "sha256sum", mount.EntryPath!);

        Assert.Equal(podman.ModelImageDigest, artifact.Digest);
        Assert.Equal("/mnt/models/model.gguf", mount.EntryPath);
        Assert.False(Directory.Exists(Path.Combine(mount.Source, "bin")));
        Assert.True(run.Succeeded, run.Stderr);
        Assert.Equal(Digest.Sha256(podman.Weights).Encoded + "  /mnt/models/model.gguf", run.Stdout.Trim());
        Assert.True(await strategy.RemoveAsync(artifact, CancellationToken.None));
    }
}

/// <summary>The real-podman tests share one isolated storage; they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RealPodmanCollection
{
    public const string Name = "Real podman";
}
