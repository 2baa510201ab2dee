using ModelPack.Core.Transfer;

namespace ModelPack.Core.Packing;

/// <summary>One progress report of a publish: a blob's bytes, or the publish's overall stage.</summary>
public sealed class PublishProgress
{
    /// <param name="blob">The blob's report from the copy engine (<see cref="PublishStage.Uploading"/>, <see cref="PublishStage.BlobDone"/>).</param>
    /// <param name="blobPath">How the blob is named: its file path, or "config".</param>
    internal PublishProgress(string destination, PublishStage stage, long bytesDone, long bytesTotal, TransferProgress? blob = null, string? blobPath = null)
    {
        Destination = destination;
        Stage = stage;
        BlobDigest = blob?.Blob.Digest;
        BlobPath = blobPath;
        BlobBytesDone = blob?.BlobBytesDone ?? 0;
        BlobBytesTotal = blob?.Blob.Size ?? 0;
        Outcome = blob?.Outcome;
        BytesDone = blob?.BytesDone ?? bytesDone;
        BytesTotal = blob?.BytesTotal ?? bytesTotal;
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
