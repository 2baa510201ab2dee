using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// The module's probe of each real engine, made once per test process, for tests that judge strategies against
/// what a real engine answers: a podman (5.7, 5.8, 4.3) probed over an empty sandbox that is deleted right after,
/// and the docker CLI on PATH pointed at a socket where no daemon listens (what it says then is all that selection
/// needs). Tests that run podman commands afterwards use a <see cref="PodmanSandbox"/> of their own.
/// </summary>
public static class RealEngines
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<EngineInfo>>> Probes = new(StringComparer.Ordinal);

    public static Task<EngineInfo> PodmanAsync(string tool) =>
        Probes.GetOrAdd(tool, t => new Lazy<Task<EngineInfo>>(async () =>
        {
            using var sandbox = new PodmanSandbox(t);
            return await sandbox.ProbeAsync();
        })).Value;

    /// <summary>The docker CLI first on PATH whose DOCKER_HOST names a socket nothing listens on (in a folder that does not exist).</summary>
    public static Task<EngineInfo> DockerWithoutDaemonAsync() =>
        Probes.GetOrAdd("docker-without-daemon", _ => new Lazy<Task<EngineInfo>>(() =>
        {
            var socket = Path.Combine(Path.GetTempPath(), "modelpack-no-daemon-" + Guid.NewGuid().ToString("N")[..12], "docker.sock");
            var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + socket, ["DOCKER_CONTEXT"] = null };
            return new EngineProbe(ProcessRunner.Instance, new EngineProbeCache(), environment: environment)
                .ProbeAsync(new EngineLocation(EngineKind.Docker, TestTools.Require(TestTools.Docker), SettingSource.Default, "found on PATH"));
        })).Value;
}
