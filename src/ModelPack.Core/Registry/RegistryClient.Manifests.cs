using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>Index entries whose config is read to find a ModelPack manifest without artifactType.</summary>
    private const int MaxIndexProbes = 16;

    private static readonly string[] ManifestMediaTypes =
    {
        MediaTypes.OciManifest,
        MediaTypes.OciIndex,
        MediaTypes.DockerManifestV2,
        MediaTypes.DockerManifestList,
    };

    /// <summary>
    /// GETs a manifest or index by tag or digest, verified against the digest asked for and the
    /// Docker-Content-Digest header. Refuses more than <see cref="MaxManifestSize"/> bytes.
    /// </summary>
    public async Task<FetchedManifest> GetManifestAsync(string registry, string repository, string reference, CancellationToken cancellationToken = default)
    {
        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        var expected = ParseReference(reference);
        var target = Target(address, repository, reference);
        var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(
            session, repository, PullScope(repository), HttpMethod.Get, ApiUri(session, $"v2/{repository}/manifests/{reference}"),
            AcceptManifests, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, repository, response, NotFoundMeaning.Manifest, target, cancellationToken).ConfigureAwait(false);
        }

        if (response.Content.Headers.ContentLength is long length && length > MaxManifestSize)
        {
            throw ManifestTooLarge(target, response.Url, length);
        }

        var bytes = await _transport.ReadBoundedAsync(response.Content, MaxManifestSize, address.Key, response.Url, cancellationToken).ConfigureAwait(false)
            ?? throw ManifestTooLarge(target, response.Url, null);
        var digest = VerifyManifest(bytes, expected, HeaderValue(response, "Docker-Content-Digest"), target, response.Url);
        var mediaType = ManifestMediaType(response.Content.Headers.ContentType?.MediaType, bytes, target, response.Url);
        _log.Trace($"  manifest {digest} ({mediaType}, {bytes.Length} bytes)");
        return new FetchedManifest(bytes, mediaType, digest);
    }

    /// <summary>
    /// HEADs a manifest: the digest a tag points at, without downloading it. Falls back to a GET
    /// when the registry sends no Docker-Content-Digest.
    /// </summary>
    public async Task<ManifestInfo> HeadManifestAsync(string registry, string repository, string reference, CancellationToken cancellationToken = default)
    {
        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        var expected = ParseReference(reference);
        var target = Target(address, repository, reference);
        var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        using (var response = await SendAsync(
            session, repository, PullScope(repository), HttpMethod.Head, ApiUri(session, $"v2/{repository}/manifests/{reference}"),
            AcceptManifests, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccess)
            {
                throw await ErrorAsync(session, repository, response, NotFoundMeaning.Manifest, target, cancellationToken).ConfigureAwait(false);
            }

            if (Digest.TryParse(HeaderValue(response, "Docker-Content-Digest"), out var digest))
            {
                if (expected is Digest asked && asked != digest)
                {
                    throw Mismatch(ErrorIds.DigestMismatch, target, response.Url, $"Registry '{address.Key}' answered the HEAD of '{target}' with digest {digest}.");
                }

                var size = response.Content.Headers.ContentLength ?? -1;
                if (size > MaxManifestSize)
                {
                    throw ManifestTooLarge(target, response.Url, size);
                }

                return new ManifestInfo(digest.ToString(), response.Content.Headers.ContentType?.MediaType ?? string.Empty, size);
            }
        }

        _log.Log("  no Docker-Content-Digest in the HEAD answer; reading the manifest instead.");
        var fetched = await GetManifestAsync(registry, repository, reference, cancellationToken).ConfigureAwait(false);
        return new ManifestInfo(fetched.Digest, fetched.MediaType, fetched.Size);
    }

    /// <summary>
    /// GETs what <paramref name="reference"/> names and, for an index, follows it to one image
    /// manifest: the single entry with the ModelPack artifactType; else the single entry without a
    /// platform whose config is a ModelPack config; else linux/amd64; else the only entry.
    /// </summary>
    public async Task<ResolvedManifest> ResolveManifestAsync(string registry, string repository, string reference, CancellationToken cancellationToken = default)
    {
        var address = RegistryAddress.Parse(registry);
        var target = Target(address, repository, reference);
        var top = await GetManifestAsync(registry, repository, reference, cancellationToken).ConfigureAwait(false);
        if (!top.IsIndex)
        {
            return new ResolvedManifest(ParseImageManifest(top, target), top, null);
        }

        var index = ImageIndex.Parse(top.RawBytes, $"The index of '{target}'", target);
        var (entry, fetched) = await ChooseFromIndexAsync(registry, repository, index, target, cancellationToken).ConfigureAwait(false);
        var child = fetched ?? await GetManifestAsync(registry, repository, entry.Digest, cancellationToken).ConfigureAwait(false);
        var childTarget = Target(address, repository, entry.Digest);
        if (child.Size != entry.Size)
        {
            throw Mismatch(ErrorIds.SizeMismatch, childTarget, null, $"Index '{target}' says manifest {entry.Digest} has {entry.Size} bytes, the registry served {child.Size}.");
        }

        if (child.IsIndex)
        {
            throw RegistryErrors.Protocol(address.Key, null, childTarget, $"Index '{target}' points at another index ({entry.Digest}); nested indexes are not supported. Name an image manifest by digest.");
        }

        _log.Log($"Index {top.Digest} resolved to manifest {child.Digest}.");
        return new ResolvedManifest(ParseImageManifest(child, childTarget), child, top);
    }

    /// <summary>PUTs a manifest or index under a tag or its digest; returns its digest.</summary>
    public async Task<string> PutManifestAsync(string registry, string repository, string reference, byte[] manifest, string mediaType, CancellationToken cancellationToken = default)
    {
        if (manifest is null)
        {
            throw new ArgumentNullException(nameof(manifest));
        }

        if (string.IsNullOrEmpty(mediaType))
        {
            throw new ArgumentException("The manifest's media type is required.", nameof(mediaType));
        }

        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        var asked = ParseReference(reference);
        var target = Target(address, repository, reference);
        var digest = Digest.Sha256(manifest);
        if (asked is Digest d && d != digest)
        {
            throw Mismatch(ErrorIds.DigestMismatch, target, null, $"The manifest to push hashes to {digest}, not to the digest it is pushed under.");
        }

        if (manifest.LongLength > MaxManifestSize)
        {
            throw ManifestTooLarge(target, null, manifest.LongLength);
        }

        var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(
            session, repository, PushScope(repository), HttpMethod.Put, ApiUri(session, $"v2/{repository}/manifests/{reference}"),
            null,
            () =>
            {
                var content = new ByteArrayContent(manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return content;
            },
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, repository, response, NotFoundMeaning.Repository, target, cancellationToken).ConfigureAwait(false);
        }

        if (Digest.TryParse(HeaderValue(response, "Docker-Content-Digest"), out var stored) && stored.Algorithm == digest.Algorithm && stored != digest)
        {
            throw Mismatch(ErrorIds.DigestMismatch, target, response.Url, $"Registry '{address.Key}' stored the manifest of '{target}' as {stored}, but its bytes hash to {digest}.");
        }

        return digest.ToString();
    }

    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var mediaType in ManifestMediaTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }
    }

    /// <summary>Checks the bytes against the digest asked for and the one the registry claims; returns the manifest's digest.</summary>
    private static string VerifyManifest(byte[] bytes, Digest? asked, string? header, string target, Uri url)
    {
        if (asked is Digest a && !Hashes(bytes, a))
        {
            throw Mismatch(ErrorIds.DigestMismatch, target, url, $"The manifest served for '{target}' does not match that digest (its sha256 is {Digest.Sha256(bytes)}).");
        }

        if (header is not null && Digest.TryParse(header, out var claimed) && claimed.IsVerifiable && !Hashes(bytes, claimed))
        {
            throw Mismatch(ErrorIds.DigestMismatch, target, url, $"The manifest served for '{target}' does not match the Docker-Content-Digest {claimed} the registry sent with it (its sha256 is {Digest.Sha256(bytes)}).");
        }

        return asked?.ToString() ?? Digest.Sha256(bytes).ToString();
    }

    private static bool Hashes(byte[] bytes, Digest digest)
    {
        using var hasher = digest.CreateHasher();
        hasher.AppendData(bytes);
        return digest.Matches(hasher.GetHashAndReset());
    }

    /// <summary>
    /// The manifest's media type: the Content-Type the registry sent, or, for a generic one (application/json...),
    /// what the content says. A specific Content-Type that the content contradicts (its own mediaType, or an index
    /// served as a manifest and the reverse) is ManifestMediaTypeMismatch: reading the bytes as what they are
    /// not would report something unrelated (an "index" of 0 manifests).
    /// </summary>
    private string ManifestMediaType(string? contentType, byte[] bytes, string target, Uri url)
    {
        var shape = ManifestShape.Of(bytes);
        var generic = string.IsNullOrEmpty(contentType) || contentType is "application/json" or "text/plain" or "application/octet-stream";
        if (generic)
        {
            return shape?.MediaType is { Length: > 0 } declared ? declared : shape?.HasManifests == true ? MediaTypes.OciIndex : contentType ?? MediaTypes.OciManifest;
        }

        if (shape is not null && ManifestMediaTypes.Contains(contentType, StringComparer.Ordinal))
        {
            var servedAsIndex = FetchedManifest.IsIndexMediaType(contentType);
            string? contradiction = null;
            if (shape.MediaType is { Length: > 0 } own && !string.Equals(own, contentType, StringComparison.Ordinal))
            {
                contradiction = $"its content says it is a {DisplayText.Quote(_log.Redact(own))} (its mediaType)";
            }
            else if (servedAsIndex && !shape.HasManifests && (shape.HasLayers || shape.HasConfig))
            {
                contradiction = "its content is an image manifest (it has 'config' and 'layers', and no 'manifests' list)";
            }
            else if (!servedAsIndex && shape.HasManifests && !shape.HasLayers && !shape.HasConfig)
            {
                contradiction = "its content is an index (it has a 'manifests' list, and no 'config' or 'layers')";
            }

            if (contradiction is not null)
            {
                throw new RegistryException(
                    ErrorIds.ManifestMediaTypeMismatch,
                    ErrorKind.InvalidData,
                    $"Registry '{RegistryOf(target)}' served '{target}' as {DisplayText.Quote(contentType)} (its Content-Type), but {contradiction}. The registry stored it under the wrong media type; ask the publisher to push it again with the right one.",
                    target,
                    url: SafeUrl.Format(url));
            }
        }

        return contentType!;
    }

    private static string RegistryOf(string target) => target.Substring(0, Math.Max(0, target.IndexOf('/')));

    private ModelManifest ParseImageManifest(FetchedManifest fetched, string target)
    {
        if (fetched.MediaType != MediaTypes.OciManifest && fetched.MediaType != MediaTypes.DockerManifestV2)
        {
            throw new RegistryException(
                ErrorIds.RegistryError,
                ErrorKind.InvalidData,
                $"'{target}' is a {DisplayText.Quote(_log.Redact(fetched.MediaType))}, not an OCI image manifest or index.",
                target);
        }

        return ModelManifest.Parse(fetched.RawBytes, $"The manifest of '{target}'", target);
    }

    private async Task<(Descriptor Entry, FetchedManifest? Fetched)> ChooseFromIndexAsync(
        string registry, string repository, ImageIndex index, string target, CancellationToken cancellationToken)
    {
        var manifests = index.Manifests.Where(m => !FetchedManifest.IsIndexMediaType(m.MediaType)).ToList();
        var models = manifests.Where(m => m.ArtifactType == MediaTypes.ModelArtifact).ToList();
        if (models.Count == 1)
        {
            return (models[0], null);
        }

        if (models.Count > 1)
        {
            var linuxModels = models.Where(IsLinuxAmd64).ToList();
            if (linuxModels.Count == 1)
            {
                return (linuxModels[0], null);
            }

            throw Ambiguous(target, models.Count);
        }

        var found = new List<(Descriptor, FetchedManifest)>();
        foreach (var entry in manifests.Where(m => m.Platform is null).Take(MaxIndexProbes))
        {
            var child = await GetManifestAsync(registry, repository, entry.Digest, cancellationToken).ConfigureAwait(false);
            if (!child.IsIndex && ModelManifest.Parse(child.RawBytes, $"The manifest {entry.Digest} of index '{target}'", target).IsModelArtifact)
            {
                found.Add((entry, child));
            }
        }

        if (found.Count == 1)
        {
            return found[0];
        }

        if (found.Count > 1)
        {
            throw Ambiguous(target, found.Count);
        }

        var linux = manifests.FirstOrDefault(IsLinuxAmd64);
        if (linux is not null)
        {
            return (linux, null);
        }

        if (manifests.Count == 1)
        {
            return (manifests[0], null);
        }

        throw new RegistryException(
            ErrorIds.ModelArtifactNotFound,
            ErrorKind.ObjectNotFound,
            $"Index '{target}' lists {manifests.Count} manifests, none of them a ModelPack model or a linux/amd64 image. Name the manifest you want by digest.",
            target);
    }

    private static bool IsLinuxAmd64(Descriptor d) =>
        d.Platform is Platform p && p.OS == "linux" && p.Architecture == "amd64";

    private static RegistryException Ambiguous(string target, int count) =>
        new(
            ErrorIds.ModelArtifactNotFound,
            ErrorKind.InvalidData,
            $"Index '{target}' lists {count} ModelPack manifests; name the one you want by digest.",
            target);

    private static RegistryException ManifestTooLarge(string target, Uri? url, long? size) =>
        new(
            ErrorIds.ManifestTooLarge,
            ErrorKind.InvalidData,
            size is long s
                ? $"The manifest of '{target}' has {s} bytes, more than the {MaxManifestSize} allowed; it was not read."
                : $"The manifest of '{target}' is larger than the {MaxManifestSize} bytes allowed; reading stopped there.",
            target,
            url: url is null ? null : SafeUrl.Format(url));

    private static RegistryException Mismatch(string errorId, string target, Uri? url, string message) =>
        new(errorId, ErrorKind.InvalidData, message, target, url: url is null ? null : SafeUrl.Format(url));
}
