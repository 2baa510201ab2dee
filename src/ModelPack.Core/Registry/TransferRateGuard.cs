using System;
using System.Globalization;
using System.Threading;

namespace ModelPack.Core.Registry;

/// <summary>
/// A minimum transfer rate over a sliding window, like curl's <c>--speed-limit</c>/<c>--speed-time</c>: once a
/// transfer has run for <see cref="Window"/>, <see cref="Token"/> is cancelled as soon as fewer than
/// <see cref="MinBytesPerSecond"/> × window bytes arrived within the last window. An idle timeout alone is not
/// enough: a registry that drips one byte a second restarts it on every byte and never ends. The window is
/// kept as eight slices, so a transfer is judged at most an eighth of the window late.
/// </summary>
internal sealed class TransferRateGuard : IDisposable
{
    private const int Slices = 8;
    private readonly long[] _slices = new long[Slices];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _tooSlow = new();
    private readonly Timer? _timer;
    private int _current;
    private int _ticks;

    private TransferRateGuard(long minBytesPerSecond, TimeSpan window)
    {
        MinBytesPerSecond = minBytesPerSecond;
        Window = window;
        if (minBytesPerSecond > 0 && window > TimeSpan.Zero)
        {
            var slice = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, window.Ticks / Slices));
            _timer = new Timer(_ => Tick(), null, slice, slice);
        }
    }

    public long MinBytesPerSecond { get; }

    public TimeSpan Window { get; }

    /// <summary>Cancelled when the transfer is too slow; never, when the guard is off (rate 0).</summary>
    public CancellationToken Token => _tooSlow.Token;

    public bool TooSlow => _tooSlow.IsCancellationRequested;

    /// <summary>Bytes received within the window that was judged too slow.</summary>
    public long BytesInLastWindow { get; private set; }

    /// <summary>Starts watching a transfer; a rate of 0 or an empty window turns the guard off.</summary>
    public static TransferRateGuard Start(long minBytesPerSecond, TimeSpan window) => new(minBytesPerSecond, window);

    /// <summary>Records bytes that arrived.</summary>
    public void Add(long bytes)
    {
        lock (_gate)
        {
            _slices[_current] += bytes;
        }
    }

    /// <summary>"12 bytes in the last 30 s, less than the 1024 bytes/s", for messages.</summary>
    public string Describe() => string.Format(
        CultureInfo.InvariantCulture,
        "{0} bytes in the last {1} s, below the minimum transfer rate of {2} bytes/s",
        BytesInLastWindow,
        RetryPolicy.Seconds(Window),
        MinBytesPerSecond);

    public void Dispose()
    {
        _timer?.Dispose();
        _tooSlow.Dispose();
    }

    private void Tick()
    {
        var tooSlow = false;
        lock (_gate)
        {
            if (_tooSlow.IsCancellationRequested)
            {
                return;
            }

            _ticks++;
            if (_ticks >= Slices)
            {
                long sum = 0;
                foreach (var bytes in _slices)
                {
                    sum += bytes;
                }

                if (sum < MinBytesPerSecond * Window.TotalSeconds)
                {
                    BytesInLastWindow = sum;
                    tooSlow = true;
                }
            }

            _current = (_current + 1) % Slices;
            _slices[_current] = 0;
        }

        if (tooSlow)
        {
            // Outside the lock: cancelling runs the reader's cancellation callbacks on this thread.
            try
            {
                _timer?.Change(Timeout.Infinite, Timeout.Infinite);
                _tooSlow.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The transfer ended as the timer fired.
            }
        }
    }
}
