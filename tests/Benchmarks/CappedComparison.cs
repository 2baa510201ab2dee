using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>
/// The same artifacts through a <see cref="ThrottleProxy"/> that caps each connection, as real registries' CDNs
/// do: a single-stream <c>curl -o</c> of the blobs (one after the other), <c>skopeo copy</c> and the pull (which
/// fetches a large layer in parts over several connections), each through the same proxy; best of N alternating
/// runs, and the ratios to the targets.
/// </summary>
internal static class CappedComparison
{
    private const double MiB = 1024 * 1024;

    public static async Task<bool> RunAsync(string proxy, BenchArtifact artifact, int runs, double capMib, string work)
    {
        var single = artifact.Layers.Count == 1;
        var label = $"{artifact.Layers.Count} x {artifact.Layers[0].Layer.Size / MiB:0} MiB";
        Console.WriteLine();
        Console.WriteLine($"== {artifact.Repository} ({label}) through the proxy capped at {capMib:0} MiB/s per connection, best of {runs}");
        var curl = new List<TimeSpan>();
        var skopeo = new List<TimeSpan>();
        var pull = new List<TimeSpan>();
        var rssGrowth = new List<long>();
        var contenders = new Func<Task>[]
        {
            async () =>
            {
                var dir = Program.Fresh(work, "capped-curl");
                var arguments = new List<string> { "-sS", "--fail" };
                foreach (var (layer, _) in artifact.Layers)
                {
                    arguments.AddRange(new[] { "-o", Path.Combine(dir, layer.Digest[7..]), $"http://{proxy}/v2/{artifact.Repository}/blobs/{layer.Digest}" });
                }

                var (elapsed, output, exit) = await Tool.RunAsync("curl", arguments);
                Program.Check(exit, "curl", output);
                curl.Add(elapsed);
                Directory.Delete(dir, true);
            },
            async () =>
            {
                var dir = Program.Fresh(work, "capped-skopeo");
                var (elapsed, output, exit) = await Tool.RunAsync("skopeo", new[] { "copy", "-q", "--src-tls-verify=false", $"docker://{proxy}/{artifact.Repository}:v1", "dir:" + dir });
                Program.Check(exit, "skopeo", output);
                skopeo.Add(elapsed);
                Directory.Delete(dir, true);
            },
            async () =>
            {
                var store = Program.Fresh(work, "capped-store");
                var agent = await Agent.PullAsync(store, $"{proxy}/{artifact.Repository}:v1");
                pull.Add(agent.PullTime);
                rssGrowth.Add(agent.PeakKilobytes - agent.StartKilobytes);
                Directory.Delete(store, true);
            },
        };

        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                await Tool.RunAsync("sync", Array.Empty<string>());
                await contenders[(i + run) % contenders.Length]();
            }
        }

        return Report(artifact.Size, single, curl, skopeo, pull, rssGrowth.Max() / 1024.0);
    }

    /// <summary>Prints the figures and the ratios to the targets; whether all were met.</summary>
    private static bool Report(long size, bool single, List<TimeSpan> curl, List<TimeSpan> skopeo, List<TimeSpan> pull, double rss)
    {
        Console.WriteLine($"  curl -o, one stream         {Program.Line(curl, size)}");
        Console.WriteLine($"  skopeo copy dir:            {Program.Line(skopeo, size)}");
        Console.WriteLine($"  ModelStore.PullAsync        {Program.Line(pull, size)}");
        var vsCurl = curl.Min() / pull.Min();
        var vsSkopeo = skopeo.Min() / pull.Min();
        var skopeoTarget = single ? 5.0 : 2.0;
        var met = vsSkopeo >= skopeoTarget && rss < 150;
        Console.WriteLine($"  speed vs skopeo             {vsSkopeo:0.00}x   (target >= {skopeoTarget:0}x)  {Program.Verdict(vsSkopeo >= skopeoTarget)}");
        if (single)
        {
            Console.WriteLine($"  speed vs curl, one stream   {vsCurl:0.00}x   (target >= 5x)  {Program.Verdict(vsCurl >= 5)}");
            met &= vsCurl >= 5;
        }
        else
        {
            Console.WriteLine($"  speed vs curl, one stream   {vsCurl:0.00}x");
        }

        Console.WriteLine($"  peak RSS growth of the pull {rss:0.0} MiB (target < 150 MiB)  {Program.Verdict(rss < 150)}");
        return met;
    }
}
