using System;
using System.IO;
using System.Runtime.Versioning;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Tests.Store;

/// <summary>Unix only: fixtures are made with tar, ln, mkfifo and inspected with stat.</summary>
[UnsupportedOSPlatform("windows")]
public class TarLayerExtractorTests
{
    private const string Digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    [Theory]
    [InlineData(LayerPacking.Tar)]
    [InlineData(LayerPacking.TarGzip)]
    [InlineData(LayerPacking.TarZstd)]
    public void Extracts_a_modctl_style_layer_with_contents_modes_and_links(LayerPacking packing)
    {
        using var scratch = new ScratchDirectory();
        var blob = LayerFiles.Pack(BuildModelTar(scratch), packing);
        var target = scratch.Combine("out");

        new TarLayerExtractor(target).Extract(blob, packing, Digest);

        Assert.Equal("{\"a\":1}", File.ReadAllText(Path.Combine(target, "tokenizer", "config.json")));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(target, "tokenizer", "sub", "vocab.bin")));
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(target, "tokenizer", "run.sh")));
        Assert.True(Directory.Exists(Path.Combine(target, "tokenizer", "empty")));
        Assert.Equal("444", Shell.Mode(Path.Combine(target, "tokenizer", "config.json")));
        Assert.Equal("555", Shell.Mode(Path.Combine(target, "tokenizer", "run.sh")));

        var link = new FileInfo(Path.Combine(target, "tokenizer", "latest"));
        Assert.Equal("sub/vocab.bin", link.LinkTarget);
        Assert.Equal("weights", File.ReadAllText(link.FullName));

        var hardLink = Path.Combine(target, "tokenizer", "vocab-copy.bin");
        Assert.Equal(Shell.Inode(Path.Combine(target, "tokenizer", "sub", "vocab.bin")), Shell.Inode(hardLink));
    }

    [Fact]
    public void Setuid_and_setgid_bits_are_not_kept()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.CreateDirectory("src");
        var tool = scratch.WriteFile("src/tool", "x");
        File.SetUnixFileMode(tool, (UnixFileMode)Convert.ToInt32("6755", 8));
        var tar = scratch.Combine("l.tar");
        Shell.Run("tar", "-cf", tar, "-C", source, "tool");
        var target = scratch.Combine("out");

        new TarLayerExtractor(target).Extract(tar, LayerPacking.Tar, Digest);

        Assert.Equal("555", Shell.Mode(Path.Combine(target, "tool")));
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void Hostile_entries_are_refused_as_unsafe_and_nothing_leaves_the_target(string hostileCase)
    {
        using var scratch = new ScratchDirectory();
        var (tar, refusedEntry) = HostileTars.Build(hostileCase, scratch);
        var target = scratch.CreateDirectory("deep/out");

        var error = Assert.Throws<ModelPackException>(() => new TarLayerExtractor(target).Extract(tar, LayerPacking.Tar, Digest));

        Assert.Equal(ErrorIds.UnsafeLayerPath, error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Equal(refusedEntry, error.Target);
        Assert.Contains(Digest, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.Combine("deep", "evil")));
        Assert.False(File.Exists(scratch.Combine("evil")));
        Assert.False(File.Exists("/abs"));
    }

    public static TheoryData<string> HostileCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in HostileTars.Cases)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Symbolic_links_that_stay_inside_are_created()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.CreateDirectory("src");
        scratch.WriteFile("src/v2/model.bin", "m");
        File.CreateSymbolicLink(Path.Combine(source, "latest"), "v2");
        Directory.CreateDirectory(Path.Combine(source, "docs"));
        File.CreateSymbolicLink(Path.Combine(source, "docs", "model.bin"), "../latest/model.bin");
        var tar = scratch.Combine("l.tar");
        Shell.Run("tar", "-cf", tar, "-C", source, "v2", "latest", "docs");
        var target = scratch.Combine("out");

        new TarLayerExtractor(target).Extract(tar, LayerPacking.Tar, Digest);

        Assert.Equal("m", File.ReadAllText(Path.Combine(target, "docs", "model.bin")));
        Assert.Equal("../latest/model.bin", new FileInfo(Path.Combine(target, "docs", "model.bin")).LinkTarget);
    }

    [Fact]
    public void A_non_empty_target_is_refused_because_its_links_are_not_known()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.CreateDirectory("out");
        File.CreateSymbolicLink(Path.Combine(target, "etc"), "/etc");

        Assert.Throws<ArgumentException>(() => new TarLayerExtractor(target));
    }

    [Fact]
    public void A_file_listed_twice_is_a_conflict()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.CreateDirectory("src");
        scratch.WriteFile("src/a.txt", "1");
        var tar = scratch.Combine("l.tar");
        Shell.Run("tar", "-cf", tar, "-C", source, "a.txt");
        File.WriteAllText(Path.Combine(source, "a.txt"), "2");
        Shell.Run("tar", "-rf", tar, "-C", source, "a.txt");

        var error = Assert.Throws<ModelPackException>(() => new TarLayerExtractor(scratch.Combine("out")).Extract(tar, LayerPacking.Tar, Digest));

        Assert.Equal(ErrorIds.LayerPathConflict, error.ErrorId);
        Assert.Equal("a.txt", error.Target);
    }

    [Theory]
    [InlineData(LayerPacking.TarGzip)]
    [InlineData(LayerPacking.TarZstd)]
    public void A_truncated_archive_is_reported_as_invalid_data(LayerPacking packing)
    {
        using var scratch = new ScratchDirectory();
        var blob = LayerFiles.Pack(BuildModelTar(scratch), packing);
        var bytes = File.ReadAllBytes(blob);
        File.WriteAllBytes(blob, bytes.Take(bytes.Length / 2).ToArray());

        var error = Assert.Throws<ModelPackException>(() => new TarLayerExtractor(scratch.Combine("out")).Extract(blob, packing, Digest));

        Assert.Equal(ErrorIds.InvalidLayerArchive, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal(Digest, error.Target);
    }

    [Fact]
    public void Gzip_bytes_that_are_not_gzip_are_reported_as_invalid_data()
    {
        using var scratch = new ScratchDirectory();
        var blob = scratch.WriteFile("junk", "this is not a gzip stream at all, just text");

        var error = Assert.Throws<ModelPackException>(() => new TarLayerExtractor(scratch.Combine("out")).Extract(blob, LayerPacking.TarGzip, Digest));

        Assert.Equal(ErrorIds.InvalidLayerArchive, error.ErrorId);
    }

    /// <summary>
    /// A tar as modctl writes a directory layer (filepath "tokenizer"): entry names relative to the model
    /// root, so they start with the annotated directory. Includes a symlink and a hard link.
    /// </summary>
    internal static string BuildModelTar(ScratchDirectory scratch)
    {
        var root = scratch.CreateDirectory("model-" + Guid.NewGuid().ToString("N"));
        var dir = Path.Combine(root, "tokenizer");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"a\":1}");
        File.WriteAllText(Path.Combine(dir, "sub", "vocab.bin"), "weights");
        File.WriteAllText(Path.Combine(dir, "run.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(dir, "run.sh"), (UnixFileMode)Convert.ToInt32("755", 8));
        File.CreateSymbolicLink(Path.Combine(dir, "latest"), "sub/vocab.bin");
        Shell.Run("ln", Path.Combine(dir, "sub", "vocab.bin"), Path.Combine(dir, "vocab-copy.bin"));
        var tar = Path.Combine(scratch.Path, Guid.NewGuid().ToString("N") + ".tar");
        Shell.Run("tar", "--sort=name", "-cf", tar, "-C", root, "tokenizer");
        return tar;
    }
}
