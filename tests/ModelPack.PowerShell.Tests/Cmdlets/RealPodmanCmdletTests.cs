using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Images;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// The cmdlets end to end with the real podman 4.3.1 in isolated storage: a model image the test builds from
/// busybox-static and pushes is saved with -Strategy PodmanImage, a ModelPack artifact with Auto (HttpBind, as
/// podman 4.3.1 has no artifact mounts); real containers (runc, no network) read each model through the exact
/// Argument Get-ModelMount gives and hash its entry path; the listing shows both with their Strategy; removal
/// takes the image out of podman's store.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RealPodmanCmdletTests : IDisposable
{
    private readonly StoreRegistryFixture _fixture;
    private readonly IsolatedPodman _podman = new();
    private readonly StoreSession _session;

    public RealPodmanCmdletTests(StoreRegistryFixture fixture)
    {
        _fixture = fixture;
        _session = new StoreSession(new Dictionary<string, string?>(_podman.Environment) { ["MODELPACK_ENGINE"] = IsolatedPodman.PodmanPath });
    }

    private PowerShellSession Ps => _session.PowerShell;

    [ToolFact(TestTools.Podman43, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task An_image_model_through_PodmanImage_and_an_artifact_through_HttpBind_are_read_by_real_containers_listed_and_removed()
    {
        var weights = TestArtifact.Bytes(70, 200_000);
        var imageRepository = _fixture.NewRepository("ps-image");
        var runnerRepository = _fixture.NewRepository("ps-runner");
        string imageDigest;
        using (var client = new RegistryClient(new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false }))
        {
            imageDigest = await new ImageBuilder()
                .Label(ModelImage.ModelLabel, "true")
                .Label(ModelImage.EntryPathLabel, "model.gguf")
                .Layer(LayerPacking.Tar, IsolatedPodman.BusyboxLayer)
                .Layer(LayerPacking.TarGzip, w =>
                {
                    ImageBuilder.Directory(w, "models/");
                    ImageBuilder.File(w, "models/model.gguf", weights);
                    ImageBuilder.File(w, "models/config.json", "{\"format\":\"gguf\"}");
                })
                .PushAsync(client, _fixture.Registry.HostPort, imageRepository, "1.0");
            await new ImageBuilder().Layer(LayerPacking.Tar, IsolatedPodman.BusyboxLayer).PushAsync(client, _fixture.Registry.HostPort, runnerRepository, "1");
        }

        var artifactModel = TestArtifact.FromFiles("ps-bound", ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(71, 150_000)), ("README.md", LayerKind.Doc, TestArtifact.Bytes(72, 100)));
        var artifactRepository = _fixture.NewRepository("ps-bound");
        await _fixture.PushAsync(artifactModel, artifactRepository, "v1");
        var imageRef = $"{_fixture.Host}/{imageRepository}:1.0";
        var runnerRef = $"{_fixture.Host}/{runnerRepository}:1";
        var artifactRef = $"{_fixture.Host}/{artifactRepository}:v1";
        var runnerPull = await _podman.RunAsync("pull", "--quiet", "--tls-verify=false", runnerRef);
        Assert.True(runnerPull.Succeeded, runnerPull.Stderr);
        var refs = new Dictionary<string, object?> { ["i"] = imageRef, ["a"] = artifactRef };

        var image = (ModelArtifact)Ps.RunOk("param($i) Save-ModelArtifact $i -Strategy PodmanImage -PassThru", refs).Single().BaseObject;
        var bound = (ModelArtifact)Ps.RunOk("param($a) Save-ModelArtifact $a -PassThru", refs).Single().BaseObject;
        var listed = Ps.RunOk("Get-ModelArtifact").Select(o => (ModelArtifact)o.BaseObject).Select(a => (a.Reference, a.Strategy)).ToList();
        var imageMount = (ModelMount)Ps.RunOk("param($i) Get-ModelMount $i", refs).Single().BaseObject;
        var imageArgument = (string)Ps.RunOk("param($i) Get-ModelMount $i -As Argument", refs).Single().BaseObject;
        var bindMount = (ModelMount)Ps.RunOk("param($a) Get-ModelMount $a -Destination /models/llm", refs).Single().BaseObject;
        var quadlet = Ps.RunOk("param($i) Get-ModelMount $i -As Quadlet", refs).Select(o => (QuadletFile)o.BaseObject).ToList();
        var readImage = await _podman.RunWithMountAsync(imageArgument, runnerRef, "sha256sum", imageMount.EntryPath!);
        var readBind = await _podman.RunWithMountAsync(bindMount.Argument, runnerRef, "sha256sum", bindMount.EntryPath!);

        Assert.Equal(("PodmanImage", imageDigest), (image.Strategy, image.Digest));
        Assert.Equal("HttpBind", bound.Strategy);
        Assert.Equal(new[] { (imageRef, "PodmanImage"), (artifactRef, "HttpBind") }, listed); // the runner image is no model
        Assert.Equal($"--mount=type=image,src={imageRef},destination=/mnt/models,rw=false", imageArgument);
        Assert.Equal(("podman", "/mnt/models/models/model.gguf"), (imageMount.Engine, imageMount.EntryPath)); // podman 4.3.1 has no subpath
        Assert.True(readImage.Succeeded, readImage.Stderr);
        Assert.Equal(Digest.Sha256(weights).Encoded + "  /mnt/models/models/model.gguf", readImage.Stdout.Trim());
        Assert.Equal($"--mount=type=bind,src={_session.SnapshotOf(artifactModel.Digest)},destination=/models/llm,ro", bindMount.Argument);
        Assert.True(readBind.Succeeded, readBind.Stderr);
        Assert.Equal(Digest.Sha256(artifactModel.Layers[0].Bytes).Encoded + "  /models/llm/model.safetensors", readBind.Stdout.Trim());

        var unit = imageRepository.Split('/')[^1];
        Assert.Equal(new[] { unit + ".container", unit + ".image" }, quadlet.Select(f => f.Name));
        Assert.Equal(new[] { ("Image", "Image", imageRef), ("Image", "TLSVerify", "false") }, UnitFile.Parse(quadlet[1].Content)); // a loopback registry
        Assert.Equal(
            new[]
            {
                ("Container", "Mount", $"type=image,source={unit}.image,destination=/mnt/models,rw=false"),
                ("Container", "Environment", "MODELPACK_ENTRY_PATH=/mnt/models/models/model.gguf"),
            },
            UnitFile.Parse(quadlet[0].Content));

        var removed = Ps.RunOk("param($i) Remove-ModelArtifact $i -Force -PassThru", refs).Select(o => ((ModelArtifact)o.BaseObject).Strategy);
        var exists = await _podman.RunAsync("image", "exists", imageRef);

        Assert.Equal(new[] { "PodmanImage" }, removed);
        Assert.Equal(1, exists.ExitCode);
        Assert.Equal(new[] { artifactRef }, Ps.RunOk("Get-ModelArtifact").Select(o => ((ModelArtifact)o.BaseObject).Reference));
    }

    public void Dispose()
    {
        // The session first: it restores CONTAINERS_STORAGE_CONF before the storage it names is deleted.
        _session.Dispose();
        _podman.Dispose();
    }
}
