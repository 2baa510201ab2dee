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
    /// <see cref="BlobDownloadStatus.RestartRequired"/>. On DigestMismatch or SizeMismatch the bytes
    /// this call wrote are cut off again when the destination can seek; the caller must discard
    /// any partial data it kept. Connection failures leave the written bytes for a later resume.
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
        var ownHasher = offset == 0 ? expected.CreateHasher() : null;
        var hasher = ownHasher ?? options!.PrefixHash!;
        try
        {
            var start = destination.CanSeek ? destination.Position : -1;
            long received = 0;
            if (offset < size)
            {
                var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
                using var response = await SendAsync(
                    session, repository, PullScope(repository), HttpMethod.Get, ApiUri(session, $"v2/{repository}/blobs/{digest}"),
                    offset > 0 ? r => r.Headers.Range = new RangeHeaderValue(offset, null) : null,
                    null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    throw await ErrorAsync(session, repository, response, NotFoundMeaning.Blob, digest, cancellationToken).ConfigureAwait(false);
                }

                if (offset > 0 && !RangeHonoured(response, offset, size))
                {
                    _log.Log($"  the server did not honour 'Range: bytes={offset}-' ({(int)response.Status}); the download must restart from 0.");
                    return new BlobDownloadResult(BlobDownloadStatus.RestartRequired, digest, size, 0);
                }

                if (offset == 0 && response.Status == HttpStatusCode.PartialContent)
                {
                    throw RegistryErrors.Protocol(address.Key, response.Url, digest, $"Registry '{address.Key}' answered a whole-blob request for {digest} with partial content.");
                }

                if (response.Content.Headers.ContentLength is long length && length != size - offset)
                {
                    throw Mismatch(ErrorIds.SizeMismatch, digest, response.Url, $"Blob {digest} of '{target}' should have {size - offset} more bytes, the registry announced {length}. Nothing was written.");
                }

                progress?.Report(offset);
                received = await CopyVerifiedAsync(response, destination, start, hasher, offset, size, address.Key, target, digest, progress, cancellationToken).ConfigureAwait(false);
            }

            var hash = hasher.GetHashAndReset();
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
            return new BlobDownloadResult(BlobDownloadStatus.Completed, digest, size, received);
        }
        finally
        {
            ownHasher?.Dispose();
        }
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

    private async Task<long> CopyVerifiedAsync(
        RegistryResponse response,
        Stream destination,
        long start,
        IncrementalHash hasher,
        long offset,
        long size,
        string registry,
        string target,
        string digest,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var expected = size - offset;
        long received = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        try
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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
                        var want = (int)Math.Min(_bufferSize - filled, expected + 1 - received - filled);
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
                        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                        {
                            await WritePartialAsync(destination, hasher, buffer, filled, cancellationToken).ConfigureAwait(false);
                            throw RegistryErrors.Unreachable(registry, response.Url, $"no data for {_readIdleTimeout.TotalSeconds:0} s after {offset + received + filled} of {size} bytes of {digest}; the partial data was kept.", ex);
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException)
                        {
                            await WritePartialAsync(destination, hasher, buffer, filled, cancellationToken).ConfigureAwait(false);
                            throw RegistryErrors.Unreachable(registry, response.Url, $"the connection failed after {offset + received + filled} of {size} bytes of {digest} ({ex.Message}); the partial data was kept.", ex);
                        }

                        if (read == 0)
                        {
                            ended = true;
                            break;
                        }

                        filled += read;
                    }

                    if (received + filled > expected)
                    {
                        Cut(destination, start);
                        throw Mismatch(ErrorIds.SizeMismatch, digest, response.Url, $"Blob {digest} of '{target}' is longer than the {size} bytes its descriptor says. It was discarded.");
                    }

                    if (filled > 0)
                    {
                        hasher.AppendData(buffer, 0, filled);
                        await destination.WriteAsync(buffer, 0, filled, cancellationToken).ConfigureAwait(false);
                        received += filled;
                        progress?.Report(offset + received);
                    }
                }
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (received < expected)
            {
                throw RegistryErrors.Unreachable(registry, response.Url, $"the transfer of {digest} ended after {offset + received} of {size} bytes; the partial data was kept.", null);
            }

            return received;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Keeps the bytes that did arrive before a connection failure, so a resume can continue after them.</summary>
    private static async Task WritePartialAsync(Stream destination, IncrementalHash hasher, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        if (count > 0)
        {
            hasher.AppendData(buffer, 0, count);
            await destination.WriteAsync(buffer, 0, count, cancellationToken).ConfigureAwait(false);
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
