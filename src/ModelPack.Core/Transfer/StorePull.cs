using System;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Pulls from a registry into the local store through the copy engine: one manifest answer decides whether
/// anything is needed (<see cref="PullStart"/>), then <see cref="ArtifactPull"/> or <see cref="ImagePull"/>
/// copy the blobs (<see cref="RegistrySource"/> to <see cref="StoreTarget"/>), build the snapshot and tag it.
/// Bad content (InvalidData, SecurityError) leaves the store as it was: whatever the pull published is
/// referenced by nothing and collected. Transient failures (network, cancellation) keep their data for the
/// next pull to resume.
/// </summary>
public static class StorePull
{
    /// <summary>
    /// Pulls a ModelPack artifact into the store: one manifest HEAD decides whether anything is needed;
    /// otherwise the manifest and config are fetched and validated (with every layer path checked) before any
    /// layer is downloaded, layers download concurrently into tmp/ and are published when verified, the snapshot
    /// is built, and only then is the reference tagged.
    /// </summary>
    /// <exception cref="ModelPackException">NotAModelArtifact for anything else; the registry's and the store's failures.</exception>
    public static Task<PullResult> PullAsync(this ModelStore store, RegistryClient client, ModelReference reference, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        PullAsync(store, client, reference, null, options, imagesToo: false, cancellationToken);

    /// <summary>
    /// Pulls a model packaged as a container image (files under <c>/models</c>) into the store, so engines without
    /// image mounts (docker, none) can bind-mount it: as for artifacts, one HEAD decides whether anything changed;
    /// the manifest (for an index: linux/amd64) and the image config are fetched, every layer is checked to be a
    /// readable rootfs layer before any is downloaded, layers download verified and resumable, the image's
    /// <c>/models</c> becomes the snapshot (<see cref="ImageSnapshotBuilder"/>), and only then is the reference
    /// tagged. A ModelPack artifact given here is pulled as one.
    /// </summary>
    /// <exception cref="ModelPackException">
    /// NotAModelArtifact for a manifest that is neither an image nor a model, or an image without /models;
    /// UnsupportedImageContent for layers that cannot be read or applied; the registry's and the store's failures.
    /// </exception>
    public static Task<PullResult> PullImageAsync(this ModelStore store, RegistryClient client, ModelReference reference, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        PullAsync(store, client, reference, null, options, imagesToo: true, cancellationToken);

    /// <param name="answer">The registry's first answer for the reference in this pull, when the kind was decided on it already.</param>
    /// <param name="imagesToo">Also pull a model packaged as an image (else NotAModelArtifact).</param>
    internal static async Task<PullResult> PullAsync(ModelStore store, RegistryClient client, ModelReference reference, ManifestAnswer? answer, PullOptions? options, bool imagesToo, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        options ??= new PullOptions();
        var repository = client.Repository(reference);
        try
        {
            using var start = await PullStart.BeginAsync(store, repository, reference, answer, options, cancellationToken).ConfigureAwait(false);
            if (start.UpToDate is PullResult upToDate)
            {
                return upToDate;
            }

            var manifest = start.Resolved.Manifest;
            if (manifest.IsModelArtifact)
            {
                if (imagesToo)
                {
                    options.Log?.Invoke($"'{start.RefName}' is a ModelPack artifact, not an image; pulling it as an artifact.");
                }

                return await ArtifactPull.RunAsync(store, repository, start, options, cancellationToken).ConfigureAwait(false);
            }

            if (imagesToo && ModelImage.IsImageManifest(manifest))
            {
                if (options.Layers is { IsEmpty: false })
                {
                    throw TransferErrors.ImageIsPulledWhole(start.RefName);
                }

                return await ImagePull.RunAsync(store, repository, start, options, cancellationToken).ConfigureAwait(false);
            }

            throw ManifestChecks.NotAModel(start.RefName, start.Resolved.Digest, manifest, imagesToo);
        }
        catch (ModelPackException ex) when (ex.Kind is ErrorKind.InvalidData or ErrorKind.SecurityError)
        {
            options.Log?.Invoke($"Discarding what this pull stored: {ex.ErrorId}.");
            store.CollectGarbage();
            throw;
        }
    }
}
