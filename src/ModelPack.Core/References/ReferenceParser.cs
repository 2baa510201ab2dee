using System;
using static ModelPack.Core.References.ReferenceMessages;

namespace ModelPack.Core.References;

/// <summary>
/// Splits the text of a reference, <c>[registry[:port]/]repository[:tag][@digest]</c>, into its
/// <see cref="ReferenceParts"/>, each checked against the grammar. Normalising the parts (which registry an
/// unqualified name means, Docker Hub's <c>library/</c>) is <see cref="ModelReference"/>'s step after this one.
/// A transport prefix (<c>oci://</c>, <c>docker://</c>, <c>rlcr://</c>: <see cref="ReferenceTransport"/>) is taken off
/// first; the messages then name the reference it stood for.
/// </summary>
internal static class ReferenceParser
{
    /// <summary>The parts of <paramref name="input"/>, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static ReferenceParts? Parse(string? input, out string error)
    {
        if (string.IsNullOrEmpty(input))
        {
            error = EmptyReference();
            return null;
        }

        var reference = ReferenceTransport.Strip(input!);
        if (reference.Length == 0)
        {
            error = EmptyAfterTransport(input!);
            return null;
        }

        if (CheckWhole(reference) is string wholeError)
        {
            error = wholeError;
            return null;
        }

        if (SplitDigest(reference, out var nameAndTag, out var digest) is string digestError)
        {
            error = digestError;
            return null;
        }

        if (SplitTag(reference, nameAndTag, out var name, out var tag) is string tagError)
        {
            error = tagError;
            return null;
        }

        if (SplitRegistry(reference, name, out var registry, out var repository) is string nameError)
        {
            error = nameError;
            return null;
        }

        error = string.Empty;
        return new ReferenceParts(registry, repository, tag, digest);
    }

    private static string? CheckWhole(string reference)
    {
        if (ReferenceGrammar.IsBareIdentifier(reference))
        {
            return BareIdentifier(reference);
        }

        return char.IsWhiteSpace(reference[0]) || char.IsWhiteSpace(reference[reference.Length - 1]) ? Whitespace(reference) : null;
    }

    private static string? SplitDigest(string reference, out string nameAndTag, out string? digest)
    {
        nameAndTag = reference;
        digest = null;
        var at = reference.IndexOf('@');
        if (at < 0)
        {
            return null;
        }

        if (reference.IndexOf('@', at + 1) >= 0)
        {
            return TwoDigests(reference);
        }

        var digestText = reference.Substring(at + 1);
        nameAndTag = reference.Substring(0, at);
        if (digestText.Length == 0)
        {
            return EmptyDigest(reference);
        }

        if (!Spec.Digest.TryParse(digestText, out var parsed, out var reason))
        {
            return InvalidDigest(digestText, reference, reason);
        }

        digest = parsed.ToString();
        return null;
    }

    private static string? SplitTag(string reference, string nameAndTag, out string name, out string? tag)
    {
        name = nameAndTag;
        tag = null;
        if (nameAndTag.StartsWith("[", StringComparison.Ordinal) && nameAndTag.IndexOf('/') < 0)
        {
            return OnlyRegistry(reference, nameAndTag);
        }

        var lastColon = nameAndTag.LastIndexOf(':');
        if (lastColon <= nameAndTag.LastIndexOf('/'))
        {
            return null;
        }

        tag = nameAndTag.Substring(lastColon + 1);
        name = nameAndTag.Substring(0, lastColon);
        if (tag.Length == 0)
        {
            return EmptyTag(reference);
        }

        return ReferenceGrammar.CheckTag(tag) is string reason ? InvalidTag(tag, reference, reason) : null;
    }

    private static string? SplitRegistry(string reference, string name, out RegistryHost? registry, out string repository)
    {
        registry = null;
        repository = name;
        if (name.Length == 0)
        {
            return NoRepository(reference);
        }

        var firstSlash = name.IndexOf('/');
        if (firstSlash >= 0 && ReferenceGrammar.LooksLikeRegistry(name.Substring(0, firstSlash)))
        {
            var registryText = name.Substring(0, firstSlash);
            repository = name.Substring(firstSlash + 1);
            if (HostGrammar.Check(registryText, out var host) is string registryReason)
            {
                return InvalidRegistry(registryText, reference, registryReason);
            }

            if (repository.Length == 0)
            {
                return NoRepositoryAfterRegistry(reference, registryText);
            }

            registry = host;
        }

        return ReferenceGrammar.CheckRepository(repository) is string reason ? InvalidRepository(repository, reference, reason) : null;
    }
}
