using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>What one pwsh process took: wall time from process start to exit, its peak RSS, and the figures its script printed.</summary>
internal sealed record PwshRun(TimeSpan Elapsed, long PeakKilobytes, IReadOnlyDictionary<string, double> Figures, string Output)
{
    public double this[string name] => Figures.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"The script printed no '{name}':\n{Output}");
}

/// <summary>
/// Runs a PowerShell script in a new pwsh process under GNU time (wall time and peak RSS), either as a user at a
/// terminal would, in a detached tmux pane (a real terminal emulator: pwsh renders progress there and the cursor
/// queries it sends are answered), or with its output on a pipe. Scripts report figures with
/// <c>Add-Content $result "result name=value ..."</c>.
/// </summary>
internal static class Pwsh
{
    private const string TimeMarker = "modelpack-bench-time ";

    public static string Executable { get; set; } = "pwsh-7.6";

    /// <summary>The module manifest the scripts import (the built module of this checkout).</summary>
    public static string Module { get; set; } = string.Empty;

    public static async Task<PwshRun> RunAsync(string work, string script, bool terminal = true)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(work, $"bench-{id}.ps1");
        var result = Path.Combine(work, $"bench-{id}.result");
        var timing = Path.Combine(work, $"bench-{id}.time");
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(file, $"$ErrorActionPreference = 'Stop'\n$result = {Quote(result)}\n" + script.Replace("$module", Quote(Module), StringComparison.Ordinal));
        await File.WriteAllTextAsync(result, string.Empty);
        try
        {
            var command = $"/usr/bin/time -f '{TimeMarker}%e %M' -o '{timing}' {Executable} -NoProfile -NonInteractive -File '{file}'";
            var output = terminal ? await InTmuxAsync(command, id) : (await Tool.RunAsync("sh", new[] { "-c", command })).Output;
            var times = await File.ReadAllTextAsync(timing);
            var figures = await File.ReadAllTextAsync(result);
            var line = times.Split('\n').FirstOrDefault(l => l.StartsWith(TimeMarker, StringComparison.Ordinal));
            if (line is null || times.Contains("exited with non-zero status", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"pwsh failed running {file}:\n{times}\n{output}");
            }

            var parts = line[TimeMarker.Length..].Trim().Split(' ');
            var elapsed = TimeSpan.FromSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture));
            return new PwshRun(elapsed, long.Parse(parts[1], CultureInfo.InvariantCulture), FiguresOf(figures), figures + output);
        }
        finally
        {
            foreach (var path in new[] { file, result, timing })
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>A path or value as a single-quoted PowerShell string.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Runs a shell command in a 200 x 50 pane of a private tmux server and waits for it; the pane's last screen.</summary>
    private static async Task<string> InTmuxAsync(string command, string id)
    {
        var socket = "modelpack-bench-" + id;
        var channel = "done-" + id;
        await TmuxAsync("-L", socket, "new-session", "-d", "-x", "200", "-y", "50", $"{command}; tmux -L {socket} wait-for -S {channel}; sleep 60");
        await TmuxAsync("-L", socket, "wait-for", channel);
        var (_, screen, _) = await Tool.RunAsync("tmux", new[] { "-L", socket, "capture-pane", "-p" });
        await Tool.RunAsync("tmux", new[] { "-L", socket, "kill-server" });
        return screen;
    }

    private static async Task TmuxAsync(params string[] arguments)
    {
        var (_, output, exit) = await Tool.RunAsync("tmux", arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(" ", arguments)} failed ({exit}): {output}");
        }
    }

    private static Dictionary<string, double> FiguresOf(string output)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("result ", StringComparison.Ordinal)))
        {
            foreach (var pair in line["result ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                figures[parts[0]] = double.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return figures;
    }
}
