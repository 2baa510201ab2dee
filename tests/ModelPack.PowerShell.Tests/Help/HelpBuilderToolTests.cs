using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>The HelpBuilder command line as the build runs it: `dotnet HelpBuilder.dll docsDir outDir`.</summary>
public sealed class HelpBuilderToolTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Valid_pages_exit_0_and_write_maml_and_about_text()
    {
        _temp.Write("docs/Test-HelpProbe.md", SamplePages.ProbeCommandPage());
        _temp.Write("docs/about_HelpProbe.md", SamplePages.AboutPage());

        var (exitCode, _, stderr) = Run(_temp.Combine("docs"), _temp.Combine("out", "en-US"));

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(
            [SamplePages.ProbeHelpFile, "about_HelpProbe.help.txt"],
            Directory.GetFiles(_temp.Combine("out", "en-US")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Broken_page_exits_1_naming_file_and_line_and_writes_nothing()
    {
        var (page, lineText, message) = BrokenPageTests.Break(SamplePages.ProbeCommandPage(), "parameter without description");
        var path = _temp.Write("docs/Test-HelpProbe.md", page);

        var (exitCode, _, stderr) = Run(_temp.Combine("docs"), _temp.Combine("out"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"{path}({BrokenPageTests.LineOf(page, lineText)}): error: {message}", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Missing_or_empty_docs_folder_succeeds_without_output(bool createDocsFolder)
    {
        if (createDocsFolder)
        {
            Directory.CreateDirectory(_temp.Combine("docs"));
        }

        var (exitCode, stdout, _) = Run(_temp.Combine("docs"), _temp.Combine("out"));

        Assert.Equal(0, exitCode);
        Assert.Contains("nothing to build", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Fact]
    public void Help_of_a_removed_page_is_deleted_on_the_next_run()
    {
        var page = _temp.Write("docs/Test-HelpProbe.md", SamplePages.ProbeCommandPage());
        _temp.Write("docs/about_HelpProbe.md", SamplePages.AboutPage());
        var unrelated = _temp.Write("out/notes.txt", "not generated");
        Assert.Equal(0, Run(_temp.Combine("docs"), _temp.Combine("out")).ExitCode);

        File.Delete(page);
        Assert.Equal(0, Run(_temp.Combine("docs"), _temp.Combine("out")).ExitCode);

        Assert.False(File.Exists(_temp.Combine("out", SamplePages.ProbeHelpFile)));
        Assert.True(File.Exists(_temp.Combine("out", "about_HelpProbe.help.txt")));
        Assert.True(File.Exists(unrelated));
    }

    [Fact]
    public void Unchanged_help_is_not_rewritten()
    {
        _temp.Write("docs/Test-HelpProbe.md", SamplePages.ProbeCommandPage());
        var output = _temp.Combine("out", SamplePages.ProbeHelpFile);
        Assert.Equal(0, Run(_temp.Combine("docs"), _temp.Combine("out")).ExitCode);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(output, written);

        Assert.Equal(0, Run(_temp.Combine("docs"), _temp.Combine("out")).ExitCode);

        Assert.Equal(written, File.GetLastWriteTimeUtc(output));
    }

    [Fact]
    public void Wrong_arguments_exit_2_with_usage()
    {
        var (exitCode, _, stderr) = Run(_temp.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: HelpBuilder <docsDir> <outDir>", stderr, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HelpBuilder.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = stderrTask.GetAwaiter().GetResult();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("HelpBuilder did not finish within 30 s");
        }

        return (process.ExitCode, stdout, stderr);
    }
}
