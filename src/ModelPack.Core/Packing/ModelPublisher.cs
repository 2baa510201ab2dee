using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Packing;

/// <summary>
/// Pushes an artifact from the local store to a registry: what <c>Publish-ModelArtifact</c> does.
/// </summary>
/// <remarks>
/// The stored manifest and config are read back verified and validated first. One token with pull and push
/// on the destination (and pull on each mount source) serves the whole push. When the destination tag
/// already names this manifest nothing else is sent. Otherwise every blob the repository lacks (HEAD) is
/// mounted from another repository of the registry that has it, or uploaded: in one PUT when small, in
/// resumable chunks when large. The session URL of a chunked upload is kept in the store's
/// <c>tmp/uploads/</c> until the blob is in, so a publish that was interrupted (Ctrl+C, a dropped
/// connection) continues where the registry stands. The manifest goes last, as the exact stored bytes,
/// with its own media type as Content-Type.
/// </remarks>
public static class ModelPublisher
{
    private const string UploadsDirectoryName = "uploads";

    /// <summary>Publishes the stored artifact tagged <paramref name="source"/>.</summary>
    public static async Task<PublishResult> PublishAsync(ModelStore store, ModelReference source, ModelReference? destination, RegistryClient client, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        var artifact = store.Find(source) ?? throw new ModelPackException(
            ErrorIds.ModelArtifactNotInStore,
            ErrorKind.ObjectNotFound,
            $"'{source}' is not in the store at '{store.Root}'. Pack it with New-ModelArtifact or pull it with Save-ModelArtifact first.",
            source.ToString());
        return await PublishAsync(store, artifact, destination, client, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes <paramref name="artifact"/> (held in <paramref name="store"/>) to <paramref name="destination"/>,
    /// or, when that is null, to the registry and repository its own reference names.
    /// </summary>
    public static async Task<PublishResult> PublishAsync(ModelStore store, ModelArtifact artifact, ModelReference? destination, RegistryClient client, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        options ??= new PublishOptions();
        var log = options.Log;
        var target = destination ?? DestinationOf(artifact);
        var manifestBytes = store.Layout.ReadBlob(artifact.Manifest.ToDescriptor());
        var manifest = ModelManifest.Parse(manifestBytes);
        if (target.Digest is string pinned && pinned != manifest.Digest)
        {
            throw new ModelPackException(ErrorIds.DigestMismatch, ErrorKind.InvalidArgument, $"Cannot publish {manifest.Digest} as '{target}': the destination names another digest.", target.ToString());
        }

        manifest.ThrowIfInvalid($"The manifest of '{artifact.Reference}'");
        var configDescriptor = manifest.Config!;
        var configBytes = store.Layout.ReadBlob(configDescriptor);
        var config = ModelConfig.Parse(configBytes);
        config.ThrowIfInvalid($"The config of '{artifact.Reference}'");

        var destinationName = target.ToString();
        var mountFrom = MountSources(artifact, target, options);
        await client.PrepareForPushAsync(target.Registry, target.Repository, mountFrom, cancellationToken).ConfigureAwait(false);
        var remote = new ModelArtifact(destinationName, manifest, config, RemoteArtifactReader.StrategyName, null);
        var blobs = new List<Descriptor> { configDescriptor };
        blobs.AddRange(manifest.Layers.GroupBy(l => l.Digest, StringComparer.Ordinal).Select(g => g.First()).Where(l => l.Digest != configDescriptor.Digest));
        var meter = new PublishMeter(destinationName, blobs, options.Progress);
        meter.Stage(PublishStage.Checking);

        if (target.Tag is string tag && !options.Force && await TagNamesAsync(client, target, tag, manifest.Digest, cancellationToken).ConfigureAwait(false))
        {
            log?.Invoke($"'{destinationName}' already is {manifest.Digest}; nothing to publish.");
            meter.Stage(PublishStage.Completed);
            return new PublishResult(remote, Array.Empty<BlobPushResult>(), manifestPushed: false);
        }

        var results = new BlobPushResult[blobs.Count];
        using (store.Pin(blobs.Select(b => b.Digest).Append(manifest.Digest)))
        using (var gate = new SemaphoreSlim(Math.Max(1, options.Concurrency)))
        {
            var tasks = blobs.Select(async (blob, i) =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    results[i] = await PushBlobAsync(store, client, target, blob, mountFrom, options, meter, i, cancellationToken).ConfigureAwait(false);
                    meter.BlobDone(i, results[i].Outcome);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        meter.Stage(PublishStage.Manifest);
        var mediaType = string.IsNullOrEmpty(manifest.MediaType) ? MediaTypes.OciManifest : manifest.MediaType;
        await client.PutManifestAsync(target.Registry, target.Repository, target.Tag ?? manifest.Digest, manifestBytes, mediaType, cancellationToken).ConfigureAwait(false);
        meter.Stage(PublishStage.Completed);
        return new PublishResult(remote, results, manifestPushed: true);
    }

    private static ModelReference DestinationOf(ModelArtifact artifact)
    {
        if (artifact.Registry is not null && ModelReference.TryParse(artifact.Reference, out var parsed, out _))
        {
            return parsed!;
        }

        throw new ModelPackException(
            ErrorIds.InvalidReference,
            ErrorKind.InvalidArgument,
            $"'{artifact.Reference}' names no registry to publish to; give a destination such as 'registry.example.com/models/name:tag'.",
            artifact.Reference);
    }

    private static List<string> MountSources(ModelArtifact artifact, ModelReference target, PublishOptions options)
    {
        var sources = new List<string>(options.MountFrom);
        if (artifact.Registry == target.Registry && artifact.Repository is string own && own != target.Repository)
        {
            sources.Add(own);
        }

        return sources.Where(s => s != target.Repository).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether the destination tag already names the manifest (HEAD); false when it names another or none.</summary>
    private static async Task<bool> TagNamesAsync(RegistryClient client, ModelReference target, string tag, string digest, CancellationToken cancellationToken)
    {
        try
        {
            var head = await client.HeadManifestAsync(target.Registry, target.Repository, tag, cancellationToken).ConfigureAwait(false);
            return head.Digest == digest;
        }
        catch (RegistryException ex) when (ex.ErrorId == ErrorIds.ModelArtifactNotFound)
        {
            return false;
        }
    }

    private static async Task<BlobPushResult> PushBlobAsync(
        ModelStore store, RegistryClient client, ModelReference target, Descriptor blob, List<string> mountFrom, PublishOptions options, PublishMeter meter, int index, CancellationToken cancellationToken)
    {
        var path = store.Layout.BlobPath(blob.Digest);
        var sessionFile = SessionFile(store, target, blob.Digest);
        var pushOptions = new BlobPushOptions
        {
            ChunkSize = options.ChunkSize,
            MonolithicThreshold = options.MonolithicThreshold,
            ResumeAttempts = options.ResumeAttempts,
            Progress = meter.For(index),
            ResumeLocation = ReadSession(sessionFile),
            LocationChanged = location => WriteSession(store, sessionFile, location),
        };
        foreach (var source in mountFrom)
        {
            pushOptions.MountFrom.Add(source);
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1024 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelPackException(ErrorIds.BlobNotFound, ErrorKind.ObjectNotFound, $"Blob {blob.Digest} is missing from the store at '{store.Root}'. Run Test-ModelArtifact -Repair, or pack or pull the artifact again.", blob.Digest, ex);
        }

        using (stream)
        {
            if (stream.Length != blob.Size)
            {
                throw new ModelPackException(ErrorIds.SizeMismatch, ErrorKind.InvalidData, $"Blob {blob.Digest} in the store at '{store.Root}' has {stream.Length} bytes, not {blob.Size}: it is damaged. Run Test-ModelArtifact -Repair.", blob.Digest);
            }

            return await client.PushBlobAsync(target.Registry, target.Repository, blob.Digest, blob.Size, stream, pushOptions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Where an unfinished upload's session URL is kept: one file per registry, repository and blob.</summary>
    private static string SessionFile(ModelStore store, ModelReference target, string digest)
    {
        var key = Digest.Sha256(target.Registry + "/" + target.Repository + "@" + digest).Encoded;
        return Path.Combine(store.TempDirectory, UploadsDirectoryName, key + ".json");
    }

    private static Uri? ReadSession(string file)
    {
        try
        {
            using var doc = JsonText.Parse(File.ReadAllBytes(file));
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("location", out var value) && value.ValueKind == JsonValueKind.String &&
                Uri.TryCreate(value.GetString(), UriKind.Absolute, out var location)
                ? location
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static void WriteSession(ModelStore store, string file, Uri? location)
    {
        try
        {
            if (location is null)
            {
                AtomicFile.TryDelete(file);
                return;
            }

            var json = JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("location", location.AbsoluteUri);
                w.WriteEndObject();
            });
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            AtomicFile.Write(file, json, store.TempDirectory, "upload-");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a later resume needs it; this upload goes on without.
        }
    }

    /// <summary>Per-blob byte counts to <see cref="PublishProgress"/> reports with running totals.</summary>
    private sealed class PublishMeter
    {
        private readonly string _destination;
        private readonly IReadOnlyList<Descriptor> _blobs;
        private readonly IProgress<PublishProgress>? _progress;
        private readonly long[] _done;
        private readonly long _total;

        public PublishMeter(string destination, IReadOnlyList<Descriptor> blobs, IProgress<PublishProgress>? progress)
        {
            _destination = destination;
            _blobs = blobs;
            _progress = progress;
            _done = new long[blobs.Count];
            _total = blobs.Sum(b => b.Size);
        }

        public IProgress<long> For(int index) => new BlobBytes(this, index);

        public void BlobDone(int index, BlobPushOutcome outcome)
        {
            Interlocked.Exchange(ref _done[index], _blobs[index].Size);
            Report(PublishStage.BlobDone, index, _blobs[index].Size, outcome);
        }

        public void Stage(PublishStage stage) =>
            _progress?.Report(new PublishProgress(_destination, stage, null, null, 0, 0, null, Sum(), _total));

        private void Report(PublishStage stage, int index, long bytes, BlobPushOutcome? outcome)
        {
            var blob = _blobs[index];
            _progress?.Report(new PublishProgress(_destination, stage, blob.Digest, index == 0 ? "config" : blob.Filepath ?? blob.Title ?? blob.Digest, bytes, blob.Size, outcome, Sum(), _total));
        }

        private long Sum()
        {
            long sum = 0;
            for (var i = 0; i < _done.Length; i++)
            {
                sum += Interlocked.Read(ref _done[i]);
            }

            return sum;
        }

        private sealed class BlobBytes : IProgress<long>
        {
            private readonly PublishMeter _meter;
            private readonly int _index;

            public BlobBytes(PublishMeter meter, int index)
            {
                _meter = meter;
                _index = index;
            }

            public void Report(long value)
            {
                Interlocked.Exchange(ref _meter._done[_index], value);
                _meter.Report(PublishStage.Uploading, _index, value, null);
            }
        }
    }
}
