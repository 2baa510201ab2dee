using System;
using System.Management.Automation;
using ModelPack.Core.Packing;
using ModelPack.Core.Transfer;
using ModelPack.Core.Registry;

namespace ModelPack.Internal;

/// <summary>
/// Publish-ModelArtifact's Write-Progress: one parent per artifact (bytes in the repository of the
/// total, rate, time left) and one child per blob (its file path, bytes sent and rate, then how it
/// got there). Pipeline thread only.
/// </summary>
internal sealed class PublishProgressWriter
{
    private readonly ProgressTree _tree;

    public PublishProgressWriter(string destination, Func<int> nextActivityId, Action<ProgressRecord> write) =>
        _tree = new ProgressTree("Publish-ModelArtifact " + destination, nextActivityId, write);

    public void Report(PublishProgress progress)
    {
        switch (progress.Stage)
        {
            case PublishStage.Checking:
                _tree.Parent("Checking what the registry already has", -1, force: true);
                break;
            case PublishStage.Uploading when progress.BlobDigest is not null:
                var rate = _tree.Observe(progress.BlobDigest, progress.BlobBytesDone);
                var status = $"{progress.BlobPath}: {ProgressText.Size(progress.BlobBytesDone)} of {ProgressText.Size(progress.BlobBytesTotal)}";
                if (rate > 0)
                {
                    status += ", " + ProgressText.Rate(rate);
                }

                _tree.Child(progress.BlobDigest, Activity(progress.BlobDigest), status, ProgressText.Percent(progress.BlobBytesDone, progress.BlobBytesTotal));
                Overall(progress);
                break;
            case PublishStage.BlobDone when progress.BlobDigest is not null:
                var how = progress.Outcome switch
                {
                    BlobCopyOutcome.AlreadyExists => "already in the repository",
                    BlobCopyOutcome.Mounted => "mounted from another repository",
                    _ => "uploaded",
                };
                _tree.Child(progress.BlobDigest, Activity(progress.BlobDigest), $"{progress.BlobPath}: {ProgressText.Size(progress.BlobBytesTotal)}, {how}", 100, force: true);
                _tree.FinishChild(progress.BlobDigest);
                Overall(progress);
                break;
            case PublishStage.Manifest:
                _tree.Parent("Pushing the manifest", 100, force: true);
                break;
        }
    }

    public void Flush() => _tree.Flush();

    public void Complete() => _tree.Complete();

    private static string Activity(string digest) => "Blob " + ProgressText.ShortDigest(digest);

    private void Overall(PublishProgress progress)
    {
        var percent = ProgressText.Percent(progress.BytesDone, progress.BytesTotal);
        var status = $"{ProgressText.Size(progress.BytesDone)} of {ProgressText.Size(progress.BytesTotal)}";
        if (percent >= 0)
        {
            status += $" ({percent} %)";
        }

        var rate = _tree.Rate;
        if (rate > 0)
        {
            status += ", " + ProgressText.Rate(rate);
        }

        var remaining = rate > 0 ? (int)Math.Ceiling((progress.BytesTotal - progress.BytesDone) / rate) : -1;
        _tree.Parent(status, percent, remaining);
    }
}
