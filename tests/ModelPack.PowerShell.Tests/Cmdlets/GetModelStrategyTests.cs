using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ModelPack.Core.Engines;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// Get-ModelStrategy end to end in a hosted runspace, with the real docker CLI (no daemon: <see cref="RealDockerCmdletTests"/>
/// runs one), no engine, the real podman 4.3.1, and a stand-in docker that counts how often it is asked.
/// </summary>
// The cmdlets read MODELPACK_* process variables, which the store tests set: never at the same time.
[Collection(StoreCollection.Name)]
public sealed class GetModelStrategyTests : IDisposable
{
    private readonly PowerShellSession ps = new();
    private readonly string dir = Path.Combine(Path.GetTempPath(), "modelpack-get-strategy-" + Guid.NewGuid().ToString("N")[..12]);

    public GetModelStrategyTests()
    {
        Directory.CreateDirectory(Path.Combine(dir, "bin"));
    }

    private string CallLog => Path.Combine(dir, "calls.log");

    [ToolFact(TestTools.Docker)]
    public void With_docker_only_HttpBind_is_available_each_reason_says_why_and_a_daemon_that_does_not_answer_is_a_warning()
    {
        var docker = TestTools.Require(TestTools.Docker);

        var result = ps.Run("param($e, $h) $env:DOCKER_HOST = $h; try { Get-ModelStrategy -Engine $e -Refresh } finally { $env:DOCKER_HOST = $null }", new Dictionary<string, object?> { ["e"] = docker, ["h"] = "unix://" + Path.Combine(dir, "no-daemon.sock") });
        var strategies = result.Output.Select(o => (StrategyInfo)o.BaseObject).ToList();

        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind }, strategies.Select(s => s.Name));
        Assert.Equal(new[] { 1, 2, 3 }, strategies.Select(s => s.Order));
        Assert.Equal(new[] { false, false, true }, strategies.Select(s => s.Available));
        Assert.All(strategies, s => Assert.Equal((EngineKind.Docker, (Version?)null, docker), (s.Engine, s.Version, s.EnginePath)));
        Assert.Contains("found docker CLI ", strategies[0].Reason);
        Assert.Contains("did not answer", strategies[2].Reason);
        Assert.Contains(result.Warnings, w => w.Contains("did not answer", StringComparison.Ordinal));
    }

    [Fact]
    public void Engine_none_leaves_HttpBind_which_needs_no_engine()
    {
        var strategies = Run("Get-ModelStrategy -Engine none");

        Assert.Equal(new[] { false, false, true }, strategies.Select(s => s.Available));
        Assert.All(strategies, s => Assert.Equal(EngineKind.None, s.Engine));
        Assert.Contains("no engine is needed", strategies[2].Reason);
    }

    [Fact]
    public void The_probe_is_cached_for_the_session_and_Refresh_probes_again()
    {
        var docker = FakeDocker("28.2.2");

        Run("param($e) Get-ModelStrategy -Engine $e", docker);
        Run("param($e) Get-ModelStrategy -Engine $e", docker);
        var cached = File.ReadAllLines(CallLog).Length;
        Run("param($e) Get-ModelStrategy -Engine $e -Refresh", docker);

        Assert.Equal(2, cached); // version and context inspect, once
        Assert.Equal(4, File.ReadAllLines(CallLog).Length);
    }

    [ToolFact(TestTools.Podman43)]
    public void The_real_podman_4_3_1_offers_PodmanImage_but_not_PodmanArtifact()
    {

        using var sandbox = new PodmanSandbox(TestTools.Podman43);
        var strategies = ps.RunOk(
            "param($s) $env:CONTAINERS_STORAGE_CONF = $s; try { Get-ModelStrategy -Engine /usr/bin/podman -Refresh } finally { $env:CONTAINERS_STORAGE_CONF = $null }",
            new Dictionary<string, object?> { ["s"] = sandbox.Environment["CONTAINERS_STORAGE_CONF"] }).Select(o => (StrategyInfo)o.BaseObject).ToList();

        Assert.Equal(new[] { false, true, true }, strategies.Select(s => s.Available));
        Assert.Contains("4.3.1 < 5.7", strategies[0].Reason);
        Assert.Contains("no subpath", strategies[1].Reason);
    }

    [Fact]
    public void An_engine_that_does_not_exist_is_a_ContainerEngineNotFound_error()
    {
        var missing = Path.Combine(dir, "bin", "docker-missing");

        var result = ps.Run("param($e) Get-ModelStrategy -Engine $e", new Dictionary<string, object?> { ["e"] = missing });

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("ContainerEngineNotFound,ModelPack.Cmdlets.GetModelStrategyCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(missing, error.TargetObject);
        Assert.Empty(result.Output);
    }

    public void Dispose()
    {
        ps.Dispose();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private List<StrategyInfo> Run(string script, string? engine = null) =>
        ps.RunOk(script, engine is null ? null : new Dictionary<string, object?> { ["e"] = engine }).Select(o => (StrategyInfo)o.BaseObject).ToList();

    /// <summary>
    /// A stand-in docker (a /bin/sh script) that logs each call, to count probes: `docker version --format {{json .}}`
    /// answers like docker 28 whose daemon is down, `docker context inspect` names a local socket.
    /// </summary>
    private string FakeDocker(string version)
    {
        var client = "{\"Client\":{\"Version\":\"" + version + "\",\"ApiVersion\":\"1.50\",\"Os\":\"linux\",\"Arch\":\"amd64\",\"Context\":\"default\"},\"Server\":null}";
        var source = Path.Combine(dir, "docker.src");
        File.WriteAllText(source, $$$"""
            #!/bin/sh
            echo "docker $*" >> '{{{CallLog}}}'
            if [ "$1" = version ] && [ "$2" = --format ] && [ "$3" = '{{json .}}' ]; then
              printf '%s\n' '{{{client}}}'
              exit 1
            fi
            if [ "$1" = context ] && [ "$2" = inspect ]; then
              echo '"unix:///nonexistent/docker.sock"'
              exit 0
            fi
            exit 1
            """);
        var path = Path.Combine(dir, "bin", "docker");

        // Copied by cp rather than written here: a file this process has open for writing cannot be executed
        // by a child forked meanwhile ("Text file busy").
        using (var copy = Process.Start(new ProcessStartInfo("/bin/cp", new[] { source, path }) { UseShellExecute = false })!)
        {
            copy.WaitForExit();
            Assert.Equal(0, copy.ExitCode);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
