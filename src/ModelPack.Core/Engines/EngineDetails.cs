using System;
using System.Collections.Generic;

namespace ModelPack.Core.Engines;

/// <summary>What a probe learnt about an engine, gathered before the <see cref="EngineInfo"/> is made (see its properties).</summary>
internal sealed class EngineDetails
{
    public string? VersionText { get; set; }

    public Version? Version { get; set; }

    public bool IsUsable { get; set; }

    public bool SupportsArtifacts { get; set; }

    public bool SupportsImageSubpath { get; set; }

    public string? UnusableBecause { get; set; }

    public string? NoArtifactsBecause { get; set; }

    public string? ClientVersion { get; set; }

    public string? Endpoint { get; set; }

    public bool IsRemote { get; set; }

    public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();

    public string? ArtifactStorePath { get; set; }

    public string? ArtifactListProblem { get; set; }
}
