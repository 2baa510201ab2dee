using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelPack.HelpBuilder.Markdown;
using ModelPack.HelpBuilder.Model;
using ModelPack.HelpBuilder.Output;
using ModelPack.HelpBuilder.Parsing;

namespace ModelPack.HelpBuilder;

/// <summary>What one run produced: the files written (or left unchanged) and every problem found.</summary>
internal sealed record HelpBuildResult(IReadOnlyList<string> OutputFiles, IReadOnlyList<HelpDiagnostic> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Turns a folder of help pages into the files Get-Help reads: cmdlet pages into one MAML file per
/// "external help file", about_*.md into about_*.help.txt. Nothing is written unless every page is
/// valid. The output folder is owned for *-Help.xml and about_*.help.txt: such files that no page
/// produces any more are deleted, so a removed page does not leave stale help behind.
/// </summary>
internal static class HelpCompiler
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    // Windows PowerShell 5.1 reads a text file without a BOM as ANSI; the BOM keeps non-ASCII intact there.
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    public static HelpBuildResult Build(string docsDirectory, string outputDirectory)
    {
        var diagnostics = new DiagnosticBag();
        var pages = Directory.Exists(docsDirectory)
            ? Directory.GetFiles(docsDirectory, "*.md").Order(StringComparer.Ordinal).ToArray()
            : [];

        var commands = new List<CommandHelp>();
        var topics = new List<AboutTopic>();
        foreach (var path in pages)
        {
            var page = MarkdownReader.Read(path, File.ReadAllText(path), diagnostics);
            if (page is null)
            {
                continue;
            }

            if (Path.GetFileName(path).StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                AddIfParsed(topics, AboutPageParser.Parse(page, diagnostics));
            }
            else if (page.GetFrontMatter("Module Guid") is not null)
            {
                // PlatyPS's module landing page (ModelPack.md): an index for readers, not help content.
            }
            else
            {
                AddIfParsed(commands, CommandPageParser.Parse(page, diagnostics));
            }
        }

        foreach (var duplicate in commands.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var first = duplicate.First();
            foreach (var other in duplicate.Skip(1))
            {
                diagnostics.Add(other.SourcePath, other.HeadingLine, $"'{other.Name}' is already documented in {first.SourcePath}.");
            }
        }

        if (diagnostics.HasErrors)
        {
            return new HelpBuildResult([], diagnostics.Items);
        }

        var outputs = new Dictionary<string, (string Content, Encoding Encoding)>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase))
        {
            outputs[group.First().ExternalHelpFile] = (MamlWriter.Write(group), Utf8NoBom);
        }

        foreach (var topic in topics)
        {
            outputs[topic.Name + ".help.txt"] = (AboutTextWriter.Write(topic), Utf8WithBom);
        }

        var written = new List<string>();
        if (outputs.Count > 0)
        {
            Directory.CreateDirectory(outputDirectory);
        }

        foreach (var (name, (content, encoding)) in outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var target = Path.Combine(outputDirectory, name);
            WriteIfChanged(target, content, encoding);
            written.Add(target);
        }

        RemoveStaleOutputs(outputDirectory, outputs.Keys);
        return new HelpBuildResult(written, []);
    }

    private static void AddIfParsed<T>(List<T> list, T? item)
        where T : class
    {
        if (item is not null)
        {
            list.Add(item);
        }
    }

    // Leaves an unchanged file alone so its timestamp does not trigger needless downstream work.
    private static void WriteIfChanged(string path, string content, Encoding encoding)
    {
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(content)).ToArray();
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private static void RemoveStaleOutputs(string outputDirectory, IEnumerable<string> current)
    {
        if (!Directory.Exists(outputDirectory))
        {
            return;
        }

        var keep = new HashSet<string>(current, StringComparer.OrdinalIgnoreCase);
        var owned = Directory.GetFiles(outputDirectory, "*-Help.xml").Concat(Directory.GetFiles(outputDirectory, "about_*.help.txt"));
        foreach (var file in owned.Where(f => !keep.Contains(Path.GetFileName(f))))
        {
            File.Delete(file);
        }
    }
}
