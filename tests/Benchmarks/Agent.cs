using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>Runs tests/ModelPack.PullAgent (ModelStore.PullAsync in a process of its own) and reads its report.</summary>
internal static class Agent
{
    public sealed record Result(TimeSpan PullTime, TimeSpan ProcessTime, TimeSpan? ProcessCpu, long BytesDownloaded, bool UpToDate, long StartKilobytes, long PeakKilobytes);

    public static async Task<Result> PullAsync(string store, string reference, params string[] options)
    {
        var (elapsed, output, exit) = await Tool.RunAsync("dotnet", new[] { Path, store, reference }.Concat(options).ToArray(), measureCpu: true);
        if (exit != 0)
        {
            throw new InvalidOperationException($"the pull failed ({exit}):\n{output}");
        }

        var lines = output.Split('\n');
        var done = Fields(lines.Single(l => l.StartsWith("done ", StringComparison.Ordinal)));
        var start = Fields(lines.Single(l => l.StartsWith("start ", StringComparison.Ordinal)));
        return new Result(
            TimeSpan.FromMilliseconds(double.Parse(done("ms"), CultureInfo.InvariantCulture)),
            elapsed,
            Tool.CpuOf(output),
            long.Parse(done("bytes"), CultureInfo.InvariantCulture),
            bool.Parse(done("uptodate")),
            long.Parse(start("hwm"), CultureInfo.InvariantCulture),
            long.Parse(done("hwm"), CultureInfo.InvariantCulture));
    }

    /// <summary>Starts a pull and SIGKILLs it once it reports <paramref name="bytes"/> done; returns the bytes it had reported.</summary>
    public static async Task<long> PullAndKillAsync(string store, string reference, long bytes)
    {
        long reached = 0;
        await Tool.RunAsync("dotnet", new[] { Path, store, reference }, (line, process) =>
        {
            var parts = line.Split(' ');
            if (parts.Length == 4 && parts[0] == "progress" && long.Parse(parts[2], CultureInfo.InvariantCulture) >= bytes && reached == 0)
            {
                reached = long.Parse(parts[2], CultureInfo.InvariantCulture);
                process.Kill();
            }
        });
        return reached;
    }

    private static Func<string, string> Fields(string line) =>
        key => line.Split(' ').Single(p => p.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

    private static string Path
    {
        get
        {
            // tests/Benchmarks/bin/<Configuration>/<tfm>/ -> tests/ModelPack.PullAgent/bin/<Configuration>/<tfm>/
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = System.IO.Path.Combine(tests, "ModelPack.PullAgent", "bin", here.Parent.Name, here.Name, "ModelPack.PullAgent.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/ModelPack.PullAgent first (building the benchmark does).", path);
        }
    }
}
