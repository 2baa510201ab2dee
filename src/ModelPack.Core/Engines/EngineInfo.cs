using System;

namespace ModelPack.Core.Engines;

/// <summary>What <see cref="EngineProbe"/> found out about one engine: what it is, whether it runs, what it can mount.</summary>
public sealed class EngineInfo
{
    internal EngineInfo(
        EngineKind kind,
        string? path,
        string? versionText,
        Version? version,
        bool isUsable,
        bool supportsArtifacts,
        bool supportsImageSubpath,
        string found,
        string? unusableBecause,
        string? noArtifactsBecause,
        string reason)
    {
        Kind = kind;
        Path = path;
        VersionText = versionText;
        Version = version;
        IsUsable = isUsable;
        SupportsArtifacts = supportsArtifacts;
        SupportsImageSubpath = supportsImageSubpath;
        Found = found;
        UnusableBecause = unusableBecause;
        NoArtifactsBecause = noArtifactsBecause;
        Reason = reason;
    }

    public EngineKind Kind { get; }

    /// <summary>The executable; null for <see cref="EngineKind.None"/>.</summary>
    public string? Path { get; }

    /// <summary>The version as the engine printed it ("5.7.0-dev"); null when it printed none.</summary>
    public string? VersionText { get; }

    /// <summary>The numeric version (5.7.0 for "5.7.0-dev"); for remote podman the lower of client and server.</summary>
    public Version? Version { get; }

    /// <summary>It answered its version command (for podman: successfully; docker's client is enough).</summary>
    public bool IsUsable { get; }

    /// <summary>podman 5.7 or later whose <c>podman artifact ls</c> succeeded.</summary>
    public bool SupportsArtifacts { get; }

    /// <summary>podman 5.1 or later: <c>--mount type=image</c> takes <c>subpath=</c>.</summary>
    public bool SupportsImageSubpath { get; }

    /// <summary>"podman 4.3.1 at /usr/bin/podman", "docker 28.2.2 at /usr/bin/docker", "no container engine".</summary>
    public string Found { get; }

    /// <summary>Everything the probe learnt, in one sentence or two: what was found, what works, what is missing.</summary>
    public string Reason { get; }

    internal string? UnusableBecause { get; }

    internal string? NoArtifactsBecause { get; }

    public static EngineInfo None(string why) =>
        new(EngineKind.None, null, null, null, false, false, false, "no container engine (" + why + ")", "there is no engine", "there is no engine", $"No container engine: {why}. Only HttpBind works.");

    public override string ToString() => Reason;
}
