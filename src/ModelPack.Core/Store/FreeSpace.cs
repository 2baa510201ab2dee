using System;
using System.Globalization;
using System.IO;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Store;

/// <summary>
/// The space left on the file system that holds a path (for the calling user, as <c>df</c> shows it), and the
/// error when something needs more: checked before a pull downloads anything, and while a layer is extracted.
/// </summary>
internal static class FreeSpace
{
    /// <summary>Bytes available at <paramref name="path"/> (an existing file or directory), or null when the platform cannot tell.</summary>
    public static long? Available(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            // On Unix a DriveInfo of any path asks statvfs(2) about its file system; Windows needs the volume root.
            var drive = new DriveInfo(NativeMethods.IsWindows ? Path.GetPathRoot(full)! : full);
            return drive.AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Throws InsufficientFreeSpace when <paramref name="needed"/> bytes are more than <paramref name="path"/> has free.</summary>
    /// <param name="path">Where the bytes go (the store root, a snapshot being built).</param>
    /// <param name="needed">How many bytes the operation will write.</param>
    /// <param name="what">What needs them, for the message ("'reg/repo:tag' needs ...").</param>
    /// <param name="target">The offending value for an ErrorRecord.</param>
    public static void Ensure(string path, long needed, string what, object target)
    {
        if (needed <= 0 || Available(path) is not long free || needed <= free)
        {
            return;
        }

        throw Insufficient(path, needed, free, what, target);
    }

    public static ModelPackException Insufficient(string path, long needed, long free, string what, object target) => new(
        ErrorIds.InsufficientFreeSpace,
        ErrorKind.ResourceUnavailable,
        $"{what} needs {Bytes(needed)} at '{path}', which has {Bytes(free)} free. Free some space, or move the store to a bigger disk (MODELPACK_STORE, or 'store' in the config file).",
        target);

    /// <summary>Adds without overflowing: sizes from a registry can be near 2^63.</summary>
    public static long Add(long a, long b) => b > 0 && a > long.MaxValue - b ? long.MaxValue : a + b;

    private static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
