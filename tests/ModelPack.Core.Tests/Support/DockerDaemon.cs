using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A private Docker engine from Debian's docker.io: its own containerd (root, state and sockets in a temp dir,
/// the cri plugin disabled) and a dockerd with its own data root, exec root, pid file, config file, trust key and socket,
/// no iptables, no bridge and no IP forwarding, on the vfs storage driver (nothing to unmount), plus a busybox image imported
/// from busybox-static. Start it once per test collection (it takes seconds); <see cref="Environment"/>
/// (DOCKER_HOST=unix://SOCK) points any docker CLI at it. Dispose stops both daemons and deletes the dir.
/// </summary>
public sealed class DockerDaemon : IDisposable
{
    public const string BusyboxImage = "modelpack-busybox:1";

    private readonly TempDirectory dir;
    private readonly List<Process> daemons = new();
    private bool disposed;

    private DockerDaemon(TempDirectory dir)
    {
        this.dir = dir;
        Socket = dir.Combine("docker.sock");
        Environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + Socket, ["DOCKER_CONTEXT"] = null, ["DOCKER_CONFIG"] = dir.Combine("docker-config") };
    }

    public string Socket { get; }

    /// <summary>DOCKER_HOST for this daemon, no context, and a client config dir of its own.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The daemon's version, as it reported it ("20.10.24+dfsg1").</summary>
    public string ServerVersion { get; private set; } = string.Empty;

    /// <summary>Debian's docker CLI (the daemon's own version), not the newer one first on PATH.</summary>
    public static string DebianCli => TestTools.Require(TestTools.DockerCli);

    public static async Task<DockerDaemon> StartAsync()
    {
        var dir = new TempDirectory("modelpack-dockerd");
        var daemon = new DockerDaemon(dir);
        try
        {
            await daemon.StartDaemonsAsync();
            await daemon.ImportBusyboxAsync();
            return daemon;
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

    /// <summary>Runs a docker CLI (default: the one first on PATH) against this daemon.</summary>
    public Task<ProcessResult> RunAsync(string? cli, params string[] args) =>
        ProcessRunner.Instance.RunAsync(cli ?? TestTools.Require(TestTools.Docker), args, null, new Dictionary<string, string?>(Environment), TimeSpan.FromMinutes(2), CancellationToken.None);

    /// <summary><c>docker run --rm --network none MOUNTS... busybox /bin/busybox COMMAND...</c>, each mount argument as given.</summary>
    public Task<ProcessResult> RunContainerAsync(IEnumerable<string> mountArguments, params string[] command)
    {
        var args = new List<string> { "run", "--rm", "--network", "none" };
        args.AddRange(mountArguments);
        args.Add(BusyboxImage);
        args.Add("/bin/busybox");
        args.AddRange(command);
        return RunAsync(null, args.ToArray());
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var process in Enumerable.Reverse(daemons))
        {
            Stop(process);
        }

        UnmountUnder(dir.Path);
        dir.Dispose();
    }

    private async Task StartDaemonsAsync()
    {
        var containerdSocket = dir.Combine("containerd.sock");
        var config = dir.Write("containerd.toml", $"""
            version = 2
            root = "{dir.Combine("containerd-root")}"
            state = "{dir.Combine("containerd-state")}"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]

            [grpc]
              address = "{containerdSocket}"

            [ttrpc]
              address = "{containerdSocket}.ttrpc"

            [debug]
              address = ""

            [plugins."io.containerd.internal.v1.opt"]
              path = "{dir.Combine("containerd-opt")}"
            """);
        Launch(TestTools.Require(TestTools.Containerd), "containerd.log", "--config", config);
        await WaitForAsync(() => File.Exists(containerdSocket), "containerd", "containerd.log");

        // Its own config file, and its trust key (which dockerd 20.10 otherwise creates as /etc/docker/key.json) in the dir.
        var daemonConfig = dir.Write("daemon.json", "{\"deprecated-key-path\": \"" + dir.Combine("key.json") + "\"}");
        Launch(
            TestTools.Require(TestTools.Dockerd),
            "dockerd.log",
            "--config-file", daemonConfig,
            "--data-root", dir.Combine("data"),
            "--exec-root", dir.Combine("exec"),
            "--pidfile", dir.Combine("dockerd.pid"),
            "-H", "unix://" + Socket,
            "--containerd", containerdSocket,
            "--iptables=false",
            "--ip6tables=false",
            "--ip-forward=false",
            "--bridge=none",
            "--storage-driver", "vfs",
            "--log-level", "warn");

        string? version = null;
        await WaitForAsync(
            () =>
            {
                if (!File.Exists(Socket))
                {
                    return false;
                }

                var answer = RunAsync(DebianCli, "version", "--format", "{{.Server.Version}}").GetAwaiter().GetResult();
                version = answer.Succeeded ? answer.Stdout.Trim() : null;
                return !string.IsNullOrEmpty(version);
            },
            "dockerd",
            "dockerd.log");
        ServerVersion = version!;
    }

    private async Task ImportBusyboxAsync()
    {
        var tar = dir.File("busybox.tar");
        using (var file = File.Create(tar))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            ImageBuilder.Directory(writer, "bin/");
            ImageBuilder.File(writer, "bin/busybox", File.ReadAllBytes(TestTools.Require(TestTools.Busybox)), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var imported = await RunAsync(DebianCli, "import", tar, BusyboxImage);
        Assert.True(imported.Succeeded, "docker import failed: " + imported.Stderr);
    }

    private void Launch(string file, string log, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + file);
        daemons.Add(process);
        var writer = new StreamWriter(dir.File(log)) { AutoFlush = true };
        var gate = new object();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    writer.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Polls until <paramref name="ready"/> (a daemon answers), failing with its log when it exits or takes minutes.</summary>
    private async Task WaitForAsync(Func<bool> ready, string name, string log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!ready())
        {
            if (daemons.Any(d => d.HasExited) || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{name} did not start: " + ReadLog(log));
            }

            await Task.Delay(100);
        }
    }

    private string ReadLog(string log)
    {
        try
        {
            using var stream = new FileStream(dir.File(log), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                // SIGTERM lets dockerd stop its containers and containerd its shims; kill what is left.
                using (var term = Process.Start("kill", new[] { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
                {
                    term?.WaitForExit();
                }

                if (!process.WaitForExit(20_000))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5_000);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Unmounts whatever the daemons left mounted under <paramref name="root"/> (deepest first), so the dir can be deleted.</summary>
    private static void UnmountUnder(string root)
    {
        if (!File.Exists("/proc/self/mountinfo"))
        {
            return;
        }

        var prefix = root.TrimEnd('/') + "/";
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => f[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(p => p.Length)
            .ToList();
        foreach (var mount in mounts)
        {
            using var umount = Process.Start("umount", new[] { "-l", mount });
            umount?.WaitForExit();
        }
    }
}
