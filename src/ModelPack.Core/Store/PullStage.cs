namespace ModelPack.Core.Store;

/// <summary>Where a pull is.</summary>
public enum PullStage
{
    Resolving,
    Downloading,
    LayerDone,
    Materializing,
    Completed,
}
