using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ModelPack.HelpBuilder.Markdown;
using ModelPack.HelpBuilder.Model;

namespace ModelPack.HelpBuilder.Parsing;

/// <summary>
/// Reads a cmdlet page written to PlatyPS's markdown schema 2.0.0 (the one PlatyPS 0.14 writes)
/// and checks what Get-Help needs: a synopsis, a description, examples and a described parameter
/// for every "### -Name". Every problem is reported with its line; null means the page had errors.
/// </summary>
internal static partial class CommandPageParser
{
    private const string Synopsis = "SYNOPSIS";
    private const string Syntax = "SYNTAX";
    private const string Description = "DESCRIPTION";
    private const string Examples = "EXAMPLES";
    private const string Parameters = "PARAMETERS";
    private const string Inputs = "INPUTS";
    private const string Outputs = "OUTPUTS";
    private const string Notes = "NOTES";
    private const string RelatedLinks = "RELATED LINKS";

    private static readonly string[] KnownSections = [Synopsis, Syntax, Description, Examples, Parameters, Inputs, Outputs, Notes, RelatedLinks];

    public static CommandHelp? Parse(MarkdownPage page, DiagnosticBag diagnostics)
    {
        var file = page.FilePath;
        var errorsBefore = diagnostics.Items.Count;

        var externalHelpFile = ReadFrontMatter(page, diagnostics);
        ProseText.ReportPlaceholders(page, diagnostics);

        if (page.Blocks.Count == 0 || page.Blocks[0] is not HeadingBlock { Level: 1 } title)
        {
            diagnostics.Add(file, page.Blocks.Count > 0 ? page.Blocks[0].Line : 1, "a cmdlet page must start (after the front matter) with a '# Verb-Noun' heading.");
            return null;
        }

        var name = title.Text;
        if (!CommandName().IsMatch(name))
        {
            diagnostics.Add(file, title.Line, $"'# {name}' is not a cmdlet name of the form Verb-Noun.");
        }
        else if (!name.Equals(page.FileNameWithoutExtension, StringComparison.Ordinal))
        {
            diagnostics.Add(file, title.Line, $"the page is about '{name}' but the file is named '{page.FileNameWithoutExtension}.md'; name the file after the cmdlet.");
        }

        foreach (var extraTitle in page.Blocks.Skip(1).OfType<HeadingBlock>().Where(h => h.Level == 1))
        {
            diagnostics.Add(file, extraTitle.Line, $"a cmdlet page has one '# Name' heading; '# {extraTitle.Text}' is a second one.");
        }

        var (leading, parts) = Sections.Split(page.Blocks.Skip(1).Where(b => b is not HeadingBlock { Level: 1 }), 2);
        if (leading.Count > 0)
        {
            diagnostics.Add(file, leading[0].Line, $"text between '# {name}' and the first '## SECTION' heading belongs in a section such as '## DESCRIPTION'.");
        }

        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var key = SectionKey(part.Heading.Text);
            if (!KnownSections.Contains(key, StringComparer.Ordinal))
            {
                diagnostics.Add(file, part.Heading.Line, $"'## {part.Heading.Text}' is not a section of a cmdlet page; use {string.Join(", ", KnownSections)}.");
            }
            else if (!sections.TryAdd(key, part))
            {
                diagnostics.Add(file, part.Heading.Line, $"'## {part.Heading.Text}' appears twice (first on line {sections[key].Heading.Line}).");
            }
        }

        var synopsis = RequiredProse(file, title, sections, Synopsis, diagnostics);
        var description = RequiredProse(file, title, sections, Description, diagnostics);
        var examples = ParseExamples(file, title, sections, diagnostics);
        var syntaxSets = ParseSyntax(file, sections, diagnostics);
        var parameters = ParseParameters(file, sections, diagnostics);
        var parameterSets = ResolveParameterSets(file, syntaxSets, parameters, diagnostics);
        var inputs = ParseTypes(file, sections, Inputs, diagnostics);
        var outputs = ParseTypes(file, sections, Outputs, diagnostics);
        var notes = sections.TryGetValue(Notes, out var notesSection) ? ProseText.ToParagraphs(notesSection.Body) : [];
        var links = ParseLinks(file, page, sections, diagnostics);

        if (diagnostics.Items.Count != errorsBefore || externalHelpFile is null)
        {
            return null;
        }

        return new CommandHelp
        {
            Name = name,
            ExternalHelpFile = externalHelpFile,
            SourcePath = file,
            HeadingLine = title.Line,
            Synopsis = synopsis,
            Description = description,
            ParameterSets = parameterSets,
            Parameters = parameters,
            Examples = examples,
            Inputs = inputs,
            Outputs = outputs,
            Notes = notes,
            Links = links,
        };
    }

    private static string? ReadFrontMatter(MarkdownPage page, DiagnosticBag diagnostics)
    {
        var file = page.FilePath;
        if (page.FrontMatter.Count == 0)
        {
            diagnostics.Add(file, 1, "a cmdlet page starts with front matter ('---' lines) holding at least 'external help file: <Assembly>.dll-Help.xml' and 'schema: 2.0.0'.");
            return null;
        }

        if (page.FrontMatter.TryGetValue("schema", out var schema) && schema.Value != "2.0.0")
        {
            diagnostics.Add(file, schema.Line, $"'schema: {schema.Value}' is not supported; pages follow PlatyPS schema 2.0.0.");
        }

        if (page.FrontMatter.TryGetValue("online version", out var online) && online.Value.Length > 0 && !IsWebUri(online.Value))
        {
            diagnostics.Add(file, online.Line, $"'online version: {online.Value}' must be an absolute http(s) URL or empty.");
        }

        if (!page.FrontMatter.TryGetValue("external help file", out var helpFile) || helpFile.Value.Length == 0)
        {
            diagnostics.Add(file, 1, "the front matter has no 'external help file: <Assembly>.dll-Help.xml'; Get-Help finds a cmdlet's help by that file name.");
            return null;
        }

        if (!HelpFileName().IsMatch(helpFile.Value))
        {
            diagnostics.Add(file, helpFile.Line, $"'external help file: {helpFile.Value}' must be a plain file name ending in -Help.xml, e.g. ModelPack.PowerShell.dll-Help.xml.");
            return null;
        }

        return helpFile.Value;
    }

    private static List<string> RequiredProse(string file, HeadingBlock title, Dictionary<string, Section> sections, string key, DiagnosticBag diagnostics)
    {
        if (!sections.TryGetValue(key, out var section))
        {
            diagnostics.Add(file, title.Line, $"'{title.Text}' has no '## {key}' section.");
            return [];
        }

        var paragraphs = ProseText.ToParagraphs(section.Body);
        if (paragraphs.Count == 0)
        {
            diagnostics.Add(file, section.Heading.Line, $"'## {key}' is empty.");
        }

        return paragraphs;
    }

    private static List<ExampleHelp> ParseExamples(string file, HeadingBlock title, Dictionary<string, Section> sections, DiagnosticBag diagnostics)
    {
        var examples = new List<ExampleHelp>();
        if (!sections.TryGetValue(Examples, out var section))
        {
            diagnostics.Add(file, title.Line, $"'{title.Text}' has no '## {Examples}' section; add at least one '### Example 1: ...' with a code block.");
            return examples;
        }

        var (leading, parts) = Sections.Split(section.Body, 3);
        if (leading.Count > 0)
        {
            diagnostics.Add(file, leading[0].Line, "text under '## EXAMPLES' must follow an example heading such as '### Example 1: Title'.");
        }

        if (parts.Count == 0)
        {
            diagnostics.Add(file, section.Heading.Line, "'## EXAMPLES' has no examples; add '### Example 1: ...' with a code block.");
        }

        foreach (var part in parts)
        {
            var blocks = part.Body;
            var firstCode = IndexOf(blocks, b => b is CodeBlock);
            if (firstCode < 0)
            {
                diagnostics.Add(file, part.Heading.Line, $"example '{part.Heading.Text}' has no code block.");
                continue;
            }

            var afterCode = firstCode;
            while (afterCode < blocks.Count && blocks[afterCode] is CodeBlock)
            {
                afterCode++;
            }

            var code = string.Join("\n\n", blocks.Skip(firstCode).Take(afterCode - firstCode).Cast<CodeBlock>().Select(c => c.Text));
            examples.Add(new ExampleHelp(
                ProseText.Unescape(part.Heading.Text),
                ProseText.ToParagraphs(blocks.Take(firstCode)),
                code,
                ProseText.ToParagraphs(blocks.Skip(afterCode))));
        }

        return examples;
    }

    /// <summary>The "### SetName" headings under SYNTAX; null when the page has no SYNTAX section.</summary>
    private static List<ParameterSetHelp>? ParseSyntax(string file, Dictionary<string, Section> sections, DiagnosticBag diagnostics)
    {
        if (!sections.TryGetValue(Syntax, out var section))
        {
            return null;
        }

        var (leading, parts) = Sections.Split(section.Body, 3);
        if (leading.Count > 0)
        {
            diagnostics.Add(file, leading[0].Line, "syntax under '## SYNTAX' must follow a '### ParameterSetName' heading (or '### __AllParameterSets').");
        }

        var sets = new List<ParameterSetHelp>();
        foreach (var part in parts)
        {
            var match = SetHeading().Match(part.Heading.Text);
            var setName = match.Groups["name"].Value;
            var isDefault = match.Groups["default"].Success;
            if (sets.Any(s => s.Name.Equals(setName, StringComparison.OrdinalIgnoreCase)))
            {
                diagnostics.Add(file, part.Heading.Line, $"parameter set '{setName}' is listed twice under '## SYNTAX'.");
            }
            else if (isDefault && sets.Any(s => s.IsDefault))
            {
                diagnostics.Add(file, part.Heading.Line, $"only one parameter set can be '(Default)'; '{sets.First(s => s.IsDefault).Name}' already is.");
            }
            else
            {
                sets.Add(new ParameterSetHelp(setName, isDefault));
            }
        }

        return sets;
    }

    private static List<ParameterHelp> ParseParameters(string file, Dictionary<string, Section> sections, DiagnosticBag diagnostics)
    {
        var parameters = new List<ParameterHelp>();
        if (!sections.TryGetValue(Parameters, out var section))
        {
            return parameters;
        }

        var (leading, parts) = Sections.Split(section.Body, 3);
        if (leading.Count > 0)
        {
            diagnostics.Add(file, leading[0].Line, "text under '## PARAMETERS' must follow a '### -ParameterName' heading.");
        }

        foreach (var part in parts)
        {
            var heading = part.Heading.Text;
            if (CommonParametersHeading().IsMatch(heading))
            {
                continue;
            }

            if (!heading.StartsWith('-') || !ParameterName().IsMatch(heading[1..]))
            {
                diagnostics.Add(file, part.Heading.Line, $"'### {heading}' under '## PARAMETERS' must be '### -ParameterName' or '### CommonParameters'.");
                continue;
            }

            var name = heading[1..];
            if (parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                diagnostics.Add(file, part.Heading.Line, $"parameter -{name} is described twice.");
                continue;
            }

            var yamlBlocks = part.Body.OfType<CodeBlock>().Where(c => c.Info.Equals("yaml", StringComparison.OrdinalIgnoreCase)).ToList();
            var description = ProseText.ToParagraphs(part.Body.Where(b => !yamlBlocks.Contains(b)));
            if (description.Count == 0)
            {
                diagnostics.Add(file, part.Heading.Line, $"parameter -{name} has no description; say what it does above its yaml block.");
            }

            if (yamlBlocks.Count == 0)
            {
                diagnostics.Add(file, part.Heading.Line, $"parameter -{name} has no ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters).");
                continue;
            }

            var metadata = yamlBlocks.Select(y => ParameterMetadataParser.Parse(file, name, y, diagnostics)).ToList();
            if (metadata.Any(m => m is null))
            {
                continue;
            }

            parameters.Add(new ParameterHelp(name, description, metadata!));
        }

        return parameters;
    }

    private static List<ParameterSetHelp> ResolveParameterSets(string file, List<ParameterSetHelp>? syntaxSets, List<ParameterHelp> parameters, DiagnosticBag diagnostics)
    {
        var sets = syntaxSets?.Where(s => s.Name != ParameterSetHelp.AllSetsName).ToList() ?? [];
        foreach (var parameter in parameters)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var metadata in parameter.Metadata)
            {
                foreach (var setName in metadata.ParameterSets)
                {
                    if (!seen.Add(setName))
                    {
                        diagnostics.Add(file, metadata.ParameterSetsLine, $"parameter -{parameter.Name} has two yaml blocks for parameter set '{setName}'.");
                    }

                    if (sets.Any(s => s.Name.Equals(setName, StringComparison.OrdinalIgnoreCase)))
                    {
                        continue;
                    }

                    if (syntaxSets is null)
                    {
                        sets.Add(new ParameterSetHelp(setName, IsDefault: false));
                    }
                    else
                    {
                        diagnostics.Add(file, metadata.ParameterSetsLine, $"parameter -{parameter.Name} names parameter set '{setName}', which '## SYNTAX' does not list.");
                    }
                }
            }

            if (parameter.Metadata.Count(m => m.InAllSets) > 1)
            {
                diagnostics.Add(file, parameter.Metadata[1].Line, $"parameter -{parameter.Name} has more than one yaml block for '(All)' parameter sets.");
            }
        }

        if (sets.Count == 0)
        {
            sets.Add(new ParameterSetHelp(ParameterSetHelp.AllSetsName, IsDefault: true));
        }

        return sets;
    }

    private static List<TypeHelp> ParseTypes(string file, Dictionary<string, Section> sections, string key, DiagnosticBag diagnostics)
    {
        var types = new List<TypeHelp>();
        if (!sections.TryGetValue(key, out var section))
        {
            return types;
        }

        var (leading, parts) = Sections.Split(section.Body, 3);
        if (leading.Count > 0)
        {
            diagnostics.Add(file, leading[0].Line, $"text under '## {key}' must follow a '### TypeName' heading (use '### None' when there is none).");
        }

        types.AddRange(parts.Select(p => new TypeHelp(ProseText.Unescape(p.Heading.Text), ProseText.ToParagraphs(p.Body))));
        return types;
    }

    private static List<RelatedLink> ParseLinks(string file, MarkdownPage page, Dictionary<string, Section> sections, DiagnosticBag diagnostics)
    {
        var links = new List<RelatedLink>();
        var online = page.GetFrontMatter("online version");
        if (!string.IsNullOrEmpty(online))
        {
            // Get-Help -Online opens the first related link; PlatyPS puts the online version there.
            links.Add(new RelatedLink("Online Version:", online));
        }

        if (!sections.TryGetValue(RelatedLinks, out var section))
        {
            return links;
        }

        foreach (var block in section.Body)
        {
            if (block is not ParagraphBlock paragraph)
            {
                diagnostics.Add(file, block.Line, "'## RELATED LINKS' holds only '[text](url)' lines.");
                continue;
            }

            for (var i = 0; i < paragraph.Lines.Count; i++)
            {
                var match = LinkLine().Match(paragraph.Lines[i]);
                if (!match.Success)
                {
                    diagnostics.Add(file, paragraph.Line + i, $"'{paragraph.Lines[i].Trim()}' under '## RELATED LINKS' is not a '[text](url)' line.");
                    continue;
                }

                // A link to another page of these docs (Get-Thing.md) means nothing to Get-Help: keep the text, drop the path.
                var uri = match.Groups["uri"].Value.Trim();
                links.Add(new RelatedLink(ProseText.Unescape(match.Groups["text"].Value.Trim()), IsWebUri(uri) ? uri : string.Empty));
            }
        }

        return links;
    }

    private static string SectionKey(string heading) => string.Join(' ', heading.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    private static bool IsWebUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static int IndexOf(IReadOnlyList<MarkdownBlock> blocks, Func<MarkdownBlock, bool> predicate)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            if (predicate(blocks[i]))
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^[A-Za-z]+-[A-Za-z0-9][A-Za-z0-9_]*$")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"^<?(?:Workflow)?CommonParameters>?$", RegexOptions.IgnoreCase)]
    private static partial Regex CommonParametersHeading();

    [GeneratedRegex(@"^(?<name>.+?)(?<default>\s*\(Default\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex SetHeading();

    [GeneratedRegex(@"^[^/\\:*?""<>|]+-Help\.xml$", RegexOptions.IgnoreCase)]
    private static partial Regex HelpFileName();

    [GeneratedRegex(@"^\s*(?:[-*+]\s+)?\[(?<text>[^\]]+)\]\((?<uri>[^)\s]*)\)\s*$")]
    private static partial Regex LinkLine();
}
