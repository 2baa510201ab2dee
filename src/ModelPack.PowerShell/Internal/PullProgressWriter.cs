using System;
using System.Management.Automation;
using ModelPack.Core.Transfer;

namespace ModelPack.Internal;

/// <summary>
/// Save-ModelArtifact's Write-Progress: one parent per artifact (bytes, percent, rate, time left) and
/// one child per layer (named by its file path; bytes, rate), throttled by <see cref="ProgressTree"/>, with
/// Completed records at the end. Runs on the pipeline thread only (fed by <see cref="PipelinePump"/>).
/// </summary>
internal sealed class PullProgressWriter
{
    private readonly ProgressTree _tree;

    public PullProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write) =>
        _tree = new ProgressTree("Save-ModelArtifact " + reference, nextActivityId, write);

    public void Report(PullProgress progress)
    {
        switch (progress.Stage)
        {
            case PullStage.Resolving:
                _tree.Parent("Resolving the manifest", -1, force: true);
                break;
            case PullStage.Downloading:
            case PullStage.LayerDone:
                if (progress.LayerDigest is string digest)
                {
                    var done = progress.Stage == PullStage.LayerDone;
                    var rate = _tree.Observe(digest, progress.BytesDone);
                    // The file path names the bar (what a user recognises; the minimal view shows only the name and the status).
                    var activity = string.IsNullOrEmpty(progress.LayerPath) ? "Layer " + ProgressText.ShortDigest(digest) : progress.LayerPath!;
                    var status = $"{ProgressText.Size(progress.BytesDone)} of {ProgressText.Size(progress.BytesTotal)}";
                    if (rate > 0)
                    {
                        status += ", " + ProgressText.Rate(rate);
                    }
                    else if (done && _tree.TransferredBy(digest) == 0)
                    {
                        status += ", already in the store";
                    }

                    _tree.Child(digest, activity, status, ProgressText.Percent(progress.BytesDone, progress.BytesTotal), force: done);
                    if (done)
                    {
                        _tree.FinishChild(digest);
                    }
                }

                Overall(progress);
                break;
            case PullStage.Materializing:
                _tree.Parent("Building the snapshot", 100, force: true);
                break;
            case PullStage.Completed:
                Overall(progress);
                break;
        }
    }

    /// <summary>Writes records whose latest state was held back by the throttle.</summary>
    public void Flush() => _tree.Flush();

    /// <summary>Completed records for every layer still open and for the artifact.</summary>
    public void Complete() => _tree.Complete();

    private void Overall(PullProgress progress)
    {
        var percent = ProgressText.Percent(progress.ArtifactBytesDone, progress.ArtifactBytesTotal);
        var status = $"{ProgressText.Size(progress.ArtifactBytesDone)} of {ProgressText.Size(progress.ArtifactBytesTotal)}";
        if (percent >= 0)
        {
            status += $" ({percent} %)";
        }

        var rate = _tree.Rate;
        if (rate > 0)
        {
            status += ", " + ProgressText.Rate(rate);
        }

        var remaining = rate > 0 ? (int)Math.Ceiling((progress.ArtifactBytesTotal - progress.ArtifactBytesDone) / rate) : -1;
        _tree.Parent(status, percent, remaining);
    }
}
