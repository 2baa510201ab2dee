namespace ModelPack.Core.Spec;

/// <summary>The platform of an index entry (only what selection needs).</summary>
public sealed class Platform
{
    public Platform(string architecture, string os, string? variant = null)
    {
        Architecture = architecture;
        OS = os;
        Variant = variant;
    }

    public string Architecture { get; }

    public string OS { get; }

    public string? Variant { get; }

    public override string ToString() => Variant is null ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";
}
