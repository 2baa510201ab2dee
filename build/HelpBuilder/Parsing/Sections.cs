using System.Collections.Generic;
using ModelPack.HelpBuilder.Markdown;

namespace ModelPack.HelpBuilder.Parsing;

internal sealed record Section(HeadingBlock Heading, IReadOnlyList<MarkdownBlock> Body);

internal static class Sections
{
    /// <summary>Splits blocks at every heading of exactly <paramref name="level"/>; Leading is what comes before the first.</summary>
    public static (IReadOnlyList<MarkdownBlock> Leading, IReadOnlyList<Section> Parts) Split(IEnumerable<MarkdownBlock> blocks, int level)
    {
        var leading = new List<MarkdownBlock>();
        var parts = new List<Section>();
        HeadingBlock? current = null;
        var body = new List<MarkdownBlock>();
        foreach (var block in blocks)
        {
            if (block is HeadingBlock heading && heading.Level == level)
            {
                if (current is not null)
                {
                    parts.Add(new Section(current, body));
                }

                current = heading;
                body = [];
                continue;
            }

            (current is null ? leading : body).Add(block);
        }

        if (current is not null)
        {
            parts.Add(new Section(current, body));
        }

        return (leading, parts);
    }
}
