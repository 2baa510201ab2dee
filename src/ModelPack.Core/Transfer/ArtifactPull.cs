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
/// the first failure stopping the others), the snapshot is built and the reference tagged.
/// </summary>
internal static class ArtifactPull
{
    public static async Task<PullResult> RunAsync(ModelStore store, RegistryRepository repository, PullStart start, PullOptions options, CancellationToken cancellationToken)
    {
        var log = options.Log;
        var refName = start.RefName;
        var resolved = start.Resolved;
        var manifest = resolved.Manifest;
        manifest.ThrowIfInvalid($"The manifest of '{refName}'", refName);
        SnapshotBuilder.CheckLayerNames(manifest.Layers);
        var config = manifest.Config!;
        var configSubject = $"The config of '{refName}'";
        ModelConfig.EnsureReadable(config, configSubject, refName);
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        var extracted = manifest.Layers.Where(l => (l.Packing ?? LayerPacking.Raw) != LayerPacking.Raw);
        using var writes = await store.BeginWritesAsync(resolved.Digest, blobs, extracted, refName, cancellationToken).ConfigureAwait(false);

        var source = new RegistrySource(repository);
        var target = new StoreTarget(store, writes.FlushToDisk, log);
        var copied = new List<BlobCopyResult>();
        copied.AddRange(await TransferEngine.CopyAsync(source, target, new[] { config }, Copy(options, null), cancellationToken).ConfigureAwait(false));
        var modelConfig = ModelConfig.Parse(store.Layout.ReadBlob(config), configSubject, refName);
        modelConfig.ThrowIfInvalid(configSubject, refName);

        var progress = options.Progress;
        var total = blobs.Sum(b => b.Size);
        copied.AddRange(await TransferEngine.CopyAsync(source, target, manifest.Layers, Copy(options, progress is null ? null : p => progress.Report(PullProgress.OfLayer(refName, p, config.Size))), cancellationToken).ConfigureAwait(false));

        progress?.Report(new PullProgress(refName, PullStage.Materializing, total, total));
        if (options.Force)
        {
            store.DeleteSnapshot(manifest.Digest);
        }

        var snapshot = await store.BuildSnapshotAsync(manifest, refName, cancellationToken).ConfigureAwait(false);
        progress?.Report(new PullProgress(refName, PullStage.Tagging, total, total));
        store.Tag(refName, resolved, writes, cancellationToken);
        var artifact = new ModelArtifact(refName, manifest, modelConfig, ModelStore.StrategyName, snapshot, store.Root);
        progress?.Report(new PullProgress(refName, PullStage.Completed, total, total));
        var (transferred, downloaded) = Count(copied);
        log?.Invoke($"Pulled '{refName}' ({manifest.Digest}): {downloaded} blob(s), {transferred} bytes transferred.");
        return new PullResult(artifact, upToDate: false, transferred, downloaded);
    }

    /// <summary>The copy options of a pull's blobs.</summary>
    internal static CopyOptions Copy(PullOptions options, System.Action<TransferProgress>? progress) =>
        new() { Concurrency = options.Concurrency, Force = options.Force, Log = options.Log, Progress = progress };

    /// <summary>Bytes transferred and blobs that needed any.</summary>
    internal static (long Transferred, int Downloaded) Count(IEnumerable<BlobCopyResult> copied)
    {
        var list = copied.ToList();
        return (list.Sum(c => c.BytesTransferred), list.Count(c => c.BytesTransferred > 0));
    }
}
