using System;
using System.Globalization;
using System.Net;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>Turns a failed response into a <see cref="RegistryException"/> with the documented ErrorId and kind.</summary>
internal static class RegistryErrors
{
    public static RegistryException FromResponse(
        HttpStatusCode status,
        string method,
        Uri url,
        OciErrorBody body,
        NotFoundMeaning notFound,
        string target,
        string registry,
        RegistryCredential? credential,
        AuthChallenge? challenge)
    {
        var codes = body.Messages.Count > 0 ? " (" + string.Join("; ", body.Messages) + ")" : string.Empty;
        var code = (int)status;
        var where = string.Format(CultureInfo.InvariantCulture, " [{0} {1}: HTTP {2}]", method, SafeUrl.Format(url), code);
        string id;
        ErrorKind kind;
        string message;
        switch (code)
        {
            case 401 when credential is not null && string.Equals(challenge?.Error, "insufficient_scope", StringComparison.OrdinalIgnoreCase):
                // The credentials were good enough for a token, but the token grants nothing here.
                id = ErrorIds.RegistryPermissionDenied;
                kind = ErrorKind.PermissionDenied;
                message = $"Registry '{registry}' denied {credential} access to '{target}'{codes}. The account has no permission for this repository, or it does not exist.";
                break;
            case 401 when credential is not null:
                id = ErrorIds.RegistryAuthenticationFailed;
                kind = ErrorKind.AuthenticationError;
                message = $"Registry '{registry}' rejected the credentials ({credential}, from {credential.Source}) for '{target}'{codes}. Check the user name and password, or log in again.";
                break;
            case 401:
                id = ErrorIds.RegistryAuthenticationFailed;
                kind = ErrorKind.AuthenticationError;
                message = $"Registry '{registry}' requires authentication for '{target}'{codes}, and no credentials were found for it. Pass a credential, or log in with 'podman login {registry}' or 'docker login {registry}'.";
                break;
            case 403:
                id = ErrorIds.RegistryPermissionDenied;
                kind = ErrorKind.PermissionDenied;
                message = $"Registry '{registry}' denied {(credential is null ? "anonymous" : credential.ToString())} access to '{target}'{codes}.";
                break;
            case 404 when notFound == NotFoundMeaning.Manifest:
                id = ErrorIds.ModelArtifactNotFound;
                kind = ErrorKind.ObjectNotFound;
                message = $"'{target}' was not found in registry '{registry}'{codes}. Check the repository name and the tag or digest.";
                break;
            case 404 when notFound == NotFoundMeaning.Repository:
                id = ErrorIds.ModelArtifactNotFound;
                kind = ErrorKind.ObjectNotFound;
                message = $"Repository '{target}' was not found in registry '{registry}'{codes}.";
                break;
            case 404 when notFound == NotFoundMeaning.Blob:
                id = ErrorIds.BlobNotFound;
                kind = ErrorKind.ObjectNotFound;
                message = $"Blob '{target}' was not found in registry '{registry}'{codes}; the manifest refers to content the registry does not have.";
                break;
            case 404:
                id = ErrorIds.RegistryError;
                kind = ErrorKind.ObjectNotFound;
                message = $"Registry '{registry}' has no resource for '{target}'{codes}.";
                break;
            case 429:
                id = ErrorIds.RegistryError;
                kind = ErrorKind.ResourceUnavailable;
                message = $"Registry '{registry}' is rate-limiting requests for '{target}'{codes}. Wait and try again, or log in for a higher limit.";
                break;
            case >= 500:
                id = ErrorIds.RegistryError;
                kind = ErrorKind.ResourceUnavailable;
                message = $"Registry '{registry}' failed to serve '{target}'{codes}. Try again later.";
                break;
            default:
                id = ErrorIds.RegistryError;
                kind = ErrorKind.InvalidOperation;
                message = $"Registry '{registry}' refused the request for '{target}'{codes}.";
                break;
        }

        return new RegistryException(id, kind, message + where, target, status, body.Codes, SafeUrl.Format(url));
    }

    public static RegistryException Unreachable(string registry, Uri url, string reason, Exception? inner) =>
        new(
            ErrorIds.RegistryUnreachable,
            ErrorKind.ConnectionError,
            $"Registry '{registry}' could not be reached at {SafeUrl.Format(url)}: {reason}",
            registry,
            url: SafeUrl.Format(url),
            innerException: inner);

    public static RegistryException Protocol(string registry, Uri? url, string target, string message) =>
        new(ErrorIds.RegistryError, ErrorKind.InvalidData, message, target, url: url is null ? null : SafeUrl.Format(url));
}
