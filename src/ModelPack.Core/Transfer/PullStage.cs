namespace ModelPack.Core.Transfer;

/// <summary>Where a pull is.</summary>
public enum PullStage
{
    Resolving,
    Downloading,
    LayerDone,
    Materializing,

    /// <summary>The snapshot is complete; the reference is being recorded in the store's index.</summary>
    Tagging,
    Completed,
}
