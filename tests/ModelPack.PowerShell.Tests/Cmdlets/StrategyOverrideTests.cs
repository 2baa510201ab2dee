using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Engines;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// Where the strategy and the engine come from, at the cmdlet level: -Strategy / -Engine over MODELPACK_STRATEGY /
/// MODELPACK_ENGINE over the config file's strategy / engine, kebab spellings, wrong values and the source
/// each error names (the engine named by path is a stand-in "docker" file in a folder of its own, as the choice
/// is what is tested); a forced strategy the real podman 4.3.1 cannot serve; and the real docker CLI, with which
/// Auto saves through HttpBind and mounts use docker's syntax (its daemon is not needed for either).
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class StrategyOverrideTests : IDisposable
{
    private readonly StoreRegistryFixture _fixture;
    private readonly FaultyEngines _fakes = new();
    private StoreSession? _session;

    public StrategyOverrideTests(StoreRegistryFixture fixture)
    {
        _fixture = fixture;
        _fakes.Docker(FaultyEngines.DockerVersionJson("28.2.2"));
    }

    private PowerShellSession Ps => _session!.PowerShell;

    [Fact]
    public async Task The_parameter_beats_MODELPACK_STRATEGY_which_beats_the_config_file_in_either_spelling()
    {
        var (reference, repository) = await PushAsync(40);
        var config = Config(new { strategy = "podman-artifact" });
        Start(("MODELPACK_CONFIG", config));

        var fromConfig = Save(reference);
        var fromEnvironment = Save(reference, "$env:MODELPACK_STRATEGY = 'podman-image'; ");
        var requestsBefore = Requests(repository);
        var environmentOverConfig = Saved(Ps.RunOk("param($r) $env:MODELPACK_STRATEGY = 'http-bind'; Save-ModelArtifact $r -PassThru", Args(reference)));
        var parameterOverEnvironment = Saved(Ps.RunOk("param($r) $env:MODELPACK_STRATEGY = 'podman-image'; Save-ModelArtifact $r -Strategy HttpBind -PassThru", Args(reference)));
        var kebabParameter = Saved(Ps.RunOk("param($r) Save-ModelArtifact $r -Strategy http-bind -PassThru", Args(reference)));

        Assert.Equal(0, requestsBefore); // both refusals came before any registry request
        AssertUnavailable(fromConfig, "PodmanArtifact", $"set by the config file '{config}'", "HttpBind");
        AssertUnavailable(fromEnvironment, "PodmanImage", "set by MODELPACK_STRATEGY", "HttpBind");
        Assert.All(new[] { environmentOverConfig, parameterOverEnvironment, kebabParameter }, a => Assert.Equal("HttpBind", a.Strategy));
    }

    [Fact]
    public void A_strategy_that_is_no_strategy_is_refused_naming_the_variable_the_file_or_the_parameter()
    {
        var config = Config(new { strategy = "fastest" });
        Start(("MODELPACK_STRATEGY", "quickest"));

        var fromEnvironment = Ps.Run("Get-ModelArtifact");
        var fromFile = Ps.Run("param($c) $env:MODELPACK_STRATEGY = $null; $env:MODELPACK_CONFIG = $c; Get-ModelArtifact", new() { ["c"] = config });
        var fromParameter = Ps.Run("Get-ModelArtifact -Strategy podman-artefact");

        var environmentError = Assert.Single(fromEnvironment.AllErrors);
        Assert.Equal("InvalidConfiguration,ModelPack.Cmdlets.GetModelArtifactCommand", environmentError.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, environmentError.CategoryInfo.Category);
        Assert.Contains("MODELPACK_STRATEGY is 'quickest'", environmentError.Exception.Message);
        Assert.Contains("http-bind", environmentError.Exception.Message);
        var fileError = Assert.Single(fromFile.AllErrors);
        Assert.StartsWith("InvalidConfiguration,", fileError.FullyQualifiedErrorId);
        Assert.Contains(config, fileError.Exception.Message);
        Assert.Contains("line 1", fileError.Exception.Message);
        Assert.Contains("'fastest'", fileError.Exception.Message);
        var parameterError = Assert.Single(fromParameter.AllErrors);
        Assert.StartsWith("ParameterArgumentTransformationError,", parameterError.FullyQualifiedErrorId);
        Assert.Contains("'podman-artefact' is not a strategy", parameterError.Exception.Message);
        Assert.Contains("PodmanArtifact", parameterError.Exception.Message);
    }

    [Fact]
    public async Task The_engine_is_the_parameter_else_MODELPACK_ENGINE_else_the_config_file_and_docker_gets_docker_syntax()
    {
        var (reference, _) = await PushAsync(41);
        var config = Config(new { engine = "docker" });
        Start(("MODELPACK_CONFIG", config), ("MODELPACK_ENGINE", null), ("PATH", _fakes.Bin + ":" + Environment.GetEnvironmentVariable("PATH")));
        var saved = Saved(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(reference)));
        var snapshot = _session!.SnapshotOf(saved.Digest);

        var fromConfig = MountArgument("param($r) Get-ModelMount $r -As Argument", reference);
        var environmentOverConfig = MountArgument("param($r) $env:MODELPACK_ENGINE = 'none'; Get-ModelMount $r -As Argument", reference);
        var parameterOverEnvironment = MountArgument("param($r) Get-ModelMount $r -As Argument -Engine docker", reference);
        var relativeToLocation = MountArgument(
            "param($r, $d) $ExecutionContext.SessionState.Path.SetLocation($d) | Out-Null; Get-ModelMount $r -As Argument -Engine ./bin/docker",
            new Dictionary<string, object?> { ["r"] = reference, ["d"] = System.IO.Path.GetDirectoryName(_fakes.Bin) });
        var missing = Ps.Run("param($r) $env:MODELPACK_ENGINE = '/no/such/dir/podman'; Get-ModelMount $r", Args(reference));
        var unsupported = Ps.Run("param($r, $c) $env:MODELPACK_ENGINE = $null; [IO.File]::WriteAllText($c, '{\"engine\": \"containerd\"}'); Get-ModelMount $r", new() { ["r"] = reference, ["c"] = config });

        Assert.Equal("HttpBind", saved.Strategy);
        Assert.Equal($"--mount=type=bind,src={snapshot},dst=/mnt/models,readonly", fromConfig);
        Assert.Equal($"--mount=type=bind,src={snapshot},destination=/mnt/models,ro", environmentOverConfig);
        Assert.Equal(fromConfig, parameterOverEnvironment);
        Assert.Equal(fromConfig, relativeToLocation); // a relative engine path is resolved from PowerShell's location
        var notFound = Assert.Single(missing.AllErrors);
        Assert.Equal("ContainerEngineNotFound,ModelPack.Cmdlets.GetModelMountCommand", notFound.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
        Assert.Contains("from MODELPACK_ENGINE", notFound.Exception.Message);
        var notSupported = Assert.Single(unsupported.AllErrors);
        Assert.StartsWith("UnsupportedContainerEngine,", notSupported.FullyQualifiedErrorId);
        Assert.Contains(config, notSupported.Exception.Message);
        Assert.Empty(missing.Output.Concat(unsupported.Output));
    }

    [Fact]
    public async Task Forcing_PodmanArtifact_on_the_real_podman_4_3_1_fails_before_any_registry_request_and_suggests_HttpBind()
    {
        Assert.True(File.Exists("/usr/bin/podman"), "podman is not installed: apt-get install -y podman runc");
        var (reference, repository) = await PushAsync(42);
        Start(("MODELPACK_ENGINE", "/usr/bin/podman"));

        var save = Save(reference, strategy: "PodmanArtifact");
        var mount = Ps.Run("param($r) Get-ModelMount $r -Strategy PodmanArtifact", Args(reference));
        var caught = Ps.RunOk("param($r) try { Save-ModelArtifact $r -Strategy PodmanArtifact; 'went on' } catch { 'caught ' + $_.FullyQualifiedErrorId }", Args(reference));

        AssertUnavailable(save, "PodmanArtifact", "found podman 4.3.1 at /usr/bin/podman (4.3.1 < 5.7)", "Use -Strategy HttpBind (works with any engine) or PodmanImage");
        AssertUnavailable(mount, "PodmanArtifact", "podman 4.3.1", "HttpBind");
        Assert.Equal("caught StrategyUnavailable,ModelPack.Cmdlets.SaveModelArtifactCommand", Assert.Single(caught).BaseObject); // it stops the command
        Assert.Equal(0, Requests(repository));
        Assert.False(Directory.Exists(_session!.StoreRoot));
    }

    [ToolFact(TestTools.Docker, TestTools.DockerRegistry)]
    public async Task With_docker_Auto_saves_through_HttpBind_and_podman_strategies_are_refused()
    {
        var (reference, repository) = await PushAsync(43);
        var docker = TestTools.Require(TestTools.Docker);
        Start(("MODELPACK_ENGINE", docker), ("DOCKER_HOST", "unix://" + Path.Combine(Path.GetDirectoryName(_fakes.Bin)!, "no-daemon.sock")));

        var saved = Ps.Run("param($r) Save-ModelArtifact $r -PassThru -Verbose", Args(reference));
        var mount = Assert.IsType<ModelMount>(Assert.Single(Ps.RunOk("param($r) Get-ModelMount $r -Destination /models", Args(reference))).BaseObject);
        var requestsBefore = Requests(repository);
        var forced = Save(reference, strategy: "PodmanImage");

        Assert.Empty(saved.AllErrors);
        Assert.Equal("HttpBind", Assert.IsType<ModelArtifact>(Assert.Single(saved.Output).BaseObject).Strategy);
        Assert.Contains(saved.Verbose, v => v.Contains("Found docker CLI ", StringComparison.Ordinal) && v.Contains(" at " + docker + ", whose daemon did not answer", StringComparison.Ordinal));
        Assert.Contains(saved.Verbose, v => v.Contains("strategy HttpBind (Auto)", StringComparison.Ordinal));
        Assert.Equal(("docker", "HttpBind", "/models/model.safetensors"), (mount.Engine, mount.Strategy, mount.EntryPath));
        Assert.Equal($"--mount=type=bind,src={mount.Source},dst=/models,readonly", mount.Argument);
        AssertUnavailable(forced, "PodmanImage", "found docker CLI ", "HttpBind");
        Assert.Equal(requestsBefore, Requests(repository));
    }

    public void Dispose()
    {
        _session?.Dispose();
        _fakes.Dispose();
    }

    private static Dictionary<string, object?> Args(string reference) => new() { ["r"] = reference };

    private static ModelArtifact Saved(List<PSObject> output) => Assert.IsType<ModelArtifact>(Assert.Single(output).BaseObject);

    private static void AssertUnavailable(ScriptResult result, string strategy, params string[] phrases)
    {
        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("StrategyUnavailable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Equal(strategy, error.TargetObject);
        foreach (var phrase in phrases)
        {
            Assert.Contains(phrase, error.Exception.Message);
        }
    }

    private void Start(params (string Name, string? Value)[] environment) =>
        _session = new StoreSession(environment.ToDictionary(e => e.Name, e => e.Value));

    private string Config(object content)
    {
        var path = Path.Combine(_fakes.Bin, "..", "config-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(content));
        return Path.GetFullPath(path);
    }

    private ScriptResult Save(string reference, string prefix = "", string? strategy = null) =>
        Ps.Run("param($r, $s) " + prefix + "if ($s) { Save-ModelArtifact $r -Strategy $s } else { Save-ModelArtifact $r }", new() { ["r"] = reference, ["s"] = strategy });

    private string MountArgument(string script, string reference) => MountArgument(script, Args(reference));

    private string MountArgument(string script, Dictionary<string, object?> args) =>
        Assert.IsType<string>(Assert.Single(Ps.RunOk(script, args)).BaseObject);

    private int Requests(string repository) => _fixture.Front.Requests.Count(r => r.Path.Contains("/" + repository + "/", StringComparison.Ordinal));

    private async Task<(string Reference, string Repository)> PushAsync(int seed)
    {
        var model = TestArtifact.FromFiles(
            "override-" + seed,
            ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(seed, 5000)),
            ("tokenizer.json", LayerKind.WeightConfig, TestArtifact.Bytes(seed + 1000, 100)));
        var repository = _fixture.NewRepository("override");
        await _fixture.PushAsync(model, repository, "v1");
        return ($"{_fixture.Host}/{repository}:v1", repository);
    }
}
