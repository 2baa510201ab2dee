using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Benchmarks;

/// <summary>Best and median of a set of runs, and the verdict on a target, as the benchmark prints them.</summary>
internal static class Report
{
    public static double Best(IEnumerable<double> values) => values.Min();

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    public static string Seconds(IReadOnlyCollection<double> seconds) =>
        $"{Best(seconds),7:0.000} s  (median {Median(seconds):0.000} s)";

    public static string Verdict(bool met) => met ? "met" : "MISSED";

    public static void Line(string label, string value) => Console.WriteLine($"  {label,-44} {value}");

    public static string MiB(long kilobytes) => $"{kilobytes / 1024.0:0.0} MiB";

    public static string Load() =>
        System.IO.File.Exists("/proc/loadavg") ? string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
