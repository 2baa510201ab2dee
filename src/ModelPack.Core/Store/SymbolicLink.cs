using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>Creates symbolic links: <c>symlink(2)</c> on Unix, <c>CreateSymbolicLinkW</c> on Windows.</summary>
internal static class SymbolicLink
{
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
