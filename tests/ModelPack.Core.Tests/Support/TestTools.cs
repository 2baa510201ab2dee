using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// Where the real tools the tests run are: the launchers of ../shared/tools/install.sh (pwsh-7.6, pwsh-7.4,
/// podman-5.7, podman-5.8 in /opt/modelpack-tools/bin, or MODELPACK_TOOLS_BIN), Debian's podman 4.3.1, dockerd,
/// containerd, skopeo, docker-registry and tmux. A test that needs one uses <see cref="ToolFactAttribute"/> or
/// <see cref="ToolTheoryAttribute"/>: where the tool is absent it is skipped with the reason, except in CI
/// (<c>CI=true</c>), where it runs and fails, because CI always installs every tool.
/// </summary>
public static class TestTools
{
    public const string Pwsh76 = "pwsh-7.6";
    public const string Pwsh74 = "pwsh-7.4";
    public const string Podman57 = "podman-5.7";
    public const string Podman58 = "podman-5.8";
    public const string Quadlet57 = "quadlet-5.7";
    public const string Quadlet58 = "quadlet-5.8";

    /// <summary>Debian 12's podman 4.3.1 (apt), always at this path.</summary>
    public const string Podman43 = "podman-4.3";
    public const string Dockerd = "dockerd";
    public const string Containerd = "containerd";

    /// <summary>Debian's docker CLI 20.10 (the daemon's own version; a newer CLI may be first on PATH).</summary>
    public const string DockerCli = "docker-20.10";

    /// <summary>The docker CLI first on PATH (28.x here, newer than the daemon), as a user would run it.</summary>
    public const string Docker = "docker";
    public const string Skopeo = "skopeo";
    public const string DockerRegistry = "docker-registry";
    public const string Tmux = "tmux";
    public const string Busybox = "busybox";

    /// <summary>mount(8) run as root, for the small tmpfs of the free-space tests (<see cref="SmallFileSystem"/>).</summary>
    public const string TmpfsMount = "mount-as-root";

    /// <summary>mkfs.btrfs (btrfs-progs), for the loop-mounted file system of the reflink tests (<see cref="ReflinkFileSystem"/>).</summary>
    public const string MkfsBtrfs = "mkfs.btrfs";

    private static readonly Dictionary<string, string[]> FixedPaths = new(StringComparer.Ordinal)
    {
        [Podman43] = new[] { "/usr/bin/podman" },
        [DockerCli] = new[] { "/usr/bin/docker" },
        [Busybox] = new[] { "/bin/busybox" },
        [Dockerd] = new[] { "/usr/sbin/dockerd", "/usr/bin/dockerd" },
        [Containerd] = new[] { "/usr/bin/containerd" },
        [MkfsBtrfs] = new[] { "/usr/sbin/mkfs.btrfs", "/sbin/mkfs.btrfs", "/usr/bin/mkfs.btrfs" },
    };

    private static readonly Dictionary<string, string> QuadletArchives = new(StringComparer.Ordinal)
    {
        [Quadlet57] = "podman-5.7.1",
        [Quadlet58] = "podman-5.8.2",
    };

    /// <summary>True when running in CI, where a missing tool is a failure, not a skip.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder of the launchers: MODELPACK_TOOLS_BIN, else /opt/modelpack-tools/bin.</summary>
    public static string LauncherDirectory =>
        Environment.GetEnvironmentVariable("MODELPACK_TOOLS_BIN") is { Length: > 0 } bin ? bin : "/opt/modelpack-tools/bin";

    /// <summary>The full path of a tool, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        if (name == TmpfsMount)
        {
            return geteuid() == 0 ? new[] { "/usr/bin/mount", "/bin/mount" }.FirstOrDefault(File.Exists) : null;
        }

        if (FixedPaths.TryGetValue(name, out var fixedPaths))
        {
            return fixedPaths.FirstOrDefault(File.Exists);
        }

        if (QuadletArchives.TryGetValue(name, out var archive))
        {
            var quadlet = Path.Combine(Path.GetDirectoryName(LauncherDirectory) ?? "/", archive, "libexec", "podman", "quadlet");
            return File.Exists(quadlet) ? quadlet : null;
        }

        var launcher = Path.Combine(LauncherDirectory, name);
        if (File.Exists(launcher))
        {
            return launcher;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The full path of a tool; fails the test with what to install when it is absent.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new Xunit.Sdk.XunitException($"'{name}' is not installed: {InstallHint(name)}");

    /// <summary>Why a test that needs these tools cannot run here, or null when all are present.</summary>
    public static string? SkipReason(IEnumerable<string> names) => SkipReason(names, InCi);

    /// <summary>Why a test that needs these tools cannot run here (never in CI), or null when all are present.</summary>
    public static string? SkipReason(IEnumerable<string> names, bool inCi)
    {
        var missing = names.Where(n => Find(n) is null).ToList();
        if (missing.Count == 0 || inCi)
        {
            return null;
        }

        return "needs " + string.Join(", ", missing.Select(m => $"{m} ({InstallHint(m)})"));
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    private static string InstallHint(string name) => name switch
    {
        Pwsh76 or Pwsh74 or Podman57 or Podman58 or Quadlet57 or Quadlet58 => "../shared/tools/install.sh",
        Podman43 => "apt-get install podman runc",
        Dockerd or Containerd or DockerCli or Docker => "apt-get install docker.io",
        DockerRegistry => "apt-get install docker-registry",
        Busybox => "apt-get install busybox-static",
        TmpfsMount => "run the tests as root: they mount a small tmpfs for the free-space checks and a loop btrfs for the reflink ones",
        MkfsBtrfs => "apt-get install btrfs-progs",
        _ => "apt-get install " + name,
    };
}

/// <summary>A fact that needs real tools: skipped with the reason where one is absent, run (and failing) in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        Tools = tools;
        if (TestTools.SkipReason(tools) is { } reason)
        {
            Skip = reason;
        }
    }

    public IReadOnlyList<string> Tools { get; }
}

/// <summary>A theory that needs real tools: skipped with the reason where one is absent, run (and failing) in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools)
    {
        Tools = tools;
        if (TestTools.SkipReason(tools) is { } reason)
        {
            Skip = reason;
        }
    }

    public IReadOnlyList<string> Tools { get; }
}
