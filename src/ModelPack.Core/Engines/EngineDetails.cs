using System;
using System.Collections.Generic;

namespace ModelPack.Core.Engines;

/// <summary>The less common facts of a probe, gathered before the <see cref="EngineInfo"/> is made.</summary>
internal sealed class EngineDetails
{
    public string? ClientVersion { get; set; }

    public string? Endpoint { get; set; }

    public bool IsRemote { get; set; }

    public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();

    public string? ArtifactStorePath { get; set; }

    public string? ArtifactListProblem { get; set; }
}
