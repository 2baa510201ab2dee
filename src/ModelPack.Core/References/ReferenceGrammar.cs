using System;
using static ModelPack.Core.References.ReferenceMessages;

namespace ModelPack.Core.References;

/// <summary>
/// The name parts of the distribution reference grammar (github.com/distribution/reference): repository path
/// components and tags, and which first component names a registry. Hosts are <see cref="HostGrammar"/>'s,
/// digests <see cref="Spec.Digest"/>'s. Each check returns null when the value is valid, else the reason it is not.
/// </summary>
internal static class ReferenceGrammar
{
    public const int MaxRepositoryLength = 255;
    public const int MaxTagLength = 128;

    /// <summary>
    /// A first path component names a registry when it has a '.', a ':' (port or IPv6), brackets,
    /// or is localhost; anything else is the first component of a Docker Hub repository.
    /// </summary>
    public static bool LooksLikeRegistry(string firstComponent) =>
        firstComponent.IndexOf('.') >= 0 ||
        firstComponent.IndexOf(':') >= 0 ||
        firstComponent.StartsWith("[", StringComparison.Ordinal) ||
        string.Equals(firstComponent, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>tag := [\w][\w.-]{0,127} with ASCII \w.</summary>
    public static string? CheckTag(string tag)
    {
        if (tag.Length == 0)
        {
            return Empty;
        }

        if (tag.Length > MaxTagLength)
        {
            return TooLong(tag.Length, MaxTagLength);
        }

        if (!IsWordChar(tag[0]))
        {
            return TagStart;
        }

        foreach (var c in tag)
        {
            if (!IsWordChar(c) && c != '.' && c != '-')
            {
                return TagCharacter(c);
            }
        }

        return null;
    }

    /// <summary>path := component ('/' component)*; component := [a-z0-9]+ (separator [a-z0-9]+)*.</summary>
    public static string? CheckRepository(string repository)
    {
        if (repository.Length == 0)
        {
            return Empty;
        }

        if (repository.Length > MaxRepositoryLength)
        {
            return TooLong(repository.Length, MaxRepositoryLength);
        }

        foreach (var c in repository)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return Uppercase(repository);
            }
        }

        foreach (var component in repository.Split('/'))
        {
            if (component.Length == 0)
            {
                return EmptyPathComponent;
            }

            if (CheckPathComponent(component) is string reason)
            {
                return InComponent(component, reason);
            }
        }

        return null;
    }

    /// <summary>A 64-hex string alone is an image id in Docker's grammar, never a repository name.</summary>
    public static bool IsBareIdentifier(string value)
    {
        if (value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsAsciiLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

    private static string? CheckPathComponent(string component)
    {
        var i = 0;
        while (true)
        {
            var runStart = i;
            while (i < component.Length && IsLowerAlphanumeric(component[i]))
            {
                i++;
            }

            if (i == runStart)
            {
                return i == 0 || i == component.Length ? ComponentEnds : DescribeBadSeparator(component[i]);
            }

            if (i == component.Length)
            {
                return null;
            }

            var c = component[i];
            if (c == '.')
            {
                i++;
            }
            else if (c == '_')
            {
                i += i + 1 < component.Length && component[i + 1] == '_' ? 2 : 1;
            }
            else if (c == '-')
            {
                while (i < component.Length && component[i] == '-')
                {
                    i++;
                }
            }
            else
            {
                return ComponentCharacter(c);
            }
        }
    }

    private static string DescribeBadSeparator(char c) => c == '.' || c == '_' || c == '-' ? MixedSeparators : ComponentCharacter(c);

    private static bool IsLowerAlphanumeric(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

    private static bool IsWordChar(char c) => IsAsciiLetterOrDigit(c) || c == '_';
}
