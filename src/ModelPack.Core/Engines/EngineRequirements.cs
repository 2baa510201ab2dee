using System;

namespace ModelPack.Core.Engines;

/// <summary>The engine versions features first appeared in.</summary>
public static class EngineRequirements
{
    /// <summary><c>podman artifact</c> and <c>--mount type=artifact</c> with the features PodmanArtifact needs.</summary>
    public static Version PodmanArtifact { get; } = new(5, 7, 0);

    /// <summary>The <c>subpath</c> option of <c>--mount type=image</c>.</summary>
    public static Version PodmanImageSubpath { get; } = new(5, 1, 0);
}
