using System;
using System.Management.Automation;
using ModelPack.Core.Packing;

namespace ModelPack.Internal;

/// <summary>
/// New-ModelArtifact's Write-Progress: one parent per artifact (files and bytes done, percent, rate,
/// time left) and one child per file (its path, kind, bytes and rate). Pipeline thread only.
/// </summary>
internal sealed class PackProgressWriter
{
    private readonly ProgressTree _tree;
    private bool _started;

    public PackProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write) =>
        _tree = new ProgressTree("New-ModelArtifact " + reference, nextActivityId, write);

    public void Report(PackProgress progress)
    {
        if (!_started)
        {
            // The parent first, so hosts show each file's record under it.
            _started = true;
            Overall(progress, force: true);
        }

        switch (progress.Stage)
        {
            case PackStage.Packing when progress.FilePath is not null:
                var path = progress.FilePath;
                var rate = _tree.Observe(path, progress.FileBytesDone);
                var done = progress.FileBytesDone >= progress.FileBytesTotal;
                var status = $"{progress.Kind}: {ProgressText.Size(progress.FileBytesDone)} of {ProgressText.Size(progress.FileBytesTotal)}";
                if (rate > 0)
                {
                    status += ", " + ProgressText.Rate(rate);
                }

                _tree.Child(path, "Packing " + path, status, ProgressText.Percent(progress.FileBytesDone, progress.FileBytesTotal), force: done);
                if (done)
                {
                    _tree.FinishChild(path);
                }

                Overall(progress);
                break;
            case PackStage.LayerDone:
                Overall(progress, force: progress.FilesDone == progress.FilesTotal);
                break;
            case PackStage.Storing:
                _tree.Parent("Storing the blobs and building the snapshot", 100, force: true);
                break;
        }
    }

    public void Flush() => _tree.Flush();

    public void Complete() => _tree.Complete();

    private void Overall(PackProgress progress, bool force = false)
    {
        var percent = ProgressText.Percent(progress.BytesDone, progress.BytesTotal);
        var status = $"{progress.FilesDone} of {progress.FilesTotal} files, {ProgressText.Size(progress.BytesDone)} of {ProgressText.Size(progress.BytesTotal)}";
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
        _tree.Parent(status, percent, remaining, force);
    }
}
