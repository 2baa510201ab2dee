using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;

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
        var (manifestBytes, manifest, config) = ReadStored(store, artifact, target);
        var destinationName = target.ToString();
        var repository = client.PushRepository(target);
        var registry = new RegistryTarget(repository, options.Upload(), MountSources(artifact, target, options), new UploadSessions(store.TempDirectory));
        await registry.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var remote = new ModelArtifact(destinationName, manifest, config, RemoteArtifactReader.StrategyName, null);
        var configDescriptor = manifest.Config!;
        var blobs = new List<Descriptor> { configDescriptor };
        blobs.AddRange(manifest.Layers.GroupBy(l => l.Digest, StringComparer.Ordinal).Select(g => g.First()).Where(l => l.Digest != configDescriptor.Digest));
        var progress = options.Progress;
        progress?.Report(Stage(destinationName, PublishStage.Checking, blobs));
        if (target.Tag is string tag && !options.Force && await TagNamesAsync(repository, tag, manifest.Digest, cancellationToken).ConfigureAwait(false))
        {
            log?.Invoke($"'{destinationName}' already is {manifest.Digest}; nothing to publish.");
            progress?.Report(Stage(destinationName, PublishStage.Completed, blobs));
            return new PublishResult(remote, Array.Empty<BlobCopyResult>(), manifestPushed: false);
        }

        IReadOnlyList<BlobCopyResult> results;
        using (store.Pin(blobs.Select(b => b.Digest).Append(manifest.Digest)))
        {
            var copy = new CopyOptions
            {
                Concurrency = options.Concurrency,
                Log = log,
                MountFrom = _ => registry.MountSources,
                Progress = progress is null ? null : p => progress.Report(Report(destinationName, configDescriptor, p)),
            };
            results = await TransferEngine.CopyAsync(new LayoutSource(store.Layout), registry, blobs, copy, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(Stage(destinationName, PublishStage.Manifest, blobs, blobs.Sum(b => b.Size)));
        var mediaType = string.IsNullOrEmpty(manifest.MediaType) ? MediaTypes.OciManifest : manifest.MediaType;
        await repository.PutManifestAsync(target.Tag ?? manifest.Digest, manifestBytes, mediaType, cancellationToken).ConfigureAwait(false);
        progress?.Report(Stage(destinationName, PublishStage.Completed, blobs, blobs.Sum(b => b.Size)));
        return new PublishResult(remote, results, manifestPushed: true);
    }

    /// <summary>The stored manifest (its exact bytes) and config, read back verified and validated before anything is sent.</summary>
    private static (byte[] Bytes, ModelManifest Manifest, ModelConfig Config) ReadStored(ModelStore store, ModelArtifact artifact, ModelReference target)
    {
        var manifestBytes = store.Layout.ReadBlob(artifact.Manifest.ToDescriptor());
        var manifest = ModelManifest.Parse(manifestBytes);
        if (target.Digest is string pinned && pinned != manifest.Digest)
        {
            throw new ModelPackException(ErrorIds.DigestMismatch, ErrorKind.InvalidArgument, $"Cannot publish {manifest.Digest} as '{target}': the destination names another digest.", target.ToString());
        }

        manifest.ThrowIfInvalid($"The manifest of '{artifact.Reference}'");
        var config = ModelConfig.Parse(store.Layout.ReadBlob(manifest.Config!));
        config.ThrowIfInvalid($"The config of '{artifact.Reference}'");
        return (manifestBytes, manifest, config);
    }

    /// <summary>
    /// Where to publish <paramref name="artifact"/>: <paramref name="destination"/> (keeping the artifact's tag when it
    /// names none), else the artifact's own reference; InvalidReference when that names no registry.
    /// </summary>
    public static ModelReference DestinationOf(ModelArtifact artifact, string? destination = null)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (destination is not null)
        {
            var parsed = ModelReference.Parse(destination);
            var lastSegment = destination.Substring(destination.LastIndexOf('/') + 1);
            var namesTagOrDigest = lastSegment.IndexOf(':') >= 0 || lastSegment.IndexOf('@') >= 0;
            return !namesTagOrDigest && artifact.Tag is string tag ? parsed.WithTag(tag) : parsed;
        }

        if (artifact.Registry is not null && ModelReference.TryParse(artifact.Reference, out var own, out _))
        {
            return own!;
        }

        throw new ModelPackException(
            ErrorIds.InvalidReference,
            ErrorKind.InvalidArgument,
            $"'{artifact.Reference}' names no registry to publish to; give a destination (-Destination) such as 'registry.example.com/models/name:tag'.",
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
    private static async Task<bool> TagNamesAsync(RegistryRepository repository, string tag, string digest, CancellationToken cancellationToken)
    {
        try
        {
            var head = await repository.HeadManifestAsync(tag, cancellationToken).ConfigureAwait(false);
            return head.Digest == digest;
        }
        catch (RegistryException ex) when (ex.ErrorId == ErrorIds.ModelArtifactNotFound)
        {
            return false;
        }
    }

    private static PublishProgress Stage(string destination, PublishStage stage, IReadOnlyList<Descriptor> blobs, long done = 0) =>
        new(destination, stage, done, blobs.Sum(b => b.Size));

    private static PublishProgress Report(string destination, Descriptor config, TransferProgress p) =>
        new(destination, p.Outcome is null ? PublishStage.Uploading : PublishStage.BlobDone, 0, 0, p, p.Index == 0 && p.Blob.Digest == config.Digest ? "config" : p.Blob.Filepath ?? p.Blob.Title ?? p.Blob.Digest);
}
