using System;
using System.Management.Automation;
using ModelPack.Core.Transfer;

namespace ModelPack.Internal;

/// <summary>
/// Save-ModelArtifact's Write-Progress: one parent per artifact (bytes, percent, rate, time left) and
/// one child per layer (named by its file path; bytes, rate), throttled by <see cref="ProgressTree"/>, with
/// Completed records at the end. Runs on the pipeline thread only (fed by <see cref="PipelinePump"/>).
/// </summary>
internal sealed class PullProgressWriter : ProgressWriter<PullProgress>
{
    private readonly string _activity;
    private readonly Func<int> _nextActivityId;
    private readonly Action<ProgressRecord> _write;
    private ProgressRecord? _enginePull;

    public PullProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write)
        : base("Save-ModelArtifact " + reference, nextActivityId, write)
    {
        _activity = "Save-ModelArtifact " + reference;
        _nextActivityId = nextActivityId;
        _write = write;
    }

    /// <summary>A pull that an engine makes (podman reports no byte counts): one record for the whole pull.</summary>
    public void EnginePull(string status)
    {
        _enginePull = new ProgressRecord(_nextActivityId(), _activity, status) { PercentComplete = -1 };
        _write(_enginePull);
    }

    public override void Complete()
    {
        base.Complete();
        if (_enginePull is not null)
        {
            _write(new ProgressRecord(_enginePull.ActivityId, _enginePull.Activity, _enginePull.StatusDescription) { RecordType = ProgressRecordType.Completed });
        }
    }

    public override void Report(PullProgress progress)
    {
        switch (progress.Stage)
        {
            case PullStage.Resolving:
                Tree.Parent("Resolving the manifest", -1, force: true);
                break;
            case PullStage.Downloading:
            case PullStage.LayerDone:
                if (progress.LayerDigest is string digest)
                {
                    var done = progress.Stage == PullStage.LayerDone;
                    var rate = Tree.Observe(digest, progress.BytesDone);
                    // The file path names the bar (what a user recognises; the minimal view shows only the name and the status).
                    var activity = string.IsNullOrEmpty(progress.LayerPath) ? "Layer " + ProgressText.ShortDigest(digest) : progress.LayerPath!;
                    var status = Transferred(string.Empty, progress.BytesDone, progress.BytesTotal, rate);
                    if (rate <= 0 && done && Tree.TransferredBy(digest) == 0)
                    {
                        status += ", already in the store";
                    }

                    Tree.Child(digest, activity, status, ProgressText.Percent(progress.BytesDone, progress.BytesTotal), force: done);
                    if (done)
                    {
                        Tree.FinishChild(digest);
                    }
                }

                Overall(progress);
                break;
            case PullStage.Materializing:
                Tree.Parent("Building the snapshot", 100, force: true);
                break;
            case PullStage.Completed:
                Overall(progress);
                break;
        }
    }

    private void Overall(PullProgress progress) => Overall(progress.ArtifactBytesDone, progress.ArtifactBytesTotal);
}
