using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>
/// Forces a file or a directory (its entries: renames, new names) to disk by path. Blobs are
/// read-only files, and .NET only flushes streams opened for writing, hence fsync on a read-only
/// descriptor. Unix only (the deferred writes that need it are Linux-only).
/// </summary>
internal static class DiskFlush
{
    private const int ReadOnly = 0;

    /// <summary>Flushes <paramref name="path"/>; false when it does not exist (any more).</summary>
    public static bool Path(string path)
    {
        if (NativeMethods.IsWindows)
        {
            throw new PlatformNotSupportedException("Flushing by path is implemented for Unix only.");
        }

        var fd = NativeMethods.UnixOpen(NativeMethods.Utf8Path(path), ReadOnly);
        if (fd < 0)
        {
            var error = Marshal.GetLastWin32Error();
            if (error == NativeMethods.ENOENT)
            {
                return false;
            }

            throw new IOException($"Could not open '{path}' to flush it to disk: {new Win32Exception(error).Message}.", error);
        }

        try
        {
            if (NativeMethods.UnixFsync(fd) != 0)
            {
                var error = Marshal.GetLastWin32Error();
                throw new IOException($"Flushing '{path}' to disk failed: {new Win32Exception(error).Message}.", error);
            }

            return true;
        }
        finally
        {
            // A failing close after a successful fsync loses nothing: the data is already on disk.
            _ = NativeMethods.UnixClose(fd);
        }
    }
}
