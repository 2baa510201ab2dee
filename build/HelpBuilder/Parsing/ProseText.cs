using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ModelPack.HelpBuilder.Markdown;

namespace ModelPack.HelpBuilder.Parsing;

/// <summary>
/// Turns markdown prose into help paragraphs. Soft-wrapped lines join into one line (Get-Help wraps
/// to the console width itself); lists and code keep their line breaks. Inline markup stays as
/// written except for backslash escapes, which PlatyPS also removes.
/// </summary>
internal static partial class ProseText
{
    // CommonMark: any ASCII punctuation character may be backslash-escaped.
    private const string EscapableCharacters = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static List<string> ToParagraphs(IEnumerable<MarkdownBlock> blocks)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks)
        {
            var text = block switch
            {
                ParagraphBlock p => ParagraphText(p),
                CodeBlock c => c.Text,
                HeadingBlock h => Unescape(h.Text),
                _ => throw new ArgumentOutOfRangeException(nameof(blocks), block.GetType().Name, "unknown markdown block"),
            };

            if (text.Length > 0)
            {
                paragraphs.Add(text);
            }
        }

        return paragraphs;
    }

    public static string ParagraphText(ParagraphBlock paragraph)
    {
        if (KeepsLineBreaks(paragraph))
        {
            return string.Join("\n", paragraph.Lines.Select(l => Unescape(l.TrimEnd())));
        }

        var text = new StringBuilder();
        for (var i = 0; i < paragraph.Lines.Count; i++)
        {
            var line = paragraph.Lines[i];
            var hardBreak = line.EndsWith("  ", StringComparison.Ordinal) || line.EndsWith('\\');
            var content = line.Trim();
            if (content.EndsWith('\\') && !content.EndsWith(@"\\", StringComparison.Ordinal))
            {
                content = content[..^1].TrimEnd();
            }

            text.Append(Unescape(content));
            if (i < paragraph.Lines.Count - 1)
            {
                text.Append(hardBreak ? '\n' : ' ');
            }
        }

        return text.ToString();
    }

    public static bool IsListItem(string line) => ListItem().IsMatch(line);

    /// <summary>
    /// A list, or text the author lined up by hand (columns separated by runs of spaces, indented
    /// continuation lines): joining its lines would destroy the layout, so they stay as written.
    /// </summary>
    public static bool KeepsLineBreaks(ParagraphBlock paragraph) =>
        paragraph.Lines.Any(IsListItem) || IsAligned(paragraph);

    public static bool IsAligned(ParagraphBlock paragraph) =>
        paragraph.Lines.Skip(1).Any(l => l.StartsWith(' ') || l.StartsWith('\t'))
        || paragraph.Lines.Any(l => l.Trim().Contains("  ", StringComparison.Ordinal));

    /// <summary>Removes markdown backslash escapes (<c>\*</c>, <c>\&lt;</c>, ...) outside code spans.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var inCode = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`')
            {
                inCode = !inCode;
            }
            else if (c == '\\' && !inCode && i + 1 < text.Length && EscapableCharacters.Contains(text[i + 1], StringComparison.Ordinal))
            {
                c = text[++i];
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>Reports every line that still holds PlatyPS template text such as "{{ Fill in the Synopsis }}".</summary>
    public static void ReportPlaceholders(MarkdownPage page, DiagnosticBag diagnostics)
    {
        foreach (var block in page.Blocks)
        {
            var lines = block switch
            {
                ParagraphBlock p => p.Lines.Select((l, i) => (Text: l, Line: p.Line + i)),
                CodeBlock c => c.Lines.Select((l, i) => (Text: l, Line: c.Line + 1 + i)),
                HeadingBlock h => [(h.Text, h.Line)],
                _ => [],
            };
            foreach (var (text, line) in lines.Where(l => Placeholder().IsMatch(l.Text)))
            {
                diagnostics.Add(page.FilePath, line, $"template placeholder left in the page: '{text.Trim()}'.");
            }
        }
    }

    [GeneratedRegex(@"^\s*(?:[-*+]|\d{1,9}[.)])\s+")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\{\{[^{}]*\b(?:Fill|Add|Placeholder)\b[^{}]*\}\}", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
