namespace ModelPack.Core.Strategies;

/// <summary>What a reference turned out to be, and where that was learnt: what strategy selection needs.</summary>
public sealed class ReferenceKindInfo
{
    public ReferenceKindInfo(string reference, ReferenceKind kind, PodmanArtifactMountability? podmanMounts, string source, ModelArtifact? local = null)
        : this(reference, kind, podmanMounts, source, local, null)
    {
    }

    internal ReferenceKindInfo(string reference, ReferenceKind kind, PodmanArtifactMountability? podmanMounts, string source, ModelArtifact? local, Registry.ManifestAnswer? answer)
    {
        Answer = answer;
        Reference = reference;
        Kind = kind;
        PodmanMounts = kind == ReferenceKind.Artifact ? podmanMounts : null;
        Source = source;
        Local = local;
    }

    public string Reference { get; }

    public ReferenceKind Kind { get; }

    /// <summary>For a ModelPack artifact, whether podman's per-layer artifact mounts can show it (not with tar layers or two layers of one digest); null for images.</summary>
    public PodmanArtifactMountability? PodmanMounts { get; }

    /// <summary>The store that holds it (a strategy name) or "registry".</summary>
    public string Source { get; }

    /// <summary>The local copy the answer came from, when it came from a local store.</summary>
    public ModelArtifact? Local { get; }

    /// <summary>The registry answer the kind was decided on, for the pull to carry on (only on a fresh lookup, never from the cache).</summary>
    internal Registry.ManifestAnswer? Answer { get; }

    /// <summary>This answer without the registry's manifest, as the session cache keeps it.</summary>
    internal ReferenceKindInfo WithoutAnswer() => Answer is null ? this : new ReferenceKindInfo(Reference, Kind, PodmanMounts, Source, Local, null);

    public override string ToString() => $"{Reference}: {Kind} (from {Source})";
}
