using System.IO;
using System.Linq;
using System.Xml.Linq;
using ModelPack.HelpBuilder;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>A cmdlet page converts into exactly the MAML Get-Help reads, checked by parsing the XML back.</summary>
public sealed class MamlConversionTests : System.IDisposable
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly TempDirectory _temp = new();
    private readonly XElement _command;

    public MamlConversionTests()
    {
        _temp.Write("docs/Test-HelpProbe.md", SamplePages.ProbeCommandPage());
        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("out"));
        Assert.Empty(result.Errors);
        Assert.Equal([_temp.Combine("out", SamplePages.ProbeHelpFile)], result.OutputFiles);

        var document = XDocument.Load(_temp.Combine("out", SamplePages.ProbeHelpFile));
        Assert.Equal(Msh + "helpItems", document.Root!.Name);
        Assert.Equal("maml", (string?)document.Root.Attribute("schema"));
        _command = Assert.Single(document.Root.Elements());
        Assert.Equal(Command + "command", _command.Name);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Command_has_the_sections_get_help_reads_in_maml_order()
    {
        Assert.Equal(
            [Command + "details", Maml + "description", Command + "syntax", Command + "parameters", Command + "inputTypes",
             Command + "returnValues", Maml + "alertSet", Command + "examples", Command + "relatedLinks"],
            _command.Elements().Select(e => e.Name));
    }

    [Fact]
    public void Details_hold_name_verb_noun_and_the_escaped_synopsis()
    {
        var details = _command.Element(Command + "details")!;
        Assert.Equal("Test-HelpProbe", details.Element(Command + "name")!.Value);
        Assert.Equal("Test", details.Element(Command + "verb")!.Value);
        Assert.Equal("HelpProbe", details.Element(Command + "noun")!.Value);
        Assert.Equal([SamplePages.ProbeSynopsis], Paragraphs(details.Element(Maml + "description")!));
        Assert.Contains("&amp; escaping of &lt;angle brackets&gt;", File.ReadAllText(_temp.Combine("out", SamplePages.ProbeHelpFile)));
    }

    [Fact]
    public void Description_joins_wrapped_lines_and_keeps_lists()
    {
        Assert.Equal(
            [
                "The **Test-HelpProbe** cmdlet exists so the tests can check that markdown help reaches Get-Help intact.",
                "It accepts:\n- names from the pipeline\n- a single path",
            ],
            Paragraphs(_command.Element(Maml + "description")!));
    }

    [Fact]
    public void Syntax_has_one_item_per_parameter_set_with_only_that_sets_parameters()
    {
        var items = _command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("Test-HelpProbe", i.Element(Maml + "name")!.Value));
        Assert.Equal(["Name", "Force"], ParameterNames(items[0]));
        Assert.Equal(["Path", "Force"], ParameterNames(items[1]));

        var name = Parameter(items[0], "Name");
        Assert.Equal(("false", "0", "True (ByValue, ByPropertyName)", "true"), Attributes(name));
        Assert.Equal("String[]", name.Element(Command + "parameterValue")!.Value);

        var path = Parameter(items[1], "Path");
        Assert.Equal(("true", "named", "False", "false"), Attributes(path));

        // A switch shows without a value in the syntax: "[-Force]", not "[-Force <SwitchParameter>]".
        Assert.Null(Parameter(items[0], "Force").Element(Command + "parameterValue"));
    }

    [Fact]
    public void Parameters_carry_description_type_attributes_aliases_and_default()
    {
        var parameters = _command.Element(Command + "parameters")!;
        Assert.Equal(["Name", "Path", "Force"], ParameterNames(parameters));

        var name = Parameter(parameters, "Name");
        Assert.Equal([SamplePages.NameDescription], Paragraphs(name.Element(Maml + "description")!));
        Assert.Equal(("false", "0", "True (ByValue, ByPropertyName)", "true"), Attributes(name));
        Assert.Equal("N", (string?)name.Attribute("aliases"));
        Assert.Equal("true", (string?)name.Attribute("variableLength"));
        Assert.Equal("String[]", name.Element(Command + "parameterValue")!.Value);
        Assert.Equal("String[]", name.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("None", name.Element(Dev + "defaultValue")!.Value);

        var path = Parameter(parameters, "Path");
        Assert.Equal([SamplePages.PathDescription], Paragraphs(path.Element(Maml + "description")!));
        Assert.Equal(("true", "named", "False", "false"), Attributes(path));
        Assert.Equal("PSPath, LP", (string?)path.Attribute("aliases"));
        Assert.Equal("String", path.Element(Command + "parameterValue")!.Value);

        var force = Parameter(parameters, "Force");
        Assert.Equal([SamplePages.ForceDescription], Paragraphs(force.Element(Maml + "description")!));
        Assert.Equal(("false", "named", "False", "false"), Attributes(force));
        Assert.Equal("none", (string?)force.Attribute("aliases"));
        Assert.Equal("SwitchParameter", force.Element(Command + "parameterValue")!.Value);
        Assert.Equal("False", force.Element(Dev + "defaultValue")!.Value);
    }

    [Fact]
    public void Examples_have_title_introduction_code_and_remarks()
    {
        var examples = _command.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.Equal(2, examples.Count);

        Assert.Equal("Example 1: Probe two names", examples[0].Element(Maml + "title")!.Value);
        Assert.Null(examples[0].Element(Maml + "introduction"));
        Assert.Equal("PS> 'a', 'b' | Test-HelpProbe -Force", examples[0].Element(Dev + "code")!.Value);
        Assert.Equal(["Pipes two names into the cmdlet."], Paragraphs(examples[0].Element(Dev + "remarks")!));

        Assert.Equal("Example 2: Probe a path", examples[1].Element(Maml + "title")!.Value);
        Assert.Equal(["Paths with special characters work too."], Paragraphs(examples[1].Element(Maml + "introduction")!));
        Assert.Equal("PS> Test-HelpProbe -Path \"C:\\models\\a&b<c>.bin\"", examples[1].Element(Dev + "code")!.Value);
        Assert.Equal(["The path is quoted because it contains an ampersand."], Paragraphs(examples[1].Element(Dev + "remarks")!));
    }

    [Fact]
    public void Inputs_outputs_notes_and_links_are_carried_over()
    {
        var input = Assert.Single(_command.Element(Command + "inputTypes")!.Elements(Command + "inputType"));
        Assert.Equal("System.String[]", input.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal(["Names can be piped to this cmdlet."], Paragraphs(input.Element(Maml + "description")!));

        var output = Assert.Single(_command.Element(Command + "returnValues")!.Elements(Command + "returnValue"));
        Assert.Equal("System.String", output.Element(Dev + "type")!.Element(Maml + "name")!.Value);

        Assert.Equal(["This cmdlet only exists in the test assembly."], Paragraphs(_command.Element(Maml + "alertSet")!.Element(Maml + "alert")!));

        var links = _command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value))
            .ToList();
        Assert.Equal(
            [
                ("Online Version:", "https://example.org/help/Test-HelpProbe"),
                ("about_HelpProbe", string.Empty),
                ("PlatyPS", "https://github.com/PowerShell/platyPS"),
            ],
            links);
    }

    private static string[] Paragraphs(XElement container) =>
        container.Elements(Maml + "para").Select(p => p.Value).ToArray();

    private static string[] ParameterNames(XElement container) =>
        container.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToArray();

    private static XElement Parameter(XElement container, string name) =>
        Assert.Single(container.Elements(Command + "parameter"), p => p.Element(Maml + "name")!.Value == name);

    private static (string? Required, string? Position, string? PipelineInput, string? Globbing) Attributes(XElement parameter) =>
        ((string?)parameter.Attribute("required"), (string?)parameter.Attribute("position"),
         (string?)parameter.Attribute("pipelineInput"), (string?)parameter.Attribute("globbing"));
}
