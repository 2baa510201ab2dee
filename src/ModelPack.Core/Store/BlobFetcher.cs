using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// Downloads one blob into the store: under a per-blob lock (so concurrent pulls, in any process,
/// fetch it once: the others wait and then find it published), resuming from
/// <c>tmp/&lt;hex&gt;.partial</c> with the hash rebuilt from the bytes on disk, and published only
/// after the client verified its digest while streaming. Interruptions keep the partial file;
/// content that fails verification deletes it.
/// </summary>
internal static class BlobFetcher
{
    private const int HashBufferSize = 1 << 20;

    /// <summary>
    /// Returns the bytes transferred over the network (0 when the store already had the blob). With
    /// <paramref name="flushToDisk"/> false the blob is published without waiting for the disk: the caller
    /// has recorded it in an <see cref="UnsyncedJournal"/>.
    /// </summary>
    public static async Task<long> FetchAsync(ModelStore store, RegistryClient client, ModelReference reference, Descriptor blob, bool force, bool flushToDisk, IProgress<long>? progress, Action<string>? log, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        var temp = store.Layout.TempPath;
        var lockPath = Path.Combine(temp, digest.Encoded + ".lock");
        using var activity = await store.EnterActivityAsync(cancellationToken).ConfigureAwait(false);
        using var fileLock = await StoreLocks.AcquireAsync(
            lockPath, Timeout.InfiniteTimeSpan, () => log?.Invoke($"Waiting for another download of {blob.Digest} to finish."), cancellationToken).ConfigureAwait(false);

        var target = store.Layout.BlobPath(blob.Digest);
        var partial = Path.Combine(temp, digest.Encoded + ".partial");
        if (!force && File.Exists(target) && new FileInfo(target).Length == blob.Size)
        {
            // Another pull finished it (a partial left beside it is of no use any more).
            AtomicFile.TryDelete(partial);
            progress?.Report(blob.Size);
            return 0;
        }

        var resumed = !force && File.Exists(partial) && new FileInfo(partial).Length > 0;
        try
        {
            return await DownloadAsync(store, client, reference, blob, partial, resume: resumed, flushToDisk, progress, log, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelPackException ex) when (resumed && ex.ErrorId is ErrorIds.DigestMismatch or ErrorIds.SizeMismatch)
        {
            // The bytes kept from an earlier session may be what was wrong: one fresh download decides.
            log?.Invoke($"The resumed download of {blob.Digest} did not verify ({ex.ErrorId}); downloading it again from the start.");
            return await DownloadAsync(store, client, reference, blob, partial, resume: false, flushToDisk, progress, log, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> DownloadAsync(ModelStore store, RegistryClient client, ModelReference reference, Descriptor blob, string partial, bool resume, bool flushToDisk, IProgress<long>? progress, Action<string>? log, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        long offset = 0;
        IncrementalHash? prefix = null;
        try
        {
            if (resume && File.Exists(partial))
            {
                var length = new FileInfo(partial).Length;
                if (length > blob.Size)
                {
                    log?.Invoke($"Discarding the partial download of {blob.Digest}: it is longer than the blob.");
                }
                else if (length > 0)
                {
                    prefix = await HashPrefixAsync(partial, digest, length, cancellationToken).ConfigureAwait(false);
                    offset = length;
                    log?.Invoke($"Resuming {blob.Digest} at {length} of {blob.Size} bytes.");
                }
            }

            BlobDownloadResult result;
            long transferred;
            using (var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                if (file.Length != offset)
                {
                    // Only when there is something to cut: ext4 treats a truncate to zero as "replace the
                    // file's content" and then flushes the whole file at the next journal commit, which
                    // made the index.json write after a deferred pull wait for the disk.
                    file.SetLength(offset);
                }

                file.Position = offset;
                var destination = new WriteBehindStream(file, writeBehind: flushToDisk);
                result = await client.DownloadBlobAsync(reference.Registry, reference.Repository, blob.Digest, blob.Size, destination, new BlobDownloadOptions { Offset = offset, PrefixHash = prefix, Progress = progress }, cancellationToken).ConfigureAwait(false);
                transferred = result.BytesTransferred;
                if (result.Status == BlobDownloadStatus.RestartRequired)
                {
                    log?.Invoke($"The registry ignored the resume request for {blob.Digest}; downloading it from the start.");
                    destination.SetLength(0);
                    destination.Position = 0;
                    result = await client.DownloadBlobAsync(reference.Registry, reference.Repository, blob.Digest, blob.Size, destination, new BlobDownloadOptions { Progress = progress }, cancellationToken).ConfigureAwait(false);
                    transferred += result.BytesTransferred;
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            store.Layout.PublishVerifiedFile(partial, blob.Digest, blob.Size);
            return transferred;
        }
        catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.DigestMismatch or ErrorIds.SizeMismatch)
        {
            // The bytes on disk cannot be trusted as a prefix any more.
            AtomicFile.TryDelete(partial);
            throw;
        }
        finally
        {
            prefix?.Dispose();
        }
    }

    /// <summary>The hash state after the first <paramref name="length"/> bytes of a partial download, read back from disk.</summary>
    private static async Task<IncrementalHash> HashPrefixAsync(string path, Digest digest, long length, CancellationToken cancellationToken)
    {
        var hasher = digest.CreateHasher();
        try
        {
            var buffer = new byte[HashBufferSize];
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            var remaining = length;
            while (remaining > 0)
            {
                var read = await stream.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, remaining), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                hasher.AppendData(buffer, 0, read);
                remaining -= read;
            }

            return hasher;
        }
        catch
        {
            hasher.Dispose();
            throw;
        }
    }
}
