using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>
/// The real podman 4.3.1 (apt podman, runc) with its own storage (vfs, so nothing stays mounted) under a temp
/// dir, named by CONTAINERS_STORAGE_CONF, and a registries.conf with no search registries and nothing marked
/// insecure, named by CONTAINERS_REGISTRIES_CONF. The variables go into the test session's environment, so
/// the module's podman calls use this storage too. Dispose removes containers and images and deletes it all.
/// </summary>
public sealed class IsolatedPodman : IDisposable
{
    public const string PodmanPath = "/usr/bin/podman";
    private const string BusyboxPath = "/bin/busybox";

    private readonly TempDirectory _dir = new("modelpack-ps-podman");

    public IsolatedPodman()
    {
        Assert.True(File.Exists(PodmanPath), "podman is not installed: apt-get install -y podman runc");
        Assert.True(File.Exists(BusyboxPath), "busybox-static is not installed: apt-get install -y busybox-static");
        Environment = new Dictionary<string, string?>
        {
            ["CONTAINERS_STORAGE_CONF"] = _dir.Write("storage.conf", $"[storage]\ndriver = \"vfs\"\ngraphroot = \"{_dir.File("graphroot")}\"\nrunroot = \"{_dir.File("runroot")}\"\n"),
            ["CONTAINERS_REGISTRIES_CONF"] = _dir.Write("registries.conf", "unqualified-search-registries = []\n"),
        };
    }

    public Dictionary<string, string?> Environment { get; }

    /// <summary>A layer with /bin/busybox, for images whose containers run commands.</summary>
    public static void BusyboxLayer(TarWriter writer)
    {
        ImageBuilder.Directory(writer, "bin/");
        ImageBuilder.File(writer, "bin/busybox", File.ReadAllBytes(BusyboxPath), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public Task<ProcessResult> RunAsync(params string[] args) =>
        ProcessRunner.Instance.RunAsync(PodmanPath, args, null, Environment, TimeSpan.FromSeconds(120), CancellationToken.None);

    /// <summary><c>podman run --rm --runtime runc --network none --ulimit ... MOUNT IMAGE /bin/busybox COMMAND...</c>, the mount argument as given.</summary>
    public Task<ProcessResult> RunWithMountAsync(string mountArgument, string image, params string[] command)
    {
        var args = new List<string> { "run", "--rm", "--pull=never", "--runtime", "runc", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", mountArgument, image, "/bin/busybox" };
        args.AddRange(command);
        return RunAsync(args.ToArray());
    }

    public void Dispose()
    {
        try
        {
            RunAsync("rm", "--all", "--force").GetAwaiter().GetResult();
            RunAsync("rmi", "--all", "--force").GetAwaiter().GetResult();
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
