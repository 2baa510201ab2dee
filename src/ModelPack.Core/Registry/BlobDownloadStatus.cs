namespace ModelPack.Core.Registry;

/// <summary>How a blob download ended (failures throw).</summary>
public enum BlobDownloadStatus
{
    /// <summary>All bytes were written and the digest and size verified.</summary>
    Completed,

    /// <summary>
    /// A download from an offset was answered with the whole blob (the server ignored Range) or a
    /// range that does not start at the offset. Nothing was written: restart from offset 0.
    /// </summary>
    RestartRequired,
}
