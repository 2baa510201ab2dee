namespace ModelPack.Core.Registry;

/// <summary>The outcome of <see cref="RegistryClient.DownloadBlobAsync"/>.</summary>
public sealed class BlobDownloadResult
{
    internal BlobDownloadResult(BlobDownloadStatus status, string digest, long size, long bytesTransferred)
    {
        Status = status;
        Digest = digest;
        Size = size;
        BytesTransferred = bytesTransferred;
    }

    public BlobDownloadStatus Status { get; }

    public string Digest { get; }

    public long Size { get; }

    /// <summary>Bytes received and written by this call (without the offset).</summary>
    public long BytesTransferred { get; }

    public override string ToString() => $"{Status} {Digest} ({BytesTransferred} of {Size} bytes transferred)";
}
