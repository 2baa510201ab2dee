using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>Get-Help on the built module: every cmdlet has a synopsis, described parameters and examples.</summary>
public sealed class ModuleHelpTests : System.IDisposable
{
    private readonly PowerShellSession _ps = new();

    public static IEnumerable<object[]> Cmdlets() =>
        typeof(ModelPack.Cmdlets.ModelPackCmdlet).Assembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().FirstOrDefault())
            .Where(a => a is not null)
            .Select(a => new object[] { a!.VerbName + "-" + a.NounName });

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Get_Help_has_synopsis_parameter_descriptions_and_examples(string cmdlet)
    {
        var help = _ps.RunOk("param($c) Get-Help $c -Full", new() { ["c"] = cmdlet }).Single();

        var synopsis = help.Properties["Synopsis"].Value?.ToString()?.Trim() ?? string.Empty;
        Assert.False(string.IsNullOrEmpty(synopsis));
        Assert.DoesNotContain(cmdlet + " [", synopsis); // the auto-generated syntax stand-in means no MAML was found

        var parameters = _ps.RunOk("param($c) (Get-Help $c -Full).parameters.parameter", new() { ["c"] = cmdlet });
        var declared = _ps.RunOk("param($c) (Get-Command $c).Parameters.Keys", new() { ["c"] = cmdlet })
            .Select(o => o.BaseObject.ToString()!)
            .Where(p => !new[] { "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm" }.Contains(p))
            .ToHashSet();
        var documented = parameters.ToDictionary(p => p.Properties["name"].Value.ToString()!, p => Text(p.Properties["description"]?.Value));
        Assert.Subset(documented.Keys.ToHashSet(), declared);
        Assert.All(documented, d => Assert.False(string.IsNullOrWhiteSpace(d.Value), $"-{d.Key} of {cmdlet} has no description"));

        var examples = _ps.RunOk("param($c) (Get-Help $c -Examples).examples.example", new() { ["c"] = cmdlet });
        Assert.True(examples.Count >= 2, $"{cmdlet} has {examples.Count} example(s)");
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Properties["code"].Value?.ToString())));
    }

    [Fact]
    public void About_topic_is_available()
    {
        _ps.Host.Clear();
        _ps.RunOk("Get-Help about_ModelPack | Out-Default");
        Assert.Contains("ModelPack", _ps.Host.Text);
        Assert.Contains("SHORT DESCRIPTION", _ps.Host.Text);
    }

    private static string Text(object? description)
    {
        if (description is null)
        {
            return string.Empty;
        }

        var items = description is object[] array ? array : new[] { description };
        return string.Join(" ", items.Select(i => (i as PSObject)?.Properties["Text"]?.Value?.ToString() ?? i.ToString()));
    }

    public void Dispose() => _ps.Dispose();
}
