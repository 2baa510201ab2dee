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
/// fetch it once), resuming from <c>tmp/&lt;hex&gt;.partial</c>, and published only after the
/// client verified its digest while streaming.
/// </summary>
internal static class BlobFetcher
{
    private const int HashBufferSize = 1 << 20;

    /// <summary>Returns the bytes transferred over the network (0 when the store already had the blob).</summary>
    public static async Task<long> FetchAsync(ModelStore store, RegistryClient client, ModelReference reference, Descriptor blob, bool force, IProgress<long>? progress, Action<string>? log, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        var temp = store.Layout.TempPath;
        var lockPath = Path.Combine(temp, digest.Encoded + ".lock");
        using var fileLock = await Task.Run(() => FileLock.Acquire(lockPath, Timeout.InfiniteTimeSpan, cancellationToken), cancellationToken).ConfigureAwait(false);

        var target = store.Layout.BlobPath(blob.Digest);
        if (!force && File.Exists(target) && new FileInfo(target).Length == blob.Size)
        {
            progress?.Report(blob.Size);
            return 0;
        }

        var partial = Path.Combine(temp, digest.Encoded + ".partial");
        long offset = 0;
        IncrementalHash? prefix = null;
        if (!force && File.Exists(partial))
        {
            var length = new FileInfo(partial).Length;
            if (length > 0 && length <= blob.Size)
            {
                prefix = HashPrefix(partial, digest, length);
                offset = length;
                log?.Invoke($"Resuming {blob.Digest} at {length} of {blob.Size} bytes.");
            }
        }

        try
        {
            BlobDownloadResult result;
            using (var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                file.SetLength(offset);
                file.Position = offset;
                result = await client.DownloadBlobAsync(reference.Registry, reference.Repository, blob.Digest, blob.Size, file, new BlobDownloadOptions { Offset = offset, PrefixHash = prefix, Progress = progress }, cancellationToken).ConfigureAwait(false);
                if (result.Status == BlobDownloadStatus.RestartRequired)
                {
                    log?.Invoke($"The registry ignored the resume request for {blob.Digest}; downloading it from the start.");
                    file.SetLength(0);
                    file.Position = 0;
                    result = await client.DownloadBlobAsync(reference.Registry, reference.Repository, blob.Digest, blob.Size, file, new BlobDownloadOptions { Progress = progress }, cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            store.Layout.PublishVerifiedFile(partial, blob.Digest, blob.Size);
            return result.BytesTransferred;
        }
        catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.DigestMismatch or ErrorIds.SizeMismatch)
        {
            // The bytes on disk cannot be trusted as a prefix any more.
            TryDelete(partial);
            throw;
        }
        finally
        {
            prefix?.Dispose();
        }
    }

    private static IncrementalHash HashPrefix(string path, Digest digest, long length)
    {
        var hasher = digest.CreateHasher();
        var buffer = new byte[HashBufferSize];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        long remaining = length;
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                break;
            }

            hasher.AppendData(buffer, 0, read);
            remaining -= read;
        }

        return hasher;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
