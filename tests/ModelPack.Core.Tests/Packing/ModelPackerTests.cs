using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>Packing a real folder into a real store: kinds, annotations, config, diffIds, snapshot and reproducibility.</summary>
public sealed class ModelPackerTests : IDisposable
{
    private static readonly ModelReference Reference = ModelReference.Parse("localhost:5000/models/sample:1.0");
    private readonly TempDirectory _root = new("modelpack-pack");
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    private ModelStore NewStore(string name = "store") => ModelStore.Open(Path.Combine(_root.Path, name));

    private PackRequest Request(ModelReference? reference = null)
    {
        var request = new PackRequest(_folder.Path, reference ?? Reference);
        request.Datasets.Add("data");
        request.Config.Name = "sample";
        request.Config.ParamSize = "8b";
        return request;
    }

    [Fact]
    public async Task A_folder_becomes_one_raw_layer_per_file_classified_by_kind_in_kind_then_path_order()
    {
        var store = NewStore();

        var result = await ModelPacker.PackAsync(Request(), store);

        var layers = result.Artifact.Manifest.Layers;
        var byPath = layers.Select(l => (l.Filepath, l.Kind, l.Packing)).ToList();
        Assert.Equal(
            new (string?, LayerKind?, LayerPacking?)[]
            {
                ("model-00001-of-00002.safetensors", LayerKind.Weight, LayerPacking.Raw),
                ("model-00002-of-00002.safetensors", LayerKind.Weight, LayerPacking.Raw),
                ("config.json", LayerKind.WeightConfig, LayerPacking.Raw),
                ("generation_config.json", LayerKind.WeightConfig, LayerPacking.Raw),
                ("merges.txt", LayerKind.WeightConfig, LayerPacking.Raw),
                ("model.safetensors.index.json", LayerKind.WeightConfig, LayerPacking.Raw),
                ("tokenizer.json", LayerKind.WeightConfig, LayerPacking.Raw),
                ("tokenizer_config.json", LayerKind.WeightConfig, LayerPacking.Raw),
                ("LICENSE", LayerKind.Doc, LayerPacking.Raw),
                ("README.md", LayerKind.Doc, LayerPacking.Raw),
                ("notes.xyz", LayerKind.Doc, LayerPacking.Raw),
                ("scripts/run.py", LayerKind.Code, LayerPacking.Raw),
                ("scripts/setup.sh", LayerKind.Code, LayerPacking.Raw),
                ("data/eval.csv", LayerKind.Dataset, LayerPacking.Raw),
                ("data/train/part-0.jsonl", LayerKind.Dataset, LayerPacking.Raw),
                ("data/train/part-1.jsonl", LayerKind.Dataset, LayerPacking.Raw),
            },
            byPath);
        Assert.Equal(new[] { "notes.xyz" }, result.Plan.Unclassified);
        Assert.Contains(".gitattributes", result.Plan.Skipped.Keys);
        Assert.Equal(Reference.ToString(), result.Artifact.Reference);
        Assert.Null(result.PreviousDigest);
    }

    [Fact]
    public async Task Every_raw_layer_carries_filepath_title_and_reproducible_file_metadata_and_its_digest_is_the_files()
    {
        var store = NewStore();

        var result = await ModelPacker.PackAsync(Request(), store);

        foreach (var layer in result.Artifact.Manifest.Layers)
        {
            var bytes = File.ReadAllBytes(_folder.Full(layer.Filepath!));
            Assert.Equal(Digest.Sha256(bytes).ToString(), layer.Digest);
            Assert.Equal(bytes.Length, layer.Size);
            Assert.Equal(layer.Filepath!.Split('/').Last(), layer.Title);
            var metadata = layer.FileMetadata!;
            Assert.Equal(layer.Title, metadata.Name);
            Assert.Equal(0u, metadata.Uid);
            Assert.Equal(0u, metadata.Gid);
            Assert.Equal(bytes.Length, metadata.Size);
            Assert.Equal(PackRequest.DefaultModificationTime, metadata.ModTime);
            Assert.Equal((byte)'0', metadata.Typeflag);
            Assert.Equal(layer.Filepath == "scripts/setup.sh" ? Convert.ToUInt32("755", 8) : Convert.ToUInt32("644", 8), metadata.Mode);
            Assert.Equal(layer.Filepath == "notes.xyz" ? "true" : null, layer.Annotation(AnnotationKeys.MediaTypeUntested));
        }

        var raw = Encoding.UTF8.GetString(result.Artifact.Manifest.ToBytes());
        Assert.Contains("\"org.cncf.model.file.metadata+json\":\"{\\\"name\\\":\\\"README.md\\\",\\\"mode\\\":420,\\\"uid\\\":0,\\\"gid\\\":0,\\\"size\\\":15,\\\"mtime\\\":\\\"1970-01-01T00:00:00Z\\\",\\\"typeflag\\\":48}\"", raw);
    }

    [Fact]
    public async Task The_config_and_manifest_pass_the_validators_and_diffIds_are_the_layer_digests_in_order()
    {
        var store = NewStore();

        var result = await ModelPacker.PackAsync(Request(), store);

        var manifestBytes = store.Layout.ReadBlob(result.Artifact.Manifest.ToDescriptor());
        Assert.Empty(ManifestValidator.Validate(manifestBytes));
        var configBytes = store.Layout.ReadBlob(result.Artifact.Manifest.Config!);
        Assert.Empty(ConfigValidator.Validate(configBytes));
        var config = ModelConfig.Parse(configBytes);
        Assert.Equal(result.Artifact.Manifest.Layers.Select(l => l.Digest), config.ModelFs.DiffIds);
        Assert.Equal("safetensors", config.Config.Format);
        Assert.Equal("sample", config.Descriptor.Name);
        Assert.Equal("8b", config.Config.ParamSize);
        Assert.Null(config.Descriptor.CreatedAt);
        Assert.DoesNotContain("createdAt", Encoding.UTF8.GetString(configBytes));
        Assert.Equal(MediaTypes.ModelArtifact, result.Artifact.Manifest.ArtifactType);
    }

    [Fact]
    public async Task The_store_holds_the_blobs_the_tag_and_a_snapshot_with_every_file_as_in_the_folder()
    {
        var store = NewStore();

        var result = await ModelPacker.PackAsync(Request(), store);

        var listed = Assert.Single(store.List());
        Assert.Equal(result.Artifact.Digest, listed.Digest);
        Assert.Equal(result.Artifact.Digest, store.Find(Reference)!.Digest);
        Assert.Equal(store.SnapshotPath(result.Artifact.Digest), result.Artifact.Path);
        var expected = Tree.Hashes(_folder.Path);
        expected.Remove(".gitattributes");
        Assert.Equal(expected, Tree.Hashes(result.Artifact.Path!));
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "pack-*"));
        Assert.True(result.BytesRead > 290_000);
    }

    [Fact]
    public async Task Packing_the_same_folder_twice_gives_the_same_digest_even_after_its_files_are_touched()
    {
        var first = await ModelPacker.PackAsync(Request(), NewStore("a"));
        foreach (var file in Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-3));
        }

        var second = await ModelPacker.PackAsync(Request(), NewStore("b"));
        var again = await ModelPacker.PackAsync(Request(), NewStore("a"));

        Assert.Equal(first.Artifact.Digest, second.Artifact.Digest);
        Assert.Equal(first.Artifact.Manifest.ToBytes(), second.Artifact.Manifest.ToBytes());
        Assert.Equal(again.Artifact.Digest, again.PreviousDigest);
    }

    [Fact]
    public async Task One_changed_byte_changes_exactly_one_layer_digest_and_the_config_and_manifest()
    {
        var store = NewStore();
        var before = await ModelPacker.PackAsync(Request(), store);
        _folder.FlipByte("model-00002-of-00002.safetensors", 12345);

        var after = await ModelPacker.PackAsync(Request(), store);

        var changed = before.Artifact.Manifest.Layers.Zip(after.Artifact.Manifest.Layers)
            .Where(p => p.First.Digest != p.Second.Digest)
            .Select(p => p.Second.Filepath)
            .ToList();
        Assert.Equal(new[] { "model-00002-of-00002.safetensors" }, changed);
        Assert.NotEqual(before.Artifact.Manifest.Config!.Digest, after.Artifact.Manifest.Config!.Digest);
        Assert.NotEqual(before.Artifact.Digest, after.Artifact.Digest);
        Assert.Equal(before.Artifact.Digest, after.PreviousDigest);
        Assert.Equal(after.Artifact.Digest, store.Find(Reference)!.Digest);
    }

    [Fact]
    public async Task A_fixed_or_preserved_modification_time_is_what_the_metadata_records()
    {
        var fixedTime = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var request = Request();
        request.ModificationTime = fixedTime;
        var withFixed = await ModelPacker.PackAsync(request, NewStore("a"));
        File.SetLastWriteTimeUtc(_folder.Full("README.md"), new DateTime(2020, 1, 2, 3, 4, 5, 600, DateTimeKind.Utc));
        var preserving = Request();
        preserving.PreserveModificationTimes = true;

        var withPreserved = await ModelPacker.PackAsync(preserving, NewStore("b"));

        Assert.All(withFixed.Artifact.Manifest.Layers, l => Assert.Equal(fixedTime, l.FileMetadata!.ModTime));
        var readme = withPreserved.Artifact.Manifest.Layers.Single(l => l.Filepath == "README.md");
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), readme.FileMetadata!.ModTime);
    }

    [Fact]
    public async Task Progress_is_reported_per_file_with_running_totals_and_ends_completed()
    {
        var progress = new SyncProgress<PackProgress>();

        var result = await ModelPacker.PackAsync(Request(), NewStore(), progress);

        var reports = progress.Reports.ToList();
        var files = result.Plan.Files.Select(f => f.Path).ToHashSet();
        Assert.Equal(files, reports.Where(r => r.Stage == PackStage.Packing).Select(r => r.FilePath!).ToHashSet());
        var weight = reports.Where(r => r.FilePath == "model-00001-of-00002.safetensors" && r.Stage == PackStage.Packing).ToList();
        Assert.Equal(200_000, weight.Last().FileBytesDone);
        Assert.All(reports, r => Assert.Equal(16, r.FilesTotal));
        Assert.Equal(PackStage.Completed, reports.Last().Stage);
        Assert.Equal(16, reports.Last().FilesDone);
        Assert.Equal(reports.Last().BytesTotal, reports.Last().BytesDone);
    }

    [Fact]
    public void Plan_lists_the_layers_without_writing_anything()
    {
        var store = NewStore();
        var before = StoreState.Capture(store);

        var plan = ModelPacker.Plan(Request());

        Assert.Equal(16, plan.Layers.Count);
        Assert.Equal("safetensors", plan.InferredFormat);
        Assert.Equal(before, StoreState.Capture(store));
    }
}
