using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// Whether podman's per-layer artifact mounts (<c>--mount=type=artifact,src=REF,digest=LAYER,destination=PATH</c>)
/// can show a model's files at their file paths. Two kinds of artifact cannot: one with tar layers (podman mounts
/// each layer as the blob it is and never unpacks it), and one where two layers have the same digest (identical
/// files, such as two empty ones: podman refuses a <c>digest=</c> that matches more than one layer with "more than
/// one match for the digest", and the whole container fails to start).
/// </summary>
public sealed class PodmanArtifactMountability
{
    private PodmanArtifactMountability(string? blocker, string? requirement, IReadOnlyList<string> layers)
    {
        Blocker = blocker;
        Requirement = requirement;
        Layers = layers;
    }

    /// <summary>What stops the mounts ("this artifact has tar layers ('docs')"); null when podman can mount it.</summary>
    public string? Blocker { get; }

    /// <summary>The rule the artifact breaks, for StrategyUnavailable messages; null when podman can mount it.</summary>
    public string? Requirement { get; }

    /// <summary>The layers (file paths, else titles or digests) that cannot be mounted.</summary>
    public IReadOnlyList<string> Layers { get; }

    public bool CanMount => Blocker is null;

    public static PodmanArtifactMountability Of(ModelManifest manifest)
    {
        if (manifest is null)
        {
            throw new System.ArgumentNullException(nameof(manifest));
        }

        var archives = manifest.Layers.Where(l => (l.Packing ?? LayerPacking.Raw) != LayerPacking.Raw).Select(NameOf).ToList();
        if (archives.Count > 0)
        {
            return new PodmanArtifactMountability(
                $"this artifact has tar layers ({Quoted(archives)})",
                "cannot mount tar layers (podman mounts each layer as the blob it is, without unpacking it)",
                archives);
        }

        var shared = manifest.Layers.GroupBy(l => l.Digest).Where(g => g.Count() > 1).ToList();
        if (shared.Count > 0)
        {
            var layers = shared.SelectMany(g => g.Select(NameOf)).ToList();
            var digests = string.Join(", ", shared.Select(g => g.Key));
            return new PodmanArtifactMountability(
                $"its layers {Quoted(layers)} have the same digest ({digests})",
                "cannot mount two layers with the same digest (identical files: podman finds 'more than one match for the digest' and the container does not start)",
                layers);
        }

        return new PodmanArtifactMountability(null, null, new List<string>());
    }

    private static string NameOf(Descriptor layer) => layer.Filepath ?? layer.Title ?? layer.Digest;

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(DisplayText.Quote));
}
