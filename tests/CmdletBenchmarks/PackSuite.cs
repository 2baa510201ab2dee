using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>
/// <c>New-ModelArtifact</c> of a folder with one 1 GiB weight file, timed inside pwsh around the cmdlet (progress on,
/// in a terminal), against <c>sha256sum</c> followed by <c>cp</c> of the same file (and followed by <c>sync</c> too: the
/// pack flushes each layer before it is stored). The source is in the page cache for both. Where the benchmark runs as
/// root with mkfs.btrfs installed, the same again on a loop-mounted btrfs, where the pack clones the file (and cp,
/// coreutils 9, clones it too).
/// </summary>
internal static class PackSuite
{
    public static async Task<bool> RunAsync(string work, int runs, long sizeMiB)
    {
        var ok = await CompareAsync(Path.Combine(work, "pack"), runs, sizeMiB, "this machine's file system");
        if (Environment.UserName == "root" && File.Exists("/usr/sbin/mkfs.btrfs"))
        {
            var image = Path.Combine(work, "btrfs.img");
            var mount = Path.Combine(work, "btrfs");
            using (var file = new FileStream(image, FileMode.CreateNew))
            {
                file.SetLength(sizeMiB * 4 * 1024 * 1024 + (512L << 20));
            }

            Directory.CreateDirectory(mount);
            await RunAsync("/usr/sbin/mkfs.btrfs", "-q", image);
            await RunAsync("mount", "-o", "loop", image, mount);
            try
            {
                await CompareAsync(mount, runs, sizeMiB, "a loop-mounted btrfs (reflinks)");
            }
            finally
            {
                await RunAsync("umount", "-l", mount);
            }
        }
        else
        {
            Console.WriteLine("  (btrfs comparison skipped: it needs root and mkfs.btrfs, apt-get install btrfs-progs)");
        }

        return ok;
    }

    private static async Task<bool> CompareAsync(string dir, int runs, long sizeMiB, string where)
    {
        Console.WriteLine();
        Console.WriteLine($"== New-ModelArtifact of 1 x {sizeMiB} MiB on {where}, best of {runs}");
        var source = Path.Combine(dir, "source");
        Directory.CreateDirectory(source);
        var weights = Path.Combine(source, "model.safetensors");
        WriteRandom(weights, sizeMiB);
        await File.WriteAllTextAsync(Path.Combine(source, "config.json"), "{\"architectures\":[\"Bench\"]}");
        var copy = new List<double>();
        var copySync = new List<double>();
        var pack = new List<PwshRun>();
        var script = $"Import-Module $module\n$sw = [Diagnostics.Stopwatch]::StartNew()\n$null = New-ModelArtifact -Path {Pwsh.Quote(source)} -Reference registry.example/bench/pack:v1 -Name pack\nAdd-Content -LiteralPath $result \"result pack=$($sw.Elapsed.TotalSeconds)\"\n";
        var target = Path.Combine(dir, "copy.bin");
        var contenders = new (string Name, Func<Task> Run)[]
        {
            ("sha256sum + cp", async () => copy.Add(await ShellAsync($"sha256sum '{weights}' >/dev/null && cp '{weights}' '{target}'", target))),
            ("sha256sum + cp + sync", async () => copySync.Add(await ShellAsync($"sha256sum '{weights}' >/dev/null && cp '{weights}' '{target}' && sync '{target}'", target))),
            ("New-ModelArtifact", async () =>
            {
                var store = Path.Combine(dir, "store");
                Environment.SetEnvironmentVariable("MODELPACK_STORE", store);
                pack.Add(await Pwsh.RunAsync(dir, script));
                Environment.SetEnvironmentVariable("MODELPACK_STORE", null);
                Directory.Delete(store, recursive: true);
            }),
        };
        await CmdletSuite.Alternate(contenders, runs);
        var baseline = await Pwsh.RunAsync(dir, "Import-Module $module\n");
        Directory.Delete(source, recursive: true);

        var best = pack.Min(r => r["pack"]);
        var ratio = copy.Min() / best;
        var growth = pack.Max(r => r.PeakKilobytes) - baseline.PeakKilobytes;
        Report.Line("sha256sum, then cp", Report.Seconds(copy));
        Report.Line("sha256sum, then cp, then sync FILE", Report.Seconds(copySync));
        Report.Line("New-ModelArtifact (Stopwatch in pwsh)", Report.Seconds(pack.Select(r => r["pack"]).ToList()) + $"   (whole pwsh process best {pack.Min(r => r.Elapsed.TotalSeconds):0.000} s)");
        Report.Line("speed vs sha256sum + cp", $"{ratio:0.00}x (target >= 0.9x)  {Report.Verdict(ratio >= 0.9)}");
        Report.Line("speed vs sha256sum + cp + sync", $"{copySync.Min() / best:0.00}x");
        Report.Line("peak RSS growth over pwsh + Import-Module", $"{Report.MiB(growth)} (target < 150 MiB)  {Report.Verdict(growth < 150 * 1024)}");
        return ratio >= 0.9 && growth < 150 * 1024;
    }

    private static async Task<double> ShellAsync(string command, string created)
    {
        var (elapsed, output, exit) = await Tool.RunAsync("sh", new[] { "-c", command });
        CmdletSuite.Check(exit, output);
        File.Delete(created);
        return elapsed.TotalSeconds;
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var (_, output, exit) = await Tool.RunAsync(file, arguments);
        CmdletSuite.Check(exit, output);
    }

    private static void WriteRandom(string path, long sizeMiB)
    {
        var buffer = new byte[1024 * 1024];
        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        for (var i = 0; i < sizeMiB; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            output.Write(buffer);
        }
    }
}
