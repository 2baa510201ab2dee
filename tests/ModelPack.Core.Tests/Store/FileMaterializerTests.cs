using System;
using System.IO;
using System.Runtime.Versioning;
using ModelPack.Core.Store;

namespace ModelPack.Core.Tests.Store;

/// <summary>Unix only: fixtures are made with tar, ln, mkfifo and inspected with stat.</summary>
[UnsupportedOSPlatform("windows")]
public class FileMaterializerTests
{
    [Fact]
    public void Same_file_system_gives_a_hard_link_to_the_same_inode()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.WriteFile("blob", "weights");
        var destination = scratch.Combine("linked");

        var method = FileMaterializer.LinkOrCopy(source, destination);

        Assert.Equal(MaterializeMethod.HardLink, method);
        Assert.Equal(Shell.Inode(source), Shell.Inode(destination));
        Assert.EndsWith(":2", Shell.Identity(destination), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_file_system_gets_a_streamed_copy()
    {
        // /dev/shm is a tmpfs, so link(2) from the temp directory fails with EXDEV.
        const string otherFileSystem = "/dev/shm";
        using var scratch = new ScratchDirectory();
        Assert.True(Directory.Exists(otherFileSystem), "this test needs /dev/shm");
        Assert.NotEqual(Shell.Device(scratch.Path), Shell.Device(otherFileSystem));
        var content = new byte[(3 * FileMaterializer.CopyBufferSize) + 17];
        new Random(42).NextBytes(content);
        var source = scratch.Combine("blob");
        File.WriteAllBytes(source, content);
        var destination = Path.Combine(otherFileSystem, "modelpack-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.False(HardLink.TryCreate(source, destination, out var errno));
            Assert.Equal(18, errno); // EXDEV

            var method = FileMaterializer.LinkOrCopy(source, destination);

            Assert.Equal(MaterializeMethod.Copy, method);
            Assert.Equal(content, File.ReadAllBytes(destination));
            Assert.NotEqual(Shell.Inode(source), Shell.Inode(destination));
        }
        finally
        {
            File.Delete(destination);
        }
    }

    [Fact]
    public void An_existing_destination_is_neither_linked_nor_overwritten()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.WriteFile("blob", "new");
        var destination = scratch.WriteFile("existing", "old");

        Assert.False(HardLink.TryCreate(source, destination, out var errno));
        Assert.Equal(17, errno); // EEXIST
        Assert.Throws<IOException>(() => FileMaterializer.LinkOrCopy(source, destination));
        Assert.Equal("old", File.ReadAllText(destination));
    }

    [Fact]
    public void A_missing_source_fails_and_leaves_no_destination()
    {
        using var scratch = new ScratchDirectory();
        var destination = scratch.Combine("dest");

        Assert.Throws<FileNotFoundException>(() => FileMaterializer.LinkOrCopy(scratch.Combine("absent"), destination));
        Assert.False(File.Exists(destination));
    }

    [Theory]
    [InlineData(false, "444")]
    [InlineData(true, "555")]
    public void MakeReadOnly_sets_0444_or_0555_and_drops_setuid(bool executable, string expected)
    {
        using var scratch = new ScratchDirectory();
        var file = scratch.WriteFile("f", "x");
        File.SetUnixFileMode(file, UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal("6700", Shell.Mode(file));

        Assert.True(FileMaterializer.MakeReadOnly(file, executable));

        Assert.Equal(expected, Shell.Mode(file));
    }
}
