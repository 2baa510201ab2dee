using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Layout;

/// <summary>
/// An exclusive lock shared by threads and processes: a lock file held open with FileShare.None
/// (flock on Unix, a sharing mode on Windows). The OS drops it when the handle closes, so a
/// crashed process never leaves a stale lock. The file itself stays: deleting it would let a
/// second holder lock a new file while the first still holds the old one.
/// </summary>
public sealed class FileLock : IDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(100);

    private FileStream? _handle;

    private FileLock(string path, FileStream handle)
    {
        Path = path;
        _handle = handle;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock, retrying until <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>
    /// waits forever, zero tries once). Throws ErrorIds.StoreLocked when it stays held.
    /// </summary>
    public static FileLock Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("The lock file path is empty.", nameof(path));
        }

        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be zero or more, or Timeout.InfiniteTimeSpan.");
        }

        var fullPath = System.IO.Path.GetFullPath(path);
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IOException contention;
            try
            {
                var handle = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
                return new FileLock(fullPath, handle);
            }
            catch (IOException ex) when (IsHeldByAnother(ex))
            {
                contention = ex;
            }

            var remaining = timeout == Timeout.InfiniteTimeSpan ? delay : timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new ModelPackException(
                    ErrorIds.StoreLocked,
                    ErrorKind.ResourceUnavailable,
                    $"The lock '{fullPath}' is held by another process or thread and was not released within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s. Wait for the other ModelPack command to finish and retry (a lock from a process that died is released automatically).",
                    fullPath,
                    contention);
            }

            var wait = remaining < delay ? remaining : delay;
            if (cancellationToken.WaitHandle.WaitOne(wait))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
    }

    /// <summary>
    /// A sharing or lock violation (Windows ERROR_SHARING_VIOLATION 32 / ERROR_LOCK_VIOLATION 33)
    /// or flock's EWOULDBLOCK (11 on Linux, 35 on macOS); other I/O errors are not contention.
    /// </summary>
    private static bool IsHeldByAnother(IOException ex) =>
        ex.GetType() == typeof(IOException) && (ex.HResult & 0xFFFF) is 32 or 33 or 11 or 35;
}
