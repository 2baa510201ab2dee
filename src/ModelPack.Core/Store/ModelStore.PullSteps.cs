using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>The steps <see cref="PullAsync"/> and <see cref="PullImageAsync"/> share.</summary>
public sealed partial class ModelStore
{
    /// <summary>Annotation on a store index entry: the digest the registry reports for the tag when it is an index.</summary>
    public const string SourceDigestAnnotation = "io.modelpack.source.digest";

    /// <summary>
    /// Runs a pull: <see cref="StartPullAsync"/>, then, unless the store is up to date, <paramref name="fetch"/>.
    /// Bad content (InvalidData, SecurityError) leaves the store as it was: whatever the pull published is
    /// referenced by nothing and collected. Transient failures (network, cancellation) keep their data for
    /// the next Save to resume.
    /// </summary>
    private async Task<PullResult> RunPullAsync(RegistryClient client, ModelReference reference, PullOptions? options, Func<PullStart, PullOptions, Task<PullResult>> fetch, CancellationToken cancellationToken)
    {
        options ??= new PullOptions();
        try
        {
            using var start = await StartPullAsync(client, reference, options, cancellationToken).ConfigureAwait(false);
            return start.UpToDate ?? await fetch(start, options).ConfigureAwait(false);
        }
        catch (ModelPackException ex) when (ex.Kind is ErrorKind.InvalidData or ErrorKind.SecurityError)
        {
            options.Log?.Invoke($"Discarding what this pull stored: {ex.ErrorId}.");
            CollectGarbage();
            throw;
        }
    }

    /// <summary>
    /// The start of every pull: what interrupted pulls left and nobody can resume goes first; then the pull
    /// counts as running (so no collection removes the locks and half-built snapshot it is about to use);
    /// one manifest HEAD decides whether the stored artifact is up to date; otherwise the manifest is
    /// resolved and checked against a requested digest. Dispose it when the pull ends.
    /// </summary>
    private async Task<PullStart> StartPullAsync(RegistryClient client, ModelReference reference, PullOptions options, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        var log = options.Log;
        var refName = reference.ToString();
        var tagOrDigest = reference.Tag ?? reference.Digest!;
        options.Progress?.Report(new PullProgress(refName, PullStage.Resolving, null, null, 0, 0, 0, 0));
        TryCleanTemporaryFiles(log);
        var activity = await EnterActivityAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!options.Force && Find(reference) is ModelArtifact existing && Directory.Exists(existing.Path))
            {
                var head = await client.HeadManifestAsync(reference.Registry, reference.Repository, tagOrDigest, cancellationToken).ConfigureAwait(false);
                if (head.Digest == existing.Digest || head.Digest == StoredSourceDigest(refName))
                {
                    log?.Invoke($"'{refName}' is up to date ({existing.Digest}); nothing to download.");
                    options.Progress?.Report(new PullProgress(refName, PullStage.Completed, null, null, 0, 0, existing.Size, existing.Size));
                    return new PullStart(refName, activity, new PullResult(existing, upToDate: true, 0, 0), null);
                }

                log?.Invoke($"'{refName}' changed in the registry: {existing.Digest} -> {head.Digest}.");
            }

            var resolved = await client.ResolveManifestAsync(reference.Registry, reference.Repository, tagOrDigest, cancellationToken).ConfigureAwait(false);
            if (reference.Digest is not null && reference.Digest != resolved.Digest && reference.Digest != resolved.Index?.Digest)
            {
                throw new ModelPackException(ErrorIds.DigestMismatch, ErrorKind.InvalidData, $"The registry answered '{refName}' with manifest {resolved.Digest}, not the requested digest.", refName);
            }

            return new PullStart(refName, activity, null, resolved);
        }
        catch
        {
            activity.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Pins the manifest and <paramref name="blobs"/> against collection and, with deferred durability,
    /// records them in an <see cref="UnsyncedJournal"/> before any is written. Dispose it when the pull ends.
    /// First makes sure the store's file system has room (<see cref="EnsureRoomFor"/>).
    /// </summary>
    private async Task<PullWrites> BeginWritesAsync(ResolvedManifest resolved, IReadOnlyList<Descriptor> blobs, IEnumerable<Descriptor> extracted, string refName, CancellationToken cancellationToken)
    {
        EnsureRoomFor(blobs, extracted, refName);
        var pin = await PinAsync(blobs.Select(b => b.Digest).Append(resolved.Digest), cancellationToken).ConfigureAwait(false);
        try
        {
            var journal = Durability == StoreDurability.Deferred ? UnsyncedJournal.Begin(Root, BootId(), resolved.Digest, blobs.Select(b => b.Digest)) : null;
            return new PullWrites(pin, journal);
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
    private void Tag(string refName, ResolvedManifest resolved, PullWrites writes, CancellationToken cancellationToken)
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

        Layout.SetReference(refName, manifest.ToDescriptor(annotations), cancellationToken);
    }

    private string? StoredSourceDigest(string refName)
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

    /// <summary>A started pull: either already up to date, or with the resolved manifest to fetch.</summary>
    private sealed class PullStart : IDisposable
    {
        private readonly IDisposable _activity;

        public PullStart(string refName, IDisposable activity, PullResult? upToDate, ResolvedManifest? resolved)
        {
            RefName = refName;
            _activity = activity;
            UpToDate = upToDate;
            Resolved = resolved;
        }

        public string RefName { get; }

        public PullResult? UpToDate { get; }

        public ResolvedManifest? Resolved { get; }

        public void Dispose() => _activity.Dispose();
    }

    /// <summary>The pin and the journal of a pull's writes; <see cref="FlushToDisk"/> when there is no journal.</summary>
    private sealed class PullWrites : IDisposable
    {
        private readonly PullPin _pin;
        private readonly UnsyncedJournal? _journal;

        public PullWrites(PullPin pin, UnsyncedJournal? journal)
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
}
