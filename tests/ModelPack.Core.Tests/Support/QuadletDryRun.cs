using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// The real <c>quadlet -dryrun</c> of a podman release (<see cref="TestTools.Quadlet57"/>, <see cref="TestTools.Quadlet58"/>)
/// over unit files written to a temp dir named by QUADLET_UNIT_DIRS: the services it generates, by name, and
/// what it complained about. Quadlet exits 0 even when it rejects a unit, so <see cref="Accepted"/> also
/// requires that it reported no error.
/// </summary>
public sealed class QuadletDryRun
{
    private QuadletDryRun(ProcessResult result, IReadOnlyDictionary<string, string> services)
    {
        Result = result;
        Services = services;
    }

    public ProcessResult Result { get; }

    /// <summary>Generated unit name (<c>tiny.service</c>, <c>tiny-artifact.service</c>) to its content.</summary>
    public IReadOnlyDictionary<string, string> Services { get; }

    public bool Accepted =>
        Result.Succeeded &&
        Result.Stderr.IndexOf("error", StringComparison.OrdinalIgnoreCase) < 0 &&
        Result.Stderr.IndexOf("unsupported", StringComparison.OrdinalIgnoreCase) < 0;

    /// <summary>The command line of a service's <c>ExecStart=</c>, split on blanks (enough for the pull units, whose words are unquoted).</summary>
    public IReadOnlyList<string> ExecStart(string service)
    {
        var line = Services[service].Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        return line.Substring("ExecStart=".Length).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<QuadletDryRun> RunAsync(string tool, IEnumerable<(string Name, string Content)> units)
    {
        using var dir = new TempDirectory("modelpack-quadlet");
        foreach (var (name, content) in units)
        {
            dir.Write(name, content);
        }

        var result = await ProcessRunner.Instance.RunAsync(
            TestTools.Require(tool),
            new[] { "-dryrun" },
            null,
            new Dictionary<string, string?> { ["QUADLET_UNIT_DIRS"] = dir.Path },
            TimeSpan.FromMinutes(1),
            CancellationToken.None);
        return new QuadletDryRun(result, Parse(result.Stdout));
    }

    public override string ToString() => $"quadlet exited {Result.ExitCode}: {Result.Stderr}\n{Result.Stdout}";

    private static Dictionary<string, string> Parse(string stdout)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var lines = new List<string>();
        foreach (var line in stdout.Split('\n'))
        {
            if (line.StartsWith("---", StringComparison.Ordinal) && line.EndsWith("---", StringComparison.Ordinal) && line.Length > 6)
            {
                if (current is not null)
                {
                    services[current] = string.Join("\n", lines);
                }

                current = line.Trim('-');
                lines.Clear();
                continue;
            }

            lines.Add(line);
        }

        if (current is not null)
        {
            services[current] = string.Join("\n", lines);
        }

        return services;
    }
}
