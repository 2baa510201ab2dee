using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>Tar, tar+gzip and tar+zstd packing: reproducible, with correct diffIds, and readable by the store's extractor and by the real tar, gzip and zstd.</summary>
public sealed class TarPackingTests : IDisposable
{
    private static readonly ModelReference Reference = ModelReference.Parse("localhost:5000/models/tarred:1.0");
    private static readonly string LongPath = "docs/" + new string('a', 120) + "/guide.md";
    private readonly TempDirectory _root = new("modelpack-tarpack");
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public TarPackingTests()
    {
        _folder.Write(LongPath, "# a long way down\n");
    }

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    private PackRequest Request(LayerPacking packing)
    {
        var request = new PackRequest(_folder.Path, Reference).UsePacking(packing);
        request.Datasets.Add("data");
        return request;
    }

    private ModelStore NewStore(string name) => ModelStore.Open(Path.Combine(_root.Path, name));

    [Theory]
    [InlineData(LayerPacking.Tar)]
    [InlineData(LayerPacking.TarGzip)]
    [InlineData(LayerPacking.TarZstd)]
    public async Task Packing_twice_at_different_times_gives_the_same_digests(LayerPacking packing)
    {
        var first = await ModelPacker.PackAsync(Request(packing), NewStore("a"));
        Thread.Sleep(1100);
        foreach (var file in Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
        }

        var second = await ModelPacker.PackAsync(Request(packing), NewStore("b"));

        Assert.Equal(first.Artifact.Manifest.ToBytes(), second.Artifact.Manifest.ToBytes());
        Assert.Contains(first.Artifact.Manifest.Layers, l => l.Packing == packing);
    }

    [Theory]
    [InlineData(LayerPacking.Tar)]
    [InlineData(LayerPacking.TarGzip)]
    [InlineData(LayerPacking.TarZstd)]
    public async Task Non_weight_kinds_become_tar_layers_whose_diffIds_are_the_tar_digests_and_real_tools_extract_them(LayerPacking packing)
    {
        var store = NewStore("s");

        var result = await ModelPacker.PackAsync(Request(packing), store);

        var manifest = result.Artifact.Manifest;
        var config = ModelConfig.Parse(store.Layout.ReadBlob(manifest.Config!));
        Assert.Empty(ManifestValidator.Validate(manifest.ToBytes()));
        Assert.Empty(config.Validate());
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var layer = manifest.Layers[i];
            if (layer.Kind == LayerKind.Weight)
            {
                Assert.Equal(LayerPacking.Raw, layer.Packing);
                Assert.Equal(layer.Digest, config.ModelFs.DiffIds[i]);
                continue;
            }

            Assert.Equal(packing, layer.Packing);
            var tarFile = Decompress(store.Layout.BlobPath(layer.Digest), packing, _root.File($"layer-{i}.tar"));
            Assert.Equal(Digest.Sha256(File.ReadAllBytes(tarFile)).ToString(), config.ModelFs.DiffIds[i]);
            var extracted = _root.File($"extracted-{i}");
            Directory.CreateDirectory(extracted);
            Shell.Run("tar", "-xf", tarFile, "-C", extracted);
            foreach (var (path, hash) in Tree.Hashes(extracted))
            {
                Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_folder.Full(path)))), hash);
            }

            Assert.NotEmpty(Tree.Hashes(extracted));
        }

        var expected = Tree.Hashes(_folder.Path);
        expected.Remove(".gitattributes");
        Assert.Equal(expected, Tree.Hashes(result.Artifact.Path!));
    }

    [Fact]
    public async Task Tar_entries_have_fixed_owner_time_and_names_and_no_PAX_records()
    {
        var store = NewStore("s");

        var result = await ModelPacker.PackAsync(Request(LayerPacking.Tar), store);

        var entries = new List<TarEntry>();
        foreach (var layer in result.Artifact.Manifest.Layers.Where(l => l.Packing == LayerPacking.Tar))
        {
            using var stream = File.OpenRead(store.Layout.BlobPath(layer.Digest));
            using var reader = new TarReader(stream);
            var inLayer = new List<TarEntry>();
            while (reader.GetNextEntry() is TarEntry entry)
            {
                inLayer.Add(entry);
            }

            Assert.Equal(inLayer.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal), inLayer.Select(e => e.Name));
            Assert.All(inLayer, e => Assert.True(e.Name == layer.Filepath || e.Name.StartsWith(layer.Filepath + "/", StringComparison.Ordinal), e.Name));
            entries.AddRange(inLayer);
        }

        Assert.Equal(Tree.Hashes(_folder.Path).Keys.Where(k => k != ".gitattributes" && !k.EndsWith(".safetensors", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal), entries.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(entries, e =>
        {
            // SharpCompress writes typeflag NUL, the pre-POSIX spelling of a regular file that every reader accepts.
            Assert.Equal(TarEntryType.V7RegularFile, e.EntryType);
            Assert.IsNotType<PaxTarEntry>(e);
            Assert.Equal(e.Name == LongPath ? TarEntryFormat.V7 : TarEntryFormat.Ustar, e.Format);
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
            if (e is PosixTarEntry posix)
            {
                Assert.Equal(string.Empty, posix.UserName);
                Assert.Equal(string.Empty, posix.GroupName);
            }
        });
    }

    [Fact]
    public async Task A_listed_dataset_directory_packed_as_tar_is_one_layer_named_by_the_directory()
    {
        var store = NewStore("s");
        var request = new PackRequest(_folder.Path, Reference);
        request.Datasets.Add("data");
        request.Packing[LayerKind.Dataset] = LayerPacking.TarGzip;

        var result = await ModelPacker.PackAsync(request, store);

        var dataset = Assert.Single(result.Artifact.Manifest.Layers, l => l.Kind == LayerKind.Dataset);
        Assert.Equal("data", dataset.Filepath);
        Assert.Equal("data.tar.gz", dataset.Title);
        Assert.Equal(FileMetadata.Directory, dataset.FileMetadata!.Typeflag);
        Assert.All(result.Artifact.Manifest.Layers.Where(l => l.Kind != LayerKind.Dataset), l => Assert.Equal(LayerPacking.Raw, l.Packing));
        var tarFile = Decompress(store.Layout.BlobPath(dataset.Digest), LayerPacking.TarGzip, _root.File("data.tar"));
        Assert.Equal(new[] { "data/eval.csv", "data/train/part-0.jsonl", "data/train/part-1.jsonl" }, Shell.Run("tar", "-tf", tarFile).Split('\n'));
        Assert.Equal("text\nc\n", File.ReadAllText(Path.Combine(result.Artifact.Path!, "data", "eval.csv")));
    }

    [Fact]
    public async Task Weights_cannot_be_tar_packed()
    {
        var request = new PackRequest(_folder.Path, Reference);
        request.Packing[LayerKind.Weight] = LayerPacking.TarGzip;

        var error = await Assert.ThrowsAsync<ModelPack.Core.Errors.ModelPackException>(() => ModelPacker.PackAsync(request, NewStore("s")));

        Assert.Equal("InvalidPackOption", error.ErrorId);
    }

    /// <summary>The layer's tar, decompressed by the real gzip or zstd.</summary>
    private static string Decompress(string blob, LayerPacking packing, string output)
    {
        switch (packing)
        {
            case LayerPacking.Tar:
                File.Copy(blob, output);
                break;
            case LayerPacking.TarGzip:
                Shell.Run("sh", "-c", "gzip -dc \"$0\" > \"$1\"", blob, output);
                break;
            default:
                Shell.Run("zstd", "-q", "-d", "-o", output, blob);
                break;
        }

        return output;
    }
}
