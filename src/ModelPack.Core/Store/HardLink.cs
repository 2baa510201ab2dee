using System;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>Creates hard links: <c>link(2)</c> on Linux and macOS, <c>CreateHardLinkW</c> on Windows.</summary>
public static class HardLink
{
    /// <summary>
    /// Makes <paramref name="newLinkPath"/> a second name for the existing file <paramref name="existingFile"/>.
    /// Returns false with the platform's error code (errno, or the Win32 error) when the file system
    /// refuses: another device (EXDEV / ERROR_NOT_SAME_DEVICE), no link support, permission, or an
    /// existing <paramref name="newLinkPath"/>.
    /// </summary>
    public static bool TryCreate(string existingFile, string newLinkPath, out int errorCode)
    {
        if (existingFile is null)
        {
            throw new ArgumentNullException(nameof(existingFile));
        }

        if (newLinkPath is null)
        {
            throw new ArgumentNullException(nameof(newLinkPath));
        }

        bool created;
        try
        {
            created = NativeMethods.IsWindows
                ? NativeMethods.WindowsCreateHardLink(newLinkPath, existingFile, IntPtr.Zero)
                : NativeMethods.UnixLink(NativeMethods.Utf8Path(existingFile), NativeMethods.Utf8Path(newLinkPath)) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A platform without the call behaves like a file system without links: callers copy.
            errorCode = -1;
            return false;
        }

        errorCode = created ? 0 : Marshal.GetLastWin32Error();
        return created;
    }
}
