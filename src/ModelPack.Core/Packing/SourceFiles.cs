using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using ModelPack.Core.Store;

namespace ModelPack.Core.Packing;

/// <summary>What netstandard2.0 cannot tell about a source file: where a link really leads, whether it is executable, and whether it is a regular file at all.</summary>
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

    /// <summary>
    /// What <paramref name="path"/> is, following links: a pack must tell named pipes, sockets and devices
    /// from regular files before it opens them, since reading one blocks or never ends. Unknown on Windows
    /// (which has none of them), on platforms without a known stat call, and when the call fails (the open
    /// that follows then reports why).
    /// </summary>
    public static SourceFileType TypeOf(string path)
    {
        if (NativeMethods.IsWindows)
        {
            return SourceFileType.Unknown;
        }

        int? mode;
        try
        {
            mode = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? LinuxMode(path)
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? DarwinMode(path)
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return SourceFileType.Unknown;
        }

        return (mode & FileTypeNativeMethods.TypeMask) switch
        {
            null => SourceFileType.Unknown,
            FileTypeNativeMethods.TypeRegular => SourceFileType.RegularFile,
            FileTypeNativeMethods.TypeDirectory => SourceFileType.Directory,
            FileTypeNativeMethods.TypeFifo => SourceFileType.NamedPipe,
            FileTypeNativeMethods.TypeSocket => SourceFileType.Socket,
            FileTypeNativeMethods.TypeCharacterDevice => SourceFileType.CharacterDevice,
            FileTypeNativeMethods.TypeBlockDevice => SourceFileType.BlockDevice,
            _ => SourceFileType.Unknown,
        };
    }

    private static int? LinuxMode(string path)
    {
        try
        {
            return StatxMode(path, viaSyscall: false);
        }
        catch (EntryPointNotFoundException)
        {
            return StatxMode(path, viaSyscall: true);
        }
    }

    /// <summary>
    /// The stx_mode statx(2) reports for <paramref name="path"/>, through libc's wrapper or, where libc has none,
    /// the raw syscall (internal so tests can take that route on a libc that has the wrapper).
    /// </summary>
    internal static int? StatxMode(string path, bool viaSyscall)
    {
        var utf8 = NativeMethods.Utf8Path(path);
        var buffer = new byte[FileTypeNativeMethods.StatxSize];
        int result;
        if (!viaSyscall)
        {
            result = FileTypeNativeMethods.LinuxStatx(FileTypeNativeMethods.AtCurrentDirectory, utf8, FileTypeNativeMethods.AtNoAutomount, FileTypeNativeMethods.StatxType, buffer);
        }
        else if (FileTypeNativeMethods.StatxSyscallNumber(RuntimeInformation.ProcessArchitecture) is IntPtr number)
        {
            result = (int)FileTypeNativeMethods.LinuxSyscall(
                number,
                new IntPtr(FileTypeNativeMethods.AtCurrentDirectory),
                utf8,
                new IntPtr(FileTypeNativeMethods.AtNoAutomount),
                new IntPtr(FileTypeNativeMethods.StatxType),
                buffer);
        }
        else
        {
            return null;
        }

        var filled = BitConverter.ToUInt32(buffer, FileTypeNativeMethods.StatxMaskOffset);
        return result == 0 && (filled & FileTypeNativeMethods.StatxType) != 0
            ? BitConverter.ToUInt16(buffer, FileTypeNativeMethods.StatxModeOffset)
            : null;
    }

    private static int? DarwinMode(string path)
    {
        var utf8 = NativeMethods.Utf8Path(path);
        var buffer = new byte[FileTypeNativeMethods.DarwinStatSize];
        var result = RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? FileTypeNativeMethods.DarwinStatX64(utf8, buffer)
            : FileTypeNativeMethods.DarwinStatArm64(utf8, buffer);
        return result == 0 ? BitConverter.ToUInt16(buffer, FileTypeNativeMethods.DarwinModeOffset) : null;
    }
}
