using System;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// One repository of one registry, validated once when it is made (<see cref="RegistryClient.Repository(References.ModelReference)"/>):
/// its manifests (<c>RegistryRepository.Manifests.cs</c>), blob reads (<c>RegistryRepository.Blobs.cs</c>) and
/// uploads (<see cref="BlobUpload"/>) all go to this registry and repository, with its pull (or push) token scope.
/// </summary>
internal sealed partial class RegistryRepository
{
    private static readonly Regex RepositoryPattern = new(
        "^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$",
        RegexOptions.CultureInvariant);

    private static readonly Regex TagPattern = new("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant);

    private readonly RegistryClient _client;

    internal RegistryRepository(RegistryClient client, RegistryAddress address, string name)
    {
        ValidateName(name);
        _client = client;
        Address = address;
        Name = name;
        PullScope = "repository:" + name + ":pull";
    }

    public RegistryAddress Address { get; }

    /// <summary><c>host[:port]</c> as auth files and messages name the registry.</summary>
    public string Registry => Address.Key;

    /// <summary>The repository's name (<c>models/llama</c>).</summary>
    public string Name { get; }

    /// <summary>The token scope of reads.</summary>
    public string PullScope { get; }

    internal RegistryClient Client => _client;

    internal SecretRedactor Log => _client.Log;

    /// <summary>The scope of a push here that may mount from <paramref name="mountFrom"/>.</summary>
    public string PushScope(System.Collections.Generic.IEnumerable<string>? mountFrom = null) => TokenScope.Push(Name, mountFrom);

    /// <summary>Another repository of the same registry (a mount source), validated the same way.</summary>
    public RegistryRepository Sibling(string name) => new(_client, Address, name);

    /// <summary><c>host/name:tag</c> or <c>host/name@digest</c>, as messages and ErrorRecord targets name it.</summary>
    public string Target(string reference) => Registry + "/" + Name + (reference.IndexOf(':') >= 0 ? "@" : ":") + reference;

    public override string ToString() => Registry + "/" + Name;

    /// <summary>
    /// Obtains (and caches) the token a push here needs, mounting from <paramref name="mountFrom"/>, so the push's
    /// HEADs and manifest requests reuse it instead of asking for a pull-only token first.
    /// </summary>
    public async Task PrepareForPushAsync(System.Collections.Generic.IEnumerable<string> mountFrom, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        await _client.Sender.AuthorizeAsync(session, Name, PushScope(mountFrom), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates a digest a request names: well formed and of an algorithm that can be verified.</summary>
    internal static Digest ParseDigest(string digest)
    {
        if (!Digest.TryParse(digest, out var parsed, out var error))
        {
            throw new ModelPackException(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, error, digest);
        }

        if (!parsed.IsVerifiable)
        {
            throw new ModelPackException(
                ErrorIds.UnsupportedDigest,
                ErrorKind.InvalidData,
                $"Digest '{digest}' uses the algorithm '{parsed.Algorithm}', which cannot be verified; only {DigestAlgorithm.Names} are supported.",
                digest);
        }

        return parsed;
    }

    /// <summary>Validates a tag or digest; returns the digest when it is one.</summary>
    internal static Digest? ParseReference(string reference)
    {
        if (reference is not null && reference.IndexOf(':') >= 0)
        {
            return ParseDigest(reference);
        }

        if (reference is null || !TagPattern.IsMatch(reference))
        {
            throw new ModelPackException(
                ErrorIds.InvalidReference,
                ErrorKind.InvalidArgument,
                $"'{reference}' is neither a valid tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -) nor a digest.",
                reference);
        }

        return null;
    }

    internal Task<RegistrySession> SessionAsync(CancellationToken cancellationToken) => _client.Connector.ConnectAsync(Address, cancellationToken, IsMirror);

    /// <summary>A URL of this repository's API: <c>v2/NAME/RELATIVE</c>.</summary>
    internal Uri Api(RegistrySession session, string relative) => new(session.BaseUri!, "v2/" + Name + "/" + relative);

    /// <summary>Sends a request of this repository with the pull scope unless it names another.</summary>
    internal Task<RegistryResponse> SendAsync(RegistrySession session, RegistryRequest request, CancellationToken cancellationToken)
    {
        request.Repository ??= Name;
        request.Scope ??= PullScope;
        if (IsMirror)
        {
            request.RetryConnection = false;
            request.Retry ??= _client.Sender.SingleAttempt();
        }

        return _client.Sender.SendAsync(session, request, cancellationToken);
    }

    internal Task<RegistryException> ErrorAsync(RegistrySession session, RegistryResponse response, NotFoundMeaning notFound, string target, CancellationToken cancellationToken) =>
        _client.Sender.ErrorAsync(session, Name, response, notFound, target, cancellationToken);

    private static void ValidateName(string repository)
    {
        if (repository is null || repository.Length > 255 || !RepositoryPattern.IsMatch(repository))
        {
            throw new ModelPackException(
                ErrorIds.InvalidReference,
                ErrorKind.InvalidArgument,
                $"Repository name '{repository}' is invalid: use lower-case letters, digits and separators (. _ __ -), with '/' between path components.",
                repository);
        }
    }
}
