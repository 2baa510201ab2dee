using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// The module's probe of each real engine, made once per test process, for tests that judge strategies against
/// what a real engine answers: a podman (5.7, 5.8, 4.3) over an empty store of its own, and the docker CLI on PATH
/// pointed at a socket where no daemon listens (what it says then is all that selection needs). The stores are
/// deleted when the process exits.
/// </summary>
public static class RealEngines
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<EngineInfo>>> Probes = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, PodmanSandbox> Sandboxes = new(StringComparer.Ordinal);
    private static readonly List<IDisposable> Owned = new();

    static RealEngines()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (Owned)
            {
                foreach (var owned in Owned)
                {
                    owned.Dispose();
                }
            }
        };
    }

    public static Task<EngineInfo> PodmanAsync(string tool) =>
        Probes.GetOrAdd(tool, t => new Lazy<Task<EngineInfo>>(async () =>
        {
            var sandbox = new PodmanSandbox(t);
            lock (Owned)
            {
                Owned.Add(sandbox);
            }

            Sandboxes[t] = sandbox;
            return await sandbox.ProbeAsync();
        })).Value;

    /// <summary>The environment of the sandbox <see cref="PodmanAsync"/> probed (call that first): what the strategies' podman commands need.</summary>
    public static IReadOnlyDictionary<string, string?> PodmanEnvironment(string tool) => Sandboxes[tool].Environment;

    /// <summary>The docker CLI first on PATH whose DOCKER_HOST names a socket nothing listens on.</summary>
    public static Task<EngineInfo> DockerWithoutDaemonAsync() =>
        Probes.GetOrAdd("docker-without-daemon", _ => new Lazy<Task<EngineInfo>>(() =>
        {
            var dir = new TempDirectory("modelpack-no-daemon");
            lock (Owned)
            {
                Owned.Add(dir);
            }

            var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + dir.Combine("docker.sock"), ["DOCKER_CONTEXT"] = null };
            return new EngineProbe(ProcessRunner.Instance, new EngineProbeCache(), environment: environment)
                .ProbeAsync(new EngineLocation(EngineKind.Docker, TestTools.Require(TestTools.Docker), SettingSource.Default, "found on PATH"));
        })).Value;
}
