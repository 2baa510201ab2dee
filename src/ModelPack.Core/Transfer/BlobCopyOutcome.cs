namespace ModelPack.Core.Transfer;

/// <summary>How a blob got to the target of a copy.</summary>
public enum BlobCopyOutcome
{
    /// <summary>Its bytes were sent (downloaded into the store, or uploaded to the registry).</summary>
    Transferred,

    /// <summary>The target had it already; nothing was sent.</summary>
    AlreadyExists,

    /// <summary>The registry mounted it from another of its repositories; nothing was sent.</summary>
    Mounted,
}
