namespace ModelPack.Core.Packing;

/// <summary>A layer streamed into the store's tmp/, hashed, not yet published.</summary>
internal sealed class WrittenLayer
{
    public WrittenLayer(PlannedLayer layer, string tempFile, string digest, long size, string diffId)
    {
        Layer = layer;
        TempFile = tempFile;
        Digest = digest;
        Size = size;
        DiffId = diffId;
    }

    public PlannedLayer Layer { get; }

    public string TempFile { get; }

    public string Digest { get; }

    public long Size { get; }

    /// <summary>The digest of the uncompressed content: the file for raw layers, the tar for tar layers.</summary>
    public string DiffId { get; }

    /// <summary>Whether the temp file is a reflink clone of the source file (no data copied).</summary>
    public bool Cloned { get; set; }
}
