using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>Blob reads of the repository: HEAD, a small blob into memory, and a blob's body from an offset for a copy.</summary>
internal sealed partial class RegistryRepository
{
    /// <summary>Largest blob <see cref="ReadBlobAsync"/> reads into memory.</summary>
    public const long MaxInMemoryBlob = 64L * 1024 * 1024;

    /// <summary>A blob's size (-1 when the registry does not say), or null when the repository does not have it.</summary>
    /// <param name="scope">The token scope to ask with; the pull scope when null.</param>
    public async Task<long?> HeadBlobAsync(string digest, string? scope = null, CancellationToken cancellationToken = default)
    {
        ParseDigest(digest);
        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(session, new RegistryRequest(HttpMethod.Head, Api(session, "blobs/" + digest)) { Scope = scope }, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, response, NotFoundMeaning.Blob, digest, cancellationToken).ConfigureAwait(false);
        }

        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>Reads a small blob (a config) into memory, verified; at most <see cref="MaxInMemoryBlob"/> bytes.</summary>
    public Task<byte[]> ReadBlobAsync(Descriptor blob, CancellationToken cancellationToken = default)
    {
        if (blob.Size > MaxInMemoryBlob)
        {
            throw new ArgumentOutOfRangeException(nameof(blob), $"Blobs over {MaxInMemoryBlob} bytes must be copied, not read into memory.");
        }

        return FromEndpointsAsync($"Blob {blob.Digest}", r => r.ReadBlobOnceAsync(blob, cancellationToken), cancellationToken);
    }

    private async Task<byte[]> ReadBlobOnceAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        var expected = ParseDigest(blob.Digest);
        var target = Target(blob.Digest);
        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(session, new RegistryRequest(HttpMethod.Get, Api(session, "blobs/" + blob.Digest)), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, response, NotFoundMeaning.Blob, blob.Digest, cancellationToken).ConfigureAwait(false);
        }

        var bytes = await _client.Transport.ReadBoundedAsync(response.Content, blob.Size, Registry, response.Url, cancellationToken).ConfigureAwait(false);
        if (bytes is null || bytes.LongLength != blob.Size)
        {
            throw ManifestChecks.Mismatch(ErrorIds.SizeMismatch, blob.Digest, response.Url, $"Blob {blob.Digest} of '{target}' should have {blob.Size} bytes, the registry sent {(bytes is null ? "more" : bytes.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture))}.");
        }

        using var hasher = expected.CreateHasher();
        hasher.AppendData(bytes);
        var hash = hasher.GetHashAndReset();
        if (!expected.Matches(hash))
        {
            throw RegistryErrors.BlobAltered(target, expected, hash);
        }

        return bytes;
    }

    /// <summary>
    /// GETs a blob's bytes from <paramref name="offset"/> for a copy: to the blob's end (with an open Range when above
    /// 0), or only <paramref name="length"/> bytes (a closed Range: one part of a ranged download). What the answer
    /// announces is checked: a registry (or the storage it redirects to) that ignores the Range and sends the whole
    /// blob (200) gives a stream that starts at 0 and ends at the blob's end; a range that starts or ends elsewhere
    /// gives none (the copy asks again, or downloads in one stream); a body of another length than the range is a
    /// SizeMismatch.
    /// </summary>
    /// <param name="retry">The blob's retry bookkeeping, shared by all its requests.</param>
    /// <returns>The body (null: ask again from 0), the blob offsets it starts and ends at, and the response to dispose with it.</returns>
    public async Task<(Stream? Body, long Start, long End, IDisposable? Response)> OpenBlobAsync(Descriptor blob, long offset, long? length, RetryState retry, CancellationToken cancellationToken)
    {
        var digest = blob.Digest;
        ParseDigest(digest);
        var size = blob.Size;
        var end = length is long count ? offset + count : size;
        var ranged = offset > 0 || length is not null;
        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        var request = new RegistryRequest(HttpMethod.Get, Api(session, "blobs/" + digest))
        {
            Configure = ranged ? r => r.Headers.Range = new RangeHeaderValue(offset, length is null ? null : end - 1) : null,
            Retry = retry,
        };
        var response = await SendAsync(session, request, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!response.IsSuccess)
            {
                throw await ErrorAsync(session, response, NotFoundMeaning.Blob, digest, cancellationToken).ConfigureAwait(false);
            }

            if (AnsweredSpan(response, digest, offset, length is null ? null : end, size) is not (long, long) span)
            {
                response.Dispose();
                return (null, 0, size, null);
            }

            long start;
            (start, end) = span;

            if (response.Content.Headers.ContentLength is long announced && announced != end - start)
            {
                throw ManifestChecks.Mismatch(ErrorIds.SizeMismatch, digest, response.Url, $"Blob {digest} of '{Target(digest)}' should have {end - start} more bytes, the registry announced {announced}. Nothing was kept.");
            }

            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw RegistryErrors.Unreachable(Registry, response.Url, ex.Message, ex);
            }

            return (new RegistryBlobStream(body, this, response.Url, blob, (start, end), cancellationToken), start, end, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The blob offsets an answer's body covers: those asked for, the whole blob (a 200 to a Range), or null for
    /// a range that starts or ends elsewhere. A 206 to a request without Range is a protocol error.
    /// </summary>
    /// <param name="end">The end of a closed range asked for; null: to the blob's end.</param>
    private (long Start, long End)? AnsweredSpan(RegistryResponse response, string digest, long offset, long? end, long size)
    {
        var ranged = offset > 0 || end is not null;
        if (ranged && !RangeHonoured(response, offset, end ?? size, size))
        {
            Log.Log($"  the server did not honour 'Range: bytes={offset}-{(end is long last ? (last - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}' ({(int)response.Status}).");
            return response.Status == HttpStatusCode.OK ? (0, size) : null;
        }

        if (!ranged && response.Status == HttpStatusCode.PartialContent)
        {
            throw RegistryErrors.Protocol(Registry, response.Url, digest, $"Registry '{Registry}' answered a whole-blob request for {digest} with partial content.");
        }

        return (offset, end ?? size);
    }

    private static bool RangeHonoured(RegistryResponse response, long offset, long end, long size)
    {
        if (response.Status != HttpStatusCode.PartialContent)
        {
            return false;
        }

        var range = response.Content.Headers.ContentRange;
        return range is not null && range.HasRange && range.From == offset && (range.To is null ? end == size : range.To == end - 1) && (!range.HasLength || range.Length == size);
    }
}
