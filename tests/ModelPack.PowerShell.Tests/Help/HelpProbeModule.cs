using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ModelPack.HelpBuilder;

namespace ModelPack.PowerShell.Tests.Help;

/// <summary>
/// A module in a temp folder laid out like out/ModelPack: a manifest whose RootModule is this test
/// assembly (so <see cref="TestHelpProbeCommand"/> is its cmdlet) and en-US/ holding the help
/// HelpBuilder generated from the sample pages. Commands run in a hosted runspace.
/// </summary>
internal sealed class HelpProbeModule : IDisposable
{
    private readonly TempDirectory _temp = new();

    public HelpProbeModule(params (string FileName, string Content)[] pages)
    {
        foreach (var (fileName, content) in pages)
        {
            _temp.Write($"docs/{fileName}", content);
        }

        var result = HelpCompiler.Build(_temp.Combine("docs"), _temp.Combine("HelpProbe", "en-US"));
        Assert.Empty(result.Errors);

        var assembly = typeof(TestHelpProbeCommand).Assembly.Location;
        ManifestPath = _temp.Write("HelpProbe/HelpProbe.psd1", $$"""
            @{
                RootModule        = '{{assembly.Replace("'", "''", StringComparison.Ordinal)}}'
                ModuleVersion     = '1.0.0'
                GUID              = 'a7d3c1e5-2b4f-4c6d-8e9f-0a1b2c3d4e5f'
                CmdletsToExport   = @('Test-HelpProbe')
                FunctionsToExport = @()
                AliasesToExport   = @()
            }
            """);
    }

    public string ManifestPath { get; }

    /// <summary>Imports the module and runs <paramref name="script"/> with the given UI culture ("" = invariant).</summary>
    public Collection<PSObject> Invoke(string script, string uiCulture = "en-US")
    {
        // The runspace's pipeline thread takes its UI culture from the host, which captures the
        // creating thread's culture; Get-Help picks the help folder by it.
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(uiCulture);
        try
        {
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            using var shell = System.Management.Automation.PowerShell.Create(runspace);
            shell.AddCommand("Import-Module").AddParameter("Name", ManifestPath).AddStatement().AddScript(script);
            var output = shell.Invoke();
            Assert.True(shell.Streams.Error.Count == 0, string.Join(Environment.NewLine, shell.Streams.Error.Select(e => e.ToString())));
            return output;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A property of a help object (MAML nodes become nested PSObjects).</summary>
    public static object? Property(object? value, string name) =>
        value is PSObject psObject ? psObject.Properties[name]?.Value switch
        {
            PSObject { BaseObject: string text } => text,
            var other => other,
        } : null;

    /// <summary>A help node that holds one or many children, as a list.</summary>
    public static IReadOnlyList<object?> Items(object? value) => value switch
    {
        null => [],
        PSObject { BaseObject: object[] many } => many,
        object[] many => many,
        _ => [value],
    };

    /// <summary>The text of a MAML description (a list of paragraphs with a Text property), paragraphs trimmed.</summary>
    public static string[] Text(object? description) =>
        Items(description).Select(p => (Property(p, "Text") as string ?? string.Empty).Trim()).ToArray();
}
