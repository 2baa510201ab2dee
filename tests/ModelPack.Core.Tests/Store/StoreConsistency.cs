using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// What "consistent" means for a store after crashes and races: every listed artifact is complete —
/// manifest, config and every layer blob present and verifying against its digest, its snapshot
/// holding every raw layer — and nothing in index.json points at a missing blob.
/// </summary>
internal static class StoreConsistency
{
    public static IReadOnlyList<string> Verify(ModelStore store)
    {
        var listed = store.List();
        foreach (var entry in store.Layout.ReadEntries())
        {
            Assert.True(store.Layout.HasBlob(entry.Digest), $"index.json names {entry.Digest}, which is not in the store");
        }

        foreach (var artifact in listed)
        {
            var manifest = artifact.Manifest;
            foreach (var blob in manifest.Layers.Append(manifest.Config!).Append(manifest.ToDescriptor()))
            {
                using var stream = store.Layout.OpenBlob(blob.Digest, blob.Size);
                stream.CopyTo(Stream.Null); // throws DigestMismatch or SizeMismatch when it does not verify
            }

            Assert.True(SnapshotBuilder.IsComplete(artifact.Path!, manifest.Layers), $"the snapshot of {artifact.Reference} is incomplete");
        }

        return listed.Select(a => a.Reference).ToList();
    }

    /// <summary>Partial downloads and temp files in tmp/ and build directories in snapshots/ (lock files, which a pull leaves for reuse, left out).</summary>
    public static IReadOnlyList<string> Leftovers(ModelStore store) =>
        Directory.GetFiles(store.TempDirectory)
            .Select(Path.GetFileName)
            .Where(n => !n!.EndsWith(".lock", StringComparison.Ordinal))
            .Concat(Directory.GetDirectories(store.SnapshotsDirectory, ".tmp-*").Select(Path.GetFileName))
            .Select(n => n!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
}
