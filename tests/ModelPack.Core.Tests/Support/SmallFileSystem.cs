using System;
using System.Diagnostics;
using System.IO;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A real, small file system for tests about free space: a tmpfs of <c>sizeMiB</c> mounted on a fresh temp
/// directory (needs root, hence <see cref="TestTools.TmpfsMount"/>), unmounted and removed on Dispose. Nothing
/// is faked: statvfs reports what the kernel enforces, and writing past it fails with ENOSPC.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private readonly TempDirectory _mountPoint = new("modelpack-smallfs");

    public SmallFileSystem(int sizeMiB)
    {
        Run(TestTools.Require(TestTools.TmpfsMount), "-t", "tmpfs", "-o", $"size={sizeMiB}m,mode=0755", "tmpfs", _mountPoint.Path);
    }

    public string Path => _mountPoint.Path;

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            // Lazy: a handle a failed test left open must not keep the mount (and this test's temp dir) alive.
            Run("umount", "-l", _mountPoint.Path);
        }
        finally
        {
            _mountPoint.Dispose();
        }
    }

    /// <summary>Runs a tool to its end; throws with its stderr when it fails.</summary>
    internal static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(" ", arguments)} exited {process.ExitCode}: {error}");
        }
    }
}
