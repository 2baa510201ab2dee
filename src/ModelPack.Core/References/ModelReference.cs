using System;
using System.Net;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.References;

/// <summary>
/// A normalised <c>[registry[:port]/]repository[:tag][@digest]</c> reference, following the
/// distribution reference grammar and Docker's normalisation: no registry means docker.io, and a
/// single-component Docker Hub repository gets the <c>library/</c> prefix.
/// </summary>
public sealed class ModelReference : IEquatable<ModelReference>
{
    public const string DockerHub = "docker.io";
    public const string DockerHubApiHost = "registry-1.docker.io";
    public const string DefaultTag = "latest";
    public const int MaxRepositoryLength = ReferenceGrammar.MaxRepositoryLength;
    public const int MaxTagLength = ReferenceGrammar.MaxTagLength;

    private const string OfficialPrefix = "library/";
    private const string Syntax = "[registry[:port]/]repository[:tag][@digest]";

    private readonly string _canonical;

    private ModelReference(string registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Digest = digest;
        Tag = tag ?? (digest is null ? DefaultTag : null);
        _canonical = Name + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);
    }

    /// <summary>Normalised host[:port]: lowercase, canonical IPv6 in brackets; "docker.io" when none was given.</summary>
    public string Registry { get; }

    /// <summary>The repository path, e.g. "library/ubuntu" or "org/models/llama".</summary>
    public string Repository { get; }

    /// <summary>The tag; "latest" when neither tag nor digest was given, null when only a digest was.</summary>
    public string? Tag { get; }

    /// <summary>The digest (algorithm:hex), if the reference pins one.</summary>
    public string? Digest { get; }

    /// <summary>registry/repository.</summary>
    public string Name => Registry + "/" + Repository;

    /// <summary>The name as Docker shows it: without "docker.io/" and, for official images, "library/".</summary>
    public string FamiliarName
    {
        get
        {
            if (!string.Equals(Registry, DockerHub, StringComparison.Ordinal))
            {
                return Name;
            }

            if (Repository.StartsWith(OfficialPrefix, StringComparison.Ordinal) &&
                Repository.IndexOf('/', OfficialPrefix.Length) < 0)
            {
                return Repository.Substring(OfficialPrefix.Length);
            }

            return Repository;
        }
    }

    /// <summary>True for localhost, 127.0.0.0/8 and ::1 registries (plain HTTP is allowed for them).</summary>
    public bool IsLoopback
    {
        get
        {
            var host = ReferenceGrammar.HostOf(Registry);
            if (string.Equals(host, "localhost", StringComparison.Ordinal))
            {
                return true;
            }

            // Only a literal address counts: IPAddress.TryParse would also accept "127.1" or "2130706433".
            var isLiteral = host.IndexOf(':') >= 0 || (host.Split('.').Length == 4 && IsDigitsAndDots(host));
            return isLiteral && IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
        }
    }

    /// <summary>The host[:port] to send API requests to: Docker Hub's API lives at registry-1.docker.io.</summary>
    public string ApiHost => string.Equals(Registry, DockerHub, StringComparison.Ordinal) ? DockerHubApiHost : Registry;

    public static ModelReference Parse(string reference)
    {
        var parsed = ParseCore(reference, out var error);
        return parsed ?? throw Invalid(error, reference);
    }

    public static bool TryParse(string? reference, out ModelReference? result, out string error)
    {
        result = ParseCore(reference, out error);
        return result is not null;
    }

    /// <summary>Same repository with this tag (an existing digest is kept, as in the distribution library).</summary>
    public ModelReference WithTag(string tag)
    {
        if (tag is null)
        {
            throw new ArgumentNullException(nameof(tag));
        }

        if (ReferenceGrammar.CheckTag(tag) is string reason)
        {
            throw Invalid($"Tag '{tag}' for '{Name}' is invalid: {reason}.", tag);
        }

        return new ModelReference(Registry, Repository, tag, Digest);
    }

    /// <summary>Same repository pinned to this digest; the tag is kept (so "repo:v1@sha256:..." records what was resolved).</summary>
    public ModelReference WithDigest(string digest)
    {
        if (digest is null)
        {
            throw new ArgumentNullException(nameof(digest));
        }

        if (!Spec.Digest.TryParse(digest, out var parsed, out var reason))
        {
            throw Invalid($"Digest '{digest}' for '{Name}' is invalid: {reason}", digest);
        }

        return new ModelReference(Registry, Repository, Tag, parsed.ToString());
    }

    /// <summary>Same repository path, tag and digest on another registry (a single-component path gains "library/" on docker.io).</summary>
    public ModelReference WithRegistry(string registry)
    {
        if (registry is null)
        {
            throw new ArgumentNullException(nameof(registry));
        }

        if (ReferenceGrammar.CheckRegistry(registry, out var normalised) is string reason)
        {
            throw Invalid($"Registry '{registry}' is invalid: {reason}.", registry);
        }

        return Normalised(normalised, Repository, registry);
    }

    /// <summary>Another repository on the same registry, keeping tag and digest.</summary>
    public ModelReference WithRepository(string repository)
    {
        if (repository is null)
        {
            throw new ArgumentNullException(nameof(repository));
        }

        if (ReferenceGrammar.CheckRepository(repository) is string reason)
        {
            throw Invalid($"Repository '{repository}' is invalid: {reason}.", repository);
        }

        return Normalised(Registry, repository, repository);
    }

    /// <summary>The familiar form with tag and digest, as Docker prints it (e.g. "ubuntu:latest").</summary>
    public string ToFamiliarString() =>
        FamiliarName + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    /// <summary>Canonical: registry/repository[:tag][@digest].</summary>
    public override string ToString() => _canonical;

    public bool Equals(ModelReference? other) =>
        other is not null && string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ModelReference);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    public static bool operator ==(ModelReference? left, ModelReference? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(ModelReference? left, ModelReference? right) => !(left == right);

    private static ModelReference? ParseCore(string? input, out string error)
    {
        if (string.IsNullOrEmpty(input))
        {
            error = $"The model reference is empty. Use {Syntax}, e.g. 'ghcr.io/org/model:v1'.";
            return null;
        }

        var reference = input!;
        if (ReferenceGrammar.IsBareIdentifier(reference))
        {
            error = $"'{reference}' is a bare 64-character hex id, not a repository name. To pin a digest write 'repository@sha256:{reference}'.";
            return null;
        }

        if (char.IsWhiteSpace(reference[0]) || char.IsWhiteSpace(reference[reference.Length - 1]))
        {
            error = $"Model reference '{reference}' has leading or trailing whitespace; remove it.";
            return null;
        }

        var nameAndTag = reference;
        string? digest = null;
        var at = reference.IndexOf('@');
        if (at >= 0 && reference.IndexOf('@', at + 1) >= 0)
        {
            error = $"'{reference}' has more than one '@'; a reference pins at most one digest.";
            return null;
        }

        if (at >= 0)
        {
            var digestText = reference.Substring(at + 1);
            nameAndTag = reference.Substring(0, at);
            if (digestText.Length == 0)
            {
                error = $"The digest in '{reference}' is empty: remove the trailing '@' or add a digest such as 'sha256:<64 hex digits>'.";
                return null;
            }

            if (!Spec.Digest.TryParse(digestText, out var parsedDigest, out var digestReason))
            {
                error = $"Digest '{digestText}' in '{reference}' is invalid: {digestReason}";
                return null;
            }

            digest = parsedDigest.ToString();
        }

        if (nameAndTag.StartsWith("[", StringComparison.Ordinal) && nameAndTag.IndexOf('/') < 0)
        {
            error = $"'{reference}' names only a registry; add a repository, e.g. '{nameAndTag}/model:v1'.";
            return null;
        }

        var lastSlash = nameAndTag.LastIndexOf('/');
        var lastColon = nameAndTag.LastIndexOf(':');
        var name = nameAndTag;
        string? tag = null;
        if (lastColon > lastSlash)
        {
            tag = nameAndTag.Substring(lastColon + 1);
            name = nameAndTag.Substring(0, lastColon);
            if (tag.Length == 0)
            {
                error = $"The tag in '{reference}' is empty: remove the trailing ':' or add a tag.";
                return null;
            }

            if (ReferenceGrammar.CheckTag(tag) is string tagReason)
            {
                error = $"Tag '{tag}' in '{reference}' is invalid: {tagReason}.";
                return null;
            }
        }

        if (name.Length == 0)
        {
            error = $"'{reference}' has no repository name. Use {Syntax}.";
            return null;
        }

        var registry = DockerHub;
        var repository = name;
        var firstSlash = name.IndexOf('/');
        if (firstSlash >= 0 && ReferenceGrammar.LooksLikeRegistry(name.Substring(0, firstSlash)))
        {
            var registryText = name.Substring(0, firstSlash);
            repository = name.Substring(firstSlash + 1);
            if (ReferenceGrammar.CheckRegistry(registryText, out registry) is string registryReason)
            {
                error = $"Registry '{registryText}' in '{reference}' is invalid: {registryReason}.";
                return null;
            }

            if (repository.Length == 0)
            {
                error = $"'{reference}' has no repository after the registry '{registryText}/'. Use {Syntax}.";
                return null;
            }
        }

        registry = CanonicalRegistry(registry);
        if (ReferenceGrammar.CheckRepository(repository) is string repositoryReason)
        {
            error = $"Repository '{repository}' in '{reference}' is invalid: {repositoryReason}.";
            return null;
        }

        repository = WithOfficialPrefix(registry, repository);
        if (repository.Length > MaxRepositoryLength)
        {
            error = $"Repository '{repository}' in '{reference}' is invalid: it has {repository.Length} characters, at most {MaxRepositoryLength} are allowed.";
            return null;
        }

        error = string.Empty;
        return new ModelReference(registry, repository, tag, digest);
    }

    private ModelReference Normalised(string registry, string repository, string target)
    {
        registry = CanonicalRegistry(registry);
        repository = WithOfficialPrefix(registry, repository);
        if (repository.Length > MaxRepositoryLength)
        {
            throw Invalid($"Repository '{repository}' is invalid: it has {repository.Length} characters, at most {MaxRepositoryLength} are allowed.", target);
        }

        return new ModelReference(registry, repository, Tag, Digest);
    }

    /// <summary>index.docker.io (the legacy name) and registry-1.docker.io (the API host) are Docker Hub too.</summary>
    private static string CanonicalRegistry(string registry) =>
        string.Equals(registry, "index.docker.io", StringComparison.Ordinal) ||
        string.Equals(registry, DockerHubApiHost, StringComparison.Ordinal)
            ? DockerHub
            : registry;

    private static string WithOfficialPrefix(string registry, string repository) =>
        string.Equals(registry, DockerHub, StringComparison.Ordinal) && repository.IndexOf('/') < 0
            ? OfficialPrefix + repository
            : repository;

    private static bool IsDigitsAndDots(string host)
    {
        foreach (var c in host)
        {
            if (!((c >= '0' && c <= '9') || c == '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static ModelPackException Invalid(string message, string? target) =>
        new(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, message, target);
}
