using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>The tests of the private Docker engine share it (and one registry); they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RealDockerCollection : ICollectionFixture<RealDockerFixture>
{
    public const string Name = "Real docker";
}

/// <summary>A private dockerd (see <see cref="DockerDaemon"/>) and a registry with one small model, both started on first use.</summary>
public sealed class RealDockerFixture : IAsyncLifetime, IDisposable
{
    public static readonly TestArtifact Model = TestArtifact.FromFiles(
        "docker-model",
        ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(601, 30_000)),
        ("tokenizer.json", LayerKind.WeightConfig, Encoding.UTF8.GetBytes("{\"tokenizer\":1}")),
        ("docs/a,b \"c\".md", LayerKind.Doc, Encoding.UTF8.GetBytes("# odd name")));

    private readonly SemaphoreSlim gate = new(1, 1);
    private DockerDaemon? daemon;
    private RegistryProcess? registry;
    private TempDirectory? home;

    public DockerDaemon Daemon => daemon ?? throw new InvalidOperationException("Call EnsureAsync first.");

    public string ModelRef => registry!.HostPort + "/models/docker-model:1";

    public TestClientSetup Setup => new(home!.Combine("client-home"));

    public string Temp(string name) => home!.Combine(name);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task EnsureAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (daemon is not null)
            {
                return;
            }

            home = new TempDirectory("modelpack-docker-tests");
            registry = RegistryProcess.Start();
            using (var client = Setup.Client())
            {
                await Model.PushAsync(client, registry.HostPort, "models/docker-model", "1");
            }

            daemon = await DockerDaemon.StartAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        daemon?.Dispose();
        registry?.Dispose();
        home?.Dispose();
        (daemon, registry, home) = (null, null, null);
    }
}

/// <summary>
/// The probe and HttpBind with the real Docker engine: Debian's dockerd 20.10 run privately, talked to by the
/// docker 28 CLI first on PATH (client and daemon differ, as on many machines) and by Debian's own 20.10 CLI;
/// real containers (no network) read every file of the model through the exact mount argument, read-only.
/// </summary>
[Collection(RealDockerCollection.Name)]
public sealed class RealDockerTests
{
    private const string Destination = "/models/llm";
    private readonly RealDockerFixture fixture;

    public RealDockerTests(RealDockerFixture fixture)
    {
        this.fixture = fixture;
    }

    [ToolFact(TestTools.Docker, TestTools.DockerCli, TestTools.Dockerd, TestTools.Containerd, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task The_probe_reports_the_daemons_version_not_the_CLIs()
    {
        await fixture.EnsureAsync();

        var withNewCli = await ProbeAsync(TestTools.Require(TestTools.Docker), fixture.Daemon.Environment);
        var withDebianCli = await ProbeAsync(DockerDaemon.DebianCli, fixture.Daemon.Environment);

        Assert.StartsWith("20.10.", fixture.Daemon.ServerVersion);
        Assert.Equal(fixture.Daemon.ServerVersion, withNewCli.VersionText);
        Assert.True(EngineVersion.TryParse(fixture.Daemon.ServerVersion, out var daemonVersion));
        Assert.Equal(daemonVersion, withNewCli.Version);
        Assert.StartsWith("28.", withNewCli.ClientVersion);
        Assert.Contains("docker " + fixture.Daemon.ServerVersion, withNewCli.Found);
        Assert.Contains("CLI " + withNewCli.ClientVersion, withNewCli.Found);
        Assert.Equal(fixture.Daemon.ServerVersion, withDebianCli.VersionText);
        Assert.Equal(fixture.Daemon.ServerVersion, withDebianCli.ClientVersion);
        Assert.Equal("unix://" + fixture.Daemon.Socket, withNewCli.Endpoint);
        Assert.False(withNewCli.IsRemote);
        Assert.Empty(withNewCli.Warnings);
        Assert.Equal(new[] { false, false, true }, StrategySelector.Describe(withNewCli).Select(s => s.Available));
        Assert.All(StrategySelector.Describe(withNewCli), s => Assert.Equal(daemonVersion, s.Version));
    }

    [ToolFact(TestTools.Docker, TestTools.DockerRegistry)]
    public async Task A_daemon_that_does_not_answer_is_said_in_the_reason_and_a_warning()
    {
        await fixture.EnsureAsync();
        var dead = "unix://" + fixture.Temp("no-daemon.sock");

        var engine = await ProbeAsync(TestTools.Require(TestTools.Docker), new Dictionary<string, string?> { ["DOCKER_HOST"] = dead, ["DOCKER_CONTEXT"] = null });

        Assert.Equal(EngineKind.Docker, engine.Kind);
        Assert.True(engine.IsUsable); // HttpBind needs no daemon to pull
        Assert.Null(engine.Version);
        Assert.StartsWith("28.", engine.ClientVersion);
        var warning = Assert.Single(engine.Warnings);
        Assert.Contains("did not answer", warning);
        Assert.Contains(dead, warning);
        Assert.Contains("did not answer", engine.Reason);
        Assert.Contains("did not answer", StrategySelector.Describe(engine)[2].Reason);
    }

    [ToolFact(TestTools.Docker, TestTools.DockerRegistry)]
    public async Task A_remote_daemon_by_DOCKER_HOST_or_by_context_cannot_see_the_local_store_and_the_probe_says_so()
    {
        await fixture.EnsureAsync();
        var docker = TestTools.Require(TestTools.Docker);
        var config = fixture.Temp("docker-config-remote");
        var created = await ProcessRunner.Instance.RunAsync(docker, new[] { "context", "create", "far", "--docker", "host=ssh://modelpack@docker.example.invalid" }, null, new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config, ["DOCKER_HOST"] = null }, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(created.Succeeded, created.Stderr);

        var byHost = await ProbeAsync(docker, new Dictionary<string, string?> { ["DOCKER_HOST"] = "tcp://docker.example.invalid:2376", ["DOCKER_CONTEXT"] = null });
        var byContext = await ProbeAsync(docker, new Dictionary<string, string?> { ["DOCKER_HOST"] = null, ["DOCKER_CONFIG"] = config, ["DOCKER_CONTEXT"] = "far" });

        foreach (var (engine, endpoint) in new[] { (byHost, "tcp://docker.example.invalid:2376"), (byContext, "ssh://modelpack@docker.example.invalid") })
        {
            Assert.True(engine.IsRemote, engine.Reason);
            Assert.Equal(endpoint, engine.Endpoint);
            Assert.Contains(engine.Warnings, w => w.Contains("cannot see", StringComparison.Ordinal) && w.Contains(endpoint, StringComparison.Ordinal));
            var httpBind = StrategySelector.Describe(engine)[2];
            Assert.Contains("cannot see", httpBind.Reason);
            Assert.Contains(endpoint, httpBind.Reason);
        }
    }

    [ToolFact(TestTools.Docker, TestTools.Dockerd, TestTools.Containerd, TestTools.DockerCli, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task The_probe_cache_tells_daemons_apart_by_DOCKER_HOST()
    {
        await fixture.EnsureAsync();
        var cache = new EngineProbeCache();
        var location = new EngineLocation(EngineKind.Docker, TestTools.Require(TestTools.Docker), SettingSource.Parameter, "test");
        var dead = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + fixture.Temp("gone.sock"), ["DOCKER_CONTEXT"] = null };

        var first = await new EngineProbe(ProcessRunner.Instance, cache, environment: fixture.Daemon.Environment).ProbeAsync(location);
        var afterChange = await new EngineProbe(ProcessRunner.Instance, cache, environment: dead).ProbeAsync(location);
        var back = await new EngineProbe(ProcessRunner.Instance, cache, environment: fixture.Daemon.Environment).ProbeAsync(location);

        Assert.Equal(fixture.Daemon.ServerVersion, first.VersionText);
        Assert.Null(afterChange.VersionText);
        Assert.Contains("did not answer", afterChange.Reason);
        Assert.Same(first, back);
    }

    [ToolFact(TestTools.Docker, TestTools.Dockerd, TestTools.Containerd, TestTools.DockerCli, TestTools.DockerRegistry, TestTools.Busybox)]
    public async Task HttpBind_on_docker_is_a_read_only_bind_a_container_reads_every_file_through_and_a_quoted_store_path_works_with_both_CLIs()
    {
        await fixture.EnsureAsync();
        var engine = await ProbeAsync(TestTools.Require(TestTools.Docker), fixture.Daemon.Environment);
        var storeRoot = fixture.Temp("store, \"quoted\"");
        var strategy = new HttpBindStrategy(new StrategyContext(engine, () => ModelStore.Open(storeRoot)));
        using var client = fixture.Setup.Client();
        var artifact = await strategy.PullAsync(ModelReference.Parse(fixture.ModelRef), new PullContext { Client = client }, CancellationToken.None);

        var mount = Assert.Single(await strategy.MountsAsync(artifact, new MountOptions(engine, Destination), CancellationToken.None));
        var read = await fixture.Daemon.RunContainerAsync(new[] { mount.Argument }, RealPodman5StrategyTests.Sha256Sum(RealDockerFixture.Model, Destination));
        var readOld = await fixture.Daemon.RunAsync(DockerDaemon.DebianCli, new[] { "run", "--rm", "--network", "none", mount.Argument, DockerDaemon.BusyboxImage, "/bin/busybox" }.Concat(RealPodman5StrategyTests.Sha256Sum(RealDockerFixture.Model, Destination)).ToArray());
        var write = await fixture.Daemon.RunContainerAsync(new[] { mount.Argument }, "touch", Destination + "/new-file");

        Assert.Equal(("docker", "bind"), (mount.Engine, mount.Type));
        Assert.Equal($"--mount=type=bind,\"src={artifact.Path!.Replace("\"", "\"\"", StringComparison.Ordinal)}\",dst={Destination},readonly", mount.Argument);
        Assert.Equal(Destination + "/model.safetensors", mount.EntryPath);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(RealPodman5StrategyTests.ExpectedSums(RealDockerFixture.Model, Destination), read.Stdout.Trim());
        Assert.True(readOld.Succeeded, readOld.Stderr);
        Assert.Equal(read.Stdout, readOld.Stdout);
        Assert.False(write.Succeeded);
        Assert.Contains("Read-only file system", write.Stdout + write.Stderr);
        Assert.True(await strategy.RemoveAsync(artifact, CancellationToken.None));
    }

    private static Task<EngineInfo> ProbeAsync(string docker, IReadOnlyDictionary<string, string?> environment) =>
        new EngineProbe(ProcessRunner.Instance, new EngineProbeCache(), environment: environment)
            .ProbeAsync(new EngineLocation(EngineKind.Docker, docker, SettingSource.Parameter, "test"), refresh: true);
}
