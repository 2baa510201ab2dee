using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The one progress shape of a copy, reported from transfer threads: one blob's bytes (or, with
/// <see cref="Outcome"/>, that it is done and how: transferred, already there, mounted) and the copy's totals.
/// </summary>
internal sealed class TransferProgress
{
    public TransferProgress(Descriptor blob, int index, long blobBytesDone, BlobCopyOutcome? outcome, long bytesDone, long bytesTotal)
    {
        Blob = blob;
        Index = index;
        BlobBytesDone = blobBytesDone;
        Outcome = outcome;
        BytesDone = bytesDone;
        BytesTotal = bytesTotal;
    }

    public Descriptor Blob { get; }

    /// <summary>The blob's position in the descriptors given to the copy.</summary>
    public int Index { get; }

    public long BlobBytesDone { get; }

    /// <summary>Set once the blob is done; null while its bytes are on their way.</summary>
    public BlobCopyOutcome? Outcome { get; }

    /// <summary>Bytes of all the copy's blobs that are at the target or on their way.</summary>
    public long BytesDone { get; }

    public long BytesTotal { get; }
}
