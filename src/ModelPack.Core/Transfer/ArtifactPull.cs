using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.PartialPulls;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The pull of a ModelPack artifact once its manifest is known: everything the manifest shows is checked before
/// anything is downloaded (the spec: sizes, file paths and their conflicts; the names the snapshot will give the
/// layers; the config's size; free space), then the config is copied and validated, then the layers (concurrently,
/// the first failure stopping the others); <see cref="PullFinish"/> builds the snapshot and tags it.
/// Names the current spec does not use (its earlier <c>vnd.cnai</c> names, other producers' layer types, podman's
/// empty config) do not stop a pull: Test-ModelArtifact reports them. A partial pull (<see cref="PullOptions.Layers"/>)
/// copies only the layers its filter takes, plus those the store holds already; a full one after it copies the rest.
/// </summary>
internal static class ArtifactPull
{
    public static async Task<PullResult> RunAsync(ModelStore store, RegistryRepository repository, PullStart start, PullOptions options, CancellationToken cancellationToken)
    {
        var refName = start.RefName;
        var manifest = start.Resolved.Manifest;
        manifest.ThrowIfUnusable($"The manifest of '{refName}'", refName);
        SnapshotBuilder.CheckLayerNames(manifest.Layers);
        var present = Selection(store, manifest, options, refName);
        var layers = PartialLayers.Pick(manifest.Layers, present);
        var config = manifest.Config!;
        var configSubject = $"The config of '{refName}'";
        var isModelConfig = MediaTypes.IsModelConfig(config.MediaType);
        if (isModelConfig)
        {
            ModelConfig.EnsureReadable(config, configSubject, refName);
        }

        var blobs = new List<Descriptor> { config };
        blobs.AddRange(layers);
        var extracted = layers.Where(l => (l.Packing ?? LayerPacking.Raw) != LayerPacking.Raw);
        using var writes = await store.BeginWritesAsync(start.Resolved.Digest, blobs, extracted, refName, cancellationToken).ConfigureAwait(false);

        var source = new RegistrySource(repository);
        var target = new StoreTarget(store, writes.FlushToDisk, options.Log, options.Fetch());
        var copied = new List<BlobCopyResult>();
        copied.AddRange(await TransferEngine.CopyAsync(source, target, new[] { config }, PullFinish.Copy(options, null), cancellationToken).ConfigureAwait(false));
        ModelConfig? modelConfig = null;
        if (isModelConfig)
        {
            modelConfig = ModelConfig.Parse(store.Layout.ReadBlob(config), configSubject, refName);
            modelConfig.ThrowIfInvalid(configSubject, refName);
        }

        var progress = options.Progress;
        var copy = PullFinish.Copy(options, progress is null ? null : p => progress.Report(PullProgress.OfLayer(refName, p, config.Size)));
        copied.AddRange(await TransferEngine.CopyAsync(source, target, layers, copy, cancellationToken).ConfigureAwait(false));
        var remark = present is null ? string.Empty : $" (partial: {present.Count} of {manifest.Layers.Count} files)";
        var finish = new PullFinish(copied, blobs.Sum(b => b.Size), modelConfig, "Pulled '{0}'", remark) { Present = present };
        return await finish.RunAsync(store, start, writes, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The layers the artifact will hold (null: all): what the filter takes, with what the store holds of this manifest
    /// already (a partial pull never drops files). A snapshot built from other layers is removed, to be built again.
    /// </summary>
    private static IReadOnlyList<int>? Selection(ModelStore store, ModelManifest manifest, PullOptions options, string refName)
    {
        var wanted = options.Layers is { IsEmpty: false } filter ? filter.Select(manifest.Layers, refName) : null;
        var before = store.StoredLayers(manifest, out var stored);
        var present = stored ? PartialLayers.Union(wanted, before) : wanted;
        if (stored && !SameLayers(before, present))
        {
            options.Log?.Invoke(present is null
                ? $"'{refName}' was partial ({before!.Count} of {manifest.Layers.Count} files): downloading the rest."
                : $"'{refName}' is partial: adding {present.Count - (before?.Count ?? 0)} file(s) to the {before?.Count ?? 0} it holds.");
            store.DeleteSnapshot(manifest.Digest);
        }

        return present;
    }

    private static bool SameLayers(IReadOnlyList<int>? a, IReadOnlyList<int>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);
}
