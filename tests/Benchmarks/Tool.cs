using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>Runs a command to completion and times it; the output is kept for parsing and for errors.</summary>
internal static class Tool
{
    public static bool Exists(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, name)));

    private const string TimeCommand = "/usr/bin/time";
    private const string CpuMarker = "modelpack-bench-cpu ";

    /// <summary>
    /// CPU time (user + system) of the last command run with <c>measureCpu</c>, from GNU time; null where it is not installed.
    /// </summary>
    public static TimeSpan? CpuOf(string output)
    {
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith(CpuMarker, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var parts = line.Substring(CpuMarker.Length).Trim().Split(' ');
        return TimeSpan.FromSeconds(double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task<(TimeSpan Elapsed, string Output, int ExitCode)> RunAsync(string file, IEnumerable<string> arguments, Action<string, Process>? onLine = null, bool measureCpu = false)
    {
        var timed = measureCpu && File.Exists(TimeCommand);
        var start = new ProcessStartInfo(timed ? TimeCommand : file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (timed)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add(CpuMarker + "%U %S");
            start.ArgumentList.Add(file);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new System.Text.StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            onLine?.Invoke(e.Data, process);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        clock.Stop();
        process.WaitForExit();
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return (clock.Elapsed, text, process.ExitCode);
    }

    public static string FirstLine(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
