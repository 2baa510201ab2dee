using System.Collections.Generic;

namespace ModelPack.HelpBuilder.Model;

/// <summary>Everything one cmdlet page says, ready to be written as a MAML command:command.</summary>
internal sealed record CommandHelp
{
    public required string Name { get; init; }

    /// <summary>The MAML file the command belongs to, from the page's "external help file" front matter.</summary>
    public required string ExternalHelpFile { get; init; }

    public required string SourcePath { get; init; }

    public required int HeadingLine { get; init; }

    public required IReadOnlyList<string> Synopsis { get; init; }

    public required IReadOnlyList<string> Description { get; init; }

    /// <summary>In page order; a command without named sets has the single set "__AllParameterSets".</summary>
    public required IReadOnlyList<ParameterSetHelp> ParameterSets { get; init; }

    public required IReadOnlyList<ParameterHelp> Parameters { get; init; }

    public required IReadOnlyList<ExampleHelp> Examples { get; init; }

    public required IReadOnlyList<TypeHelp> Inputs { get; init; }

    public required IReadOnlyList<TypeHelp> Outputs { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required IReadOnlyList<RelatedLink> Links { get; init; }

    public string Verb => Name.Split('-', 2)[0];

    public string Noun => Name.Contains('-', System.StringComparison.Ordinal) ? Name.Split('-', 2)[1] : string.Empty;
}

internal sealed record ParameterSetHelp(string Name, bool IsDefault)
{
    public const string AllSetsName = "__AllParameterSets";
}

internal sealed record ExampleHelp(string Title, IReadOnlyList<string> Introduction, string Code, IReadOnlyList<string> Remarks);

/// <summary>An INPUTS or OUTPUTS entry.</summary>
internal sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

internal sealed record RelatedLink(string Text, string Uri);
