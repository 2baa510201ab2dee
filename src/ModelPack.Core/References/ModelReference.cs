using System;
using static ModelPack.Core.References.ReferenceMessages;

namespace ModelPack.Core.References;

/// <summary>
/// A normalised <c>[registry[:port]/]repository[:tag][@digest]</c> reference, following the
/// distribution reference grammar and Docker's normalisation: no registry means docker.io, and a
/// single-component Docker Hub repository gets the <c>library/</c> prefix.
/// </summary>
public sealed class ModelReference : IEquatable<ModelReference>
{
    public const string DockerHub = DockerHubNames.Name;
    public const string DefaultTag = "latest";

    private static readonly RegistryHost UnqualifiedRegistry = new(DockerHubNames.Name, null);

    private readonly RegistryHost _registry;
    private readonly string _canonical;

    private ModelReference(RegistryHost registry, string repository, string? tag, string? digest, string? shortName = null)
    {
        _registry = registry;
        ShortName = shortName;
        Repository = repository;
        Digest = digest;
        Tag = tag ?? (digest is null ? DefaultTag : null);
        _canonical = Name + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);
    }

    /// <summary>Normalised host[:port]: lowercase, canonical IPv6 in brackets; "docker.io" when none was given.</summary>
    public string Registry => _registry.Key;

    /// <summary>The repository path, e.g. "library/ubuntu" or "org/models/llama".</summary>
    public string Repository { get; }

    /// <summary>The tag; "latest" when neither tag nor digest was given, null when only a digest was.</summary>
    public string? Tag { get; }

    /// <summary>The digest (algorithm:hex), if the reference pins one.</summary>
    public string? Digest { get; }

    /// <summary>registry/repository.</summary>
    public string Name => Registry + "/" + Repository;

    /// <summary>
    /// The repository as written when the text named no registry (<c>tiny</c>, <c>org/model</c>): a short name, which
    /// podman resolves through registries.conf; null for a fully qualified reference. The reference itself is Docker's
    /// reading of it (docker.io, <c>library/</c>); see <see cref="Registry.ShortNames"/>.
    /// </summary>
    public string? ShortName { get; }

    /// <summary>Whether the text named no registry (<see cref="ShortName"/>).</summary>
    public bool IsShortName => ShortName is not null;

    /// <summary>True for localhost, 127.0.0.0/8 and ::1 registries (plain HTTP is allowed for them).</summary>
    public bool IsLoopback => _registry.IsLoopback;

    /// <summary>The registry, parsed: its key, API host and whether it is on this machine.</summary>
    internal RegistryHost RegistryHost => _registry;

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
            throw Invalid(InvalidNewTag(tag, Name, reason), tag);
        }

        return new ModelReference(_registry, Repository, tag, Digest, ShortName);
    }

    /// <summary>The familiar form with tag and digest, as Docker prints it (e.g. "ubuntu:latest").</summary>
    public string ToFamiliarString() =>
        DockerHubNames.FamiliarName(Registry, Repository) + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    /// <summary>Canonical: registry/repository[:tag][@digest].</summary>
    public override string ToString() => _canonical;

    public bool Equals(ModelReference? other) =>
        other is not null && string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ModelReference);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    public static bool operator ==(ModelReference? left, ModelReference? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(ModelReference? left, ModelReference? right) => !(left == right);

    /// <summary>Parses, then normalises: an unqualified name is on docker.io, where one-component repositories gain "library/".</summary>
    private static ModelReference? ParseCore(string? input, out string error)
    {
        if (ReferenceParser.Parse(input, out error) is not ReferenceParts parts)
        {
            return null;
        }

        var registry = parts.Registry ?? UnqualifiedRegistry;
        var repository = DockerHubNames.WithOfficialPrefix(registry.Key, parts.Repository);
        if (repository.Length > ReferenceGrammar.MaxRepositoryLength)
        {
            error = InvalidRepository(repository, input!, TooLong(repository.Length, ReferenceGrammar.MaxRepositoryLength));
            return null;
        }

        return new ModelReference(registry, repository, parts.Tag, parts.Digest, parts.Registry is null ? parts.Repository : null);
    }
}
