using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ModelPack.Core.Configuration;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Engines;

/// <summary>
/// Stand-ins for engine states the real podman and docker installed here cannot be made to show: a version
/// command that fails with a given exit code, prints no JSON or hangs; a podman build without the artifact
/// command; versions that are not installed (5.0, 5.1, a -dev build, a remote server older than its client); a
/// "docker" that is really podman (podman-docker). The real engines (podman 4.3.1, 5.7.1, 5.8.2, a private
/// dockerd 20.10 with the docker 28 CLI) are tested as themselves. /bin/sh scripts in a temp dir; each call is
/// appended to calls.log, so tests can also count probe calls. Arguments are checked exactly, so a probe that
/// passes them wrongly fails.
/// </summary>
public sealed class FaultyEngines : IDisposable
{
    private readonly TempDirectory dir = new("modelpack-fake-engines-");

    public FaultyEngines()
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

    /// <summary>What <c>docker version --format '{{json .}}'</c> prints when the daemon does not answer: the client, and a null Server.</summary>
    public static string DockerVersionJson(string client) =>
        "{\"Client\":{\"Version\":\"" + client + "\",\"ApiVersion\":\"1.50\",\"DefaultAPIVersion\":\"1.50\",\"GitCommit\":\"e6534b4\",\"GoVersion\":\"go1.24.3\",\"Os\":\"linux\",\"Arch\":\"amd64\",\"BuildTime\":\"Fri May 30 12:07:28 2025\",\"Context\":\"default\"},\"Server\":null}";

    /// <summary>
    /// A podman stand-in: <c>version --format json</c> prints <paramref name="versionJson"/> and exits
    /// <paramref name="versionExit"/>; <c>artifact ls</c> exits 0, or with <paramref name="withoutArtifactCommand"/>
    /// 125 as a podman without that command does; <c>info</c> names no store; and, like podman 4.x,
    /// <c>artifact --help</c> exits 0, so a probe that used --help would be fooled.
    /// </summary>
    public string Podman(string versionJson, bool withoutArtifactCommand = false, int versionExit = 0, string name = "podman", string versionStderr = "")
    {
        var artifactLs = withoutArtifactCommand
            ? "echo 'Error: unrecognized command `podman artifact`' >&2; exit 125"
            : "echo 'REPOSITORY  TAG  DIGEST  SIZE'; exit 0";
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
            if [ "$1" = info ]; then
              echo 'Error: no store in this stand-in' >&2; exit 125
            fi
            echo "Error: unrecognized command: $*" >&2
            exit 125
            """);
    }

    /// <summary>
    /// A docker CLI stand-in for counting calls: <c>version --format {{json .}}</c> prints <paramref name="versionJson"/>
    /// and exits 1 (its daemon does not answer), <c>context inspect</c> names a local socket.
    /// </summary>
    public string Docker(string versionJson, string name = "docker") =>
        Script(name, $$$"""
            if [ "$1" = version ] && [ "$2" = --format ] && [ "$3" = '{{json .}}' ] && [ $# -eq 3 ]; then
              printf '%s\n' '{{{versionJson}}}'
              echo 'Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?' >&2
              exit 1
            fi
            if [ "$1" = context ] && [ "$2" = inspect ]; then
              echo '"unix:///nonexistent/docker.sock"'; exit 0
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
