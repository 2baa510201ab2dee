using ModelPack.Core.Spec;

namespace ModelPack;

/// <summary>One file (or, for tar layers, one directory tree) of a model: a layer as the user sees it.</summary>
public sealed class ModelFile
{
    public ModelFile(Descriptor layer)
    {
        Layer = layer;
        Path = layer.Filepath ?? layer.Title ?? layer.Digest;
        Kind = layer.Kind;
        Packing = layer.Packing;
    }

    /// <summary>The file's path inside the model (org.cncf.model.filepath).</summary>
    public string Path { get; }

    public LayerKind? Kind { get; }

    public LayerPacking? Packing { get; }

    public string MediaType => Layer.MediaType;

    public string Digest => Layer.Digest;

    public long Size => Layer.Size;

    /// <summary>True when a partial Save left this file out: it is not in the store (only for stored artifacts).</summary>
    public bool Skipped { get; internal set; }

    /// <summary>The layer descriptor this file comes from.</summary>
    public Descriptor Layer { get; }

    public override string ToString() => Path;
}
