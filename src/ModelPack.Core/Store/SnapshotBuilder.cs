using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// Materialises an artifact's layers as <c>snapshots/&lt;manifest-hex&gt;/&lt;filepath...&gt;</c>, the folder a
/// container bind-mounts read-only. A snapshot directory either is complete or does not exist: it is built
/// under a <c>.tmp-</c> name beside it and renamed into place only when every layer is in.
/// </summary>
/// <remarks>
/// Raw layers (and layers whose media type is not a ModelPack layer type, such as plain OCI artifact
/// blobs) become one file at their <c>org.cncf.model.filepath</c>, else their
/// <c>org.opencontainers.image.title</c>: a hard link to the blob, or a copy where the file system cannot
/// link. Tar layers are extracted by <see cref="TarLayerExtractor"/>. Files are made read-only; a hard link
/// shares its mode with the blob, so the blob becomes read-only too, which blobs are meant to be.
/// Leftover <c>.tmp-*</c> directories (from a crash or kill) are not cleaned here: that belongs to the
/// store's garbage collection, under its lock, because a slow build's directory can look stale.
/// </remarks>
public static class SnapshotBuilder
{
    /// <summary>Prefix of directories that are being built or deleted; never a snapshot.</summary>
    public const string TemporaryPrefix = ".tmp-";

    /// <summary>The snapshot directory of a manifest: <c>snapshotsDir/&lt;encoded digest&gt;</c>.</summary>
    public static string SnapshotPath(string snapshotsDir, string manifestDigest)
    {
        if (snapshotsDir is null)
        {
            throw new ArgumentNullException(nameof(snapshotsDir));
        }

        return Path.Combine(snapshotsDir, EncodedDigest(manifestDigest));
    }

    /// <summary>
    /// Builds (or finds) the snapshot of a manifest and returns its directory. Safe to call concurrently from
    /// several processes: the first complete build wins and the others return it. On any failure nothing is
    /// left behind.
    /// </summary>
    /// <param name="snapshotsDir">The store's <c>snapshots</c> directory (created if missing).</param>
    /// <param name="manifestDigest">The manifest digest, <c>sha256:&lt;hex&gt;</c>.</param>
    /// <param name="layers">The manifest's layers, in manifest order.</param>
    /// <param name="blobPath">The path of a layer's verified blob file.</param>
    /// <param name="cancellationToken">Stops the build; the partial directory is removed.</param>
    public static Task<string> BuildAsync(
        string snapshotsDir,
        string manifestDigest,
        IReadOnlyList<Descriptor> layers,
        Func<Descriptor, string> blobPath,
        CancellationToken cancellationToken) =>
        BuildAsync(snapshotsDir, manifestDigest, layers, blobPath, ArchiveLimits.Default, cancellationToken);

    /// <inheritdoc cref="BuildAsync(string, string, IReadOnlyList{Descriptor}, Func{Descriptor, string}, CancellationToken)"/>
    /// <param name="snapshotsDir">The store's <c>snapshots</c> directory (created if missing).</param>
    /// <param name="manifestDigest">The manifest digest, <c>sha256:&lt;hex&gt;</c>.</param>
    /// <param name="layers">The manifest's layers, in manifest order.</param>
    /// <param name="blobPath">The path of a layer's verified blob file.</param>
    /// <param name="limits">How far each tar layer may expand.</param>
    /// <param name="cancellationToken">Stops the build; the partial directory is removed.</param>
    public static async Task<string> BuildAsync(
        string snapshotsDir,
        string manifestDigest,
        IReadOnlyList<Descriptor> layers,
        Func<Descriptor, string> blobPath,
        ArchiveLimits limits,
        CancellationToken cancellationToken)
    {
        if (layers is null)
        {
            throw new ArgumentNullException(nameof(layers));
        }

        if (blobPath is null)
        {
            throw new ArgumentNullException(nameof(blobPath));
        }

        var final = SnapshotPath(snapshotsDir, manifestDigest);
        if (Directory.Exists(final))
        {
            if (IsComplete(final, layers))
            {
                return final;
            }

            // Damaged by hand (a file removed or changed): move it aside and build a fresh one.
            Delete(final);
        }

        return await BuildInPlaceAsync(snapshotsDir, final, temporary => Materialize(new SnapshotTree(temporary), layers, blobPath, limits, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills a fresh temporary directory beside <paramref name="final"/> (on a pool thread) and renames it into
    /// place: only complete snapshots are ever renamed in, so when another process finished the same snapshot
    /// first, theirs is as good as this one, which is removed. On any failure nothing is left behind.
    /// </summary>
    internal static async Task<string> BuildInPlaceAsync(string snapshotsDir, string final, Action<string> fill, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(snapshotsDir);
        var temporary = Path.Combine(snapshotsDir, TemporaryName(Path.GetFileName(final)));
        try
        {
            Directory.CreateDirectory(temporary);
            await Task.Run(() => fill(temporary), cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                Directory.Move(temporary, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                DirectoryTree.TryDelete(temporary);
            }

            return final;
        }
        catch
        {
            DirectoryTree.TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="snapshotDir"/> exists and holds every raw layer's file at its path with the
    /// layer's size. Tar layers' contents are not listed again (that would mean reading the archives).
    /// </summary>
    public static bool IsComplete(string snapshotDir, IReadOnlyList<Descriptor> layers)
    {
        if (snapshotDir is null)
        {
            throw new ArgumentNullException(nameof(snapshotDir));
        }

        if (layers is null)
        {
            throw new ArgumentNullException(nameof(layers));
        }

        if (!Directory.Exists(snapshotDir))
        {
            return false;
        }

        foreach (var layer in layers)
        {
            if ((layer.Packing ?? LayerPacking.Raw) != LayerPacking.Raw)
            {
                continue;
            }

            if (!SnapshotTree.TryNormalize(RawLayerName(layer), out var relative, out _))
            {
                return false;
            }

            var file = new FileInfo(Path.Combine(snapshotDir, relative.Replace('/', Path.DirectorySeparatorChar)));
            if (!file.Exists || file.Length != layer.Size)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Removes a snapshot. It is first renamed to a <c>.tmp-</c> name, so from that instant its path is gone
    /// rather than half-deleted; then the renamed tree is deleted without following links. Returns false
    /// when there was nothing to remove (or another process removed it first).
    /// </summary>
    public static bool Delete(string snapshotDir)
    {
        if (snapshotDir is null)
        {
            throw new ArgumentNullException(nameof(snapshotDir));
        }

        var full = Path.GetFullPath(snapshotDir).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(full))
        {
            return false;
        }

        var doomed = Path.Combine(parent, TemporaryName(Path.GetFileName(full) + "-deleting"));
        try
        {
            Directory.Move(full, doomed);
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException) when (!Directory.Exists(full))
        {
            return false;
        }

        DirectoryTree.Delete(doomed);
        return true;
    }

    /// <summary>
    /// Checks, from the manifest alone, the file names the raw layers will get: each needs a filepath or a title
    /// (MissingLayerPath) that is a safe relative path (UnsafeLayerPath), and no two may claim one path or put a
    /// file where another needs a directory (LayerPathConflict). A pull calls it before downloading anything;
    /// building checks the same while it places the files, and tar entries too.
    /// </summary>
    public static void CheckLayerNames(IReadOnlyList<Descriptor> layers)
    {
        if (layers is null)
        {
            throw new ArgumentNullException(nameof(layers));
        }

        var files = new Dictionary<string, Descriptor>(SnapshotTree.PathComparer);
        var directories = new Dictionary<string, Descriptor>(SnapshotTree.PathComparer);
        foreach (var layer in layers)
        {
            if ((layer.Packing ?? LayerPacking.Raw) != LayerPacking.Raw)
            {
                continue;
            }

            var name = RawLayerName(layer) ?? throw SnapshotErrors.MissingPath(layer.Digest);
            if (!SnapshotTree.TryNormalize(name, out var relative, out var error))
            {
                throw SnapshotErrors.Unsafe(layer.Digest, name, (string.IsNullOrEmpty(layer.Filepath) ? "the file name (its title, as it has no file path) is unsafe: " : "the file path is unsafe: ") + error);
            }

            if (files.TryGetValue(relative, out var other) || directories.TryGetValue(relative, out other))
            {
                throw SnapshotErrors.Conflict(layer.Digest, relative, $"layer {other.Digest} already {(files.ContainsKey(relative) ? "put a file" : "needs a directory")}.");
            }

            for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
            {
                var parent = relative.Substring(0, slash);
                if (files.TryGetValue(parent, out var file))
                {
                    throw SnapshotErrors.Conflict(layer.Digest, relative, $"'{parent}' is a file from layer {file.Digest}, not a directory.");
                }

                if (!directories.ContainsKey(parent))
                {
                    directories.Add(parent, layer);
                }
            }

            files.Add(relative, layer);
        }
    }

    internal static void Materialize(SnapshotTree tree, IReadOnlyList<Descriptor> layers, Func<Descriptor, string> blobPath, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var extractor = new TarLayerExtractor(tree, null, limits);
        foreach (var layer in layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var packing = layer.Packing ?? LayerPacking.Raw;
            var blob = blobPath(layer);
            if (packing == LayerPacking.Raw)
            {
                PlaceRawLayer(tree, layer, blob, cancellationToken);
            }
            else
            {
                extractor.Extract(blob, packing, layer.Digest, cancellationToken);
            }
        }

        tree.ValidateSymbolicLinks();
    }

    private static void PlaceRawLayer(SnapshotTree tree, Descriptor layer, string blob, CancellationToken cancellationToken)
    {
        var name = RawLayerName(layer) ?? throw SnapshotErrors.MissingPath(layer.Digest);
        if (!SnapshotTree.TryNormalize(name, out var relative, out var error))
        {
            throw SnapshotErrors.Unsafe(layer.Digest, name, "the file path is unsafe: " + error);
        }

        var path = tree.ReserveFile(relative, executable: false, layer.Digest, name);
        FileMaterializer.LinkOrCopy(blob, path, cancellationToken);
        FileMaterializer.MakeReadOnly(path);
    }

    private static string? RawLayerName(Descriptor layer) =>
        !string.IsNullOrEmpty(layer.Filepath) ? layer.Filepath : string.IsNullOrEmpty(layer.Title) ? null : layer.Title;

    private static string TemporaryName(string name) =>
        TemporaryPrefix + name + "-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture).Substring(0, 12);

    private static string EncodedDigest(string manifestDigest)
    {
        if (!Digest.TryParse(manifestDigest, out var digest, out var error))
        {
            throw new ModelPackException(
                ErrorIds.UnsupportedDigest,
                ErrorKind.InvalidArgument,
                $"Cannot name a snapshot after '{manifestDigest}': {error} Pass the manifest's digest, for example 'sha256:<64 hex digits>'.",
                manifestDigest);
        }

        // The digest grammar allows only [A-Za-z0-9=_-] in the encoded part, so it is a safe directory name.
        return digest.Encoded;
    }
}
