using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// The local model store: an OCI image layout at <see cref="Root"/> (readable by skopeo and other
/// OCI tools) whose index.json ref names are full references, plus <c>snapshots/&lt;manifest-hex&gt;/</c>
/// (the model's files, for bind mounts) and <c>tmp/</c> (partial downloads, pins).
/// </summary>
public sealed partial class ModelStore
{
    public const string StrategyName = "HttpBind";
    public const string SnapshotsDirectoryName = "snapshots";
    private const string GcLockFileName = "gc.lock";
    private const string ActivityLockFileName = "pulls.lock";

    private ModelStore(OciLayout layout)
    {
        Layout = layout;
        Directory.CreateDirectory(SnapshotsDirectory);
        Directory.CreateDirectory(TempDirectory);
    }

    public string Root => Layout.Root;

    public OciLayout Layout { get; }

    public string SnapshotsDirectory => Path.Combine(Root, SnapshotsDirectoryName);

    public string TempDirectory => Path.Combine(Root, OciLayout.TempDirectoryName);

    internal string PinsDirectory => Path.Combine(TempDirectory, "pins");

    /// <summary>How long store-wide locks wait for another process before StoreLocked.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Interrupted snapshot builds and orphaned temp files unchanged for this long are removed by garbage
    /// collection (and at the start of a pull) once no pull is running.
    /// </summary>
    public TimeSpan StaleTempAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Partial downloads nobody resumed for this long are removed; younger ones stay for the next pull to resume.</summary>
    public TimeSpan PartialRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Held shared by every pull, pack and blob download (any process) for as long as it runs; garbage collection
    /// removes lock files, pack temp files and half-built snapshots only when it can hold it exclusively.
    /// </summary>
    internal string ActivityLockPath => Path.Combine(TempDirectory, ActivityLockFileName);

    internal string GcLockPath => Path.Combine(TempDirectory, GcLockFileName);

    /// <summary>How far a tar layer may expand when its snapshot is built (entries, compression ratio); free space bounds it too.</summary>
    public ArchiveLimits ArchiveLimits { get; set; } = ArchiveLimits.Default;

    /// <summary>When the blobs a pull writes are forced to disk (default <see cref="StoreDurability.Deferred"/>).</summary>
    public StoreDurability Durability { get; set; } = StoreDurability.Deferred;

    /// <summary>The boot id deferred writes are recorded under (tests stand in for a restart with it).</summary>
    internal Func<string?> BootId { get; set; } = BootIdentity.Current;

    /// <summary>How long after a deferred pull its journal is settled (by then the kernel has written the data back).</summary>
    internal TimeSpan UnsyncedSettleAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Opens (creating when needed) the store at <paramref name="root"/>, else at <see cref="StoreLocation.Resolve"/>,
    /// and settles what deferred pulls left (<see cref="SettleUnsyncedWrites"/>).
    /// </summary>
    public static ModelStore Open(string? root = null, Action<string>? log = null)
    {
        var store = OpenUnsettled(root);
        try
        {
            store.SettleUnsyncedWrites(log);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || ex is ModelPackException { ErrorId: ErrorIds.StoreLocked })
        {
            // A store this user may only read, or one busy past the lock timeout, is still usable; settling waits for the next opening.
            log?.Invoke($"Could not settle the unflushed writes recorded in '{UnsyncedJournal.DirectoryOf(store.Root)}': {ex.Message}");
        }

        return store;
    }

    /// <summary>Opens without settling (tests first set a stand-in <see cref="BootId"/>).</summary>
    internal static ModelStore OpenUnsettled(string? root) => new(OciLayout.Create(StoreLocation.Resolve(root)));

    /// <summary>
    /// Flushes the writes of finished <see cref="StoreDurability.Deferred"/> pulls once they are old enough
    /// to be written back already, and, when the system stopped since such a pull, verifies what it wrote:
    /// damaged blobs are deleted and their artifacts untagged; the others get their snapshot rebuilt.
    /// <see cref="Open"/> calls it.
    /// </summary>
    public void SettleUnsyncedWrites(Action<string>? log = null) => UnsyncedWriteSettler.Settle(this, log);

    public string SnapshotPath(string manifestDigest) =>
        Path.Combine(SnapshotsDirectory, Digest.Parse(manifestDigest).Encoded);

    /// <summary>
    /// Every complete model in the store, ModelPack artifacts and models packaged as images (whose snapshot is
    /// their /models); entries whose snapshot is missing are left out: they are being pulled, or broken.
    /// An artifact another process or thread removes while this reads the store is not listed. One whose manifest
    /// blob is missing or damaged is left out too, and told to <paramref name="damaged"/> (else to <paramref name="skipped"/>).
    /// </summary>
    public IReadOnlyList<ModelArtifact> List(Action<string>? skipped = null, Action<string>? damaged = null) => List(skipped, damaged, indexRead: null);

    /// <summary>The stored artifact for a reference (by tag, or by digest when the reference has one), or null.</summary>
    public ModelArtifact? Find(ModelReference reference)
    {
        var wanted = reference.ToString();
        foreach (var artifact in List())
        {
            if (artifact.Reference == wanted)
            {
                return artifact;
            }

            if (reference.Digest is not null && reference.Tag is null && artifact.Digest == reference.Digest &&
                ModelReference.TryParse(artifact.Reference, out var stored, out _) && stored!.Name == reference.Name)
            {
                return artifact;
            }
        }

        return null;
    }

    /// <summary>The image config (labels) of a stored image, or an empty map when the blob is missing.</summary>
    public IReadOnlyDictionary<string, string> ImageLabels(ModelArtifact artifact)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (artifact.Manifest.Config is Descriptor config && ModelImage.IsImageManifest(artifact.Manifest) && Layout.HasBlob(config.Digest))
        {
            return ModelImage.LabelsFromConfig(Layout.ReadBlob(config));
        }

        return new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Removes the reference and collects what nothing else uses. Returns false when the store has no such reference.</summary>
    public bool Remove(string refName)
    {
        using (AcquireGcLock())
        {
            if (!Layout.RemoveReference(refName))
            {
                return false;
            }

            CollectGarbageLocked();
            return true;
        }
    }

    /// <summary>Deletes blobs and snapshots no index entry references and no operation in progress has pinned.</summary>
    public void CollectGarbage()
    {
        using (AcquireGcLock())
        {
            CollectGarbageLocked();
        }
    }

    internal FileLock AcquireGcLock() => FileLock.Acquire(GcLockPath, LockTimeout);

    /// <summary>Builds the snapshot of a stored manifest from its blobs (a model's files, or an image's /models); the old one is deleted first by the caller.</summary>
    internal void RebuildSnapshot(ModelManifest manifest, string refName, CancellationToken cancellationToken) =>
        BuildSnapshotAsync(manifest, refName, cancellationToken, StoredLayers(manifest, out _)).GetAwaiter().GetResult();

    /// <summary>Builds (or finds complete) the snapshot of a manifest whose blobs are in the store; returns its path.</summary>
    /// <param name="manifest">The stored manifest.</param>
    /// <param name="refName">The name it is pulled as, for messages.</param>
    /// <param name="cancellationToken">Stops the build.</param>
    /// <param name="present">For a partial artifact, the layers it holds (<see cref="PartialPulls.PartialLayers"/>); null for all.</param>
    internal Task<string> BuildSnapshotAsync(ModelManifest manifest, string refName, CancellationToken cancellationToken, IReadOnlyList<int>? present = null) =>
        ModelImage.IsImageManifest(manifest)
            ? ImageSnapshotBuilder.BuildAsync(SnapshotsDirectory, manifest.Digest, refName, manifest.Layers, d => Layout.BlobPath(d.Digest), ArchiveLimits, cancellationToken)
            : SnapshotBuilder.BuildAsync(SnapshotsDirectory, manifest.Digest, PartialPulls.PartialLayers.Pick(manifest.Layers, present), d => Layout.BlobPath(d.Digest), ArchiveLimits, cancellationToken);

    /// <summary>Marks a pull, pack or download in progress until disposed (a shared lock; see <see cref="ActivityLockPath"/>).</summary>
    internal async Task<IDisposable> EnterActivityAsync(CancellationToken cancellationToken) =>
        await StoreLocks.AcquireSharedAsync(ActivityLockPath, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <see cref="Pin"/> for async callers: waits for a running collection without blocking a thread and
    /// stops waiting when cancelled.
    /// </summary>
    internal async Task<PullPin> PinAsync(IEnumerable<string> digests, CancellationToken cancellationToken)
    {
        using (await StoreLocks.AcquireAsync(GcLockPath, LockTimeout, null, cancellationToken).ConfigureAwait(false))
        {
            var pin = PullPin.Create(PinsDirectory);
            pin.Add(digests);
            return pin;
        }
    }

    /// <summary>Removes stale temp files (see <see cref="TempCleaner"/>) unless a collection is running right now; never waits.</summary>
    internal void TryCleanTemporaryFiles(Action<string>? log)
    {
        FileLock gcLock;
        try
        {
            gcLock = FileLock.Acquire(GcLockPath, TimeSpan.Zero);
        }
        catch (ModelPackException ex) when (ex.ErrorId == ErrorIds.StoreLocked)
        {
            return;
        }

        using (gcLock)
        {
            CleanTemporaryFilesLocked(log);
        }
    }

    /// <summary>Pins digests for an operation in progress (under the GC lock, so a concurrent collection either sees the pin or finished before it).</summary>
    internal PullPin Pin(IEnumerable<string> digests)
    {
        using (AcquireGcLock())
        {
            var pin = PullPin.Create(PinsDirectory);
            pin.Add(digests);
            return pin;
        }
    }

    private void CollectGarbageLocked()
    {
        var keep = PullPin.LiveDigests(PinsDirectory);
        var keepSnapshots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Layout.ReadEntries())
        {
            keep.Add(entry.RootDescriptor.Digest);
            keep.Add(entry.Digest);
            keepSnapshots.Add(Digest.Parse(entry.Digest).Encoded);
            if (entry.Manifest.Config is Descriptor config)
            {
                keep.Add(config.Digest);
            }

            foreach (var layer in entry.Manifest.Layers)
            {
                keep.Add(layer.Digest);
            }
        }

        foreach (var pinned in keep.ToList())
        {
            if (Digest.TryParse(pinned, out var d))
            {
                keepSnapshots.Add(d.Encoded);
            }
        }

        var blobsDir = Path.Combine(Root, OciLayout.BlobsDirectoryName);
        if (Directory.Exists(blobsDir))
        {
            foreach (var algorithmDir in Directory.GetDirectories(blobsDir))
            {
                var algorithm = Path.GetFileName(algorithmDir);
                foreach (var blob in Directory.GetFiles(algorithmDir))
                {
                    var digest = algorithm + ":" + Path.GetFileName(blob);
                    if (!keep.Contains(digest))
                    {
                        Layout.DeleteBlob(digest);
                    }
                }
            }
        }

        foreach (var snapshot in Directory.GetDirectories(SnapshotsDirectory))
        {
            var name = Path.GetFileName(snapshot);
            if (!name.StartsWith(".", StringComparison.Ordinal) && !keepSnapshots.Contains(name))
            {
                SnapshotBuilder.Delete(snapshot);
            }
        }

        CleanTemporaryFilesLocked(null);
    }

    private void CleanTemporaryFilesLocked(Action<string>? log)
    {
        using var quiet = StoreLocks.TryAcquireExclusive(ActivityLockPath);
        TempCleaner.Clean(this, quiescent: quiet is not null, log);
    }
}
