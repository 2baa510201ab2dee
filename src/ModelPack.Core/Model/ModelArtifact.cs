using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack;

/// <summary>A ModelPack model: where it is, what it is, and its files. The main pipeline object.</summary>
public sealed class ModelArtifact
{
    private string? digestOverride;
    private long? sizeOverride;

    public ModelArtifact(string reference, ModelManifest manifest, ModelConfig? config, string strategy, string? path, string? storePath = null)
    {
        StorePath = storePath ?? path;
        Reference = reference ?? throw new ArgumentNullException(nameof(reference));
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        Config = config;
        Strategy = strategy;
        Path = path;
        Files = manifest.Layers.Select(l => new ModelFile(l)).ToArray();
        var namesRegistry = ModelReference.TryParse(reference, out var parsed, out _) &&
            (parsed!.Registry != ModelReference.DockerHub || reference.StartsWith(ModelReference.DockerHub + "/", StringComparison.Ordinal));
        if (namesRegistry)
        {
            Registry = parsed!.Registry;
            Repository = parsed.Repository;
            Tag = parsed.Tag;
        }
        else
        {
            // A layout ref name ("tiny:1.0") names no registry: keep it as the user wrote it.
            var colon = reference.LastIndexOf(':');
            var slash = reference.LastIndexOf('/');
            Repository = colon > slash ? reference.Substring(0, colon) : reference;
            Tag = colon > slash ? reference.Substring(colon + 1) : null;
        }
    }

    /// <summary>
    /// An artifact in an engine's store whose manifest bytes are not the registry's: podman prints a re-serialised
    /// manifest (<c>podman artifact inspect</c>) or none at all (images), so the digest and size it reports are given.
    /// </summary>
    /// <param name="manifestDigest">The real manifest digest, when <paramref name="manifest"/> is not the original bytes.</param>
    /// <param name="size">The size the store reports, when the manifest's descriptors cannot say it.</param>
    internal static ModelArtifact InEngineStore(string reference, ModelManifest manifest, string strategy, string? manifestDigest, long? size) =>
        new(reference, manifest, null, strategy, null) { digestOverride = manifestDigest, sizeOverride = size };

    /// <summary>The full reference (registry/repository:tag), or the layout ref name.</summary>
    public string Reference { get; }

    public string? Registry { get; }

    public string? Repository { get; }

    public string? Tag { get; }

    /// <summary>The manifest digest.</summary>
    public string Digest => digestOverride ?? Manifest.Digest;

    /// <summary>Manifest, config and layer bytes together (for podman images: what podman reports).</summary>
    public long Size => sizeOverride ?? Manifest.Size + (Manifest.Config?.Size ?? 0) + Manifest.Layers.Sum(l => l.Size);

    /// <summary>The model's name from its config, if any.</summary>
    public string? Name => Config?.Descriptor.Name;

    /// <summary>Where the artifact lives: HttpBind (local store), PodmanArtifact, PodmanImage, Layout, Remote.</summary>
    public string Strategy { get; }

    /// <summary>Where the model's files are: the store snapshot, or the layout directory (null for remote artifacts).</summary>
    public string? Path { get; }

    /// <summary>The OCI layout (store or layout directory) that holds its blobs; null for remote artifacts.</summary>
    public string? StorePath { get; }

    public ModelManifest Manifest { get; }

    public ModelConfig? Config { get; }

    public IReadOnlyList<ModelFile> Files { get; }

    /// <summary>True when a partial Save (-Include, -Exclude, -Kind) downloaded only some of its files: see <see cref="ModelFile.Skipped"/>.</summary>
    public bool Partial => PresentLayers is not null;

    /// <summary>For a partial artifact, the indices (manifest order) of the layers that are present; null when all are.</summary>
    public IReadOnlyList<int>? PresentLayers { get; private set; }

    /// <summary>The layers that are present: all of them unless <see cref="Partial"/>.</summary>
    public IReadOnlyList<Descriptor> PresentLayerDescriptors => Core.PartialPulls.PartialLayers.Pick(Manifest.Layers, PresentLayers);

    /// <summary>Marks the files a partial pull left out.</summary>
    internal ModelArtifact WithPresentLayers(IReadOnlyList<int>? present)
    {
        PresentLayers = present;
        for (var i = 0; i < Files.Count; i++)
        {
            Files[i].Skipped = present is not null && !present.Contains(i);
        }

        return this;
    }

    public override string ToString() => Reference;
}
