using System;
using System.Collections.Generic;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;

namespace ModelPack.Core.Configuration;

/// <summary>
/// The user's standing choices: environment variables over the config file, each value with where it
/// came from. Parameters beat both; the code that takes a parameter applies that last.
/// Build one with <see cref="ModelPackSettingsLoader"/>.
/// </summary>
public sealed class ModelPackSettings
{
    public const string StrategyVariable = "MODELPACK_STRATEGY";
    public const string EngineVariable = "MODELPACK_ENGINE";
    public const string StoreVariable = "MODELPACK_STORE";
    public const string ConfigVariable = "MODELPACK_CONFIG";

    public ModelPackSettings(
        StrategyName? strategy = null,
        SettingSource strategySource = SettingSource.Default,
        string? engine = null,
        SettingSource engineSource = SettingSource.Default,
        string? store = null,
        SettingSource storeSource = SettingSource.Default,
        IReadOnlyList<string>? insecureRegistries = null,
        int? maxRetry = null,
        int? concurrency = null,
        string? configFilePath = null,
        IReadOnlyList<string>? warnings = null,
        StoreDurability? durability = null,
        long? minTransferRate = null,
        TimeSpan? transferRateWindow = null,
        int? maxLayerEntries = null,
        double? maxCompressionRatio = null)
    {
        Strategy = strategy;
        StrategySource = strategy is null ? SettingSource.Default : strategySource;
        Engine = engine;
        EngineSource = engine is null ? SettingSource.Default : engineSource;
        Store = store;
        StoreSource = store is null ? SettingSource.Default : storeSource;
        InsecureRegistries = insecureRegistries ?? Array.Empty<string>();
        MaxRetry = maxRetry;
        Concurrency = concurrency;
        ConfigFilePath = configFilePath;
        Warnings = warnings ?? Array.Empty<string>();
        Durability = durability;
        MinTransferRate = minTransferRate;
        TransferRateWindow = transferRateWindow;
        MaxLayerEntries = maxLayerEntries;
        MaxCompressionRatio = maxCompressionRatio;
    }

    /// <summary>Nothing set anywhere: every choice is automatic.</summary>
    public static ModelPackSettings Empty { get; } = new();

    /// <summary>MODELPACK_STRATEGY, else the config file's <c>strategy</c>; null means Auto.</summary>
    public StrategyName? Strategy { get; }

    public SettingSource StrategySource { get; }

    /// <summary>MODELPACK_ENGINE, else the config file's <c>engine</c>: a name, a path, or <c>none</c>; null means detect.</summary>
    public string? Engine { get; }

    public SettingSource EngineSource { get; }

    /// <summary>MODELPACK_STORE, else the config file's <c>store</c>; null means the platform's data directory.</summary>
    public string? Store { get; }

    public SettingSource StoreSource { get; }

    /// <summary>Registries (host[:port], lower case) the user allows over plain HTTP or unverified TLS.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; }

    public int? MaxRetry { get; }

    public int? Concurrency { get; }

    /// <summary>The config file's <c>durability</c>; null means <see cref="StoreDurability.Deferred"/>.</summary>
    public StoreDurability? Durability { get; }

    /// <summary>The config file's <c>minTransferRate</c> (bytes per second; 0 turns the check off); null means 1024.</summary>
    public long? MinTransferRate { get; }

    /// <summary>The config file's <c>transferRateWindow</c> (seconds); null means 30 s.</summary>
    public TimeSpan? TransferRateWindow { get; }

    /// <summary>The config file's <c>maxLayerEntries</c>; null means <see cref="ArchiveLimits.DefaultMaxEntries"/>.</summary>
    public int? MaxLayerEntries { get; }

    /// <summary>The config file's <c>maxCompressionRatio</c>; null means <see cref="ArchiveLimits.DefaultMaxCompressionRatio"/>.</summary>
    public double? MaxCompressionRatio { get; }

    /// <summary>The archive limits the config file sets (defaults where it is silent).</summary>
    public ArchiveLimits ArchiveLimits => MaxLayerEntries is null && MaxCompressionRatio is null
        ? ArchiveLimits.Default
        : new ArchiveLimits(MaxLayerEntries ?? ArchiveLimits.DefaultMaxEntries, MaxCompressionRatio ?? ArchiveLimits.DefaultMaxCompressionRatio);

    /// <summary>The config file that was read, or null when there was none.</summary>
    public string? ConfigFilePath { get; }

    /// <summary>Things worth telling the user that are not errors, such as unknown keys in the config file.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>"MODELPACK_STRATEGY", "the config file '/x/config.json'" or "-Strategy", for messages.</summary>
    internal string DescribeSource(SettingSource source, string variable, string parameter) => source switch
    {
        SettingSource.Parameter => parameter,
        SettingSource.EnvironmentVariable => variable,
        SettingSource.ConfigFile => "the config file " + DisplayText.Quote(ConfigFilePath),
        _ => "the default",
    };
}
