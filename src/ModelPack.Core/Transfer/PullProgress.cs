namespace ModelPack.Core.Transfer;

/// <summary>One progress report of a pull: a layer's bytes, or the artifact's overall stage.</summary>
public sealed class PullProgress
{
    /// <param name="layer">The layer's report from the copy engine, for <see cref="PullStage.Downloading"/> and <see cref="PullStage.LayerDone"/>.</param>
    internal PullProgress(string reference, PullStage stage, long artifactBytesDone, long artifactBytesTotal, TransferProgress? layer = null)
    {
        Reference = reference;
        Stage = stage;
        LayerDigest = layer?.Blob.Digest;
        LayerPath = layer?.Blob.Filepath ?? layer?.Blob.Title;
        BytesDone = layer?.BlobBytesDone ?? 0;
        BytesTotal = layer?.Blob.Size ?? 0;
        ArtifactBytesDone = artifactBytesDone;
        ArtifactBytesTotal = artifactBytesTotal;
    }

    public string Reference { get; }

    public PullStage Stage { get; }

    /// <summary>The layer this report is about (null for artifact-level stages).</summary>
    public string? LayerDigest { get; }

    public string? LayerPath { get; }

    public long BytesDone { get; }

    public long BytesTotal { get; }

    public long ArtifactBytesDone { get; }

    public long ArtifactBytesTotal { get; }

    /// <summary>A layer's report; <paramref name="before"/> is what the pull had done before this copy (its config).</summary>
    internal static PullProgress OfLayer(string reference, TransferProgress layer, long before = 0) =>
        new(reference, layer.Outcome is null ? PullStage.Downloading : PullStage.LayerDone, before + layer.BytesDone, before + layer.BytesTotal, layer);
}
