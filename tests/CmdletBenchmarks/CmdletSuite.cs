using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>
/// <c>Save-ModelArtifact</c> as users run it: a new pwsh at a terminal that imports the module and pulls a 1 GiB
/// single-layer model into a fresh store (process start, import, pull, progress as by default), against <c>curl -o</c>
/// of the blob, and the same pwsh with <c>$ProgressPreference = 'SilentlyContinue'</c>: the cost of progress.
/// </summary>
internal static class CmdletSuite
{
    public static async Task<bool> RunAsync(string work, int runs, long sizeMiB)
    {
        Console.WriteLine();
        Console.WriteLine($"== Save-ModelArtifact of 1 x {sizeMiB} MiB in a new pwsh, best of {runs}");
        using var registry = LocalRegistry.Start(Path.Combine(work, "registry"));
        var artifact = await BenchArtifact.CreateAsync(registry.HostPort, "cmdlet", 1, sizeMiB * 1024 * 1024, work);
        var reference = $"{registry.HostPort}/{artifact.Repository}:v1";
        var layer = artifact.Layers[0].Layer;
        var curl = new List<double>();
        var on = new List<PwshRun>();
        var off = new List<PwshRun>();
        var pullOnly = new List<double>();
        var save = $"Import-Module $module\nSave-ModelArtifact {Pwsh.Quote(reference)}\n";
        var timedSave = $"$sw = [Diagnostics.Stopwatch]::StartNew()\nSave-ModelArtifact {Pwsh.Quote(reference)}\nAdd-Content -LiteralPath $result \"result pull=$($sw.Elapsed.TotalSeconds)\"\n";
        var contenders = new (string Name, Func<Task> Run)[]
        {
            ("curl", async () =>
            {
                var file = Path.Combine(work, "curl.bin");
                var (elapsed, output, exit) = await Tool.RunAsync("curl", new[] { "-sS", "--fail", "-o", file, $"http://{registry.HostPort}/v2/{artifact.Repository}/blobs/{layer.Digest}" });
                Check(exit, output);
                curl.Add(elapsed.TotalSeconds);
                File.Delete(file);
            }),
            ("progress on", async () => on.Add(await InFreshStoreAsync(work, save))),
            ("progress off", async () => off.Add(await InFreshStoreAsync(work, "$ProgressPreference = 'SilentlyContinue'\n" + save))),
            ("pull only", async () => pullOnly.Add((await InFreshStoreAsync(work, "Import-Module $module\n" + timedSave))["pull"])),
        };
        await Alternate(contenders, runs);
        var baseline = await Pwsh.RunAsync(work, "Import-Module $module\n");

        var best = on.Min(r => r.Elapsed.TotalSeconds);
        var bestOff = off.Min(r => r.Elapsed.TotalSeconds);
        var progressCost = (best - bestOff) / bestOff;
        var medianCost = (Report.Median(on.Select(r => r.Elapsed.TotalSeconds)) - Report.Median(off.Select(r => r.Elapsed.TotalSeconds))) / Report.Median(off.Select(r => r.Elapsed.TotalSeconds));
        var growth = on.Max(r => r.PeakKilobytes) - baseline.PeakKilobytes;
        Report.Line("curl -o", Report.Seconds(curl));
        Report.Line("pwsh: Import-Module; Save-ModelArtifact", Report.Seconds(on.Select(r => r.Elapsed.TotalSeconds).ToList()) + "   (whole process, progress on)");
        Report.Line("the same, progress off", Report.Seconds(off.Select(r => r.Elapsed.TotalSeconds).ToList()));
        Report.Line("Save-ModelArtifact alone (Stopwatch in pwsh)", Report.Seconds(pullOnly));
        Report.Line("pwsh start + Import-Module alone", $"{baseline.Elapsed.TotalSeconds,7:0.000} s");
        Report.Line("curl / whole pwsh process", $"{curl.Min() / best:0.00}x");
        Report.Line("curl / Save-ModelArtifact alone", $"{curl.Min() / pullOnly.Min():0.00}x");
        Report.Line("cost of progress (best; median)", $"{progressCost:P1}; {medianCost:P1} (target < 3 %)  {Report.Verdict(progressCost < 0.03)}");
        Report.Line("peak RSS growth over pwsh + Import-Module", $"{Report.MiB(growth)} (pwsh {Report.MiB(on.Max(r => r.PeakKilobytes))}, baseline {Report.MiB(baseline.PeakKilobytes)}; target < 150 MiB)  {Report.Verdict(growth < 150 * 1024)}");
        return progressCost < 0.03 && growth < 150 * 1024;
    }

    /// <summary>Runs each contender once per round, starting with a different one each round, after a sync.</summary>
    internal static async Task Alternate((string Name, Func<Task> Run)[] contenders, int runs)
    {
        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                await Tool.RunAsync("sync", Array.Empty<string>());
                await contenders[(i + run) % contenders.Length].Run();
            }
        }
    }

    internal static void Check(int exit, string output)
    {
        if (exit != 0)
        {
            throw new InvalidOperationException($"failed ({exit}):\n{output}");
        }
    }

    private static async Task<PwshRun> InFreshStoreAsync(string work, string script)
    {
        var store = Path.Combine(work, "store-" + Guid.NewGuid().ToString("N")[..8]);
        Environment.SetEnvironmentVariable("MODELPACK_STORE", store);
        try
        {
            return await Pwsh.RunAsync(work, script);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MODELPACK_STORE", null);
            if (Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
            }
        }
    }
}
