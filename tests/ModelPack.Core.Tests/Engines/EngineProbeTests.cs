using System;
using System.IO;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Engines;

public sealed class EngineProbeTests : IDisposable
{
    private readonly FaultyEngines fakes = new();
    private readonly EngineProbeCache cache = new();

    [Fact]
    public async Task A_podman_5_7_build_without_the_artifact_command_has_no_artifact_mounts_even_though_help_exits_0()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"), withoutArtifactCommand: true);

        var info = await Probe(podman);

        Assert.True(info.IsUsable);
        Assert.False(info.SupportsArtifacts);
        Assert.True(info.SupportsImageSubpath);
        Assert.Empty(info.Warnings);
        Assert.Contains("has no 'podman artifact' command", info.Reason);
        Assert.Contains("exit code 125", info.Reason);
        Assert.DoesNotContain(fakes.Calls, c => c.Contains("--help"));
    }

    [Fact]
    public async Task A_podman_5_7_dev_build_counts_as_5_7()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0-dev"));

        var info = await Probe(podman);

        Assert.Equal(new Version(5, 7, 0), info.Version);
        Assert.Equal("5.7.0-dev", info.VersionText);
        Assert.True(info.SupportsArtifacts);
    }

    [Fact]
    public async Task A_podman_5_0_never_runs_artifact_and_has_no_subpath()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.0.3"));

        var info = await Probe(podman);

        Assert.True(info.IsUsable);
        Assert.False(info.SupportsArtifacts);
        Assert.False(info.SupportsImageSubpath);
        Assert.Contains("older than 5.7", info.Reason);
        Assert.Contains("needs podman 5.1", info.Reason);
        Assert.Equal(new[] { "podman version --format json" }, fakes.Calls);
    }

    [Fact]
    public async Task A_podman_5_1_has_subpath_but_no_artifacts()
    {
        var info = await Probe(fakes.Podman(FaultyEngines.PodmanVersionJson("5.1.0")));

        Assert.True(info.SupportsImageSubpath);
        Assert.False(info.SupportsArtifacts);
    }

    [Fact]
    public async Task A_remote_podman_is_judged_by_the_older_server()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0", server: "5.0.1"));

        var info = await Probe(podman);

        Assert.Equal(new Version(5, 0, 1), info.Version);
        Assert.False(info.SupportsArtifacts);
        Assert.False(info.SupportsImageSubpath);
        Assert.Contains("client 5.7.0, server 5.0.1", info.Reason);
    }

    [Fact]
    public async Task A_podman_whose_version_command_fails_is_not_usable()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"), versionExit: 125, versionStderr: "Error: unable to connect to Podman socket");

        var info = await Probe(podman);

        Assert.False(info.IsUsable);
        Assert.False(info.SupportsArtifacts);
        Assert.Equal("5.7.0", info.VersionText);
        Assert.Contains("exit code 125", info.Reason);
        Assert.Contains("unable to connect to Podman socket", info.Reason);
    }

    [Fact]
    public async Task A_podman_that_prints_no_json_is_not_usable()
    {
        var podman = fakes.Script("podman", "echo 'Version: 5.7.0'");

        var info = await Probe(podman);

        Assert.False(info.IsUsable);
        Assert.Null(info.Version);
        Assert.Contains("printed no Client.Version", info.Reason);
        Assert.Contains("Version: 5.7.0", info.Reason);
    }

    [Fact]
    public async Task A_podman_that_hangs_is_stopped_at_the_probe_timeout_and_reported()
    {
        var podman = fakes.Script("podman", "sleep 30");
        var probe = new EngineProbe(ProcessRunner.Instance, cache, TimeSpan.FromSeconds(1));

        var info = await probe.ProbeAsync(new EngineLocation(EngineKind.Podman, podman, SettingSource.Default, "test"));

        Assert.False(info.IsUsable);
        Assert.Contains("did not finish within 1 s", info.Reason);
    }

    [Fact]
    public async Task A_docker_command_that_runs_podman_is_treated_as_podman()
    {
        // podman-docker's "docker" forwards to podman, which answers with podman's Client object.
        var docker = fakes.Script("docker", $$"""
            if [ "$1" = version ]; then printf '%s\n' '{"Client":{{FaultyEngines.PodmanClientJson("5.7.1")}}}'; exit 0; fi
            if [ "$1" = artifact ] && [ "$2" = ls ]; then exit 0; fi
            exit 125
            """);

        var info = await Probe(docker, EngineKind.Docker);

        Assert.Equal(EngineKind.Podman, info.Kind);
        Assert.True(info.SupportsArtifacts);
        Assert.Contains("a docker command that runs podman", info.Reason);
    }

    [Fact]
    public async Task Engine_none_runs_nothing()
    {
        var info = await new EngineProbe(new ThrowingRunner(), cache).ProbeAsync(new EngineLocation(EngineKind.None, null, SettingSource.Parameter, "-Engine chose no engine"));

        Assert.Equal(EngineKind.None, info.Kind);
        Assert.False(info.IsUsable);
        Assert.Contains("-Engine chose no engine", info.Reason);
    }

    [Fact]
    public async Task A_second_probe_of_the_same_path_uses_the_cache_and_Refresh_probes_again()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"));

        var first = await Probe(podman);
        var second = await Probe(podman);
        Assert.Same(first, second);
        Assert.Equal(1, fakes.CallCount("podman version"));

        var refreshed = await Probe(podman, refresh: true);
        Assert.NotSame(first, refreshed);
        Assert.Equal(2, fakes.CallCount("podman version"));
        Assert.Equal(2, fakes.CallCount("podman artifact ls"));
        Assert.Same(refreshed, await Probe(podman));
        Assert.Equal(2, fakes.CallCount("podman version"));
    }

    [Fact]
    public async Task The_cache_is_per_path()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"));
        var remote = fakes.Podman(FaultyEngines.PodmanVersionJson("4.9.4"), name: "podman-remote");

        var a = await Probe(podman);
        var b = await Probe(remote);

        Assert.Equal(new Version(5, 7, 0), a.Version);
        Assert.Equal(new Version(4, 9, 4), b.Version);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task Replacing_the_executable_invalidates_its_cache_entry()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("4.9.4"));
        var before = await Probe(podman);
        File.SetLastWriteTimeUtc(podman, DateTime.UtcNow.AddMinutes(-10));
        fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"));

        var after = await Probe(podman);

        Assert.Equal(new Version(4, 9, 4), before.Version);
        Assert.Equal(new Version(5, 7, 0), after.Version);
        Assert.Equal(2, fakes.CallCount("podman version"));
    }

    private Task<EngineInfo> Probe(string path, EngineKind kind = EngineKind.Podman, bool refresh = false) =>
        new EngineProbe(ProcessRunner.Instance, cache).ProbeAsync(new EngineLocation(kind, path, SettingSource.Default, "test"), refresh);

    public void Dispose() => fakes.Dispose();

    private sealed class ThrowingRunner : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(string file, System.Collections.Generic.IReadOnlyList<string> args, string? stdin, System.Collections.Generic.IDictionary<string, string?>? env, TimeSpan timeout, System.Threading.CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No process may run for engine none.");
    }
}
