using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// What <see cref="ModelStore.List(Action{string}, Action{string})"/> needs of each stored manifest, kept in
/// <c>modelpack-listing.json</c> beside index.json so that listing a large store does not read two blobs per model
/// every time. index.json is always read: the names, and which manifests are listed, are its own, so a tag or removal
/// by any process shows at once. The cache only stands in for reading a manifest blob and its config blob, by digest.
/// </summary>
/// <remarks>
/// An entry is used only when its manifest bytes hash to the digest index.json names, its config bytes to the digest
/// the manifest names, and both blob files still have the size and modification time they had when they were read
/// (<see cref="BlobStamp"/>): a missing, replaced or edited blob, or a damaged cache file, makes the listing read the
/// blobs as before (and report what is wrong with them), and the cache is rewritten. Nested indexes, and digests other
/// than sha256, are always read. Verification stays with the blobs: Test-ModelArtifact, pulls and snapshot builds read
/// and hash them and never consult this file. Several processes may list at once: each writes a complete file under a
/// temp name and renames it (the last one wins; any of them is correct). A store this user cannot write is listed
/// from its blobs. Within a process the file's content is kept while the file is unchanged, so a re-list reads only
/// index.json and stats the blobs.
/// </remarks>
internal sealed class ListingCache
{
    private static readonly ConcurrentDictionary<string, (BlobStamp Stamp, Dictionary<string, ListedManifest> Entries)> Loaded = new(StringComparer.Ordinal);

    private readonly ModelStore _store;
    private readonly string _path;
    private readonly Dictionary<string, ListedManifest> _known;
    private readonly Dictionary<string, ListedManifest> _used = new(StringComparer.Ordinal);
    private bool _changed;

    private ListingCache(ModelStore store, string path, Dictionary<string, ListedManifest> known)
    {
        _store = store;
        _path = path;
        _known = known;
    }

    public static string PathOf(string storeRoot) => Path.Combine(storeRoot, ListingCacheFile.FileName);

    public static ListingCache Load(ModelStore store)
    {
        var path = PathOf(store.Root);
        var stamp = BlobStamp.Of(path);
        if (stamp is BlobStamp current && Loaded.TryGetValue(path, out var loaded) && loaded.Stamp.Equals(current))
        {
            return new ListingCache(store, path, loaded.Entries);
        }

        var entries = stamp is null ? new Dictionary<string, ListedManifest>(StringComparer.Ordinal) : ListingCacheFile.Read(path);
        if (stamp is BlobStamp read)
        {
            Loaded[path] = (read, entries);
        }

        return new ListingCache(store, path, entries);
    }

    /// <summary>The manifest (and model config) of a plain-manifest index.json entry, from the cache; null when it must be read from the blobs.</summary>
    public (LayoutEntry Entry, ModelConfig? Config)? TryGet(Descriptor indexEntry)
    {
        if (!IsCacheable(indexEntry) || !_known.TryGetValue(indexEntry.Digest, out var cached))
        {
            return null;
        }

        var name = indexEntry.Annotation(AnnotationKeys.RefName) ?? indexEntry.Digest;
        try
        {
            if (!IsCurrent(cached))
            {
                return null;
            }

            var manifest = cached.Checked ?? ModelManifest.Parse(cached.Manifest, $"Manifest {indexEntry.Digest} ('{name}') in the listing cache '{_path}'", name);
            if (cached.Checked is null && (manifest.Digest != indexEntry.Digest || !ConfigMatches(manifest, cached)))
            {
                return null;
            }

            if (!ConfigUnchanged(manifest, cached))
            {
                return null;
            }

            cached.Checked = manifest;

            var config = cached.Config is null ? null : ModelConfig.Parse(cached.Config, $"The config of '{name}' in the listing cache", name);
            _used[cached.Digest] = cached;
            return (new LayoutEntry(indexEntry, indexEntry.Annotation(AnnotationKeys.RefName), manifest, indexEntry), config);
        }
        catch (ModelPackException)
        {
            return null;
        }
    }

    /// <summary>Records what was read from the blobs for a plain-manifest entry (stamped now), to be written by <see cref="Save"/>.</summary>
    public void Add(Descriptor indexEntry, LayoutEntry entry, ModelConfig? config)
    {
        var digest = entry.Manifest.Digest;
        var layout = _store.Layout;
        if (!IsCacheable(indexEntry) || entry.Digest != digest || BlobStamp.Of(layout.BlobPath(digest)) is not BlobStamp manifestStamp)
        {
            return;
        }

        if (HasModelConfig(entry.Manifest) != (config is not null))
        {
            // A model config that could not be read (damage): listed without it, read again next time.
            return;
        }

        var listed = new ListedManifest(digest, entry.Manifest.ToBytes(), manifestStamp);
        if (config is not null)
        {
            if (BlobStamp.Of(layout.BlobPath(entry.Manifest.Config!.Digest)) is not BlobStamp configStamp)
            {
                return;
            }

            listed.Config = config.ToBytes();
            listed.ConfigStamp = configStamp;
        }

        _used[digest] = listed;
        _changed = true;
    }

    /// <summary>Only an index.json entry that is one sha256 manifest is cached (nested indexes are read every time).</summary>
    public static bool IsCacheable(Descriptor indexEntry) =>
        indexEntry.MediaType is MediaTypes.OciManifest or MediaTypes.DockerManifestV2 &&
        indexEntry.Digest.StartsWith("sha256:", StringComparison.Ordinal);

    /// <summary>Writes the cache when this listing read blobs it did not hold, or no longer needs some it held; best effort.</summary>
    public void Save(Action<string>? log)
    {
        if (!_changed && _known.Keys.All(_used.ContainsKey))
        {
            return;
        }

        try
        {
            ListingCacheFile.Write(_path, _used.Values, _store.TempDirectory);
            if (BlobStamp.Of(_path) is BlobStamp written)
            {
                Loaded[_path] = (written, new Dictionary<string, ListedManifest>(_used, StringComparer.Ordinal));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"Could not update the listing cache '{_path}' ({ex.Message}); the store is listed from its blobs.");
        }
    }

    private bool IsCurrent(ListedManifest cached) =>
        Equals(BlobStamp.Of(_store.Layout.BlobPath(cached.Digest)), cached.ManifestStamp);

    /// <summary>A model config must be cached and hash to the manifest's config digest; other configs are not cached.</summary>
    private static bool ConfigMatches(ModelManifest manifest, ListedManifest cached)
    {
        if (!HasModelConfig(manifest))
        {
            return cached.Config is null;
        }

        return cached.Config is not null && Digest.Sha256(cached.Config).ToString() == manifest.Config!.Digest;
    }

    /// <summary>Whether a model config's blob file still has the stamp it had when its bytes were cached.</summary>
    private bool ConfigUnchanged(ModelManifest manifest, ListedManifest cached) =>
        !HasModelConfig(manifest) || Equals(BlobStamp.Of(_store.Layout.BlobPath(manifest.Config!.Digest)), cached.ConfigStamp);

    private static bool HasModelConfig(ModelManifest manifest) => manifest.Config is Descriptor config && config.MediaType == MediaTypes.ModelConfig;
}
