using System;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Strategies;

/// <summary>One strategy as Get-ModelStrategy shows it: whether it can work here, and why or why not.</summary>
public sealed class StrategyInfo
{
    /// <param name="engine">The engine the strategy was judged against.</param>
    public StrategyInfo(StrategyName name, int order, bool available, string reason, EngineInfo engine)
    {
        Name = name;
        Order = order;
        Available = available;
        Reason = reason ?? string.Empty;
        Engine = engine.Kind;
        EnginePath = engine.Path;
        Version = engine.Version;
    }

    public StrategyName Name { get; }

    /// <summary>Its place in the Auto order (1 is tried first).</summary>
    public int Order { get; }

    public bool Available { get; }

    /// <summary>What was found and, when not available, what is missing.</summary>
    public string Reason { get; }

    /// <summary>The engine the strategy was judged against.</summary>
    public EngineKind Engine { get; }

    public string? EnginePath { get; }

    /// <summary>That engine's version; null without an engine or when it printed none.</summary>
    public Version? Version { get; }

    public override string ToString() => $"{Name}: {(Available ? "available" : "unavailable")} - {Reason}";
}
