using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.PartialPulls;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// What the store does for a pull that writes into it: room, pins and the journal before the first byte
/// (<see cref="BeginWritesAsync"/>), the manifest and its tag after the last (<see cref="Tag"/>).
/// </summary>
public sealed partial class ModelStore
{
    /// <summary>Annotation on a store index entry: the digest the registry reports for the tag when it is an index.</summary>
    public const string SourceDigestAnnotation = "io.modelpack.source.digest";

    /// <summary>
    /// Pins the manifest and <paramref name="blobs"/> against collection and, with deferred durability,
    /// records them in an <see cref="UnsyncedJournal"/> before any is written. Dispose it when the pull ends.
    /// First makes sure the store's file system has room (<see cref="EnsureRoomFor"/>).
    /// </summary>
    internal async Task<StoreWrites> BeginWritesAsync(string manifestDigest, IReadOnlyList<Descriptor> blobs, IEnumerable<Descriptor> extracted, string refName, CancellationToken cancellationToken)
    {
        EnsureRoomFor(blobs, extracted, refName);
        var pin = await PinAsync(blobs.Select(b => b.Digest).Append(manifestDigest), cancellationToken).ConfigureAwait(false);
        try
        {
            var journal = Durability == StoreDurability.Deferred ? UnsyncedJournal.Begin(Root, BootId(), manifestDigest, blobs.Select(b => b.Digest)) : null;
            return new StoreWrites(pin, journal);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws InsufficientFreeSpace, before anything is downloaded, when the store's file system has less room
    /// than the pull will use: the blobs it does not have yet (less what partial downloads already hold), and for
    /// <paramref name="extracted"/> tar layers their size again, as a floor for the files their extraction writes
    /// (raw layers become hard links to their blobs and take no room). Extraction itself stops at the free space.
    /// </summary>
    internal void EnsureRoomFor(IEnumerable<Descriptor> blobs, IEnumerable<Descriptor> extracted, string refName)
    {
        long needed = 0;
        foreach (var blob in blobs.GroupBy(b => b.Digest, StringComparer.Ordinal).Select(g => g.First()))
        {
            var stored = Layout.BlobPath(blob.Digest);
            if (File.Exists(stored) && new FileInfo(stored).Length == blob.Size)
            {
                continue;
            }

            var partial = new FileInfo(Path.Combine(TempDirectory, Digest.Parse(blob.Digest).Encoded + ".partial"));
            needed = FreeSpace.Add(needed, blob.Size - (partial.Exists && partial.Length <= blob.Size ? partial.Length : 0));
        }

        foreach (var layer in extracted)
        {
            needed = FreeSpace.Add(needed, layer.Size);
        }

        FreeSpace.Ensure(Root, needed, $"'{refName}'", refName);
    }

    /// <summary>
    /// Stores the manifest and points <paramref name="refName"/> at it: the last step, so that a crash
    /// before it leaves an unreferenced snapshot the next pull reuses and collection otherwise removes.
    /// </summary>
    /// <param name="refName">The name to tag.</param>
    /// <param name="resolved">The manifest (and the index it came from).</param>
    /// <param name="writes">The pull's writes.</param>
    /// <param name="present">For a partial pull, the layers present (<see cref="PartialLayers"/>); null when all are.</param>
    /// <param name="cancellationToken">Stops before the tag is written.</param>
    internal void Tag(string refName, ResolvedManifest resolved, StoreWrites writes, IReadOnlyList<int>? present, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var manifest = resolved.Manifest;
        Layout.WriteBlob(manifest.ToBytes(), writes.FlushToDisk);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (resolved.Index is not null)
        {
            // Lets the next Save compare the registry's HEAD answer (the index digest) with one lookup.
            annotations[SourceDigestAnnotation] = resolved.Index.Digest;
        }

        var mark = PartialLayers.Format(present, manifest.Layers.Count);
        if (mark is not null)
        {
            annotations[PartialLayers.Annotation] = mark;
        }

        Layout.SetReference(refName, manifest.ToDescriptor(annotations), cancellationToken);
        MarkOtherNames(refName, manifest.Digest, mark, cancellationToken);
    }

    /// <summary>
    /// The layers the store holds for a manifest digest as the snapshot has them: null when some name of it is complete
    /// (or none is stored), else the union of what its names record.
    /// </summary>
    internal IReadOnlyList<int>? StoredLayers(ModelManifest manifest, out bool stored)
    {
        stored = false;
        IReadOnlyList<int>? union = Array.Empty<int>();
        foreach (var d in Layout.ReadIndex().Manifests.Where(d => d.Digest == manifest.Digest))
        {
            stored = true;
            union = PartialLayers.Union(union, PartialLayers.Read(d, manifest.Layers.Count));
        }

        return stored ? union : null;
    }

    /// <summary>The other names of one manifest share its snapshot, so they get the same mark.</summary>
    private void MarkOtherNames(string refName, string manifestDigest, string? mark, CancellationToken cancellationToken)
    {
        foreach (var other in Layout.ReadIndex().Manifests.Where(d => d.Digest == manifestDigest).ToList())
        {
            var name = other.Annotation(AnnotationKeys.RefName);
            if (name is null || name == refName || other.Annotation(PartialLayers.Annotation) == mark)
            {
                continue;
            }

            var annotations = other.Annotations.Where(a => a.Key != AnnotationKeys.RefName && a.Key != PartialLayers.Annotation).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            if (mark is not null)
            {
                annotations[PartialLayers.Annotation] = mark;
            }

            Layout.SetReference(name, other.WithAnnotations(annotations), cancellationToken);
        }
    }

    /// <summary>The index digest the registry named <paramref name="refName"/> by when it was pulled, if it was an index.</summary>
    internal string? StoredSourceDigest(string refName)
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

    /// <summary>Removes a snapshot before it is built again (a forced pull, a repair).</summary>
    internal void DeleteSnapshot(string manifestDigest) => SnapshotBuilder.Delete(SnapshotPath(manifestDigest));
}

/// <summary>The pin and the journal of a pull's writes; <see cref="FlushToDisk"/> when there is no journal.</summary>
internal sealed class StoreWrites : IDisposable
{
    private readonly PullPin _pin;
    private readonly UnsyncedJournal? _journal;

    public StoreWrites(PullPin pin, UnsyncedJournal? journal)
    {
        _pin = pin;
        _journal = journal;
    }

    public bool FlushToDisk => _journal is null;

    public void Dispose()
    {
        _journal?.Dispose();
        _pin.Dispose();
    }
}
