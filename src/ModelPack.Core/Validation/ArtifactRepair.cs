using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Validation;

/// <summary>
/// Repairs an artifact in the local store (<c>Test-ModelArtifact -Repair</c>): verifies it, downloads every
/// damaged blob again from the registry (verified while streaming, published by an atomic rename), and
/// rebuilds the snapshot when any of its files, or a blob behind them, was damaged. A snapshot whose blobs
/// are intact is rebuilt without the network.
/// </summary>
public static class ArtifactRepair
{
    public static async Task<RepairResult> RepairAsync(ModelStore store, ModelArtifact artifact, RegistryClient? client, RepairOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        options ??= new RepairOptions();
        var log = options.Log;
        var manifest = artifact.Manifest;
        var findings = StoreVerifier.Verify(store, manifest, artifact.PresentLayers, options.Progress, cancellationToken);
        var before = findings.ToResult(artifact.Reference, artifact.Digest);
        if (!findings.HasDamage)
        {
            return new RepairResult(before, before, Array.Empty<string>(), snapshotRebuilt: false);
        }

        var repaired = new List<string>();
        var digests = manifest.Layers.Select(l => l.Digest).Append(manifest.Digest).Concat(manifest.Config is Descriptor c ? new[] { c.Digest } : Array.Empty<string>());
        using (store.Pin(digests))
        {
            if (findings.DamagedBlobs.Count > 0)
            {
                var source = SourceOf(artifact, options, findings, client);
                repaired.AddRange(await DownloadAgainAsync(store, artifact, findings, client!.Repository(source), options, cancellationToken).ConfigureAwait(false));
            }

            // A raw layer's snapshot file is a hard link to its blob: a damaged blob means a damaged file,
            // and the new blob (a new inode) is not linked to the old file. So rebuild whenever anything changed.
            log?.Invoke($"Rebuilding the snapshot '{store.SnapshotPath(manifest.Digest)}'.");
            store.DeleteSnapshot(manifest.Digest);
            await store.BuildSnapshotAsync(manifest, artifact.Reference, cancellationToken, artifact.PresentLayers).ConfigureAwait(false);
        }

        var after = StoreVerifier.Verify(store, manifest, artifact.PresentLayers, options.Progress, cancellationToken).ToResult(artifact.Reference, artifact.Digest);
        log?.Invoke($"Repaired '{artifact.Reference}': {repaired.Count} blob(s) downloaded again, snapshot rebuilt; {after.Violations.Count} problem(s) left.");
        return new RepairResult(before, after, repaired, snapshotRebuilt: true);
    }

    /// <summary>
    /// Downloads the damaged blobs again through the copy engine (per-blob locks, resumable, verified while
    /// streaming, published over the damaged copy); the manifest itself is read by its digest.
    /// </summary>
    private static async Task<IReadOnlyList<string>> DownloadAgainAsync(ModelStore store, ModelArtifact artifact, StoreFindings findings, RegistryRepository repository, RepairOptions options, CancellationToken cancellationToken)
    {
        var manifest = artifact.Manifest;
        var damaged = findings.DamagedBlobs.GroupBy(b => b.Digest).Select(g => g.First()).ToList();
        var needed = damaged.Aggregate(0L, (sum, blob) => FreeSpace.Add(sum, blob.Size));
        FreeSpace.Ensure(store.Root, needed, $"Repairing '{artifact.Reference}'", artifact.Reference);
        foreach (var blob in damaged)
        {
            options.Log?.Invoke($"Downloading {blob.Digest} ({blob.Size} bytes) again from '{repository}'.");
        }

        if (damaged.FirstOrDefault(b => b.Digest == manifest.Digest) is Descriptor manifestBlob)
        {
            var fetched = await repository.GetManifestAsync(manifestBlob.Digest, cancellationToken).ConfigureAwait(false);
            store.Layout.WriteBlob(fetched.RawBytes);
        }

        var blobs = damaged.Where(b => b.Digest != manifest.Digest).ToList();
        var progress = options.Progress;
        var copy = new CopyOptions
        {
            Concurrency = 1,
            Force = true,
            Log = options.Log,
            Progress = progress is null ? null : p => progress.Report(new VerificationProgress("download " + (p.Blob.Filepath ?? p.Blob.Digest), p.Index, findings.DamagedBlobs.Count, p.BlobBytesDone, p.Blob.Size)),
        };
        await TransferEngine.CopyAsync(new RegistrySource(repository), new StoreTarget(store, flushToDisk: true, options.Log), blobs, copy, cancellationToken).ConfigureAwait(false);
        return damaged.Select(b => b.Digest).ToList();
    }

    private static ModelReference SourceOf(ModelArtifact artifact, RepairOptions options, StoreFindings findings, RegistryClient? client)
    {
        var damaged = string.Join(", ", findings.DamagedBlobs.Select(b => b.Digest).Distinct());
        ModelReference? source = options.Source;
        if (source is null && artifact.Registry is not null && ModelReference.TryParse(artifact.Reference, out var parsed, out _))
        {
            source = parsed;
        }

        if (source is null)
        {
            throw new ModelPackException(
                ErrorIds.RepairNotPossible,
                ErrorKind.InvalidOperation,
                $"'{artifact.Reference}' has damaged blobs ({damaged}) and names no registry to download them from. Give the registry reference it was published to, or pack it again.",
                artifact.Reference);
        }

        if (client is null)
        {
            throw new ModelPackException(
                ErrorIds.RepairNotPossible,
                ErrorKind.InvalidOperation,
                $"'{artifact.Reference}' has damaged blobs ({damaged}); repairing them needs a registry client to download them from '{source}'.",
                artifact.Reference);
        }

        return source;
    }
}
