namespace ModelPack.Core.Transfer;

/// <summary>One progress report of a pull: a layer's bytes, or the artifact's overall stage.</summary>
public sealed class PullProgress
{
    public PullProgress(string reference, PullStage stage, string? layerDigest, string? layerPath, long bytesDone, long bytesTotal, long artifactBytesDone, long artifactBytesTotal)
    {
        Reference = reference;
        Stage = stage;
        LayerDigest = layerDigest;
        LayerPath = layerPath;
        BytesDone = bytesDone;
        BytesTotal = bytesTotal;
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
}
