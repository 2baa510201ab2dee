using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Transfer;

namespace ModelPack.Benchmarks;

/// <summary>
/// Pull throughput against a local docker-registry: for a 1 GiB single-layer artifact and an 8 x 128 MiB
/// one, the best of N alternating runs of <c>curl -o</c> (the blobs only, 4 in parallel),
/// <c>skopeo copy docker://... dir:</c> and ModelStore.PullAsync (in the PullAgent child process, into a
/// fresh store each time, with the default deferred durability, with durability immediate, and without
/// ranged parts); then the warm re-pull, the peak RSS growth of the pulling process, and the
/// bytes sent again after a pull killed at 50 %. Then the same artifacts through a proxy that caps each
/// connection (<see cref="CappedComparison"/>). Prints the figures and the ratios to the targets.
/// Options: --runs N (3), --big-mib N (1024), --layers N (8), --layer-mib N (128), --cap-mib N (50; 0 skips the
/// capped comparisons), --capped-only, --work DIR.
/// </summary>
internal static class Program
{
    private const double MiB = 1024 * 1024;

    public static async Task<int> Main(string[] args)
    {
        var options = Options(args);
        var runs = int.Parse(options.GetValueOrDefault("--runs", "3"), CultureInfo.InvariantCulture);
        var bigMib = long.Parse(options.GetValueOrDefault("--big-mib", "1024"), CultureInfo.InvariantCulture);
        var layers = int.Parse(options.GetValueOrDefault("--layers", "8"), CultureInfo.InvariantCulture);
        var layerMib = long.Parse(options.GetValueOrDefault("--layer-mib", "128"), CultureInfo.InvariantCulture);
        var capMib = double.Parse(options.GetValueOrDefault("--cap-mib", "50"), CultureInfo.InvariantCulture);
        foreach (var tool in new[] { "docker-registry", "curl", "skopeo" })
        {
            if (!Tool.Exists(tool))
            {
                Console.Error.WriteLine($"'{tool}' is not on PATH; install it (apt-get install {(tool == "docker-registry" ? "docker-registry" : tool)}) and run again.");
                return 2;
            }
        }

        var work = options.GetValueOrDefault("--work", Path.Combine(Path.GetTempPath(), "modelpack-bench-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(work);
        try
        {
            PrintMachine();
            Console.WriteLine($"Load average at the start: {LoadAverage()} (the machine's other work competes for the same cores)");
            using var registry = LocalRegistry.Start(Path.Combine(work, "registry"));
            Console.WriteLine($"Registry at {registry.HostPort}; generating and pushing the artifacts...");
            var artifacts = new[]
            {
                await BenchArtifact.CreateAsync(registry.HostPort, "one", 1, bigMib * 1024 * 1024, work),
                await BenchArtifact.CreateAsync(registry.HostPort, "eight", layers, layerMib * 1024 * 1024, work),
            };

            var ok = true;
            if (!options.ContainsKey("--capped-only"))
            {
                foreach (var artifact in artifacts)
                {
                    ok &= await CompareAsync(registry.HostPort, artifact, runs, work);
                }

                ok &= await CutAndResumeAsync(registry.HostPort, artifacts[0], work);
            }

            if (capMib > 0)
            {
                using var proxy = new ThrottleProxy(registry.HostPort, capMib * MiB);
                foreach (var artifact in artifacts)
                {
                    ok &= await CappedComparison.RunAsync(proxy.HostPort, artifact, runs, capMib, work);
                }
            }

            Console.WriteLine();
            Console.WriteLine($"Load average at the end: {LoadAverage()}");
            return ok ? 0 : 1;
        }
        finally
        {
            if (!options.ContainsKey("--keep"))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task<bool> CompareAsync(string registry, BenchArtifact artifact, int runs, string work)
    {
        var label = $"{artifact.Layers.Count} x {artifact.Layers[0].Layer.Size / MiB:0} MiB";
        Console.WriteLine();
        Console.WriteLine($"== {artifact.Repository} ({label}), best of {runs}");
        var curl = new List<TimeSpan>();
        var curlSync = new List<TimeSpan>();
        var skopeo = new List<TimeSpan>();
        var pull = new List<TimeSpan>();
        var pullImmediate = new List<TimeSpan>();
        var pullOneStream = new List<TimeSpan>();
        var pullProcess = new List<TimeSpan>();
        var cpu = new Dictionary<string, List<TimeSpan>> { ["curl"] = new(), ["skopeo"] = new(), ["pull"] = new() };
        var rssGrowth = new List<long>();
        string? lastStore = null;
        var contenders = new (string Name, Func<int, Task> Run)[]
        {
            ("curl", async run =>
            {
                var dir = Fresh(work, "curl");
                var arguments = new List<string> { "-sS", "--fail", "-Z", "--parallel-max", "4" };
                foreach (var (layer, _) in artifact.Layers)
                {
                    arguments.AddRange(new[] { "-o", Path.Combine(dir, layer.Digest[7..]), $"http://{registry}/v2/{artifact.Repository}/blobs/{layer.Digest}" });
                }

                var (elapsed, output, exit) = await Tool.RunAsync("curl", arguments, measureCpu: true);
                Check(exit, "curl", output);
                curl.Add(elapsed);
                AddCpu(cpu["curl"], output);
                Directory.Delete(dir, true);
            }),
            ("curl + sync", async run =>
            {
                // The same download made durable (fsync of every file, as the store does before publishing).
                var dir = Fresh(work, "curl-sync");
                var arguments = new List<string> { "-sS", "--fail", "-Z", "--parallel-max", "4" };
                var files = new List<string>();
                foreach (var (layer, _) in artifact.Layers)
                {
                    files.Add(Path.Combine(dir, layer.Digest[7..]));
                    arguments.AddRange(new[] { "-o", files[^1], $"http://{registry}/v2/{artifact.Repository}/blobs/{layer.Digest}" });
                }

                var (elapsed, output, exit) = await Tool.RunAsync("curl", arguments);
                Check(exit, "curl", output);
                var (synced, syncOutput, syncExit) = await Tool.RunAsync("sync", files);
                Check(syncExit, "sync", syncOutput);
                curlSync.Add(elapsed + synced);
                Directory.Delete(dir, true);
            }),
            ("skopeo", async run =>
            {
                var dir = Fresh(work, "skopeo");
                var (elapsed, output, exit) = await Tool.RunAsync("skopeo", new[] { "copy", "-q", "--src-tls-verify=false", $"docker://{registry}/{artifact.Repository}:v1", "dir:" + dir }, measureCpu: true);
                Check(exit, "skopeo", output);
                skopeo.Add(elapsed);
                AddCpu(cpu["skopeo"], output);
                Directory.Delete(dir, true);
            }),
            ("pull", async run =>
            {
                if (lastStore is not null)
                {
                    Directory.Delete(lastStore, true);
                }

                lastStore = Fresh(work, "store");
                var agent = await Agent.PullAsync(lastStore, $"{registry}/{artifact.Repository}:v1");
                pull.Add(agent.PullTime);
                pullProcess.Add(agent.ProcessTime);
                rssGrowth.Add(agent.PeakKilobytes - agent.StartKilobytes);
                if (agent.ProcessCpu is TimeSpan used)
                {
                    cpu["pull"].Add(used);
                }
            }),
            ("pull, one stream per layer", async run =>
            {
                // The same pull without ranged parts, in the same run: what the parts cost or gain on this link.
                var store = Fresh(work, "store-one-stream");
                var agent = await Agent.PullAsync(store, $"{registry}/{artifact.Repository}:v1", "--connections-per-blob", "1");
                pullOneStream.Add(agent.PullTime);
                Directory.Delete(store, true);
            }),
            ("pull, durability immediate", async run =>
            {
                // Every blob flushed to disk before it is published: the counterpart of curl + sync.
                var store = Fresh(work, "store-immediate");
                var agent = await Agent.PullAsync(store, $"{registry}/{artifact.Repository}:v1", "--durability", "immediate");
                pullImmediate.Add(agent.PullTime);
                Directory.Delete(store, true);
            }),
        };

        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                var (_, body) = contenders[(i + run) % contenders.Length];
                await Tool.RunAsync("sync", Array.Empty<string>());
                await body(run);
            }
        }

        var warm = await Agent.PullAsync(lastStore!, $"{registry}/{artifact.Repository}:v1");
        Directory.Delete(lastStore!, true);

        var size = artifact.Size;
        Console.WriteLine($"  curl -o (4 parallel)        {Line(curl, size)}{Cpu(cpu["curl"], size)}");
        Console.WriteLine($"  curl -o, then sync FILE...  {Line(curlSync, size)}");
        Console.WriteLine($"  skopeo copy dir:            {Line(skopeo, size)}{Cpu(cpu["skopeo"], size)}");
        Console.WriteLine($"  ModelStore.PullAsync        {Line(pull, size)}{Cpu(cpu["pull"], size)}   (in-process pull; the whole child process took {pullProcess.Min().TotalSeconds:0.000} s)");
        Console.WriteLine($"  the same, immediate         {Line(pullImmediate, size)}   (durability immediate: every blob flushed before it is stored)");
        Console.WriteLine($"  the same, one stream/layer  {Line(pullOneStream, size)}   (connectionsPerBlob 1: no ranged parts)");
        var vsCurl = curl.Min() / pull.Min();
        var vsSkopeo = skopeo.Min() / pull.Min();
        var rss = rssGrowth.Max() / 1024.0;
        Console.WriteLine($"  speed vs curl               {vsCurl:0.00}x   (target >= 0.9x)  {Verdict(vsCurl >= 0.9)}");
        Console.WriteLine($"  immediate vs curl + sync    {curlSync.Min() / pullImmediate.Min():0.00}x   (both wait for the disk)");
        Console.WriteLine($"  parts vs one stream/layer   {pullOneStream.Min() / pull.Min():0.00}x   (uncapped: no regression, >= 0.95x)  {Verdict(pullOneStream.Min() / pull.Min() >= 0.95)}");
        Console.WriteLine($"  speed vs skopeo             {vsSkopeo:0.00}x   (target >= 2.5x)  {Verdict(vsSkopeo >= 2.5)}");
        Console.WriteLine($"  peak RSS growth of the pull {rss:0.0} MiB (target < 150 MiB)  {Verdict(rss < 150)}");
        Console.WriteLine($"  warm re-pull                {warm.PullTime.TotalSeconds:0.000} s (target < 0.5 s; up to date: {warm.UpToDate})  {Verdict(warm.UpToDate && warm.PullTime.TotalSeconds < 0.5)}");
        return vsCurl >= 0.9 && vsSkopeo >= 2.5 && rss < 150 && warm.UpToDate && warm.PullTime.TotalSeconds < 0.5;
    }

    private static async Task<bool> CutAndResumeAsync(string registry, BenchArtifact artifact, string work)
    {
        Console.WriteLine();
        Console.WriteLine($"== {artifact.Repository}: pull killed (SIGKILL) at 50 %, then pulled again");
        var store = Fresh(work, "cut");
        var reference = $"{registry}/{artifact.Repository}:v1";
        var killedAt = await Agent.PullAndKillAsync(store, reference, artifact.Size / 2);
        var resumed = await Agent.PullAsync(store, reference);
        var share = (double)resumed.BytesDownloaded / artifact.Size;
        Console.WriteLine($"  killed after                {killedAt / MiB:0} MiB of {artifact.Size / MiB:0} MiB");
        Console.WriteLine($"  bytes sent again            {resumed.BytesDownloaded / MiB:0} MiB = {share:P1} of the artifact (target <= 55 %)  {Verdict(share <= 0.55)}");
        Directory.Delete(store, true);
        return share <= 0.55;
    }

    internal static string Line(List<TimeSpan> runs, long size)
    {
        var best = runs.Min();
        var sorted = runs.OrderBy(r => r).ToList();
        var median = sorted[sorted.Count / 2];
        return $"{best.TotalSeconds,7:0.000} s  {size / MiB / best.TotalSeconds,7:0} MiB/s  (median {median.TotalSeconds:0.000} s)";
    }

    internal static string Verdict(bool met) => met ? "met" : "MISSED";

    /// <summary>The least CPU time (user + system) of any run, per GiB: how much machine the tool needs, whatever else runs.</summary>
    private static string Cpu(List<TimeSpan> runs, long size) =>
        runs.Count == 0 ? string.Empty : $"   cpu {runs.Min().TotalSeconds / (size / MiB / 1024):0.00} s/GiB";

    private static void AddCpu(List<TimeSpan> runs, string output)
    {
        if (Tool.CpuOf(output) is TimeSpan used)
        {
            runs.Add(used);
        }
    }

    internal static string Fresh(string work, string prefix)
    {
        var dir = Path.Combine(work, prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    internal static void Check(int exit, string tool, string output)
    {
        if (exit != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({exit}):\n{output}");
        }
    }

    private static void PrintMachine()
    {
        string Read(string path, string prefix) =>
            File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?" : "?";
        Console.WriteLine($"Machine: {Read("/proc/cpuinfo", "model name")}, {Environment.ProcessorCount} cores, {Read("/proc/meminfo", "MemTotal")} RAM");
        Console.WriteLine($"OS: {RuntimeInformation.OSDescription}; .NET {Environment.Version}");
        Console.WriteLine($"Tools: {Tool.FirstLine("curl", "--version")}; {Tool.FirstLine("skopeo", "--version")}; {Tool.FirstLine("docker-registry", "--version")}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            options[args[i]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        return options;
    }
}
