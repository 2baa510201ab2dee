namespace ModelPack.Core.Strategies;

/// <summary>The ways a model can be pulled and mounted; <see cref="Auto"/> lets <see cref="StrategySelector"/> choose.</summary>
public enum StrategyName
{
    /// <summary>The first viable of PodmanArtifact, PodmanImage, HttpBind.</summary>
    Auto,

    /// <summary><c>podman artifact pull</c> and <c>--mount=type=artifact</c> (podman 5.7 or later).</summary>
    PodmanArtifact,

    /// <summary>A model packaged as a container image: <c>podman pull</c> and <c>--mount=type=image</c>.</summary>
    PodmanImage,

    /// <summary>The built-in registry client pulls into the local store; the mount is a read-only bind.</summary>
    HttpBind,
}
