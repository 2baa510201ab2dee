using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.FileSystemGlobbing;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Globbing;

/// <summary>
/// A glob over model-relative paths ('/' separators), matched by Microsoft.Extensions.FileSystemGlobbing,
/// case-insensitive as PowerShell wildcards are: <c>*</c> is any run of characters within one segment,
/// and a whole <c>**</c> segment any number of segments. Like .gitignore, a pattern without '/' matches a
/// file or directory name at any depth (<c>*.bin</c>, <c>checkpoints</c>); a pattern with '/' is anchored
/// at the model root (<c>docs/*.md</c>). A pattern that matches a directory matches everything under it.
/// FileSystemGlobbing has no <c>?</c> or <c>[a-z]</c>, which the module's own matcher had: such a pattern
/// is refused (InvalidPackOption) rather than taken literally, so it cannot silently match nothing.
/// Used for New-ModelArtifact -Include/-Exclude/-KindOverride; a partial pull can use the same on the
/// layers' file paths.
/// </summary>
internal sealed class PathGlob
{
    private static readonly char[] NotWildcards = { '?', '[', ']' };
    private readonly Matcher _matcher;

    private PathGlob(string text, Matcher matcher)
    {
        Text = text;
        _matcher = matcher;
    }

    /// <summary>The pattern as normalised ('/' separators, no leading './', no outer '/').</summary>
    public string Text { get; }

    /// <summary>Parses a pattern; <paramref name="errorId"/> (naming <paramref name="optionName"/>) when it is empty or malformed.</summary>
    public static PathGlob Parse(string? pattern, string optionName, string errorId = ErrorIds.InvalidPackOption)
    {
        var trimmed = (pattern ?? string.Empty).Trim().Replace('\\', '/');
        while (trimmed.StartsWith("./", StringComparison.Ordinal))
        {
            trimmed = trimmed.Substring(2);
        }

        trimmed = trimmed.Trim('/');
        if (trimmed.Length == 0)
        {
            throw Invalid(errorId, pattern, optionName, "it is empty.");
        }

        var segments = trimmed.Split('/');
        if (segments.Any(s => s.Length == 0))
        {
            throw Invalid(errorId, pattern, optionName, "it has an empty segment ('//').");
        }

        if (segments.Any(s => s == "." || s == ".."))
        {
            throw Invalid(errorId, pattern, optionName, "a '.' or '..' segment cannot name anything inside the model.");
        }

        var unsupported = trimmed.IndexOfAny(NotWildcards);
        if (unsupported >= 0)
        {
            throw Invalid(errorId, pattern, optionName, $"'{trimmed[unsupported]}' is not a wildcard here (only '*' within a name and '**' for any folders are).");
        }

        if (segments.Any(s => s.Contains("**") && s != "**"))
        {
            throw Invalid(errorId, pattern, optionName, "'**' must be a whole segment, as in 'docs/**/*.md'.");
        }

        // Unanchored: at any depth. Either way also everything under a matching directory.
        var rooted = trimmed.IndexOf('/') >= 0 || trimmed.StartsWith("**", StringComparison.Ordinal) ? trimmed : "**/" + trimmed;
        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        matcher.AddInclude(rooted);
        if (!rooted.EndsWith("**", StringComparison.Ordinal))
        {
            matcher.AddInclude(rooted + "/**");
        }

        return new PathGlob(trimmed, matcher);
    }

    public static IReadOnlyList<PathGlob> ParseAll(IEnumerable<string> patterns, string optionName, string errorId = ErrorIds.InvalidPackOption) =>
        patterns.Select(p => Parse(p, optionName, errorId)).ToList();

    /// <summary>Whether the model-relative path (or one of its parent directories) matches.</summary>
    public bool Matches(string relativePath) => _matcher.Match(relativePath).HasMatches;

    public override string ToString() => Text;

    private static ModelPackException Invalid(string errorId, string? pattern, string optionName, string reason) => new(
        errorId,
        ErrorKind.InvalidArgument,
        $"The {optionName} pattern '{pattern}' is not usable: {reason} Use wildcards such as '*.bin', 'docs/*.md' or 'checkpoints/**'.",
        pattern);
}
