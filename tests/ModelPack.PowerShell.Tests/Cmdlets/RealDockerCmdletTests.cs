using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>A private dockerd for the cmdlet tests, started on first use (see <see cref="DockerDaemon"/>).</summary>
public sealed class DockerDaemonFixture : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private DockerDaemon? daemon;

    public async Task<DockerDaemon> GetAsync()
    {
        await gate.WaitAsync();
        try
        {
            return daemon ??= await DockerDaemon.StartAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        daemon?.Dispose();
        gate.Dispose();
    }
}

/// <summary>
/// The cmdlets with the real Docker engine: a private dockerd 20.10 reached by the docker 28 CLI on PATH through
/// DOCKER_HOST, as on a machine whose CLI is newer than its daemon. Get-ModelStrategy reports the daemon, says when
/// none answers or when it is on another machine, and notices DOCKER_HOST changing; a model saved through HttpBind
/// is read by a real container through the argument Get-ModelMount gives, read-only, from a store whose path needs
/// quoting; quadlet units (podman's) are refused for docker.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RealDockerCmdletTests : IClassFixture<DockerDaemonFixture>, IDisposable
{
    private readonly StoreRegistryFixture _fixture;
    private readonly DockerDaemonFixture _docker;
    private readonly TempDirectory _dir = new("modelpack-ps-docker");
    private StoreSession? _session;

    public RealDockerCmdletTests(StoreRegistryFixture fixture, DockerDaemonFixture docker)
    {
        _fixture = fixture;
        _docker = docker;
    }

    private PowerShellSession Ps => _session!.PowerShell;

    [ToolFact(TestTools.Docker, TestTools.DockerCli, TestTools.Dockerd, TestTools.Containerd, TestTools.Busybox)]
    public async Task Get_ModelStrategy_reports_the_daemon_and_notices_DOCKER_HOST_moving_to_no_daemon_and_to_another_machine()
    {
        var daemon = await _docker.GetAsync();
        Start(daemon.Environment);
        var docker = TestTools.Require(TestTools.Docker);

        var local = Ps.Run("param($e) Get-ModelStrategy -Engine $e", new() { ["e"] = docker });
        var none = Ps.Run("param($e, $h) $env:DOCKER_HOST = $h; Get-ModelStrategy -Engine $e", new() { ["e"] = docker, ["h"] = "unix://" + _dir.Combine("no-daemon.sock") });
        var remote = Ps.Run("param($e) $env:DOCKER_HOST = 'tcp://docker.example.invalid:2376'; Get-ModelStrategy -Engine $e", new() { ["e"] = docker });

        Assert.True(EngineVersion.TryParse(daemon.ServerVersion, out var daemonVersion));
        Assert.Empty(local.Warnings);
        Assert.All(Strategies(local), s => Assert.Equal((EngineKind.Docker, daemonVersion), (s.Engine, s.Version)));
        Assert.Contains("docker " + daemon.ServerVersion, Strategies(local)[2].Reason);
        Assert.Contains("(CLI 28.", Strategies(local)[2].Reason);

        Assert.Contains(none.Warnings, w => w.Contains("did not answer", StringComparison.Ordinal));
        Assert.All(Strategies(none), s => Assert.Null(s.Version));
        Assert.Equal(new[] { false, false, true }, Strategies(none).Select(s => s.Available));

        Assert.Contains(remote.Warnings, w => w.Contains("tcp://docker.example.invalid:2376", StringComparison.Ordinal) && w.Contains("cannot see", StringComparison.Ordinal));
        Assert.Contains("cannot see", Strategies(remote)[2].Reason);
    }

    [ToolFact(TestTools.Docker, TestTools.Dockerd, TestTools.Containerd, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task A_model_saved_for_docker_is_read_read_only_by_a_real_container_from_a_store_path_that_needs_quoting_and_Quadlet_is_refused()
    {
        var daemon = await _docker.GetAsync();
        var store = _dir.Combine("store, \"quoted\"");
        Start(new Dictionary<string, string?>(daemon.Environment) { ["MODELPACK_ENGINE"] = "docker", ["MODELPACK_STORE"] = store });
        var model = TestArtifact.FromFiles(
            "docker-run",
            ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(90, 5000)),
            ("docs/a,b.md", LayerKind.Doc, TestArtifact.Bytes(91, 40)));
        var repository = _fixture.NewRepository("docker-run");
        await _fixture.PushAsync(model, repository, "v1");
        var reference = $"{_fixture.Host}/{repository}:v1";
        var args = new Dictionary<string, object?> { ["r"] = reference };

        var saved = Assert.IsType<ModelArtifact>(Assert.Single(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", args)).BaseObject);
        var argument = Assert.IsType<string>(Assert.Single(Ps.RunOk("param($r) Get-ModelMount $r -Destination /models -As Argument", args)).BaseObject);
        var quadlet = Ps.Run("param($r) Get-ModelMount $r -As Quadlet", args);
        var remote = Ps.Run("param($r) $env:DOCKER_HOST = 'ssh://modelpack@docker.example.invalid'; Get-ModelMount $r -Destination /models -As Argument", args);
        var read = await daemon.RunContainerAsync(new[] { argument }, RealPodman5CmdletTests.Sha256Sum(model, "/models"));
        var write = await daemon.RunContainerAsync(new[] { argument }, "touch", "/models/new-file");

        Assert.Equal("HttpBind", saved.Strategy);
        Assert.StartsWith(Path.GetFullPath(store), saved.Path);
        Assert.Equal($"--mount=type=bind,\"src={saved.Path!.Replace("\"", "\"\"", StringComparison.Ordinal)}\",dst=/models,readonly", argument);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(RealPodman5CmdletTests.ExpectedSums(model, "/models"), read.Stdout.Trim());
        Assert.False(write.Succeeded);
        Assert.Contains("Read-only file system", write.Stdout + write.Stderr);
        Assert.Equal(argument, Assert.Single(remote.Output).BaseObject); // still written, but with a warning
        Assert.Contains(remote.Warnings, w => w.Contains("ssh://modelpack@docker.example.invalid", StringComparison.Ordinal) && w.Contains("cannot see", StringComparison.Ordinal));
        Assert.Empty(quadlet.Output);
        var refused = Assert.Single(quadlet.AllErrors);
        Assert.StartsWith("ParameterNotApplicable,", refused.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, refused.CategoryInfo.Category);
        Assert.Contains("podman", refused.Exception.Message);
        Assert.Contains("-As Argument", refused.Exception.Message);
    }

    public void Dispose()
    {
        _session?.Dispose();
        _dir.Dispose();
    }

    private static List<StrategyInfo> Strategies(ScriptResult result)
    {
        Assert.Empty(result.AllErrors);
        return result.Output.Select(o => (StrategyInfo)o.BaseObject).ToList();
    }

    private void Start(IReadOnlyDictionary<string, string?> environment) =>
        _session = new StoreSession(environment.ToDictionary(e => e.Key, e => e.Value));
}
