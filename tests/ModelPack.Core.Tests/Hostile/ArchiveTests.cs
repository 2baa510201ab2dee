using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// Tar layers that end early (cut inside an entry, or without their end-of-archive blocks) are InvalidLayerArchive;
/// layers that expand without bound are stopped by an entry count, a compression-ratio limit and the free space of
/// the store. Each leaves nothing in snapshots/. Bombs are a few KiB made from streamed zeros.
/// </summary>
public sealed class ArchiveTests : HostileStoreTestBase
{
    private const string LayerDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000002";

    private static readonly Dictionary<string, byte[]> Files = new()
    {
        ["docs/a.txt"] = TestArtifact.Bytes(5, 3000),
        ["docs/b.txt"] = TestArtifact.Bytes(6, 5000),
    };

    public ArchiveTests(PlainRegistryFixture fixture)
        : base(fixture)
    {
    }

    public static TheoryData<LayerPacking, string> Truncations
    {
        get
        {
            var data = new TheoryData<LayerPacking, string>();
            foreach (var packing in new[] { LayerPacking.Tar, LayerPacking.TarGzip, LayerPacking.TarZstd })
            {
                data.Add(packing, "inside an entry");
                data.Add(packing, "without the end blocks");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public void An_archive_that_ends_early_is_InvalidLayerArchive(LayerPacking packing, string cut)
    {
        var tar = cut == "inside an entry" ? HostileArchives.CutInsideLastEntry(Files) : HostileArchives.WithoutEnd(Files);
        var target = Root.File("out-" + Guid.NewGuid().ToString("N")[..8]);

        var ex = Assert.Throws<ModelPackException>(() => new TarLayerExtractor(target).Extract(new MemoryStream(Pack(tar, packing)), packing, LayerDigest));

        Assert.Equal(ErrorIds.InvalidLayerArchive, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(LayerDigest, ex.Target);
        Assert.Contains(cut == "inside an entry" ? "'docs/b.txt' has" : "without the zero block", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_archive_with_a_lone_end_block_is_fine()
    {
        var tar = HostileArchives.WithoutEnd(Files).Concat(new byte[512]).ToArray();
        var target = Root.File("out-lone");

        new TarLayerExtractor(target).Extract(new MemoryStream(tar), LayerPacking.Tar, LayerDigest);

        Assert.Equal(Files["docs/b.txt"], File.ReadAllBytes(Path.Combine(target, "docs", "b.txt")));
    }

    [Fact]
    public async Task A_pulled_layer_cut_inside_an_entry_fails_the_pull_and_leaves_no_snapshot()
    {
        var reference = await PushAsync(NewRepository("cut"), ModelWith(("docs", LayerPacking.TarGzip, HostileArchives.CutInsideLastEntry(Files))));
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.InvalidLayerArchive, ex.ErrorId);
        Assert.Equal(before, Contents());
    }

    [Theory]
    [InlineData(LayerPacking.TarGzip)]
    [InlineData(LayerPacking.TarZstd)]
    public async Task A_compression_bomb_stops_at_the_default_ratio_and_leaves_nothing(LayerPacking packing)
    {
        // 256 MiB of zeros in a few hundred KiB; the default limit (100 times, at least 1 MiB counted) stops it at 100 MiB.
        var bomb = HostileArchives.ZeroBomb(packing, 256L << 20);
        Assert.True(bomb.Length < 1024 * 1024, $"{bomb.Length} bytes");
        var reference = await PushAsync(NewRepository("bomb"), ModelWith(("zeros", packing, null), bomb));
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.CompressionRatioExceeded, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains("maxCompressionRatio", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Contents());
    }

    [Fact]
    public async Task The_ratio_limit_is_the_stores_setting()
    {
        var bomb = HostileArchives.ZeroBomb(LayerPacking.TarGzip, 40L << 20);
        var reference = await PushAsync(NewRepository("ratio"), ModelWith(("zeros", LayerPacking.TarGzip, null), bomb));
        Store.ArchiveLimits = new ArchiveLimits(maxCompressionRatio: 10);

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.CompressionRatioExceeded, ex.ErrorId);
        Store.ArchiveLimits = new ArchiveLimits(maxCompressionRatio: 1000);
        var result = await PullAsync(reference);
        Assert.Equal(40L << 20, new FileInfo(Path.Combine(result.Artifact.Path!, "zeros.bin")).Length);
    }

    [Fact]
    public async Task More_entries_than_the_limit_are_TooManyLayerEntries()
    {
        var reference = await PushAsync(NewRepository("entries"), ModelWith(("many", LayerPacking.TarGzip, null), HostileArchives.ManyEntries(60)));
        Store.ArchiveLimits = new ArchiveLimits(maxEntries: 50);
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.TooManyLayerEntries, ex.ErrorId);
        Assert.Contains("more than 50 entries", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Contents());
        Store.ArchiveLimits = ArchiveLimits.Default;
        Assert.Equal(60, Directory.GetFiles(Path.Combine((await PullAsync(reference)).Artifact.Path!, "many")).Length);
    }

    [ToolFact(TestTools.DockerRegistry, TestTools.TmpfsMount)]
    public async Task A_layer_that_expands_past_the_free_space_of_a_real_small_file_system_stops_before_filling_it()
    {
        using var small = new SmallFileSystem(sizeMiB: 8);
        Store = ModelStore.Open(small.Combine("store"));
        Store.ArchiveLimits = new ArchiveLimits(maxCompressionRatio: 1_000_000);
        var reference = await PushAsync(NewRepository("space"), ModelWith(("zeros", LayerPacking.TarGzip, null), HostileArchives.ZeroBomb(LayerPacking.TarGzip, 20L << 20)));
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.InsufficientFreeSpace, ex.ErrorId);
        Assert.Contains("entry 'zeros.bin'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Store.SnapshotsDirectory));
        Assert.Equal(before.Split('\n')[2], Contents().Split('\n')[2]);
    }

    private static byte[] Pack(byte[] tar, LayerPacking packing) => packing switch
    {
        LayerPacking.Tar => tar,
        LayerPacking.TarGzip => HostileArchives.Gzip(s => s.Write(tar)),
        _ => HostileArchives.Zstd(s => s.Write(tar)),
    };

    /// <summary>A model whose one layer is a given blob (a tar packed as named), plus a raw weight file.</summary>
    private static TestArtifact ModelWith((string Path, LayerPacking Packing, byte[]? Tar) layer, byte[]? blob = null)
    {
        var bytes = blob ?? Pack(layer.Tar!, layer.Packing);
        return TestArtifact.FromLayers("archive", (new Descriptor(LayerMediaType.Format(LayerKind.Doc, layer.Packing), Digest.Sha256(bytes).ToString(), bytes.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = layer.Path }), bytes));
    }
}
