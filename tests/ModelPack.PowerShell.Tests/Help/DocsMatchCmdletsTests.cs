using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using ModelPack.Cmdlets;
using ModelPack.HelpBuilder;
using ModelPack.HelpBuilder.Markdown;
using ModelPack.HelpBuilder.Model;
using ModelPack.HelpBuilder.Parsing;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>
/// The pages in docs/en-US describe the cmdlets as they are: one page per cmdlet and no page for a
/// cmdlet that does not exist, and every parameter with the sets, mandatory flag, position,
/// pipeline binding, aliases, type and wildcard support the code declares. This is the check
/// PlatyPS's Update-MarkdownHelp would make, which cannot run here.
/// </summary>
public sealed class DocsMatchCmdletsTests
{
    private static readonly string DocsDirectory = Path.Combine(RepoRoot(), "docs", "en-US");

    private static readonly string[] ShouldProcessParameters = ["WhatIf", "Confirm"];

    [Fact]
    public void Every_cmdlet_has_a_page_and_every_page_a_cmdlet()
    {
        var cmdlets = CmdletTypes().Select(t => NameOf(t)).Order(StringComparer.Ordinal).ToArray();
        var pages = Directory.Exists(DocsDirectory)
            ? Directory.GetFiles(DocsDirectory, "*-*.md").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()
            : [];

        Assert.Equal(cmdlets, pages);
    }

    [Fact]
    public void Documented_parameters_match_the_cmdlets()
    {
        var problems = new List<string>();
        foreach (var type in CmdletTypes())
        {
            var path = Path.Combine(DocsDirectory, NameOf(type) + ".md");
            if (!File.Exists(path))
            {
                continue; // reported by Every_cmdlet_has_a_page_and_every_page_a_cmdlet
            }

            var diagnostics = new DiagnosticBag();
            var page = MarkdownReader.Read(path, File.ReadAllText(path), diagnostics);
            var help = page is null ? null : CommandPageParser.Parse(page, diagnostics);
            if (help is null)
            {
                problems.AddRange(diagnostics.Items.Select(d => d.ToString()));
                continue;
            }

            problems.AddRange(Compare(type, help).Select(p => $"{path}: {p}"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_comparison_finds_a_page_that_no_longer_matches_its_cmdlet()
    {
        var page = SamplePages.ProbeCommandPage()
            .Replace("Required: True", "Required: False", StringComparison.Ordinal)
            .Replace("Aliases: N\n", "Aliases: Names\n", StringComparison.Ordinal);
        var diagnostics = new DiagnosticBag();
        var help = CommandPageParser.Parse(MarkdownReader.Read("/docs/Test-HelpProbe.md", page, diagnostics)!, diagnostics)!;

        var problems = Compare(typeof(TestHelpProbeCommand), help);

        Assert.Equal(
            ["-Name in set ByName: aliases are 'N' in the code but 'Names' in the page", "-Path in set ByPath: Required is True in the code but False in the page"],
            problems.Order(StringComparer.Ordinal));
        Assert.Empty(Compare(typeof(TestHelpProbeCommand), CommandPageParser.Parse(MarkdownReader.Read("/docs/Test-HelpProbe.md", SamplePages.ProbeCommandPage(), diagnostics)!, diagnostics)!));
    }

    private static List<string> Compare(Type cmdletType, CommandHelp help)
    {
        var problems = new List<string>();
        var metadata = new CommandMetadata(cmdletType);
        var expected = metadata.Parameters.Values.ToList();
        var documented = help.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var shouldProcess = metadata.SupportsShouldProcess ? ShouldProcessParameters : [];

        foreach (var missing in expected.Select(p => p.Name).Concat(shouldProcess).Where(n => !documented.Contains(n)))
        {
            problems.Add($"-{missing} is not documented");
        }

        var known = expected.Select(p => p.Name).Concat(shouldProcess).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var extra in help.Parameters.Where(p => !known.Contains(p.Name)))
        {
            problems.Add($"-{extra.Name} is documented but the cmdlet has no such parameter");
        }

        var codeSets = expected.SelectMany(p => p.ParameterSets.Keys).Where(s => s != ParameterAttribute.AllParameterSets).Distinct().Order(StringComparer.Ordinal).ToArray();
        var pageSets = help.ParameterSets.Select(s => s.Name).Where(s => s != ParameterSetHelp.AllSetsName).Order(StringComparer.Ordinal).ToArray();
        if (!codeSets.SequenceEqual(pageSets, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"parameter sets are [{string.Join(", ", codeSets)}] in the code but [{string.Join(", ", pageSets)}] in the page");
            return problems;
        }

        var allSets = codeSets.Length == 0 ? [ParameterSetHelp.AllSetsName] : codeSets;
        foreach (var parameter in expected)
        {
            var page = help.Parameters.FirstOrDefault(p => p.Name.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (page is null)
            {
                continue;
            }

            foreach (var (setName, data) in parameter.ParameterSets.SelectMany(s => s.Key == ParameterAttribute.AllParameterSets ? allSets.Select(a => (a, s.Value)) : [(s.Key, s.Value)]))
            {
                var documentedSet = setName == ParameterSetHelp.AllSetsName ? page.Metadata[0] : page.ForSet(setName);
                var where = $"-{parameter.Name} in set {setName}";
                if (documentedSet is null)
                {
                    problems.Add($"{where}: not documented for this set");
                    continue;
                }

                Check(problems, where, "Required", data.IsMandatory, documentedSet.Required);
                Check(problems, where, "Position", data.Position == int.MinValue ? "Named" : data.Position.ToString(System.Globalization.CultureInfo.InvariantCulture), documentedSet.PositionText.Replace("named", "Named", StringComparison.Ordinal));
                Check(problems, where, "Accept pipeline input", PipelineText(data), documentedSet.PipelineInputText);
                Check(problems, where, "Type", parameter.ParameterType.Name, documentedSet.MamlType);
                Check(problems, where, "Accept wildcard characters", parameter.Attributes.OfType<SupportsWildcardsAttribute>().Any(), documentedSet.Globbing);
                var codeAliases = string.Join(", ", parameter.Aliases.Order(StringComparer.OrdinalIgnoreCase));
                var pageAliases = string.Join(", ", documentedSet.Aliases.Order(StringComparer.OrdinalIgnoreCase));
                if (!codeAliases.Equals(pageAliases, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{where}: aliases are '{codeAliases}' in the code but '{pageAliases}' in the page");
                }
            }
        }

        return problems;
    }

    private static void Check<T>(List<string> problems, string where, string key, T code, T page)
    {
        if (!EqualityComparer<T>.Default.Equals(code, page))
        {
            problems.Add($"{where}: {key} is {code} in the code but {page} in the page");
        }
    }

    private static string PipelineText(ParameterSetMetadata data)
    {
        var kinds = new List<string>();
        if (data.ValueFromPipeline)
        {
            kinds.Add("ByValue");
        }

        if (data.ValueFromPipelineByPropertyName)
        {
            kinds.Add("ByPropertyName");
        }

        if (data.ValueFromRemainingArguments)
        {
            kinds.Add("FromRemainingArguments");
        }

        return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
    }

    private static IEnumerable<Type> CmdletTypes() =>
        typeof(ModelPackCmdlet).Assembly.GetExportedTypes().Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() is not null);

    private static string NameOf(Type cmdletType)
    {
        var attribute = cmdletType.GetCustomAttribute<CmdletAttribute>()!;
        return $"{attribute.VerbName}-{attribute.NounName}";
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelPack.PowerShell.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ModelPack.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}
