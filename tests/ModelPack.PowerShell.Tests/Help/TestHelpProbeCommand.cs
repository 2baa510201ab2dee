using System.Management.Automation;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>
/// A do-nothing binary cmdlet whose help the end-to-end tests generate and read back with Get-Help.
/// Its parameters mirror <see cref="SamplePages.ProbeCommandPage"/>: two parameter sets, a
/// pipeline parameter, aliases, a switch in every set.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HelpProbe", DefaultParameterSetName = "ByName")]
public sealed class TestHelpProbeCommand : PSCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "ByName", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("N")]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "ByPath")]
    [Alias("PSPath", "LP")]
    public string? Path { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => WriteObject(Name ?? [Path ?? string.Empty], enumerateCollection: true);
}
