using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A real podman (a launcher of ../shared/tools or Debian's 4.3.1) with everything it writes in a temp dir: its
/// storage (vfs, so nothing stays mounted) and runroot through CONTAINERS_STORAGE_CONF, runc's state through
/// <c>--runtime-flag root=</c>, image copies through TMPDIR, and a registries.conf (CONTAINERS_REGISTRIES_CONF)
/// with no search registries that marks only the given test registries insecure. <see cref="Environment"/> is
/// what the module's podman calls get (through StrategyContext, or the session's process environment).
/// Containers run with <c>--network none</c>. Dispose removes containers, artifacts and images and the dir.
/// </summary>
public sealed class PodmanSandbox : IDisposable
{
    /// <summary>The image <see cref="ImportBusyboxAsync"/> makes: /bin/busybox from busybox-static, nothing else.</summary>
    public const string BusyboxImage = "localhost/modelpack-busybox:1";

    private readonly TempDirectory dir;
    private bool disposed;

    /// <param name="tool">A <see cref="TestTools"/> podman: <see cref="TestTools.Podman57"/>, <see cref="TestTools.Podman58"/> or <see cref="TestTools.Podman43"/>.</param>
    /// <param name="insecureRegistries">host:port of registries podman may reach over plain HTTP.</param>
    public PodmanSandbox(string tool, params string[] insecureRegistries)
    {
        Tool = tool;
        Executable = TestTools.Require(tool);
        dir = new TempDirectory("modelpack-" + tool);
        var registries = "unqualified-search-registries = []\n" + string.Concat(insecureRegistries.Select(r => $"\n[[registry]]\nlocation = \"{r}\"\ninsecure = true\n"));
        Directory.CreateDirectory(dir.Combine("tmp"));
        Environment = new Dictionary<string, string?>
        {
            ["CONTAINERS_STORAGE_CONF"] = dir.Write("storage.conf", $"[storage]\ndriver = \"vfs\"\ngraphroot = \"{dir.Combine("graphroot")}\"\nrunroot = \"{dir.Combine("runroot")}\"\n"),
            ["CONTAINERS_REGISTRIES_CONF"] = dir.Write("registries.conf", registries),
            ["TMPDIR"] = dir.Combine("tmp"),
            ["PODMAN_IGNORE_CGROUPSV1_WARNING"] = "1",
        };
    }

    public string Tool { get; }

    /// <summary>The launcher (or /usr/bin/podman) the module is pointed at.</summary>
    public string Executable { get; }

    /// <summary>Debian's podman 4.3.1 needs runc and ulimits spelt out (see the tools README).</summary>
    public bool IsPodman43 => Tool == TestTools.Podman43;

    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The storage's graphroot (podman's artifact store is its 'artifacts' folder).</summary>
    public string GraphRoot => dir.Combine("graphroot");

    /// <summary>A file in the sandbox's dir (not created).</summary>
    public string File(string name) => dir.File(name);

    /// <summary>This sandbox's environment plus a registries.conf that marks nothing insecure: what a host without the test's configuration has.</summary>
    public IReadOnlyDictionary<string, string?> WithoutInsecureRegistries() =>
        new Dictionary<string, string?>(Environment) { ["CONTAINERS_REGISTRIES_CONF"] = dir.Write("registries-none.conf", "unqualified-search-registries = []\n") };

    public Task<ProcessResult> RunAsync(params string[] args) => RunAsync(Environment, args);

    public Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        ProcessRunner.Instance.RunAsync(Executable, args, null, new Dictionary<string, string?>(environment), TimeSpan.FromMinutes(3), CancellationToken.None);

    /// <summary>Runs podman and fails the test unless it succeeds; returns its standard output.</summary>
    public async Task<string> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.Succeeded, $"podman {string.Join(" ", args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Imports the one-file busybox image from /bin/busybox (busybox-static).</summary>
    public async Task ImportBusyboxAsync()
    {
        var tar = dir.File("busybox.tar");
        using (var file = System.IO.File.Create(tar))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            ImageBuilder.Directory(writer, "bin/");
            ImageBuilder.File(writer, "bin/busybox", System.IO.File.ReadAllBytes(TestTools.Require(TestTools.Busybox)), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        await RunOkAsync("import", "--quiet", tar, BusyboxImage);
    }

    /// <summary>
    /// <c>podman run --rm --network none MOUNTS... busybox /bin/busybox COMMAND...</c>, each mount argument exactly as
    /// given (one argv element each, as a user passes <c>$mount.Argument</c>).
    /// </summary>
    public Task<ProcessResult> RunContainerAsync(IEnumerable<string> mountArguments, params string[] command)
    {
        var args = new List<string> { "--runtime-flag", "root=" + dir.Combine("runc"), "run", "--rm", "--pull=never", "--network", "none" };
        if (IsPodman43)
        {
            args.AddRange(new[] { "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024" });
        }

        args.AddRange(mountArguments);
        args.Add(BusyboxImage);
        args.Add("/bin/busybox");
        args.AddRange(command);
        return RunAsync(args.ToArray());
    }

    /// <summary>The module's probe of this podman, run with this sandbox's environment, from a fresh cache.</summary>
    public Task<EngineInfo> ProbeAsync() =>
        new EngineProbe(ProcessRunner.Instance, new EngineProbeCache(), environment: Environment)
            .ProbeAsync(new EngineLocation(EngineKind.Podman, Executable, SettingSource.Parameter, "the test's " + Tool), refresh: true);

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            RunAsync("rm", "--all", "--force").GetAwaiter().GetResult();
            RunAsync("rmi", "--all", "--force").GetAwaiter().GetResult();
        }
        finally
        {
            dir.Dispose();
        }
    }
}
