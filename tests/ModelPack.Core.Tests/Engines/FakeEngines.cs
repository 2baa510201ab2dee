using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ModelPack.Core.Configuration;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Engines;

/// <summary>
/// Fake podman and docker executables: /bin/sh scripts in a temp dir that answer like the real ones
/// (real podman 5.7 and docker 28 are not installable here). Each call is appended to calls.log so tests
/// can count probes. Arguments are checked exactly, so a probe that passes them wrongly fails.
/// </summary>
public sealed class FakeEngines : IDisposable
{
    private readonly TempDirectory dir = new("modelpack-fake-engines-");

    public FakeEngines()
    {
        Bin = dir.Combine("bin");
        Directory.CreateDirectory(Bin);
    }

    /// <summary>The directory holding the fakes; put it first on an injected PATH.</summary>
    public string Bin { get; }

    public string CallLog => dir.Combine("calls.log");

    /// <summary>The calls made to the fakes so far, one "name args..." line each.</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : Array.Empty<string>();

    public static string PodmanVersionJson(string client, string? server = null) =>
        "{\"Client\":" + PodmanClientJson(client) + (server is null ? string.Empty : ",\"Server\":" + PodmanClientJson(server)) + "}";

    public static string PodmanClientJson(string version) =>
        "{\"APIVersion\":\"" + version + "\",\"Version\":\"" + version + "\",\"GoVersion\":\"go1.24.4\",\"GitCommit\":\"\",\"BuiltTime\":\"Thu Jan  1 00:00:00 1970\",\"Built\":0,\"OsArch\":\"linux/amd64\",\"Os\":\"linux\"}";

    public static string DockerClientJson(string version) =>
        "{\"Platform\":{\"Name\":\"Docker Engine - Community\"},\"Version\":\"" + version + "\",\"ApiVersion\":\"1.50\",\"DefaultAPIVersion\":\"1.50\",\"GitCommit\":\"e6534b4\",\"GoVersion\":\"go1.24.3\",\"Os\":\"linux\",\"Arch\":\"amd64\",\"BuildTime\":\"Fri May 30 12:07:28 2025\",\"Context\":\"default\"}";

    /// <summary>
    /// A fake podman: <c>version --format json</c> prints <paramref name="versionJson"/> and exits
    /// <paramref name="versionExit"/>; <c>artifact ls</c> exits <paramref name="artifactLsExit"/>; and, like
    /// podman 4.x, <c>artifact --help</c> exits 0, so a probe that used --help would be fooled.
    /// </summary>
    public string Podman(string versionJson, int artifactLsExit = 0, int versionExit = 0, string name = "podman", string versionStderr = "")
    {
        var artifactLs = artifactLsExit == 0
            ? "echo 'REPOSITORY  TAG  DIGEST  SIZE'; exit 0"
            : $"echo 'Error: artifact store is not usable' >&2; exit {artifactLsExit}";
        return Script(name, $$"""
            if [ "$1" = version ] && [ "$2" = --format ] && [ "$3" = json ] && [ $# -eq 3 ]; then
              printf '%s\n' '{{versionJson}}'
              {{(versionStderr.Length > 0 ? $"echo '{versionStderr}' >&2" : ":")}}
              exit {{versionExit}}
            fi
            if [ "$1" = artifact ] && [ "$2" = ls ] && [ $# -eq 2 ]; then
              {{artifactLs}}
            fi
            if [ "$1" = artifact ] && [ "$2" = --help ]; then
              echo 'Manage containers, pods and images'; exit 0
            fi
            echo "Error: unrecognized command: $*" >&2
            exit 125
            """);
    }

    /// <summary>A fake docker: <c>version --format {{json .Client}}</c> prints the client JSON and exits <paramref name="exit"/>.</summary>
    public string Docker(string clientJson, int exit = 0, string stderr = "", string name = "docker") =>
        Script(name, $$$"""
            if [ "$1" = version ] && [ "$2" = --format ] && [ "$3" = '{{json .Client}}' ] && [ $# -eq 3 ]; then
              printf '%s\n' '{{{clientJson}}}'
              {{{(stderr.Length > 0 ? $"echo '{stderr}' >&2" : ":")}}}
              exit {{{exit}}}
            fi
            echo "unknown command: $*" >&2
            exit 1
            """);

    /// <summary>An executable /bin/sh script named <paramref name="name"/> in <see cref="Bin"/> that logs each call first.</summary>
    public string Script(string name, string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake engines are /bin/sh scripts.");
        }

        return ExecutableScript.Install(Path.Combine(Bin, name), "#!/bin/sh\necho \"" + name + " $*\" >> '" + CallLog + "'\n" + body + "\n");
    }

    public int CallCount(string prefix) => Calls.Count(c => c.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>An environment whose PATH is only the fakes' directory (plus <paramref name="morePath"/>).</summary>
    public HostEnvironment Environment(IReadOnlyDictionary<string, string?>? variables = null, params string[] morePath)
    {
        var all = new Dictionary<string, string?>(variables ?? new Dictionary<string, string?>())
        {
            ["PATH"] = string.Join(":", new[] { Bin }.Concat(morePath)),
        };
        return HostEnvironment.FromVariables(all, isWindows: false, currentDirectory: dir.Path);
    }

    public void Dispose() => dir.Dispose();
}
