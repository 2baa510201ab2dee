namespace ModelPack.Core.Packing;

/// <summary>What a pack produced.</summary>
public sealed class PackResult
{
    internal PackResult(ModelArtifact artifact, PackPlan plan, string? previousDigest, long bytesRead)
    {
        Artifact = artifact;
        Plan = plan;
        PreviousDigest = previousDigest;
        BytesRead = bytesRead;
    }

    /// <summary>The artifact in the local store (Strategy HttpBind, Path its snapshot).</summary>
    public ModelArtifact Artifact { get; }

    /// <summary>The plan that was carried out: layers, skipped files, unclassified files, notes.</summary>
    public PackPlan Plan { get; }

    /// <summary>The digest the reference pointed at before this pack, if it pointed at any.</summary>
    public string? PreviousDigest { get; }

    /// <summary>Source bytes read (each file once).</summary>
    public long BytesRead { get; }
}
