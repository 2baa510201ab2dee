using System;
using System.IO;
using System.Linq;
using ModelPack.HelpBuilder;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>Pages that would give incomplete or wrong help fail the conversion, naming the file and the line.</summary>
public sealed class BrokenPageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Breakages =>
    [
        "no synopsis", "empty synopsis", "no description", "no examples", "example without code",
        "parameter without description", "invalid Required", "pipeline input without binding", "unknown parameter set",
        "unclosed code fence", "placeholder left", "misspelled section", "no external help file",
    ];

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Broken_page_is_reported_at_its_file_and_line_and_nothing_is_written(string breakage)
    {
        var (page, expectedLineText, expectedMessage) = Break(SamplePages.ProbeCommandPage(), breakage);
        var path = _temp.Write("docs/Test-HelpProbe.md", page);
        var expectedLine = LineOf(page, expectedLineText);

        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("out"));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.FilePath == path && e.Line == expectedLine && e.Message.Contains(expectedMessage, StringComparison.Ordinal));
        Assert.Empty(result.OutputFiles);
        Assert.False(File.Exists(_temp.Combine("out", SamplePages.ProbeHelpFile)));
    }

    [Fact]
    public void Every_broken_page_is_reported_and_valid_pages_beside_them_are_not_written()
    {
        _temp.Write("docs/Test-HelpProbe.md", SamplePages.ProbeCommandPage());
        var first = _temp.Write("docs/Get-Broken.md", Break(SamplePages.ProbeCommandPage(), "no synopsis").Page.Replace("Test-HelpProbe", "Get-Broken", StringComparison.Ordinal));
        var second = _temp.Write("docs/about_Broken.md", "# about_Broken\n\n## SHORT DESCRIPTION\nOne line.\n");

        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("out"));

        Assert.Contains(result.Errors, e => e.FilePath == first && e.Message.Contains("'## SYNOPSIS'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.FilePath == second && e.Line == 1 && e.Message.Contains("LONG DESCRIPTION", StringComparison.Ordinal));
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Fact]
    public void Page_named_after_a_different_cmdlet_is_rejected()
    {
        var path = _temp.Write("docs/Get-Other.md", SamplePages.ProbeCommandPage());

        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("out"));

        var error = Assert.Single(result.Errors);
        Assert.Equal((path, LineOf(SamplePages.ProbeCommandPage(), "# Test-HelpProbe")), (error.FilePath, error.Line));
        Assert.Contains("Get-Other.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostic_prints_in_the_format_msbuild_shows_as_an_error_on_the_line()
    {
        var diagnostic = new HelpDiagnostic("/docs/Get-X.md", 12, "parameter -Name has no description.");

        Assert.Equal("/docs/Get-X.md(12): error: parameter -Name has no description.", diagnostic.ToString());
    }

    internal static (string Page, string ExpectedLineText, string ExpectedMessage) Break(string page, string breakage) => breakage switch
    {
        "no synopsis" => (RemoveSection(page, "## SYNOPSIS"), "# Test-HelpProbe", "has no '## SYNOPSIS' section"),
        "empty synopsis" => (Replace(page, SamplePages.ProbeSynopsis, string.Empty), "## SYNOPSIS", "'## SYNOPSIS' is empty"),
        "no description" => (RemoveSection(page, "## DESCRIPTION"), "# Test-HelpProbe", "has no '## DESCRIPTION' section"),
        "no examples" => (RemoveSection(page, "## EXAMPLES"), "# Test-HelpProbe", "has no '## EXAMPLES' section"),
        "example without code" => (
            Replace(page, "```powershell\nPS> 'a', 'b' | Test-HelpProbe -Force\n```\n", string.Empty),
            "### Example 1: Probe two names", "has no code block"),
        "parameter without description" => (Replace(page, SamplePages.PathDescription, string.Empty), "### -Path", "parameter -Path has no description"),
        "invalid Required" => (Replace(page, "Required: True", "Required: yes"), "Required: yes", "must be true or false"),
        "pipeline input without binding" => (
            Replace(page, "Accept pipeline input: True (ByValue, ByPropertyName)", "Accept pipeline input: True"),
            "Accept pipeline input: True", "must say how it binds"),
        "unknown parameter set" => (Replace(page, "Parameter Sets: ByPath", "Parameter Sets: ByFile"), "Parameter Sets: ByFile", "'ByFile', which '## SYNTAX' does not list"),
        "unclosed code fence" => (Replace(page, "## NOTES\n", "## NOTES\n```text\n"), "```text", "never closed"),
        "placeholder left" => (Replace(page, SamplePages.NameDescription, "{{ Fill Name Description }}"), "{{ Fill Name Description }}", "placeholder"),
        "misspelled section" => (Replace(page, "## DESCRIPTION", "## DESCRIPTON"), "## DESCRIPTON", "is not a section of a cmdlet page"),
        "no external help file" => (Replace(page, $"external help file: {SamplePages.ProbeHelpFile}\n", string.Empty), "---", "no 'external help file"),
        _ => throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage"),
    };

    /// <summary>1-based number of the first line whose trimmed text is <paramref name="lineText"/>.</summary>
    internal static int LineOf(string page, string lineText)
    {
        var lines = page.Split('\n');
        var index = Array.FindIndex(lines, l => l.Trim() == lineText);
        Assert.True(index >= 0, $"test setup: no line '{lineText}' in the page");
        return index + 1;
    }

    private static string Replace(string page, string oldText, string newText)
    {
        Assert.Contains(oldText, page, StringComparison.Ordinal);
        return page.Replace(oldText, newText, StringComparison.Ordinal);
    }

    private static string RemoveSection(string page, string heading)
    {
        var lines = page.Split('\n').ToList();
        var start = lines.IndexOf(heading);
        Assert.True(start >= 0, $"test setup: no '{heading}' in the page");
        var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        lines.RemoveRange(start, end - start);
        return string.Join('\n', lines);
    }
}
