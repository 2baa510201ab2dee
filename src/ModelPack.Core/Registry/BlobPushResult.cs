namespace ModelPack.Core.Registry;

/// <summary>What <see cref="RegistryClient.PushBlobAsync"/> did for one blob.</summary>
public sealed class BlobPushResult
{
    internal BlobPushResult(string digest, long size, BlobPushOutcome outcome, string? mountedFrom, long bytesSent, int resumes)
    {
        Digest = digest;
        Size = size;
        Outcome = outcome;
        MountedFrom = mountedFrom;
        BytesSent = bytesSent;
        Resumes = resumes;
    }

    public string Digest { get; }

    public long Size { get; }

    public BlobPushOutcome Outcome { get; }

    /// <summary>The repository the blob was mounted from, when it was.</summary>
    public string? MountedFrom { get; }

    /// <summary>Request body bytes sent, re-sent ones included.</summary>
    public long BytesSent { get; }

    /// <summary>How many times the upload was resumed or restarted after an interruption.</summary>
    public int Resumes { get; }

    public override string ToString() => $"{Digest} {Outcome}";
}
