using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>Manifests of the repository: GET (verified), HEAD, PUT, and resolving an index to one image manifest.</summary>
internal sealed partial class RegistryRepository
{
    /// <summary>
    /// GETs a manifest or index by tag or digest, verified against the digest asked for and the
    /// Docker-Content-Digest header. Refuses more than <see cref="RegistryClient.MaxManifestSize"/> bytes.
    /// </summary>
    public Task<FetchedManifest> GetManifestAsync(string reference, CancellationToken cancellationToken = default) =>
        FromEndpointsAsync($"The manifest of '{Target(reference)}'", r => r.FetchManifestAsync(reference, cancellationToken), cancellationToken);

    private async Task<FetchedManifest> FetchManifestAsync(string reference, CancellationToken cancellationToken)
    {
        var expected = ParseReference(reference);
        var target = Target(reference);
        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(session, ManifestRequest(HttpMethod.Get, session, reference), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, response, NotFoundMeaning.Manifest, target, cancellationToken).ConfigureAwait(false);
        }

        if (response.Content.Headers.ContentLength is long length && length > RegistryClient.MaxManifestSize)
        {
            throw ManifestChecks.TooLarge(target, response.Url, length);
        }

        var bytes = await _client.Transport.ReadBoundedAsync(response.Content, RegistryClient.MaxManifestSize, Registry, response.Url, cancellationToken).ConfigureAwait(false)
            ?? throw ManifestChecks.TooLarge(target, response.Url, null);
        var digest = ManifestChecks.Verify(bytes, expected, RegistryHeaders.Value(response, "Docker-Content-Digest"), target, response.Url);
        var mediaType = ManifestChecks.MediaType(response.Content.Headers.ContentType?.MediaType, bytes, this, target, response.Url);
        Log.Trace($"  manifest {digest} ({mediaType}, {bytes.Length} bytes)");
        return new FetchedManifest(bytes, mediaType, digest);
    }

    /// <summary>
    /// HEADs a manifest: the digest a tag points at, without downloading it. Falls back to a GET when the
    /// registry sends no Docker-Content-Digest; that answer is kept in <see cref="ManifestInfo.Fetched"/>.
    /// </summary>
    public Task<ManifestInfo> HeadManifestAsync(string reference, CancellationToken cancellationToken = default) =>
        FromEndpointsAsync($"The digest of '{Target(reference)}'", r => r.HeadManifestOnceAsync(reference, cancellationToken), cancellationToken);

    private async Task<ManifestInfo> HeadManifestOnceAsync(string reference, CancellationToken cancellationToken)
    {
        var expected = ParseReference(reference);
        var target = Target(reference);
        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        using (var response = await SendAsync(session, ManifestRequest(HttpMethod.Head, session, reference), cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccess)
            {
                throw await ErrorAsync(session, response, NotFoundMeaning.Manifest, target, cancellationToken).ConfigureAwait(false);
            }

            if (Digest.TryParse(RegistryHeaders.Value(response, "Docker-Content-Digest"), out var digest))
            {
                if (expected is Digest asked && asked != digest)
                {
                    throw ManifestChecks.Mismatch(Errors.ErrorIds.DigestMismatch, target, response.Url, $"Registry '{Registry}' answered the HEAD of '{target}' with digest {digest}.");
                }

                var size = response.Content.Headers.ContentLength ?? -1;
                if (size > RegistryClient.MaxManifestSize)
                {
                    throw ManifestChecks.TooLarge(target, response.Url, size);
                }

                return new ManifestInfo(digest.ToString(), response.Content.Headers.ContentType?.MediaType ?? string.Empty, size);
            }
        }

        Log.Log("  no Docker-Content-Digest in the HEAD answer; reading the manifest instead.");
        var fetched = await FetchManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        return new ManifestInfo(fetched.Digest, fetched.MediaType, fetched.Size) { Fetched = fetched };
    }

    /// <summary>
    /// GETs what <paramref name="reference"/> names and, for an index, follows it to one image manifest
    /// (<see cref="IndexResolver"/>).
    /// </summary>
    public async Task<ResolvedManifest> ResolveManifestAsync(string reference, CancellationToken cancellationToken = default)
    {
        var top = await GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        return await ResolveAsync(top, reference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves an answer already fetched for <paramref name="reference"/>: itself, or for an index the manifest it leads to (by digest).</summary>
    public Task<ResolvedManifest> ResolveAsync(FetchedManifest top, string reference, CancellationToken cancellationToken = default) =>
        new IndexResolver(this).ResolveAsync(top, Target(reference), cancellationToken);

    /// <summary>PUTs a manifest or index under a tag or its digest; returns its digest.</summary>
    public async Task<string> PutManifestAsync(string reference, byte[] manifest, string mediaType, CancellationToken cancellationToken = default)
    {
        if (manifest is null)
        {
            throw new ArgumentNullException(nameof(manifest));
        }

        if (string.IsNullOrEmpty(mediaType))
        {
            throw new ArgumentException("The manifest's media type is required.", nameof(mediaType));
        }

        var asked = ParseReference(reference);
        var target = Target(reference);
        var digest = Digest.Sha256(manifest);
        if (asked is Digest d && d != digest)
        {
            throw ManifestChecks.Mismatch(Errors.ErrorIds.DigestMismatch, target, null, $"The manifest to push hashes to {digest}, not to the digest it is pushed under.");
        }

        if (manifest.LongLength > RegistryClient.MaxManifestSize)
        {
            throw ManifestChecks.TooLarge(target, null, manifest.LongLength);
        }

        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        var request = new RegistryRequest(HttpMethod.Put, Api(session, "manifests/" + reference))
        {
            Scope = PushScope(),
            Content = () =>
            {
                var content = new ByteArrayContent(manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return content;
            },
        };
        using var response = await SendAsync(session, request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, response, NotFoundMeaning.Repository, target, cancellationToken).ConfigureAwait(false);
        }

        if (Digest.TryParse(RegistryHeaders.Value(response, "Docker-Content-Digest"), out var stored) && stored.Algorithm == digest.Algorithm && stored != digest)
        {
            throw ManifestChecks.Mismatch(Errors.ErrorIds.DigestMismatch, target, response.Url, $"Registry '{Registry}' stored the manifest of '{target}' as {stored}, but its bytes hash to {digest}.");
        }

        return digest.ToString();
    }

    private RegistryRequest ManifestRequest(HttpMethod method, RegistrySession session, string reference) =>
        new(method, Api(session, "manifests/" + reference)) { Configure = AcceptManifests };

    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var mediaType in ManifestChecks.ManifestMediaTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }
    }
}
