using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>Largest blob <see cref="GetBlobBytesAsync"/> reads into memory.</summary>
    public const long MaxInMemoryBlob = 64L * 1024 * 1024;

    /// <summary>
    /// Streams a blob into <paramref name="destination"/>, hashing while writing, and verifies
    /// size and digest. With <see cref="BlobDownloadOptions.Offset"/> it asks for the rest only
    /// (Range) and appends; if the server ignores the range nothing is written and the result is
    /// <see cref="BlobDownloadStatus.RestartRequired"/>. A connection that drops or stalls mid-blob is
    /// retried (<see cref="RegistryClientOptions.MaxRetry"/>) from the last byte written, with the hash
    /// state carried over; a server that then ignores the range restarts the blob in place when this
    /// call began at 0 on a seekable destination. On DigestMismatch or SizeMismatch the bytes this call
    /// wrote are cut off again when the destination can seek; the caller must discard any partial data
    /// it kept. When retries run out the written bytes stay, for a later resume.
    /// </summary>
    public async Task<BlobDownloadResult> DownloadBlobAsync(
        string registry,
        string repository,
        string digest,
        long size,
        Stream destination,
        BlobDownloadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream must be writable.", nameof(destination));
        }

        if (size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "The blob's size (from its descriptor) is required.");
        }

        var offset = options?.Offset ?? 0;
        if (offset < 0 || offset > size)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Offset {offset} is outside the blob's {size} bytes.");
        }

        if (offset > 0 && options!.PrefixHash is null)
        {
            throw new ArgumentException("PrefixHash (the hash of the first Offset bytes) is required to resume.", nameof(options));
        }

        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        var expected = ParseDigest(digest);
        var target = address.Key + "/" + repository + "@" + digest;
        var progress = options?.Progress;
        using var transfer = new BlobTransfer(offset, offset == 0 ? expected.CreateHasher() : options!.PrefixHash!, ownsHasher: offset == 0);
        var start = destination.CanSeek ? destination.Position : -1;
        if (offset < size)
        {
            var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            var uri = ApiUri(session, $"v2/{repository}/blobs/{digest}");
            var retry = _retry.Begin();
            while (transfer.Position < size)
            {
                var from = transfer.Position;
                using var response = await SendAsync(
                    session, repository, PullScope(repository), HttpMethod.Get, uri,
                    from > 0 ? r => r.Headers.Range = new RangeHeaderValue(from, null) : null,
                    null, HttpCompletionOption.ResponseHeadersRead, retry, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    throw await ErrorAsync(session, repository, response, NotFoundMeaning.Blob, digest, cancellationToken).ConfigureAwait(false);
                }

                if (from > 0 && !RangeHonoured(response, from, size))
                {
                    if (from > offset && offset == 0 && start >= 0 && response.Status == HttpStatusCode.OK)
                    {
                        // Resuming after a dropped connection, the server sent the whole blob again: take it
                        // from the start. Only possible because this call owns the hash from byte 0.
                        _log.Log($"  the server did not honour 'Range: bytes={from}-' ({(int)response.Status}); taking {digest} from the start.");
                        Cut(destination, start);
                        transfer.Restart(expected.CreateHasher());
                        from = 0;
                    }
                    else
                    {
                        _log.Log($"  the server did not honour 'Range: bytes={from}-' ({(int)response.Status}); the download must restart from 0.");
                        Cut(destination, start);
                        return new BlobDownloadResult(BlobDownloadStatus.RestartRequired, digest, size, transfer.Received);
                    }
                }
                else if (from == 0 && response.Status == HttpStatusCode.PartialContent)
                {
                    throw RegistryErrors.Protocol(address.Key, response.Url, digest, $"Registry '{address.Key}' answered a whole-blob request for {digest} with partial content.");
                }

                if (response.Content.Headers.ContentLength is long length && length != size - from)
                {
                    Cut(destination, start);
                    throw Mismatch(ErrorIds.SizeMismatch, digest, response.Url, $"Blob {digest} of '{target}' should have {size - from} more bytes, the registry announced {length}. Nothing was kept.");
                }

                progress?.Report(from);
                try
                {
                    await CopyVerifiedAsync(response, destination, start, transfer, size, address.Key, target, digest, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryException ex) when (ex.ErrorId == ErrorIds.RegistryUnreachable && RetryPolicy.IsTransient(ex))
                {
                    if (transfer.Position - from >= RetryPolicy.ProgressResetBytes)
                    {
                        retry.Progressed();
                    }

                    if (!await retry.TryWaitAsync(ex.Message, null, cancellationToken).ConfigureAwait(false))
                    {
                        throw retry.Final(ex);
                    }
                }
            }
        }

        var hash = transfer.Hasher.GetHashAndReset();
        if (!expected.Matches(hash))
        {
            Cut(destination, start);
            throw Mismatch(
                ErrorIds.DigestMismatch,
                digest,
                null,
                $"Blob {digest} of '{target}' arrived with digest {expected.Algorithm}:{Digest.ToLowerHex(hash)}: the data was altered on the way or by the registry. It was discarded; download it again.");
        }

        progress?.Report(size);
        return new BlobDownloadResult(BlobDownloadStatus.Completed, digest, size, transfer.Received);
    }

    /// <summary>A blob's size, or null when the registry does not have it (HEAD).</summary>
    public Task<long?> GetBlobSizeAsync(string registry, string repository, string digest, CancellationToken cancellationToken = default) =>
        GetBlobSizeAsync(registry, repository, digest, push: false, cancellationToken);

    /// <summary>Reads a small blob (a config) into memory, verified; at most <see cref="MaxInMemoryBlob"/> bytes.</summary>
    public async Task<byte[]> GetBlobBytesAsync(string registry, string repository, string digest, long size, CancellationToken cancellationToken = default)
    {
        if (size > MaxInMemoryBlob)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"Blobs over {MaxInMemoryBlob} bytes must be streamed with DownloadBlobAsync.");
        }

        using var buffer = new MemoryStream();
        await DownloadBlobAsync(registry, repository, digest, size, buffer, null, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>
    /// Uploads a blob (POST, then one monolithic PUT) unless the repository already has it.
    /// Returns false when it was already there. Reads exactly <paramref name="size"/> bytes.
    /// <see cref="PushBlobAsync"/> also mounts, uploads in chunks and resumes.
    /// </summary>
    public async Task<bool> UploadBlobAsync(
        string registry, string repository, string digest, long size, Stream content, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = new BlobPushOptions { MonolithicThreshold = long.MaxValue, Progress = progress };
        var result = await PushBlobAsync(registry, repository, digest, size, content, options, cancellationToken).ConfigureAwait(false);
        return result.Outcome != BlobPushOutcome.AlreadyExists;
    }

    private async Task<long?> GetBlobSizeAsync(string registry, string repository, string digest, bool push, CancellationToken cancellationToken)
    {
        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        ParseDigest(digest);
        var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(
            session, repository, push ? PushScope(repository) : PullScope(repository), HttpMethod.Head, ApiUri(session, $"v2/{repository}/blobs/{digest}"),
            null, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, repository, response, NotFoundMeaning.Blob, digest, cancellationToken).ConfigureAwait(false);
        }

        return response.Content.Headers.ContentLength ?? -1;
    }

    private static bool RangeHonoured(RegistryResponse response, long offset, long size)
    {
        if (response.Status != HttpStatusCode.PartialContent)
        {
            return false;
        }

        var range = response.Content.Headers.ContentRange;
        return range is not null && range.HasRange && range.From == offset && (range.To is null || range.To == size - 1) && (!range.HasLength || range.Length == size);
    }

    /// <summary>
    /// Copies one response body into the destination through one large buffer, all on the download's own
    /// thread: each piece is hashed as it arrives (still in the CPU cache), and the full buffer is written
    /// in one call. Handing the hash or the write to another thread was measured slower on small
    /// machines: the cross-core wake-ups cost more than the overlap gains, and concurrent layers already
    /// keep the cores busy. <paramref name="transfer"/> advances as each buffer is written, so a failure
    /// leaves it telling exactly which bytes are on disk and in the hash. A body longer than the blob is
    /// cut off (SizeMismatch); one that ends early or stalls for the read-idle timeout is
    /// RegistryUnreachable, with what did arrive kept.
    /// </summary>
    private async Task CopyVerifiedAsync(
        RegistryResponse response,
        Stream destination,
        long start,
        BlobTransfer transfer,
        long size,
        string registry,
        string target,
        string digest,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        try
        {
            using var rate = _transport.GuardRate();
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, rate.Token);
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw RegistryErrors.Unreachable(registry, response.Url, ex.Message, ex);
            }

            using (body)
            {
                var ended = false;
                while (!ended)
                {
                    // Fill the buffer before writing: fewer, larger writes and progress reports. Asking
                    // for one byte beyond the expected size detects an oversized body.
                    var filled = 0;
                    while (filled < _bufferSize)
                    {
                        var want = (int)Math.Min(_bufferSize - filled, size + 1 - transfer.Position - filled);
                        if (want <= 0)
                        {
                            break;
                        }

                        int read;
                        idle.CancelAfter(_readIdleTimeout);
                        try
                        {
                            read = await body.ReadAsync(buffer, filled, want, idle.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            // Stopped (Ctrl+C): what arrived is hashed already; keep it for the next Save to resume after.
                            await WritePartialAsync(destination, transfer, buffer, filled, size, CancellationToken.None).ConfigureAwait(false);
                            throw;
                        }
                        catch (OperationCanceledException ex) when (rate.TooSlow)
                        {
                            await WritePartialAsync(destination, transfer, buffer, filled, size, cancellationToken).ConfigureAwait(false);
                            throw HttpTransport.TooSlow(registry, response.Url, $"blob {digest}", rate, $"; the {transfer.Position} of {size} bytes that arrived were kept, and the next pull resumes after them", ex);
                        }
                        catch (OperationCanceledException ex)
                        {
                            await WritePartialAsync(destination, transfer, buffer, filled, size, cancellationToken).ConfigureAwait(false);
                            throw RegistryErrors.Unreachable(registry, response.Url, $"no data for {RetryPolicy.Seconds(_readIdleTimeout)} s after {transfer.Position} of {size} bytes of {digest}; the partial data was kept.", ex);
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException)
                        {
                            await WritePartialAsync(destination, transfer, buffer, filled, size, cancellationToken).ConfigureAwait(false);
                            throw RegistryErrors.Unreachable(registry, response.Url, $"the connection failed after {transfer.Position} of {size} bytes of {digest} ({ex.Message}); the partial data was kept.", ex);
                        }

                        if (read == 0)
                        {
                            ended = true;
                            break;
                        }

                        rate.Add(read);
                        // Hash what just arrived while it is still in the CPU cache (never bytes beyond the
                        // blob's size: those only lead to SizeMismatch below).
                        transfer.Hash(buffer, filled, (int)Math.Max(0, Math.Min(read, size - transfer.Position - filled)));
                        filled += read;
                    }

                    if (transfer.Position + filled > size)
                    {
                        Cut(destination, start);
                        throw Mismatch(ErrorIds.SizeMismatch, digest, response.Url, $"Blob {digest} of '{target}' is longer than the {size} bytes its descriptor says. It was discarded.");
                    }

                    if (filled > 0)
                    {
                        await transfer.WriteHashedAsync(destination, buffer, filled, cancellationToken).ConfigureAwait(false);
                        progress?.Report(transfer.Position);
                    }
                }
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (transfer.Position < size)
            {
                throw RegistryErrors.Unreachable(registry, response.Url, $"the transfer of {digest} ended after {transfer.Position} of {size} bytes; the partial data was kept.", null);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Keeps the bytes that did arrive before a connection failure (already hashed as they came), so a
    /// resume can continue after them.
    /// </summary>
    private static async Task WritePartialAsync(Stream destination, BlobTransfer transfer, byte[] buffer, int count, long size, CancellationToken cancellationToken)
    {
        // Never more than the blob (nor than was hashed): an oversized body is not worth keeping a prefix of.
        count = (int)Math.Min(count, size - transfer.Position);
        if (count > 0)
        {
            await transfer.WriteHashedAsync(destination, buffer, count, cancellationToken).ConfigureAwait(false);
        }

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes what this call wrote to a seekable destination.</summary>
    private static void Cut(Stream destination, long start)
    {
        if (start >= 0 && destination.CanSeek && destination.CanWrite)
        {
            destination.SetLength(start);
            destination.Position = start;
        }
    }
}
