using System.Collections.Generic;

namespace ModelPack.HelpBuilder;

/// <summary>A problem in a help page, pointing at the file and 1-based line that caused it.</summary>
internal sealed record HelpDiagnostic(string FilePath, int Line, string Message)
{
    /// <summary>MSBuild's canonical error format, so the build shows it as an error on that line.</summary>
    public override string ToString() => $"{FilePath}({Line}): error: {Message}";
}

/// <summary>Collects every problem found so one run reports them all instead of stopping at the first.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<HelpDiagnostic> _items = [];

    public IReadOnlyList<HelpDiagnostic> Items => _items;

    public bool HasErrors => _items.Count > 0;

    public void Add(string filePath, int line, string message) => _items.Add(new HelpDiagnostic(filePath, line, message));
}
