using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Store;

namespace ModelPack.Benchmarks;

/// <summary>
/// <c>Import-Module</c> plus <c>Get-ModelArtifact</c> of a store of N models (1000) in a new pwsh, timed inside pwsh
/// (pwsh start excluded): without the listing cache (deleted before the run: what the first listing after an upgrade
/// pays) and with it, then the warm re-list in the same session and formatting the list as a table.
/// </summary>
internal static class ListSuite
{
    private const string Script = """
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Import-Module $module
        $import = $sw.Elapsed.TotalSeconds
        $first = @(Get-ModelArtifact -Strategy HttpBind)
        $listed = $sw.Elapsed.TotalSeconds
        $sw.Restart()
        $second = @(Get-ModelArtifact -Strategy HttpBind)
        $warm = $sw.Elapsed.TotalSeconds
        $sw.Restart()
        $null = $second | Out-String -Width 200
        $table = $sw.Elapsed.TotalSeconds
        Add-Content -LiteralPath $result "result import=$import listed=$listed warm=$warm table=$table count=$($first.Count)"
        """;

    public static async Task<bool> RunAsync(string work, int runs, int models)
    {
        Console.WriteLine();
        Console.WriteLine($"== Import-Module + Get-ModelArtifact of {models} stored models in a new pwsh, best of {runs}");
        var root = Path.Combine(work, "list-store");
        var created = await FillAsync(root, models, work);
        Console.WriteLine($"  (packed {models} models in {created.TotalSeconds:0.0} s)");
        Environment.SetEnvironmentVariable("MODELPACK_STORE", root);
        var cache = Path.Combine(root, "modelpack-listing.json");
        var cold = new List<PwshRun>();
        var cached = new List<PwshRun>();
        var core = new List<double>();
        var contenders = new (string Name, Func<Task> Run)[]
        {
            ("no cache", async () =>
            {
                File.Delete(cache);
                cold.Add(await Pwsh.RunAsync(work, Script, terminal: false));
            }),
            ("cache", async () => cached.Add(await Pwsh.RunAsync(work, Script, terminal: false))),
        };
        await CmdletSuite.Alternate(contenders, runs);
        var all = await Pwsh.RunAsync(work, Script.Replace(" -Strategy HttpBind", string.Empty, StringComparison.Ordinal), terminal: false);
        var baseline = await Pwsh.RunAsync(work, "Import-Module $module\n", terminal: false);
        Environment.SetEnvironmentVariable("MODELPACK_STORE", null);
        foreach (var _ in Enumerable.Range(0, runs))
        {
            var clock = Stopwatch.StartNew();
            ModelStore.Open(root).List();
            core.Add(clock.Elapsed.TotalSeconds);
        }

        Check(cold.Concat(cached).Append(all), models);
        var best = cached.Min(r => r["listed"]);
        var warm = cached.Min(r => r["warm"]);
        var growth = cached.Max(r => r.PeakKilobytes) - baseline.PeakKilobytes;
        Report.Line("Import-Module alone", Report.Seconds(cached.Select(r => r["import"]).ToList()));
        Report.Line("Import-Module + Get-ModelArtifact, no cache", Report.Seconds(cold.Select(r => r["listed"]).ToList()));
        Report.Line("Import-Module + Get-ModelArtifact, cached", Report.Seconds(cached.Select(r => r["listed"]).ToList()) + $"   (target < 0.5 s)  {Report.Verdict(best < 0.5)}");
        Report.Line("warm re-list in the same pwsh", Report.Seconds(cached.Select(r => r["warm"]).ToList()) + $"   (target < 0.1 s)  {Report.Verdict(warm < 0.1)}");
        Report.Line("... | Out-String -Width 200 (the table)", Report.Seconds(cached.Select(r => r["table"]).ToList()));
        Report.Line("ModelStore.List() in this process, warm", Report.Seconds(core));
        Report.Line("Get-ModelArtifact of every store (podman's too)", $"{all["listed"] - all["import"],7:0.000} s after Import-Module; warm {all["warm"]:0.000} s");
        Report.Line("peak RSS growth over pwsh + Import-Module", $"{Report.MiB(growth)} (target < 150 MiB)  {Report.Verdict(growth < 150 * 1024)}");
        return best < 0.5 && warm < 0.1 && growth < 150 * 1024;
    }

    /// <summary>A store of <paramref name="models"/> small models (a weight file and a config.json each, distinct contents).</summary>
    private static async Task<TimeSpan> FillAsync(string root, int models, string work)
    {
        var clock = Stopwatch.StartNew();
        // Immediate: a deferred pack leaves a journal in unsynced/ for its first minutes, which every opening of the
        // store would read; the benchmark is about listing a store in its steady state.
        var store = ModelStore.Open(root);
        store.Durability = StoreDurability.Immediate;
        var source = Path.Combine(work, "list-source");
        Directory.CreateDirectory(source);
        for (var i = 0; i < models; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(source, "model.safetensors"), "weights of model " + i);
            await File.WriteAllTextAsync(Path.Combine(source, "config.json"), "{\"architectures\":[\"Tiny\"],\"n\":" + i + "}");
            var request = new PackRequest(source, ModelReference.Parse($"registry.example/bench/model-{i:0000}:v1"));
            request.Config.Name = $"model-{i:0000}";
            request.Config.ParamSize = "1m";
            await ModelPacker.PackAsync(request, store);
        }

        return clock.Elapsed;
    }

    private static void Check(IEnumerable<PwshRun> runs, int models)
    {
        foreach (var run in runs.Where(r => r["count"] < models))
        {
            throw new InvalidOperationException($"Get-ModelArtifact listed {run["count"]} of {models} models:\n{run.Output}");
        }
    }
}
