using System;
using System.Linq;
using System.Management.Automation;
using static ModelPack.PowerShell.Tests.Help.HelpProbeModule;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>
/// Generated MAML is what PowerShell itself reads: Get-Help -Full on a binary cmdlet, with the help
/// file in the module's en-US folder, returns the page's synopsis, parameters and examples.
/// </summary>
public sealed class GetHelpEndToEndTests : IDisposable
{
    private readonly HelpProbeModule _module = new(("Test-HelpProbe.md", SamplePages.ProbeCommandPage()));

    public void Dispose() => _module.Dispose();

    // "" is the invariant culture of a container without LANG: Get-Help then falls back to en-US.
    [Theory]
    [InlineData("en-US")]
    [InlineData("")]
    public void Get_help_full_shows_the_generated_synopsis_parameters_and_examples(string uiCulture)
    {
        var help = Assert.Single(_module.Invoke("Get-Help -Name Test-HelpProbe -Full", uiCulture));

        // Without the MAML file Get-Help would make up a synopsis from the syntax.
        Assert.Equal(SamplePages.ProbeSynopsis, Property(help, "Synopsis"));
        Assert.Equal("HelpProbe", Property(help, "ModuleName"));
        Assert.Equal(
            ["The **Test-HelpProbe** cmdlet exists so the tests can check that markdown help reaches Get-Help intact.", "It accepts:\n- names from the pipeline\n- a single path"],
            Text(Property(help, "description")));

        var parameters = Items(Property(Property(help, "parameters"), "parameter"));
        Assert.Equal(["Name", "Path", "Force"], parameters.Select(p => Property(p, "name")));
        var byName = parameters.ToDictionary(p => (string)Property(p, "name")!);
        Assert.Equal([SamplePages.NameDescription], Text(Property(byName["Name"], "description")));
        Assert.Equal([SamplePages.PathDescription], Text(Property(byName["Path"], "description")));
        Assert.Equal([SamplePages.ForceDescription], Text(Property(byName["Force"], "description")));
        Assert.Equal("True (ByValue, ByPropertyName)", Property(byName["Name"], "pipelineInput"));
        Assert.Equal("0", Property(byName["Name"], "position"));
        Assert.Equal("true", Property(byName["Path"], "required"));

        var examples = Items(Property(Property(help, "examples"), "example"));
        Assert.Equal(["Example 1: Probe two names", "Example 2: Probe a path"], examples.Select(e => Property(e, "title")));
        Assert.Equal(["PS> 'a', 'b' | Test-HelpProbe -Force", "PS> Test-HelpProbe -Path \"C:\\models\\a&b<c>.bin\""], examples.Select(e => Property(e, "code")));
        Assert.Equal(["The path is quoted because it contains an ampersand."], Text(Property(examples[1], "remarks")));

        var syntaxItems = Items(Property(Property(help, "syntax"), "syntaxItem"));
        Assert.Equal(2, syntaxItems.Count);
    }

    [Fact]
    public void Get_help_parameter_returns_that_parameters_description()
    {
        var parameter = Assert.Single(_module.Invoke("Get-Help -Name Test-HelpProbe -Parameter Path"));

        Assert.Equal([SamplePages.PathDescription], Text(Property(parameter, "description")));
    }

    [Fact]
    public void Get_help_examples_returns_both_examples()
    {
        var help = Assert.Single(_module.Invoke("Get-Help -Name Test-HelpProbe -Examples"));

        Assert.Equal(2, Items(Property(Property(help, "examples"), "example")).Count);
    }
}
