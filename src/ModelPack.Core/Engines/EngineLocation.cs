using ModelPack.Core.Configuration;

namespace ModelPack.Core.Engines;

/// <summary>Which engine executable to use, and why: the result of <see cref="EngineLocator.Locate"/>, input to <see cref="EngineProbe"/>.</summary>
public sealed class EngineLocation
{
    public EngineLocation(EngineKind kind, string? path, SettingSource source, string description)
    {
        Kind = kind;
        Path = kind == EngineKind.None ? null : path;
        Source = source;
        Description = description ?? string.Empty;
    }

    public EngineKind Kind { get; }

    /// <summary>The full path of the executable; null for <see cref="EngineKind.None"/>.</summary>
    public string? Path { get; }

    /// <summary>Who chose it: a parameter, MODELPACK_ENGINE, the config file, or detection (Default).</summary>
    public SettingSource Source { get; }

    /// <summary>How it was chosen, e.g. "found on PATH" or "MODELPACK_ENGINE is 'none'".</summary>
    public string Description { get; }
}
