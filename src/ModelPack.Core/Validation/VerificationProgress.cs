namespace ModelPack.Core.Validation;

/// <summary>What a store verification is hashing, or which blob a repair is downloading again.</summary>
public sealed class VerificationProgress
{
    public VerificationProgress(string item, int itemsDone, int itemsTotal, long bytesDone = 0, long bytesTotal = 0)
    {
        Item = item;
        ItemsDone = itemsDone;
        ItemsTotal = itemsTotal;
        BytesDone = bytesDone;
        BytesTotal = bytesTotal;
    }

    /// <summary>"manifest", a layer's file path or JSON path, "snapshot", or "download &lt;path&gt;" during a repair.</summary>
    public string Item { get; }

    public int ItemsDone { get; }

    public int ItemsTotal { get; }

    /// <summary>Bytes of the current download (repairs only).</summary>
    public long BytesDone { get; }

    public long BytesTotal { get; }
}
