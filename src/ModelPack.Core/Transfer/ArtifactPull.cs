using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The pull of a ModelPack artifact once its manifest is known: everything the manifest shows is checked before
/// anything is downloaded (the spec: sizes, file paths and their conflicts; the names the snapshot will give the
/// layers; the config's size; free space), then the config is copied and validated, then the layers (concurrently,
/// the first failure stopping the others); <see cref="PullFinish"/> builds the snapshot and tags it.
/// </summary>
internal static class ArtifactPull
{
    public static async Task<PullResult> RunAsync(ModelStore store, RegistryRepository repository, PullStart start, PullOptions options, CancellationToken cancellationToken)
    {
        var refName = start.RefName;
        var manifest = start.Resolved.Manifest;
        manifest.ThrowIfInvalid($"The manifest of '{refName}'", refName);
        SnapshotBuilder.CheckLayerNames(manifest.Layers);
        var config = manifest.Config!;
        var configSubject = $"The config of '{refName}'";
        ModelConfig.EnsureReadable(config, configSubject, refName);
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        var extracted = manifest.Layers.Where(l => (l.Packing ?? LayerPacking.Raw) != LayerPacking.Raw);
        using var writes = await store.BeginWritesAsync(start.Resolved.Digest, blobs, extracted, refName, cancellationToken).ConfigureAwait(false);

        var source = new RegistrySource(repository);
        var target = new StoreTarget(store, writes.FlushToDisk, options.Log, options.Fetch());
        var copied = new List<BlobCopyResult>();
        copied.AddRange(await TransferEngine.CopyAsync(source, target, new[] { config }, PullFinish.Copy(options, null), cancellationToken).ConfigureAwait(false));
        var modelConfig = ModelConfig.Parse(store.Layout.ReadBlob(config), configSubject, refName);
        modelConfig.ThrowIfInvalid(configSubject, refName);

        var progress = options.Progress;
        var layers = PullFinish.Copy(options, progress is null ? null : p => progress.Report(PullProgress.OfLayer(refName, p, config.Size)));
        copied.AddRange(await TransferEngine.CopyAsync(source, target, manifest.Layers, layers, cancellationToken).ConfigureAwait(false));
        return await new PullFinish(copied, blobs.Sum(b => b.Size), modelConfig, "Pulled '{0}'").RunAsync(store, start, writes, options, cancellationToken).ConfigureAwait(false);
    }
}
