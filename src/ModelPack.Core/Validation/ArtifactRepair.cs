using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

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
        var findings = StoreVerifier.Verify(store, manifest, options.Progress, cancellationToken);
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
                var needed = findings.DamagedBlobs.GroupBy(b => b.Digest).Aggregate(0L, (sum, g) => FreeSpace.Add(sum, g.First().Size));
                FreeSpace.Ensure(store.Root, needed, $"Repairing '{artifact.Reference}'", artifact.Reference);
                foreach (var blob in findings.DamagedBlobs.GroupBy(b => b.Digest).Select(g => g.First()))
                {
                    log?.Invoke($"Downloading {blob.Digest} ({blob.Size} bytes) again from '{source}'.");
                    if (blob.Digest == manifest.Digest)
                    {
                        var fetched = await client!.GetManifestAsync(source.Registry, source.Repository, blob.Digest, cancellationToken).ConfigureAwait(false);
                        store.Layout.WriteBlob(fetched.RawBytes);
                    }
                    else
                    {
                        var bytes = options.Progress is null ? null : new BytesProgress(options.Progress, blob, repaired.Count, findings.DamagedBlobs.Count);
                        await DownloadAsync(store, client!, source, blob, bytes, cancellationToken).ConfigureAwait(false);
                    }

                    repaired.Add(blob.Digest);
                }
            }

            // A raw layer's snapshot file is a hard link to its blob: a damaged blob means a damaged file,
            // and the new blob (a new inode) is not linked to the old file. So rebuild whenever anything changed.
            var snapshot = store.SnapshotPath(manifest.Digest);
            log?.Invoke($"Rebuilding the snapshot '{snapshot}'.");
            SnapshotBuilder.Delete(snapshot);
            await SnapshotBuilder.BuildAsync(store.SnapshotsDirectory, manifest.Digest, manifest.Layers, d => store.Layout.BlobPath(d.Digest), store.ArchiveLimits, cancellationToken).ConfigureAwait(false);
        }

        var after = StoreVerifier.Verify(store, manifest, options.Progress, cancellationToken).ToResult(artifact.Reference, artifact.Digest);
        log?.Invoke($"Repaired '{artifact.Reference}': {repaired.Count} blob(s) downloaded again, snapshot rebuilt; {after.Violations.Count} problem(s) left.");
        return new RepairResult(before, after, repaired, snapshotRebuilt: true);
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

    private static async Task DownloadAsync(ModelStore store, RegistryClient client, ModelReference source, Descriptor blob, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(store.Layout.TempPath, "repair-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await client.DownloadBlobAsync(source.Registry, source.Repository, blob.Digest, blob.Size, file, new BlobDownloadOptions { Progress = progress }, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            store.Layout.PublishVerifiedFile(temp, blob.Digest, blob.Size);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    private sealed class BytesProgress : IProgress<long>
    {
        private readonly IProgress<VerificationProgress> _progress;
        private readonly Descriptor _blob;
        private readonly int _done;
        private readonly int _total;

        public BytesProgress(IProgress<VerificationProgress> progress, Descriptor blob, int done, int total)
        {
            _progress = progress;
            _blob = blob;
            _done = done;
            _total = total;
        }

        public void Report(long value) =>
            _progress.Report(new VerificationProgress("download " + (_blob.Filepath ?? _blob.Digest), _done, _total, value, _blob.Size));
    }
}
