using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

public sealed partial class ModelStore
{
    /// <summary>
    /// Pulls a ModelPack artifact into the store: one manifest HEAD decides whether anything is
    /// needed; otherwise the manifest and config are fetched and validated (with every layer path
    /// checked) before any layer is downloaded, layers download concurrently into tmp/ and are
    /// published when verified, the snapshot is built, and only then is the reference tagged.
    /// </summary>
    public Task<PullResult> PullAsync(RegistryClient client, ModelReference reference, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        RunPullAsync(client, reference, options, (start, o) => PullCoreAsync(start, client, reference, o, cancellationToken), cancellationToken);

    private async Task<PullResult> PullCoreAsync(PullStart start, RegistryClient client, ModelReference reference, PullOptions options, CancellationToken cancellationToken)
    {
        var log = options.Log;
        var progress = options.Progress;
        var refName = start.RefName;
        var resolved = start.Resolved!;
        var manifest = resolved.Manifest;

        if (!manifest.IsModelArtifact)
        {
            throw new ModelPackException(ErrorIds.NotAModelArtifact, ErrorKind.InvalidData, $"'{refName}' ({resolved.Digest}) is not a ModelPack model: artifactType '{manifest.ArtifactType ?? "none"}', config '{manifest.Config?.MediaType ?? "none"}'.", refName);
        }

        // Everything the manifest shows is checked before anything is downloaded: the spec (sizes, file paths
        // and their conflicts), the names the snapshot will give the layers, the config's size, free space.
        manifest.ThrowIfInvalid($"The manifest of '{refName}'", refName);
        SnapshotBuilder.CheckLayerNames(manifest.Layers);
        var config = manifest.Config!;
        var configSubject = $"The config of '{refName}'";
        ModelConfig.EnsureReadable(config, configSubject, refName);
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        var total = blobs.Sum(b => b.Size);

        var extracted = manifest.Layers.Where(l => (l.Packing ?? LayerPacking.Raw) != LayerPacking.Raw);
        using var writes = await BeginWritesAsync(resolved, blobs, extracted, refName, cancellationToken).ConfigureAwait(false);
        var flushToDisk = writes.FlushToDisk;

        long transferred = 0;
        var downloaded = 0;
        var done = new long[manifest.Layers.Count];
        long configDone = 0;
        void Report(PullStage stage, Descriptor? layer, long bytes)
        {
            var sum = Interlocked.Read(ref configDone) + done.Sum();
            progress?.Report(new PullProgress(refName, stage, layer?.Digest, layer?.Filepath ?? layer?.Title, bytes, layer?.Size ?? 0, sum, total));
        }

        var configBytesTransferred = await BlobFetcher.FetchAsync(this, client, reference, config, options.Force, flushToDisk, null, log, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref configDone, config.Size);
        if (configBytesTransferred > 0)
        {
            transferred += configBytesTransferred;
            downloaded++;
        }

        var modelConfig = ModelConfig.Parse(Layout.ReadBlob(config), configSubject, refName);
        modelConfig.ThrowIfInvalid(configSubject, refName);

        using (var gate = new SemaphoreSlim(Math.Max(1, options.Concurrency)))
        using (var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // The first layer that fails stops the others: the pull has failed, and their partial data is
            // kept for the next one.
            var token = failed.Token;
            var tasks = manifest.Layers.Select(async (layer, i) =>
            {
                await gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    var layerProgress = new Progress(bytes =>
                    {
                        Interlocked.Exchange(ref done[i], bytes);
                        Report(PullStage.Downloading, layer, bytes);
                    });
                    var bytes = await BlobFetcher.FetchAsync(this, client, reference, layer, options.Force, flushToDisk, layerProgress, log, token).ConfigureAwait(false);
                    Interlocked.Exchange(ref done[i], layer.Size);
                    if (bytes > 0)
                    {
                        Interlocked.Add(ref transferred, bytes);
                        Interlocked.Increment(ref downloaded);
                    }

                    Report(PullStage.LayerDone, layer, layer.Size);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed.Cancel();
                    throw;
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            var all = Task.WhenAll(tasks);
            try
            {
                await all.ConfigureAwait(false);
            }
            catch when (all.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is Exception first)
            {
                // WhenAll reports the first task's exception, which may be a layer stopped because another failed.
                ExceptionDispatchInfo.Capture(first).Throw();
            }
        }

        Report(PullStage.Materializing, null, 0);
        if (options.Force)
        {
            SnapshotBuilder.Delete(SnapshotPath(manifest.Digest));
        }

        var snapshot = await SnapshotBuilder.BuildAsync(SnapshotsDirectory, manifest.Digest, manifest.Layers, d => Layout.BlobPath(d.Digest), ArchiveLimits, cancellationToken).ConfigureAwait(false);

        Report(PullStage.Tagging, null, 0);
        Tag(refName, resolved, writes, cancellationToken);
        var artifact = new ModelArtifact(refName, manifest, modelConfig, StrategyName, snapshot, Root);
        Report(PullStage.Completed, null, 0);
        log?.Invoke($"Pulled '{refName}' ({manifest.Digest}): {downloaded} blob(s), {transferred} bytes transferred.");
        return new PullResult(artifact, upToDate: false, transferred, downloaded);
    }

    private sealed class Progress : IProgress<long>
    {
        private readonly Action<long> _report;

        public Progress(Action<long> report) => _report = report;

        public void Report(long value) => _report(value);
    }
}
