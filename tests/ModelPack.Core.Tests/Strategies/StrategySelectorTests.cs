using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Engines;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>
/// Selection against what the probe makes of the real podman 5.7.1 and 4.3.1 and the real docker CLI (its daemon
/// not running, which selection does not need), of stand-ins for states the real ones cannot show (a podman
/// without the artifact command, a podman that fails), and of engine none.
/// </summary>
public sealed class StrategySelectorTests : IDisposable
{
    private const string Podman57 = TestTools.Podman57;
    private const string Podman43 = TestTools.Podman43;
    private const string Docker = TestTools.Docker;
    private readonly FaultyEngines fakes = new();

    public enum Engine
    {
        Podman57,
        Podman57WithoutArtifactCommand,
        Podman431,
        PodmanNotWorking,
        Docker,
        None,
    }

    /// <summary>What the artifact's layers are like, for PodmanArtifact.</summary>
    public enum Layers
    {
        Raw,
        Tar,
        SameDigest,
    }

    public static TheoryData<string, Engine, ReferenceKind, Layers, StrategyName> AutoCases => new()
    {
        { "podman 5.7.1, artifact: PodmanArtifact", Engine.Podman57, ReferenceKind.Artifact, Layers.Raw, StrategyName.PodmanArtifact },
        { "podman 5.7.1, artifact with tar layers: HttpBind", Engine.Podman57, ReferenceKind.Artifact, Layers.Tar, StrategyName.HttpBind },
        { "podman 5.7.1, artifact with two layers of one digest: HttpBind", Engine.Podman57, ReferenceKind.Artifact, Layers.SameDigest, StrategyName.HttpBind },
        { "podman 5.7.1, image: PodmanImage", Engine.Podman57, ReferenceKind.Image, Layers.Raw, StrategyName.PodmanImage },
        { "a podman 5.7 without the artifact command, artifact: HttpBind", Engine.Podman57WithoutArtifactCommand, ReferenceKind.Artifact, Layers.Raw, StrategyName.HttpBind },
        { "podman 4.3.1, artifact: HttpBind", Engine.Podman431, ReferenceKind.Artifact, Layers.Raw, StrategyName.HttpBind },
        { "podman 4.3.1, image: PodmanImage", Engine.Podman431, ReferenceKind.Image, Layers.Raw, StrategyName.PodmanImage },
        { "a podman that does not run, image: HttpBind", Engine.PodmanNotWorking, ReferenceKind.Image, Layers.Raw, StrategyName.HttpBind },
        { "docker, artifact: HttpBind", Engine.Docker, ReferenceKind.Artifact, Layers.Raw, StrategyName.HttpBind },
        { "docker, image: HttpBind", Engine.Docker, ReferenceKind.Image, Layers.Raw, StrategyName.HttpBind },
        { "no engine, artifact: HttpBind", Engine.None, ReferenceKind.Artifact, Layers.Raw, StrategyName.HttpBind },
        { "no engine, image: HttpBind", Engine.None, ReferenceKind.Image, Layers.Raw, StrategyName.HttpBind },
    };

    [DescribedTheory(Podman57, Podman43, Docker)]
    [MemberData(nameof(AutoCases))]
    public async Task Auto_takes_the_first_viable_strategy_for_the_kind_and_engine(string description, Engine engine, ReferenceKind kind, Layers layers, StrategyName expected)
    {
        _ = description;
        var probed = await ProbeAsync(engine);

        var selection = StrategySelector.Select(null, ModelPackSettings.Empty, probed, kind, Mountability(kind, layers));

        Assert.Equal(expected, selection.Strategy);
        Assert.Equal(StrategyName.Auto, selection.Requested);
        Assert.Equal(SettingSource.Default, selection.Source);
        Assert.Same(probed, selection.Engine);
        Assert.Equal(StrategyNames.AutoOrder, selection.Strategies.Select(s => s.Name));
        Assert.Equal(expected, selection.Strategies.First(s => s.Available).Name);
    }

    [ToolTheory(Podman57, Podman43, Docker)]
    [InlineData(Engine.Podman57)]
    [InlineData(Engine.Podman431)]
    [InlineData(Engine.PodmanNotWorking)]
    [InlineData(Engine.Docker)]
    [InlineData(Engine.None)]
    public async Task Forced_HttpBind_works_with_every_engine_and_both_kinds(Engine engine)
    {
        var probed = await ProbeAsync(engine);

        foreach (var kind in new[] { ReferenceKind.Artifact, ReferenceKind.Image })
        {
            Assert.Equal(StrategyName.HttpBind, StrategySelector.Select(StrategyName.HttpBind, ModelPackSettings.Empty, probed, kind, Mountability(kind, Layers.Tar)).Strategy);
        }
    }

    [ToolFact(Docker)]
    public async Task Docker_offers_only_HttpBind()
    {
        var docker = await ProbeAsync(Engine.Docker);

        var infos = StrategySelector.Describe(docker);

        Assert.Equal(new[] { false, false, true }, infos.Select(i => i.Available));
        Assert.Equal(new[] { 1, 2, 3 }, infos.Select(i => i.Order));
        Assert.All(infos, i => Assert.Equal(EngineKind.Docker, i.Engine));
        Assert.All(infos, i => Assert.Equal(docker.Path, i.EnginePath));
        Assert.Equal($"Needs podman 5.7 or later with 'podman artifact'; found {docker.Found}.", infos[0].Reason);
        Assert.Equal($"Needs podman; found {docker.Found}.", infos[1].Reason);
        Assert.Contains($"{docker.Found} gets a read-only bind mount", infos[2].Reason);
    }

    [ToolFact(Podman57)]
    public async Task Podman_5_7_1_offers_all_three_and_says_why()
    {
        var podman = await ProbeAsync(Engine.Podman57);

        var infos = StrategySelector.Describe(podman);

        Assert.All(infos, i => Assert.True(i.Available, i.Reason));
        Assert.Contains("'podman artifact' of podman 5.7.1", infos[0].Reason);
        Assert.Contains("with subpath", infos[1].Reason);
    }

    [ToolFact(Podman43)]
    public async Task Podman_4_3_1_has_PodmanImage_without_subpath()
    {
        var podman = await ProbeAsync(Engine.Podman431);

        var infos = StrategySelector.Describe(podman);

        Assert.Equal(new[] { false, true, true }, infos.Select(i => i.Available));
        Assert.Contains("no subpath", infos[1].Reason);
        Assert.Contains("(4.3.1 < 5.7)", infos[0].Reason);
    }

    public static TheoryData<string, Engine, StrategyName, ReferenceKind, Layers, string> Incompatible => new()
    {
        {
            "PodmanArtifact on docker", Engine.Docker, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found {found}. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact on podman 4.3.1", Engine.Podman431, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 4.3.1 at {path} (4.3.1 < 5.7). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact on podman 4.3.1 for an image", Engine.Podman431, StrategyName.PodmanArtifact, ReferenceKind.Image, Layers.Raw,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 4.3.1 at {path} (4.3.1 < 5.7). Use -Strategy HttpBind (works with any engine) or PodmanImage."
        },
        {
            "PodmanArtifact on a podman 5.7 without the artifact command", Engine.Podman57WithoutArtifactCommand, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 5.7.0 at {path}, but this podman has no 'podman artifact' command ('podman artifact ls' failed with exit code 125: 'Error: unrecognized command `podman artifact`'). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact on a podman that does not run", Engine.PodmanNotWorking, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 5.7.0 at {path}, but it does not work: 'podman version' failed with exit code 125: 'Error: unable to connect to Podman socket'. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact without an engine", Engine.None, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found no container engine (-Engine chose no engine). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact for an image on podman 5.7.1", Engine.Podman57, StrategyName.PodmanArtifact, ReferenceKind.Image, Layers.Raw,
            "Strategy PodmanArtifact mounts ModelPack artifacts only; this reference is a container image. Use -Strategy HttpBind (works with any engine) or PodmanImage."
        },
        {
            "PodmanArtifact for an artifact with tar layers on podman 5.7.1", Engine.Podman57, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.Tar,
            "Strategy PodmanArtifact cannot mount tar layers (podman mounts each layer as the blob it is, without unpacking it); this artifact has tar layers ('docs'). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact for an artifact with two layers of one digest on podman 5.7.1", Engine.Podman57, StrategyName.PodmanArtifact, ReferenceKind.Artifact, Layers.SameDigest,
            "Strategy PodmanArtifact cannot mount two layers with the same digest (identical files: podman finds 'more than one match for the digest' and the container does not start); its layers 'a.txt', 'b.txt' have the same digest (" + Digest.Sha256(Array.Empty<byte>()) + "). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage on docker", Engine.Docker, StrategyName.PodmanImage, ReferenceKind.Image, Layers.Raw,
            "Strategy PodmanImage needs podman; found {found}. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage without an engine", Engine.None, StrategyName.PodmanImage, ReferenceKind.Image, Layers.Raw,
            "Strategy PodmanImage needs podman; found no container engine (-Engine chose no engine). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage on a podman that does not run", Engine.PodmanNotWorking, StrategyName.PodmanImage, ReferenceKind.Image, Layers.Raw,
            "Strategy PodmanImage needs podman; found podman 5.7.0 at {path}, but it does not work: 'podman version' failed with exit code 125: 'Error: unable to connect to Podman socket'. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage for an artifact on podman 5.7.1", Engine.Podman57, StrategyName.PodmanImage, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanImage mounts models packaged as container images only; this reference is a ModelPack artifact. Use -Strategy HttpBind (works with any engine) or PodmanArtifact."
        },
        {
            "PodmanImage for an artifact on podman 4.3.1", Engine.Podman431, StrategyName.PodmanImage, ReferenceKind.Artifact, Layers.Raw,
            "Strategy PodmanImage mounts models packaged as container images only; this reference is a ModelPack artifact. Use -Strategy HttpBind (works with any engine)."
        },
    };

    [DescribedTheory(Podman57, Podman43, Docker)]
    [MemberData(nameof(Incompatible))]
    public async Task A_forced_strategy_that_cannot_work_is_StrategyUnavailable_saying_what_was_found_and_what_works(
        string description, Engine engine, StrategyName forced, ReferenceKind kind, Layers layers, string expected)
    {
        _ = description;
        var probed = await ProbeAsync(engine);

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.Select(forced, ModelPackSettings.Empty, probed, kind, Mountability(kind, layers)));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, error.Kind);
        Assert.Equal(forced.ToString(), error.Target);
        Assert.Equal(expected.Replace("{path}", probed.Path).Replace("{found}", probed.Found), error.Message);
    }

    [ToolFact(Podman57)]
    public async Task Parameter_beats_MODELPACK_STRATEGY_which_beats_the_config_file()
    {
        var engine = await ProbeAsync(Engine.Podman57);
        var config = Path.Combine(fakes.Bin, "config.json");
        File.WriteAllText(config, """{"strategy": "podman-image"}""");
        var fileOnly = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_CONFIG"] = config }));
        var envAndFile = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_CONFIG"] = config, ["MODELPACK_STRATEGY"] = "http-bind" }));

        var fromFile = StrategySelector.Select(null, fileOnly, engine, ReferenceKind.Image, null);
        var fromEnv = StrategySelector.Select(null, envAndFile, engine, ReferenceKind.Image, null);
        var fromParameter = StrategySelector.Select(StrategyName.PodmanImage, envAndFile, engine, ReferenceKind.Image, null);
        var autoParameter = StrategySelector.Select(StrategyName.Auto, envAndFile, engine, ReferenceKind.Artifact, null);

        Assert.Equal((StrategyName.PodmanImage, SettingSource.ConfigFile), (fromFile.Strategy, fromFile.Source));
        Assert.Equal((StrategyName.HttpBind, SettingSource.EnvironmentVariable), (fromEnv.Strategy, fromEnv.Source));
        Assert.Equal((StrategyName.PodmanImage, SettingSource.Parameter), (fromParameter.Strategy, fromParameter.Source));
        Assert.Equal((StrategyName.PodmanArtifact, StrategyName.Auto, SettingSource.Parameter), (autoParameter.Strategy, autoParameter.Requested, autoParameter.Source));
    }

    [ToolFact(Docker)]
    public async Task A_strategy_forced_by_MODELPACK_STRATEGY_says_so_and_how_to_change_it()
    {
        var engine = await ProbeAsync(Engine.Docker);
        var settings = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_STRATEGY"] = "podman-artifact" }));

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.Select(null, settings, engine, ReferenceKind.Artifact, null));

        Assert.Equal(
            $"Strategy PodmanArtifact (set by MODELPACK_STRATEGY) needs podman 5.7 or later with 'podman artifact'; found {engine.Found}. Use -Strategy HttpBind (works with any engine), or change MODELPACK_STRATEGY.",
            error.Message);
    }

    [Fact]
    public async Task A_strategy_forced_by_the_config_file_names_the_file()
    {
        var engine = await ProbeAsync(Engine.None);
        var config = Path.Combine(fakes.Bin, "config.json");
        File.WriteAllText(config, """{"strategy": "PodmanImage"}""");
        var settings = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_CONFIG"] = config }));

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.Select(null, settings, engine, ReferenceKind.Image, null));

        Assert.StartsWith($"Strategy PodmanImage (set by the config file '{config}') needs podman;", error.Message);
        Assert.EndsWith($", or change the config file '{config}'.", error.Message);
    }

    [ToolFact(Podman57, Docker)]
    public async Task EnsureEngineSupports_fails_before_the_kind_is_known_and_passes_Auto_through()
    {
        var docker = await ProbeAsync(Engine.Docker);
        var podman = await ProbeAsync(Engine.Podman57);

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.EnsureEngineSupports(StrategyName.PodmanImage, ModelPackSettings.Empty, docker));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Equal(StrategyName.Auto, StrategySelector.EnsureEngineSupports(null, ModelPackSettings.Empty, docker));
        Assert.Equal(StrategyName.PodmanArtifact, StrategySelector.EnsureEngineSupports(StrategyName.PodmanArtifact, ModelPackSettings.Empty, podman));
    }

    [ToolFact(Podman57)]
    public async Task The_selection_lists_each_strategy_judged_for_this_reference()
    {
        var podman = await ProbeAsync(Engine.Podman57);

        var selection = StrategySelector.Select(null, ModelPackSettings.Empty, podman, ReferenceKind.Artifact, Mountability(ReferenceKind.Artifact, Layers.Tar));

        Assert.Equal(new[] { false, false, true }, selection.Strategies.Select(s => s.Available));
        Assert.Contains("this artifact has tar layers ('docs')", selection.Strategies[0].Reason);
        Assert.Contains("this reference is a ModelPack artifact", selection.Strategies[1].Reason);
    }

    private static PodmanArtifactMountability? Mountability(ReferenceKind kind, Layers layers)
    {
        if (kind != ReferenceKind.Artifact)
        {
            return null;
        }

        var config = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("config").ToString(), 10);
        var weights = Layer(LayerKind.Weight, LayerPacking.Raw, "model.gguf", Digest.Sha256("weights").ToString(), 7);
        var others = layers switch
        {
            Layers.Tar => new[] { Layer(LayerKind.Doc, LayerPacking.Tar, "docs", Digest.Sha256("docs").ToString(), 1024) },
            Layers.SameDigest => new[] { Layer(LayerKind.Doc, LayerPacking.Raw, "a.txt", Digest.Sha256(Array.Empty<byte>()).ToString(), 0), Layer(LayerKind.Doc, LayerPacking.Raw, "b.txt", Digest.Sha256(Array.Empty<byte>()).ToString(), 0) },
            _ => Array.Empty<Descriptor>(),
        };
        return PodmanArtifactMountability.Of(ModelManifest.Create(config, new[] { weights }.Concat(others)));
    }

    private static Descriptor Layer(LayerKind kind, LayerPacking packing, string filepath, string digest, long size) =>
        new(LayerMediaType.Format(kind, packing), digest, size, new Dictionary<string, string> { [AnnotationKeys.Filepath] = filepath });

    private async Task<EngineInfo> ProbeAsync(Engine engine)
    {
        var probe = new EngineProbe(ProcessRunner.Instance, new EngineProbeCache());
        switch (engine)
        {
            case Engine.Podman57:
                return await RealEngines.PodmanAsync(TestTools.Podman57);
            case Engine.Podman431:
                return await RealEngines.PodmanAsync(TestTools.Podman43);
            case Engine.Docker:
                return await RealEngines.DockerWithoutDaemonAsync();
            case Engine.Podman57WithoutArtifactCommand:
                return await probe.ProbeAsync(new EngineLocation(EngineKind.Podman, fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"), withoutArtifactCommand: true), SettingSource.Default, "found on PATH"));
            case Engine.PodmanNotWorking:
                return await probe.ProbeAsync(new EngineLocation(EngineKind.Podman, fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"), versionExit: 125, versionStderr: "Error: unable to connect to Podman socket"), SettingSource.Default, "found on PATH"));
            default:
                return await probe.ProbeAsync(EngineLocator.Locate("none", ModelPackSettings.Empty, fakes.Environment()));
        }
    }

    public void Dispose() => fakes.Dispose();
}
