using System;
using System.Collections.Generic;

namespace ModelPack.Core.Engines;

/// <summary>What <see cref="EngineProbe"/> found out about one engine: what it is, whether it runs, what it can mount.</summary>
public sealed class EngineInfo
{
    /// <param name="kind">podman, docker or none.</param>
    /// <param name="path">The executable; null for none.</param>
    /// <param name="found">What was found, e.g. "podman 4.3.1 at /usr/bin/podman".</param>
    /// <param name="reason">Everything the probe learnt, in a sentence or two.</param>
    /// <param name="details">The rest of what the probe learnt.</param>
    internal EngineInfo(EngineKind kind, string? path, string found, string reason, EngineDetails details)
    {
        Kind = kind;
        Path = path;
        Found = found;
        Reason = reason;
        VersionText = details.VersionText;
        Version = details.Version;
        IsUsable = details.IsUsable;
        SupportsArtifacts = details.SupportsArtifacts;
        SupportsImageSubpath = details.SupportsImageSubpath;
        UnusableBecause = details.UnusableBecause;
        NoArtifactsBecause = details.NoArtifactsBecause;
        ClientVersion = details.ClientVersion;
        Endpoint = details.Endpoint;
        IsRemote = details.IsRemote;
        Warnings = details.Warnings;
        ArtifactStorePath = details.ArtifactStorePath;
        ArtifactListProblem = details.ArtifactListProblem;
    }

    public EngineKind Kind { get; }

    /// <summary>The executable; null for <see cref="EngineKind.None"/>.</summary>
    public string? Path { get; }

    /// <summary>
    /// The version of what runs the containers, as it printed it: podman's ("5.7.1"; for remote podman the older of
    /// client and server), the docker daemon's ("20.10.24+dfsg1"), not the docker CLI's. Null when it printed none,
    /// or when the docker daemon did not answer.
    /// </summary>
    public string? VersionText { get; }

    /// <summary>The numeric <see cref="VersionText"/> (5.7.0 for "5.7.0-dev").</summary>
    public Version? Version { get; }

    /// <summary>The command-line client's own version (the docker CLI's may differ from its daemon's); null when it printed none.</summary>
    public string? ClientVersion { get; }

    /// <summary>Where the docker CLI sends its requests (DOCKER_HOST or the current context), e.g. "unix:///var/run/docker.sock"; null for podman and when unknown.</summary>
    public string? Endpoint { get; }

    /// <summary>The engine runs on another machine (a docker daemon over tcp:// or ssh://, a podman service), which cannot see this machine's files.</summary>
    public bool IsRemote { get; }

    /// <summary>It answered its version command (for podman: successfully; docker's client is enough).</summary>
    public bool IsUsable { get; }

    /// <summary>podman 5.7 or later with a working <c>podman artifact</c> command (its store may still fail to list: see <see cref="Warnings"/>).</summary>
    public bool SupportsArtifacts { get; }

    /// <summary>podman 5.1 or later: <c>--mount type=image</c> takes <c>subpath=</c>.</summary>
    public bool SupportsImageSubpath { get; }

    /// <summary>"podman 4.3.1 at /usr/bin/podman", "docker 20.10.24 at /usr/bin/docker (CLI 28.2.2)", "no container engine".</summary>
    public string Found { get; }

    /// <summary>Everything the probe learnt, in one sentence or two: what was found, what works, what is missing.</summary>
    public string Reason { get; }

    /// <summary>What works but not as it should and the user has to know: a docker daemon that did not answer or is remote, a podman artifact store that cannot be listed.</summary>
    public IReadOnlyList<string> Warnings { get; }

    internal string? UnusableBecause { get; }

    internal string? NoArtifactsBecause { get; }

    /// <summary>podman's artifact store (an OCI image layout under its graphroot) when this podman is local; null when unknown or remote.</summary>
    internal string? ArtifactStorePath { get; }

    /// <summary>Why <c>podman artifact ls</c> fails although the command exists; null when it works.</summary>
    internal string? ArtifactListProblem { get; }

    public static EngineInfo None(string why) =>
        new(EngineKind.None, null, "no container engine (" + why + ")", $"No container engine: {why}. Only HttpBind works.", new EngineDetails
        {
            UnusableBecause = "there is no engine",
            NoArtifactsBecause = "there is no engine",
        });

    public override string ToString() => Reason;
}
