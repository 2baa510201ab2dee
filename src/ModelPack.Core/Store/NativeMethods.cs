using System;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelPack.Core.Store;

/// <summary>
/// The few file-system calls netstandard2.0 has no API for: hard links, symbolic links, Unix
/// permission bits, access checks, resolving links (realpath), flushing a file or directory
/// opened read-only (fsync) and cloning a file's extents (Linux FICLONE). Unix entries bind to libc (glibc, musl and macOS all export these names) and take
/// paths as NUL-terminated UTF-8 bytes (<see cref="Utf8Path"/>): netstandard2.0 has no UTF-8 string
/// marshalling, and Linux and macOS file names are UTF-8.
/// </summary>
internal static class NativeMethods
{
    private const string LibC = "libc";
    private const string Kernel32 = "kernel32.dll";

    // errno values that are the same on Linux and macOS.
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int EEXIST = 17;

    // CreateSymbolicLinkW flags.
    internal const int SymbolicLinkFlagDirectory = 0x1;
    internal const int SymbolicLinkFlagAllowUnprivilegedCreate = 0x2;

    internal static bool IsWindows { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>A path as the NUL-terminated UTF-8 bytes Unix calls expect.</summary>
    internal static byte[] Utf8Path(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
        return bytes;
    }

    [DllImport(LibC, EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixLink(byte[] existingPath, byte[] newPath);

    [DllImport(LibC, EntryPoint = "symlink", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixSymlink(byte[] target, byte[] linkPath);

    /// <summary>readlink(2): the bytes of a link's target (not NUL-terminated), or -1 with errno set.</summary>
    [DllImport(LibC, EntryPoint = "readlink", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern IntPtr UnixReadLink(byte[] path, byte[] buffer, IntPtr size);

    // mode_t is 32-bit on Linux and 16-bit on macOS; both ABIs pass it in a full register, so an
    // int whose upper bits are zero is read correctly by either.
    [DllImport(LibC, EntryPoint = "chmod", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixChmod(byte[] path, int mode);

    /// <summary>access(2) mode: may the caller execute the file.</summary>
    internal const int XOK = 1;

    [DllImport(LibC, EntryPoint = "access", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixAccess(byte[] path, int mode);

    /// <summary>realpath(3) with a NULL buffer: a malloc'd canonical path, or zero (errno set) when it cannot be resolved.</summary>
    [DllImport(LibC, EntryPoint = "realpath", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern IntPtr UnixRealPath(byte[] path, IntPtr resolved);

    [DllImport(LibC, EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixOpen(byte[] path, int flags);

    [DllImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixFsync(int fd);

    [DllImport(LibC, EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int UnixClose(int fd);

    /// <summary>ioctl(FICLONE) of Linux: the destination file (first fd) shares the source's (the argument's) extents, copy on write.</summary>
    internal const uint FiClone = 0x40049409;

    /// <summary>ioctl(2) with an integer argument (here a file descriptor); Linux only.</summary>
    [DllImport(LibC, EntryPoint = "ioctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int LinuxIoctl(int fd, UIntPtr request, IntPtr argument);

    [DllImport(LibC, EntryPoint = "free")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern void UnixFree(IntPtr pointer);

    [DllImport(Kernel32, EntryPoint = "CreateHardLinkW", CharSet = CharSet.Unicode, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static extern bool WindowsCreateHardLink(string newLinkPath, string existingPath, IntPtr securityAttributes);

    [DllImport(Kernel32, EntryPoint = "CreateSymbolicLinkW", CharSet = CharSet.Unicode, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static extern bool WindowsCreateSymbolicLink(string linkPath, string target, int flags);
}
