using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// Time as the retry logic sees it: a monotonic "now" for the retry budget and the waits between
/// attempts. Tests substitute a virtual timer so backoff and Retry-After never sleep for real.
/// </summary>
internal abstract class RetryTimer
{
    /// <summary>Real time: a stopwatch and Task.Delay.</summary>
    public static RetryTimer System { get; } = new SystemRetryTimer();

    /// <summary>Monotonic time since an arbitrary origin.</summary>
    public abstract TimeSpan Now { get; }

    public abstract Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);

    private sealed class SystemRetryTimer : RetryTimer
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public override TimeSpan Now => _clock.Elapsed;

        public override Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
            delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
    }
}
