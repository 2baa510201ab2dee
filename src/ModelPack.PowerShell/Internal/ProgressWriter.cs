using System;
using System.Management.Automation;

namespace ModelPack.Internal;

/// <summary>
/// A cmdlet's Write-Progress for one operation: one parent record (overall bytes, percent, rate, time left)
/// and a child per item, on a <see cref="ProgressTree"/> (throttled, Completed records at the end). Subclasses
/// turn Core's reports into records. Pipeline thread only (fed by <see cref="PipelinePump"/>).
/// </summary>
internal abstract class ProgressWriter<T>
{
    protected ProgressWriter(string activity, Func<int> nextActivityId, Action<ProgressRecord> write) =>
        Tree = new ProgressTree(activity, nextActivityId, write);

    protected ProgressTree Tree { get; }

    public abstract void Report(T progress);

    /// <summary>Writes records whose latest state was held back by the throttle.</summary>
    public void Flush() => Tree.Flush();

    /// <summary>Completed records for every item still open and for the operation.</summary>
    public virtual void Complete() => Tree.Complete();

    /// <summary>"<paramref name="text"/>1.0 MB of 4.0 MB, 2.0 MB/s": an item's bytes and, once known, its rate.</summary>
    protected static string Transferred(string text, long done, long total, double rate)
    {
        var status = $"{text}{ProgressText.Size(done)} of {ProgressText.Size(total)}";
        return rate > 0 ? status + ", " + ProgressText.Rate(rate) : status;
    }

    /// <summary>The parent: "<paramref name="text"/>1.0 MB of 4.0 MB (25 %), 2.0 MB/s" with the time left at that rate.</summary>
    protected void Overall(long done, long total, string text = "", bool force = false)
    {
        var percent = ProgressText.Percent(done, total);
        var status = $"{text}{ProgressText.Size(done)} of {ProgressText.Size(total)}";
        if (percent >= 0)
        {
            status += $" ({percent} %)";
        }

        var rate = Tree.Rate;
        if (rate > 0)
        {
            status += ", " + ProgressText.Rate(rate);
        }

        var remaining = rate > 0 ? (int)Math.Ceiling((total - done) / rate) : -1;
        Tree.Parent(status, percent, remaining, force);
    }
}
