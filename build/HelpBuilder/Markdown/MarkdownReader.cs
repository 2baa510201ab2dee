using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Xml;

namespace ModelPack.HelpBuilder.Markdown;

/// <summary>
/// Reads the small subset of markdown the PlatyPS help schema uses: front matter, ATX headings,
/// fenced code blocks and paragraphs. Everything else (lists, emphasis, links) stays paragraph
/// text for the section parsers to interpret.
/// </summary>
internal static partial class MarkdownReader
{
    public static MarkdownPage? Read(string filePath, string text, DiagnosticBag diagnostics)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        if (!AllCharactersAllowedInXml(filePath, lines, diagnostics))
        {
            return null;
        }

        var index = 0;
        if (lines.Length > 0 && lines[0].Length > 0 && lines[0][0] == '\uFEFF')
        {
            lines[0] = lines[0][1..];
        }

        var frontMatter = MarkdownPage.NewFrontMatter();
        if (lines.Length > 0 && lines[0].TrimEnd() == "---")
        {
            index = 1;
            var closed = false;
            for (; index < lines.Length; index++)
            {
                var line = lines[index];
                if (line.TrimEnd() == "---")
                {
                    closed = true;
                    index++;
                    break;
                }

                if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                {
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    diagnostics.Add(filePath, index + 1, $"front matter line '{line.Trim()}' is not 'key: value'.");
                    continue;
                }

                var key = line[..colon].Trim();
                frontMatter[key] = new FrontMatterEntry(Unquote(line[(colon + 1)..].Trim()), index + 1);
            }

            if (!closed)
            {
                diagnostics.Add(filePath, 1, "front matter opened with '---' on line 1 is never closed by a '---' line.");
                return null;
            }
        }

        var blocks = ReadBlocks(filePath, lines, index, diagnostics);
        return blocks is null ? null : new MarkdownPage(filePath, frontMatter, blocks);
    }

    private static List<MarkdownBlock>? ReadBlocks(string filePath, string[] lines, int start, DiagnosticBag diagnostics)
    {
        var blocks = new List<MarkdownBlock>();
        var paragraph = new List<string>();
        var paragraphLine = 0;

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new ParagraphBlock(paragraphLine, paragraph.ToArray()));
                paragraph.Clear();
            }
        }

        for (var i = start; i < lines.Length; i++)
        {
            var line = lines[i];
            var fence = FenceOpen().Match(line);
            if (fence.Success)
            {
                FlushParagraph();
                var indent = fence.Groups["indent"].Length;
                var marker = fence.Groups["fence"].Value;
                var openedAt = i + 1;
                var body = new List<string>();
                var closed = false;
                for (i++; i < lines.Length; i++)
                {
                    if (IsClosingFence(lines[i], marker))
                    {
                        closed = true;
                        break;
                    }

                    body.Add(RemoveIndent(lines[i], indent));
                }

                if (!closed)
                {
                    diagnostics.Add(filePath, openedAt, $"code block opened with '{marker}' is never closed.");
                    return null;
                }

                blocks.Add(new CodeBlock(openedAt, fence.Groups["info"].Value.Trim(), body));
                continue;
            }

            var heading = Heading().Match(line);
            if (heading.Success)
            {
                FlushParagraph();
                blocks.Add(new HeadingBlock(i + 1, heading.Groups["hashes"].Length, heading.Groups["text"].Value.Trim()));
                continue;
            }

            if (line.Trim().Length == 0)
            {
                FlushParagraph();
                continue;
            }

            if (paragraph.Count == 0)
            {
                paragraphLine = i + 1;
            }

            paragraph.Add(line.TrimEnd('\t').TrimEnd() + (line.EndsWith("  ", StringComparison.Ordinal) ? "  " : string.Empty));
        }

        FlushParagraph();
        return blocks;
    }

    private static bool IsClosingFence(string line, string opening)
    {
        var trimmed = line.Trim();
        return trimmed.Length >= opening.Length
            && trimmed.Trim(opening[0]).Length == 0
            && line.Length - line.TrimStart(' ').Length <= 3;
    }

    private static string RemoveIndent(string line, int indent)
    {
        var remove = 0;
        while (remove < indent && remove < line.Length && line[remove] == ' ')
        {
            remove++;
        }

        return line[remove..].TrimEnd();
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    // Help text ends up in XML 1.0, which cannot carry most control characters even escaped.
    private static bool AllCharactersAllowedInXml(string filePath, string[] lines, DiagnosticBag diagnostics)
    {
        var ok = true;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            for (var c = 0; c < line.Length; c++)
            {
                if (XmlConvert.IsXmlChar(line[c]))
                {
                    continue;
                }

                if (c + 1 < line.Length && XmlConvert.IsXmlSurrogatePair(line[c + 1], line[c]))
                {
                    c++;
                    continue;
                }

                diagnostics.Add(filePath, i + 1, $"character U+{(int)line[c]:X4} at column {c + 1} cannot appear in XML help; remove it.");
                ok = false;
                break;
            }
        }

        return ok;
    }

    [GeneratedRegex(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex FenceOpen();

    [GeneratedRegex(@"^ {0,3}(?<hashes>#{1,6})(?:[ \t]+(?<text>.*?))?(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex Heading();
}
