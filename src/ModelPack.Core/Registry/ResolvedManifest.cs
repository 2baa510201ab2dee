using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// The image manifest a reference leads to: directly, or through an index whose ModelPack (or
/// linux/amd64) entry was chosen. <see cref="Manifest"/> may be an ordinary image manifest;
/// <see cref="ModelManifest.IsModelArtifact"/> tells.
/// </summary>
internal sealed class ResolvedManifest
{
    internal ResolvedManifest(ModelManifest manifest, FetchedManifest fetched, FetchedManifest? index)
    {
        Manifest = manifest;
        Fetched = fetched;
        Index = index;
    }

    public ModelManifest Manifest { get; }

    /// <summary>The manifest's verified bytes, media type and digest.</summary>
    public FetchedManifest Fetched { get; }

    public string Digest => Fetched.Digest;

    public string MediaType => Fetched.MediaType;

    /// <summary>The index the reference named, when it named one.</summary>
    public FetchedManifest? Index { get; }

    public override string ToString() => Index is null ? Digest : $"{Digest} (from index {Index.Digest})";
}
