using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Packing;

/// <summary>
/// Turns a folder of model files into a ModelPack artifact in the local store, with no network: what
/// <c>New-ModelArtifact</c> does. Same inputs give the same manifest digest, byte for byte.
/// </summary>
/// <remarks>
/// Order of work: the folder is scanned and every file checked (<see cref="Plan"/>), the config file read
/// and the config validated, all before any content is read. Then each layer is streamed once into the
/// store's tmp/ while it is hashed (a raw layer is cloned instead where the file system has reflinks; never
/// hard-linked), without waiting for the disk; the config (with modelfs.diffIds) and the manifest are built and
/// validated; only then are the blobs published (atomic renames), the config and the snapshot written,
/// the manifest stored and the reference tagged in index.json. A failure at any point, cancellation included,
/// leaves the store as it was: temp files are deleted, and anything already published is collected again.
/// A pack holds the store's activity lock like a pull, so the temp files (<c>tmp/pack-*</c>) of a pack that
/// was killed are removed by the next store operation that cleans tmp/ once no pack or pull is running.
/// </remarks>
public static class ModelPacker
{
    private const uint RegularFileMode = 0x1A4;   // 0644
    private const uint ExecutableFileMode = 0x1ED; // 0755

    private static readonly string PlaceholderDiffId = Digest.Sha256(Array.Empty<byte>()).ToString();

    /// <summary>What <see cref="PackAsync"/> would pack, from names and sizes alone; throws for the same bad input.</summary>
    public static PackPlan Plan(PackRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return SourceScanner.Scan(request);
    }

    /// <summary>
    /// Packs <paramref name="request"/>'s folder into <paramref name="store"/> and tags it as its reference.
    /// Progress is reported per file, from a worker thread.
    /// </summary>
    public static async Task<PackResult> PackAsync(PackRequest request, ModelStore store, IProgress<PackProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        // Everything up to the first await runs on the caller's thread, before any byte is written.
        var plan = Plan(request);
        var refName = request.Reference.ToString();
        var log = request.Log;
        LogPlan(plan, log);
        var fileConfig = ConfigComposer.ReadFile(request.ConfigPath);
        ConfigComposer.Compose(request.Config, fileConfig, plan.InferredFormat, new[] { PlaceholderDiffId }).ThrowIfInvalid($"The config for '{refName}'");

        // As pulls do: what killed packs and pulls left goes first, then this pack counts as running, so no
        // cleaning in any process takes its temp files (see TempCleaner) until it has published or deleted them.
        store.TryCleanTemporaryFiles(log);
        using var activity = await store.EnterActivityAsync(cancellationToken).ConfigureAwait(false);
        var state = new PackState();
        try
        {
            var counter = new PackCounter(refName, plan, progress);
            await WriteLayersAsync(plan, store, counter, state, log, cancellationToken).ConfigureAwait(false);
            var config = ConfigComposer.Compose(request.Config, fileConfig, plan.InferredFormat, state.Written.Select(w => w.DiffId));
            config.ThrowIfInvalid($"The config for '{refName}'");
            var configBytes = config.ToBytes();
            var manifest = CreateManifest(request, config, state.Written, refName);
            counter.Stage(PackStage.Storing);
            var previous = CurrentDigest(store, refName);
            var snapshot = await StoreAsync(store, state, configBytes, manifest, refName, cancellationToken).ConfigureAwait(false);
            var artifact = new ModelArtifact(refName, manifest, ModelConfig.Parse(configBytes), ModelStore.StrategyName, snapshot, store.Root);
            counter.Stage(PackStage.Completed);
            log?.Invoke(previous == manifest.Digest
                ? $"'{refName}' is unchanged ({manifest.Digest})."
                : $"Packed '{refName}' as {manifest.Digest}: {manifest.Layers.Count} layer(s){(previous is null ? string.Empty : $", replacing {previous}")}.");
            return new PackResult(artifact, plan, previous, counter.BytesRead);
        }
        catch
        {
            foreach (var layer in state.Written)
            {
                AtomicFile.TryDelete(layer.TempFile);
            }

            if (state.Published && !state.Tagged)
            {
                TryCollectGarbage(store, log);
            }

            throw;
        }
    }

    private static void LogPlan(PackPlan plan, Action<string>? log)
    {
        foreach (var note in plan.Notes)
        {
            log?.Invoke(note);
        }

        foreach (var skipped in plan.Skipped)
        {
            log?.Invoke($"Skipping '{skipped.Key}': {skipped.Value}.");
        }
    }

    private static async Task WriteLayersAsync(PackPlan plan, ModelStore store, PackCounter counter, PackState state, Action<string>? log, CancellationToken cancellationToken)
    {
        foreach (var layer in plan.Layers)
        {
            var result = await Task.Run(() => LayerWriter.Write(layer, store.Layout.TempPath, counter.FileProgress, cancellationToken), cancellationToken).ConfigureAwait(false);
            state.Written.Add(result);
            counter.LayerDone(layer);
            log?.Invoke($"Packed '{layer.Path}' as {layer.MediaType}: {result.Digest} ({result.Size} bytes{(result.Cloned ? ", cloned: no data copied" : string.Empty)}).");
        }
    }

    private static ModelManifest CreateManifest(PackRequest request, ModelConfig config, List<WrittenLayer> written, string refName)
    {
        var annotations = request.ManifestAnnotations.Count > 0 ? new Dictionary<string, string>(request.ManifestAnnotations) : null;
        var manifest = ModelManifest.Create(config.ToDescriptor(), written.Select(Describe), annotations);
        manifest.ThrowIfInvalid($"The manifest for '{refName}'");
        if (manifest.Size > OciLayout.MaxManifestBytes)
        {
            throw PackErrors.ManifestTooLarge(refName, manifest.Size, manifest.Layers.Count, OciLayout.MaxManifestBytes);
        }

        return manifest;
    }

    /// <summary>
    /// Publishes the blobs, builds the snapshot and tags the manifest, under a pin; returns the snapshot. As for pulls,
    /// with <see cref="StoreDurability.Deferred"/> (the default) the blobs are recorded in an <see cref="UnsyncedJournal"/>
    /// instead of being flushed (the layers were written without flushing); otherwise each is flushed before it is published.
    /// </summary>
    private static async Task<string> StoreAsync(ModelStore store, PackState state, byte[] configBytes, ModelManifest manifest, string refName, CancellationToken cancellationToken)
    {
        var blobs = state.Written.Select(w => w.Digest).Append(manifest.Config!.Digest).ToList();
        using (await store.PinAsync(blobs.Append(manifest.Digest), cancellationToken).ConfigureAwait(false))
        using (var journal = store.Durability == StoreDurability.Deferred ? UnsyncedJournal.Begin(store.Root, store.BootId(), manifest.Digest, blobs) : null)
        {
            state.Published = true;
            foreach (var layer in state.Written)
            {
                if (journal is null)
                {
                    FlushFile(layer.TempFile);
                }

                store.Layout.PublishVerifiedFile(layer.TempFile, layer.Digest, layer.Size);
            }

            store.Layout.WriteBlob(configBytes, flushToDisk: journal is null);
            var snapshot = await SnapshotBuilder.BuildAsync(store.SnapshotsDirectory, manifest.Digest, manifest.Layers, d => store.Layout.BlobPath(d.Digest), store.ArchiveLimits, cancellationToken).ConfigureAwait(false);
            store.Layout.WriteBlob(manifest.ToBytes(), flushToDisk: journal is null);
            store.Layout.SetReference(refName, manifest.ToDescriptor(), cancellationToken);
            state.Tagged = true;
            return snapshot;
        }
    }

    private static void FlushFile(string path)
    {
        using var file = new System.IO.FileStream(path, System.IO.FileMode.Open, System.IO.FileAccess.ReadWrite, System.IO.FileShare.Read);
        file.Flush(flushToDisk: true);
    }

    private static Descriptor Describe(WrittenLayer written)
    {
        var layer = written.Layer;
        var name = layer.Path.Substring(layer.Path.LastIndexOf('/') + 1);
        var metadata = layer.IsDirectory
            ? new FileMetadata { Name = name, Mode = ExecutableFileMode, Size = 0, ModTime = layer.Files[0].ModificationTime, Typeflag = FileMetadata.Directory }
            : new FileMetadata
            {
                Name = name,
                Mode = layer.Files[0].Executable ? ExecutableFileMode : RegularFileMode,
                Size = layer.Files[0].Size,
                ModTime = layer.Files[0].ModificationTime,
                Typeflag = FileMetadata.RegularFile,
            };
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AnnotationKeys.Filepath] = layer.Path,
            [AnnotationKeys.FileMetadata] = metadata.ToJson(),
            [AnnotationKeys.Title] = name + Extension(layer.Packing),
        };
        if (layer.Untested)
        {
            annotations[AnnotationKeys.MediaTypeUntested] = "true";
        }

        return new Descriptor(layer.MediaType, written.Digest, written.Size, Descriptor.Sorted(annotations));
    }

    private static string Extension(LayerPacking packing) => packing switch
    {
        LayerPacking.Tar => ".tar",
        LayerPacking.TarGzip => ".tar.gz",
        LayerPacking.TarZstd => ".tar.zst",
        _ => string.Empty,
    };

    private static string? CurrentDigest(ModelStore store, string refName) =>
        store.Layout.ReadIndex().Manifests.FirstOrDefault(d => d.Annotation(AnnotationKeys.RefName) == refName)?.Digest;

    private static void TryCollectGarbage(ModelStore store, Action<string>? log)
    {
        try
        {
            store.CollectGarbage();
        }
        catch (ModelPackException ex)
        {
            log?.Invoke($"Could not remove what the failed pack stored ({ex.Message}); the next Remove-ModelArtifact collects it.");
        }
    }

    /// <summary>Turns per-file byte counts into <see cref="PackProgress"/> reports with running totals.</summary>
    private sealed class PackCounter
    {
        private readonly string _reference;
        private readonly IProgress<PackProgress>? _progress;
        private readonly int _filesTotal;
        private readonly long _bytesTotal;
        private long _bytesDoneBefore;
        private int _filesDone;

        public PackCounter(string reference, PackPlan plan, IProgress<PackProgress>? progress)
        {
            _reference = reference;
            _progress = progress;
            _filesTotal = plan.Files.Count;
            _bytesTotal = plan.SourceSize;
        }

        public long BytesRead { get; private set; }

        /// <summary>Called with 0 when a file starts (so empty files complete too), then after every read.</summary>
        public void FileProgress(PlannedFile file, long bytes)
        {
            BytesRead = _bytesDoneBefore + bytes;
            _progress?.Report(Progress(PackStage.Packing, file.Path, file.Kind, bytes, file.Size));
            if (bytes == file.Size)
            {
                _bytesDoneBefore += file.Size;
                _filesDone++;
            }
        }

        public void LayerDone(PlannedLayer layer)
        {
            BytesRead = _bytesDoneBefore;
            _progress?.Report(Progress(PackStage.LayerDone, layer.Path, layer.Kind, layer.SourceSize, layer.SourceSize));
        }

        public void Stage(PackStage stage) => _progress?.Report(Progress(stage, null, null, 0, 0));

        private PackProgress Progress(PackStage stage, string? path, LayerKind? kind, long fileBytesDone, long fileBytesTotal) =>
            new(_reference, stage)
            {
                FilePath = path,
                Kind = kind,
                FileBytesDone = fileBytesDone,
                FileBytesTotal = fileBytesTotal,
                FilesDone = _filesDone,
                FilesTotal = _filesTotal,
                BytesDone = BytesRead,
                BytesTotal = _bytesTotal,
            };
    }

    /// <summary>What a pack has done so far, for cleaning up after a failure.</summary>
    private sealed class PackState
    {
        public List<WrittenLayer> Written { get; } = new();

        public bool Published { get; set; }

        public bool Tagged { get; set; }
    }
}
