using System.Collections.Generic;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Strategies;

/// <summary>The outcome of <see cref="StrategySelector.Select"/>: the strategy to use and how every strategy was judged.</summary>
public sealed class StrategySelection
{
    internal StrategySelection(StrategyName strategy, StrategyName requested, SettingSource source, EngineInfo engine, IReadOnlyList<StrategyInfo> strategies)
    {
        Strategy = strategy;
        Requested = requested;
        Source = source;
        Engine = engine;
        Strategies = strategies;
    }

    /// <summary>The concrete strategy to use (never Auto).</summary>
    public StrategyName Strategy { get; }

    /// <summary>What was asked for: Auto or a forced strategy.</summary>
    public StrategyName Requested { get; }

    /// <summary>Who asked: the parameter, MODELPACK_STRATEGY, the config file, or nobody (Default: Auto).</summary>
    public SettingSource Source { get; }

    public EngineInfo Engine { get; }

    /// <summary>Every concrete strategy in Auto order, judged for this reference's kind and this engine.</summary>
    public IReadOnlyList<StrategyInfo> Strategies { get; }
}
