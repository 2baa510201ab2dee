namespace ModelPack.Core.Packing;

/// <summary>Where a pack is.</summary>
public enum PackStage
{
    /// <summary>Walking the folder and checking every file (no data read yet).</summary>
    Scanning,

    /// <summary>Streaming one file into the store's temp directory while hashing it.</summary>
    Packing,

    /// <summary>One layer is hashed and waits in tmp/.</summary>
    LayerDone,

    /// <summary>Config and manifest validated; blobs published and the snapshot built.</summary>
    Storing,

    Completed,
}
