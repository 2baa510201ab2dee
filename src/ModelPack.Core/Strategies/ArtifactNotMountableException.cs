using System;
using System.Collections.Generic;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Strategies;

/// <summary>
/// A strategy cannot present this artifact as the model's files: podman mounts each artifact layer as the
/// blob it is, so tar layers would appear as archives rather than the directories they hold. Auto moves on
/// to HttpBind (which extracts them); a forced strategy reports this (ErrorId StrategyUnavailable).
/// </summary>
public sealed class ArtifactNotMountableException : ModelPackException
{
    public ArtifactNotMountableException(StrategyName strategy, string reference, IReadOnlyList<string> unmountableLayers, string message)
        : base(ErrorIds.StrategyUnavailable, ErrorKind.ResourceUnavailable, message, reference)
    {
        Strategy = strategy;
        Reference = reference;
        UnmountableLayers = unmountableLayers ?? Array.Empty<string>();
    }

    public ArtifactNotMountableException()
        : this(StrategyName.PodmanArtifact, string.Empty, Array.Empty<string>(), "The artifact cannot be mounted by this strategy.")
    {
    }

    public ArtifactNotMountableException(string message)
        : this(StrategyName.PodmanArtifact, string.Empty, Array.Empty<string>(), message)
    {
    }

    public ArtifactNotMountableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reference = string.Empty;
        UnmountableLayers = Array.Empty<string>();
    }

    public StrategyName Strategy { get; }

    public string Reference { get; }

    /// <summary>The layers (their file paths, or digests) the strategy cannot mount.</summary>
    public IReadOnlyList<string> UnmountableLayers { get; }
}
