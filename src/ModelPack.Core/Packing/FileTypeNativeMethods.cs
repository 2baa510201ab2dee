using System;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Packing;

/// <summary>
/// The stat calls that tell a named pipe, socket or device from a regular file, which no netstandard2.0 API
/// does (.NET reports them all as <c>FileAttributes.Normal</c>). <c>struct stat</c> differs by libc, version
/// and architecture, and glibc before 2.33 does not even export <c>stat</c>, so Linux uses <c>statx</c>,
/// whose layout the kernel fixes for every architecture, and macOS the 64-bit-inode <c>stat</c>, which has
/// one layout on x64 and arm64. Paths are NUL-terminated UTF-8 (<see cref="Store.NativeMethods.Utf8Path"/>).
/// </summary>
internal static class FileTypeNativeMethods
{
    private const string LibC = "libc";

    /// <summary>AT_FDCWD: relative paths resolve against the working directory (ours are absolute anyway).</summary>
    internal const int AtCurrentDirectory = -100;

    /// <summary>AT_NO_AUTOMOUNT, as stat(2) itself passes: do not mount an automount point just to look at it.</summary>
    internal const int AtNoAutomount = 0x800;

    /// <summary>STATX_TYPE: only the file type bits of stx_mode are wanted.</summary>
    internal const uint StatxType = 0x1;

    /// <summary>sizeof(struct statx), fixed by the kernel ABI.</summary>
    internal const int StatxSize = 256;

    /// <summary>Offset of the u32 stx_mask (which fields were filled) in struct statx.</summary>
    internal const int StatxMaskOffset = 0;

    /// <summary>Offset of the u16 stx_mode in struct statx: after stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid.</summary>
    internal const int StatxModeOffset = 28;

    /// <summary>sizeof(struct stat) with 64-bit inodes on macOS.</summary>
    internal const int DarwinStatSize = 144;

    /// <summary>Offset of the u16 st_mode in macOS's struct stat: right after the 32-bit st_dev.</summary>
    internal const int DarwinModeOffset = 4;

    // File type bits of a mode; the values are the same on Linux and macOS.
    internal const int TypeMask = 0xF000;
    internal const int TypeFifo = 0x1000;
    internal const int TypeCharacterDevice = 0x2000;
    internal const int TypeDirectory = 0x4000;
    internal const int TypeBlockDevice = 0x6000;
    internal const int TypeRegular = 0x8000;
    internal const int TypeSocket = 0xC000;

    /// <summary>statx(2) through the libc wrapper (glibc 2.28+, musl 1.2.5+).</summary>
    [DllImport(LibC, EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int LinuxStatx(int directory, byte[] path, int flags, uint mask, [Out] byte[] buffer);

    /// <summary>
    /// syscall(2), for statx where libc has no wrapper (older musl, as on Alpine before 3.20). Every argument
    /// is register-sized so the variadic call reads each in full.
    /// </summary>
    [DllImport(LibC, EntryPoint = "syscall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern IntPtr LinuxSyscall(IntPtr number, IntPtr directory, byte[] path, IntPtr flags, IntPtr mask, [Out] byte[] buffer);

    /// <summary>stat(2) with 64-bit inodes on macOS x64, where plain <c>stat</c> is the legacy 32-bit-inode layout.</summary>
    [DllImport(LibC, EntryPoint = "stat$INODE64", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int DarwinStatX64(byte[] path, [Out] byte[] buffer);

    /// <summary>stat(2) on macOS arm64, which only has the 64-bit-inode layout.</summary>
    [DllImport(LibC, EntryPoint = "stat", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int DarwinStatArm64(byte[] path, [Out] byte[] buffer);

    /// <summary>The statx syscall number on the architectures Linux .NET runs on, or null where it is not known.</summary>
    internal static IntPtr? StatxSyscallNumber(Architecture architecture) => architecture switch
    {
        Architecture.X64 => new IntPtr(332),
        Architecture.Arm64 => new IntPtr(291),
        Architecture.Arm => new IntPtr(397),
        Architecture.X86 => new IntPtr(383),
        _ => null,
    };
}
