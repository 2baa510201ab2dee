using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

public sealed partial class ModelStore
{
    /// <summary>
    /// Pulls a model packaged as a container image (files under <c>/models</c>) into the store, so engines
    /// without image mounts (docker, none) can bind-mount it: as for artifacts, one HEAD decides whether
    /// anything changed; the manifest (for an index: linux/amd64) and the image config are fetched, every
    /// layer is checked to be a readable rootfs layer before any is downloaded, layers download verified
    /// and resumable, the image's <c>/models</c> becomes the snapshot (<see cref="ImageSnapshotBuilder"/>),
    /// and only then is the reference tagged. A ModelPack artifact given here is pulled as one.
    /// </summary>
    /// <exception cref="ModelPackException">
    /// NotAModelArtifact for a manifest that is neither an image nor a model, or an image without /models;
    /// UnsupportedImageContent for layers that cannot be read or applied; the registry's and the store's
    /// failures as in <see cref="PullAsync"/>.
    /// </exception>
    public Task<PullResult> PullImageAsync(RegistryClient client, ModelReference reference, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        RunPullAsync(client, reference, options, (start, o) => PullImageCoreAsync(start, client, reference, o, cancellationToken), cancellationToken);

    private async Task<PullResult> PullImageCoreAsync(PullStart start, RegistryClient client, ModelReference reference, PullOptions options, CancellationToken cancellationToken)
    {
        var log = options.Log;
        var progress = options.Progress;
        var refName = start.RefName;
        var resolved = start.Resolved!;
        var manifest = resolved.Manifest;
        if (manifest.IsModelArtifact)
        {
            log?.Invoke($"'{refName}' is a ModelPack artifact, not an image; pulling it as an artifact.");
            return await PullAsync(client, reference, options, cancellationToken).ConfigureAwait(false);
        }

        if (!ModelImage.IsImageManifest(manifest))
        {
            throw new ModelPackException(
                ErrorIds.NotAModelArtifact,
                ErrorKind.InvalidData,
                $"'{refName}' ({resolved.Digest}) is neither a ModelPack model nor a container image: artifactType '{manifest.ArtifactType ?? "none"}', config '{manifest.Config?.MediaType ?? "none"}'.",
                refName);
        }

        ImageSnapshotBuilder.CheckLayers(manifest.Layers, refName);
        var config = manifest.Config!;
        ModelConfig.EnsureReadable(config, $"The image config of '{refName}'", refName);
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        using var writes = await BeginWritesAsync(resolved, blobs, Array.Empty<Descriptor>(), refName, cancellationToken).ConfigureAwait(false);
        var (transferred, downloaded) = await FetchBlobsAsync(client, reference, blobs, options, writes.FlushToDisk, cancellationToken).ConfigureAwait(false);

        progress?.Report(new PullProgress(refName, PullStage.Materializing, null, null, 0, 0, 0, 0));
        if (options.Force)
        {
            SnapshotBuilder.Delete(SnapshotPath(manifest.Digest));
        }

        var snapshot = await ImageSnapshotBuilder.BuildAsync(SnapshotsDirectory, manifest.Digest, refName, manifest.Layers, d => Layout.BlobPath(d.Digest), ArchiveLimits, cancellationToken).ConfigureAwait(false);
        Tag(refName, resolved, writes, cancellationToken);
        var artifact = new ModelArtifact(refName, manifest, null, StrategyName, snapshot, Root);
        progress?.Report(new PullProgress(refName, PullStage.Completed, null, null, 0, 0, artifact.Size, artifact.Size));
        log?.Invoke($"Pulled image '{refName}' ({manifest.Digest}): {downloaded} blob(s), {transferred} bytes transferred; its /{ModelImage.ModelsDirectory} is the snapshot.");
        return new PullResult(artifact, upToDate: false, transferred, downloaded);
    }

    /// <summary>The image config (labels) of a stored image, or an empty map when the blob is missing.</summary>
    public IReadOnlyDictionary<string, string> ImageLabels(ModelArtifact artifact)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (artifact.Manifest.Config is Descriptor config && ModelImage.IsImageManifest(artifact.Manifest) && Layout.HasBlob(config.Digest))
        {
            return ModelImage.LabelsFromConfig(Layout.ReadBlob(config));
        }

        return new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Downloads blobs concurrently (at most <see cref="PullOptions.Concurrency"/>), reporting bytes per blob.</summary>
    private async Task<(long Transferred, int Downloaded)> FetchBlobsAsync(RegistryClient client, ModelReference reference, List<Descriptor> blobs, PullOptions options, bool flushToDisk, CancellationToken cancellationToken)
    {
        var refName = reference.ToString();
        var total = blobs.Sum(b => b.Size);
        var done = new long[blobs.Count];
        long transferred = 0;
        var downloaded = 0;
        using var gate = new SemaphoreSlim(Math.Max(1, options.Concurrency));
        var tasks = blobs.Select(async (blob, i) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var perBlob = new Progress(bytes =>
                {
                    Interlocked.Exchange(ref done[i], bytes);
                    options.Progress?.Report(new PullProgress(refName, PullStage.Downloading, blob.Digest, null, bytes, blob.Size, done.Sum(), total));
                });
                var bytes = await BlobFetcher.FetchAsync(this, client, reference, blob, options.Force, flushToDisk, perBlob, options.Log, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref done[i], blob.Size);
                if (bytes > 0)
                {
                    Interlocked.Add(ref transferred, bytes);
                    Interlocked.Increment(ref downloaded);
                }

                options.Progress?.Report(new PullProgress(refName, PullStage.LayerDone, blob.Digest, null, blob.Size, blob.Size, done.Sum(), total));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return (transferred, downloaded);
    }
}
