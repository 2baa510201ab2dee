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
    public async Task<PullResult> PullAsync(RegistryClient client, ModelReference reference, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PullCoreAsync(client, reference, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelPackException ex) when (ex.Kind is ErrorKind.InvalidData or ErrorKind.SecurityError)
        {
            // Bad content: whatever this pull published is referenced by nothing; leave the store as it was.
            // Transient failures (network, cancellation) keep their data for the next Save to resume.
            options?.Log?.Invoke($"Discarding what this pull stored: {ex.ErrorId}.");
            CollectGarbage();
            throw;
        }
    }

    private async Task<PullResult> PullCoreAsync(RegistryClient client, ModelReference reference, PullOptions? options, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        options ??= new PullOptions();
        var log = options.Log;
        var refName = reference.ToString();
        var tagOrDigest = reference.Tag ?? reference.Digest!;
        var progress = options.Progress;
        progress?.Report(new PullProgress(refName, PullStage.Resolving, null, null, 0, 0, 0, 0));

        // What interrupted pulls left and nobody can resume goes first; then this pull counts as running,
        // so no collection removes the locks and half-built snapshot it is about to use.
        TryCleanTemporaryFiles(log);
        using var activity = await EnterActivityAsync(cancellationToken).ConfigureAwait(false);

        if (!options.Force && Find(reference) is ModelArtifact existing && Directory.Exists(existing.Path))
        {
            var head = await client.HeadManifestAsync(reference.Registry, reference.Repository, tagOrDigest, cancellationToken).ConfigureAwait(false);
            if (head.Digest == existing.Digest || head.Digest == StoredSourceDigest(refName))
            {
                log?.Invoke($"'{refName}' is up to date ({existing.Digest}); nothing to download.");
                progress?.Report(new PullProgress(refName, PullStage.Completed, null, null, 0, 0, existing.Size, existing.Size));
                return new PullResult(existing, upToDate: true, 0, 0);
            }

            log?.Invoke($"'{refName}' changed in the registry: {existing.Digest} -> {head.Digest}.");
        }

        var resolved = await client.ResolveManifestAsync(reference.Registry, reference.Repository, tagOrDigest, cancellationToken).ConfigureAwait(false);
        var manifest = resolved.Manifest;
        if (reference.Digest is not null && reference.Digest != resolved.Digest && reference.Digest != resolved.Index?.Digest)
        {
            throw new ModelPackException(ErrorIds.DigestMismatch, ErrorKind.InvalidData, $"The registry answered '{refName}' with manifest {resolved.Digest}, not the requested digest.", refName);
        }

        if (!manifest.IsModelArtifact)
        {
            throw new ModelPackException(ErrorIds.NotAModelArtifact, ErrorKind.InvalidData, $"'{refName}' ({resolved.Digest}) is not a ModelPack model: artifactType '{manifest.ArtifactType ?? "none"}', config '{manifest.Config?.MediaType ?? "none"}'.", refName);
        }

        manifest.ThrowIfInvalid($"The manifest of '{refName}'");
        var config = manifest.Config!;
        var blobs = new List<Descriptor> { config };
        blobs.AddRange(manifest.Layers);
        var total = blobs.Sum(b => b.Size);

        using var pin = await PinAsync(blobs.Select(b => b.Digest).Append(resolved.Digest), cancellationToken).ConfigureAwait(false);

        long transferred = 0;
        var downloaded = 0;
        var done = new long[manifest.Layers.Count];
        long configDone = 0;
        void Report(PullStage stage, Descriptor? layer, long bytes)
        {
            var sum = Interlocked.Read(ref configDone) + done.Sum();
            progress?.Report(new PullProgress(refName, stage, layer?.Digest, layer?.Filepath ?? layer?.Title, bytes, layer?.Size ?? 0, sum, total));
        }

        var configBytesTransferred = await BlobFetcher.FetchAsync(this, client, reference, config, options.Force, null, log, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref configDone, config.Size);
        if (configBytesTransferred > 0)
        {
            transferred += configBytesTransferred;
            downloaded++;
        }

        var modelConfig = ModelConfig.Parse(Layout.ReadBlob(config));
        modelConfig.ThrowIfInvalid($"The config of '{refName}'");

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
                    var bytes = await BlobFetcher.FetchAsync(this, client, reference, layer, options.Force, layerProgress, log, token).ConfigureAwait(false);
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

        var snapshot = await SnapshotBuilder.BuildAsync(SnapshotsDirectory, manifest.Digest, manifest.Layers, d => Layout.BlobPath(d.Digest), cancellationToken).ConfigureAwait(false);

        // Until the tag is written the artifact is not listed: a crash from here on leaves an unreferenced
        // snapshot that the next pull reuses and garbage collection otherwise removes.
        Report(PullStage.Tagging, null, 0);
        cancellationToken.ThrowIfCancellationRequested();
        Layout.WriteBlob(manifest.ToBytes());
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (resolved.Index is not null)
        {
            // Lets the next Save compare the registry's HEAD answer (the index digest) with one lookup.
            annotations[SourceDigestAnnotation] = resolved.Index.Digest;
        }

        Layout.SetReference(refName, manifest.ToDescriptor(annotations), cancellationToken);
        var artifact = new ModelArtifact(refName, manifest, modelConfig, StrategyName, snapshot, Root);
        Report(PullStage.Completed, null, 0);
        log?.Invoke($"Pulled '{refName}' ({manifest.Digest}): {downloaded} blob(s), {transferred} bytes transferred.");
        return new PullResult(artifact, upToDate: false, transferred, downloaded);
    }

    /// <summary>Annotation on a store index entry: the digest the registry reports for the tag when it is an index.</summary>
    public const string SourceDigestAnnotation = "io.modelpack.source.digest";

    private string? StoredSourceDigest(string refName)
    {
        foreach (var d in Layout.ReadIndex().Manifests)
        {
            if (d.Annotation(AnnotationKeys.RefName) == refName)
            {
                return d.Annotation(SourceDigestAnnotation);
            }
        }

        return null;
    }

    private sealed class Progress : IProgress<long>
    {
        private readonly Action<long> _report;

        public Progress(Action<long> report) => _report = report;

        public void Report(long value) => _report(value);
    }
}
