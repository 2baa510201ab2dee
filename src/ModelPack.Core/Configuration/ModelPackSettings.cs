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

    private SettingSource _strategySource;
    private SettingSource _engineSource;
    private SettingSource _storeSource;

    /// <summary>Nothing set: every choice automatic. The loader (and tests) set what is, by initializer.</summary>
    internal ModelPackSettings()
    {
    }

    /// <summary>Nothing set anywhere: every choice is automatic.</summary>
    public static ModelPackSettings Empty { get; } = new();

    /// <summary>MODELPACK_STRATEGY, else the config file's <c>strategy</c>; null means Auto.</summary>
    public StrategyName? Strategy { get; internal set; }

    /// <summary>Where <see cref="Strategy"/> came from (Default when it is not set).</summary>
    public SettingSource StrategySource
    {
        get => Strategy is null ? SettingSource.Default : _strategySource;
        internal set => _strategySource = value;
    }

    /// <summary>MODELPACK_ENGINE, else the config file's <c>engine</c>: a name, a path, or <c>none</c>; null means detect.</summary>
    public string? Engine { get; internal set; }

    public SettingSource EngineSource
    {
        get => Engine is null ? SettingSource.Default : _engineSource;
        internal set => _engineSource = value;
    }

    /// <summary>MODELPACK_STORE, else the config file's <c>store</c>; null means the platform's data directory.</summary>
    public string? Store { get; internal set; }

    public SettingSource StoreSource
    {
        get => Store is null ? SettingSource.Default : _storeSource;
        internal set => _storeSource = value;
    }

    /// <summary>Registries (host[:port], lower case) the user allows over plain HTTP or unverified TLS.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; internal set; } = Array.Empty<string>();

    public int? MaxRetry { get; internal set; }

    /// <summary>The config file's <c>concurrency</c>: connections a pull opens at once; null means 8.</summary>
    public int? Concurrency { get; internal set; }

    /// <summary>The config file's <c>connectionsPerBlob</c>: how many of those one large layer may use for its parts; null means 8 (1: one stream per layer).</summary>
    public int? ConnectionsPerBlob { get; internal set; }

    /// <summary>The config file's <c>rangedPartSizeMiB</c>, in bytes: the size of a large layer's parts; null means 32 MiB.</summary>
    public long? RangedPartSize { get; internal set; }

    /// <summary>The config file's <c>durability</c>; null means <see cref="StoreDurability.Deferred"/>.</summary>
    public StoreDurability? Durability { get; internal set; }

    /// <summary>The config file's <c>minTransferRate</c> (bytes per second; 0 turns the check off); null means 1024.</summary>
    public long? MinTransferRate { get; internal set; }

    /// <summary>The config file's <c>transferRateWindow</c> (seconds); null means 30 s.</summary>
    public TimeSpan? TransferRateWindow { get; internal set; }

    /// <summary>The config file's <c>maxLayerEntries</c>; null means <see cref="ArchiveLimits.DefaultMaxEntries"/>.</summary>
    public int? MaxLayerEntries { get; internal set; }

    /// <summary>The config file's <c>maxCompressionRatio</c>; null means <see cref="ArchiveLimits.DefaultMaxCompressionRatio"/>.</summary>
    public double? MaxCompressionRatio { get; internal set; }

    /// <summary>The archive limits the config file sets (defaults where it is silent).</summary>
    public ArchiveLimits ArchiveLimits => MaxLayerEntries is null && MaxCompressionRatio is null
        ? ArchiveLimits.Default
        : new ArchiveLimits(MaxLayerEntries ?? ArchiveLimits.DefaultMaxEntries, MaxCompressionRatio ?? ArchiveLimits.DefaultMaxCompressionRatio);

    /// <summary>The config file that was read, or null when there was none.</summary>
    public string? ConfigFilePath { get; internal set; }

    /// <summary>Things worth telling the user that are not errors, such as unknown keys in the config file.</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = Array.Empty<string>();

    /// <summary>Where the strategy setting came from ("-Strategy", "MODELPACK_STRATEGY", "the config file '...'"), for messages.</summary>
    public string DescribeStrategySource(SettingSource source) => DescribeSource(source, StrategyVariable, "-Strategy");

    /// <summary>"MODELPACK_STRATEGY", "the config file '/x/config.json'" or "-Strategy", for messages.</summary>
    internal string DescribeSource(SettingSource source, string variable, string parameter) => source switch
    {
        SettingSource.Parameter => parameter,
        SettingSource.EnvironmentVariable => variable,
        SettingSource.ConfigFile => "the config file " + DisplayText.Quote(ConfigFilePath),
        _ => "the default",
    };
}
