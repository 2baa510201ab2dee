using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>Creates and reads symbolic links: <c>symlink(2)</c>/<c>readlink(2)</c> on Unix, <c>CreateSymbolicLinkW</c> on Windows.</summary>
internal static class SymbolicLink
{
    /// <summary>
    /// The target a link stores, as written ('/'-separated, relative for snapshot links), without following it.
    /// On Windows, the runtime's FileSystemInfo.LinkTarget (.NET 6+, so PowerShell 7).
    /// </summary>
    public static string ReadTarget(string linkPath)
    {
        if (NativeMethods.IsWindows)
        {
            var property = typeof(FileSystemInfo).GetProperty("LinkTarget");
            var info = (FileSystemInfo)(Directory.Exists(linkPath) ? new DirectoryInfo(linkPath) : new FileInfo(linkPath));
            return (property?.GetValue(info) as string)?.Replace('\\', '/')
                ?? throw new IOException($"Cannot read the target of the symbolic link '{linkPath}' on this runtime.");
        }

        var buffer = new byte[4096];
        var length = NativeMethods.UnixReadLink(NativeMethods.Utf8Path(linkPath), buffer, (IntPtr)buffer.Length);
        if (length.ToInt64() < 0)
        {
            var errno = Marshal.GetLastWin32Error();
            throw new IOException($"Could not read the symbolic link '{linkPath}' (errno {errno}).", errno);
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)length.ToInt64());
    }

    /// <summary>
    /// Creates <paramref name="linkPath"/> pointing at the relative <paramref name="target"/> ('/'-separated).
    /// On Windows this needs Developer Mode or the SeCreateSymbolicLinkPrivilege.
    /// </summary>
    public static void Create(string linkPath, string target, bool targetIsDirectory)
    {
        if (NativeMethods.IsWindows)
        {
            var flags = NativeMethods.SymbolicLinkFlagAllowUnprivilegedCreate |
                (targetIsDirectory ? NativeMethods.SymbolicLinkFlagDirectory : 0);
            if (!NativeMethods.WindowsCreateSymbolicLink(linkPath, target.Replace('/', '\\'), flags))
            {
                var error = Marshal.GetLastWin32Error();
                throw new IOException(
                    $"Could not create the symbolic link '{linkPath}' -> '{target}': {new Win32Exception(error).Message} " +
                    "On Windows, symbolic links need Developer Mode or the 'Create symbolic links' privilege.",
                    error);
            }

            return;
        }

        if (NativeMethods.UnixSymlink(NativeMethods.Utf8Path(target), NativeMethods.Utf8Path(linkPath)) != 0)
        {
            var errno = Marshal.GetLastWin32Error();
            throw new IOException($"Could not create the symbolic link '{linkPath}' -> '{target}' (errno {errno}).", errno);
        }
    }
}
