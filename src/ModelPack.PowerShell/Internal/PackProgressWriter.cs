using System;
using System.Management.Automation;
using ModelPack.Core.Packing;

namespace ModelPack.Internal;

/// <summary>
/// New-ModelArtifact's Write-Progress: one parent per artifact (files and bytes done, percent, rate,
/// time left) and one child per file (its path, kind, bytes and rate). Pipeline thread only.
/// </summary>
internal sealed class PackProgressWriter : ProgressWriter<PackProgress>
{
    private bool _started;

    public PackProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write)
        : base("New-ModelArtifact " + reference, nextActivityId, write)
    {
    }

    public override void Report(PackProgress progress)
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
                var rate = Tree.Observe(path, progress.FileBytesDone);
                var done = progress.FileBytesDone >= progress.FileBytesTotal;
                var status = Transferred($"{progress.Kind}: ", progress.FileBytesDone, progress.FileBytesTotal, rate);
                Tree.Child(path, "Packing " + path, status, ProgressText.Percent(progress.FileBytesDone, progress.FileBytesTotal), force: done);
                if (done)
                {
                    Tree.FinishChild(path);
                }

                Overall(progress);
                break;
            case PackStage.LayerDone:
                Overall(progress, force: progress.FilesDone == progress.FilesTotal);
                break;
            case PackStage.Storing:
                Tree.Parent("Storing the blobs and building the snapshot", 100, force: true);
                break;
        }
    }

    private void Overall(PackProgress progress, bool force = false) =>
        Overall(progress.BytesDone, progress.BytesTotal, $"{progress.FilesDone} of {progress.FilesTotal} files, ", force);
}
