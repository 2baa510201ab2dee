using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Images;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The pull of a model packaged as a container image once its manifest is known: every layer is checked to be a
/// readable rootfs layer and the config's size readable before any is downloaded; config and layers are copied
/// (concurrently, the first failure stopping the others), the image's <c>/models</c> becomes the snapshot, and
/// the reference is tagged.
/// </summary>
internal static class ImagePull
{
    public static async Task<PullResult> RunAsync(ModelStore store, RegistryRepository repository, PullStart start, PullOptions options, CancellationToken cancellationToken)
    {
        var refName = start.RefName;
        var resolved = start.Resolved;
        var manifest = resolved.Manifest;
        ImageSnapshotBuilder.CheckLayers(manifest.Layers, refName);
        var config = manifest.Config!;
        ModelConfig.EnsureReadable(config, $"The image config of '{refName}'", refName);
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        using var writes = await store.BeginWritesAsync(resolved.Digest, blobs, Array.Empty<Descriptor>(), refName, cancellationToken).ConfigureAwait(false);
        var progress = options.Progress;
        var copy = ArtifactPull.Copy(options, progress is null ? null : p => progress.Report(PullProgress.OfLayer(refName, p)));
        var copied = await TransferEngine.CopyAsync(new RegistrySource(repository), new StoreTarget(store, writes.FlushToDisk, options.Log), blobs, copy, cancellationToken).ConfigureAwait(false);

        progress?.Report(new PullProgress(refName, PullStage.Materializing, 0, 0));
        if (options.Force)
        {
            store.DeleteSnapshot(manifest.Digest);
        }

        var snapshot = await store.BuildSnapshotAsync(manifest, refName, cancellationToken).ConfigureAwait(false);
        store.Tag(refName, resolved, writes, cancellationToken);
        var artifact = new ModelArtifact(refName, manifest, null, ModelStore.StrategyName, snapshot, store.Root);
        progress?.Report(new PullProgress(refName, PullStage.Completed, artifact.Size, artifact.Size));
        var (transferred, downloaded) = ArtifactPull.Count(copied);
        options.Log?.Invoke($"Pulled image '{refName}' ({manifest.Digest}): {downloaded} blob(s), {transferred} bytes transferred; its /{ModelImage.ModelsDirectory} is the snapshot.");
        return new PullResult(artifact, upToDate: false, transferred, downloaded);
    }
}
