using System;
using System.Globalization;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>Turns a failed response into a <see cref="RegistryException"/> with the documented ErrorId and kind.</summary>
internal static class RegistryErrors
{
    /// <summary>The error a failed answer stands for: its ErrorId and kind by status, its message naming who asked for what.</summary>
    public static RegistryException FromResponse(FailedAnswer answer)
    {
        var body = answer.Body;
        var codes = body.Messages.Count > 0 ? " (" + string.Join("; ", body.Messages) + ")" : string.Empty;
        var code = (int)answer.Status;
        var where = string.Format(CultureInfo.InvariantCulture, " [{0} {1}: HTTP {2}]", answer.Method, SafeUrl.Format(answer.Url), code);
        var (id, kind, message) = code is 401 or 403 ? Denied(answer, code, codes) : Failed(answer, code, codes);
        return new RegistryException(id, kind, message + where, answer.Target) { StatusCode = answer.Status, ErrorCodes = body.Codes, Url = SafeUrl.Format(answer.Url) };
    }

    private static (string Id, ErrorKind Kind, string Message) Denied(FailedAnswer answer, int code, string codes)
    {
        var (registry, target, credential) = (answer.Registry, answer.Target, answer.Credential);
        if (code == 403)
        {
            return (ErrorIds.RegistryPermissionDenied, ErrorKind.PermissionDenied, $"Registry '{registry}' denied {(credential is null ? "anonymous" : credential.ToString())} access to '{target}'{codes}.");
        }

        if (credential is not null && string.Equals(answer.Challenge?.Error, "insufficient_scope", StringComparison.OrdinalIgnoreCase))
        {
            // The credentials were good enough for a token, but the token grants nothing here.
            return (ErrorIds.RegistryPermissionDenied, ErrorKind.PermissionDenied, $"Registry '{registry}' denied {credential} access to '{target}'{codes}. The account has no permission for this repository, or it does not exist.");
        }

        return credential is not null
            ? (ErrorIds.RegistryAuthenticationFailed, ErrorKind.AuthenticationError, $"Registry '{registry}' rejected the credentials ({credential}, from {credential.Source}) for '{target}'{codes}. Check the user name and password, or log in again.")
            : (ErrorIds.RegistryAuthenticationFailed, ErrorKind.AuthenticationError, $"Registry '{registry}' requires authentication for '{target}'{codes}, and no credentials were found for it. Pass a credential, or log in with 'podman login {registry}' or 'docker login {registry}'.");
    }

    private static (string Id, ErrorKind Kind, string Message) Failed(FailedAnswer answer, int code, string codes)
    {
        var (registry, target) = (answer.Registry, answer.Target);
        return code switch
        {
            404 when answer.NotFound == NotFoundMeaning.Manifest => (ErrorIds.ModelArtifactNotFound, ErrorKind.ObjectNotFound, $"'{target}' was not found in registry '{registry}'{codes}. Check the repository name and the tag or digest."),
            404 when answer.NotFound == NotFoundMeaning.Repository => (ErrorIds.ModelArtifactNotFound, ErrorKind.ObjectNotFound, $"Repository '{target}' was not found in registry '{registry}'{codes}."),
            404 when answer.NotFound == NotFoundMeaning.Blob => (ErrorIds.BlobNotFound, ErrorKind.ObjectNotFound, $"Blob '{target}' was not found in registry '{registry}'{codes}; the manifest refers to content the registry does not have."),
            404 => (ErrorIds.RegistryError, ErrorKind.ObjectNotFound, $"Registry '{registry}' has no resource for '{target}'{codes}."),
            429 => (ErrorIds.RegistryError, ErrorKind.ResourceUnavailable, $"Registry '{registry}' is rate-limiting requests for '{target}'{codes}. Wait and try again, or log in for a higher limit."),
            >= 500 => (ErrorIds.RegistryError, ErrorKind.ResourceUnavailable, $"Registry '{registry}' failed to serve '{target}'{codes}. Try again later."),
            _ => (ErrorIds.RegistryError, ErrorKind.InvalidOperation, $"Registry '{registry}' refused the request for '{target}'{codes}."),
        };
    }

    public static RegistryException Unreachable(string registry, Uri url, string reason, Exception? inner) =>
        new(
            ErrorIds.RegistryUnreachable,
            ErrorKind.ConnectionError,
            $"Registry '{registry}' could not be reached at {SafeUrl.Format(url)}: {reason}",
            registry,
            inner)
        {
            Url = SafeUrl.Format(url),
        };

    /// <summary>DigestMismatch for a blob whose bytes hash to something else than its digest.</summary>
    public static ModelPackException BlobAltered(string target, Spec.Digest expected, byte[] hash) =>
        new(
            ErrorIds.DigestMismatch,
            ErrorKind.InvalidData,
            $"Blob {expected} of '{target}' arrived with digest {expected.Algorithm}:{Spec.Digest.ToLowerHex(hash)}: the data was altered on the way or by the registry. It was discarded; download it again.",
            expected.ToString());

    /// <summary>RegistryBlocked: registries.conf forbids pulls of the names <paramref name="prefix"/> covers.</summary>
    public static ModelPackException Blocked(string reference, string prefix, string source) =>
        new(
            ErrorIds.RegistryBlocked,
            ErrorKind.PermissionDenied,
            $"Pulling '{reference}' is blocked: registries.conf '{source}' sets blocked = true for '{prefix}'. Use another registry, or change that [[registry]] table.",
            reference);

    /// <summary>InvalidConfiguration: a location or mirror of registries.conf turns a name into no valid reference.</summary>
    public static ModelPackException BadRewrite(string source, string prefix, string name, string rewritten, string reason) =>
        new(
            ErrorIds.InvalidConfiguration,
            ErrorKind.InvalidData,
            $"registries.conf '{source}': the [[registry]] table for '{prefix}' maps '{name}' to '{rewritten}', which is not a repository name{(reason.Length == 0 ? string.Empty : " (" + reason + ")")}. Fix its location.",
            source);

    public static RegistryException Protocol(string registry, Uri? url, string target, string message) =>
        new(ErrorIds.RegistryError, ErrorKind.InvalidData, message, target) { Url = url is null ? null : SafeUrl.Format(url) };
}
