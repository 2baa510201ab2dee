using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;

namespace ModelPack.Internal;

/// <summary>
/// One parent progress record and a child per item (a file, a blob), each written at most every
/// <see cref="Interval"/> unless forced, with Completed records when an item or the whole operation
/// ends. Also measures each child's transfer rate. Pipeline thread only (fed through <see cref="PipelinePump"/>).
/// </summary>
internal sealed class ProgressTree
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly Action<ProgressRecord> _write;
    private readonly Func<int> _nextActivityId;
    private readonly string _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, ChildSlot> _children = new(StringComparer.Ordinal);
    private readonly Slot _parent;

    public ProgressTree(string activity, Func<int> nextActivityId, Action<ProgressRecord> write)
    {
        _activity = activity;
        _nextActivityId = nextActivityId;
        _write = write;
        _parent = new Slot(nextActivityId());
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Bytes moved by every child since its first report (what the overall rate is made of).</summary>
    public long Transferred
    {
        get
        {
            long sum = 0;
            foreach (var child in _children.Values)
            {
                sum += child.Transferred;
            }

            return sum;
        }
    }

    /// <summary>Overall bytes per second so far (0 before anything moved).</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Transferred / Elapsed.TotalSeconds : 0;

    public void Parent(string status, int percent = -1, int secondsRemaining = -1, bool force = false) =>
        Update(_parent, new ProgressRecord(_parent.Id, _activity, status) { PercentComplete = percent, SecondsRemaining = secondsRemaining }, force);

    /// <summary>Records <paramref name="bytes"/> for the child <paramref name="key"/> and returns its rate in bytes per second (0 when unknown).</summary>
    public double Observe(string key, long bytes)
    {
        var child = ChildFor(key);
        child.Observe(bytes, Elapsed);
        return child.BytesPerSecond(Elapsed);
    }

    /// <summary>Bytes moved by one child since its first report.</summary>
    public long TransferredBy(string key) => _children.TryGetValue(key, out var child) ? child.Transferred : 0;

    public void Child(string key, string activity, string status, int percent, bool force = false)
    {
        var child = ChildFor(key);
        Update(child, new ProgressRecord(child.Id, activity, status) { ParentActivityId = _parent.Id, PercentComplete = percent }, force);
    }

    /// <summary>Writes the child's latest state and then its Completed record.</summary>
    public void FinishChild(string key)
    {
        if (_children.TryGetValue(key, out var child))
        {
            Finish(child);
        }
    }

    /// <summary>Writes records whose latest state was held back by the throttle.</summary>
    public void Flush()
    {
        foreach (var child in _children.Values)
        {
            Update(child, null, force: false);
        }

        Update(_parent, null, force: false);
    }

    /// <summary>Completed records for every child still open and for the parent.</summary>
    public void Complete()
    {
        foreach (var child in _children.Values)
        {
            Finish(child);
        }

        Finish(_parent);
    }

    private ChildSlot ChildFor(string key)
    {
        if (!_children.TryGetValue(key, out var child))
        {
            child = new ChildSlot(_nextActivityId());
            _children.Add(key, child);
        }

        return child;
    }

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

        var now = Elapsed;
        if (slot.Dirty && slot.Latest is not null && (force || slot.LastWrite is null || now - slot.LastWrite.Value >= Interval))
        {
            _write(slot.Latest);
            slot.Dirty = false;
            slot.LastWrite = now;
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

    private sealed class ChildSlot : Slot
    {
        private long _firstBytes = -1;
        private TimeSpan _firstSeen;
        private long _lastBytes;

        public ChildSlot(int id)
            : base(id)
        {
        }

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
