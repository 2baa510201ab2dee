using System;
using System.IO;
using System.Threading;
using ModelPack.Core.Layout;

namespace ModelPack.Core.Store;

/// <summary>Makes a stored blob appear as a file at another path: hard link where possible, else a copy.</summary>
public static class FileMaterializer
{
    /// <summary>Large enough that copying multi-gigabyte weights is bound by the disk, not by calls.</summary>
    internal const int CopyBufferSize = 1024 * 1024;

    private const int ReadOnlyMode = 0x124; // 0444
    private const int ExecuteBits = 0x49;   // 0111

    /// <summary>
    /// Hard-links <paramref name="destination"/> to <paramref name="source"/>, or copies it when the file
    /// system refuses the link (another device, no link support, permission). The destination must not
    /// exist; its directory must. A failed copy leaves no partial destination behind.
    /// </summary>
    public static MaterializeMethod LinkOrCopy(string source, string destination, CancellationToken cancellationToken = default)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (HardLink.TryCreate(source, destination, out _))
        {
            return MaterializeMethod.HardLink;
        }

        Copy(source, destination, cancellationToken);
        return MaterializeMethod.Copy;
    }

    /// <summary>Streams <paramref name="source"/> into a new file <paramref name="destination"/> (which must not exist).</summary>
    public static void Copy(string source, string destination, CancellationToken cancellationToken = default)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        CopyToNewFile(input, destination, cancellationToken);
    }

    /// <summary>
    /// Marks a file read-only: mode 0444 (0555 with <paramref name="executable"/>) on Unix, the ReadOnly
    /// attribute on Windows. Setuid, setgid and sticky bits are always cleared. Returns false when the file
    /// system would not change it (for example a file owned by another user); read-only is hygiene, not a
    /// security boundary, so callers may carry on.
    /// </summary>
    public static bool MakeReadOnly(string path, bool executable = false)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        if (NativeMethods.IsWindows)
        {
            try
            {
                File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            return NativeMethods.UnixChmod(NativeMethods.Utf8Path(path), executable ? ReadOnlyMode | ExecuteBits : ReadOnlyMode) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="input"/> to a new file; deletes the partial file if the copy fails.</summary>
    internal static void CopyToNewFile(Stream input, string destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[CopyBufferSize];
        var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
        try
        {
            using (output)
            {
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    output.Write(buffer, 0, read);
                }
            }
        }
        catch
        {
            AtomicFile.TryDelete(destination);
            throw;
        }
    }
}
