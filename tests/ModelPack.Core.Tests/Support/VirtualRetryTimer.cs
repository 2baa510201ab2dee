using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A retry timer whose waits take no real time: each wait is recorded and moves the timer's clock
/// forward, so the retry budget sees backoff and Retry-After as if they had been slept. Real time
/// (timeouts, transfers) still counts too.
/// </summary>
internal sealed class VirtualRetryTimer : RetryTimer
{
    private readonly Stopwatch _real = Stopwatch.StartNew();
    private long _virtualTicks;

    /// <summary>Every wait asked for, in order.</summary>
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public TimeSpan TotalDelay => TimeSpan.FromTicks(Delays.Sum(d => d.Ticks));

    public override TimeSpan Now => _real.Elapsed + TimeSpan.FromTicks(Interlocked.Read(ref _virtualTicks));

    public override Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Delays.Enqueue(delay);
        Interlocked.Add(ref _virtualTicks, delay.Ticks);
        return Task.CompletedTask;
    }
}
