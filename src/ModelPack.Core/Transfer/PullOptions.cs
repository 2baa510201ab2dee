using System;

namespace ModelPack.Core.Transfer;

/// <summary>How <see cref="StorePull.PullAsync(Store.ModelStore, Registry.RegistryClient, References.ModelReference, PullOptions?, System.Threading.CancellationToken)"/> behaves.</summary>
public sealed class PullOptions
{
    /// <summary>Re-fetch the manifest, config and every blob even when the store already has them.</summary>
    public bool Force { get; set; }

    /// <summary>Layers downloaded at once (default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Byte-level progress, reported from download threads.</summary>
    public IProgress<PullProgress>? Progress { get; set; }

    /// <summary>
    /// Download only the layers this filter takes (a partial pull; the stored artifact is marked partial). Null or empty:
    /// every layer, which also completes an artifact a partial pull left incomplete. For ModelPack artifacts only.
    /// </summary>
    public PartialPulls.LayerFilter? Layers { get; set; }

    /// <summary>Verbose log lines (never secrets).</summary>
    public Action<string>? Log { get; set; }
}
