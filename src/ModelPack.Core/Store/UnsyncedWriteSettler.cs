using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// Finishes what <see cref="StoreDurability.Deferred"/> pulls left in <c>unsynced/</c>. A journal of
/// this boot whose pull has ended and that is old enough for the kernel to have written its data back
/// is settled by flushing its blobs (nearly free by then) and deleting it. A journal of another boot
/// means the system stopped after that pull: its blobs are re-hashed, damaged ones deleted, artifacts
/// that lost a blob untagged (Save them again), and the snapshots of the others rebuilt, since
/// extracted files were not flushed either. Runs under the store's collection lock.
/// </summary>
internal static class UnsyncedWriteSettler
{
    public static void Settle(ModelStore store, Action<string>? log)
    {
        var journals = UnsyncedJournal.Find(store.Root);
        if (journals.Count == 0)
        {
            return;
        }

        var boot = store.BootId();
        var now = DateTime.UtcNow;
        var actionable = journals.Where(j => UnsyncedJournal.BootIdOf(j) != boot || now - j.LastWriteTimeUtc >= store.UnsyncedSettleAge).ToList();
        if (actionable.Count == 0)
        {
            return;
        }

        // Flushing this boot's writes can wait for another opening; checking after a restart cannot.
        var recovering = actionable.Any(j => UnsyncedJournal.BootIdOf(j) != boot);
        FileLock gcLock;
        try
        {
            gcLock = recovering ? store.AcquireGcLock() : FileLock.Acquire(store.GcLockPath, TimeSpan.Zero);
        }
        catch (ModelPackException ex) when (!recovering && ex.ErrorId == ErrorIds.StoreLocked)
        {
            return;
        }

        using (gcLock)
        {
            var flushedDirectories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var journal in actionable)
            {
                using var held = UnsyncedJournal.TryHold(journal.FullName);
                if (held is null)
                {
                    // Its pull is still running (or another settler got there first and deleted it).
                    continue;
                }

                if (!UnsyncedJournal.TryRead(held, out var manifests, out var blobs))
                {
                    log?.Invoke($"Deleting the write journal '{journal.FullName}': it was cut short while being written, before any blob it covers was stored.");
                }
                else if (UnsyncedJournal.BootIdOf(journal) == boot)
                {
                    Flush(store, manifests.Concat(blobs), flushedDirectories);
                }
                else
                {
                    Recover(store, journal.FullName, manifests, blobs, log);
                }

                AtomicFile.TryDelete(journal.FullName);
            }
        }
    }

    private static void Flush(ModelStore store, IEnumerable<string> digests, HashSet<string> flushedDirectories)
    {
        foreach (var digest in digests)
        {
            var path = store.Layout.BlobPath(digest);
            if (DiskFlush.Path(path) && flushedDirectories.Add(Path.GetDirectoryName(path)!))
            {
                DiskFlush.Path(Path.GetDirectoryName(path)!);
            }
        }
    }

    private static void Recover(ModelStore store, string journal, List<string> manifests, List<string> blobs, Action<string>? log)
    {
        log?.Invoke($"The system stopped after a pull into '{store.Root}' whose writes were not yet on disk ('{journal}'): checking the {manifests.Count + blobs.Count} blob(s) it wrote.");
        foreach (var digest in manifests.Concat(blobs).Distinct())
        {
            if (store.Layout.HasBlob(digest) && !Verifies(store.Layout, digest))
            {
                log?.Invoke($"Blob {digest} was damaged by the stop; deleting it.");
                store.Layout.DeleteBlob(digest);
            }
        }

        foreach (var manifestDigest in manifests)
        {
            var snapshot = store.SnapshotPath(manifestDigest);
            SnapshotBuilder.Delete(snapshot);
            var references = store.Layout.ReadIndex().Manifests.Where(d => d.Digest == manifestDigest).ToList();
            if (references.Count == 0)
            {
                continue;
            }

            var manifest = store.Layout.HasBlob(manifestDigest) ? ModelManifest.Parse(store.Layout.ReadBlob(manifestDigest, OciLayout.MaxManifestBytes)) : null;
            var complete = manifest is not null && RequiredBlobs(manifest, store.StoredLayers(manifest, out _)).All(store.Layout.HasBlob);
            foreach (var reference in references)
            {
                var name = reference.Annotation(AnnotationKeys.RefName) ?? manifestDigest;
                if (!complete)
                {
                    store.Layout.RemoveReference(name);
                    log?.Invoke($"Removed '{name}' from the store: the system stopped before its data reached the disk. Run Save-ModelArtifact again.");
                }
            }

            if (complete)
            {
                try
                {
                    store.RebuildSnapshot(manifest!, references[0].Annotation(AnnotationKeys.RefName) ?? manifestDigest, CancellationToken.None);
                    log?.Invoke($"Rebuilt the snapshot of {manifestDigest}: its files were written just before the system stopped.");
                }
                catch (ModelPackException ex)
                {
                    // Listed as "snapshot missing" until a Save builds it again.
                    log?.Invoke($"Could not rebuild the snapshot of {manifestDigest} ({ex.ErrorId}: {ex.Message}); Save-ModelArtifact builds it again.");
                }
            }
        }
    }

    private static IEnumerable<string> RequiredBlobs(ModelManifest manifest, IReadOnlyList<int>? present) =>
        PartialPulls.PartialLayers.Pick(manifest.Layers, present).Select(l => l.Digest).Concat(manifest.Config is Descriptor c ? new[] { c.Digest } : Array.Empty<string>());

    /// <summary>Reads the blob through the layout's verifying stream: false when its bytes no longer match its digest.</summary>
    private static bool Verifies(OciLayout layout, string digest)
    {
        try
        {
            using var blob = layout.OpenBlob(digest);
            blob.CopyTo(Stream.Null);
            return true;
        }
        catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.DigestMismatch or ErrorIds.SizeMismatch)
        {
            return false;
        }
    }
}
