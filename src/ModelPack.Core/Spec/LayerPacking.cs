namespace ModelPack.Core.Spec;

/// <summary>How a ModelPack layer's bytes are packed, read from its media type.</summary>
public enum LayerPacking
{
    Raw,
    Tar,
    TarGzip,
    TarZstd,
}
