using System.Collections.Generic;
using System.Linq;
using System.Text;
using ModelPack.Core.PartialPulls;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Spec;

/// <summary>The names other producers and earlier spec revisions used, as the module reads and reports them.</summary>
public sealed class EarlierNamesTests
{
    [Fact]
    public void Every_current_layer_type_under_the_earlier_cnai_prefix_reads_as_the_same_kind_and_packing_but_is_not_current()
    {
        foreach (var current in LayerMediaType.All)
        {
            var earlier = current.Replace("application/vnd.cncf.model.", "application/vnd.cnai.model.");
            Assert.True(LayerMediaType.TryParse(current, out var kind, out var packing));
            Assert.True(LayerMediaType.TryRead(earlier, out var earlierKind, out var earlierPacking), earlier);
            Assert.Equal((kind, packing), (earlierKind, earlierPacking));
            Assert.False(LayerMediaType.IsModelLayer(earlier));
            Assert.True(LayerMediaType.IsEarlierName(earlier));
            Assert.False(LayerMediaType.IsEarlierName(current));
        }
    }

    [Theory]
    [InlineData("application/vnd.cnai.model.weight.v1", LayerKind.Weight)] // the first spec text: no packing suffix meant raw
    [InlineData("application/vnd.cnai.model.doc.v1", LayerKind.Doc)]
    [InlineData("application/vnd.cncf.model.weight.v1.gguf", LayerKind.Weight)] // Docker Model Runner
    [InlineData("application/vnd.cncf.model.weight.v1.safetensors", LayerKind.Weight)]
    public void Other_producers_raw_layer_types_read_as_raw_files_of_their_kind(string mediaType, LayerKind expected)
    {
        Assert.True(LayerMediaType.TryRead(mediaType, out var kind, out var packing));
        Assert.Equal((expected, LayerPacking.Raw), (kind, packing));
        Assert.Equal(expected, new Descriptor(mediaType, "sha256:" + new string('0', 64), 1).Kind);
    }

    [Theory]
    [InlineData("application/vnd.cncf.model.weight.v1.onnx")]
    [InlineData("application/vnd.docker.ai.gguf.v3")]
    [InlineData("text/plain; charset=utf-8")]
    public void Types_that_name_no_kind_are_not_read_as_one(string mediaType)
    {
        Assert.False(LayerMediaType.TryRead(mediaType, out _, out _));
        Assert.Null(new Descriptor(mediaType, "sha256:" + new string('0', 64), 1).Kind);
    }

    [Fact]
    public void An_earlier_named_filepath_is_read_and_the_current_one_wins_when_both_are_there()
    {
        var digest = "sha256:" + new string('0', 64);
        var earlier = new Descriptor("x", digest, 1, new Dictionary<string, string> { [AnnotationKeys.LegacyFilepath] = "old/path.bin" });
        var both = new Descriptor("x", digest, 1, new Dictionary<string, string> { [AnnotationKeys.LegacyFilepath] = "old.bin", [AnnotationKeys.Filepath] = "new.bin" });

        Assert.Equal("old/path.bin", earlier.Filepath);
        Assert.Equal("new.bin", both.Filepath);
    }

    [Fact]
    public void Only_names_are_naming_violations_and_an_unsafe_path_under_either_key_is_not()
    {
        var manifest = Manifest("\"artifactType\":\"application/vnd.cnai.model.manifest.v1+json\",", "application/vnd.cnai.model.config.v1+json",
            "{\"mediaType\":\"application/vnd.cnai.model.weight.v1.raw\",\"digest\":\"sha256:" + new string('1', 64) + "\",\"size\":1,\"annotations\":{\"org.cnai.model.filepath\":\"/etc/passwd\"}}");

        var violations = ManifestValidator.Validate(manifest);

        Assert.Equal(
            new[] { ("$.artifactType", true), ("$.config.mediaType", true), ("$.layers[0].mediaType", true), ("$.layers[0].annotations[\"org.cnai.model.filepath\"]", true), ("$.layers[0].annotations[\"org.cnai.model.filepath\"]", false) },
            violations.Select(v => (v.Path, v.NamingOnly)));
        Assert.Single(ModelManifest.Parse(manifest).UsabilityViolations());
    }

    [Fact]
    public void A_podman_titled_artifact_is_a_model_to_read_and_neither_an_empty_config_alone_nor_another_artifactType_is()
    {
        var titled = ModelManifest.Parse(Manifest(string.Empty, MediaTypes.OciEmpty,
            "{\"mediaType\":\"text/plain\",\"digest\":\"sha256:" + new string('1', 64) + "\",\"size\":1,\"annotations\":{\"org.opencontainers.image.title\":\"a.txt\"}}"));
        var untitled = ModelManifest.Parse(Manifest(string.Empty, MediaTypes.OciEmpty,
            "{\"mediaType\":\"text/plain\",\"digest\":\"sha256:" + new string('1', 64) + "\",\"size\":1}"));

        Assert.True(titled.IsTitledArtifact);
        Assert.True(titled.IsModelArtifact);
        Assert.Empty(titled.UsabilityViolations());
        Assert.NotEmpty(titled.Validate());
        Assert.False(untitled.IsModelArtifact);
        Assert.False(ModelManifest.Parse(Manifest("\"artifactType\":\"text/plain\",", MediaTypes.OciEmpty,
            "{\"mediaType\":\"text/plain\",\"digest\":\"sha256:" + new string('1', 64) + "\",\"size\":1,\"annotations\":{\"org.opencontainers.image.title\":\"a.txt\"}}")).IsModelArtifact);
    }

    [Theory]
    [InlineData("0,2", 4, new[] { 0, 2 })]
    [InlineData("2,0,,2", 4, new[] { 0, 2 })]
    [InlineData("0,1,2", 3, null)]
    [InlineData("0,x", 3, new int[0])]
    [InlineData("7", 3, new int[0])]
    public void The_partial_mark_reads_back_the_present_layers_and_takes_nothing_it_cannot_read(string mark, int layers, int[]? expected)
    {
        var entry = new Descriptor(MediaTypes.OciManifest, "sha256:" + new string('0', 64), 1, new Dictionary<string, string> { [PartialLayers.Annotation] = mark });

        Assert.Equal(expected, PartialLayers.Read(entry, layers));
    }

    [Fact]
    public void The_partial_mark_is_left_out_when_every_layer_is_present()
    {
        Assert.Null(PartialLayers.Format(new[] { 2, 0, 1 }, 3));
        Assert.Null(PartialLayers.Format(null, 3));
        Assert.Equal("0,2", PartialLayers.Format(new[] { 2, 0, 2 }, 3));
    }

    private static byte[] Manifest(string artifactType, string configMediaType, string layer) => Encoding.UTF8.GetBytes(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," + artifactType +
        "\"config\":{\"mediaType\":\"" + configMediaType + "\",\"digest\":\"sha256:" + new string('2', 64) + "\",\"size\":2},\"layers\":[" + layer + "]}");
}
