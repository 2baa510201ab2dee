using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using ModelPack.Core.Store;

namespace ModelPack.Core.Packing;

/// <summary>What netstandard2.0 cannot tell about a source file: where a link really leads, and whether it is executable.</summary>
internal static class SourceFiles
{
    /// <summary>
    /// The canonical path with every link resolved (realpath(3)), or null when it cannot be resolved (a
    /// dangling link, a loop, or Windows, where netstandard2.0 has no API for it: links there are treated
    /// as leading outside).
    /// </summary>
    public static string? RealPath(string path)
    {
        if (NativeMethods.IsWindows)
        {
            return null;
        }

        IntPtr resolved;
        try
        {
            resolved = NativeMethods.UnixRealPath(NativeMethods.Utf8Path(path), IntPtr.Zero);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            var bytes = new List<byte>(256);
            for (var offset = 0; ; offset++)
            {
                var b = Marshal.ReadByte(resolved, offset);
                if (b == 0)
                {
                    break;
                }

                bytes.Add(b);
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        }
        finally
        {
            NativeMethods.UnixFree(resolved);
        }
    }

    /// <summary>Whether <paramref name="path"/> equals <paramref name="root"/> or lies under it (both canonical).</summary>
    public static bool IsUnder(string path, string root)
    {
        var trimmed = root.TrimEnd(Path.DirectorySeparatorChar);
        return string.Equals(path, trimmed, StringComparison.Ordinal) ||
            path.StartsWith(trimmed + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>Whether this user may execute the file (access(2), X_OK); always false on Windows, which has no mode bits.</summary>
    public static bool IsExecutable(string path)
    {
        if (NativeMethods.IsWindows)
        {
            return false;
        }

        try
        {
            return NativeMethods.UnixAccess(NativeMethods.Utf8Path(path), NativeMethods.XOK) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
