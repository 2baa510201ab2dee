using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Packing;

/// <summary>
/// A wildcard over model-relative paths ('/' separators), case-insensitive as PowerShell wildcards are:
/// <c>*</c> is any run of characters within one segment, <c>?</c> one character, <c>[abc]</c> or <c>[a-z]</c>
/// one of a set, and a whole <c>**</c> segment any number of segments. Like .gitignore, a pattern without
/// '/' matches a file or directory name at any depth (<c>*.bin</c>, <c>checkpoints</c>); a pattern with '/'
/// is anchored at the model root (<c>docs/*.md</c>). A pattern that matches a directory matches everything
/// under it.
/// </summary>
internal sealed class PathPattern
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private readonly Regex _regex;

    private PathPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    /// <summary>Parses a pattern; InvalidPackOption when it is empty or malformed.</summary>
    public static PathPattern Parse(string? pattern, string optionName)
    {
        var trimmed = (pattern ?? string.Empty).Trim().Replace('\\', '/');
        while (trimmed.StartsWith("./", StringComparison.Ordinal))
        {
            trimmed = trimmed.Substring(2);
        }

        trimmed = trimmed.Trim('/');
        if (trimmed.Length == 0)
        {
            throw Invalid(pattern, optionName, "it is empty.");
        }

        var anchored = trimmed.IndexOf('/') >= 0;
        var segments = trimmed.Split('/');
        var body = new StringBuilder();
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment.Length == 0)
            {
                throw Invalid(pattern, optionName, "it has an empty segment ('//').");
            }

            if (segment == "**")
            {
                body.Append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }

            body.Append(Segment(segment, pattern, optionName));
            if (!last)
            {
                body.Append('/');
            }
        }

        var expression = anchored ? "^" + body + "(?:/.*)?$" : "(?:^|/)" + body + "(?:/|$)";
        return new PathPattern(trimmed, new Regex(expression, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout));
    }

    public static IReadOnlyList<PathPattern> ParseAll(IEnumerable<string> patterns, string optionName)
    {
        var list = new List<PathPattern>();
        foreach (var p in patterns)
        {
            list.Add(Parse(p, optionName));
        }

        return list;
    }

    /// <summary>Whether the relative path (or one of its parent directories) matches.</summary>
    public bool Matches(string relativePath) => _regex.IsMatch(relativePath);

    public override string ToString() => Text;

    private static string Segment(string segment, string? pattern, string optionName)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = segment.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        throw Invalid(pattern, optionName, $"the '[' at position {i + 1} of segment '{segment}' has no closing ']'.");
                    }

                    regex.Append(CharacterSet(segment.Substring(i + 1, close - i - 1)));
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.ToString();
    }

    /// <summary>A PowerShell-style set: literal characters and ranges, no negation.</summary>
    private static string CharacterSet(string set)
    {
        var regex = new StringBuilder("[");
        foreach (var c in set)
        {
            regex.Append(c == '-' ? "-" : c is '\\' or ']' or '[' or '^' ? "\\" + c : c.ToString());
        }

        return regex.Append(']').ToString();
    }

    private static ModelPackException Invalid(string? pattern, string optionName, string reason) => new(
        ErrorIds.InvalidPackOption,
        ErrorKind.InvalidArgument,
        $"The {optionName} pattern '{pattern}' is not usable: {reason} Use wildcards such as '*.bin', 'docs/*.md' or 'checkpoints/**'.",
        pattern);
}
