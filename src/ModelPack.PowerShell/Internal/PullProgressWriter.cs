using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using ModelPack.Core.Store;

namespace ModelPack.Internal;

/// <summary>
/// Turns a pull's <see cref="PullProgress"/> reports into Write-Progress records: one parent per
/// artifact (bytes, percent, rate, time left) and one child per layer (file path, bytes, rate),
/// each written at most every <see cref="Interval"/> except when its stage changes, and Completed
/// records at the end. Runs on the pipeline thread only (fed by <see cref="PipelinePump"/>).
/// </summary>
internal sealed class PullProgressWriter
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private const double Megabyte = 1024 * 1024;

    private readonly Action<ProgressRecord> _write;
    private readonly Func<int> _nextActivityId;
    private readonly string _reference;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, LayerState> _layers = new(StringComparer.Ordinal);
    private readonly Slot _parent;

    public PullProgressWriter(string reference, Func<int> nextActivityId, Action<ProgressRecord> write)
    {
        _reference = reference;
        _nextActivityId = nextActivityId;
        _write = write;
        _parent = new Slot(nextActivityId());
    }

    public int ParentActivityId => _parent.Id;

    private string Activity => "Save-ModelArtifact " + _reference;

    public void Report(PullProgress progress)
    {
        switch (progress.Stage)
        {
            case PullStage.Resolving:
                Update(_parent, Parent("Resolving the manifest", -1, -1), force: true);
                break;
            case PullStage.Downloading:
            case PullStage.LayerDone:
                if (progress.LayerDigest is not null)
                {
                    var done = progress.Stage == PullStage.LayerDone;
                    var layer = LayerFor(progress);
                    layer.Observe(progress.BytesDone, Now);
                    Update(layer, Child(layer, progress, done), force: done);
                    if (done)
                    {
                        Finish(layer);
                    }
                }

                UpdateParentBytes(progress);
                break;
            case PullStage.Materializing:
                Update(_parent, Parent("Building the snapshot", 100, -1), force: true);
                break;
            case PullStage.Completed:
                UpdateParentBytes(progress);
                break;
        }
    }

    /// <summary>Writes records whose latest state was held back by the throttle.</summary>
    public void Flush()
    {
        foreach (var layer in _layers.Values)
        {
            Update(layer, null, force: false);
        }

        Update(_parent, null, force: false);
    }

    /// <summary>Completed records for every layer still open and for the artifact.</summary>
    public void Complete()
    {
        foreach (var layer in _layers.Values)
        {
            Finish(layer);
        }

        Finish(_parent);
    }

    private TimeSpan Now => _clock.Elapsed;

    private static string Size(long bytes) => bytes >= Megabyte
        ? (bytes / Megabyte).ToString("N1", CultureInfo.CurrentCulture) + " MB"
        : (bytes / 1024.0).ToString("N1", CultureInfo.CurrentCulture) + " KB";

    private static int Percent(long done, long total) =>
        total <= 0 ? -1 : (int)Math.Max(0, Math.Min(100, done * 100 / total));

    private static string Rate(double bytesPerSecond) =>
        (bytesPerSecond / Megabyte).ToString("N1", CultureInfo.CurrentCulture) + " MB/s";

    private LayerState LayerFor(PullProgress progress)
    {
        if (!_layers.TryGetValue(progress.LayerDigest!, out var layer))
        {
            var path = string.IsNullOrEmpty(progress.LayerPath) ? progress.LayerDigest! : progress.LayerPath!;
            layer = new LayerState(_nextActivityId(), progress.LayerDigest!, path);
            _layers.Add(progress.LayerDigest!, layer);
        }

        return layer;
    }

    private ProgressRecord Child(LayerState layer, PullProgress progress, bool done)
    {
        var status = $"{layer.Path}: {Size(progress.BytesDone)} of {Size(progress.BytesTotal)}";
        var rate = layer.BytesPerSecond(Now);
        if (rate > 0)
        {
            status += ", " + Rate(rate);
        }
        else if (done && layer.Transferred == 0)
        {
            status += ", already in the store";
        }

        var digest = layer.Digest;
        var shortDigest = digest.Length > 19 ? digest.Substring(0, 19) : digest;
        return new ProgressRecord(layer.Id, "Layer " + shortDigest, status)
        {
            ParentActivityId = _parent.Id,
            PercentComplete = Percent(progress.BytesDone, progress.BytesTotal),
        };
    }

    private void UpdateParentBytes(PullProgress progress)
    {
        var transferred = 0L;
        foreach (var layer in _layers.Values)
        {
            transferred += layer.Transferred;
        }

        var seconds = Now.TotalSeconds;
        var rate = seconds > 0 ? transferred / seconds : 0;
        var status = $"{Size(progress.ArtifactBytesDone)} of {Size(progress.ArtifactBytesTotal)}";
        var percent = Percent(progress.ArtifactBytesDone, progress.ArtifactBytesTotal);
        if (percent >= 0)
        {
            status += $" ({percent} %)";
        }

        if (rate > 0)
        {
            status += ", " + Rate(rate);
        }

        var remaining = rate > 0 ? (int)Math.Ceiling((progress.ArtifactBytesTotal - progress.ArtifactBytesDone) / rate) : -1;
        Update(_parent, Parent(status, percent, remaining), force: false);
    }

    private ProgressRecord Parent(string status, int percent, int secondsRemaining) =>
        new(_parent.Id, Activity, status) { PercentComplete = percent, SecondsRemaining = secondsRemaining };

    private void Update(Slot slot, ProgressRecord? latest, bool force)
    {
        if (slot.Finished)
        {
            return;
        }

        if (latest is not null)
        {
            slot.Latest = latest;
            slot.Dirty = true;
        }

        if (slot.Dirty && slot.Latest is not null && (force || slot.LastWrite is null || Now - slot.LastWrite.Value >= Interval))
        {
            _write(slot.Latest);
            slot.Dirty = false;
            slot.LastWrite = Now;
        }
    }

    private void Finish(Slot slot)
    {
        if (slot.Finished || slot.Latest is null)
        {
            return;
        }

        Update(slot, null, force: true);
        var latest = slot.Latest;
        _write(new ProgressRecord(latest.ActivityId, latest.Activity, latest.StatusDescription)
        {
            ParentActivityId = latest.ParentActivityId,
            PercentComplete = latest.PercentComplete < 0 ? -1 : 100,
            RecordType = ProgressRecordType.Completed,
        });
        slot.Finished = true;
    }

    private class Slot
    {
        public Slot(int id) => Id = id;

        public int Id { get; }

        public ProgressRecord? Latest { get; set; }

        public bool Dirty { get; set; }

        public TimeSpan? LastWrite { get; set; }

        public bool Finished { get; set; }
    }

    private sealed class LayerState : Slot
    {
        private long _firstBytes = -1;
        private TimeSpan _firstSeen;
        private long _lastBytes;

        public LayerState(int id, string digest, string path)
            : base(id)
        {
            Digest = digest;
            Path = path;
        }

        public string Digest { get; }

        public string Path { get; }

        /// <summary>Bytes received since the first report (a resumed download starts at its offset; a blob already stored reports its size at once).</summary>
        public long Transferred => _firstBytes < 0 ? 0 : Math.Max(0, _lastBytes - _firstBytes);

        public void Observe(long bytes, TimeSpan now)
        {
            if (_firstBytes < 0)
            {
                _firstBytes = bytes;
                _firstSeen = now;
            }

            _lastBytes = Math.Max(_lastBytes, bytes);
        }

        public double BytesPerSecond(TimeSpan now)
        {
            var seconds = (now - _firstSeen).TotalSeconds;
            return seconds > 0 && Transferred > 0 ? Transferred / seconds : 0;
        }
    }
}
