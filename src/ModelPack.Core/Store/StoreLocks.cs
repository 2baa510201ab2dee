using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;

namespace ModelPack.Core.Store;

/// <summary>
/// Waiting for the store's cross-process locks without blocking a thread and without outliving a
/// cancellation by more than a poll interval (100 ms): the lock is tried, then the wait is an
/// awaited delay on the caller's token.
/// </summary>
internal static class StoreLocks
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Takes an exclusive <see cref="FileLock"/>; <paramref name="waiting"/> is called once when it is held
    /// by someone else. StoreLocked after <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/> waits on).
    /// </summary>
    public static Task<FileLock> AcquireAsync(string path, TimeSpan timeout, Action? waiting, CancellationToken cancellationToken) =>
        PollAsync(() => FileLock.Acquire(path, TimeSpan.Zero), path, timeout, waiting, cancellationToken);

    /// <summary>
    /// Holds <paramref name="path"/> with a shared lock (flock LOCK_SH on Unix, a read-write sharing mode on
    /// Windows): any number of holders at once, none while someone holds it exclusively.
    /// </summary>
    public static Task<FileStream> AcquireSharedAsync(string path, CancellationToken cancellationToken) =>
        PollAsync(() => Open(path, FileShare.ReadWrite), path, Timeout.InfiniteTimeSpan, null, cancellationToken);

    /// <summary>The exclusive counterpart of <see cref="AcquireSharedAsync"/>, tried once: null when anyone holds it.</summary>
    public static FileStream? TryAcquireExclusive(string path)
    {
        try
        {
            return Open(path, FileShare.None);
        }
        catch (ModelPackException ex) when (ex.ErrorId == ErrorIds.StoreLocked)
        {
            return null;
        }
    }

    private static FileStream Open(string path, FileShare share)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share, bufferSize: 1, FileOptions.None);
        }
        catch (IOException ex) when (IsContention(ex))
        {
            throw new ModelPackException(ErrorIds.StoreLocked, ErrorKind.ResourceUnavailable, $"The lock '{path}' is held by another process or thread.", path, ex);
        }
    }

    private static async Task<T> PollAsync<T>(Func<T> attempt, string path, TimeSpan timeout, Action? waiting, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var delay = FirstPoll;
        var told = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ModelPackException contention;
            try
            {
                return attempt();
            }
            catch (ModelPackException ex) when (ex.ErrorId == ErrorIds.StoreLocked)
            {
                contention = ex;
            }

            if (timeout != Timeout.InfiniteTimeSpan && DateTime.UtcNow - started >= timeout)
            {
                throw new ModelPackException(
                    ErrorIds.StoreLocked,
                    ErrorKind.ResourceUnavailable,
                    $"The lock '{path}' is held by another process or thread and was not released within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s. Wait for the other ModelPack command to finish and retry (a lock from a process that died is released automatically).",
                    path,
                    contention);
            }

            if (!told)
            {
                told = true;
                waiting?.Invoke();
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>Sharing or lock violation (Windows 32/33) or flock's EWOULDBLOCK (11 Linux, 35 macOS).</summary>
    private static bool IsContention(IOException ex) =>
        ex.GetType() == typeof(IOException) && (ex.HResult & 0xFFFF) is 32 or 33 or 11 or 35;
}
