using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.Versioning;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Tests.Store;

/// <summary>Unix only: fixtures are made with tar, ln, mkfifo and inspected with stat.</summary>
[UnsupportedOSPlatform("windows")]
public class SnapshotBuilderTests
{
    private const string ManifestDigest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string ManifestHex = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public async Task Raw_layers_at_nested_filepaths_are_read_only_hard_links_to_their_blobs()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var weights = blobs.Raw("weights", "model.safetensors");
        var config = blobs.Raw("{}", "nested/deeper/config.json", kind: LayerKind.WeightConfig);
        var snapshots = scratch.Combine("snapshots");

        var dir = await SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, new[] { weights, config }, blobs.PathOf, CancellationToken.None);

        Assert.Equal(Path.Combine(snapshots, ManifestHex), dir);
        Assert.Equal(Shell.Inode(blobs[weights]), Shell.Inode(Path.Combine(dir, "model.safetensors")));
        Assert.Equal(Shell.Inode(blobs[config]), Shell.Inode(Path.Combine(dir, "nested", "deeper", "config.json")));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(dir, "nested", "deeper", "config.json")));
        Assert.Equal("444", Shell.Mode(Path.Combine(dir, "model.safetensors")));
        Assert.Equal(new[] { ManifestHex }, Directory.GetFileSystemEntries(snapshots).Select(Path.GetFileName));
        Assert.True(SnapshotBuilder.IsComplete(dir, new[] { weights, config }));
    }

    [Fact]
    public async Task Raw_tar_gzip_and_tar_zstd_layers_compose_one_tree()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var tar = TarLayerExtractorTests.BuildModelTar(scratch);
        var docsSource = scratch.CreateDirectory("docs-src");
        scratch.WriteFile("docs-src/docs/README.md", "# model");
        var docsTar = scratch.Combine("docs.tar");
        Shell.Run("tar", "-cf", docsTar, "-C", docsSource, "docs");
        var layers = new[]
        {
            blobs.Raw("weights", "model.gguf"),
            blobs.Archive(LayerFiles.Pack(tar, LayerPacking.TarGzip), LayerPacking.TarGzip, "tokenizer"),
            blobs.Archive(LayerFiles.Pack(docsTar, LayerPacking.TarZstd), LayerPacking.TarZstd, "docs"),
        };

        var dir = await SnapshotBuilder.BuildAsync(scratch.Combine("snapshots"), ManifestDigest, layers, blobs.PathOf, CancellationToken.None);

        Assert.Equal("weights", File.ReadAllText(Path.Combine(dir, "model.gguf")));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(dir, "tokenizer", "sub", "vocab.bin")));
        Assert.Equal("# model", File.ReadAllText(Path.Combine(dir, "docs", "README.md")));
        Assert.Equal(
            new[] { "docs", "model.gguf", "tokenizer" },
            Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_raw_layer_without_filepath_uses_its_title()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layer = blobs.Raw("w", filepath: null, title: "model.bin");

        var dir = await SnapshotBuilder.BuildAsync(scratch.Combine("snapshots"), ManifestDigest, new[] { layer }, blobs.PathOf, CancellationToken.None);

        Assert.Equal("w", File.ReadAllText(Path.Combine(dir, "model.bin")));
    }

    [Fact]
    public async Task A_raw_layer_with_neither_filepath_nor_title_fails_and_leaves_nothing()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layers = new[] { blobs.Raw("a", "ok.bin"), blobs.Raw("w", filepath: null) };
        var snapshots = scratch.Combine("snapshots");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None));

        Assert.Equal(ErrorIds.MissingLayerPath, error.ErrorId);
        Assert.Equal(layers[1].Digest, error.Target);
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("/etc/cron.d/x")]
    [InlineData("a/../../escape.bin")]
    public async Task An_unsafe_raw_filepath_is_refused(string filepath)
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layer = blobs.Raw("w", filepath);
        var snapshots = scratch.Combine("snapshots");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, new[] { layer }, blobs.PathOf, CancellationToken.None));

        Assert.Equal(ErrorIds.UnsafeLayerPath, error.ErrorId);
        Assert.Equal(filepath, error.Target);
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
        Assert.False(File.Exists(scratch.Combine("escape.bin")));
    }

    [Theory]
    [InlineData("model.bin", "model.bin")]
    [InlineData("dir/model.bin", "./dir//model.bin")]
    [InlineData("dir", "dir/inner.bin")]
    public async Task Colliding_raw_filepaths_are_a_conflict(string first, string second)
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layers = new[] { blobs.Raw("one", first), blobs.Raw("two", second) };
        var snapshots = scratch.Combine("snapshots");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None));

        Assert.Equal(ErrorIds.LayerPathConflict, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
    }

    [Fact]
    public async Task A_tar_entry_colliding_with_a_raw_layer_is_a_conflict()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var tar = TarLayerExtractorTests.BuildModelTar(scratch);
        var layers = new[] { blobs.Raw("raw", "tokenizer/config.json"), blobs.Archive(tar, LayerPacking.Tar, "tokenizer") };
        var snapshots = scratch.Combine("snapshots");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None));

        Assert.Equal(ErrorIds.LayerPathConflict, error.ErrorId);
        Assert.Equal("tokenizer/config.json", error.Target);
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
    }

    [Theory]
    [MemberData(nameof(TarLayerExtractorTests.HostileCases), MemberType = typeof(TarLayerExtractorTests))]
    public async Task Hostile_tar_layers_are_refused_and_leave_no_snapshot(string hostileCase)
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var (tar, refusedEntry) = HostileTars.Build(hostileCase, scratch);
        var layers = new[] { blobs.Raw("fine", "model.bin"), blobs.Archive(tar, LayerPacking.Tar) };
        var snapshots = scratch.Combine("snapshots");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None));

        Assert.Equal(ErrorIds.UnsafeLayerPath, error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Equal(refusedEntry, error.Target);
        Assert.Contains(layers[1].Digest, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
        Assert.False(File.Exists(scratch.Combine("evil")));
    }

    [Fact]
    public async Task Two_concurrent_builds_of_one_manifest_both_succeed_with_one_snapshot()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var tar = TarLayerExtractorTests.BuildModelTar(scratch);
        var layers = new[] { blobs.Raw("weights", "model.bin"), blobs.Archive(LayerFiles.Pack(tar, LayerPacking.TarGzip), LayerPacking.TarGzip, "tokenizer") };
        var snapshots = scratch.Combine("snapshots");

        // Both builders must be inside their build (temp directory made, layers being placed) at once.
        using var bothBuilding = new Barrier(2);
        var waited = new ThreadLocal<bool>();
        string BlobPath(Descriptor layer)
        {
            if (!waited.Value)
            {
                waited.Value = true;
                Assert.True(bothBuilding.SignalAndWait(TimeSpan.FromSeconds(30)), "the other build never started");
            }

            return blobs.PathOf(layer);
        }

        var builds = Enumerable.Range(0, 2)
            .Select(_ => Task.Run(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, BlobPath, CancellationToken.None)))
            .ToArray();
        var results = await Task.WhenAll(builds);

        Assert.Equal(results[0], results[1]);
        Assert.Equal(new[] { ManifestHex }, Directory.GetFileSystemEntries(snapshots).Select(Path.GetFileName));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(results[0], "model.bin")));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(results[0], "tokenizer", "sub", "vocab.bin")));
    }

    [Fact]
    public async Task A_corrupt_layer_after_good_ones_leaves_no_temporary_directory()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var tar = TarLayerExtractorTests.BuildModelTar(scratch);
        var layers = new[]
        {
            blobs.Raw("weights", "model.bin"),
            blobs.Archive(tar, LayerPacking.Tar, "tokenizer"),
            blobs.Bytes(new byte[] { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, LayerPacking.TarGzip),
        };
        var snapshots = scratch.Combine("snapshots");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None));

        Assert.Equal(ErrorIds.InvalidLayerArchive, error.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
        Assert.True(File.Exists(blobs[layers[0]]), "the blob a removed snapshot linked to must survive");
    }

    [Fact]
    public async Task Cancellation_mid_build_leaves_no_temporary_directory()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layers = new[] { blobs.Raw("one", "a.bin"), blobs.Raw("two", "b.bin") };
        var snapshots = scratch.Combine("snapshots");
        using var cancellation = new CancellationTokenSource();
        string BlobPath(Descriptor layer)
        {
            if (layer.Digest == layers[1].Digest)
            {
                cancellation.Cancel();
            }

            return blobs.PathOf(layer);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, BlobPath, cancellation.Token));

        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
    }

    [Fact]
    public async Task An_existing_complete_snapshot_is_returned_without_reading_blobs()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layers = new[] { blobs.Raw("w", "model.bin") };
        var snapshots = scratch.Combine("snapshots");
        var first = await SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None);

        var second = await SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, _ => throw new InvalidOperationException("must not rebuild"), CancellationToken.None);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_snapshot_missing_a_file_is_incomplete_and_rebuilt()
    {
        using var scratch = new ScratchDirectory();
        var blobs = new TestBlobs(scratch.Combine("blobs"));
        var layers = new[] { blobs.Raw("w", "model.bin"), blobs.Raw("c", "config.json") };
        var snapshots = scratch.Combine("snapshots");
        var dir = await SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None);
        File.Delete(Path.Combine(dir, "config.json"));
        Assert.False(SnapshotBuilder.IsComplete(dir, layers));

        var rebuilt = await SnapshotBuilder.BuildAsync(snapshots, ManifestDigest, layers, blobs.PathOf, CancellationToken.None);

        Assert.Equal(dir, rebuilt);
        Assert.True(SnapshotBuilder.IsComplete(rebuilt, layers));
        Assert.Equal(new[] { ManifestHex }, Directory.GetFileSystemEntries(snapshots).Select(Path.GetFileName));
    }

    [Fact]
    public void Delete_removes_the_snapshot_but_nothing_its_links_point_to()
    {
        using var scratch = new ScratchDirectory();
        var outside = scratch.WriteFile("outside/precious.txt", "keep");
        var snapshots = scratch.CreateDirectory("snapshots");
        var snapshot = scratch.CreateDirectory("snapshots/" + ManifestHex);
        scratch.WriteFile($"snapshots/{ManifestHex}/sub/model.bin", "w");
        File.CreateSymbolicLink(Path.Combine(snapshot, "sub", "outside-dir"), Path.GetDirectoryName(outside)!);
        File.CreateSymbolicLink(Path.Combine(snapshot, "outside-file"), outside);
        var blob = scratch.WriteFile("blob", "b");
        File.SetUnixFileMode(blob, UnixFileMode.UserRead);
        Shell.Run("ln", blob, Path.Combine(snapshot, "linked.bin"));

        Assert.True(SnapshotBuilder.Delete(snapshot));

        Assert.False(Directory.Exists(snapshot));
        Assert.Empty(Directory.GetFileSystemEntries(snapshots));
        Assert.Equal("keep", File.ReadAllText(outside));
        Assert.Equal("b", File.ReadAllText(blob));
        Assert.False(SnapshotBuilder.Delete(snapshot));
    }

    [Fact]
    public async Task A_malformed_manifest_digest_is_refused()
    {
        using var scratch = new ScratchDirectory();

        var error = await Assert.ThrowsAsync<ModelPackException>(() => SnapshotBuilder.BuildAsync(scratch.Combine("snapshots"), "sha256:../../x", Array.Empty<Descriptor>(), _ => "", CancellationToken.None));

        Assert.Equal(ErrorIds.UnsupportedDigest, error.ErrorId);
        Assert.False(Directory.Exists(scratch.Combine("snapshots")));
    }

    [Fact]
    public void SnapshotPath_is_named_by_the_manifest_hex()
    {
        Assert.Equal(Path.Combine("/store/snapshots", ManifestHex), SnapshotBuilder.SnapshotPath("/store/snapshots", ManifestDigest));
    }
}
