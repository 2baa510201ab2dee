using ModelPack.Core.Mounts;
using ModelPack.Core.Spec;
using static ModelPack.Core.Tests.Mounts.MountTestData;

namespace ModelPack.Core.Tests.Mounts;

public sealed class EntryPathResolverTests
{
    [Fact]
    public void The_largest_raw_weight_layer_is_the_entry()
    {
        var layers = new[]
        {
            Layer(LayerKind.Weight, LayerPacking.Raw, 100, "shards/model-00001.safetensors"),
            Layer(LayerKind.Weight, LayerPacking.Raw, 300, "shards/model-00002.safetensors"),
            Layer(LayerKind.Dataset, LayerPacking.Raw, 9000, "data/train.jsonl"),
            Layer(LayerKind.WeightConfig, LayerPacking.Raw, 5000, "config.json"),
        };

        Assert.Equal("shards/model-00002.safetensors", EntryPathResolver.MainWeightPath(layers));
    }

    [Fact]
    public void A_raw_weight_wins_over_a_larger_archived_one()
    {
        var layers = new[]
        {
            Layer(LayerKind.Weight, LayerPacking.TarGzip, 10_000, "checkpoints"),
            Layer(LayerKind.Weight, LayerPacking.Raw, 10, "model.gguf"),
        };

        Assert.Equal("model.gguf", EntryPathResolver.MainWeightPath(layers));
    }

    [Fact]
    public void Without_raw_weights_the_largest_archive_filepath_is_the_entry()
    {
        var layers = new[]
        {
            Layer(LayerKind.Weight, LayerPacking.Tar, 10, "small"),
            Layer(LayerKind.Weight, LayerPacking.TarZstd, 500, "./weights/"),
            Layer(LayerKind.Weight, LayerPacking.Tar, 9999, null, "no-filepath.tar"),
        };

        Assert.Equal("weights", EntryPathResolver.MainWeightPath(layers));
    }

    [Fact]
    public void A_raw_weight_without_filepath_falls_back_to_its_title()
    {
        var layers = new[] { Layer(LayerKind.Weight, LayerPacking.Raw, 10, null, "model.bin") };

        Assert.Equal("model.bin", EntryPathResolver.MainWeightPath(layers));
    }

    [Fact]
    public void Ties_go_to_the_first_layer_and_unsafe_paths_are_ignored()
    {
        var layers = new[]
        {
            Layer(LayerKind.Weight, LayerPacking.Raw, 50, "../escape.bin"),
            Layer(LayerKind.Weight, LayerPacking.Raw, 20, "a.bin"),
            Layer(LayerKind.Weight, LayerPacking.Raw, 20, "b.bin"),
        };

        Assert.Equal("a.bin", EntryPathResolver.MainWeightPath(layers));
    }

    [Fact]
    public void No_weight_layer_means_no_entry()
    {
        var layers = new[] { Layer(LayerKind.Doc, LayerPacking.Raw, 10, "README.md") };

        Assert.Null(EntryPathResolver.MainWeightPath(layers));
        Assert.Null(EntryPathResolver.EntryPath(layers, "/mnt/models"));
    }

    [Fact]
    public void The_entry_path_is_under_the_destination()
    {
        var layers = new[] { Layer(LayerKind.Weight, LayerPacking.Raw, 10, "sub/model.gguf") };

        Assert.Equal("/srv/m/sub/model.gguf", EntryPathResolver.EntryPath(layers, "/srv/m"));
    }
}
