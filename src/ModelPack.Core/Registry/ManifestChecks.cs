using System;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// What a manifest answer must pass before it is used: its bytes against the digest asked for and the one the
/// registry claims, its media type against its content, its kind (an image manifest where one is needed); and
/// the errors for answers that fail.
/// </summary>
internal static class ManifestChecks
{
    internal static readonly string[] ManifestMediaTypes =
    {
        MediaTypes.OciManifest,
        MediaTypes.OciIndex,
        MediaTypes.DockerManifestV2,
        MediaTypes.DockerManifestList,
    };

    /// <summary>Checks the bytes against the digest asked for and the one the registry claims; returns the manifest's digest.</summary>
    public static string Verify(byte[] bytes, Digest? asked, string? header, string target, Uri url)
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

    /// <summary>
    /// The manifest's media type: the Content-Type the registry sent, or, for a generic one (application/json...),
    /// what the content says. A specific Content-Type that the content contradicts (its own mediaType, or an index
    /// served as a manifest and the reverse) is ManifestMediaTypeMismatch: reading the bytes as what they are
    /// not would report something unrelated (an "index" of 0 manifests).
    /// </summary>
    public static string MediaType(string? contentType, byte[] bytes, RegistryRepository repository, string target, Uri url)
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
                contradiction = $"its content says it is a {DisplayText.Quote(repository.Log.Redact(own))} (its mediaType)";
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
                    $"Registry '{repository.Registry}' served '{target}' as {DisplayText.Quote(contentType)} (its Content-Type), but {contradiction}. The registry stored it under the wrong media type; ask the publisher to push it again with the right one.",
                    target)
                {
                    Url = SafeUrl.Format(url),
                };
            }
        }

        return contentType!;
    }

    /// <summary>The image manifest an answer holds; RegistryError when it is another kind of document.</summary>
    public static ModelManifest ImageManifest(FetchedManifest fetched, RegistryRepository repository, string target)
    {
        if (fetched.MediaType != MediaTypes.OciManifest && fetched.MediaType != MediaTypes.DockerManifestV2)
        {
            throw new RegistryException(
                ErrorIds.RegistryError,
                ErrorKind.InvalidData,
                $"'{target}' is a {DisplayText.Quote(repository.Log.Redact(fetched.MediaType))}, not an OCI image manifest or index.",
                target);
        }

        return ModelManifest.Parse(fetched.RawBytes, $"The manifest of '{target}'", target);
    }

    /// <summary>NotAModelArtifact: what a manifest is instead (its artifactType and config media type).</summary>
    /// <param name="digest">The manifest's digest, when known, for the message.</param>
    /// <param name="orImage">Whether a model packaged as an image would have done.</param>
    public static ModelPackException NotAModel(string reference, string? digest, ModelManifest manifest, bool orImage)
    {
        var what = $"artifactType '{manifest.ArtifactType ?? "none"}', config '{manifest.Config?.MediaType ?? "none"}'";
        var which = digest is null ? $"'{reference}'" : $"'{reference}' ({digest})";
        return new ModelPackException(
            ErrorIds.NotAModelArtifact,
            ErrorKind.InvalidData,
            orImage ? $"{which} is neither a ModelPack model nor a container image: {what}." : $"{which} is not a ModelPack model: {what}.",
            reference);
    }

    public static RegistryException TooLarge(string target, Uri? url, long? size) =>
        new(
            ErrorIds.ManifestTooLarge,
            ErrorKind.InvalidData,
            size is long s
                ? $"The manifest of '{target}' has {s} bytes, more than the {RegistryClient.MaxManifestSize} allowed; it was not read."
                : $"The manifest of '{target}' is larger than the {RegistryClient.MaxManifestSize} bytes allowed; reading stopped there.",
            target)
        {
            Url = url is null ? null : SafeUrl.Format(url),
        };

    public static RegistryException Mismatch(string errorId, string target, Uri? url, string message) =>
        new(errorId, ErrorKind.InvalidData, message, target) { Url = url is null ? null : SafeUrl.Format(url) };

    private static bool Hashes(byte[] bytes, Digest digest)
    {
        using var hasher = digest.CreateHasher();
        hasher.AppendData(bytes);
        return digest.Matches(hasher.GetHashAndReset());
    }
}
