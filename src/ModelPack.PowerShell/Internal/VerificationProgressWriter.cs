using System;
using System.Management.Automation;
using ModelPack.Core.Validation;

namespace ModelPack.Internal;

/// <summary>
/// Test-ModelArtifact's Write-Progress for a stored artifact: one record per artifact (which blob or
/// snapshot file is being hashed, of how many) and, during -Repair, a child per blob downloaded again
/// (bytes and rate). Pipeline thread only.
/// </summary>
internal sealed class VerificationProgressWriter
{
    private const string DownloadPrefix = "download ";
    private readonly ProgressTree _tree;

    public VerificationProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write) =>
        _tree = new ProgressTree("Test-ModelArtifact " + reference, nextActivityId, write);

    public void Report(VerificationProgress progress)
    {
        if (progress.Item.StartsWith(DownloadPrefix, StringComparison.Ordinal))
        {
            var path = progress.Item.Substring(DownloadPrefix.Length);
            var rate = _tree.Observe(progress.Item, progress.BytesDone);
            var status = $"{path}: {ProgressText.Size(progress.BytesDone)} of {ProgressText.Size(progress.BytesTotal)}";
            if (rate > 0)
            {
                status += ", " + ProgressText.Rate(rate);
            }

            var done = progress.BytesTotal > 0 && progress.BytesDone >= progress.BytesTotal;
            _tree.Child(progress.Item, "Downloading " + path + " again", status, ProgressText.Percent(progress.BytesDone, progress.BytesTotal), force: done);
            if (done)
            {
                _tree.FinishChild(progress.Item);
            }

            return;
        }

        var step = Math.Min(progress.ItemsDone + 1, Math.Max(progress.ItemsTotal, 1));
        _tree.Parent($"Verifying {progress.Item} ({step} of {progress.ItemsTotal})", ProgressText.Percent(progress.ItemsDone, progress.ItemsTotal));
    }

    public void Flush() => _tree.Flush();

    public void Complete() => _tree.Complete();
}
