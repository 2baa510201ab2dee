using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// One blob upload (OCI distribution spec, "Pushing blobs"): small blobs go up in one PUT after the POST that opens
/// the session; large ones in PATCH chunks (<c>Content-Range: start-end</c>, each answer's Location used for the
/// next request) closed by a PUT with the digest; a blob another repository of the registry holds can be mounted
/// instead (<c>POST ...?mount=&amp;from=</c>). An interrupted chunked upload is resumed: a GET of the session's URL
/// answers with <c>Range: 0-&lt;last byte&gt;</c>, and the upload continues from the next byte, reading the source
/// from there. When the registry has lost the session (distribution cancels one whose state no longer matches the
/// bytes it received, which happens when a PATCH broke off midway) the upload starts again from the beginning.
/// </summary>
/// <remarks>
/// Every request of one push asks for the same token scope: pull and push on the repository, plus pull on each
/// mount source, so one token serves the whole push. PATCH, PUT and POST are never repeated blindly: after a
/// failure the registry is asked where the upload stands.
/// </remarks>
internal sealed class BlobUpload
{
    private readonly RegistryRepository _repository;
    private readonly Descriptor _blob;
    private readonly string _scope;
    private readonly string _target;
    private readonly UploadSettings _settings;
    private readonly Action<long>? _progress;
    private readonly Action<Uri?>? _locationChanged;
    private Stream? _content;
    private long _origin;
    private long _bytesSent;

    /// <param name="scope">The token scope of the whole push (the repository's push scope with its mount sources).</param>
    /// <param name="progress">Bytes of the blob the registry has or is receiving, from the upload's thread.</param>
    /// <param name="locationChanged">Told a chunked upload's session URL after every step (to resume in a later run), and null once done.</param>
    public BlobUpload(RegistryRepository repository, Descriptor blob, string scope, UploadSettings settings, Action<long>? progress, Action<Uri?>? locationChanged)
    {
        _repository = repository;
        _blob = blob;
        _scope = scope;
        _settings = settings;
        _progress = progress;
        _locationChanged = locationChanged;
        _target = repository.Target(blob.Digest);
    }

    /// <summary>The upload session's URL (the last Location), or null before one is open.</summary>
    public Uri? Location { get; private set; }

    /// <summary>Bytes the registry has confirmed.</summary>
    public long Offset { get; private set; }

    /// <summary>How many times the upload was resumed or restarted after an interruption.</summary>
    public int Resumes { get; private set; }

    /// <summary>Request body bytes sent, re-sent ones included.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    private string Registry => _repository.Registry;

    private string Digest => _blob.Digest;

    private long Size => _blob.Size;

    /// <summary>
    /// Uploads the blob read from <paramref name="content"/> (exactly its size from the stream's current position,
    /// which must be seekable for chunked uploads and resumes), continuing the session an earlier run left open at
    /// <paramref name="resumeLocation"/> when the registry still has it.
    /// </summary>
    public async Task UploadAsync(Stream content, Uri? resumeLocation, CancellationToken cancellationToken)
    {
        var chunked = Size > _settings.MonolithicThreshold;
        if (chunked && !content.CanSeek)
        {
            throw new ArgumentException("Chunked uploads read the source again when they resume, so the stream must be seekable.", nameof(content));
        }

        _content = content;
        _origin = content.CanSeek ? content.Position : 0;
        if (resumeLocation is not null && chunked && Location is null)
        {
            await ResumeAtAsync(resumeLocation, cancellationToken).ConfigureAwait(false);
        }

        await RunAsync(cancellationToken).ConfigureAwait(false);
        _locationChanged?.Invoke(null);
        Log($"  uploaded blob {Digest} ({Size} bytes{(Resumes > 0 ? $", resumed {Resumes} time(s)" : string.Empty)}).");
    }

    /// <summary>Continues a session a previous run left open, if the registry still has it.</summary>
    private async Task ResumeAtAsync(Uri location, CancellationToken cancellationToken)
    {
        Location = location;
        if (await RefreshAsync(cancellationToken).ConfigureAwait(false))
        {
            Resumes++;
            Log($"  resuming the upload of {Digest} at {Offset} of {Size} bytes.");
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
        var session = await _repository.SessionAsync(cancellationToken).ConfigureAwait(false);
        var uri = _repository.Api(session, $"blobs/uploads/?mount={Uri.EscapeDataString(Digest)}&from={Uri.EscapeDataString(source)}");
        using var response = await SendAsync(HttpMethod.Post, uri, () => new ByteArrayContent(Array.Empty<byte>()), cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.Created)
        {
            Log($"  mounted blob {Digest} from '{Registry}/{source}'.");
            _progress?.Invoke(Size);
            return true;
        }

        if (response.Status == HttpStatusCode.Accepted && response.Message.Headers.Location is not null)
        {
            Log($"  '{Registry}' did not mount {Digest} from '{source}'; uploading it.");
            Opened(RegistryHeaders.Location(response), 0);
            return false;
        }

        Log($"  '{Registry}' refused to mount {Digest} from '{source}' (HTTP {(int)response.Status}); uploading it.");
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

                if (Offset == 0 && Size <= _settings.MonolithicThreshold)
                {
                    await PutAsync(Size, cancellationToken).ConfigureAwait(false);
                    return;
                }

                while (Offset < Size)
                {
                    await PatchAsync(Math.Min(_settings.ChunkSize, Size - Offset), cancellationToken).ConfigureAwait(false);
                }

                await PutAsync(0, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RegistryException ex) when (Resumable(ex) && attempts < _settings.ResumeAttempts && Location is not null && _content!.CanSeek)
            {
                attempts++;
                Resumes++;
                Log($"  the upload of {Digest} was interrupted at {Offset} of {Size} bytes ({ex.ErrorId}); asking the registry where it stands.");
                if (await RefreshAsync(cancellationToken).ConfigureAwait(false))
                {
                    Log($"  the registry has {Offset} bytes; continuing from there.");
                    continue;
                }

                Location = null;
                Offset = 0;
                if (await _repository.HeadBlobAsync(Digest, _scope, cancellationToken).ConfigureAwait(false) is long)
                {
                    Log($"  the interrupted upload of {Digest} had completed.");
                    return;
                }

                Log($"  the registry no longer has the upload of {Digest}; starting it again.");
            }
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var session = await _repository.SessionAsync(cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(HttpMethod.Post, _repository.Api(session, "blobs/uploads/"), () => new ByteArrayContent(Array.Empty<byte>()), cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Accepted || response.Message.Headers.Location is null)
        {
            if (response.IsSuccess)
            {
                throw RegistryErrors.Protocol(Registry, response.Url, _target, $"Registry '{Registry}' did not start an upload for '{_target}' (HTTP {(int)response.Status} without Location).");
            }

            throw await ErrorAsync(response, NotFoundMeaning.Repository, cancellationToken).ConfigureAwait(false);
        }

        Opened(RegistryHeaders.Location(response), 0);
    }

    private async Task PatchAsync(long length, CancellationToken cancellationToken)
    {
        var start = Offset;
        var end = start + length - 1;
        using var response = await SendAsync(
            new HttpMethod("PATCH"),
            Location!,
            () =>
            {
                var body = Body(start, length);
                body.Headers.TryAddWithoutValidation("Content-Range", start.ToString(CultureInfo.InvariantCulture) + "-" + end.ToString(CultureInfo.InvariantCulture));
                return body;
            },
            cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Accepted)
        {
            throw await Failure(response, cancellationToken).ConfigureAwait(false);
        }

        var confirmed = ConfirmedBytes(response) ?? end + 1;
        if (confirmed <= start || confirmed > end + 1)
        {
            throw RegistryErrors.Protocol(Registry, response.Url, _target, $"Registry '{Registry}' answered the chunk {start}-{end} of '{_target}' with Range 0-{confirmed - 1}.");
        }

        Opened(RegistryHeaders.Location(response), confirmed);
    }

    /// <summary>Closes the upload with the digest, sending the last <paramref name="length"/> bytes (all of a small blob, or none).</summary>
    private async Task PutAsync(long length, CancellationToken cancellationToken)
    {
        var start = Offset;
        var uri = WithQuery(Location!, "digest=" + Uri.EscapeDataString(Digest));
        using var response = await SendAsync(HttpMethod.Put, uri, () => length > 0 ? Body(start, length) : new ByteArrayContent(Array.Empty<byte>()), cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Created)
        {
            if (response.IsSuccess)
            {
                throw RegistryErrors.Protocol(Registry, response.Url, _target, $"Registry '{Registry}' answered the upload of '{_target}' with HTTP {(int)response.Status} instead of 201.");
            }

            throw await Failure(response, cancellationToken).ConfigureAwait(false);
        }

        if (Spec.Digest.TryParse(RegistryHeaders.Value(response, "Docker-Content-Digest"), out var stored) && stored.ToString() != Digest)
        {
            throw new RegistryException(ErrorIds.DigestMismatch, ErrorKind.InvalidData, $"Registry '{Registry}' stored the upload of '{_target}' as {stored}.", _target) { Url = SafeUrl.Format(response.Url) };
        }

        Offset = Size;
        _progress?.Invoke(Size);
    }

    /// <summary>Asks the registry where the upload stands (GET on the session URL); false when it has no such upload any more.</summary>
    private async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        RegistryResponse response;
        try
        {
            response = await SendAsync(HttpMethod.Get, Location!, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.ErrorId == ErrorIds.RegistryUnreachable)
        {
            Log($"  could not ask for the upload's status: {ex.Message}");
            return false;
        }

        using (response)
        {
            if (response.Status != HttpStatusCode.NoContent && response.Status != HttpStatusCode.OK)
            {
                Log($"  the upload's status answered HTTP {(int)response.Status}.");
                return false;
            }

            var confirmed = ConfirmedBytes(response) ?? 0;
            if (confirmed > Size)
            {
                return false;
            }

            Opened(RegistryHeaders.Location(response), confirmed);
            return true;
        }
    }

    private void Opened(Uri location, long offset)
    {
        Location = location;
        Offset = offset;
        if (Size > _settings.MonolithicThreshold)
        {
            // Only a chunked upload can continue at its session later; a small one starts again, whole.
            _locationChanged?.Invoke(location);
        }

        _progress?.Invoke(offset);
    }

    /// <summary>
    /// The bytes the registry says it has, from <c>Range: 0-&lt;end&gt;</c>. Distribution also answers
    /// <c>0-0</c> for an empty upload, so that reads as one byte only when more than nothing was confirmed before.
    /// </summary>
    private long? ConfirmedBytes(RegistryResponse response)
    {
        var range = RegistryHeaders.Value(response, "Range");
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
        var content = _content!;
        if (content.CanSeek)
        {
            content.Position = _origin + start;
        }

        long last = 0;
        return new StreamUploadContent(content, length, _repository.Client.BufferSize, sent =>
        {
            // Counts the bytes each request body sends (re-sent ones too) and reports the blob's progress.
            Interlocked.Add(ref _bytesSent, sent - last);
            last = sent;
            _progress?.Invoke(start + sent);
        });
    }

    private Task<RegistryException> Failure(RegistryResponse response, CancellationToken cancellationToken) =>
        ErrorAsync(response, NotFoundMeaning.Other, cancellationToken);

    private async Task<RegistryException> ErrorAsync(RegistryResponse response, NotFoundMeaning notFound, CancellationToken cancellationToken)
    {
        var session = await _repository.SessionAsync(cancellationToken).ConfigureAwait(false);
        return await _repository.ErrorAsync(session, response, notFound, _target, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegistryResponse> SendAsync(HttpMethod method, Uri uri, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var session = await _repository.SessionAsync(cancellationToken).ConfigureAwait(false);
        return await _repository.SendAsync(session, new RegistryRequest(method, uri) { Scope = _scope, Content = content }, cancellationToken).ConfigureAwait(false);
    }

    private void Log(string line) => _repository.Log.Log(line);

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
}
