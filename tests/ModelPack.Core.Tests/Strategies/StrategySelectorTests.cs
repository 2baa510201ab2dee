using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Engines;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>Selection against engines probed from fakes (podman 5.7, podman 4.3.1, docker 28.2.2, ...) and engine none.</summary>
public sealed class StrategySelectorTests : IDisposable
{
    private readonly FakeEngines fakes = new();
    private readonly EngineProbeCache cache = new();

    public enum Fake
    {
        Podman57,
        Podman57BrokenArtifactLs,
        Podman431,
        PodmanNotWorking,
        Docker2822,
        None,
    }

    public static TheoryData<string, Fake, ReferenceKind, bool, StrategyName> AutoCases => new()
    {
        { "fake podman 5.7, artifact: PodmanArtifact", Fake.Podman57, ReferenceKind.Artifact, false, StrategyName.PodmanArtifact },
        { "fake podman 5.7, artifact with tar layers: HttpBind", Fake.Podman57, ReferenceKind.Artifact, true, StrategyName.HttpBind },
        { "fake podman 5.7, image: PodmanImage", Fake.Podman57, ReferenceKind.Image, false, StrategyName.PodmanImage },
        { "fake podman 5.7 with failing artifact ls, artifact: HttpBind", Fake.Podman57BrokenArtifactLs, ReferenceKind.Artifact, false, StrategyName.HttpBind },
        { "fake podman 4.3.1, artifact: HttpBind", Fake.Podman431, ReferenceKind.Artifact, false, StrategyName.HttpBind },
        { "fake podman 4.3.1, image: PodmanImage", Fake.Podman431, ReferenceKind.Image, false, StrategyName.PodmanImage },
        { "fake podman that does not run, image: HttpBind", Fake.PodmanNotWorking, ReferenceKind.Image, false, StrategyName.HttpBind },
        { "fake docker 28.2.2, artifact: HttpBind", Fake.Docker2822, ReferenceKind.Artifact, false, StrategyName.HttpBind },
        { "fake docker 28.2.2, image: HttpBind", Fake.Docker2822, ReferenceKind.Image, false, StrategyName.HttpBind },
        { "no engine, artifact: HttpBind", Fake.None, ReferenceKind.Artifact, false, StrategyName.HttpBind },
        { "no engine, image: HttpBind", Fake.None, ReferenceKind.Image, false, StrategyName.HttpBind },
    };

    [DescribedTheory]
    [MemberData(nameof(AutoCases))]
    public async Task Auto_takes_the_first_viable_strategy_for_the_kind_and_engine(string description, Fake fake, ReferenceKind kind, bool tar, StrategyName expected)
    {
        _ = description;
        var engine = await Engine(fake);

        var selection = StrategySelector.Select(null, ModelPackSettings.Empty, engine, kind, tar);

        Assert.Equal(expected, selection.Strategy);
        Assert.Equal(StrategyName.Auto, selection.Requested);
        Assert.Equal(SettingSource.Default, selection.Source);
        Assert.Same(engine, selection.Engine);
        Assert.Equal(StrategyNames.AutoOrder, selection.Strategies.Select(s => s.Name));
        Assert.Equal(expected, selection.Strategies.First(s => s.Available).Name);
    }

    [Theory]
    [InlineData(Fake.Podman57)]
    [InlineData(Fake.Podman431)]
    [InlineData(Fake.PodmanNotWorking)]
    [InlineData(Fake.Docker2822)]
    [InlineData(Fake.None)]
    public async Task Forced_HttpBind_works_with_every_engine_and_both_kinds(Fake fake)
    {
        var engine = await Engine(fake);

        foreach (var kind in new[] { ReferenceKind.Artifact, ReferenceKind.Image })
        {
            Assert.Equal(StrategyName.HttpBind, StrategySelector.Select(StrategyName.HttpBind, ModelPackSettings.Empty, engine, kind, hasTarLayers: true).Strategy);
        }
    }

    [Fact]
    public async Task Fake_docker_28_2_2_offers_only_HttpBind()
    {
        var docker = await Engine(Fake.Docker2822);

        var infos = StrategySelector.Describe(docker);

        Assert.Equal(new[] { false, false, true }, infos.Select(i => i.Available));
        Assert.Equal(new[] { 1, 2, 3 }, infos.Select(i => i.Order));
        Assert.All(infos, i => Assert.Equal(EngineKind.Docker, i.Engine));
        Assert.All(infos, i => Assert.Equal(new Version(28, 2, 2), i.Version));
        Assert.All(infos, i => Assert.Equal(docker.Path, i.EnginePath));
        Assert.Equal($"Needs podman 5.7 or later with 'podman artifact'; found docker 28.2.2 at {docker.Path}.", infos[0].Reason);
        Assert.Equal($"Needs podman; found docker 28.2.2 at {docker.Path}.", infos[1].Reason);
        Assert.Contains($"docker 28.2.2 at {docker.Path} gets a read-only bind mount", infos[2].Reason);
    }

    [Fact]
    public async Task Fake_podman_5_7_offers_all_three_and_says_why()
    {
        var podman = await Engine(Fake.Podman57);

        var infos = StrategySelector.Describe(podman);

        Assert.All(infos, i => Assert.True(i.Available, i.Reason));
        Assert.Contains("'podman artifact' of podman 5.7.0", infos[0].Reason);
        Assert.Contains("with subpath", infos[1].Reason);
    }

    [Fact]
    public async Task Fake_podman_4_3_1_has_PodmanImage_without_subpath()
    {
        var podman = await Engine(Fake.Podman431);

        var infos = StrategySelector.Describe(podman);

        Assert.Equal(new[] { false, true, true }, infos.Select(i => i.Available));
        Assert.Contains("no subpath", infos[1].Reason);
        Assert.Contains("(4.3.1 < 5.7)", infos[0].Reason);
    }

    public static TheoryData<string, Fake, StrategyName, ReferenceKind, bool, string> Incompatible => new()
    {
        {
            "PodmanArtifact on fake docker", Fake.Docker2822, StrategyName.PodmanArtifact, ReferenceKind.Artifact, false,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found docker 28.2.2 at {path}. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact on fake podman 4.3.1", Fake.Podman431, StrategyName.PodmanArtifact, ReferenceKind.Artifact, false,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 4.3.1 at {path} (4.3.1 < 5.7). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact on fake podman 4.3.1 for an image", Fake.Podman431, StrategyName.PodmanArtifact, ReferenceKind.Image, false,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 4.3.1 at {path} (4.3.1 < 5.7). Use -Strategy HttpBind (works with any engine) or PodmanImage."
        },
        {
            "PodmanArtifact on fake podman 5.7 whose artifact ls fails", Fake.Podman57BrokenArtifactLs, StrategyName.PodmanArtifact, ReferenceKind.Artifact, false,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 5.7.0 at {path}, but 'podman artifact ls' failed with exit code 125: 'Error: artifact store is not usable'. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact on fake podman that does not run", Fake.PodmanNotWorking, StrategyName.PodmanArtifact, ReferenceKind.Artifact, false,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 5.7.0 at {path}, but it does not work: 'podman version' failed with exit code 125: 'Error: unable to connect to Podman socket'. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact without an engine", Fake.None, StrategyName.PodmanArtifact, ReferenceKind.Artifact, false,
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found no container engine (-Engine chose no engine). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanArtifact for an image on fake podman 5.7", Fake.Podman57, StrategyName.PodmanArtifact, ReferenceKind.Image, false,
            "Strategy PodmanArtifact mounts ModelPack artifacts only; this reference is a container image. Use -Strategy HttpBind (works with any engine) or PodmanImage."
        },
        {
            "PodmanArtifact for an artifact with tar layers on fake podman 5.7", Fake.Podman57, StrategyName.PodmanArtifact, ReferenceKind.Artifact, true,
            "Strategy PodmanArtifact cannot mount tar layers (podman mounts each layer as the blob it is, without unpacking it); this artifact has tar layers. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage on fake docker", Fake.Docker2822, StrategyName.PodmanImage, ReferenceKind.Image, false,
            "Strategy PodmanImage needs podman; found docker 28.2.2 at {path}. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage without an engine", Fake.None, StrategyName.PodmanImage, ReferenceKind.Image, false,
            "Strategy PodmanImage needs podman; found no container engine (-Engine chose no engine). Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage on fake podman that does not run", Fake.PodmanNotWorking, StrategyName.PodmanImage, ReferenceKind.Image, false,
            "Strategy PodmanImage needs podman; found podman 5.7.0 at {path}, but it does not work: 'podman version' failed with exit code 125: 'Error: unable to connect to Podman socket'. Use -Strategy HttpBind (works with any engine)."
        },
        {
            "PodmanImage for an artifact on fake podman 5.7", Fake.Podman57, StrategyName.PodmanImage, ReferenceKind.Artifact, false,
            "Strategy PodmanImage mounts models packaged as container images only; this reference is a ModelPack artifact. Use -Strategy HttpBind (works with any engine) or PodmanArtifact."
        },
        {
            "PodmanImage for an artifact on fake podman 4.3.1", Fake.Podman431, StrategyName.PodmanImage, ReferenceKind.Artifact, false,
            "Strategy PodmanImage mounts models packaged as container images only; this reference is a ModelPack artifact. Use -Strategy HttpBind (works with any engine)."
        },
    };

    [DescribedTheory]
    [MemberData(nameof(Incompatible))]
    public async Task A_forced_strategy_that_cannot_work_is_StrategyUnavailable_saying_what_was_found_and_what_works(
        string description, Fake fake, StrategyName forced, ReferenceKind kind, bool tar, string expected)
    {
        _ = description;
        var engine = await Engine(fake);

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.Select(forced, ModelPackSettings.Empty, engine, kind, tar));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, error.Kind);
        Assert.Equal(forced.ToString(), error.Target);
        Assert.Equal(expected.Replace("{path}", engine.Path), error.Message);
    }

    [Fact]
    public async Task Parameter_beats_MODELPACK_STRATEGY_which_beats_the_config_file()
    {
        var engine = await Engine(Fake.Podman57);
        var config = Path.Combine(fakes.Bin, "config.json");
        File.WriteAllText(config, """{"strategy": "podman-image"}""");
        var fileOnly = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_CONFIG"] = config }));
        var envAndFile = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_CONFIG"] = config, ["MODELPACK_STRATEGY"] = "http-bind" }));

        var fromFile = StrategySelector.Select(null, fileOnly, engine, ReferenceKind.Image, false);
        var fromEnv = StrategySelector.Select(null, envAndFile, engine, ReferenceKind.Image, false);
        var fromParameter = StrategySelector.Select(StrategyName.PodmanImage, envAndFile, engine, ReferenceKind.Image, false);
        var autoParameter = StrategySelector.Select(StrategyName.Auto, envAndFile, engine, ReferenceKind.Artifact, false);

        Assert.Equal((StrategyName.PodmanImage, SettingSource.ConfigFile), (fromFile.Strategy, fromFile.Source));
        Assert.Equal((StrategyName.HttpBind, SettingSource.EnvironmentVariable), (fromEnv.Strategy, fromEnv.Source));
        Assert.Equal((StrategyName.PodmanImage, SettingSource.Parameter), (fromParameter.Strategy, fromParameter.Source));
        Assert.Equal((StrategyName.PodmanArtifact, StrategyName.Auto, SettingSource.Parameter), (autoParameter.Strategy, autoParameter.Requested, autoParameter.Source));
    }

    [Fact]
    public async Task A_strategy_forced_by_MODELPACK_STRATEGY_says_so_and_how_to_change_it()
    {
        var engine = await Engine(Fake.Docker2822);
        var settings = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_STRATEGY"] = "podman-artifact" }));

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.Select(null, settings, engine, ReferenceKind.Artifact, false));

        Assert.Equal(
            $"Strategy PodmanArtifact (set by MODELPACK_STRATEGY) needs podman 5.7 or later with 'podman artifact'; found docker 28.2.2 at {engine.Path}. Use -Strategy HttpBind (works with any engine), or change MODELPACK_STRATEGY.",
            error.Message);
    }

    [Fact]
    public async Task A_strategy_forced_by_the_config_file_names_the_file()
    {
        var engine = await Engine(Fake.None);
        var config = Path.Combine(fakes.Bin, "config.json");
        File.WriteAllText(config, """{"strategy": "PodmanImage"}""");
        var settings = ModelPackSettingsLoader.Load(fakes.Environment(new Dictionary<string, string?> { ["MODELPACK_CONFIG"] = config }));

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.Select(null, settings, engine, ReferenceKind.Image, false));

        Assert.StartsWith($"Strategy PodmanImage (set by the config file '{config}') needs podman;", error.Message);
        Assert.EndsWith($", or change the config file '{config}'.", error.Message);
    }

    [Fact]
    public async Task EnsureEngineSupports_fails_before_the_kind_is_known_and_passes_Auto_through()
    {
        var docker = await Engine(Fake.Docker2822);
        var podman = await Engine(Fake.Podman57);

        var error = Assert.Throws<ModelPackException>(() => StrategySelector.EnsureEngineSupports(StrategyName.PodmanImage, ModelPackSettings.Empty, docker));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Equal(StrategyName.Auto, StrategySelector.EnsureEngineSupports(null, ModelPackSettings.Empty, docker));
        Assert.Equal(StrategyName.PodmanArtifact, StrategySelector.EnsureEngineSupports(StrategyName.PodmanArtifact, ModelPackSettings.Empty, podman));
    }

    [Fact]
    public async Task The_selection_lists_each_strategy_judged_for_this_reference()
    {
        var podman = await Engine(Fake.Podman57);

        var selection = StrategySelector.Select(null, ModelPackSettings.Empty, podman, ReferenceKind.Artifact, hasTarLayers: true);

        Assert.Equal(new[] { false, false, true }, selection.Strategies.Select(s => s.Available));
        Assert.Contains("this artifact has tar layers", selection.Strategies[0].Reason);
        Assert.Contains("this reference is a ModelPack artifact", selection.Strategies[1].Reason);
    }

    private async Task<EngineInfo> Engine(Fake fake)
    {
        var probe = new EngineProbe(ProcessRunner.Instance, cache);
        string path;
        switch (fake)
        {
            case Fake.Podman57:
                path = fakes.Podman(FakeEngines.PodmanVersionJson("5.7.0"));
                break;
            case Fake.Podman57BrokenArtifactLs:
                path = fakes.Podman(FakeEngines.PodmanVersionJson("5.7.0"), artifactLsExit: 125);
                break;
            case Fake.Podman431:
                path = fakes.Podman(FakeEngines.PodmanVersionJson("4.3.1"));
                break;
            case Fake.PodmanNotWorking:
                path = fakes.Podman(FakeEngines.PodmanVersionJson("5.7.0"), versionExit: 125, versionStderr: "Error: unable to connect to Podman socket");
                break;
            case Fake.Docker2822:
                path = fakes.Docker(FakeEngines.DockerClientJson("28.2.2"));
                return await probe.ProbeAsync(new EngineLocation(EngineKind.Docker, path, SettingSource.Default, "found on PATH"));
            default:
                return await probe.ProbeAsync(EngineLocator.Locate("none", ModelPackSettings.Empty, fakes.Environment()));
        }

        return await probe.ProbeAsync(EngineLocator.Locate(null, ModelPackSettings.Empty, fakes.Environment()));
    }

    public void Dispose() => fakes.Dispose();
}
