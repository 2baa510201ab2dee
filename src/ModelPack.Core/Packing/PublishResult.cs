using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Packing;

/// <summary>What a publish did.</summary>
public sealed class PublishResult
{
    internal PublishResult(ModelArtifact artifact, IReadOnlyList<BlobCopyResult> blobs, bool manifestPushed)
    {
        Artifact = artifact;
        Blobs = blobs;
        ManifestPushed = manifestPushed;
    }

    /// <summary>The artifact in the registry (Strategy Remote), with the exact manifest that was pushed.</summary>
    public ModelArtifact Artifact { get; }

    public string Digest => Artifact.Digest;

    /// <summary>Every blob (config first, then layers), with how it got there. Empty when the tag already named the manifest.</summary>
    public IReadOnlyList<BlobCopyResult> Blobs { get; }

    /// <summary>False when the destination tag already pointed at this manifest (nothing was sent).</summary>
    public bool ManifestPushed { get; }

    public bool UpToDate => !ManifestPushed;

    public int BlobsUploaded => Blobs.Count(b => b.Outcome == BlobCopyOutcome.Transferred);

    public int BlobsMounted => Blobs.Count(b => b.Outcome == BlobCopyOutcome.Mounted);

    public int BlobsExisting => Blobs.Count(b => b.Outcome == BlobCopyOutcome.AlreadyExists);

    /// <summary>Request body bytes sent for blobs, re-sent ones included.</summary>
    public long BytesUploaded => Blobs.Sum(b => b.BytesTransferred);
}
