using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>
/// The module's cmdlets as users run them, each in a new pwsh process: <c>--suite cmdlet</c> (Save-ModelArtifact
/// against curl, progress on and off), <c>list</c> (Import-Module plus Get-ModelArtifact of 1000 stored models, cold and
/// warm), <c>pack</c> (New-ModelArtifact of 1 GiB against sha256sum + cp), or <c>all</c> (the default). Prints the
/// figures, the ratios measured in the same run, and the peak RSS growth of each over a pwsh that only imports the
/// module. Options: --runs N (3), --mib N (1024), --models N (1000), --pwsh NAME (pwsh-7.6), --module PSD1
/// (out/ModelPack/ModelPack.psd1 of this checkout), --work DIR, --keep.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            options[args[i]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        var suite = options.GetValueOrDefault("--suite", "all");
        var runs = int.Parse(options.GetValueOrDefault("--runs", "3"), CultureInfo.InvariantCulture);
        var mib = long.Parse(options.GetValueOrDefault("--mib", "1024"), CultureInfo.InvariantCulture);
        var models = int.Parse(options.GetValueOrDefault("--models", "1000"), CultureInfo.InvariantCulture);
        Pwsh.Executable = options.GetValueOrDefault("--pwsh", "pwsh-7.6");
        Pwsh.Module = Path.GetFullPath(options.GetValueOrDefault("--module", Path.Combine(RepositoryRoot(), "out", "ModelPack", "ModelPack.psd1")));
        if (!File.Exists(Pwsh.Module))
        {
            Console.Error.WriteLine($"'{Pwsh.Module}' does not exist: run ./build.sh first, or pass --module.");
            return 2;
        }

        foreach (var tool in new[] { Pwsh.Executable, "docker-registry", "curl", "tmux", "sha256sum" }.Where(t => !Tool.Exists(t)))
        {
            Console.Error.WriteLine($"'{tool}' is not on PATH (pwsh-7.6: ../shared/tools; docker-registry, curl: apt-get install).");
            return 2;
        }

        if (!File.Exists("/usr/bin/time"))
        {
            Console.Error.WriteLine("GNU time (/usr/bin/time) is needed for the peak RSS: apt-get install time.");
            return 2;
        }

        var work = options.GetValueOrDefault("--work", Path.Combine(Path.GetTempPath(), "modelpack-cmdlet-bench-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(work);
        // Save-ModelArtifact into the local store even where podman is installed (Auto would pull into podman's store).
        Environment.SetEnvironmentVariable("MODELPACK_STRATEGY", "HttpBind");
        try
        {
            PrintMachine();
            var ok = true;
            if (suite is "cmdlet" or "all")
            {
                ok &= await CmdletSuite.RunAsync(Path.Combine(work, "cmdlet"), runs, mib);
            }

            if (suite is "list" or "all")
            {
                ok &= await ListSuite.RunAsync(Path.Combine(work, "list"), runs, models);
            }

            if (suite is "pack" or "all")
            {
                ok &= await PackSuite.RunAsync(Path.Combine(work, "pack"), runs, mib);
            }

            Console.WriteLine();
            Console.WriteLine($"Load average at the end: {Report.Load()}");
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

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelPack.psd1")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static void PrintMachine()
    {
        string Read(string path, string prefix) =>
            File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?" : "?";
        Console.WriteLine($"Machine: {Read("/proc/cpuinfo", "model name")}, {Environment.ProcessorCount} cores, {Read("/proc/meminfo", "MemTotal")} RAM");
        Console.WriteLine($"OS: {RuntimeInformation.OSDescription}; .NET {Environment.Version}; {Tool.FirstLine(Pwsh.Executable, "-NoProfile", "-c", "'PowerShell ' + $PSVersionTable.PSVersion")}");
        Console.WriteLine($"Tools: {Tool.FirstLine("curl", "--version")}; {Tool.FirstLine("sha256sum", "--version")}; {Tool.FirstLine("docker-registry", "--version")}");
        Console.WriteLine($"Load average at the start: {Report.Load()} (the machine's other work competes for the same cores)");
    }
}
