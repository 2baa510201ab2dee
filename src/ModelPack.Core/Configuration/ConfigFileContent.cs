using System;
using System.Collections.Generic;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;

namespace ModelPack.Core.Configuration;

/// <summary>The settings one config file sets; null where the file is silent.</summary>
internal sealed class ConfigFileContent
{
    public StrategyName? Strategy { get; set; }

    public string? Engine { get; set; }

    public string? Store { get; set; }

    public IReadOnlyList<string>? InsecureRegistries { get; set; }

    public int? MaxRetry { get; set; }

    public int? Concurrency { get; set; }

    public int? ConnectionsPerBlob { get; set; }

    /// <summary>In bytes (the file says MiB).</summary>
    public long? RangedPartSize { get; set; }

    public StoreDurability? Durability { get; set; }

    public long? MinTransferRate { get; set; }

    public TimeSpan? TransferRateWindow { get; set; }

    public int? MaxLayerEntries { get; set; }

    public double? MaxCompressionRatio { get; set; }

    public List<string> Warnings { get; } = new();
}
