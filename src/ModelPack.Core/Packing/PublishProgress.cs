using ModelPack.Core.Transfer;

namespace ModelPack.Core.Packing;

/// <summary>One progress report of a publish: a blob's bytes, or the publish's overall stage.</summary>
public sealed class PublishProgress
{
    public PublishProgress(string destination, PublishStage stage, string? blobDigest, string? blobPath, long blobBytesDone, long blobBytesTotal, BlobCopyOutcome? outcome, long bytesDone, long bytesTotal)
    {
        Destination = destination;
        Stage = stage;
        BlobDigest = blobDigest;
        BlobPath = blobPath;
        BlobBytesDone = blobBytesDone;
        BlobBytesTotal = blobBytesTotal;
        Outcome = outcome;
        BytesDone = bytesDone;
        BytesTotal = bytesTotal;
    }

    public string Destination { get; }

    public PublishStage Stage { get; }

    public string? BlobDigest { get; }

    /// <summary>The layer's file path, or "config".</summary>
    public string? BlobPath { get; }

    public long BlobBytesDone { get; }

    public long BlobBytesTotal { get; }

    /// <summary>How the blob got there (with <see cref="PublishStage.BlobDone"/>).</summary>
    public BlobCopyOutcome? Outcome { get; }

    /// <summary>Bytes of all blobs that are in the repository or on their way.</summary>
    public long BytesDone { get; }

    public long BytesTotal { get; }
}
