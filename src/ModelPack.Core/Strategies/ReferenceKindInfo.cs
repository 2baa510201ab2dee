namespace ModelPack.Core.Strategies;

/// <summary>What a reference turned out to be, and where that was learnt: what strategy selection needs.</summary>
public sealed class ReferenceKindInfo
{
    public ReferenceKindInfo(string reference, ReferenceKind kind, bool hasTarLayers, string source, ModelArtifact? local = null)
    {
        Reference = reference;
        Kind = kind;
        HasTarLayers = hasTarLayers;
        Source = source;
        Local = local;
    }

    public string Reference { get; }

    public ReferenceKind Kind { get; }

    /// <summary>A ModelPack artifact with tar-packed layers, which podman's artifact mounts cannot unpack.</summary>
    public bool HasTarLayers { get; }

    /// <summary>The store that holds it (a strategy name) or "registry".</summary>
    public string Source { get; }

    /// <summary>The local copy the answer came from, when it came from a local store.</summary>
    public ModelArtifact? Local { get; }

    public override string ToString() => $"{Reference}: {Kind} (from {Source})";
}
