using System;
using System.Collections.Generic;
using System.Linq;
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
/// (concurrently, the first failure stopping the others); <see cref="PullFinish"/> makes the image's <c>/models</c>
/// the snapshot and tags it.
/// </summary>
internal static class ImagePull
{
    public static async Task<PullResult> RunAsync(ModelStore store, RegistryRepository repository, PullStart start, PullOptions options, CancellationToken cancellationToken)
    {
        var refName = start.RefName;
        var manifest = start.Resolved.Manifest;
        ImageSnapshotBuilder.CheckLayers(manifest.Layers, refName);
        var config = manifest.Config!;
        ModelConfig.EnsureReadable(config, $"The image config of '{refName}'", refName);
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        using var writes = await store.BeginWritesAsync(start.Resolved.Digest, blobs, Array.Empty<Descriptor>(), refName, cancellationToken).ConfigureAwait(false);
        var progress = options.Progress;
        var copy = PullFinish.Copy(options, progress is null ? null : p => progress.Report(PullProgress.OfLayer(refName, p)));
        var copied = await TransferEngine.CopyAsync(new RegistrySource(repository), new StoreTarget(store, writes.FlushToDisk, options.Log, options.Fetch()), blobs, copy, cancellationToken).ConfigureAwait(false);
        var finish = new PullFinish(copied, blobs.Sum(b => b.Size), null, "Pulled image '{0}'", $"; its /{ModelImage.ModelsDirectory} is the snapshot");
        return await finish.RunAsync(store, start, writes, options, cancellationToken).ConfigureAwait(false);
    }
}
