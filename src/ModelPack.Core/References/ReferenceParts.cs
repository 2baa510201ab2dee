namespace ModelPack.Core.References;

/// <summary>
/// A reference's text split into its parts, each valid by the grammar, before normalisation: the registry as
/// written (none for an unqualified name such as <c>ubuntu</c> or <c>org/model</c>), the repository without
/// Docker Hub's <c>library/</c>, the tag and the digest as given.
/// </summary>
internal sealed class ReferenceParts
{
    public ReferenceParts(RegistryHost? registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry the text names; null for an unqualified name.</summary>
    public RegistryHost? Registry { get; }

    public string Repository { get; }

    public string? Tag { get; }

    /// <summary>The digest in canonical text, or null.</summary>
    public string? Digest { get; }
}
