using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ModelPack.HelpBuilder.Markdown;
using ModelPack.HelpBuilder.Model;
using ModelPack.HelpBuilder.Parsing;

namespace ModelPack.HelpBuilder.Output;

/// <summary>
/// Writes an about topic as the plain text Get-Help shows for about_*.help.txt: upper-case
/// section titles at column 0, text indented four spaces and wrapped at 80 columns, code
/// indented eight. Get-Help takes line 5 as the topic's synopsis (HelpFileHelpInfo), so the
/// first five lines are fixed: TOPIC, the name, a blank line, SHORT DESCRIPTION, its text.
/// </summary>
internal static partial class AboutTextWriter
{
    private const int Width = 80;
    private const string Indent = "    ";
    private const string CodeIndent = "        ";

    public static string Write(AboutTopic topic)
    {
        var text = new StringBuilder();
        text.Append("TOPIC\n");
        text.Append(Indent).Append(topic.Name).Append('\n');
        text.Append('\n');
        text.Append("SHORT DESCRIPTION\n");
        // Not wrapped: Get-Help about_* lists only this one line as the synopsis.
        text.Append(Indent).Append(Inline(topic.ShortDescription)).Append('\n');

        foreach (var section in topic.Sections)
        {
            text.Append('\n');
            text.Append(section.Title).Append('\n');
            MarkdownBlock? previous = null;
            foreach (var block in section.Blocks)
            {
                // Blocks are separated by a blank line, except that a sub-heading sits right on its text.
                if (previous is not null and not HeadingBlock)
                {
                    text.Append('\n');
                }

                previous = block;
                switch (block)
                {
                    case HeadingBlock heading:
                        text.Append(Indent).Append(Inline(heading.Text)).Append('\n');
                        break;
                    case CodeBlock code:
                        foreach (var line in code.Lines)
                        {
                            text.Append(line.Length == 0 ? string.Empty : CodeIndent + line).Append('\n');
                        }

                        break;
                    case ParagraphBlock paragraph:
                        AppendParagraph(text, paragraph);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(topic), block.GetType().Name, "unknown markdown block");
                }
            }
        }

        return text.ToString();
    }

    private static void AppendParagraph(StringBuilder text, ParagraphBlock paragraph)
    {
        if (ProseText.IsAligned(paragraph))
        {
            // Lined up by the author: kept as written, only indented.
            foreach (var line in paragraph.Lines)
            {
                text.Append(Indent).Append(Inline(ProseText.Unescape(line.TrimEnd()))).Append('\n');
            }

            return;
        }

        if (!paragraph.Lines.Any(ProseText.IsListItem))
        {
            AppendWrapped(text, Indent, Indent, Inline(ProseText.ParagraphText(paragraph)));
            return;
        }

        // A list: each item wraps under its own text; lines without a marker continue the item above.
        var items = new List<(string Marker, int Depth, StringBuilder Text)>();
        foreach (var line in paragraph.Lines)
        {
            var match = ListMarker().Match(line);
            if (match.Success)
            {
                items.Add((match.Groups["marker"].Value, match.Groups["lead"].Value.Length / 2, new StringBuilder(match.Groups["text"].Value.Trim())));
            }
            else if (items.Count > 0)
            {
                items[^1].Text.Append(' ').Append(line.Trim());
            }
            else
            {
                items.Add((string.Empty, 0, new StringBuilder(line.Trim())));
            }
        }

        foreach (var (marker, depth, itemText) in items)
        {
            var first = Indent + new string(' ', depth * 2) + (marker.Length > 0 ? marker + " " : string.Empty);
            AppendWrapped(text, first, new string(' ', first.Length), Inline(ProseText.Unescape(itemText.ToString())));
        }
    }

    private static void AppendWrapped(StringBuilder text, string firstIndent, string nextIndent, string content)
    {
        foreach (var hardLine in content.Split('\n'))
        {
            var line = new StringBuilder(firstIndent);
            var lineHasWord = false;
            foreach (var word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (lineHasWord && line.Length + 1 + word.Length > Width)
                {
                    text.Append(line).Append('\n');
                    line = new StringBuilder(nextIndent);
                    lineHasWord = false;
                }

                if (lineHasWord)
                {
                    line.Append(' ');
                }

                line.Append(word);
                lineHasWord = true;
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
            firstIndent = nextIndent;
        }
    }

    /// <summary>Markdown links become their text (and the address when it is a web URL); other markup stays.</summary>
    private static string Inline(string text) =>
        InlineLink().Replace(text, m =>
        {
            var label = m.Groups["text"].Value;
            var uri = m.Groups["uri"].Value;
            return uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? (label == uri ? uri : $"{label} ({uri})")
                : label;
        });

    [GeneratedRegex(@"^(?<lead>\s*)(?<marker>[-*+]|\d{1,9}[.)])\s+(?<text>.*)$")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\((?<uri>[^)\s]*)\)")]
    private static partial Regex InlineLink();
}
