using System;
using System.Management.Automation;
using ModelPack.Core.Validation;

namespace ModelPack.Internal;

/// <summary>
/// Test-ModelArtifact's Write-Progress for a stored artifact: one record per artifact (which blob or
/// snapshot file is being hashed, of how many) and, during -Repair, a child per blob downloaded again
/// (bytes and rate). Pipeline thread only.
/// </summary>
internal sealed class VerificationProgressWriter : ProgressWriter<VerificationProgress>
{
    private const string DownloadPrefix = "download ";

    public VerificationProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write)
        : base("Test-ModelArtifact " + reference, nextActivityId, write)
    {
    }

    public override void Report(VerificationProgress progress)
    {
        if (progress.Item.StartsWith(DownloadPrefix, StringComparison.Ordinal))
        {
            var path = progress.Item.Substring(DownloadPrefix.Length);
            var rate = Tree.Observe(progress.Item, progress.BytesDone);
            var status = Transferred($"{path}: ", progress.BytesDone, progress.BytesTotal, rate);

            var done = progress.BytesTotal > 0 && progress.BytesDone >= progress.BytesTotal;
            Tree.Child(progress.Item, "Downloading " + path + " again", status, ProgressText.Percent(progress.BytesDone, progress.BytesTotal), force: done);
            if (done)
            {
                Tree.FinishChild(progress.Item);
            }

            return;
        }

        var step = Math.Min(progress.ItemsDone + 1, Math.Max(progress.ItemsTotal, 1));
        Tree.Parent($"Verifying {progress.Item} ({step} of {progress.ItemsTotal})", ProgressText.Percent(progress.ItemsDone, progress.ItemsTotal));
    }
}
