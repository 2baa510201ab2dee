using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading.Tasks;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// One podman sandbox per version for the cmdlet tests (busybox imported), made on first use and shared by the
/// tests of <see cref="RealPodman5CmdletTests"/>.
/// </summary>
public sealed class RealPodman5Sandboxes : IDisposable
{
    private readonly Dictionary<string, PodmanSandbox> sandboxes = new(StringComparer.Ordinal);

    public async Task<PodmanSandbox> GetAsync(string tool, string registry)
    {
        if (!sandboxes.TryGetValue(tool, out var sandbox))
        {
            sandbox = new PodmanSandbox(tool, registry);
            await sandbox.ImportBusyboxAsync();
            sandboxes[tool] = sandbox;
        }

        return sandbox;
    }

    public void Dispose()
    {
        foreach (var sandbox in sandboxes.Values)
        {
            sandbox.Dispose();
        }
    }
}

/// <summary>
/// The cmdlets with the real podman 5.7.1 and 5.8.2 on MODELPACK_ENGINE, each in a sandbox of its own (storage and
/// registries.conf named by CONTAINERS_STORAGE_CONF and CONTAINERS_REGISTRIES_CONF in the session), as a user runs
/// them: Auto saves ModelPack artifacts through PodmanArtifact, the listing shows what podman holds, real containers
/// (no network) read every file through the exact arguments Get-ModelMount gives, quadlet accepts the units it
/// writes, removal takes the model out of podman's store; and what podman does differently from what the module
/// once assumed (layers of one digest, artifacts pulled by digest, manifests podman re-serialises, a store podman
/// cannot list, image models without labels). The lifecycle runs on both versions; each of the other cases on
/// one of them (alternating), as the Core tests already run every case on both.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RealPodman5CmdletTests : IClassFixture<RealPodman5Sandboxes>, IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly StoreRegistryFixture _fixture;
    private readonly RealPodman5Sandboxes _sandboxes;
    private readonly List<IDisposable> _owned = new();
    private StoreSession? _session;

    public RealPodman5CmdletTests(StoreRegistryFixture fixture, RealPodman5Sandboxes sandboxes)
    {
        _fixture = fixture;
        _sandboxes = sandboxes;
    }

    public static TheoryData<string, string> PodmansAndQuadlets => new()
    {
        { TestTools.Podman57, TestTools.Quadlet57 },
        { TestTools.Podman58, TestTools.Quadlet58 },
    };

    private PowerShellSession Ps => _session!.PowerShell;

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.Quadlet57, TestTools.Quadlet58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(PodmansAndQuadlets))]
    public async Task Auto_saves_through_PodmanArtifact_a_container_reads_every_file_quadlet_accepts_the_units_and_Remove_takes_it_out(string tool, string quadlet)
    {
        var podman = await StartAsync(tool);
        var model = Model(80);
        var reference = await PushAsync(model, "p5-life");
        var unit = reference[(reference.LastIndexOf('/') + 1)..reference.LastIndexOf(':')];

        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        var listed = Ps.RunOk("Get-ModelArtifact").Select(o => (ModelArtifact)o.BaseObject).Where(a => a.Repository == saved.Repository).Select(a => (a.Reference, a.Strategy, a.Digest)).ToList();
        var mounts = Ps.RunOk("param($r) Get-ModelMount $r -Destination /models/llm", Args(reference)).Select(o => Assert.IsType<ModelMount>(o.BaseObject)).ToList();
        var arguments = Ps.RunOk("param($r) Get-ModelMount $r -Destination /models/llm -As Argument", Args(reference)).Select(o => (string)o.BaseObject).ToList();
        var units = Ps.RunOk("param($r) Get-ModelMount $r -Destination /models/llm -As Quadlet", Args(reference)).Select(o => Assert.IsType<QuadletFile>(o.BaseObject)).ToList();
        var read = await podman.RunContainerAsync(arguments, Sha256Sum(model, "/models/llm"));

        Assert.Equal(("PodmanArtifact", model.Digest), (saved.Strategy, saved.Digest));
        Assert.Equal(new[] { (reference, "PodmanArtifact", model.Digest) }, listed);
        Assert.False(Directory.Exists(_session!.StoreRoot)); // nothing went to the local store
        Assert.Equal(model.Layers.Select(l => $"--mount=type=artifact,src={reference},digest={l.Descriptor.Digest},destination=/models/llm/{l.Descriptor.Filepath}"), arguments);
        Assert.All(mounts, m => Assert.Equal(("PodmanArtifact", "artifact", "/models/llm/model.safetensors"), (m.Strategy, m.Type, m.EntryPath)));
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(ExpectedSums(model, "/models/llm"), read.Stdout.Trim());

        Assert.Equal(new[] { unit + ".container", unit + ".artifact" }, units.Select(f => f.Name));
        Assert.Equal(new[] { ("Artifact", "Artifact", reference), ("Artifact", "TLSVerify", "false") }, UnitFile.Parse(units[1].Content)); // a loopback registry
        var container = "[Container]\nImage=" + PodmanSandbox.BusyboxImage + "\nExec=/bin/busybox true\n" + units[0].Content;
        var dryRun = await QuadletDryRun.RunAsync(quadlet, new[] { (units[0].Name, container), (units[1].Name, units[1].Content) });
        Assert.True(dryRun.Accepted, dryRun.ToString());
        var pull = dryRun.ExecStart(unit + "-artifact.service");
        var pulled = await podman.RunAsync(podman.WithoutInsecureRegistries(), pull.Skip(1).ToArray());
        Assert.True(pulled.Succeeded, string.Join(" ", pull) + ": " + pulled.Stderr);
        Assert.Equal(arguments.Select(a => a["--mount=".Length..].Replace("src=", "source=", StringComparison.Ordinal)), dryRun.ExecStart(unit + ".service").Where(w => w.StartsWith("type=artifact", StringComparison.Ordinal)));

        var removed = Ps.RunOk("param($r) Remove-ModelArtifact $r -Force -PassThru", Args(reference)).Select(o => ((ModelArtifact)o.BaseObject).Strategy);
        Assert.Equal(new[] { "PodmanArtifact" }, removed);
        Assert.DoesNotContain(Ps.RunOk("Get-ModelArtifact"), o => ((ModelArtifact)o.BaseObject).Reference == reference);
        Assert.DoesNotContain(reference, await podman.RunOkAsync("artifact", "ls", "--format", "{{.Repository}}:{{.Tag}}"));
    }

    [ToolTheory(TestTools.Podman57, TestTools.DockerRegistry, TestTools.Busybox)]
    [InlineData(TestTools.Podman57)]
    public async Task An_artifact_saved_by_digest_is_listed_and_Remove_by_that_reference_removes_it_not_the_tagged_one(string tool)
    {
        var podman = await StartAsync(tool);
        var model = Model(81);
        var tagged = await PushAsync(model, "p5-digest");
        var pinned = tagged[..tagged.LastIndexOf(':')] + "@" + model.Digest;

        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", new() { ["a"] = tagged, ["b"] = pinned });
        var repository = tagged[..tagged.LastIndexOf(':')];
        List<string> Listing() => Ps.RunOk("Get-ModelArtifact").Select(o => ((ModelArtifact)o.BaseObject).Reference).Where(r => r.StartsWith(repository, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var listed = Listing();
        var removed = Ps.RunOk("param($r) Remove-ModelArtifact $r -Force -PassThru", Args(pinned)).Select(o => ((ModelArtifact)o.BaseObject).Reference).ToList();
        var left = Listing();
        var inPodman = (await podman.RunOkAsync("artifact", "ls", "--format", "{{.Repository}}:{{.Tag}}")).Split('\n').Where(l => l.StartsWith(repository, StringComparison.Ordinal));

        Assert.Equal(new[] { tagged, pinned }, listed);
        Assert.Equal(new[] { pinned }, removed);
        Assert.Equal(new[] { tagged }, left);
        Assert.Equal(new[] { tagged }, inPodman);
        Ps.RunOk("param($r) Remove-ModelArtifact $r -Force", Args(tagged));
    }

    [ToolTheory(TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [InlineData(TestTools.Podman58)]
    public async Task Two_layers_with_one_digest_are_saved_and_mounted_through_HttpBind_and_such_an_artifact_in_podman_is_not_mounted_as_artifacts(string tool)
    {
        var podman = await StartAsync(tool);
        var model = TestArtifact.FromFiles(
            "p5-twins",
            ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(82, 4000)),
            ("empty-a.txt", LayerKind.Doc, Array.Empty<byte>()),
            ("empty-b.txt", LayerKind.Doc, Array.Empty<byte>()));
        var reference = await PushAsync(model, "p5-twins");

        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        await podman.RunOkAsync("artifact", "pull", "--quiet", reference); // as a user who pulled it with podman
        var auto = Ps.RunOk("param($r) Get-ModelArtifact $r -Strategy PodmanArtifact | Get-ModelMount", Args(reference)).Select(o => Assert.IsType<ModelMount>(o.BaseObject)).ToList();
        var forced = Ps.Run("param($r) Get-ModelMount $r -Strategy PodmanArtifact", Args(reference));
        var read = await podman.RunContainerAsync(auto.Select(m => m.Argument), Sha256Sum(model, "/mnt/models"));

        Assert.Equal("HttpBind", saved.Strategy);
        Assert.Equal("HttpBind", Assert.Single(auto).Strategy);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(ExpectedSums(model, "/mnt/models"), read.Stdout.Trim());
        Assert.Empty(forced.Output);
        var error = Assert.Single(forced.AllErrors);
        Assert.StartsWith("StrategyUnavailable,", error.FullyQualifiedErrorId);
        Assert.Contains("same digest", error.Exception.Message);
        Ps.RunOk("param($r) Remove-ModelArtifact $r -Force", Args(reference));
    }

    [ToolTheory(TestTools.Podman57, TestTools.DockerRegistry, TestTools.Busybox)]
    [InlineData(TestTools.Podman57)]
    public async Task A_model_whose_registry_manifest_is_not_podmans_serialisation_is_shown_with_the_registry_digest(string tool)
    {
        await StartAsync(tool);
        var model = Model(83);
        var repository = _fixture.NewRepository("p5-pretty");
        await _fixture.PushAsync(model, repository, "compact");
        var pretty = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(model.ManifestBytes).RootElement, Indented);
        using (var client = new RegistryClient(new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false }))
        {
            await client.Repository(_fixture.Registry.HostPort, repository).PutManifestAsync("1", pretty, MediaTypes.OciManifest);
        }

        var reference = $"{_fixture.Host}/{repository}:1";
        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        var listed = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Get-ModelArtifact $r", Args(reference))).BaseObject);

        Assert.Equal("PodmanArtifact", saved.Strategy);
        Assert.Equal(Digest.Sha256(pretty).ToString(), saved.Digest);
        Assert.NotEqual(model.Digest, saved.Digest);
        Assert.Equal(saved.Digest, listed.Digest);
        Ps.RunOk("param($r) Remove-ModelArtifact $r -Force", Args(reference));
    }

    [ToolTheory(TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [InlineData(TestTools.Podman58)]
    public async Task A_foreign_artifact_podman_cannot_list_is_a_warning_of_Get_ModelStrategy_and_PodmanArtifact_still_saves_and_lists(string tool)
    {
        using var podman = new PodmanSandbox(tool, _fixture.Host, _fixture.Registry.HostPort);
        Start(podman);
        var foreign = await PushForeignAsync();
        await podman.RunOkAsync("artifact", "pull", "--quiet", foreign);
        var model = Model(84);
        var reference = await PushAsync(model, "p5-foreign");

        var strategies = Ps.Run("Get-ModelStrategy -Refresh");
        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        var listing = Ps.Run("Get-ModelArtifact");

        var warning = Assert.Single(strategies.Warnings);
        Assert.Contains("cannot be listed", warning);
        Assert.Contains("parsing time", warning);
        var artifact = (Core.Strategies.StrategyInfo)strategies.Output[0].BaseObject;
        Assert.True(artifact.Available, artifact.Reason);
        Assert.Contains("cannot be listed", artifact.Reason);
        Assert.Equal("PodmanArtifact", saved.Strategy);
        Assert.Empty(listing.Errors);
        Assert.Equal(new[] { reference }, listing.Output.Select(o => ((ModelArtifact)o.BaseObject).Reference)); // the foreign artifact is no model
        Assert.Contains(listing.Warnings, w => w.Contains("'podman artifact ls' failed", StringComparison.Ordinal));
    }

    [ToolTheory(TestTools.Podman57, TestTools.DockerRegistry, TestTools.Busybox)]
    [InlineData(TestTools.Podman57)]
    public async Task An_image_model_without_labels_gets_its_main_weight_file_as_entry_path_and_a_container_reads_it(string tool)
    {
        var podman = await StartAsync(tool);
        var weights = TestArtifact.Bytes(85, 6000);
        var repository = _fixture.NewRepository("p5-image");
        using (var client = new RegistryClient(new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false }))
        {
            await new ImageBuilder()
                .Layer(LayerPacking.TarGzip, w =>
                {
                    ImageBuilder.Directory(w, "models/");
                    ImageBuilder.Directory(w, "models/gguf/");
                    ImageBuilder.File(w, "models/gguf/tiny-q4.gguf", weights);
                    ImageBuilder.File(w, "models/README.md", "# no labels here");
                })
                .PushAsync(client, _fixture.Registry.HostPort, repository, "1");
        }

        var reference = $"{_fixture.Host}/{repository}:1";
        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        var mount = Assert.IsType<ModelMount>(Assert.Single(Ps.RunOk("param($r) Get-ModelMount $r", Args(reference))).BaseObject);
        var read = await podman.RunContainerAsync(new[] { mount.Argument }, "sha256sum", mount.EntryPath ?? "(none)");

        var found = Ps.RunOk("param($r) Get-ModelArtifact $r", Args(reference)); // not listed as a model (no labels), found by name
        var removed = Ps.RunOk("param($r) Remove-ModelArtifact $r -Force -PassThru", Args(reference));

        Assert.Equal("PodmanImage", saved.Strategy);
        Assert.Equal("/mnt/models/gguf/tiny-q4.gguf", mount.EntryPath);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(Digest.Sha256(weights).Encoded + "  /mnt/models/gguf/tiny-q4.gguf", read.Stdout.Trim());
        Assert.Equal(saved.Digest, Assert.IsType<ModelArtifact>(Assert.Single(found).BaseObject).Digest);
        Assert.Equal("PodmanImage", Assert.IsType<ModelArtifact>(Assert.Single(removed).BaseObject).Strategy);
        Assert.Equal(1, (await podman.RunAsync("image", "exists", reference)).ExitCode);
    }

    public void Dispose()
    {
        // The session first: it restores CONTAINERS_STORAGE_CONF before the storage it names is deleted.
        _session?.Dispose();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    internal static string[] Sha256Sum(TestArtifact model, string destination) =>
        new[] { "sha256sum" }.Concat(model.Layers.Select(l => destination + "/" + l.Descriptor.Filepath)).ToArray();

    internal static string ExpectedSums(TestArtifact model, string destination) =>
        string.Join("\n", model.Layers.Select(l => Digest.Sha256(l.Bytes).Encoded + "  " + destination + "/" + l.Descriptor.Filepath));

    private static Dictionary<string, object?> Args(string reference) => new() { ["r"] = reference };

    private static TestArtifact Model(int seed) => TestArtifact.FromFiles(
        "p5-" + seed,
        ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(seed, 4000)),
        ("tokenizer.json", LayerKind.WeightConfig, TestArtifact.Bytes(seed + 1000, 100)),
        ("docs/README.md", LayerKind.Doc, TestArtifact.Bytes(seed + 2000, 50)));

    private async Task<PodmanSandbox> StartAsync(string tool)
    {
        var podman = await _sandboxes.GetAsync(tool, _fixture.Host);
        Start(podman);
        return podman;
    }

    /// <summary>A session whose engine is this podman, with its storage and registries.conf (TMPDIR stays the test process's own).</summary>
    private void Start(PodmanSandbox podman)
    {
        var environment = podman.Environment.Where(e => e.Key != "TMPDIR").ToDictionary(e => e.Key, e => e.Value);
        environment["MODELPACK_ENGINE"] = podman.Executable;
        _session = new StoreSession(environment);
    }

    private async Task<string> PushAsync(TestArtifact model, string stem)
    {
        var repository = _fixture.NewRepository(stem);
        await _fixture.PushAsync(model, repository, "v1");
        return $"{_fixture.Host}/{repository}:v1";
    }

    /// <summary>A plain file artifact (no model) whose created annotation is not RFC 3339, as another tool might push it.</summary>
    private async Task<string> PushForeignAsync()
    {
        var repository = _fixture.NewRepository("p5-bad-created");
        var text = System.Text.Encoding.UTF8.GetBytes("notes");
        var empty = System.Text.Encoding.UTF8.GetBytes("{}");
        using var client = new RegistryClient(new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false });
        foreach (var blob in new[] { text, empty })
        {
            using var stream = new MemoryStream(blob);
            await TestTransfer.UploadAsync(client, _fixture.Registry.HostPort, repository, Digest.Sha256(blob).ToString(), blob.Length, stream);
        }

        var manifest = System.Text.Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"text/plain\"," +
            "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digest.Sha256(empty) + "\",\"size\":2}," +
            "\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"" + Digest.Sha256(text) + "\",\"size\":" + text.Length + "}]," +
            "\"annotations\":{\"org.opencontainers.image.created\":\"last Tuesday\"}}");
        await client.Repository(_fixture.Registry.HostPort, repository).PutManifestAsync("1", manifest, MediaTypes.OciManifest);
        return $"{_fixture.Host}/{repository}:1";
    }
}
