using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// Blob uploads (OCI distribution spec, "Pushing blobs"): a HEAD decides whether anything is needed; a blob
/// another repository of the registry holds is mounted from there; small blobs go up in one PUT after the
/// POST that opens the session; large ones in PATCH chunks (<c>Content-Range: start-end</c>, each answer's
/// Location used for the next request) closed by a PUT with the digest. An interrupted chunked upload is
/// resumed: a GET of the session's URL answers with <c>Range: 0-&lt;last byte&gt;</c>, and the upload
/// continues from the next byte, reading the source from there. When the registry has lost the session
/// (distribution cancels one whose state no longer matches the bytes it received, which happens when a
/// PATCH broke off midway) the upload starts again from the beginning.
/// </summary>
/// <remarks>
/// Every request of one push asks for the same token scope: pull and push on the repository, plus pull on
/// each mount source, so one token serves the whole push. PATCH, PUT and POST are never repeated blindly:
/// after a failure the registry is asked where the upload stands.
/// </remarks>
public sealed partial class RegistryClient
{
    /// <summary>
    /// Pushes one blob read from <paramref name="content"/> (exactly <paramref name="size"/> bytes from its
    /// current position, which must be seekable for chunked uploads and resumes) unless the repository has
    /// it already. Returns what was done.
    /// </summary>
    public async Task<BlobPushResult> PushBlobAsync(
        string registry, string repository, string digest, long size, Stream content, BlobPushOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        if (size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size));
        }

        options ??= new BlobPushOptions();
        if (options.ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ChunkSize must be at least one byte.");
        }

        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        ParseDigest(digest);
        var mountFrom = options.MountFrom.Where(r => !string.Equals(r, repository, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var source in mountFrom)
        {
            ValidateRepository(source);
        }

        var chunked = size > options.MonolithicThreshold;
        if (chunked && !content.CanSeek)
        {
            throw new ArgumentException("Chunked uploads read the source again when they resume, so the stream must be seekable.", nameof(content));
        }

        var origin = content.CanSeek ? content.Position : 0;
        var target = address.Key + "/" + repository + "@" + digest;
        var scope = TokenScope.Push(repository, mountFrom);
        var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        var upload = new Upload(this, session, repository, scope, target, digest, size, content, origin, options);

        if (await HeadBlobAsync(session, repository, scope, digest, cancellationToken).ConfigureAwait(false) is long existing && (existing == size || existing < 0))
        {
            _log.Log($"  blob {digest} already in '{address.Key}/{repository}'; not uploaded.");
            options.LocationChanged?.Invoke(null);
            return upload.Result(BlobPushOutcome.AlreadyExists, null);
        }

        if (options.ResumeLocation is Uri resume && chunked)
        {
            await upload.ResumeAtAsync(resume, cancellationToken).ConfigureAwait(false);
        }

        if (upload.Location is null)
        {
            foreach (var source in mountFrom)
            {
                if (await HeadBlobAsync(session, source, scope, digest, cancellationToken).ConfigureAwait(false) is not long)
                {
                    continue;
                }

                if (await upload.MountAsync(source, cancellationToken).ConfigureAwait(false))
                {
                    options.LocationChanged?.Invoke(null);
                    return upload.Result(BlobPushOutcome.Mounted, source);
                }

                if (upload.Location is not null)
                {
                    break;
                }
            }
        }

        await upload.RunAsync(cancellationToken).ConfigureAwait(false);
        options.LocationChanged?.Invoke(null);
        _log.Log($"  uploaded blob {digest} ({size} bytes{(upload.Resumes > 0 ? $", resumed {upload.Resumes} time(s)" : string.Empty)}).");
        return upload.Result(BlobPushOutcome.Uploaded, null);
    }

    /// <summary>
    /// Obtains (and caches) the token a push to <paramref name="repository"/> needs, mounting from
    /// <paramref name="mountFrom"/>, so the pushes's HEADs and manifest requests reuse it instead of asking
    /// for a pull-only token first.
    /// </summary>
    internal async Task PrepareForPushAsync(string registry, string repository, System.Collections.Generic.IEnumerable<string> mountFrom, CancellationToken cancellationToken)
    {
        var session = await ConnectAsync(RegistryAddress.Parse(registry), cancellationToken).ConfigureAwait(false);
        await _auth.AuthorizeAsync(session, repository, TokenScope.Push(repository, mountFrom), renew: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<long?> HeadBlobAsync(RegistrySession session, string repository, string scope, string digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            session, repository, scope, HttpMethod.Head, ApiUri(session, $"v2/{repository}/blobs/{digest}"),
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

    private static Uri LocationOf(RegistryResponse response) =>
        response.Message.Headers.Location is Uri header ? (header.IsAbsoluteUri ? header : new Uri(response.Url, header)) : response.Url;

    private static Uri WithQuery(Uri uri, string parameter)
    {
        var builder = new UriBuilder(uri);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + parameter;
        return builder.Uri;
    }

    /// <summary>Whether an upload failure may be cured by asking where the upload stands and going on.</summary>
    private static bool Resumable(RegistryException ex) =>
        ex.ErrorId == ErrorIds.RegistryUnreachable ||
        ex.Kind == ErrorKind.ResourceUnavailable ||
        ex.StatusCode is HttpStatusCode.RequestedRangeNotSatisfiable or HttpStatusCode.NotFound;

    /// <summary>The state of one blob upload: the session URL, the bytes the registry confirmed, what was sent.</summary>
    private sealed class Upload
    {
        private readonly RegistryClient _client;
        private readonly RegistrySession _session;
        private readonly string _repository;
        private readonly string _scope;
        private readonly string _target;
        private readonly string _digest;
        private readonly long _size;
        private readonly Stream _content;
        private readonly long _origin;
        private readonly BlobPushOptions _options;
        private long _bytesSent;

        public Upload(RegistryClient client, RegistrySession session, string repository, string scope, string target, string digest, long size, Stream content, long origin, BlobPushOptions options)
        {
            _client = client;
            _session = session;
            _repository = repository;
            _scope = scope;
            _target = target;
            _digest = digest;
            _size = size;
            _content = content;
            _origin = origin;
            _options = options;
        }

        /// <summary>The upload session's URL (the last Location), or null before one is open.</summary>
        public Uri? Location { get; private set; }

        /// <summary>Bytes the registry has confirmed.</summary>
        public long Offset { get; private set; }

        public int Resumes { get; private set; }

        private string Registry => _session.Address.Key;

        public BlobPushResult Result(BlobPushOutcome outcome, string? mountedFrom) =>
            new(_digest, _size, outcome, mountedFrom, Interlocked.Read(ref _bytesSent), Resumes);

        /// <summary>Continues a session a previous run left open, if the registry still has it.</summary>
        public async Task ResumeAtAsync(Uri location, CancellationToken cancellationToken)
        {
            Location = location;
            if (await RefreshAsync(cancellationToken).ConfigureAwait(false))
            {
                Resumes++;
                _client._log.Log($"  resuming the upload of {_digest} at {Offset} of {_size} bytes.");
            }
            else
            {
                Location = null;
                Offset = 0;
            }
        }

        /// <summary>True when mounted; otherwise the registry may have opened an ordinary upload (Location set).</summary>
        public async Task<bool> MountAsync(string source, CancellationToken cancellationToken)
        {
            var uri = ApiUri(_session, $"v2/{_repository}/blobs/uploads/?mount={Uri.EscapeDataString(_digest)}&from={Uri.EscapeDataString(source)}");
            using var response = await _client.SendAsync(
                _session, _repository, _scope, HttpMethod.Post, uri, null, () => new ByteArrayContent(Array.Empty<byte>()),
                HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.Status == HttpStatusCode.Created)
            {
                _client._log.Log($"  mounted blob {_digest} from '{Registry}/{source}'.");
                _options.Progress?.Report(_size);
                return true;
            }

            if (response.Status == HttpStatusCode.Accepted && response.Message.Headers.Location is not null)
            {
                _client._log.Log($"  '{Registry}' did not mount {_digest} from '{source}'; uploading it.");
                Opened(LocationOf(response), 0);
                return false;
            }

            _client._log.Log($"  '{Registry}' refused to mount {_digest} from '{source}' (HTTP {(int)response.Status}); uploading it.");
            return false;
        }

        /// <summary>Uploads the rest, resuming after interruptions up to the allowed attempts.</summary>
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var attempts = 0;
            while (true)
            {
                try
                {
                    if (Location is null)
                    {
                        await StartAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (Offset == 0 && _size <= _options.MonolithicThreshold)
                    {
                        await PutAsync(_size, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    while (Offset < _size)
                    {
                        await PatchAsync(Math.Min(_options.ChunkSize, _size - Offset), cancellationToken).ConfigureAwait(false);
                    }

                    await PutAsync(0, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (RegistryException ex) when (Resumable(ex) && attempts < _options.ResumeAttempts && Location is not null && _content.CanSeek)
                {
                    attempts++;
                    Resumes++;
                    _client._log.Log($"  the upload of {_digest} was interrupted at {Offset} of {_size} bytes ({ex.ErrorId}); asking the registry where it stands.");
                    if (await RefreshAsync(cancellationToken).ConfigureAwait(false))
                    {
                        _client._log.Log($"  the registry has {Offset} bytes; continuing from there.");
                        continue;
                    }

                    Location = null;
                    Offset = 0;
                    if (await _client.HeadBlobAsync(_session, _repository, _scope, _digest, cancellationToken).ConfigureAwait(false) is long)
                    {
                        _client._log.Log($"  the interrupted upload of {_digest} had completed.");
                        return;
                    }

                    _client._log.Log($"  the registry no longer has the upload of {_digest}; starting it again.");
                }
            }
        }

        private async Task StartAsync(CancellationToken cancellationToken)
        {
            using var response = await _client.SendAsync(
                _session, _repository, _scope, HttpMethod.Post, ApiUri(_session, $"v2/{_repository}/blobs/uploads/"),
                null, () => new ByteArrayContent(Array.Empty<byte>()), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.Status != HttpStatusCode.Accepted || response.Message.Headers.Location is null)
            {
                if (response.IsSuccess)
                {
                    throw RegistryErrors.Protocol(Registry, response.Url, _target, $"Registry '{Registry}' did not start an upload for '{_target}' (HTTP {(int)response.Status} without Location).");
                }

                throw await _client.ErrorAsync(_session, _repository, response, NotFoundMeaning.Repository, _target, cancellationToken).ConfigureAwait(false);
            }

            Opened(LocationOf(response), 0);
        }

        private async Task PatchAsync(long length, CancellationToken cancellationToken)
        {
            var start = Offset;
            var end = start + length - 1;
            using var response = await _client.SendAsync(
                _session, _repository, _scope, new HttpMethod("PATCH"), Location!, null,
                () =>
                {
                    var body = Body(start, length);
                    body.Headers.TryAddWithoutValidation("Content-Range", start.ToString(CultureInfo.InvariantCulture) + "-" + end.ToString(CultureInfo.InvariantCulture));
                    return body;
                },
                HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.Status != HttpStatusCode.Accepted)
            {
                throw await Failure(response, cancellationToken).ConfigureAwait(false);
            }

            var confirmed = ConfirmedBytes(response) ?? end + 1;
            if (confirmed <= start || confirmed > end + 1)
            {
                throw RegistryErrors.Protocol(Registry, response.Url, _target, $"Registry '{Registry}' answered the chunk {start}-{end} of '{_target}' with Range 0-{confirmed - 1}.");
            }

            Opened(LocationOf(response), confirmed);
        }

        /// <summary>Closes the upload with the digest, sending the last <paramref name="length"/> bytes (all of a small blob, or none).</summary>
        private async Task PutAsync(long length, CancellationToken cancellationToken)
        {
            var start = Offset;
            var uri = WithQuery(Location!, "digest=" + Uri.EscapeDataString(_digest));
            using var response = await _client.SendAsync(
                _session, _repository, _scope, HttpMethod.Put, uri, null,
                () => length > 0 ? Body(start, length) : new ByteArrayContent(Array.Empty<byte>()),
                HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.Status != HttpStatusCode.Created)
            {
                if (response.IsSuccess)
                {
                    throw RegistryErrors.Protocol(Registry, response.Url, _target, $"Registry '{Registry}' answered the upload of '{_target}' with HTTP {(int)response.Status} instead of 201.");
                }

                throw await Failure(response, cancellationToken).ConfigureAwait(false);
            }

            if (Digest.TryParse(HeaderValue(response, "Docker-Content-Digest"), out var stored) && stored.ToString() != _digest)
            {
                throw new RegistryException(ErrorIds.DigestMismatch, ErrorKind.InvalidData, $"Registry '{Registry}' stored the upload of '{_target}' as {stored}.", _target, url: SafeUrl.Format(response.Url));
            }

            Offset = _size;
            _options.Progress?.Report(_size);
        }

        /// <summary>Asks the registry where the upload stands (GET on the session URL); false when it has no such upload any more.</summary>
        private async Task<bool> RefreshAsync(CancellationToken cancellationToken)
        {
            RegistryResponse response;
            try
            {
                response = await _client.SendAsync(
                    _session, _repository, _scope, HttpMethod.Get, Location!, null, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.ErrorId == ErrorIds.RegistryUnreachable)
            {
                _client._log.Log($"  could not ask for the upload's status: {ex.Message}");
                return false;
            }

            using (response)
            {
                if (response.Status != HttpStatusCode.NoContent && response.Status != HttpStatusCode.OK)
                {
                    _client._log.Log($"  the upload's status answered HTTP {(int)response.Status}.");
                    return false;
                }

                var confirmed = ConfirmedBytes(response) ?? 0;
                if (confirmed > _size)
                {
                    return false;
                }

                Opened(LocationOf(response), confirmed);
                return true;
            }
        }

        private void Opened(Uri location, long offset)
        {
            Location = location;
            Offset = offset;
            _options.LocationChanged?.Invoke(location);
            _options.Progress?.Report(offset);
        }

        /// <summary>
        /// The bytes the registry says it has, from <c>Range: 0-&lt;end&gt;</c>. Distribution also answers
        /// <c>0-0</c> for an empty upload, so that reads as one byte only when more than nothing was confirmed before.
        /// </summary>
        private long? ConfirmedBytes(RegistryResponse response)
        {
            var range = HeaderValue(response, "Range");
            if (range is null)
            {
                return null;
            }

            var value = range.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) ? range.Substring(6) : range;
            var dash = value.IndexOf('-');
            if (dash < 0 || !long.TryParse(value.Substring(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var end))
            {
                return null;
            }

            return end == 0 && Offset == 0 ? 0 : end + 1;
        }

        private StreamUploadContent Body(long start, long length)
        {
            if (_content.CanSeek)
            {
                _content.Position = _origin + start;
            }

            return new StreamUploadContent(_content, length, _client._bufferSize, new SentBytes(this, start));
        }

        private async Task<RegistryException> Failure(RegistryResponse response, CancellationToken cancellationToken) =>
            await _client.ErrorAsync(_session, _repository, response, NotFoundMeaning.Other, _target, cancellationToken).ConfigureAwait(false);

        /// <summary>Counts the bytes one request body sends and reports the blob's progress.</summary>
        private sealed class SentBytes : IProgress<long>
        {
            private readonly Upload _upload;
            private readonly long _start;
            private long _last;

            public SentBytes(Upload upload, long start)
            {
                _upload = upload;
                _start = start;
            }

            public void Report(long value)
            {
                Interlocked.Add(ref _upload._bytesSent, value - _last);
                _last = value;
                _upload._options.Progress?.Report(_start + value);
            }
        }
    }
}
