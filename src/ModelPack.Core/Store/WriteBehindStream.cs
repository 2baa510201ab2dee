using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Store;

/// <summary>
/// A download file written on the caller's thread. With <c>writeBehind</c> (durability immediate) it
/// also starts writing its data to disk while the download goes on (Linux
/// <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c> every few MiB), so the fsync before the blob is
/// published only waits for the last stretch instead of the whole blob. Elsewhere, and if the call is
/// refused, it is a plain pass-through and the final fsync does all the work.
/// </summary>
internal sealed class WriteBehindStream : Stream
{
    private const long Stride = 8 * 1024 * 1024;
    private const uint SyncFileRangeWrite = 2;
    private static readonly bool Supported = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    private readonly FileStream _file;
    private long _startedUpTo;
    private bool _disabled = !Supported;

    public WriteBehindStream(FileStream file, bool writeBehind)
    {
        _file = file;
        _disabled = !Supported || !writeBehind;
        _startedUpTo = file.Position;
    }

    public override bool CanRead => false;

    public override bool CanSeek => _file.CanSeek;

    public override bool CanWrite => _file.CanWrite;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set
        {
            _file.Position = value;
            _startedUpTo = Math.Min(_startedUpTo, value);
        }
    }

    public override void Flush() => _file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = _file.Seek(offset, origin);
        _startedUpTo = Math.Min(_startedUpTo, position);
        return position;
    }

    public override void SetLength(long value)
    {
        _file.SetLength(value);
        _startedUpTo = Math.Min(_startedUpTo, value);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _file.Write(buffer, offset, count);
        StartWriteback();
    }

    /// <summary>
    /// Writes on the caller's thread: a write into the page cache is a memory copy, cheaper than the
    /// hand-off to a thread-pool thread and back that an asynchronous file write costs.
    /// </summary>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>Asks the kernel to begin writing out the last full stride; does not wait for it.</summary>
    private void StartWriteback()
    {
        var position = _file.Position;
        if (_disabled || position - _startedUpTo < Stride)
        {
            return;
        }

        var fd = _file.SafeFileHandle.DangerousGetHandle().ToInt32();
        if (SyncFileRange(fd, _startedUpTo, position - _startedUpTo, SyncFileRangeWrite) != 0)
        {
            _disabled = true;
            return;
        }

        _startedUpTo = position;
    }

    /// <summary>Asks the kernel to begin writing out a range of a file (Linux; elsewhere, or if refused, nothing); does not wait for it.</summary>
    public static void StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long length)
    {
        if (Supported && length > 0)
        {
            _ = SyncFileRange(file.DangerousGetHandle().ToInt32(), offset, length, SyncFileRangeWrite);
        }
    }

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
