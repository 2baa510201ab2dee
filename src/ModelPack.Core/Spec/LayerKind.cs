namespace ModelPack.Core.Spec;

/// <summary>What a ModelPack layer holds, read from its media type.</summary>
public enum LayerKind
{
    Weight,
    WeightConfig,
    Doc,
    Code,
    Dataset,
}
