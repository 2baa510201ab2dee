using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>The layout's index.json: read and validated, its manifests collected (nested indexes followed), tags set and removed under the lock.</summary>
public sealed partial class OciLayout
{
    /// <summary>index.json, validated as an image index.</summary>
    public ImageIndex ReadIndex()
    {
        var bytes = ReadIndexBytes();
        IndexJson.Validate(bytes, Root);
        return ImageIndex.Parse(bytes);
    }

    /// <summary>
    /// Every manifest reachable from index.json (nested indexes followed), each parsed from verified
    /// bytes, in index order. Entries that are neither manifests nor indexes are skipped.
    /// </summary>
    public IReadOnlyList<LayoutEntry> ReadEntries()
    {
        try
        {
            return ReadEntries((Action<Descriptor, ModelSpecException>?)null);
        }
        catch (ModelSpecException ex)
        {
            throw LayoutErrors.Invalid(Root, ex.Message, ex);
        }
    }

    /// <summary>
    /// <see cref="ReadEntries()"/>, going on past index.json entries whose manifest (or nested index) cannot be
    /// used at all (ModelSpecViolation: undecodable JSON, impossible sizes): each is told to
    /// <paramref name="unreadable"/> with its index.json descriptor and left out. Without the callback the first
    /// one is thrown.
    /// </summary>
    public IReadOnlyList<LayoutEntry> ReadEntries(Action<Descriptor, ModelSpecException>? unreadable)
    {
        var entries = new List<LayoutEntry>();
        foreach (var descriptor in ReadIndex().Manifests)
        {
            var start = entries.Count;
            try
            {
                Collect(descriptor, descriptor, descriptor.Annotation(AnnotationKeys.RefName), 0, entries);
            }
            catch (ModelSpecException ex) when (unreadable is not null)
            {
                entries.RemoveRange(start, entries.Count - start);
                unreadable(descriptor, ex);
            }
        }

        return entries;
    }

    /// <summary>
    /// The manifests one index.json entry leads to (itself, or those of the index it names), as <see cref="ReadEntries()"/>
    /// reads them; a manifest that cannot be used throws its <see cref="ModelSpecException"/>.
    /// </summary>
    internal IReadOnlyList<LayoutEntry> ReadEntries(Descriptor indexEntry)
    {
        var entries = new List<LayoutEntry>();
        Collect(indexEntry, indexEntry, indexEntry.Annotation(AnnotationKeys.RefName), 0, entries);
        return entries;
    }

    /// <summary>
    /// Tags <paramref name="manifest"/> as <paramref name="refName"/> in index.json: any entry with that
    /// name is replaced (one name, one manifest); other entries stay as written. The manifest blob must
    /// already be in the layout.
    /// </summary>
    public void SetReference(string refName, Descriptor manifest, CancellationToken cancellationToken = default)
    {
        CheckRefName(refName);
        if (manifest is null)
        {
            throw new ArgumentNullException(nameof(manifest));
        }

        if (!HasBlob(manifest.Digest))
        {
            throw new ModelPackException(ErrorIds.BlobNotFound, ErrorKind.ObjectNotFound, $"Cannot tag '{refName}': manifest {manifest.Digest} is not in the OCI layout '{Root}'. Write the manifest blob first.", manifest.Digest);
        }

        UpdateIndex(current => IndexJson.SetReference(current, Root, refName, manifest), cancellationToken);
    }

    /// <summary>Removes every index.json entry named <paramref name="refName"/>; false when there was none. Blobs stay.</summary>
    public bool RemoveReference(string refName, CancellationToken cancellationToken = default)
    {
        CheckRefName(refName);
        var removed = false;
        UpdateIndex(
            current =>
            {
                var updated = IndexJson.RemoveReference(current, Root, refName, out removed);
                return removed ? updated : null;
            },
            cancellationToken);
        return removed;
    }

    private static void CheckRefName(string refName)
    {
        if (refName is null)
        {
            throw new ArgumentNullException(nameof(refName));
        }

        if (RefNameGrammar.Check(refName) is string reason)
        {
            throw new ModelPackException(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, $"'{refName}' cannot name a manifest in an OCI layout: {reason}.", refName);
        }
    }

    private byte[] ReadIndexBytes()
    {
        try
        {
            return File.ReadAllBytes(IndexPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw LayoutErrors.NotFound(Root, $"'{Root}' is not an OCI image layout: it has no '{IndexFileName}' file.");
        }
    }

    /// <summary>Read-modify-write of index.json under the lock; <paramref name="edit"/> returns null for "no change".</summary>
    private void UpdateIndex(Func<byte[], byte[]?> edit, CancellationToken cancellationToken)
    {
        using var indexLock = FileLock.Acquire(Path.Combine(Root, IndexLockFileName), LockTimeout, cancellationToken);
        var updated = edit(ReadIndexBytes());
        if (updated is not null)
        {
            AtomicFile.Write(IndexPath, updated, TempDirectory, "index-");
        }
    }

    private void Collect(Descriptor descriptor, Descriptor root, string? refName, int depth, List<LayoutEntry> entries)
    {
        var mediaType = descriptor.MediaType;
        var isIndex = mediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;
        var isManifest = mediaType is MediaTypes.OciManifest or MediaTypes.DockerManifestV2;
        if (!isIndex && !isManifest && mediaType.Length != 0)
        {
            return;
        }

        if (descriptor.Size > MaxManifestBytes)
        {
            throw LayoutErrors.ManifestTooLarge(Root, descriptor, MaxManifestBytes);
        }

        var bytes = ReadBlob(descriptor);
        if (!isIndex && !isManifest)
        {
            isIndex = HasManifestsArray(bytes);
        }

        var name = refName ?? descriptor.Digest;
        if (!isIndex)
        {
            entries.Add(new LayoutEntry(descriptor, refName, ModelManifest.Parse(bytes, $"Manifest {descriptor.Digest} ('{name}') in the OCI layout '{Root}'", name), root));
            return;
        }

        if (depth >= MaxIndexDepth)
        {
            throw LayoutErrors.Invalid(Root, $"Index {descriptor.Digest} in the OCI layout '{Root}' is nested more than {MaxIndexDepth} levels deep.");
        }

        var nested = ImageIndex.Parse(bytes, $"Index {descriptor.Digest} ('{name}') in the OCI layout '{Root}'", name);
        foreach (var child in nested.Manifests)
        {
            Collect(child, root, refName, depth + 1, entries);
        }
    }

    /// <summary>
    /// For descriptors without a media type: an index has a "manifests" array, a manifest does not. Bytes that are
    /// not readable JSON count as a manifest, whose parsing then says what is wrong with them.
    /// </summary>
    private static bool HasManifestsArray(byte[] bytes)
    {
        try
        {
            using var doc = JsonText.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("manifests", out var manifests) &&
                manifests.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
