namespace ModelPack.Core.Transfer;

/// <summary>What a pull did.</summary>
public sealed class PullResult
{
    public PullResult(ModelArtifact artifact, bool upToDate, long bytesDownloaded, int blobsDownloaded)
    {
        Artifact = artifact;
        UpToDate = upToDate;
        BytesDownloaded = bytesDownloaded;
        BlobsDownloaded = blobsDownloaded;
    }

    public ModelArtifact Artifact { get; }

    /// <summary>True when the store already had this exact manifest and its snapshot (one manifest HEAD decided).</summary>
    public bool UpToDate { get; }

    public long BytesDownloaded { get; }

    public int BlobsDownloaded { get; }
}
