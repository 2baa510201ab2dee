using System;
using System.IO;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A real btrfs, so reflinks (FICLONE) work: a sparse image file formatted by mkfs.btrfs and loop-mounted on a fresh
/// temp directory (needs root: <see cref="TestTools.TmpfsMount"/> and <see cref="TestTools.MkfsBtrfs"/>), unmounted
/// and removed on Dispose.
/// </summary>
public sealed class ReflinkFileSystem : IDisposable
{
    private readonly TempDirectory _dir = new("modelpack-btrfs");
    private readonly string _mountPoint;

    public ReflinkFileSystem(int sizeMiB)
    {
        var image = System.IO.Path.Combine(_dir.Path, "fs.img");
        using (var file = new FileStream(image, FileMode.CreateNew))
        {
            file.SetLength(sizeMiB * 1024L * 1024L);
        }

        _mountPoint = System.IO.Path.Combine(_dir.Path, "mnt");
        Directory.CreateDirectory(_mountPoint);
        Run(TestTools.Require(TestTools.MkfsBtrfs), "-q", image);
        Run(TestTools.Require(TestTools.TmpfsMount), "-o", "loop", image, _mountPoint);
    }

    public string Path => _mountPoint;

    /// <summary>Free bytes as statvfs reports them once btrfs has committed what was written (sync first).</summary>
    public long FreeBytes()
    {
        Run("sync", "-f", _mountPoint);
        return new DriveInfo(_mountPoint).AvailableFreeSpace;
    }

    public void Dispose()
    {
        try
        {
            // Lazy: a handle a failed test left open must not keep the mount alive; the loop device goes with it.
            Run("umount", "-l", _mountPoint);
        }
        finally
        {
            _dir.Dispose();
        }
    }

    private static void Run(string file, params string[] arguments) => SmallFileSystem.Run(file, arguments);
}
