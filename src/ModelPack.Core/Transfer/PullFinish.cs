using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The end every pull shares once its blobs are in the store: the snapshot is built (afresh under Force), the
/// reference is tagged last, and the result says what was transferred.
/// </summary>
internal sealed class PullFinish
{
    /// <param name="copied">What the copies did for each blob.</param>
    /// <param name="total">The bytes of all the pull's blobs.</param>
    /// <param name="config">The ModelPack config (null for an image).</param>
    /// <param name="what">The log line's start, with <c>{0}</c> for the reference.</param>
    /// <param name="remark">What the log line adds at its end.</param>
    public PullFinish(IReadOnlyList<BlobCopyResult> copied, long total, ModelConfig? config, string what, string remark = "")
    {
        Copied = copied;
        Total = total;
        Config = config;
        What = what;
        Remark = remark;
    }

    public IReadOnlyList<BlobCopyResult> Copied { get; }

    public long Total { get; }

    public ModelConfig? Config { get; }

    public string What { get; }

    public string Remark { get; }

    /// <summary>For a partial pull, the layers the artifact will hold (<see cref="PartialPulls.PartialLayers"/>); null for all.</summary>
    public IReadOnlyList<int>? Present { get; set; }

    /// <summary>The copy options of a pull's blobs.</summary>
    public static CopyOptions Copy(PullOptions options, Action<TransferProgress>? progress) =>
        new() { Concurrency = options.Concurrency, Force = options.Force, Log = options.Log, Progress = progress };

    public async Task<PullResult> RunAsync(ModelStore store, PullStart start, StoreWrites writes, PullOptions options, CancellationToken cancellationToken)
    {
        var (refName, resolved, total, progress) = (start.RefName, start.Resolved, Total, options.Progress);
        var manifest = resolved.Manifest;
        progress?.Report(new PullProgress(refName, PullStage.Materializing, total, total));
        if (options.Force)
        {
            store.DeleteSnapshot(manifest.Digest);
        }

        var snapshot = await store.BuildSnapshotAsync(manifest, refName, cancellationToken, Present).ConfigureAwait(false);
        progress?.Report(new PullProgress(refName, PullStage.Tagging, total, total));
        store.Tag(refName, resolved, writes, Present, cancellationToken);
        var artifact = new ModelArtifact(refName, manifest, Config, ModelStore.StrategyName, snapshot, store.Root).WithPresentLayers(Present);
        progress?.Report(new PullProgress(refName, PullStage.Completed, total, total));
        var transferred = Copied.Sum(c => c.BytesTransferred);
        var downloaded = Copied.Count(c => c.BytesTransferred > 0);
        options.Log?.Invoke(string.Format(CultureInfo.InvariantCulture, What, refName) + $" ({manifest.Digest}): {downloaded} blob(s), {transferred} bytes transferred{Remark}.");
        return new PullResult(artifact, upToDate: false, transferred, downloaded);
    }
}
