using System;

namespace ModelPack.Core.Transfer;

/// <summary>How <see cref="StorePull.PullAsync(Store.ModelStore, Registry.RegistryClient, References.ModelReference, PullOptions?, System.Threading.CancellationToken)"/> behaves.</summary>
public sealed class PullOptions
{
    /// <summary>Re-fetch the manifest, config and every blob even when the store already has them.</summary>
    public bool Force { get; set; }

    /// <summary>Connections open at once (default 8): one per layer being downloaded, and those a large layer's parts use (<see cref="ConnectionsPerBlob"/>).</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// How many connections one large blob may use at once, its parts fetched with Range requests (default 8; 1
    /// downloads every blob in one stream). They come out of <see cref="Concurrency"/>: a blob takes more only
    /// while no other blob waits for one.
    /// </summary>
    public int ConnectionsPerBlob { get; set; } = RangedFetch.DefaultConnectionsPerBlob;

    /// <summary>The size of those parts in bytes (default 32 MiB); blobs under two parts download in one stream.</summary>
    public long PartSize { get; set; } = RangedFetch.DefaultPartSize;

    /// <summary>How the pull fetches a blob's bytes.</summary>
    internal IBlobFetch Fetch() => ConnectionsPerBlob > 1 ? new RangedFetch(PartSize, ConnectionsPerBlob) : SequentialFetch.Instance;

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
