using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>
/// Reflinks: a new file that shares an existing file's data blocks until either is written, when the file system
/// copies the written block (copy on write). Linux <c>ioctl(FICLONE)</c>, which btrfs, XFS (reflink=1, the default
/// since xfsprogs 5.1), bcachefs and OCFS2 implement; ext4, tmpfs and network file systems refuse it. Unlike a hard
/// link, a later edit of either file never shows in the other. macOS <c>clonefile(2)</c> (APFS) and Windows block
/// cloning (ReFS) are not used: there the caller copies.
/// </summary>
public static class FileClone
{
    private static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    /// <summary>
    /// Makes the empty file <paramref name="destination"/> (open for writing) a clone of <paramref name="source"/>
    /// (open for reading), whole. Returns false, with errno, when the platform or file system cannot (another file
    /// system, no reflink support); the destination is then still empty and the caller copies into it.
    /// </summary>
    public static bool TryClone(FileStream source, FileStream destination, out int errorCode)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (!IsLinux)
        {
            errorCode = -1;
            return false;
        }

        var sourceFd = source.SafeFileHandle.DangerousGetHandle();
        var destinationFd = (int)destination.SafeFileHandle.DangerousGetHandle();
        try
        {
            if (NativeMethods.LinuxIoctl(destinationFd, new UIntPtr(NativeMethods.FiClone), sourceFd) == 0)
            {
                errorCode = 0;
                return true;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            errorCode = -1;
            return false;
        }

        errorCode = Marshal.GetLastWin32Error();
        return false;
    }
}
