using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>A manifest reachable from a layout's index.json, with the name it is tagged under.</summary>
public sealed class LayoutEntry
{
    public LayoutEntry(Descriptor descriptor, string? refName, ModelManifest manifest, Descriptor rootDescriptor)
    {
        Descriptor = descriptor;
        RefName = refName;
        Manifest = manifest;
        RootDescriptor = rootDescriptor;
    }

    /// <summary>The descriptor that points at the manifest (in index.json or in a nested index).</summary>
    public Descriptor Descriptor { get; }

    /// <summary>The org.opencontainers.image.ref.name of the index.json entry it was reached from; null when untagged.</summary>
    public string? RefName { get; }

    /// <summary>The manifest, parsed from bytes verified against <see cref="Descriptor"/>.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The index.json entry this manifest was reached from: <see cref="Descriptor"/> itself unless nested.</summary>
    public Descriptor RootDescriptor { get; }

    public string Digest => Descriptor.Digest;

    public override string ToString() => $"{RefName ?? "<untagged>"} {Descriptor.Digest}";
}
