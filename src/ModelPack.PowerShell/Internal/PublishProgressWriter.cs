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
internal sealed class PublishProgressWriter : ProgressWriter<PublishProgress>
{
    public PublishProgressWriter(string destination, Func<int> nextActivityId, Action<ProgressRecord> write)
        : base("Publish-ModelArtifact " + destination, nextActivityId, write)
    {
    }

    public override void Report(PublishProgress progress)
    {
        switch (progress.Stage)
        {
            case PublishStage.Checking:
                Tree.Parent("Checking what the registry already has", -1, force: true);
                break;
            case PublishStage.Uploading when progress.BlobDigest is not null:
                var rate = Tree.Observe(progress.BlobDigest, progress.BlobBytesDone);
                var status = Transferred($"{progress.BlobPath}: ", progress.BlobBytesDone, progress.BlobBytesTotal, rate);
                Tree.Child(progress.BlobDigest, Activity(progress.BlobDigest), status, ProgressText.Percent(progress.BlobBytesDone, progress.BlobBytesTotal));
                Overall(progress);
                break;
            case PublishStage.BlobDone when progress.BlobDigest is not null:
                var how = progress.Outcome switch
                {
                    BlobCopyOutcome.AlreadyExists => "already in the repository",
                    BlobCopyOutcome.Mounted => "mounted from another repository",
                    _ => "uploaded",
                };
                Tree.Child(progress.BlobDigest, Activity(progress.BlobDigest), $"{progress.BlobPath}: {ProgressText.Size(progress.BlobBytesTotal)}, {how}", 100, force: true);
                Tree.FinishChild(progress.BlobDigest);
                Overall(progress);
                break;
            case PublishStage.Manifest:
                Tree.Parent("Pushing the manifest", 100, force: true);
                break;
        }
    }

    private static string Activity(string digest) => "Blob " + ProgressText.ShortDigest(digest);

    private void Overall(PublishProgress progress) => Overall(progress.BytesDone, progress.BytesTotal);
}
