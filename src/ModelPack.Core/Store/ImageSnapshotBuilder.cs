using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// Builds the snapshot of a model packaged as a container image: the image's <c>/models</c> directory,
/// taken from its rootfs layers in order, becomes <c>snapshots/&lt;manifest-hex&gt;/</c>. Like
/// <see cref="SnapshotBuilder"/> it builds under a <c>.tmp-</c> name and renames when complete.
/// </summary>
/// <remarks>
/// Only entries under <c>/models</c> are extracted, with the same safety checks as ModelPack tar layers;
/// the rest of the image (a base system with absolute links, devices and whiteouts) is skipped unread.
/// Whiteouts under <c>/models</c> and a file written twice there by two layers are refused
/// (UnsupportedImageContent, LayerPathConflict): a snapshot only adds files, so an image that deletes
/// or replaces model files in a later layer cannot be represented faithfully.
/// </remarks>
public static class ImageSnapshotBuilder
{
    /// <summary>Media type of an uncompressed Docker rootfs layer (rare, but valid).</summary>
    public const string DockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>How a rootfs layer of this media type is packed; null when it is not a layer this can read.</summary>
    public static LayerPacking? PackingOf(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayerTar or DockerLayerTar => LayerPacking.Tar,
        MediaTypes.OciLayerTarGzip or MediaTypes.DockerLayerTarGzip => LayerPacking.TarGzip,
        MediaTypes.OciLayerTarZstd => LayerPacking.TarZstd,
        _ => null,
    };

    /// <summary>Throws UnsupportedImageContent for a layer whose media type is not a tar, tar+gzip or tar+zstd rootfs layer.</summary>
    public static void CheckLayers(IReadOnlyList<Descriptor> layers, string reference)
    {
        if (layers is null)
        {
            throw new ArgumentNullException(nameof(layers));
        }

        foreach (var layer in layers)
        {
            if (PackingOf(layer.MediaType) is null)
            {
                throw new ModelPackException(
                    ErrorIds.UnsupportedImageContent,
                    ErrorKind.InvalidData,
                    $"Image '{reference}' has layer {layer.Digest} of media type {DisplayText.Quote(layer.MediaType)}, which is not a tar, tar+gzip or tar+zstd filesystem layer, so its /models cannot be read. Use a podman strategy for this image.",
                    reference);
            }
        }
    }

    /// <summary>Builds (or finds) the snapshot of an image manifest and returns its directory.</summary>
    /// <exception cref="ModelPackException">
    /// NotAModelArtifact when the image has no files under /models; UnsupportedImageContent, UnsafeLayerPath,
    /// LayerPathConflict or InvalidLayerArchive for layers that cannot be extracted safely.
    /// </exception>
    public static Task<string> BuildAsync(
        string snapshotsDir,
        string manifestDigest,
        string reference,
        IReadOnlyList<Descriptor> layers,
        Func<Descriptor, string> blobPath,
        CancellationToken cancellationToken) =>
        BuildAsync(snapshotsDir, manifestDigest, reference, layers, blobPath, ArchiveLimits.Default, cancellationToken);

    /// <inheritdoc cref="BuildAsync(string, string, string, IReadOnlyList{Descriptor}, Func{Descriptor, string}, CancellationToken)"/>
    /// <param name="snapshotsDir">The store's <c>snapshots</c> directory.</param>
    /// <param name="manifestDigest">The image manifest's digest.</param>
    /// <param name="reference">The image, for messages.</param>
    /// <param name="layers">The image's layers, base first.</param>
    /// <param name="blobPath">The path of a layer's verified blob file.</param>
    /// <param name="limits">How far each layer's /models part may expand.</param>
    /// <param name="cancellationToken">Stops the build; the partial directory is removed.</param>
    public static async Task<string> BuildAsync(
        string snapshotsDir,
        string manifestDigest,
        string reference,
        IReadOnlyList<Descriptor> layers,
        Func<Descriptor, string> blobPath,
        ArchiveLimits limits,
        CancellationToken cancellationToken)
    {
        if (blobPath is null)
        {
            throw new ArgumentNullException(nameof(blobPath));
        }

        CheckLayers(layers, reference);
        var final = SnapshotBuilder.SnapshotPath(snapshotsDir, manifestDigest);
        if (Directory.Exists(final))
        {
            return final;
        }

        return await SnapshotBuilder.BuildInPlaceAsync(snapshotsDir, final, temporary => Extract(temporary, reference, layers, blobPath, limits, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static void Extract(string temporary, string reference, IReadOnlyList<Descriptor> layers, Func<Descriptor, string> blobPath, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var tree = new SnapshotTree(temporary);
        var extractor = new TarLayerExtractor(tree, ModelImage.ModelsDirectory, limits);
        foreach (var layer in layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            extractor.Extract(blobPath(layer), PackingOf(layer.MediaType)!.Value, layer.Digest, cancellationToken);
        }

        tree.ValidateSymbolicLinks();
        using var entries = Directory.EnumerateFileSystemEntries(temporary).GetEnumerator();
        if (!entries.MoveNext())
        {
            throw new ModelPackException(
                ErrorIds.NotAModelArtifact,
                ErrorKind.InvalidData,
                $"Image '{reference}' has no files under /{ModelImage.ModelsDirectory}, where models packaged as images keep them, so it is not a model image.",
                reference);
        }
    }
}
