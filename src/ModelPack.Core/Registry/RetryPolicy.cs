using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>
/// When and how long a failed registry request is retried: on 5xx (but 501, 505, 511), 408 and 429
/// answers and on dropped connections and timeouts; with exponential backoff and full jitter (or the
/// server's Retry-After), at most <see cref="MaxRetry"/> times and within <see cref="Budget"/>.
/// Requests whose repetition could do something twice (POST, PATCH) are repeated only when the server
/// said it did not process them (429, 503); a body is only ever sent again when it can be replayed.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>
    /// A blob download attempt that delivered at least this much starts a fresh streak: a long
    /// download over a flaky link goes on while it makes progress, a connection that keeps dying before
    /// delivering anything useful runs out of retries.
    /// </summary>
    public const long ProgressResetBytes = 1024 * 1024;

    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();

    /// <param name="options">MaxRetry, RetryBudget, RetryBaseDelay, RetryMaxDelay, and the timer and clock tests stand in for.</param>
    public RetryPolicy(RegistryClientOptions options, Action<string> log)
    {
        MaxRetry = options.MaxRetry;
        Budget = options.RetryBudget;
        BaseDelay = options.RetryBaseDelay;
        MaxDelay = options.RetryMaxDelay;
        Timer = options.RetryTimer;
        Clock = options.Clock;
        Log = log;
    }

    /// <summary>Retries after the first attempt; 0 never retries.</summary>
    public int MaxRetry { get; }

    /// <summary>How long one streak of failures (first failure to last retry's start) may last.</summary>
    public TimeSpan Budget { get; }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    public RetryTimer Timer { get; }

    /// <summary>Wall clock, for Retry-After dates.</summary>
    public Func<DateTimeOffset> Clock { get; }

    public Action<string> Log { get; }

    /// <summary>Starts the bookkeeping of one operation (a request, or a whole blob download).</summary>
    public RetryState Begin() => new(this);

    /// <summary>
    /// Statuses that say "not now" rather than "no": 408, 429 and the 5xx family, except 501 (not
    /// implemented), 505 (HTTP version) and 511 (network login), which no amount of waiting fixes.
    /// </summary>
    public static bool IsRetryableStatus(HttpStatusCode status)
    {
        var code = (int)status;
        return code is 408 or 429 || (code >= 500 && code <= 599 && code is not (501 or 505 or 511));
    }

    /// <summary>
    /// Whether a request may be sent again after it failed this way. GET, HEAD, PUT and DELETE are
    /// idempotent; POST and PATCH only after an answer that says the request was not processed.
    /// </summary>
    public static bool MayRepeat(HttpMethod method, HttpStatusCode? status)
    {
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete)
        {
            return true;
        }

        return status is HttpStatusCode code && ((int)code == 429 || code == HttpStatusCode.ServiceUnavailable);
    }

    /// <summary>
    /// A failure worth another attempt: a connection that failed or timed out (not a TLS or certificate
    /// rejection, not a host name that does not resolve), or a retryable status from a token service.
    /// </summary>
    public static bool IsTransient(RegistryException failure)
    {
        if (failure.ErrorId == ErrorIds.RegistryUnreachable)
        {
            for (Exception? inner = failure.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is AuthenticationException)
                {
                    return false;
                }

                if (inner is SocketException socket && socket.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
                {
                    return false;
                }
            }

            return true;
        }

        return failure.StatusCode is HttpStatusCode status && IsRetryableStatus(status);
    }

    /// <summary>The server's Retry-After (seconds or an HTTP date), or null.</summary>
    public TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is DateTimeOffset date)
        {
            var wait = date - Clock();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>Full jitter: uniformly random in [0, min(MaxDelay, BaseDelay * 2^retry)).</summary>
    public TimeSpan Backoff(int retry)
    {
        var ceiling = BaseDelay.Ticks * Math.Pow(2, Math.Min(retry, 30));
        var capped = Math.Min(ceiling, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * NextUnit()));
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString(span.TotalSeconds < 10 ? "0.##" : "0", CultureInfo.InvariantCulture);

    private static double NextUnit()
    {
        var bytes = new byte[8];
        lock (Random)
        {
            Random.GetBytes(bytes);
        }

        return (BitConverter.ToUInt64(bytes, 0) >> 11) / (double)(1UL << 53);
    }
}
