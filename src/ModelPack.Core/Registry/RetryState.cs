using System;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// The retry bookkeeping of one operation (a request, or one blob download with its resumes): how
/// many attempts were made, when the current streak of failures began, and why it gave up. Safe to share
/// between the concurrent part requests of one ranged blob download.
/// </summary>
internal sealed class RetryState
{
    private readonly RetryPolicy _policy;
    private readonly int _maxRetry;
    private readonly object _gate = new();
    private int _streakRetries;
    private TimeSpan? _streakStart;
    private TimeSpan? _firstFailure;
    private string? _gaveUp;

    /// <param name="maxRetry">Fewer retries than the policy's (0 for a mirror, which fails over instead of waiting).</param>
    public RetryState(RetryPolicy policy, int? maxRetry = null)
    {
        _policy = policy;
        _maxRetry = Math.Min(maxRetry ?? policy.MaxRetry, policy.MaxRetry);
    }

    /// <summary>Attempts made so far, the current one included.</summary>
    public int Attempts { get; private set; } = 1;

    /// <summary>
    /// After a retryable failure: decides whether to try again and how long to wait first (the backoff,
    /// or <paramref name="retryAfter"/>). False when <see cref="RetryPolicy.MaxRetry"/> or the budget
    /// would be exceeded; <see cref="Final"/> then says why.
    /// </summary>
    /// <param name="failure">What went wrong, for the log.</param>
    public bool TryScheduleRetry(string failure, TimeSpan? retryAfter, out TimeSpan delay)
    {
        lock (_gate)
        {
            return TryScheduleLocked(failure, retryAfter, out delay);
        }
    }

    private bool TryScheduleLocked(string failure, TimeSpan? retryAfter, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var now = _policy.Timer.Now;
        _streakStart ??= now;
        _firstFailure ??= now;
        if (_streakRetries >= _maxRetry)
        {
            _gaveUp = _maxRetry == 0 ? null : $"MaxRetry ({_maxRetry}) reached";
            return false;
        }

        delay = retryAfter ?? _policy.Backoff(_streakRetries);
        var left = _policy.Budget - (now - _streakStart.Value);
        if (delay > left)
        {
            _gaveUp = retryAfter is TimeSpan asked
                ? $"the registry asked to wait {RetryPolicy.Seconds(asked)} s (Retry-After), more than the {RetryPolicy.Seconds(left < TimeSpan.Zero ? TimeSpan.Zero : left)} s left of the {RetryPolicy.Seconds(_policy.Budget)} s retry budget"
                : $"the {RetryPolicy.Seconds(_policy.Budget)} s retry budget is spent";
            return false;
        }

        _streakRetries++;
        Attempts++;
        _policy.Log($"  {failure}; retry {_streakRetries} of {_maxRetry} in {RetryPolicy.Seconds(delay)} s{(retryAfter is null ? string.Empty : " (Retry-After)")}.");
        return true;
    }

    /// <summary><see cref="TryScheduleRetry"/> and the wait in one step.</summary>
    public async Task<bool> TryWaitAsync(string failure, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        if (!TryScheduleRetry(failure, retryAfter, out var delay))
        {
            return false;
        }

        await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => _policy.Timer.DelayAsync(delay, cancellationToken);

    /// <summary>The operation made real progress: the next failure starts a fresh streak.</summary>
    public void Progressed()
    {
        lock (_gate)
        {
            _streakRetries = 0;
            _streakStart = null;
        }
    }

    /// <summary>
    /// The final error: <paramref name="failure"/> itself when no retry was made or considered, else a
    /// copy that says how many attempts were made, over how long, and why it stopped.
    /// </summary>
    public RegistryException Final(RegistryException failure)
    {
        if (Summary is not string summary)
        {
            return failure;
        }

        return new RegistryException(failure.ErrorId, failure.Kind, failure.Message + summary, failure.Target, failure)
        {
            StatusCode = failure.StatusCode,
            ErrorCodes = failure.ErrorCodes,
            Url = failure.Url,
            Attempts = Attempts,
        };
    }

    /// <summary>Text for the final error ("Gave up after 6 attempts in 12.5 s: ..."), or null when nothing was retried.</summary>
    public string? Summary
    {
        get
        {
            if (Attempts == 1 && _gaveUp is null)
            {
                return null;
            }

            var over = _firstFailure is TimeSpan first ? RetryPolicy.Seconds(_policy.Timer.Now - first) : "0";
            var attempts = Attempts == 1 ? "1 attempt" : $"{Attempts} attempts";
            return $" Gave up after {attempts} in {over} s{(_gaveUp is null ? string.Empty : ": " + _gaveUp)}. Try again later; a download resumes where it stopped.";
        }
    }
}
