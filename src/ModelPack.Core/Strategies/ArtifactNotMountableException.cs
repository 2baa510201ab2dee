using System;
using System.Collections.Generic;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Strategies;

/// <summary>
/// A strategy cannot present this artifact as the model's files: podman mounts each artifact layer as the
/// blob it is, so tar layers would appear as archives rather than the directories they hold, and it cannot
/// pick one of two layers with the same digest (see <see cref="PodmanArtifactMountability"/>). Auto moves on
/// to HttpBind; a forced strategy reports this (ErrorId StrategyUnavailable).
/// </summary>
public sealed class ArtifactNotMountableException : ModelPackException
{
    public ArtifactNotMountableException(StrategyName strategy, string reference, IReadOnlyList<string> unmountableLayers, string why, string message)
        : base(ErrorIds.StrategyUnavailable, ErrorKind.ResourceUnavailable, message, reference)
    {
        Strategy = strategy;
        Reference = reference;
        UnmountableLayers = unmountableLayers ?? Array.Empty<string>();
        Why = why ?? string.Empty;
    }

    public ArtifactNotMountableException()
        : this(StrategyName.PodmanArtifact, string.Empty, Array.Empty<string>(), string.Empty, "The artifact cannot be mounted by this strategy.")
    {
    }

    public ArtifactNotMountableException(string message)
        : this(StrategyName.PodmanArtifact, string.Empty, Array.Empty<string>(), string.Empty, message)
    {
    }

    public ArtifactNotMountableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reference = string.Empty;
        UnmountableLayers = Array.Empty<string>();
        Why = string.Empty;
    }

    public StrategyName Strategy { get; }

    public string Reference { get; }

    /// <summary>The layers (their file paths, or digests) the strategy cannot mount.</summary>
    public IReadOnlyList<string> UnmountableLayers { get; }

    /// <summary>What stops it, in a few words ("this artifact has tar layers ('docs')").</summary>
    public string Why { get; }
}
