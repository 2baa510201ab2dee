using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.Layout;
using ModelPack.Core.PartialPulls;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

public sealed partial class ModelStore
{
    /// <summary>How many times one index.json entry is read before a blob missing under it counts as damage, not a removal in progress.</summary>
    private const int ListAttempts = 4;

    /// <summary>
    /// <see cref="List(Action{string})"/>, with <paramref name="indexRead"/> called once index.json has been read
    /// and before any blob is: the point where a concurrent removal can delete what the listing is about to read.
    /// </summary>
    internal IReadOnlyList<ModelArtifact> List(Action<string>? skipped, Action? indexRead) => List(skipped, null, indexRead);

    private List<ModelArtifact> List(Action<string>? skipped, Action<string>? damaged, Action? indexRead)
    {
        damaged ??= skipped;
        var index = Layout.ReadIndex();
        indexRead?.Invoke();
        var cache = ListingCache.Load(this);
        var result = new List<ModelArtifact>();
        foreach (var indexEntry in index.Manifests)
        {
            foreach (var (entry, config) in Read(indexEntry, cache, damaged))
            {
                var name = entry.RefName ?? entry.Digest;
                if (!entry.Manifest.IsModelArtifact && !ModelImage.IsImageManifest(entry.Manifest))
                {
                    skipped?.Invoke($"Skipping '{name}' in the store: not a ModelPack model.");
                    continue;
                }

                var snapshot = SnapshotPath(entry.Digest);
                if (!Directory.Exists(snapshot))
                {
                    // A removal deletes the snapshot after the blobs: one gone along with its index entry was removed, not interrupted.
                    if (StillIndexed(entry.RootDescriptor) is Descriptor now && now.Digest == entry.RootDescriptor.Digest)
                    {
                        skipped?.Invoke($"Skipping '{name}' in the store: its snapshot is missing (an interrupted pull; Save-ModelArtifact completes it).");
                    }

                    continue;
                }

                var present = PartialLayers.Read(entry.RootDescriptor, entry.Manifest.Layers.Count);
                result.Add(new ModelArtifact(name, entry.Manifest, config, StrategyName, snapshot, Root).WithPresentLayers(present));
            }
        }

        cache.Save(skipped);
        return result;
    }

    /// <summary>An index.json entry's manifests and configs: from the listing cache when it has them unchanged, else from the blobs (and then cached).</summary>
    private IReadOnlyList<(LayoutEntry Entry, ModelConfig? Config)> Read(Descriptor indexEntry, ListingCache cache, Action<string>? damaged)
    {
        if (cache.TryGet(indexEntry) is { } cached)
        {
            return new[] { cached };
        }

        var read = ReadWhileOthersRemove(indexEntry, damaged);
        if (read.Count == 1 && read[0].Entry.RootDescriptor == indexEntry)
        {
            cache.Add(indexEntry, read[0].Entry, read[0].Config);
        }

        return read;
    }

    /// <summary>
    /// The manifests <paramref name="indexEntry"/> leads to, each with its model config (null for other configs),
    /// read while other processes or threads may be removing artifacts. A removal rewrites index.json before it
    /// deletes any blob, so a blob missing under an entry that index.json no longer holds was removed after this
    /// listing read index.json: the entry is left out. When its name now tags another manifest (tagged again,
    /// then the old manifest collected), that one is read instead; when index.json still holds the entry, it may
    /// have been removed and added back meanwhile, so it is read again.
    /// </summary>
    /// <remarks>
    /// A manifest or config that cannot be used at all (undecodable JSON, impossible sizes, a config too large to
    /// read: in a store another tool wrote to) is left out at once and told to <paramref name="damaged"/>.
    /// A blob still missing (or not matching its digest) after <see cref="ListAttempts"/> readings while index.json
    /// keeps the entry is damage: a missing config leaves the artifact listed without its config (Test-ModelArtifact
    /// reports the blob); a damaged manifest leaves nothing to list the artifact with, so it is left out and told to
    /// <paramref name="damaged"/>, and the rest of the store stays usable.
    /// </remarks>
    private IReadOnlyList<(LayoutEntry Entry, ModelConfig? Config)> ReadWhileOthersRemove(Descriptor indexEntry, Action<string>? damaged)
    {
        var current = indexEntry;
        for (var attempt = 1; ; attempt++)
        {
            var lastAttempt = attempt == ListAttempts;
            ModelPackException missing;
            try
            {
                return Layout.ReadEntries(current).Select(e => (e, ReadModelConfig(e, missingIsDamage: lastAttempt))).ToList();
            }
            catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.BlobNotFound or ErrorIds.DigestMismatch or ErrorIds.SizeMismatch)
            {
                missing = ex;
            }
            catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.ModelSpecViolation or ErrorIds.ConfigTooLarge)
            {
                var name = current.Annotation(AnnotationKeys.RefName) ?? current.Digest;
                damaged?.Invoke($"'{name}' in the store '{Root}' cannot be read and is not listed (written there by another tool?): {ex.Message}");
                return Array.Empty<(LayoutEntry, ModelConfig?)>();
            }

            var now = StillIndexed(current);
            if (now is null)
            {
                return Array.Empty<(LayoutEntry, ModelConfig?)>();
            }

            if (lastAttempt)
            {
                var name = current.Annotation(AnnotationKeys.RefName) ?? current.Digest;
                var problem = missing.ErrorId == ErrorIds.BlobNotFound ? "is missing" : "does not match its digest";
                damaged?.Invoke($"'{name}' in the store '{Root}' is damaged and is not listed: blob {missing.Target} of it {problem} (deleted or changed outside ModelPack, or lost to a disk error). Save-ModelArtifact '{name}' downloads it again.");
                return Array.Empty<(LayoutEntry, ModelConfig?)>();
            }

            current = now;
        }
    }

    /// <summary>The config of a ModelPack manifest, else null; with <paramref name="missingIsDamage"/>, null for a missing config blob too.</summary>
    private ModelConfig? ReadModelConfig(LayoutEntry entry, bool missingIsDamage)
    {
        if (entry.Manifest.Config is not Descriptor config || !MediaTypes.IsModelConfig(config.MediaType))
        {
            return null;
        }

        var name = entry.RefName ?? entry.Digest;
        var subject = $"The config of '{name}' in the store";
        try
        {
            ModelConfig.EnsureReadable(config, subject, name);
            return ModelConfig.Parse(Layout.ReadBlob(config), subject, name);
        }
        catch (ModelPackException ex) when (missingIsDamage && ex.ErrorId == ErrorIds.BlobNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// What index.json holds now for an entry read earlier: the same entry, else the manifest its name tags now,
    /// else null (removed).
    /// </summary>
    private Descriptor? StillIndexed(Descriptor indexEntry)
    {
        var refName = indexEntry.Annotation(AnnotationKeys.RefName);
        var manifests = Layout.ReadIndex().Manifests;
        return manifests.FirstOrDefault(d => d.Digest == indexEntry.Digest && d.Annotation(AnnotationKeys.RefName) == refName)
            ?? (refName is null ? null : manifests.FirstOrDefault(d => d.Annotation(AnnotationKeys.RefName) == refName));
    }
}
