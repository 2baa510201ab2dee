using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.HelpBuilder.Model;

/// <summary>
/// One "### -Name" entry. A parameter whose attributes differ between parameter sets has one
/// metadata block per distinct combination, as PlatyPS writes it.
/// </summary>
internal sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterMetadata> Metadata)
{
    /// <summary>The metadata that applies in a set: the block naming it, else an "(All)" block; null when the parameter is not in the set.</summary>
    public ParameterMetadata? ForSet(string setName) =>
        Metadata.FirstOrDefault(m => m.ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase))
        ?? Metadata.FirstOrDefault(m => m.InAllSets);
}

/// <summary>The yaml block under a parameter.</summary>
internal sealed record ParameterMetadata
{
    public required string Type { get; init; }

    /// <summary>Empty means "(All)".</summary>
    public required IReadOnlyList<string> ParameterSets { get; init; }

    public required IReadOnlyList<string> Aliases { get; init; }

    public required IReadOnlyList<string> AcceptedValues { get; init; }

    public required bool Required { get; init; }

    /// <summary>A 0-based position, or null for a named parameter.</summary>
    public required int? Position { get; init; }

    public required string DefaultValue { get; init; }

    public required PipelineInputKinds PipelineInput { get; init; }

    public required bool Globbing { get; init; }

    /// <summary>Line of the opening ```yaml fence.</summary>
    public required int Line { get; init; }

    /// <summary>Line of "Parameter Sets:", or of the fence when the key is left out.</summary>
    public required int ParameterSetsLine { get; init; }

    public bool InAllSets => ParameterSets.Count == 0;

    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase)
        || Type.Equals("switch", StringComparison.OrdinalIgnoreCase);

    /// <summary>MAML spelling of the type: PlatyPS writes "switch" for SwitchParameter in some pages.</summary>
    public string MamlType => IsSwitch ? "SwitchParameter" : Type;

    public bool IsArray => Type.EndsWith("[]", StringComparison.Ordinal);

    /// <summary>"named" or the position number, as MAML and Get-Help spell it.</summary>
    public string PositionText => Position is int p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named";

    /// <summary>"False" or e.g. "True (ByValue, ByPropertyName)", the spelling Get-Help shows.</summary>
    public string PipelineInputText
    {
        get
        {
            if (PipelineInput == PipelineInputKinds.None)
            {
                return "False";
            }

            var kinds = new List<string>();
            if (PipelineInput.HasFlag(PipelineInputKinds.ByValue))
            {
                kinds.Add("ByValue");
            }

            if (PipelineInput.HasFlag(PipelineInputKinds.ByPropertyName))
            {
                kinds.Add("ByPropertyName");
            }

            if (PipelineInput.HasFlag(PipelineInputKinds.FromRemainingArguments))
            {
                kinds.Add("FromRemainingArguments");
            }

            return $"True ({string.Join(", ", kinds)})";
        }
    }
}

[Flags]
internal enum PipelineInputKinds
{
    None = 0,
    ByValue = 1,
    ByPropertyName = 2,
    FromRemainingArguments = 4,
}
