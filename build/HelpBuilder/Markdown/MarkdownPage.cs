using System;
using System.Collections.Generic;

namespace ModelPack.HelpBuilder.Markdown;

/// <summary>A markdown file split into YAML front matter (flat key: value pairs) and blocks.</summary>
internal sealed class MarkdownPage
{
    public MarkdownPage(string filePath, IReadOnlyDictionary<string, FrontMatterEntry> frontMatter, IReadOnlyList<MarkdownBlock> blocks)
    {
        FilePath = filePath;
        FrontMatter = frontMatter;
        Blocks = blocks;
    }

    public string FilePath { get; }

    /// <summary>Keys compare case-insensitively; empty when the page has no front matter.</summary>
    public IReadOnlyDictionary<string, FrontMatterEntry> FrontMatter { get; }

    public IReadOnlyList<MarkdownBlock> Blocks { get; }

    public string? GetFrontMatter(string key) =>
        FrontMatter.TryGetValue(key, out var entry) ? entry.Value : null;

    public string FileNameWithoutExtension => System.IO.Path.GetFileNameWithoutExtension(FilePath);

    internal static Dictionary<string, FrontMatterEntry> NewFrontMatter() => new(StringComparer.OrdinalIgnoreCase);
}

internal sealed record FrontMatterEntry(string Value, int Line);
