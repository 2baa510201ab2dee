using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using ModelPack.HelpBuilder;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>Schema variations PlatyPS writes: per-set parameter metadata, single-set cmdlets, module pages, several cmdlets per file.</summary>
public sealed class PageVariantsTests : IDisposable
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Parameter_with_different_metadata_per_set_uses_each_sets_block_in_the_syntax()
    {
        var page = MinimalPage("Set-Probe", """
            ### ByObject (Default)
            ```
            Set-Probe -InputObject <Object> [<CommonParameters>]
            ```

            ### ByName
            ```
            Set-Probe -Name <String> [-InputObject <Object>] [<CommonParameters>]
            ```
            """, """
            ### -InputObject
            The object to set.

            ```yaml
            Type: Object
            Parameter Sets: ByObject
            Aliases:

            Required: True
            Position: Named
            Default value: None
            Accept pipeline input: True (ByValue)
            Accept wildcard characters: False
            ```

            ```yaml
            Type: Object
            Parameter Sets: ByName
            Aliases:

            Required: False
            Position: Named
            Default value: None
            Accept pipeline input: False
            Accept wildcard characters: False
            ```

            ### -Name
            The name to set.

            ```yaml
            Type: String
            Parameter Sets: ByName
            Aliases:

            Required: True
            Position: Named
            Default value: None
            Accept pipeline input: False
            Accept wildcard characters: False
            ```
            """);
        var command = BuildSingle("Set-Probe.md", page);

        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal([("InputObject", "true", "True (ByValue)")], Parameters(items[0]));
        Assert.Equal([("Name", "true", "False"), ("InputObject", "false", "False")], Parameters(items[1]));
        Assert.Equal([("InputObject", "true", "True (ByValue)"), ("Name", "true", "False")], Parameters(command.Element(Command + "parameters")!));
    }

    [Fact]
    public void Cmdlet_with_one_parameter_set_has_one_syntax_item_with_every_parameter()
    {
        var page = MinimalPage("Get-Probe", """
            ### __AllParameterSets
            ```
            Get-Probe [[-Name] <String>] [<CommonParameters>]
            ```
            """, """
            ### -Name
            The name.

            ```yaml
            Type: String
            Parameter Sets: (All)
            Aliases:

            Required: False
            Position: 0
            Default value: None
            Accept pipeline input: False
            Accept wildcard characters: False
            ```
            """);
        var command = BuildSingle("Get-Probe.md", page);

        var item = Assert.Single(command.Element(Command + "syntax")!.Elements(Command + "syntaxItem"));
        Assert.Equal([("Name", "false", "False")], Parameters(item));
    }

    [Fact]
    public void Pages_sharing_an_external_help_file_go_into_one_maml_and_the_module_page_is_skipped()
    {
        _temp.Write("docs/Get-Probe.md", MinimalPage("Get-Probe", string.Empty, string.Empty));
        _temp.Write("docs/Set-Probe.md", MinimalPage("Set-Probe", string.Empty, string.Empty));
        _temp.Write("docs/Other-Probe.md", MinimalPage("Other-Probe", string.Empty, string.Empty).Replace("Probe.dll-Help.xml", "Other.dll-Help.xml", StringComparison.Ordinal));
        _temp.Write("docs/HelpProbe.md", """
            ---
            Module Name: HelpProbe
            Module Guid: a7d3c1e5-2b4f-4c6d-8e9f-0a1b2c3d4e5f
            Help Version: 1.0.0
            Locale: en-US
            ---

            # HelpProbe Module
            ## Description
            {{ Fill in the Description }}
            """);

        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("out"));

        Assert.Empty(result.Errors);
        Assert.Equal([_temp.Combine("out", "Other.dll-Help.xml"), _temp.Combine("out", "Probe.dll-Help.xml")], result.OutputFiles);
        var names = XDocument.Load(_temp.Combine("out", "Probe.dll-Help.xml")).Root!.Elements(Command + "command")
            .Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value);
        Assert.Equal(["Get-Probe", "Set-Probe"], names);
    }

    private XElement BuildSingle(string fileName, string page)
    {
        _temp.Write($"docs/{fileName}", page);
        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("out"));
        Assert.Empty(result.Errors);
        return Assert.Single(XDocument.Load(Assert.Single(result.OutputFiles)).Root!.Elements(Command + "command"));
    }

    private static (string Name, string? Required, string? PipelineInput)[] Parameters(XElement container) =>
        container.Elements(Command + "parameter")
            .Select(p => (p.Element(Maml + "name")!.Value, (string?)p.Attribute("required"), (string?)p.Attribute("pipelineInput")))
            .ToArray();

    private static string MinimalPage(string name, string syntax, string parameters) => $$"""
        ---
        external help file: Probe.dll-Help.xml
        schema: 2.0.0
        ---

        # {{name}}

        ## SYNOPSIS
        Probes.

        ## SYNTAX

        {{syntax}}

        ## DESCRIPTION
        Probes things.

        ## EXAMPLES

        ### Example 1
        ```powershell
        {{name}}
        ```

        ## PARAMETERS

        {{parameters}}

        """;
}
