using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.HelpBuilder.Markdown;
using ModelPack.HelpBuilder.Model;

namespace ModelPack.HelpBuilder.Parsing;

/// <summary>
/// Reads an about_*.md conceptual topic: '# Title', an optional '## about_Name' lookup heading,
/// then SHORT DESCRIPTION, LONG DESCRIPTION and any further sections, all at one heading level
/// (PlatyPS 0.14's template uses '#', newer pages '##'; both are accepted).
/// </summary>
internal static class AboutPageParser
{
    private const string ShortDescription = "SHORT DESCRIPTION";
    private const string LongDescription = "LONG DESCRIPTION";

    public static AboutTopic? Parse(MarkdownPage page, DiagnosticBag diagnostics)
    {
        var file = page.FilePath;
        var name = page.FileNameWithoutExtension;
        var errorsBefore = diagnostics.Items.Count;
        var blocks = page.Blocks;

        ProseText.ReportPlaceholders(page, diagnostics);

        if (blocks.Count == 0 || blocks[0] is not HeadingBlock { Level: 1 } title)
        {
            diagnostics.Add(file, blocks.Count > 0 ? blocks[0].Line : 1, $"an about topic starts with a '# {name}' heading.");
            return null;
        }

        if (title.Text.StartsWith("about_", StringComparison.OrdinalIgnoreCase) && !title.Text.Equals(name, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Add(file, title.Line, $"the title '# {title.Text}' does not match the file name '{name}.md'.");
        }

        var next = 1;
        if (blocks.Count > 1 && blocks[1] is HeadingBlock { Level: 2 } lookup && lookup.Text.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
        {
            next = 2;
            if (!lookup.Text.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Add(file, lookup.Line, $"the lookup name '## {lookup.Text}' does not match the file name '{name}.md'; Get-Help finds the topic by the file name.");
            }
        }

        var shortIndex = -1;
        for (var i = next; i < blocks.Count; i++)
        {
            if (blocks[i] is HeadingBlock { Level: <= 2 } h && Key(h.Text) == ShortDescription)
            {
                shortIndex = i;
                break;
            }
        }

        if (shortIndex < 0)
        {
            diagnostics.Add(file, title.Line, $"'{name}' has no '## SHORT DESCRIPTION' section.");
            return null;
        }

        if (shortIndex > next)
        {
            diagnostics.Add(file, blocks[next].Line, "text before SHORT DESCRIPTION would not appear in Get-Help; move it into a section.");
        }

        var level = ((HeadingBlock)blocks[shortIndex]).Level;
        var (_, parts) = Sections.Split(blocks.Skip(shortIndex), level);
        foreach (var higher in blocks.Skip(shortIndex).OfType<HeadingBlock>().Where(h => h.Level < level))
        {
            diagnostics.Add(file, higher.Line, $"'{new string('#', higher.Level)} {higher.Text}' is above the section level of SHORT DESCRIPTION ({new string('#', level)}).");
        }

        var shortPart = parts[0];
        var shortText = string.Empty;
        if (shortPart.Body.Count != 1 || shortPart.Body[0] is not ParagraphBlock shortParagraph)
        {
            diagnostics.Add(file, shortPart.Heading.Line, "SHORT DESCRIPTION must be exactly one paragraph: Get-Help lists its first line as the topic's synopsis.");
        }
        else
        {
            shortText = ProseText.ParagraphText(shortParagraph).Replace('\n', ' ');
        }

        var sections = new List<AboutSection>();
        foreach (var part in parts.Skip(1))
        {
            var key = Key(part.Heading.Text);
            if (key == ShortDescription || sections.Any(s => s.Title == key))
            {
                diagnostics.Add(file, part.Heading.Line, $"section '{part.Heading.Text}' appears twice.");
                continue;
            }

            sections.Add(new AboutSection(key, part.Body));
        }

        var longDescription = sections.FirstOrDefault(s => s.Title == LongDescription);
        if (longDescription is null)
        {
            diagnostics.Add(file, title.Line, $"'{name}' has no '## LONG DESCRIPTION' section.");
        }
        else if (longDescription.Blocks.Count == 0)
        {
            diagnostics.Add(file, parts.First(p => Key(p.Heading.Text) == LongDescription).Heading.Line, "LONG DESCRIPTION is empty.");
        }

        return diagnostics.Items.Count == errorsBefore ? new AboutTopic(name, shortText, sections) : null;
    }

    private static string Key(string heading) => string.Join(' ', heading.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
