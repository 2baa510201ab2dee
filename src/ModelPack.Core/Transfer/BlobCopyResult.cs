namespace ModelPack.Core.Transfer;

/// <summary>What a copy did for one blob.</summary>
public sealed class BlobCopyResult
{
    internal BlobCopyResult(string digest, long size, BlobCopyOutcome outcome, long bytesTransferred, int resumes = 0, string? mountedFrom = null)
    {
        Digest = digest;
        Size = size;
        Outcome = outcome;
        BytesTransferred = bytesTransferred;
        Resumes = resumes;
        MountedFrom = mountedFrom;
    }

    public string Digest { get; }

    public long Size { get; }

    public BlobCopyOutcome Outcome { get; }

    /// <summary>The repository the blob was mounted from, when it was.</summary>
    public string? MountedFrom { get; }

    /// <summary>Bytes sent over the network for it, sent-again ones included (0 when it was there or mounted).</summary>
    public long BytesTransferred { get; }

    /// <summary>How many times its transfer was resumed or started over after an interruption.</summary>
    public int Resumes { get; }

    public override string ToString() => $"{Digest} {Outcome}";
}
