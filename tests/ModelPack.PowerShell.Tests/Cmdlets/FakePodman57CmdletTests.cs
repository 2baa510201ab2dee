using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Mounts.Rendering;
using ModelPack.Core.Tests.Strategies;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// The cmdlets with a podman 5.7 on MODELPACK_ENGINE: the contract fake of the Core tests (real podman 5.7 cannot
/// be installed here), which answers the probe, artifact pull/inspect/ls/rm and an empty image store as podman
/// 5.7 does. Auto saves ModelPack artifacts through PodmanArtifact, the listing merges podman's store with the
/// local one, mounts are one per layer, and removal reaches every store that holds a model.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class FakePodman57CmdletTests : IDisposable
{
    private readonly StoreRegistryFixture _fixture;
    private readonly FakePodman57 _podman = new();
    private readonly StoreSession _session;

    public FakePodman57CmdletTests(StoreRegistryFixture fixture)
    {
        _fixture = fixture;
        _session = new StoreSession(new Dictionary<string, string?> { ["MODELPACK_ENGINE"] = _podman.Executable });
    }

    private PowerShellSession Ps => _session.PowerShell;

    [Fact]
    public async Task Auto_saves_through_PodmanArtifact_and_the_mounts_are_one_artifact_mount_per_layer_in_every_form()
    {
        var model = Model(60);
        var reference = await PushAsync(model, "fake57");
        _podman.AddRemote(reference, model.Manifest.ToBytes(), model.Digest);
        var unit = reference[(reference.LastIndexOf('/') + 1)..reference.LastIndexOf(':')];

        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        var mounts = Ps.RunOk("param($r) Get-ModelMount $r", Args(reference)).Select(o => Assert.IsType<ModelMount>(o.BaseObject)).ToList();
        var arguments = Ps.RunOk("param($r) Get-ModelMount $r -As Argument", Args(reference)).Select(o => (string)o.BaseObject).ToList();
        var quadlet = Ps.RunOk("param($r) Get-ModelMount $r -As Quadlet", Args(reference)).Select(o => Assert.IsType<QuadletFile>(o.BaseObject)).ToList();
        var yaml = Assert.IsType<string>(Assert.Single(Ps.RunOk("param($r) Get-ModelMount $r -As Kubernetes", Args(reference))).BaseObject);

        Assert.Equal(("PodmanArtifact", model.Digest), (saved.Strategy, saved.Digest));
        Assert.Contains($"podman artifact pull --tls-verify=false {reference}", _podman.Calls);
        Assert.False(System.IO.Directory.Exists(_session.StoreRoot)); // nothing went to the local store
        var expected = model.Layers.Select(l => $"--mount=type=artifact,src={reference},digest={l.Descriptor.Digest},destination=/mnt/models/{l.Descriptor.Filepath}").ToList();
        Assert.Equal(expected, mounts.Select(m => m.Argument));
        Assert.Equal(expected, arguments);
        Assert.All(mounts, m => Assert.Equal(("PodmanArtifact", "artifact", "podman", "/mnt/models/model.safetensors"), (m.Strategy, m.Type, m.Engine, m.EntryPath)));

        Assert.Equal(new[] { unit + ".container", unit + ".artifact" }, quadlet.Select(f => f.Name));
        Assert.Equal(new[] { ("Artifact", "Artifact", reference) }, UnitFile.Parse(quadlet[1].Content));
        var container = UnitFile.Parse(quadlet[0].Content);
        Assert.Equal(new[] { ("Unit", "Requires", unit + "-artifact.service"), ("Unit", "After", unit + "-artifact.service") }, container.Take(2));
        Assert.Equal(expected, container.Where(e => e.Key == "Mount").Select(e => "--mount=" + e.Value));
        Assert.Equal(("Container", "Environment", "MODELPACK_ENTRY_PATH=/mnt/models/model.safetensors"), container[^1]);

        var spec = Map(Map(MiniYaml.Parse(yaml))["spec"]);
        var image = Map(Map(Assert.Single(List(spec["volumes"])))["image"]);
        Assert.Equal((reference, "IfNotPresent"), ((string)image["reference"], (string)image["pullPolicy"]));
        Assert.Equal("/mnt/models", Map(Assert.Single(List(Map(Assert.Single(List(spec["containers"])))["volumeMounts"])))["mountPath"]);
    }

    [Fact]
    public async Task The_listing_merges_podman_and_the_local_store_once_per_model_and_a_reference_is_removed_from_each_store()
    {
        var both = Model(61);
        var bothReference = await PushAsync(both, "fake57-both");
        var local = Model(62);
        var localReference = await PushAsync(local, "fake57-local");
        _podman.AddRemote(bothReference, both.Manifest.ToBytes(), both.Digest);
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a; Save-ModelArtifact $a, $b -Strategy HttpBind", new() { ["a"] = bothReference, ["b"] = localReference });

        var listed = Listing("Get-ModelArtifact");
        var onlyLocal = Listing("Get-ModelArtifact -Strategy HttpBind");
        var inPodman = Ps.RunOk("param($r) Get-ModelArtifact $r -Strategy PodmanArtifact", Args(bothReference));
        var boundFromTheStore = Assert.IsType<ModelMount>(Assert.Single(Ps.RunOk("param($r) Get-ModelMount $r -Strategy http-bind", Args(bothReference))).BaseObject);
        Ps.Host.Clear();
        Ps.RunOk("param($r) Remove-ModelArtifact $r -WhatIf", Args(bothReference));
        var whatIf = Ps.Host.Text;
        var removed = Ps.RunOk("param($r) Remove-ModelArtifact $r -Force -PassThru", Args(bothReference)).Select(o => ((ModelArtifact)o.BaseObject).Strategy).ToList();

        Assert.Equal(new[] { (bothReference, "PodmanArtifact"), (localReference, "HttpBind") }, listed);
        Assert.Equal(new[] { (bothReference, "HttpBind"), (localReference, "HttpBind") }, onlyLocal.OrderBy(l => l.Reference, StringComparer.Ordinal));
        Assert.Equal("PodmanArtifact", Assert.IsType<ModelArtifact>(Assert.Single(inPodman).BaseObject).Strategy);
        Assert.Equal(("HttpBind", "bind", _session.SnapshotOf(both.Digest)), (boundFromTheStore.Strategy, boundFromTheStore.Type, boundFromTheStore.Source));
        Assert.Contains($"on target \"{bothReference} ({both.Digest}, ", whatIf);
        Assert.Contains(" from podman's artifact store (podman 5.7.0 at " + _podman.Executable + ")\".", whatIf);
        Assert.Contains($" from the store '{_session.StoreRoot}'\".", whatIf);
        Assert.Equal(new[] { "HttpBind", "PodmanArtifact" }, removed.Order(StringComparer.Ordinal));
        Assert.False(_podman.IsLocal(bothReference));
        Assert.Equal(new[] { (localReference, "HttpBind") }, Listing("Get-ModelArtifact"));
    }

    [Fact]
    public async Task Path_makes_Auto_save_through_HttpBind_refuses_a_forced_podman_strategy_and_podman_objects_need_podman_to_be_removed()
    {
        var model = Model(63);
        var reference = await PushAsync(model, "fake57-path");
        _podman.AddRemote(reference, model.Manifest.ToBytes(), model.Digest);
        var export = _session.TempFile("export");
        var args = new Dictionary<string, object?> { ["r"] = reference, ["p"] = export };

        var forced = Ps.Run("param($r, $p) Save-ModelArtifact $r -Strategy PodmanArtifact -Path $p", args);
        var auto = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r, $p) Save-ModelArtifact $r -Path $p -PassThru", args)).BaseObject);
        var podmanPulls = _podman.Calls.Count(c => c.StartsWith("podman artifact pull", StringComparison.Ordinal));
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(reference));
        var inPodman = Ps.Run("param($r) Get-ModelArtifact $r -Strategy PodmanArtifact | Remove-ModelArtifact -Engine none -Force", Args(reference));

        var error = Assert.Single(forced.AllErrors);
        Assert.StartsWith("StrategyUnavailable,", error.FullyQualifiedErrorId);
        Assert.Contains("-Path", error.Exception.Message);
        Assert.Contains("-Strategy HttpBind", error.Exception.Message);
        Assert.Equal(0, podmanPulls); // neither the refused save nor the one with -Path ran podman
        Assert.Equal("HttpBind", auto.Strategy);
        Assert.Equal(model.Layers[0].Bytes, System.IO.File.ReadAllBytes(System.IO.Path.Combine(export, "model.safetensors")));
        var refused = Assert.Single(inPodman.Errors);
        Assert.StartsWith("StrategyUnavailable,", refused.FullyQualifiedErrorId);
        Assert.Contains("PodmanArtifact's store", refused.Exception.Message);
        Assert.True(_podman.IsLocal(reference));
    }

    [Fact]
    public void Lifecycle_New_Publish_Remove_Save_through_PodmanArtifact_mounts_every_packed_file_at_its_filepath()
    {
        var folder = _session.TempFile("folder");
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(folder, "docs"));
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(folder, "model.gguf"), TestArtifact.Bytes(71, 5000));
        System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "config.json"), "{\"layers\":2}");
        System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "docs", "README.md"), "# life");
        var reference = $"{_fixture.Host}/{_fixture.NewRepository("fake57-life")}:v1";
        var args = new Dictionary<string, object?> { ["p"] = folder, ["r"] = reference };

        var packed = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($p, $r) New-ModelArtifact -Path $p -Reference $r -Name life", args)).BaseObject);
        Ps.RunOk("param($r) Publish-ModelArtifact $r; Remove-ModelArtifact $r -Strategy HttpBind -Force", Args(reference));
        _podman.AddRemote(reference, packed.Manifest.ToBytes(), packed.Digest); // what 'podman artifact pull' fetches from the registry
        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference))).BaseObject);
        var mounts = Ps.RunOk("param($r) Get-ModelMount $r", Args(reference)).Select(o => Assert.IsType<ModelMount>(o.BaseObject)).ToList();

        Assert.Equal(("PodmanArtifact", packed.Digest), (saved.Strategy, saved.Digest));
        Assert.Empty(Ps.RunOk("Get-ModelArtifact -Strategy HttpBind")); // removed locally, saved into podman only
        var expected = packed.Files
            .Select(f => $"--mount=type=artifact,src={reference},digest={f.Digest},destination=/mnt/models/{f.Path}")
            .OrderBy(a => a, StringComparer.Ordinal);
        Assert.Equal(expected, mounts.Select(m => m.Argument).OrderBy(a => a, StringComparer.Ordinal));
        Assert.Equal(new[] { "README.md", "config.json", "model.gguf" }, packed.Files.Select(f => System.IO.Path.GetFileName(f.Path)).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(mounts, m => Assert.Equal("/mnt/models/model.gguf", m.EntryPath));
    }

    public void Dispose()
    {
        _session.Dispose();
        _podman.Dispose();
    }

    private static Dictionary<string, object?> Args(string reference) => new() { ["r"] = reference };

    private static Dictionary<string, object> Map(object value) => Assert.IsType<Dictionary<string, object>>(value);

    private static List<object> List(object value) => Assert.IsType<List<object>>(value);

    private static TestArtifact Model(int seed) => TestArtifact.FromFiles(
        "fake57-" + seed,
        ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(seed, 4000)),
        ("tokenizer.json", LayerKind.WeightConfig, TestArtifact.Bytes(seed + 1000, 100)),
        ("docs/README.md", LayerKind.Doc, TestArtifact.Bytes(seed + 2000, 50)));

    private List<(string Reference, string Strategy)> Listing(string script) =>
        Ps.RunOk(script).Select(o => (ModelArtifact)o.BaseObject).Select(a => (a.Reference, a.Strategy)).ToList();

    private async Task<string> PushAsync(TestArtifact model, string stem)
    {
        var repository = _fixture.NewRepository(stem);
        await _fixture.PushAsync(model, repository, "v1");
        return $"{_fixture.Host}/{repository}:v1";
    }
}
