namespace ModelPack.Core.Packing;

/// <summary>Where a publish is.</summary>
public enum PublishStage
{
    /// <summary>Asking the registry what it has (the tag, then each blob).</summary>
    Checking,

    /// <summary>Bytes of one blob going up.</summary>
    Uploading,

    /// <summary>One blob is in the repository (uploaded, mounted or already there).</summary>
    BlobDone,

    /// <summary>Pushing the manifest.</summary>
    Manifest,

    Completed,
}
